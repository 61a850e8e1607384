"""The parts of a data set that may be added up: one per measure and area level.

Measures (arrests, searches ...) and area levels (force, region ...) are never summed together. Each
row belongs to one part, coded over the partition columns; counts are added only within a part, and a
chart over several parts is refused with the reason. Where the data's coverage has gaps, each cell of a
chart series says what the sources hold of it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import schema
from .codes import code_counts
from .dataset import Dataset
from .filter_state import FilterState
from .result import ChartRefusal, ChartSeries, RefusalReason


class Partitions:
    """The measure and area level columns of one Dataset and the part each row belongs to."""

    def __init__(self, ds: Dataset, cats: dict[str, list[str]]) -> None:
        self.ds = ds
        self._cats = cats
        self.columns = [c for c in schema.PARTITION_COLUMNS if c in cats]
        self.several = list(ds.partition_columns)  # those with more than one value in the data
        self.sizes = [len(cats[c]) for c in self.columns]
        self.n_parts = int(np.prod(self.sizes))
        self._key: np.ndarray | None = None

    @property
    def key(self) -> np.ndarray:
        """One code per row for its measure and area level together (made once)."""
        if self._key is None and len(self.columns) == 1:
            self._key = self.ds.codes(self.columns[0])  # its own small codes: no row-sized copy
        if self._key is None:
            key = np.zeros(self.ds.n_rows, dtype=np.int32)
            for c, size in zip(self.columns, self.sizes):
                key = key * size + self.ds.codes(c)
            key.flags.writeable = False
            self._key = key
        return self._key

    def keys_of(self, rows: np.ndarray) -> np.ndarray:
        """The part code of each of the rows (the key itself, not a copy, for every row)."""
        return self.key if len(rows) == self.ds.n_rows else self.key[rows]

    def values(self, flat: int) -> dict[str, str]:
        """The measure and area level of a part's code."""
        idx = np.unravel_index(int(flat), self.sizes)
        return {c: self._cats[c][int(i)] for c, i in zip(self.columns, idx)}

    def label(self, flat: int) -> str:
        """'Arrest', or 'Arrest, Region' when the data has several area levels."""
        vals = self.values(flat)
        return ", ".join(vals[c] for c in self.columns if c == schema.MEASURE or c in self.several)

    def parts(self, totals: dict[str, int]) -> tuple[tuple[str, str, int], ...]:
        """(measure, area level, total) of each part's total."""
        out = []
        for label, value in totals.items():
            bits = label.split(", ", 1) if label else [""]
            measure = bits[0] if schema.MEASURE in self.columns else ""
            level = (bits[-1] if len(bits) > 1 or schema.MEASURE not in self.columns else "") \
                if schema.AREA_LEVEL in self.several else ""
            out.append((measure, level, value))
        return tuple(out)

    def pinned(self, state: FilterState) -> bool:
        """Whether the state keeps one value of every column whose values are never added."""
        return all(len(state.selected(c) or ()) == 1 for c in self.several)

    def one_part(self, state: FilterState) -> FilterState:
        """The state with one measure and one area level chosen where the data has several: a column
        already narrowed to one value keeps it; otherwise the most detailed area level, and the measure
        with the most rows."""
        for c in self.several:
            sel = state.selected(c)
            if sel is not None and len(sel) == 1:
                continue
            present = self.ds.values_present(c)
            choices = [v for v in present if sel is None or v in sel] or present
            if c == schema.AREA_LEVEL:
                pick = schema.most_detailed_level(choices) or choices[0]
            else:
                n = code_counts(self.ds.codes(c), len(self._cats[c]))
                pick = max(choices, key=lambda v: int(n[self._cats[c].index(v)]))
            state = state.with_values(c, [pick])
        return state

    def one_kind(self, rows: np.ndarray, group_by: str,
                 stack_by: str | None) -> tuple[str | None, str | None, ChartRefusal | None]:
        """The one measure and area level of the rows (None where the chart's own grouping splits
        them), or a refusal to add different kinds of figure together."""
        if not self.columns:
            return None, None, None
        present = np.flatnonzero(np.bincount(self.keys_of(rows), minlength=self.n_parts))
        kinds = [self.values(int(f)) for f in present]
        out: dict[str, str | None] = {}
        for c in self.columns:
            vals = list(dict.fromkeys(k[c] for k in kinds))
            if len(vals) > 1 and c not in (group_by, stack_by):
                names = ", ".join(vals)
                if c == schema.MEASURE:
                    return None, None, ChartRefusal(
                        RefusalReason.MEASURES, f"The selected rows count different things ({names}), which are "
                        "never added together. Choose one measure to chart them.")
                return None, None, ChartRefusal(
                    RefusalReason.AREA_LEVELS, f"The selected rows are about areas at different levels ({names}), "
                    "which are never added together. Choose one area level to chart them.")
            out[c] = vals[0] if len(vals) == 1 else None
        return out.get(schema.MEASURE), out.get(schema.AREA_LEVEL), None


def coverage_allowed(ds: Dataset, cats: dict[str, list[str]], state: FilterState) -> dict[str, frozenset[str]]:
    """The values the state keeps on the columns coverage is kept over (for marking totals that span
    figures the sources lack)."""
    cov = ds.coverage
    if cov is None:
        return {}
    allowed: dict[str, frozenset[str]] = {}
    for d in (*cov.dims, schema.FORCE):
        sel = state.selected(d)
        if sel is not None:
            allowed[d] = sel
    if state.year_range is not None and schema.FINANCIAL_YEAR in cov.dims:
        a, b = state.year_range
        years = frozenset(y for y in cats.get(schema.FINANCIAL_YEAR, []) if a <= y <= b)
        allowed[schema.FINANCIAL_YEAR] = years & allowed.get(schema.FINANCIAL_YEAR, years)
    return allowed


def with_status(ds: Dataset, cats: dict[str, list[str]], series: ChartSeries, state: FilterState) -> ChartSeries:
    """The series with each cell's availability under the state, where the data's coverage has gaps."""
    cov = ds.coverage
    if cov is None or cov.complete:
        return series
    allowed = coverage_allowed(ds, cats, state)
    fixed: dict[str, str] = {}
    if series.measure and schema.MEASURE in cov.dims:
        fixed[schema.MEASURE] = series.measure
    if series.level and schema.AREA_LEVEL in cov.dims:
        fixed[schema.AREA_LEVEL] = series.level
    gdim = series.group_by if series.group_by in cov.dims else None
    sdim = series.stack_by if series.stack_by in cov.dims else None
    cache: dict[tuple[str, str], str] = {}
    status = np.empty(series.values.shape, dtype=object)
    for i, g in enumerate(series.groups):
        for j, st in enumerate(series.stacks):
            key = (g if gdim else "", st if sdim else "")
            if key not in cache:
                f = dict(fixed)
                if gdim:
                    f[gdim] = g
                if sdim:
                    f[sdim] = st
                cache[key] = cov.status(f, {d: v for d, v in allowed.items() if d not in f})
            status[i, j] = cache[key]
    if all(v == "full" for v in status.ravel()):
        return series
    return replace(series, status=status)
