"""The line above the table and chart: which measure and area level are shown (never added together),
whether the data is synthetic, and the data notes a click away."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..core.dataset import Dataset
from ..core.filter_state import FilterState


class Banner(QWidget):
    """What the figures are, where the user looks; hidden when there is nothing to say."""

    def __init__(self, show_notes: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner_bar")
        self.text = QLabel()
        self.text.setObjectName("banner")
        self.text.setAccessibleName("What the figures are")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_button = QPushButton("Data &notes…")
        self.notes_button.setAccessibleName("Data notes")
        self.notes_button.setToolTip("How the data was read: columns, spellings merged, area levels, figures "
                                     "not available (Ctrl+Shift+D)")
        self.notes_button.clicked.connect(show_notes)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.notes_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_for(self, ds: Dataset, state: FilterState) -> None:
        """The parts shown (measure, area level), else how many notes there are; synthetic data first."""
        from ..core.notes import part_banner

        text = part_banner(ds, state)
        n_notes = sum(len(src.notes) for src in ds.sources)
        if not text and n_notes:
            text = f"{n_notes} note{'s' if n_notes != 1 else ''} on how this data was read."
        if ds.synthetic:
            text = ("Synthetic data: made up for trying the program; it describes no real child. " + text).strip()
        self.text.setText(text)
        self.setVisible(bool(text))
