"""The vertical chart: (stacked) bars per group, or lines over years and other periods of time.

Bars are one `BarGraphItem` per stack, kept in a pool and updated in place with `setOpts`, so a new
series costs a few milliseconds and no items are rebuilt. Groups with no figure get a mark on the axis,
never a bar of 0; in the line view they are a gap, as are periods missing from the data."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ...core import chart_table
from ...core.result import ChartSeries
from . import time_axis
from .axes import CategoryAxis, CountAxis
from .legend import ChartLegend, dim

BAR_WIDTH = 0.8
_MARK = "#666666"


class ChartPlot:
    """The plot items of the vertical chart inside one graphics widget; drawn by `show_series`."""

    def __init__(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName("Chart")
        self.graphics.setMinimumHeight(180)
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.x_axis = CategoryAxis()
        self.y_axis = CountAxis()
        self.legend = ChartLegend(self.graphics)  # row 0, above the plot
        self.plot: pg.PlotItem = self.graphics.ci.addPlot(row=1, col=0, axisItems={"bottom": self.x_axis,
                                                                                  "left": self.y_axis})
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        # Horizontal grid lines as one item of line pairs: pyqtgraph's axis grid repaints the whole
        # axis with the view on every update and doubled the cost of a new series.
        self.grid = pg.PlotCurveItem(connect="pairs")
        self.grid.setZValue(-100)
        self.plot.addItem(self.grid)
        self.view_top = 1.0
        self.view_x = (0.0, 1.0)
        self.vb: pg.ViewBox = self.plot.getViewBox()
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setMenuEnabled(False)
        self.vb.disableAutoRange()
        # ViewBox keeps mkPen(None) as its border and still paints that invisible path on every repaint.
        self.vb.border = None
        self.plot.setLabel("left", "Count")
        self.bars: list[pg.BarGraphItem] = []
        self.lines: list[pg.PlotDataItem] = []
        self._bar_style: list[tuple] = []
        self.marks = pg.ScatterPlotItem(pxMode=True, size=11)
        self.marks.setZValue(50)
        self.plot.addItem(self.marks)
        self.reference = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#444444", width=1.5,
                                                                              style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={"position": 0.02, "anchors": [(0, 1), (0, 1)]})
        self.reference.setZValue(60)
        self.reference.setVisible(False)
        self.plot.addItem(self.reference)
        self.message = pg.TextItem("", anchor=(0.5, 0.5))
        self.message.setParentItem(self.vb)
        self.message.setTextWidth(360)
        self.message.hide()
        self.outline = QColor("white")
        self.series: ChartSeries | None = None
        self.mode = "bar"
        self.x = np.zeros(0)  # each group's place along the bottom
        self._axis_key: tuple | None = None
        self._ylabel: str | None = None

    # ---- drawing ---------------------------------------------------------------------------------
    def show_series(self, s: ChartSeries, mode: str, colour: Callable[[str], QColor], labels: dict[str, str],
                    highlight: frozenset[str] | None, reference: float | None) -> None:
        """Draw the series as bars or lines ('bar', 'line'), pale where not highlighted."""
        self.message.hide()
        self.series, self.mode = s, mode
        self._set_bottom_axis(s, mode, labels)
        self.y_axis.whole = not chart_table.is_rate(s)
        self._set_ylabel(chart_table.value_label(s))
        if mode == "line":
            for b in self.bars:
                b.setVisible(False)
            top = self._draw_lines(s, colour, highlight)
        else:
            for ln in self.lines:
                ln.setVisible(False)
            top = self._draw_bars(s)
            self.style_bars(s, colour, highlight)
        self._draw_marks(s, top)
        self._draw_reference(reference)
        view_top = top * 1.06 if top > 0 else 1.0
        if reference is not None and reference * 1.08 > view_top:
            view_top = reference * 1.12
        finite = self.x[np.isfinite(self.x)]
        pad = 0.6 if mode == "bar" else 0.4
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        self.set_view((lo - pad, hi + pad), view_top)

    def show_message(self, text: str) -> None:
        """No chart: the words in the plot area, no bars, lines, marks or legend."""
        self.series = None
        self.marks.setVisible(False)
        for item in self.bars + self.lines:
            item.setVisible(False)
        self.legend.set_entries((), (), False)
        self._axis_key = None
        self.x = np.zeros(0)
        self.x_axis.set_categories(())
        self.x_axis.setLabel("")
        self._set_ylabel("Count")
        self._draw_reference(None)
        self.message.setText(text)
        self.message.show()
        self.place_message()
        self.set_view((0.0, 1.0), 1.0)

    def _set_bottom_axis(self, s: ChartSeries, mode: str, labels: dict[str, str]) -> None:
        """Categories at 0, 1, 2 ...; in the line view, periods of time at their place in time."""
        timed = mode == "line" and time_axis.is_time(s.group_by)
        key = (s.groups, s.group_by if timed else None)
        if key != self._axis_key:
            self._axis_key = key
            if timed:
                self.x = time_axis.positions(s.group_by, s.groups)
                self.x_axis.set_periods(s.group_by, s.groups, self.x)
            else:
                self.x = np.arange(len(s.groups), dtype=np.float64)
                self.x_axis.set_categories(s.groups)
        label = chart_table.column_label(labels, s.group_by)
        if self.x_axis.labelText != label:
            self.x_axis.setLabel(label)

    def _set_ylabel(self, text: str) -> None:
        if text != self._ylabel:
            self._ylabel = text
            self.plot.setLabel("left", text)

    def _draw_bars(self, s: ChartSeries) -> float:
        values = s.values
        k = values.shape[1]
        while len(self.bars) < k:
            item = pg.BarGraphItem(x=self.x[:0], height=self.x[:0], width=BAR_WIDTH)
            self.plot.addItem(item)
            self.bars.append(item)
            self._bar_style.append(())
        y0 = np.cumsum(values, axis=1) - values if k > 1 else None
        for j in range(k):
            self.bars[j].setOpts(x=self.x, height=values[:, j], width=BAR_WIDTH,
                                 y0=y0[:, j] if y0 is not None else 0)
            self.bars[j].setVisible(True)
        for item in self.bars[k:]:
            item.setVisible(False)
        totals = values.sum(axis=1)
        return float(totals.max()) if len(totals) else 0.0

    def style_bars(self, s: ChartSeries, colour: Callable[[str], QColor], highlight: frozenset[str] | None,
                   force: bool = False) -> None:
        """Brushes per stack; per-bar brushes only while a filter is highlighted."""
        mask = None
        if highlight is not None:
            mask = tuple(g in highlight for g in s.groups)
            if all(mask):
                mask = None
        for j, stack in enumerate(s.stacks):
            c = colour(stack)
            key = (c.name(), mask, self.outline.name())
            if not force and self._bar_style[j] == key:
                continue
            self._bar_style[j] = key
            pen = pg.mkPen(self.outline, width=1)
            if mask is None:
                self.bars[j].setOpts(brush=pg.mkBrush(c), brushes=None, pen=pen)
            else:
                full, pale = pg.mkBrush(c), pg.mkBrush(dim(c))
                self.bars[j].setOpts(brush=full, brushes=[full if m else pale for m in mask], pen=pen)

    def forget_styles(self) -> None:
        """Colours changed (palette, export): restyle every bar on the next draw."""
        self._bar_style = [()] * len(self.bars)

    def _draw_lines(self, s: ChartSeries, colour: Callable[[str], QColor], highlight: frozenset[str] | None) -> float:
        values = s.values
        k = values.shape[1]
        while len(self.lines) < k:
            item = pg.PlotDataItem()
            self.plot.addItem(item)
            self.lines.append(item)
        available = s.available()
        for j, stack in enumerate(s.stacks):
            c = colour(stack)
            # a gap, not a drop to zero, where the sources have no figure or a period is missing
            y = np.where(available[:, j], values[:, j].astype(float), np.nan)
            xs, ys, idx = time_axis.line_with_gaps(self.x, y)
            full, pale = pg.mkBrush(c), pg.mkBrush(dim(c))
            brushes = [full if i < 0 or highlight is None or s.groups[i] in highlight else pale for i in idx]
            self.lines[j].setData(x=xs, y=ys, pen=pg.mkPen(c, width=2), symbol="o", connect="finite",
                                  symbolSize=8, symbolBrush=brushes, symbolPen=pg.mkPen(self.outline))
            self.lines[j].setVisible(True)
        for item in self.lines[k:]:
            item.setVisible(False)
        return float(values.max()) if values.size else 0.0

    def _draw_marks(self, s: ChartSeries, top: float) -> None:
        """A cross where a group has no figure, a triangle where its figure leaves some cells out."""
        status = s.group_status()
        totals = s.values.sum(axis=1)
        lift = (top if top > 0 else 1.0) * 0.03
        spots = []
        for i, v in enumerate(status):
            if not np.isfinite(self.x[i]) or v == "full":
                continue
            pos = (float(self.x[i]), lift) if v != "partial" else (float(self.x[i]), float(totals[i]) + lift)
            spots.append({"pos": pos, "symbol": "t" if v == "partial" else "x", "brush": pg.mkBrush(_MARK),
                          "pen": pg.mkPen(_MARK)})
        self.marks.setData(spots)
        self.marks.setVisible(bool(spots))

    def _draw_reference(self, value: float | None) -> None:
        if value is None:
            self.reference.setVisible(False)
            return
        self.reference.setValue(value)
        self.reference.label.setFormat(f"{chart_table.REFERENCE_NAME} {value:.1f}")
        self.reference.setVisible(True)

    def set_view(self, x_range: tuple[float, float], top: float) -> None:
        """Show exactly the data (y from 0): the user cannot pan or zoom, so this is the whole view."""
        self.view_x, self.view_top = x_range, top
        self.vb.setRange(xRange=x_range, yRange=(0, top), padding=0)
        # The view box would otherwise move its contents when it is next painted, which marks them
        # for a second paint: moved now, the new series is painted once.
        self.vb.updateMatrix()
        self.update_grid()

    def update_grid(self) -> None:
        height = self.vb.height()
        if self.message.isVisible() or height <= 0:
            self.grid.setVisible(False)
            return
        levels = self.y_axis.tickValues(0.0, self.view_top, height)
        # major and minor levels: the axis labels both when there is room, so every label gets a line
        ys = np.asarray(sorted({v for _, values in levels[:2] for v in values if 0 < v <= self.view_top}),
                        dtype=float)
        x0, x1 = self.view_x
        self.grid.setData(x=np.tile([x0, x1], len(ys)), y=np.repeat(ys, 2))
        self.grid.setVisible(len(ys) > 0)

    def place_message(self) -> None:
        r = self.vb.rect()
        self.message.setTextWidth(max(120.0, min(480.0, r.width() - 40)))
        self.message.setPos(r.center())

    def set_colours(self, background: QColor, foreground: QColor) -> None:
        """Background, text, outlines and grid in these colours."""
        self.outline = QColor(background)
        self.graphics.setBackground(background)
        for axis in (self.x_axis, self.y_axis):
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
            axis.label.setDefaultTextColor(foreground)
            axis.picture = None
            axis.update()
        self.message.setColor(foreground)
        grid = QColor(foreground)
        grid.setAlpha(45)
        self.grid.setPen(pg.mkPen(grid, width=1))
        self.legend.set_colours(background, foreground)
        self.forget_styles()
