"""The chart's numbers as a table (non-modal): for reading exact values, for screen readers and for
pasting into a report. Its heading is the one a saved chart image carries: the synthetic-data line
where it applies, the title with the filters in words, the source, and what is counted."""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from ...core.chart_table import cell_texts

_SCREEN_SHARE = 0.9  # the dialog opens no larger than this share of the screen


class _CopyTableView(QTableView):
    """Table whose Ctrl+C copies the selected block (or everything) as tab-separated text with headers."""

    def keyPressEvent(self, ev) -> None:
        if ev.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def copy_text(self) -> str:
        model = self.model()
        if model is None:
            return ""
        idx = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if idx:
            rows = sorted({i.row() for i in idx})
            cols = sorted({i.column() for i in idx})
        else:
            rows, cols = list(range(model.rowCount())), list(range(model.columnCount()))
        lines = ["\t".join(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in cols)]
        for r in rows:
            lines.append("\t".join(str(model.index(r, c).data(Qt.ItemDataRole.UserRole)) for c in cols))
        return "\n".join(lines) + "\n"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text())

    def contents_size(self) -> tuple[int, int]:
        """Width and height that show every column and row without scrolling."""
        frame = 2 * self.frameWidth() + 2
        width = self.verticalHeader().sizeHint().width() + self.horizontalHeader().length() + frame
        height = self.horizontalHeader().sizeHint().height() + self.verticalHeader().length() + frame
        return width, height


class ChartTableDialog(QDialog):
    """The chart's numbers as a table, with the chart's heading above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chart as table")
        self.setAccessibleName("Chart as table")
        self.setModal(False)
        self.model = QStandardItemModel(self)
        self.view = _CopyTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Chart numbers")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.caption = QLabel()
        self.caption.setAccessibleName("Chart table caption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy the chart table")
        self.copy_button.setToolTip("Copy the selected cells, or the whole table, with headers, "
                                    "to paste into a spreadsheet or report")
        self.copy_button.clicked.connect(self.view.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self._buttons = buttons
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close the chart table")
        lay = QVBoxLayout(self)
        lay.addWidget(self.caption)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self._heading: list[str] = []

    @property
    def heading(self) -> list[str]:
        """The heading lines shown above the table."""
        return list(self._heading)

    def set_frame(self, frame: pd.DataFrame, heading: list[str] | None = None) -> None:
        """Show the table under its heading (the synthetic line, the title with filters, the source ...)."""
        self._heading = [line for line in (heading or []) if line]
        self.caption.setText("\n".join(self._heading))
        self.caption.setVisible(bool(self._heading))
        self.model.clear()
        self.model.setHorizontalHeaderLabels([str(c) for c in frame.columns])
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for cells in cell_texts(frame):
            items = []
            for j, (text, value) in enumerate(cells):
                it = QStandardItem(text)
                it.setData(value, Qt.ItemDataRole.UserRole)
                if j:
                    it.setTextAlignment(right)
                it.setEditable(False)
                items.append(it)
            self.model.appendRow(items)
        self.view.resizeColumnsToContents()

    def fit_to_contents(self) -> None:
        """Open as large as the table needs (no sideways scrolling), within the screen."""
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        max_w, max_h = int(screen.width() * _SCREEN_SHARE), int(screen.height() * _SCREEN_SHARE)
        table_w, table_h = self.view.contents_size()
        scroll = self.view.verticalScrollBar().sizeHint().width()
        margins = self.layout().contentsMargins()
        width = min(max_w, max(420, table_w + scroll + margins.left() + margins.right()))
        self.caption.setMaximumWidth(width - margins.left() - margins.right())
        caption_h = self.caption.heightForWidth(width - margins.left() - margins.right()) if self._heading else 0
        rest = self.layout().spacing() * 2 + margins.top() + margins.bottom() + self._buttons.sizeHint().height()
        height = min(max_h, max(240, table_h + caption_h + rest))
        self.caption.setMaximumWidth(16_777_215)
        self.resize(width, height)
