"""The export's choices as a form: what to write (filtered rows, selected rows, or the chart's table),
the format, Excel-friendliness, small-number suppression or rounding, the columns, and the file. It
gathers them into a `core.export_view.ExportRequest` and says when they change; it writes nothing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.export_view import ExportRequest

_NAME = Qt.ItemDataRole.UserRole
_WHAT = ("rows", "selected", "table")
TABLE = 2  # the id of "a summary table" among the kinds


class ExportChoices(QWidget):
    """The form; `changed` whenever a choice that alters what would be written changes."""

    changed = Signal()

    def __init__(self, window, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.controller = window.controller
        self.ds = self.controller.dataset
        self.result = self.controller.result
        self.selected_rows = _selected_rows(window.table)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._what_box())
        lay.addLayout(self._options_form())
        lay.addWidget(self._columns_box(window.table.visible_columns()))
        lay.addLayout(self._path_row())
        self.kind.idToggled.connect(lambda *_: self._changed())
        self.format.currentIndexChanged.connect(lambda *_: self._format_changed())
        self.suppress.toggled.connect(lambda on: self._protection_chosen(self.suppress, on))
        self.round.toggled.connect(lambda on: self._protection_chosen(self.round, on))
        self.base.valueChanged.connect(lambda *_: self._changed())
        self.k.valueChanged.connect(lambda *_: self._changed())
        self.columns.itemChanged.connect(lambda *_: self._changed())
        self._enable()

    # ---- layout --------------------------------------------------------------------------------
    def _what_box(self) -> QGroupBox:
        what = QGroupBox("What to export")
        wl = QVBoxLayout(what)
        self.kind = QButtonGroup(self)
        self.rows_button = QRadioButton(f"The filtered rows ({self.result.n_rows:,})")
        self.selected_button = QRadioButton(f"Only the rows selected in the table ({len(self.selected_rows):,})")
        self.selected_button.setEnabled(len(self.selected_rows) > 0)
        g, s = self.controller.group_by, self.controller.stack_by
        chart_words = self.ds.label(g) if g else "nothing"
        if s:
            chart_words += f" and {self.ds.label(s)}"
        self.table_button = QRadioButton(f"A summary table of the filtered rows: count by {chart_words}")
        self.table_button.setEnabled(bool(g))
        for i, b in enumerate((self.rows_button, self.selected_button, self.table_button)):
            self.kind.addButton(b, i)
            wl.addWidget(b)
        self.rows_button.setChecked(True)
        return what

    def _options_form(self) -> QFormLayout:
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItem("CSV (comma-separated)", "csv")
        self.format.addItem("Excel workbook (XLSX)", "xlsx")
        self.format.setAccessibleName("File format")
        form.addRow("Format", self.format)
        self.bom = QCheckBox("Excel-friendly (UTF-8 with byte-order mark)")
        self.bom.setChecked(True)
        self.bom.setAccessibleName("Excel-friendly CSV")
        form.addRow("", self.bom)
        self.suppress = QCheckBox("Suppress small numbers: show counts below")
        self.suppress.setAccessibleName("Suppress small numbers")
        self.suppress.setToolTip("For publication: counts from 1 to the threshold less one are written as [c], "
                                 "and further cells are hidden until no hidden count can be narrowed to fewer "
                                 "than three values from the totals (checked by linear programming).")
        self.k = _number_box("Suppression threshold")
        form.addRow("Publication", _row(self.suppress, self.k, QLabel("as [c]")))
        self.round = QCheckBox("Or round every count and total to the nearest")
        self.round.setAccessibleName("Round counts")
        self.round.setToolTip("As the Home Office and the Department for Education publish: each count and "
                              "total rounded on its own, small counts shown as [c]")
        self.base = _number_box("Round to the nearest")
        form.addRow("", _row(self.round, self.base))
        return form

    def _columns_box(self, visible: list[str]) -> QGroupBox:
        self.columns_box = QGroupBox("Columns (in table order)")
        cl = QVBoxLayout(self.columns_box)
        self.columns = QListWidget()
        self.columns.setAccessibleName("Columns to export")
        for col in visible + [c for c in self.ds.columns if c not in visible]:
            it = QListWidgetItem(self.ds.label(col))
            it.setData(_NAME, col)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked if col in visible else Qt.CheckState.Unchecked)
            self.columns.addItem(it)
        self.columns.setMaximumHeight(160)
        cl.addWidget(self.columns)
        return self.columns_box

    def _path_row(self) -> QHBoxLayout:
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Export file")
        folder = Path(str(self.settings.value("export_folder", str(Path.home()))))
        self.path.setText(str(folder / self._default_name("csv")))
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)  # Enter exports; it does not open the file chooser
        browse.setAccessibleName("Choose the export file")
        browse.clicked.connect(self._browse)
        path_row.addWidget(QLabel("Save to"))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        return path_row

    # ---- the choices -----------------------------------------------------------------------------
    @property
    def is_table(self) -> bool:
        return self.kind.checkedId() == TABLE

    def rows(self) -> np.ndarray:
        """The rows the choice would write from (selected, or all filtered)."""
        return self.selected_rows if self.kind.checkedId() == 1 else self.result.rows

    def fmt(self) -> str:
        return str(self.format.currentData())

    def chosen_columns(self) -> list[str]:
        return [self.columns.item(i).data(_NAME) for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.CheckState.Checked]

    def request(self, path: Path | None = None) -> ExportRequest:
        """The export the choices describe (to `path`, if given)."""
        what = _WHAT[max(self.kind.checkedId(), 0)]
        is_table = what == "table"
        group = tuple(c for c in (self.controller.group_by, self.controller.stack_by) if c)
        return ExportRequest(
            engine=self.controller.engine, state=self.controller.state, path=path, what=what,
            rows=self.selected_rows if what == "selected" else self.result.rows,
            columns=None if is_table else tuple(self.chosen_columns()),
            group_by=group if is_table else (),
            suppress_below=self.k.value() if is_table and self.suppress.isChecked() else None,
            round_to=self.base.value() if is_table and self.round.isChecked() else None,
            fmt=self.fmt(), bom=self.bom.isChecked(),
        )

    def target(self) -> Path | None:
        """The file to write, with the format's extension added if it has none of ours; None if empty."""
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + "." + self.fmt())
        return path

    # ---- reacting to the user --------------------------------------------------------------------
    def _changed(self) -> None:
        self._enable()
        self.changed.emit()

    def _enable(self) -> None:
        """Only the controls that apply to the choice can be used; a greyed one says why."""
        is_table = self.is_table
        rows_only = "A summary table has its own columns: the grouping and the counts."
        table_only = "Suppression and rounding apply to summary tables, not to rows: choose a summary table."
        _able(self.columns_box, not is_table, rows_only)
        _able(self.suppress, is_table, table_only)
        _able(self.k, is_table and self.suppress.isChecked(),
              table_only if not is_table else "Tick \"Suppress small numbers\" to choose the threshold.")
        _able(self.round, is_table, table_only)
        _able(self.base, is_table and self.round.isChecked(),
              table_only if not is_table else "Tick \"Or round\" to choose what to round to.")
        _able(self.bom, self.fmt() == "csv", "Excel workbooks need no byte-order mark: this is for CSV only.")
        _able(self.selected_button, len(self.selected_rows) > 0,
              "No rows are selected in the table: select rows there (click, Shift+click) to export only them.")
        _able(self.table_button, bool(self.controller.group_by), "The chart groups by nothing, so there is no "
              "summary table: choose a Group by under the chart.")

    def _protection_chosen(self, box: QCheckBox, on: bool) -> None:
        """Suppression and rounding are two rules: one at a time."""
        other = self.round if box is self.suppress else self.suppress
        if on and other.isChecked():
            other.setChecked(False)
        self._changed()

    def _default_name(self, fmt: str) -> str:
        if self.ds.synthetic:  # a file made from made-up data says so in its name
            stem = Path(self.ds.name).stem.replace(" ", "-")[:40].lower()
            base = "synthetic-sample" if "sample" in stem else f"synthetic-{stem}"
        else:
            base = Path(self.ds.name).stem.replace(" ", "-")[:40]
        return f"{base}-export.{fmt}"

    def _format_changed(self) -> None:
        p = Path(self.path.text().strip() or self._default_name(self.fmt()))
        if p.suffix.lower() in (".csv", ".xlsx"):
            self.path.setText(str(p.with_suffix("." + self.fmt())))
        self._changed()

    def _browse(self) -> None:
        fmt = self.fmt()
        filt = "CSV (*.csv)" if fmt == "csv" else "Excel workbook (*.xlsx)"
        # The overwrite question is asked once, when exporting, for typed and browsed names alike.
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), filt,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            if Path(path).suffix.lower() != "." + fmt:
                path += "." + fmt
            self.path.setText(path)


def _selected_rows(view) -> np.ndarray:
    """The data rows selected in the table, in table order."""
    rows = view.selected_view_rows()
    return view.model().rows[rows] if rows else np.zeros(0, dtype=np.int64)


def _number_box(name: str) -> QSpinBox:
    """A whole number from 2 to 100, 5 to begin with (a threshold or a rounding base)."""
    box = QSpinBox()
    box.setRange(2, 100)
    box.setValue(5)
    box.setAccessibleName(name)
    return box


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side, flush left."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    layout.addStretch(1)
    return row


def _able(widget: QWidget, enabled: bool, why: str) -> None:
    """Enable a control, or grey it with its reason as its tooltip (its own tooltip comes back after)."""
    own = widget.property("own_tooltip")
    if own is None:
        own = widget.toolTip()
        widget.setProperty("own_tooltip", own)
    widget.setEnabled(enabled)
    widget.setToolTip(own if enabled else why)
