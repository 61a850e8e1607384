"""Time as it is reported: the month ('2020-01'), the calendar quarter ('2020 Q1') and the calendar year
('2020') of each dated row, as ordinary categorical columns in time order, so that they can be filtered,
grouped, stacked and exported like any other column.

Also what the sources cover month by month (MonthCoverage), so that a month no loaded file covers is
written "not available" ([x]), never 0, while a month a source covers with nothing in it is a true 0.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .codes import code_width
from .schema import NOT_RECORDED

PERIOD_COLUMNS: tuple[str, ...] = (schema.MONTH, schema.QUARTER, schema.CALENDAR_YEAR)

MAX_CONTINUOUS_MONTHS = 600
"""Months between the first and last date up to which every month is listed, gaps included (a month
with no row is a month with no figure, not a month that does not exist). Beyond it (stray dates decades
apart) only the months that occur are listed."""


# ---- deriving the columns -----------------------------------------------------------------------
def month_numbers(dates: pd.Series) -> np.ndarray:
    """Months since January 1970 of each date (int64; the smallest int64 where there is no date). The
    local time as written is kept for dates with a UTC offset."""
    s = dates
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    ns = s.to_numpy(dtype="datetime64[ns]").view(np.int64)
    nat = np.iinfo(np.int64).min
    missing = ns == nat
    days = np.floor_divide(ns, 86_400 * 10**9)
    known = days[~missing] if missing.any() else days
    if len(known) == 0:
        return np.full(len(ns), nat, dtype=np.int64)
    lo, hi = int(known.min()), int(known.max())
    if hi - lo > 400 * 366:  # stray dates centuries apart: month by month, row by row
        out = ns.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
        return np.where(missing, nat, out)
    # one calendar conversion per day of the span, then a look-up per row (a tenth of the time at 1M)
    per_day = np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    out = per_day[np.clip(days - lo, 0, hi - lo)]
    if missing.any():
        out[missing] = nat
    return out


def _label(kind: str, n: int) -> str:
    if kind == schema.MONTH:
        y, m = divmod(n, 12)
        return f"{y + 1970:04d}-{m + 1:02d}"
    if kind == schema.QUARTER:
        y, q = divmod(n, 4)
        return f"{y + 1970:04d} Q{q + 1}"
    return f"{n + 1970:04d}"


def _period_numbers(kind: str, months: np.ndarray) -> np.ndarray:
    if kind == schema.MONTH:
        return months
    if kind == schema.QUARTER:
        return months // 3
    return months // 12


def _categorical(kind: str, numbers: np.ndarray, missing: np.ndarray) -> pd.Categorical:
    """Codes into the periods from the first to the last (in time order), 'Not recorded' last if any
    row has no date."""
    known = numbers[~missing] if missing.any() else numbers
    if len(known) == 0:
        return pd.Categorical.from_codes(np.zeros(len(numbers), dtype=np.int8), categories=[NOT_RECORDED])
    lo, hi = int(known.min()), int(known.max())
    if _continuous(kind, lo, hi):
        present = np.arange(lo, hi + 1, dtype=np.int64)
        pos = numbers - lo
    else:
        present, pos = np.unique(known, return_inverse=True)
        full = np.zeros(len(numbers), dtype=np.int64)
        full[~missing] = pos.reshape(-1)
        pos = full
    cats = [_label(kind, int(n)) for n in present]
    if missing.any():
        cats.append(NOT_RECORDED)
    width = code_width(len(cats))
    codes = np.where(missing, len(cats) - 1, pos).astype(width) if missing.any() else pos.astype(width)
    return pd.Categorical.from_codes(codes, categories=cats, validate=False)


def period_columns(dates: pd.Series, skip: Collection[str] = ()) -> dict[str, pd.Series]:
    """The month, quarter and calendar year of each date, as categoricals (leaving out the names in
    `skip`, columns the data already has)."""
    kinds = [k for k in PERIOD_COLUMNS if k not in skip]
    ns = _nanoseconds(dates)
    span = _day_span(ns)
    if span is not None and span[1] - span[0] <= 400 * 366:
        cats = _by_day(ns, kinds, *span)
    else:  # no date at all, or stray dates centuries apart: month by month, row by row
        months = month_numbers(dates)
        missing = months == np.iinfo(np.int64).min
        cats = {kind: _categorical(kind, _period_numbers(kind, months), missing) for kind in kinds}
    return {kind: pd.Series(cat, index=dates.index, name=kind, copy=False) for kind, cat in cats.items()}


_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min


def _nanoseconds(dates: pd.Series) -> np.ndarray:
    """Nanoseconds since 1970 of each date (the smallest int64 where there is none), in the local time
    as written; a view of the column where it is held that way already."""
    s = dates
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _day_span(ns: np.ndarray) -> tuple[int, int, bool] | None:
    """The first and last day (days since 1970) of the dates and whether some row has none; None when
    no row has a date."""
    if len(ns) == 0:
        return None
    hi = int(ns.max())
    if hi == _NAT:
        return None
    lo = int(ns.min())
    missing = lo == _NAT
    if missing:  # the first date: the least of each block's dates
        lo = min(int(np.where(part == _NAT, hi, part).min()) for part in _blocks(ns))
    return lo // _DAY_NS, hi // _DAY_NS, missing


def _blocks(values: np.ndarray, step: int = 1 << 16):
    for i in range(0, len(values), step):
        yield values[i:i + step]


def _by_day(ns: np.ndarray, kinds: list[str], lo: int, hi: int, missing: bool) -> dict[str, pd.Categorical]:
    """The period columns through each day of the span: a day's month, quarter and year are worked out
    once, and every row looks its day up (with no row-sized temporary beyond the codes made)."""
    days = np.arange(lo, hi + 1, dtype=np.int64)
    per_day = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    numbers = {kind: _period_numbers(kind, per_day) for kind in kinds}
    wide = any(not _continuous(k, int(numbers[k][0]), int(numbers[k][-1])) for k in kinds)
    present_days = _days_present(ns, lo, hi) if wide else None
    luts, cats = {}, {}
    for kind in kinds:
        luts[kind], cats[kind] = _day_codes(kind, numbers[kind], present_days, missing)
    codes = {kind: np.empty(len(ns), dtype=luts[kind].dtype) for kind in kinds}
    step = 1 << 14
    for i in range(0, len(ns), step):
        part = ns[i:i + step]
        pos = np.floor_divide(part, _DAY_NS) - lo
        if missing:
            pos[part == _NAT] = hi - lo + 1  # the entry past the last day: 'Not recorded'
        for kind in kinds:
            np.take(luts[kind], pos, out=codes[kind][i:i + step])
    return {kind: pd.Categorical.from_codes(codes[kind], categories=cats[kind], validate=False) for kind in kinds}


def _continuous(kind: str, lo: int, hi: int) -> bool:
    """Whether every period from the first to the last is listed (see MAX_CONTINUOUS_MONTHS)."""
    factor = 12 if kind == schema.CALENDAR_YEAR else 3 if kind == schema.QUARTER else 1
    return (hi - lo) * factor <= MAX_CONTINUOUS_MONTHS


def _days_present(ns: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Which days of the span some row falls on."""
    seen = np.zeros(hi - lo + 2, dtype=bool)
    for part in _blocks(ns):
        pos = np.floor_divide(part, _DAY_NS) - lo
        seen[np.where(part == _NAT, hi - lo + 1, pos)] = True
    return seen[:-1]


