"""How the table paints its cells: the text of a plain cell is drawn straight from the model's prepared
columns, with one Python call per cell, instead of the view asking the model for every role of every
cell it paints (about seven calls per cell). Selected cells and the current cell are painted the usual
way, with the style's highlight and focus frame."""
from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop).value)
_ELIDE = Qt.TextElideMode.ElideRight
_MAX_CACHED = 50_000  # text widths kept; more distinct texts than this start the cache afresh


class CellSource(Protocol):
    """What the painter needs of the table's model."""

    def cell_text(self, row: int, column: int) -> str: ...

    def right_aligned(self, column: int) -> bool: ...


class CellPainter(QStyledItemDelegate):
    """Draws a plain cell's text, cut short with an ellipsis when it does not fit, as the standard
    delegate would. The view calls `begin` before each paint with what holds for the whole pass."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self._source: CellSource | None = None
        self._usual_everywhere = True
        self._current = (-1, -1)
        self._pen = QPen()
        self._margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        self._metrics = QFontMetrics(view.font())
        self._line = self._metrics.height()
        self._widths: dict[str, int] = {}
        self._elided: dict[tuple[str, int], str] = {}

    def begin(self, source: CellSource | None, view: QWidget, has_selection: bool,
              current: QModelIndex | QPersistentModelIndex) -> None:
        """Ready for one paint of the view: its model, its text colour, and the cells painted the usual
        way (all of them while cells are selected, else the current cell only)."""
        self._source = source
        self._usual_everywhere = source is None or has_selection
        self._current = (current.row(), current.column()) if current.isValid() else (-1, -1)
        if not view.isEnabled():
            group = QPalette.ColorGroup.Disabled
        elif view.isActiveWindow():
            group = QPalette.ColorGroup.Active
        else:
            group = QPalette.ColorGroup.Inactive
        self._pen = QPen(view.palette().color(group, QPalette.ColorRole.Text))

    def set_font(self, font: QFont) -> None:
        """The view's font changed: text widths are measured anew."""
        self._metrics = QFontMetrics(font)
        self._line = self._metrics.height()
        self._widths.clear()
        self._elided.clear()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row, column = index.row(), index.column()
        source = self._source
        if source is None or self._usual_everywhere or (row, column) == self._current:
            super().paint(painter, option, index)
            return
        text = source.cell_text(row, column)
        x, y, width, height = option.rect.getRect()
        room = width - 2 * self._margin
        if self._width(text) > room:
            text = self._cut(text, room)
        painter.setPen(self._pen)
        top = y + (height - self._line) // 2  # centred as the style centres a line: whole pixels, rounded down
        painter.drawText(x + self._margin, top, room, self._line, _RIGHT if source.right_aligned(column) else _LEFT,
                         text)

    def _width(self, text: str) -> int:
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) >= _MAX_CACHED:
                self._widths.clear()
            width = self._widths[text] = self._metrics.horizontalAdvance(text)
        return width

    def _cut(self, text: str, room: int) -> str:
        key = (text, room)
        cut = self._elided.get(key)
        if cut is None:
            if len(self._elided) >= _MAX_CACHED:
                self._elided.clear()
            cut = self._elided[key] = self._metrics.elidedText(text, _ELIDE, max(room, 0))
        return cut
