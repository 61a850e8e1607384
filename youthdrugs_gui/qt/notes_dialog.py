"""Data notes: how the data was read (columns, spellings merged, area levels, series breaks, figures
not available), in full and in words, where the user can read them at leisure."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from ..core.dataset import Dataset
from ..core.notes import data_notes_text


class DataNotesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Data notes")
        self.setAccessibleName("Data notes")
        self.setModal(False)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Notes on how the data was read")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)
        self.resize(820, 560)

    def set_dataset(self, ds: Dataset) -> None:
        self.setWindowTitle(f"Data notes — {ds.name}")
        self.text.setPlainText(data_notes_text(ds))