def _day_codes(kind: str, numbers: np.ndarray, present_days: np.ndarray | None,
               missing: bool) -> tuple[np.ndarray, list[str]]:
    """Each day's code into the periods (one more entry, for rows with no date, last) and the periods'
    labels, as _categorical makes them from the rows."""
    lo, hi = int(numbers[0]), int(numbers[-1])
    if _continuous(kind, lo, hi):
        present = np.arange(lo, hi + 1, dtype=np.int64)
        pos = numbers - lo
    else:
        present = np.unique(numbers[present_days])
        pos = np.searchsorted(present, numbers)
    cats = [_label(kind, int(n)) for n in present]
    if missing:
        cats.append(NOT_RECORDED)
    lut = np.append(pos, len(cats) - 1).astype(code_width(len(cats)))
    return lut, cats


def months_of(kind: str, value: str) -> list[str]:
    """The months ('2020-01') a period label covers: '2020 Q1' -> Jan to Mar 2020; '2020' -> the year."""
    if kind == schema.MONTH:
        return [value]
    try:
        if kind == schema.QUARTER:
            year, q = int(value[:4]), int(value[-1])
            return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
        year = int(value)
    except ValueError:
        return []
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def financial_year_of_month(month: str) -> str:
    """'2020-03' -> '2019-20'."""
    year, m = int(month[:4]), int(month[5:7])
    return schema.fy_label(year if m >= 4 else year - 1)


