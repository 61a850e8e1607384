"""File > Open with options: for files the program cannot read fully on its own, such as a police.uk
file that was renamed (no force in its name), a table with no force column, a workbook whose table is
not on the first sheet, or a table whose headers need a mapping file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import schema

FORMATS = (
    ("Recognise from the headers", None),
    ("Generic table", "generic"),
    ("police.uk stop and search", "policeuk"),
    ("Home Office open data table", "homeoffice"),
    ("Youth Justice Board proven offences", "yjb"),
)
MAPPING_FILTER = "Column mapping (*.json);;All files (*)"


class OpenOptionsDialog(QDialog):
    """Chooses files and the options the core's loader takes; `options()` gives them as keywords."""

    def __init__(self, parent: QWidget | None, folder: str, open_filter: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open with options")
        self.setAccessibleName("Open with options")
        self.setMinimumWidth(560)
        self._folder = folder
        self._open_filter = open_filter
        self.paths: list[str] = []
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)

        files = QHBoxLayout()
        self.files_label = QLabel("No files chosen")
        self.files_label.setWordWrap(True)
        choose = QPushButton("Choose files…")
        choose.setAccessibleName("Choose files")
        choose.clicked.connect(self._choose_files)
        files.addWidget(self.files_label, 1)
        files.addWidget(choose)
        label = QLabel("&Files:")
        label.setBuddy(choose)
        form.addRow(label, files)

        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for text, value in FORMATS:
            self.format.addItem(text, value)
        form.addRow("&Format:", self.format)

        self.force = QComboBox()
        self.force.setAccessibleName("Police force")
        self.force.addItem("As the files say", None)
        for name in schema.FORCE_NAMES:
            self.force.addItem(name, name)
        self.force.setToolTip("For files that do not name the force: renamed police.uk files, tables with "
                              "no force column.")
        form.addRow("Police &force:", self.force)

        self.measure = QLineEdit()
        self.measure.setAccessibleName("What each row counts")
        self.measure.setPlaceholderText("As the files say (for example: Arrest)")
        form.addRow("Each row &counts:", self.measure)

        self.sheet = QLineEdit()
        self.sheet.setAccessibleName("Worksheet")
        self.sheet.setPlaceholderText("The sheet that looks most like a table")
        form.addRow("&Worksheet:", self.sheet)

        mapping = QHBoxLayout()
        self.mapping = QLineEdit()
        self.mapping.setAccessibleName("Column mapping file")
        self.mapping.setPlaceholderText("None: headers are recognised by their usual names")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose a column mapping file")
        browse.clicked.connect(self._choose_mapping)
        mapping.addWidget(self.mapping, 1)
        mapping.addWidget(browse)
        label = QLabel("Column &mapping:")
        label.setBuddy(self.mapping)  # the row holds a layout, so the shortcut needs its buddy named
        form.addRow(label, mapping)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update()

    def set_paths(self, paths: list[str]) -> None:
        self.paths = [str(p) for p in paths]
        self._update()

    def _update(self) -> None:
        names = [Path(p).name for p in self.paths]
        self.files_label.setText(", ".join(names) if names else "No files chosen")
        self.files_label.setToolTip("\n".join(self.paths))
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(bool(self.paths))

    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open data files", self._folder, self._open_filter)
        if paths:
            self.set_paths(paths)

    def _choose_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Column mapping file", self._folder, MAPPING_FILTER)
        if path:
            self.mapping.setText(path)

    def options(self) -> dict:
        """Keywords for the loader; only the options the user set."""
        opts = {
            "fmt": self.format.currentData(),
            "force": self.force.currentData(),
            "measure": self.measure.text().strip() or None,
            "sheet": self.sheet.text().strip() or None,
            "mapping": self.mapping.text().strip() or None,
        }
        return {k: v for k, v in opts.items() if v is not None}
