"""The Chart and Map tabs under the table. Each result goes to the chart at once; the map only draws
when its tab is open (a hidden map is not redrawn on every click)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QTabWidget, QWidget

from ..core import schema
from ..core.dataset import Dataset
from ..core.result import Result
from .chart import ChartPanel, chart_content


class FigureTabs(QTabWidget):
    """The chart and the map of one result; `rate_mode` says whether rates per 1,000 children are asked for."""

    def __init__(self, rate_mode: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rate_mode = rate_mode
        from .map_panel import MapPanel

        self.chart = ChartPanel()
        self.map = MapPanel()
        self.setAccessibleName("Chart and map")
        self.addTab(self.chart, "&Chart")
        self.addTab(self.map, "&Map")
        self._map_pending: tuple[Dataset, Result, list[str]] | None = None  # what the map shows when opened
        self.currentChanged.connect(self._on_tab)

    def show_result(self, ds: Dataset, result: Result) -> None:
        """The chart of the result, with its heading; the map too if its tab is open."""
        from ..core.cover import heading_lines

        heading = heading_lines(ds, result.state.describe(ds))
        self.chart.show_content(chart_content(result, heading, ds.synthetic, self._rate_mode()))
        self.show_map(ds, result, heading)

    def show_map(self, ds: Dataset, result: Result, heading: list[str]) -> None:
        """Show the map's figures; while the Map tab is hidden, only remember them."""
        self._map_pending = (ds, result, heading)
        if self.currentWidget() is self.map:
            self._draw_map()

    def _on_tab(self, _index: int) -> None:
        if self.currentWidget() is self.map and self._map_pending is not None:
            self._draw_map()

    def _draw_map(self) -> None:
        from ..core.rates import POPULATION_SOURCE, RATE_HEADER

        if self._map_pending is None:
            return
        ds, result, heading = self._map_pending
        self._map_pending = None
        if result.force_map is None:
            self.map.show_values({}, {}, None, "count", None, tuple(heading),
                                 f"{ds.name} has no police force column to map.")
            return
        counts, rates, reference = result.force_map
        asked = self._rate_mode()
        rate_mode = asked and bool(rates)
        what = RATE_HEADER.lower() if rate_mode else result.unit_words
        message = result.rate_refusal if asked and not rates else ""
        self.map.show_values(counts, rates if rate_mode else {}, reference if rate_mode else None, what,
                             result.state.selected(schema.FORCE), tuple(heading), message,
                             (POPULATION_SOURCE,) if rate_mode else ())