# ---- what the sources cover, month by month -------------------------------------------------------
ABSENT, FULL = 0, 1


@dataclass(frozen=True)
class MonthCoverage:
    """For each key of the coverage grid without its financial year (measure, area level, area or
    force) and each month of the data: whether a source covers it. A month is covered where it has
    rows, where a source says it covers it (a police.uk monthly file, even with no searches), or, for a
    key no source names months for, where its financial year has figures."""

    dims: tuple[str, ...]  # the grid's dimensions other than the financial year
    months: tuple[str, ...]
    grid: np.ndarray  # one axis per dim, then the month: ABSENT or FULL, or a gap mark of coverage.py
    _index: tuple[dict[str, int], ...]
    _month_index: dict[str, int]

    @classmethod
    def build(cls, frame: pd.DataFrame, cov, covered: list[dict]) -> "MonthCoverage | None":
        """From the rows (their `month` column), the declared months and the yearly grid `cov`."""
        if schema.MONTH not in frame.columns or not isinstance(frame[schema.MONTH].dtype, pd.CategoricalDtype):
            return None
        months = tuple(m for m in frame[schema.MONTH].cat.categories if m != NOT_RECORDED)
        if not months:
            return None
        year_axis = cov.dims.index(schema.FINANCIAL_YEAR) if schema.FINANCIAL_YEAR in cov.dims else None
        dims = tuple(d for d in cov.dims if d != schema.FINANCIAL_YEAR)
        index = tuple(cov._index[cov.dims.index(d)] for d in dims)
        m_index = {m: i for i, m in enumerate(months)}
        shape = tuple(max(1, len(ix)) for ix in index) + (len(months),)
        grid = np.zeros(shape, dtype=np.int8)
        _add_rows(grid, frame, dims, index, m_index)
        named = _add_declared(grid, covered, dims, index, m_index)
        _add_yearly(grid, cov, year_axis, named, months)
        return cls(dims=dims, months=months, grid=grid, _index=index, _month_index=m_index)

    @property
    def holes(self) -> bool:
        """Whether some key lacks a month that other keys of its measure and level have."""
        full = self.grid == FULL
        if not full.any():
            return False
        lead = [a for a, d in enumerate(self.dims) if d in schema.PARTITION_COLUMNS]
        parts = full.reshape((-1,) + full.shape[len(lead):]) if lead == list(range(len(lead))) else full[None]
        for part in parts:
            has = part
            for axis in range(part.ndim):
                keep = has.any(axis=tuple(a for a in range(part.ndim) if a != axis))
                has = np.compress(keep, has, axis=axis)
            if has.size != np.count_nonzero(has):
                return True
        return False

    def status(self, months: Collection[str], fixed: Mapping[str, str],
               allowed: Mapping[str, Collection[str]]) -> str:
        """'full', 'partial' or '[x]' (or a source's own mark) for a cell spanning these months, with
        `fixed` and `allowed` values on the other dimensions as in Coverage.status. Every one of the
        months counts: a month no source covers makes the cell partial, or not available."""
        from .coverage import FULL_STATUS, NOT_AVAILABLE, PARTIAL_STATUS, _MARK_OF_GAP, chosen_keys

        m_idx = np.array(sorted({i for m in months if (i := self._month_index.get(m)) is not None}),
                         dtype=np.int64)
        beyond = len(m_idx) < len(set(months))  # months before or after every loaded date
        if len(m_idx) == 0:
            return NOT_AVAILABLE
        sub = np.take(self.grid, m_idx, axis=self.grid.ndim - 1)
        for axis, d in enumerate(self.dims):
            idx = chosen_keys(self._index[axis], d, fixed, allowed)
            if idx is not None:
                sub = np.take(sub, idx, axis=axis)
        if sub.size == 0:
            return NOT_AVAILABLE
        has = sub != ABSENT
        for axis in range(sub.ndim - 1):  # other keys: those with anything in these months
            keep = has.any(axis=tuple(a for a in range(sub.ndim) if a != axis))
            sub = np.compress(keep, sub, axis=axis)
            has = np.compress(keep, has, axis=axis)
        if sub.size == 0:
            return NOT_AVAILABLE
        value = sub == FULL
        if not value.any():
            marks = {int(x) for x in np.unique(sub) if x > FULL}
            return _MARK_OF_GAP.get(marks.pop(), NOT_AVAILABLE) if len(marks) == 1 else NOT_AVAILABLE
        return FULL_STATUS if value.all() and not beyond else PARTIAL_STATUS


