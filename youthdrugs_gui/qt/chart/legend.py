"""Colours per stack and the legend above the plot (outside it, so it never covers a bar).

Colours come from the Okabe-Ito palette, safe for colour-blind readers; 'not known'-like values are
grey. A stack keeps its colour while the stack column stays the same, so it does not change colour
when a filter removes another."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from ...core.schema import NOT_RECORDED

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Black is left out (it vanishes on a dark background); grey is kept for "unknown" stacks.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                            "#8C6D31", "#7F7FBF", "#5FA37B")
UNKNOWN_COLOUR = "#999999"
_UNKNOWN_NAMES = frozenset({NOT_RECORDED.casefold(), "not known", "unknown", "not stated"})
DIM_ALPHA = 60  # of 255: bars outside the current filter


def dim(colour: QColor) -> QColor:
    """The pale version of a colour, for groups not ticked in the filter."""
    c = QColor(colour)
    c.setAlpha(DIM_ALPHA)
    return c


class StackColours:
    """One colour per stack value, kept while the stack column stays the same."""

    def __init__(self) -> None:
        self._column: str | None = None
        self._colours: dict[str, QColor] = {}

    def follow(self, stack_column: str | None) -> None:
        """Start afresh when the stack column changes."""
        key = stack_column or ""
        if key != self._column:
            self._column, self._colours = key, {}

    def __call__(self, stack: str) -> QColor:
        c = self._colours.get(stack)
        if c is None:
            if stack.casefold() in _UNKNOWN_NAMES:
                c = QColor(UNKNOWN_COLOUR)
            else:
                used = sum(1 for v in self._colours if v.casefold() not in _UNKNOWN_NAMES)
                c = QColor(PALETTE[used % len(PALETTE)])
            self._colours[stack] = c
        return c


class Swatch(pg.GraphicsWidget):
    """A legend sample that only shows a colour (pyqtgraph's own hides the series when clicked,
    which a caseworker would take for a filter)."""

    sigClicked = Signal(object)  # LegendItem connects to it; never emitted

    def __init__(self, colour: QColor, line: bool, outline: QColor) -> None:
        super().__init__()
        self.colour, self.line, self.outline = QColor(colour), line, QColor(outline)
        self.setFixedWidth(20)
        self.setFixedHeight(20)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, 20, 20)

    def paint(self, p: QPainter, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.line:
            p.setPen(pg.mkPen(self.colour, width=2))
            p.drawLine(QPointF(1, 11), QPointF(19, 11))
            p.setBrush(pg.mkBrush(self.colour))
            p.setPen(pg.mkPen(self.outline))
            p.drawEllipse(QPointF(10, 11), 4, 4)
        else:
            p.setPen(pg.mkPen(self.outline))
            p.setBrush(pg.mkBrush(self.colour))
            p.drawRect(QRectF(3, 4, 14, 14))


class ChartLegend:
    """The legend in row 0 of a graphics layout, with as many columns as fit its width."""

    def __init__(self, graphics: pg.GraphicsLayoutWidget) -> None:
        self.graphics = graphics
        self.item: pg.LegendItem | None = None
        self._key: tuple | None = None
        self._entries: tuple[tuple[str, str], ...] = ()
        self._line = False
        self._columns = 0
        self._fitting = False
        self.outline = QColor("white")
        self.text_colour = QColor("black")

    def set_entries(self, names: tuple[str, ...], colours: tuple[str, ...], line: bool) -> None:
        """Show these (name, colour) entries as line or bar samples; nothing when names is empty."""
        key = (names, colours, line)
        if key == self._key:
            return
        self._key = key
        self._entries = tuple(zip(names, colours))
        self._line = line
        self._columns = -1
        self.fit()

    def set_colours(self, outline: QColor, text: QColor) -> None:
        self.outline, self.text_colour = QColor(outline), QColor(text)
        if self.item is not None:
            for swatch, label in self.item.items:
                swatch.outline = QColor(outline)
                swatch.update()
                label.setText(label.text, color=text)

    def fit(self) -> None:
        """(Re)build the legend with as many columns as fit the width. A new LegendItem each time:
        pyqtgraph's keeps empty layout rows after clear(), which leaves a growing gap."""
        entries = self._entries
        cols = 0
        if entries:
            fm = QFontMetricsF(self.graphics.font())
            widest = max(fm.horizontalAdvance(name) for name, _ in entries) + 20 + 24
            avail = max(1.0, self.graphics.width() - 40)
            cols = max(1, min(len(entries), int(avail // widest)))
        if (self.item is not None or not entries) and cols == self._columns or self._fitting:
            return
        self._columns = cols
        self._fitting = True  # removing/adding resizes the view, which calls back here
        try:
            self._rebuild(entries, cols)
        finally:
            self._fitting = False

    def _rebuild(self, entries: tuple[tuple[str, str], ...], cols: int) -> None:
        old, self.item = self.item, None
        if old is not None:
            self.graphics.ci.removeItem(old)
        if not entries:
            return
        size = f"{max(7.0, QFont(self.graphics.font()).pointSizeF()):g}pt"
        legend = pg.LegendItem(offset=None, horSpacing=10, verSpacing=0, sampleType=Swatch, pen=None,
                               brush=None, frame=False, labelTextColor=self.text_colour,
                               labelTextSize=size, colCount=cols)
        for name, colour in entries:
            legend.addItem(Swatch(QColor(colour), self._line, self.outline), name)
        legend.layout.setContentsMargins(4, 0, 4, 2)
        self.graphics.ci.addItem(legend, row=0, col=0)
        legend.setMaximumSize(legend.effectiveSizeHint(Qt.SizeHint.PreferredSize))
        self.graphics.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignHCenter)
        self.graphics.ci.layout.activate()  # lay out now: an export may follow before any event
        self.item = legend
