"""What the chart shows, as one value: the series or the refusal in its place, England and Wales'
rate, the values kept by a filter on the grouping column, and the heading that goes with the figures.

The window hands the panel one ChartContent per result, so the chart draws once per result whatever
changed in it. No Qt here."""
from __future__ import annotations

from dataclasses import dataclass

from ...core.result import ChartRefusal, ChartSeries, RefusalReason, Result

NOTHING_YET = "Nothing to chart yet."
NO_ROWS = "Nothing to chart: no rows match these filters."


@dataclass(frozen=True)
class ChartContent:
    """One result as the chart sees it."""

    series: ChartSeries | None = None
    refusal: ChartRefusal | None = None  # why there is no chart, shown in its place
    reference: float | None = None  # England and Wales' rate, drawn as a dashed line
    highlight: frozenset[str] | None = None  # groups kept by the filter on the group-by column
    heading: tuple[str, ...] = ()  # synthetic line, title with the filters in words, source
    synthetic: bool = False

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw: a refusal in the chart's place (no rows match, figures
        never added together ...), or no series, no groups or no values."""
        s = self.series
        return self.refusal is not None or s is None or not s.groups or s.values.size == 0

    @property
    def message(self) -> str:
        """The words shown in the plot area instead of a chart ('' when a chart is drawn)."""
        if not self.empty:
            return ""
        if self.refusal is not None:
            return self.refusal.words
        return NO_ROWS if self.series is not None else NOTHING_YET

    @property
    def pale(self) -> bool:
        """Whether some groups are drawn pale (not ticked in the filter on the group-by column)."""
        s = self.series
        if self.empty or self.highlight is None or s is None:
            return False
        return not all(g in self.highlight for g in s.groups)


def no_rows_refusal() -> ChartRefusal:
    """The refusal shown when no row matches the filters."""
    return ChartRefusal(RefusalReason.NO_ROWS, NO_ROWS)


def chart_content(result: Result, heading: list[str], synthetic: bool, rate_mode: bool) -> ChartContent:
    """What the chart shows for a result: its series (as rates per 1,000 children when asked for and
    given), or the refusal in its place."""
    series, refusal, reference = result.series, result.chart_refusal, None
    if rate_mode and result.rates is not None and series is not None:
        from ...core.rates import rated_series  # population figures load when rates are first asked for

        series, reference = rated_series(series, result.rates), result.rates.reference
    elif rate_mode and result.rate_refusal:
        series, refusal = None, ChartRefusal(RefusalReason.NO_RATES, result.rate_refusal)
    if refusal is None and not result.n_rows:
        refusal = no_rows_refusal()
    return ChartContent(series=series, refusal=refusal, reference=reference, highlight=result.highlight,
                        heading=tuple(heading), synthetic=synthetic)