def _add_rows(grid: np.ndarray, frame: pd.DataFrame, dims, index, m_index: dict[str, int]) -> None:
    from .coverage import keys_present

    sizes = [max(1, len(ix)) for ix in index] + [grid.shape[-1]]
    grid.reshape(-1)[keys_present(frame, [*dims, schema.MONTH], (*index, m_index), sizes)] = FULL


def _add_declared(grid: np.ndarray, covered: list[dict], dims, index, m_index) -> set[tuple[int, ...]]:
    """Months sources say they cover; returns the keys for which some source names its months."""
    named: set[tuple[int, ...]] = set()
    for c in covered:
        if "month" not in c:
            continue
        if schema.FORCE in c:
            c = {schema.AREA: c[schema.FORCE], schema.AREA_LEVEL: schema.FORCE_AREA, **c}
        pos = [ix.get(str(c[d]), -1) if d in c else -1 for d, ix in zip(dims, index)]
        if min(pos, default=0) < 0:
            continue
        named.add(tuple(pos))
        m = m_index.get(str(c["month"]))
        if m is not None:
            grid[tuple(pos) + (m,)] = FULL
    return named


def _add_yearly(grid: np.ndarray, cov, year_axis: int | None, named: set, months: tuple[str, ...]) -> None:
    """Keys no source names months for: each month takes what the grid says of its financial year."""
    if year_axis is None:
        return
    from .coverage import FULL as YEAR_FULL

    years = cov._index[year_axis]
    year_of = np.array([years.get(financial_year_of_month(m), -1) for m in months], dtype=np.int64)
    inside = year_of >= 0
    yearly = np.moveaxis(cov.grid, year_axis, -1)  # the keys, then the year
    by_month = np.zeros(yearly.shape[:-1] + (len(months),), dtype=np.int8)
    by_month[..., inside] = yearly[..., year_of[inside]]
    has_figure = (by_month == YEAR_FULL) | (by_month == YEAR_FULL + 1)  # full or partial: the year has figures
    by_month = np.where(has_figure, FULL, np.where(by_month > YEAR_FULL + 1, by_month, ABSENT))
    for pos in named:  # these keys have months of their own
        by_month[pos] = ABSENT
    grid[...] = np.where(grid == FULL, FULL, np.maximum(grid, by_month.astype(np.int8)))
