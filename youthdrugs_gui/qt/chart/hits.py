"""What is under the mouse in the vertical chart: the bar segment or line point, the group's column
(so that tiny bars can still be clicked), and the words of its tooltip."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from ...core import chart_table
from .plot import BAR_WIDTH, ChartPlot

HOVER_PIXELS = 12  # how near a line point the mouse must be to count as on it


class PlotPointer:
    """Hit testing in data coordinates on a ChartPlot, and the group a click lands on."""

    def __init__(self, plot: ChartPlot) -> None:
        self.plot = plot

    def _nearest(self, x: float, reach: float) -> int | None:
        """The group whose place along the bottom is within reach of x."""
        xs = self.plot.x
        if self.plot.series is None or not xs.size:
            return None
        dist = np.abs(np.where(np.isfinite(xs), xs, np.inf) - x)
        i = int(np.argmin(dist))
        return i if dist[i] <= reach and i < len(self.plot.series.groups) else None

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(group, stack) indices of the bar segment or line point at data coordinates."""
        s = self.plot.series
        if s is None or not s.groups or s.values.size == 0:
            return None
        if self.plot.mode == "line":
            i = self._nearest(x, 0.5)
            if i is None:
                return None
            px_x, px_y = self.plot.vb.viewPixelSize()
            row = s.values[i]
            dist = np.hypot((x - self.plot.x[i]) / (px_x or 1), (row - y) / (px_y or 1))
            j = int(np.argmin(dist))
            return (i, j) if dist[j] <= HOVER_PIXELS else None
        i = self._nearest(x, BAR_WIDTH / 2)
        if i is None or y < 0:
            return None
        row = s.values[i]
        j = int(np.searchsorted(np.cumsum(row), y, side="right"))
        while j < len(row) and row[j] == 0:  # a zero-height segment has no area
            j += 1
        return (i, j) if j < len(row) else None

    def group_at(self, x: float, y: float | None = None) -> int | None:
        """The group whose column (the bar's width, any height from 0) holds x; for clicks on tiny bars."""
        s = self.plot.series
        if s is None or not s.groups or s.values.size == 0 or (y is not None and y < 0):
            return None
        return self._nearest(x, BAR_WIDTH / 2)

    def hover_text(self, x: float, y: float, labels: dict[str, str]) -> str:
        """Tooltip for a point in data coordinates, e.g. 'Essex — Drug class A: 1,214'."""
        s = self.plot.series
        if s is None:
            return ""
        hit = self.cell_at(x, y)
        if hit is not None:
            return chart_table.cell_text(s, labels, *hit)
        i = self.group_at(x, y) if self.plot.mode == "bar" else None
        return chart_table.group_total_text(s, labels, s.groups[i]) if i is not None else ""

    def tooltip_at(self, scene_pos: QPointF, labels: dict[str, str]) -> str:
        """Tooltip for a scene position: a bar or point in the plot, or a category name on the x axis."""
        vb, axis, s = self.plot.vb, self.plot.x_axis, self.plot.series
        if vb.sceneBoundingRect().contains(scene_pos):
            p = vb.mapSceneToView(scene_pos)
            return self.hover_text(p.x(), p.y(), labels)
        if s is not None and axis.isVisible() and axis.sceneBoundingRect().contains(scene_pos):
            i = self._nearest(vb.mapSceneToView(scene_pos).x(), 0.5)
            if i is not None and s.values.size:
                return chart_table.group_total_text(s, labels, s.groups[i])
        return ""

    def group_clicked(self, scene_pos: QPointF) -> int | None:
        """The group a click at a scene position asks for: its bar, line point, column or axis label."""
        vb = self.plot.vb
        in_plot = vb.sceneBoundingRect().contains(scene_pos)
        if not in_plot and not self.plot.x_axis.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        hit = self.cell_at(p.x(), p.y()) if in_plot else None
        if hit is not None:
            return hit[0]
        if not in_plot or self.plot.mode == "bar":
            return self.group_at(p.x(), p.y() if in_plot else None)
        return None
