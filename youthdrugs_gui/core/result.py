"""What the engine publishes after a filter change, and what the views render: the Result (rows, facet
counts, totals per measure and area level), the chart's series, and why a chart is refused.

Plain values with no behaviour beyond words about themselves, so widgets can read them without ever
importing the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from . import schema
from .filter_state import FilterState


@dataclass(frozen=True)
class ChartSeries:
    """Sum of `count` grouped by one column, optionally stacked by a second.

    values has shape (len(groups), len(stacks)); with no stack, stacks == ('',)."""

    group_by: str
    stack_by: str | None
    groups: tuple[str, ...]
    stacks: tuple[str, ...]
    values: np.ndarray
    measure: str | None = None  # the one measure the values count, when the data names one
    # Per cell, what the sources say (coverage.py): 'full', 'partial', '[x]' not available, '[c]'
    # suppressed at source, '[z]' not applicable. None: every cell is a full figure.
    status: np.ndarray | None = None
    level: str | None = None  # the one area level the values are about, when the data has several

    @property
    def totals(self) -> np.ndarray:
        return self.values.sum(axis=1)

    def available(self) -> np.ndarray:
        """Boolean per cell: the sources give a figure (full or partial)."""
        if self.status is None:
            return np.ones(self.values.shape, dtype=bool)
        return np.isin(self.status, ("full", "partial"))

    def group_status(self) -> list[str]:
        """Per group (bar or point): 'full', 'partial' or a mark, over its stacks."""
        if self.status is None:
            return ["full"] * len(self.groups)
        out = []
        for row in self.status:
            vals = set(row.tolist())
            if vals <= {"full"}:
                out.append("full")
            elif vals & {"full", "partial"}:
                out.append("partial")
            else:
                out.append(row[0] if len(vals) == 1 else "[x]")
        return out


class RefusalReason(Enum):
    """Why the chart shows no bars: a kind, so that views decide by it and never by the words."""

    MEASURES = "different measures"  # never added together
    AREA_LEVELS = "different area levels"  # never added together
    NOT_CHARTABLE = "column cannot be charted"
    NO_ROWS = "no rows match"
    NO_RATES = "no rates"  # rates per 1,000 children were asked for and cannot be given


@dataclass(frozen=True)
class ChartRefusal:
    """The chart's refusal: its reason, and the words shown to the user in place of the chart."""

    reason: RefusalReason
    words: str

    def __str__(self) -> str:
        return self.words


@dataclass(frozen=True)
class Result:
    """Everything the views need after a filter change."""

    state: FilterState
    rows: np.ndarray  # ascending row indices
    n_total: int  # rows in the data set
    facet_counts: dict[str, np.ndarray]  # column -> count per category "if you tick this"
    facet_unit: str  # "count" (sum of count, one measure) or "rows" (several measures: never summed)
    totals: dict[str, int]  # measure -> sum of count ('' when the data names no measure)
    series: ChartSeries | None
    highlight: frozenset[str] | None = None  # chart groups kept by the filter on the group column
    messages: tuple[str, ...] = field(default=())
    # (measure, area level, total) per part of the data that is never added to another ('' where the
    # data names none), in the order of `totals`
    parts: tuple[tuple[str, str, int], ...] = ()
    chart_refusal: ChartRefusal | None = None  # why the chart shows nothing (different measures or levels)
    rates: object = None  # rates.SeriesRates for the chart when rates per 1,000 children were asked for
    rate_refusal: str = ""  # why there are no rates (adults in the selection, several measures ...)
    force_map: object = None  # (counts, rates, England and Wales' rate) per force, for the map

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def unit_words(self) -> str:
        """What the numbers beside filter values count, in words: 'recorded offences', 'arrests', 'rows'."""
        if self.facet_unit == "rows":
            return "rows"
        measures = {m for m, _, _ in self.parts}
        if len(measures) == 1:
            m = measures.pop()
            if m in schema.MEASURE_NOUNS:
                return schema.MEASURE_NOUNS[m][1]
        return "total count"

    def totals_text(self) -> str:
        """The totals in words, one per measure and area level (never added): '86 recorded offences',
        '2,273,195 arrests (England and Wales); 80,389 arrests (Police force area)'."""
        if not self.parts:
            return "total count 0" if not self.totals else "; ".join(f"{k} {v:,}" for k, v in self.totals.items())
        words = []
        for measure, level, value in self.parts:
            w = schema.measure_words(measure, value)
            words.append(f"{w} ({level})" if level else w)
        return "; ".join(words)
