"""What a data set covers, so that "not available" is never shown as zero.

A count of 0 says that nothing happened. A figure the sources do not hold says nothing at all: a year
a table has no row for, a force no file was loaded for, a cell left blank or marked `..` in an official
table. This module keeps the difference.

Coverage is a grid over the columns that say where and when a figure is about: the measure, the area
level, the area (or the police force) and the financial year, whichever the data has. Each key of the
grid is one of:

* **full**: the sources give figures for it (a row with a count, zero included; or, for police.uk, a
  monthly file for that force and month, even with no searches in it);
* **partial**: some of its figures are given and some are not (some rows blank), or, for police.uk,
  only some months of that financial year were loaded;
* **not available** (`[x]`), **suppressed at source** (`[c]`) or **not applicable** (`[z]`): the
  source has the key but no figure;
* **absent**: no source says anything about it.

An aggregated cell spans the keys its own values and the filters allow (a free dimension spans the
values that have any figure, given the others). It is **not available** when none of its keys has a
figure, and **partial** when some have and some do not (a total that spans not-available cells): its
number is then the sum of what is available, and exports mark it.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import schema

if TYPE_CHECKING:
    from .periods import MonthCoverage

ABSENT, FULL, PARTIAL, GAP_X, GAP_C, GAP_Z = 0, 1, 2, 3, 4, 5
_GAP_OF_MARK = {"[x]": GAP_X, "[c]": GAP_C, "[z]": GAP_Z}

# What a cell's status is written as. A partial figure keeps its number and gains this marker.
NOT_AVAILABLE = "[x]"
SUPPRESSED_AT_SOURCE = "[c]"
NOT_APPLICABLE = "[z]"
PARTIAL_MARK = "[part]"
FULL_STATUS = "full"
PARTIAL_STATUS = "partial"
_MARK_OF_GAP = {GAP_X: NOT_AVAILABLE, GAP_C: SUPPRESSED_AT_SOURCE, GAP_Z: NOT_APPLICABLE}

# Above this many keys the grid is not built, and every figure is taken as available.
MAX_KEYS = 4_000_000


def coverage_dims(columns: Collection[str]) -> list[str]:
    """The columns coverage is kept over, in this order: measure, area level, area (else force), year."""
    dims = [c for c in (schema.MEASURE, schema.AREA_LEVEL) if c in columns]
    if schema.AREA in columns:
        dims.append(schema.AREA)
    elif schema.FORCE in columns:
        dims.append(schema.FORCE)
    if schema.FINANCIAL_YEAR in columns:
        dims.append(schema.FINANCIAL_YEAR)
    return dims


@dataclass(frozen=True)
class Coverage:
    """The status grid (see the module's docstring) and the values along each of its dimensions."""

    dims: tuple[str, ...]  # the grid's dimensions, then the period columns (month, quarter, calendar year)
    values: tuple[tuple[str, ...], ...]  # along each of the grid's dimensions
    grid: np.ndarray  # int8, one axis per dim of the grid
    gap_rows: dict[str, int] = field(default_factory=dict)  # mark -> rows the sources left without a figure
    _index: tuple[dict[str, int], ...] = ()
    by_month: "MonthCoverage | None" = None  # what the sources cover month by month (periods.py)

    @property
    def grid_dims(self) -> tuple[str, ...]:
        """The dimensions of the yearly grid (measure, area level, area or force, financial year)."""
        return self.dims[:self.grid.ndim]

    # ---- building -----------------------------------------------------------------------------
    @classmethod
    def build(cls, frame: pd.DataFrame, gaps: pd.DataFrame | None = None,
              covered: list[dict] | None = None) -> "Coverage | None":
        """Coverage of the rows of `frame` (each with a figure), the gaps (rows without one, with a
        `mark`) and the keys sources declare (police.uk months). None when the data has no dimension
        of place or time: then every figure is available."""
        dims = coverage_dims(frame.columns)
        if not any(d != schema.MEASURE for d in dims):
            return None
        values: list[list[str]] = []
        for d in dims:
            vals = [str(v) for v in frame[d].cat.categories] if isinstance(frame[d].dtype, pd.CategoricalDtype) \
                else [str(v) for v in pd.unique(frame[d].dropna())]
            extra: list[str] = []
            if gaps is not None and d in gaps.columns:
                extra += [str(v) for v in pd.unique(gaps[d].dropna())]
            extra += [str(c[d]) for c in covered or () if d in c]
            seen = set(vals)
            values.append(vals + [v for v in dict.fromkeys(extra) if v not in seen])
        shape = tuple(max(1, len(v)) for v in values)
        if float(np.prod(np.array(shape, dtype=float))) > MAX_KEYS:
            return None
        index = tuple({v: i for i, v in enumerate(vs)} for vs in values)
        grid = np.zeros(shape, dtype=np.int8)
        grid.reshape(-1)[keys_present(frame, dims, index, list(shape))] = FULL
        gap_rows: dict[str, int] = {}
        if gaps is not None and len(gaps):
            _add_gaps(grid, gaps, dims, index, gap_rows)
        _add_declared(grid, covered or [], dims, index)
        cov = cls(dims=tuple(dims), values=tuple(tuple(v) for v in values), grid=grid, gap_rows=gap_rows,
                  _index=index)
        return _with_months(cov, frame, covered or [])

    # ---- reading ------------------------------------------------------------------------------
    @cached_property
    def complete(self) -> bool:
        """Whether every key inside the span of its figures has a full figure (no cell can be marked)."""
        if bool((self.grid >= PARTIAL).any()):
            return False
        if self.by_month is not None and self.by_month.holes:
            return False
        full = self.grid == FULL
        for axis in range(full.ndim):  # a value (a year between others) with no figure anywhere
            if not full.any(axis=tuple(a for a in range(full.ndim) if a != axis)).all():
                return False
        lead = [a for a, d in enumerate(self.grid_dims) if d in schema.PARTITION_COLUMNS]
        if not lead:
            return _holes(full) == 0
        flat = full.reshape((-1,) + full.shape[len(lead):]) if lead == list(range(len(lead))) else full[None]
        return all(_holes(part) == 0 for part in flat)

    def index(self, dim: str, value: str) -> int | None:
        return self._index[self.grid_dims.index(dim)].get(value)

    def status(self, fixed: Mapping[str, str] | None = None,
               allowed: Mapping[str, Collection[str]] | None = None) -> str:
        """'full', 'partial', '[x]', '[c]' or '[z]' for a cell: `fixed` gives the cell's own value on some
        dimensions, `allowed` the values the filters keep on others (absent: every value). Months
        missing from a year count only when the year is fixed or filtered: a total over the data's
        own months is a whole figure."""
        fixed = fixed or {}
        allowed = allowed or {}
        months = self._months_claimed(fixed, allowed)
        if months is not None:
            return self.by_month.status(months, fixed, allowed)
        sub = self.grid
        year_claimed = False
        for axis, d in enumerate(self.grid_dims):
            idx = chosen_keys(self._index[axis], d, fixed, allowed)
            if idx is None:
                continue
            if d == schema.FINANCIAL_YEAR:
                year_claimed = True
            sub = np.take(sub, idx, axis=axis)
        if sub.size == 0:
            return NOT_AVAILABLE
        has = sub != ABSENT
        for axis in range(sub.ndim):  # a free dimension spans the values that have anything, given the rest
            keep = has.any(axis=tuple(a for a in range(sub.ndim) if a != axis))
            sub = np.compress(keep, sub, axis=axis)
            has = np.compress(keep, has, axis=axis)
        if sub.size == 0:
            return NOT_AVAILABLE
        value = (sub == FULL) | (sub == PARTIAL)
        if not value.any():
            marks = {int(x) for x in np.unique(sub) if x >= GAP_X}
            return _MARK_OF_GAP[marks.pop()] if len(marks) == 1 else NOT_AVAILABLE
        if not value.all():
            return PARTIAL_STATUS
        if year_claimed and bool((sub == PARTIAL).any()):
            return PARTIAL_STATUS
        return FULL_STATUS

    def _months_claimed(self, fixed: Mapping[str, str], allowed: Mapping[str, Collection[str]]) -> set[str] | None:
        """The months a cell spans when it is fixed or filtered on a period column (its financial year
        narrowing them), else None."""
        from .periods import PERIOD_COLUMNS, financial_year_of_month, months_of

        if self.by_month is None or not any(p in fixed or p in allowed for p in PERIOD_COLUMNS):
            return None
        if any(str(fixed.get(p)) == schema.NOT_RECORDED for p in PERIOD_COLUMNS if p in fixed):
            return None  # rows without a date: what their year says of them
        months: set[str] | None = None
        for p in PERIOD_COLUMNS:
            if p in fixed or p in allowed:
                spans = {m for v in ([fixed[p]] if p in fixed else allowed[p]) for m in months_of(p, str(v))}
                months = spans if months is None else months & spans
        fy = schema.FINANCIAL_YEAR
        years = {str(fixed[fy])} if fy in fixed else {str(v) for v in allowed[fy]} if fy in allowed else None
        if years is not None:
            months = {m for m in months if financial_year_of_month(m) in years}
        return months

    def describe(self) -> list[str]:
        """Lines for `info` and the data notes: what is not available, and how many source cells."""
        lines = []
        words = {"[x]": "not available", "[c]": "suppressed at source", "[z]": "not applicable"}
        for mark, n in sorted(self.gap_rows.items()):
            lines.append(f"{n:,} source row{'s' if n != 1 else ''} {words.get(mark, mark)} ({mark}): kept apart, "
                         "never counted as 0")
        gaps = np.argwhere(self.grid >= GAP_X)
        if len(gaps):
            shown = []
            for key in gaps[:6]:
                shown.append(" ".join(self.values[a][int(i)] for a, i in enumerate(key)
                                      if self.grid_dims[a] != schema.AREA_LEVEL))
            more = f" and {len(gaps) - 6} more" if len(gaps) > 6 else ""
            lines.append(f"no figure at all for {', '.join(shown)}{more}")
        return lines


def chosen_keys(index: dict[str, int], dim: str, fixed: Mapping, allowed: Mapping) -> np.ndarray | None:
    """The grid positions along one dimension that a status question keeps: the one `fixed` value, the
    `allowed` values, or None when the question leaves the dimension free."""
    if dim in fixed:
        i = index.get(str(fixed[dim]))
        return np.array([] if i is None else [i], dtype=np.int64)
    if dim in allowed:
        return np.array(sorted(i for v in allowed[dim] if (i := index.get(str(v))) is not None), dtype=np.int64)
    return None


def _with_months(cov: Coverage, frame: pd.DataFrame, covered: list[dict]) -> Coverage:
    """The coverage with its months (when the data has dates), the period columns added to its dims."""
    from dataclasses import replace

    from .periods import PERIOD_COLUMNS, MonthCoverage

    by_month = MonthCoverage.build(frame, cov, covered)
    if by_month is None or by_month.grid.size > MAX_KEYS:
        return cov
    periods = tuple(p for p in PERIOD_COLUMNS if p in frame.columns)
    return replace(cov, dims=cov.dims + periods, by_month=by_month)


def _holes(full: np.ndarray) -> int:
    """Keys without a figure inside the product of the values that have one (per measure)."""
    if full.ndim == 0 or not full.any():
        return 0
    has = full
    for axis in range(full.ndim):
        keep = has.any(axis=tuple(a for a in range(full.ndim) if a != axis))
        has = np.compress(keep, has, axis=axis)
    return int(has.size - np.count_nonzero(has))


def _codes_and_places(s: pd.Series, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """A column's codes, and for each code the position of its value in a dimension's index (-1 where
    it is not there); one more entry, -1, for code -1 (a missing value)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniq = s.array.codes, s.cat.categories
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
    return codes, np.array([index.get(str(c), -1) for c in uniq] + [-1], dtype=np.int64)


def _codes_for(s: pd.Series, index: dict[str, int]) -> np.ndarray:
    """Positions of a column's values in a dimension's index (-1 for missing)."""
    codes, places = _codes_and_places(s, index)
    return places[codes]


def keys_present(frame: pd.DataFrame, dims: list[str], index: tuple[dict[str, int], ...],
                 sizes: list[int]) -> np.ndarray:
    """Which flat keys of a grid over `dims` (of these sizes) some row of the frame has; rows with a
    value outside a dimension's index are left out. A block of rows at a time, so that no row-sized
    temporary is made."""
    seen = np.zeros(int(np.prod(sizes, dtype=np.int64)), dtype=bool)
    columns = [_codes_and_places(frame[d], ix) for d, ix in zip(dims, index)]
    step = 1 << 15
    for i in range(0, len(frame), step):
        key = np.zeros(min(step, len(frame) - i), dtype=np.int64)
        ok = np.ones(len(key), dtype=bool)
        for (codes, places), size in zip(columns, sizes):
            c = np.take(places, codes[i:i + step])
            ok &= c >= 0
            key *= size
            key += c
        seen[key[ok]] = True
    return seen


def _row_keys(frame: pd.DataFrame, dims: list[str], index: tuple[dict[str, int], ...]) -> np.ndarray | None:
    """The flat grid key of every row (rows with a missing dimension value are left out)."""
    if not len(frame):
        return None
    shape = [max(1, len(ix)) for ix in index]
    key = np.zeros(len(frame), dtype=np.int64)
    ok = np.ones(len(frame), dtype=bool)
    for d, ix, size in zip(dims, index, shape):
        c = _codes_for(frame[d], ix)
        ok &= c >= 0
        key = key * size + np.maximum(c, 0)
    return key[ok]


def _add_gaps(grid: np.ndarray, gaps: pd.DataFrame, dims: list[str], index, gap_rows: dict[str, int]) -> None:
    for mark, n in gaps["mark"].astype(str).value_counts().items():
        gap_rows[mark] = gap_rows.get(mark, 0) + int(n)
    have = [d for d in dims if d in gaps.columns]
    if len(have) != len(dims):
        return
    keys = _row_keys(gaps, dims, index)
    marks = gaps["mark"].astype(str).map(_GAP_OF_MARK).fillna(GAP_X).to_numpy(dtype=np.int8)
    flat = grid.reshape(-1)
    for k, m in zip(keys.tolist(), marks.tolist()):
        if flat[k] in (FULL, PARTIAL):
            flat[k] = PARTIAL
        elif flat[k] == ABSENT or flat[k] == m:
            flat[k] = m
        else:
            flat[k] = GAP_X  # different marks on one key: simply not available


def _add_declared(grid: np.ndarray, covered: list[dict], dims: list[str], index) -> None:
    """Keys sources say they cover; with "month", a key is partial until it has all twelve months."""
    months: dict[tuple[int, ...], set[str]] = {}
    for c in covered:
        if schema.FORCE in c:  # a force's own figures: its area, at the level of police force areas
            c = {schema.AREA: c[schema.FORCE], schema.AREA_LEVEL: schema.FORCE_AREA, **c}
        pos = []
        for d, ix in zip(dims, index):
            if d not in c:
                pos = None
                break
            pos.append(ix.get(str(c[d]), -1))
        if pos is None or min(pos) < 0:
            continue
        months.setdefault(tuple(pos), set()).add(str(c.get("month", "")))
    for pos, ms in months.items():
        whole = "" in ms or len(ms) >= 12
        grid[pos] = FULL if whole else PARTIAL


def merge_gaps(parts: list[pd.DataFrame | None]) -> pd.DataFrame | None:
    """The gaps of several files as one frame (columns unioned, values as text)."""
    frames = [g.astype(object) for g in parts if g is not None and len(g)]
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True, sort=False)
