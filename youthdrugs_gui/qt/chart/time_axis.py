"""Periods on a time axis: months ('2020-01'), quarters ('2020 Q1') and calendar years ('2020') as
positions in time, and tick labels thinned so that they never overlap ('Jan 2020', 'Apr 2020' ...).

No Qt here: the category axis asks for the ticks and measures the text itself."""
from __future__ import annotations

import math
import re
from typing import Callable, Sequence

import numpy as np

from ...core import schema

MONTH, QUARTER, CALENDAR_YEAR = "month", "quarter", "calendar_year"
# periods per year, per grouping column that is a time period
PER_YEAR: dict[str, int] = {MONTH: 12, QUARTER: 4, CALENDAR_YEAR: 1}
# how many periods apart labels may be, the closest first
_STEPS: dict[str, tuple[int, ...]] = {MONTH: (1, 3, 6, 12, 24, 60, 120), QUARTER: (1, 2, 4, 8, 20, 40),
                                      CALENDAR_YEAR: (1, 2, 5, 10, 20, 50, 100)}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PATTERNS = {MONTH: re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$"), QUARTER: re.compile(r"^\s*(\d{4})\s*Q([1-4])\s*$", re.I),
             CALENDAR_YEAR: re.compile(r"^\s*(\d{4})\s*$")}
_GAP_PX = 12  # room between two labels


def is_time(column: str | None) -> bool:
    """Whether a grouping column holds time periods that go on a time axis."""
    return column in PER_YEAR


def draws_lines(column: str | None) -> bool:
    """Whether a grouping may be drawn as lines: financial years and other periods of time."""
    return column == schema.FINANCIAL_YEAR or is_time(column)


def period_index(kind: str, label: str) -> int | None:
    """The period's place in time (months, quarters or years since year 0), or None if it is not one."""
    m = _PATTERNS[kind].match(label)
    if m is None:
        return None
    year = int(m.group(1))
    if kind == CALENDAR_YEAR:
        return year
    part = int(m.group(2))
    if kind == MONTH and not 1 <= part <= 12:
        return None
    return year * PER_YEAR[kind] + part - 1


def positions(kind: str, groups: Sequence[str]) -> np.ndarray:
    """Each group's place in time (NaN where a group is not a period, such as 'Not recorded')."""
    out = [period_index(kind, g) for g in groups]
    return np.array([np.nan if v is None else float(v) for v in out], dtype=np.float64)


def period_label(kind: str, index: int, step: int = 1) -> str:
    """'Jan 2020', '2020 Q1' ('2020' when labels are a year or more apart), '2020'."""
    if kind == CALENDAR_YEAR:
        return str(index)
    year, part = divmod(index, PER_YEAR[kind])
    if kind == MONTH:
        return f"{_MONTH_NAMES[part]} {year}"
    return str(year) if step % 4 == 0 else f"{year} Q{part + 1}"


def time_ticks(kind: str, lo: float, hi: float, pixels_per_period: float,
               text_width: Callable[[str], float]) -> list[tuple[float, str]]:
    """Labelled ticks between lo and hi: the closest spacing (aligned to the year) whose labels fit
    side by side without touching."""
    first, last = math.ceil(lo), math.floor(hi)
    if last < first or pixels_per_period <= 0:
        return []
    steps = _STEPS[kind]
    for step in steps:
        ticks = [(float(i), period_label(kind, i, step)) for i in range(first, last + 1) if i % step == 0]
        widest = max((text_width(t) for _, t in ticks), default=0.0)
        if widest + _GAP_PX <= step * pixels_per_period or step == steps[-1]:
            return ticks
    return []


def line_with_gaps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points in time order with a break (NaN) wherever periods are missing between two points,
    so a missing month is a gap in the line, never a slope across it. Also gives, per point drawn,
    the index of its group (-1 for the breaks)."""
    keep = np.flatnonzero(np.isfinite(x))
    order = keep[np.argsort(x[keep], kind="stable")]
    xs, ys, idx = [], [], []
    for k, i in enumerate(order):
        if k and x[i] - x[order[k - 1]] > 1:
            xs.append((x[i] + x[order[k - 1]]) / 2)
            ys.append(np.nan)
            idx.append(-1)
        xs.append(x[i])
        ys.append(y[i])
        idx.append(i)
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), np.asarray(idx, dtype=np.int64)
