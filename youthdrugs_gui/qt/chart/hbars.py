"""Horizontal bars for groupings with many values (44 police forces): whole names on the left, one row
per value at a readable height (the plot scrolls when they do not all fit), sorted by value or A-Z.

Like the vertical chart it only shows a ChartSeries and says what the user wants (`bar_clicked`); the
panel decides when to use it."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QScrollArea, QToolTip, QVBoxLayout, QWidget

from ...core import chart_table, schema
from ...core.result import ChartSeries
from . import time_axis
from .legend import ChartLegend, dim

ROW_PX = 18  # height of one bar's row
MIN_GROUPS = 13  # from this many values (and not years, periods or ages) bars are drawn across
_ORDERED = (schema.FINANCIAL_YEAR, schema.AGE, schema.AGE_BAND)


def goes_across(s: ChartSeries, mode: str) -> bool:
    """Bars across for groupings with many values that have no order of their own."""
    ordered = s.group_by in _ORDERED or time_axis.is_time(s.group_by)
    return len(s.groups) >= MIN_GROUPS and not ordered and mode == "bar"


class _ValueAxis(pg.AxisItem):
    """Counts (whole numbers) or rates (one decimal) along the top."""

    whole = True

    def __init__(self) -> None:
        super().__init__("top")
        self.enableAutoSIPrefix(False)
        self.setTickFont(QFont())

    def tickStrings(self, values, scale, spacing):
        return [f"{v:,.1f}" if not self.whole else f"{int(round(v)):,}" for v in values]


class HBarChart(QScrollArea):
    bar_clicked = Signal(str, str)  # group-by column, the group value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName("Chart, bars across")
        self.left = pg.AxisItem("left")
        self.left.setTickFont(QFont())
        self.bottom = _ValueAxis()  # along the top, so that it stays in view while the rows scroll
        self.legend = ChartLegend(self.graphics)  # row 0, above the plot
        self.plot: pg.PlotItem = self.graphics.ci.addPlot(row=1, col=0, axisItems={"left": self.left,
                                                                                "top": self.bottom})
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.vb = self.plot.getViewBox()
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setMenuEnabled(False)
        self.vb.disableAutoRange()
        self.vb.invertY(True)  # the first row at the top
        self._bars: list[pg.BarGraphItem] = []
        self._marks = pg.ScatterPlotItem(pxMode=True, size=10)
        self.plot.addItem(self._marks)
        self.reference = pg.InfiniteLine(angle=90, movable=False,
                                          pen=pg.mkPen("#444444", width=1.5, style=Qt.PenStyle.DashLine))
        self.reference.setVisible(False)
        self.plot.addItem(self.reference)
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.graphics)
        self.setWidget(holder)
        self._series: ChartSeries | None = None
        self._order: list[int] = []
        self._tip = ""
        self.graphics.scene().sigMouseClicked.connect(self._clicked)
        self.graphics.scene().sigMouseMoved.connect(self._moved)
        self.graphics.viewport().installEventFilter(self)

    # ---- showing ----------------------------------------------------------------------------------
    def show_series(self, s: ChartSeries, colour: Callable[[str], QColor], *, by_value: bool,
                    highlight: frozenset[str] | None, reference: float | None, legend: tuple[str, ...]) -> None:
        """Draw the series across, largest first or in the groups' own order; pale where not highlighted."""
        self._series = s
        totals = s.values.sum(axis=1)
        order = list(range(len(s.groups)))
        if by_value:
            order.sort(key=lambda i: (-float(totals[i]), s.groups[i]))
        self._order = order
        n = len(order)
        fm = QFontMetricsF(QFont())
        self.left.setTicks([[(float(r), s.groups[i]) for r, i in enumerate(order)]])
        self.left.setWidth(int(max((fm.horizontalAdvance(g) for g in s.groups), default=40) + 16))
        self.bottom.whole = not chart_table.is_rate(s)
        self.plot.setLabel("top", chart_table.value_label(s))
        self.legend.set_entries(legend, tuple(colour(st).name() for st in s.stacks) if legend else (), False)
        legend_h = self.legend.item.boundingRect().height() if self.legend.item is not None else 0
        self.graphics.setMinimumHeight(int(n * ROW_PX + 70 + legend_h))
        self._draw_bars(s, order, colour, highlight)
        status = s.group_status()
        top = float(max(totals.max() if n else 0.0, reference or 0.0)) or 1.0
        spots = [{"pos": (top * 0.01, float(r)), "symbol": "x", "brush": pg.mkBrush("#666666"),
                  "pen": pg.mkPen("#666666")} for r, i in enumerate(order) if status[i] not in ("full", "partial")]
        self._marks.setData(spots)
        if reference is not None:
            self.reference.setValue(reference)
        self.reference.setVisible(reference is not None)
        self.vb.setRange(xRange=(0, top * 1.05), yRange=(-0.6, n - 0.4), padding=0)

    def _draw_bars(self, s: ChartSeries, order: list[int], colour: Callable[[str], QColor],
                   highlight: frozenset[str] | None) -> None:
        vals = s.values[order]
        k = vals.shape[1]
        while len(self._bars) < k:
            item = pg.BarGraphItem(x0=[], y=[], height=0.75, width=[])
            self.plot.addItem(item)
            self._bars.append(item)
        left = np.cumsum(vals, axis=1) - vals
        y = np.arange(len(order), dtype=float)
        for j, stack in enumerate(s.stacks):
            c = colour(stack)
            brushes = [pg.mkBrush(c if highlight is None or s.groups[i] in highlight else dim(c)) for i in order]
            self._bars[j].setOpts(x0=left[:, j], y=y, height=0.75, width=vals[:, j], brushes=brushes,
                                  pen=pg.mkPen("#444444", width=0.5))
            self._bars[j].setVisible(True)
        for item in self._bars[k:]:
            item.setVisible(False)

    def set_colours(self, background: QColor, foreground: QColor) -> None:
        """Follow the panel's (and the desktop's) light or dark colours."""
        self.graphics.setBackground(background)
        for axis in (self.left, self.bottom):
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
            axis.label.setDefaultTextColor(foreground)
        self.legend.set_colours(background, foreground)

    @property
    def order(self) -> list[str]:
        """The groups from top to bottom."""
        s = self._series
        return [s.groups[i] for i in self._order] if s is not None else []

    # ---- pointing ---------------------------------------------------------------------------------
    def group_at_scene(self, pos: QPointF) -> str | None:
        s = self._series
        if s is None or not self._order:
            return None
        if not (self.vb.sceneBoundingRect().contains(pos) or self.left.sceneBoundingRect().contains(pos)):
            return None
        p = self.vb.mapSceneToView(pos)
        r = int(round(p.y()))
        if 0 <= r < len(self._order) and abs(p.y() - r) <= 0.45:
            return s.groups[self._order[r]]
        return None

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        g = self.group_at_scene(ev.scenePos())
        if g is not None and self._series is not None:
            ev.accept()
            self.bar_clicked.emit(self._series.group_by, g)

    def _moved(self, pos: QPointF) -> None:
        g = self.group_at_scene(pos)
        s = self._series
        text = ""
        if g is not None and s is not None:
            text = f"{g}: {chart_table.fmt(s.values[s.groups.index(g)].sum())}"
        if text != self._tip:
            self._tip = text
            if text:
                QToolTip.showText(self.graphics.viewport().mapToGlobal(self.graphics.mapFromScene(pos)), text)
            else:
                QToolTip.hideText()

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.Leave:
            self._tip = ""
            QToolTip.hideText()
        return super().eventFilter(obj, ev)
