"""The engine: turns a FilterState into row indices, facet counts, totals per measure and area level,
and chart series (state -> masks -> rows -> counts -> series).

It works on integer category codes: masks from a boolean lookup table per constrained column
(`masks`), `np.flatnonzero` for the rows and `np.bincount` for counts, never adding different measures
or area levels (`partitions`). Nothing here evaluates text: filter values are data, compared for
equality.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from .codes import code_counts
from .dataset import Dataset
from .errors import FilterError
from .filter_state import FilterState
from .masks import FilterMasks, RowMasks
from .parallel import each
from .partitions import Partitions, coverage_allowed, with_status
from .result import ChartRefusal, ChartSeries, RefusalReason, Result
from .schema import NOT_RECORDED
from .sorting import RowOrder
from .suggest import closest, resolve_column, unknown_value_message


class Engine:
    """Applies FilterStates to one Dataset. Build once per data set (it precomputes lookups)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.n = ds.n_rows
        self._counts = ds.counts
        self._unit_counts = bool(self.n == 0 or (self._counts.min() == 1 and self._counts.max() == 1))
        self._facets = [c for c in ds.facet_columns if c in ds.categorical_columns]
        self._base_counts: dict[tuple[str, bool], np.ndarray] = {}  # facet counts of every row (weighted?)
        self._cats = ds.category_lists
        self._masks = RowMasks(ds, self._cats)
        # Facet counts are sums of the count only when a state keeps one part (one measure and area
        # level), else rows: never counts of different things added together.
        self._partitions = Partitions(ds, self._cats)
        self._weights = None if self._unit_counts else self._counts
        self._all_rows: np.ndarray | None = None
        self._base_totals: dict[str, int] | None = None
        self._base_series: dict[tuple[str, str | None], tuple[ChartSeries | None, ChartRefusal | None]] = {}
        self._sorting = RowOrder(ds, self._cats, lambda: self.all_rows)

    def warm(self, progress: Callable[[float], None] | None = None) -> "Engine":
        """Do now the work every first filter change needs (codes, whole-data counts), so that it can
        run on a worker thread while the data set loads."""
        for i, c in enumerate(self._facets):
            if progress is not None:
                progress(i / max(1, len(self._facets)))
            self._base_count(c)
        self._totals(self.all_rows)
        _ = self.ds.coverage
        return self

    def make_room(self) -> None:
        """Let go of the orders of every row kept for sorting (8 bytes a row each, sorted again when next
        needed): while another file is opened beside this data, the memory goes to the new file."""
        self._sorting.forget()

    @property
    def all_rows(self) -> np.ndarray:
        """Every row index, made once and read-only (the result of an empty filter)."""
        if self._all_rows is None:
            rows = np.arange(self.n, dtype=np.int64)
            rows.flags.writeable = False
            self._all_rows = rows
        return self._all_rows

    # ---- checking states against the data -------------------------------------------------------
    def check(self, state: FilterState) -> FilterState:
        """The state with column names resolved (labels and original headers accepted); FilterError if a
        column or value does not exist in this data set."""
        sel = []
        for col, values in state.selections:
            real = resolve_column(self.ds, col)
            if real not in self._cats:
                raise FilterError(f"{self.ds.label(real)} cannot be filtered by value.")
            known = set(self._cats[real])
            unknown = sorted(v for v in values if v not in known)
            if unknown:
                raise FilterError(unknown_value_message(self.ds.label(real), unknown, self._cats[real]))
            sel.append((real, values))
        if state.age_range is not None and self._masks.age_col is None and self._masks.band_col is None:
            raise FilterError(f"{self.ds.name} has no age column to filter by age.")
        if state.year_range is not None and self._masks.year_col is None:
            raise FilterError(f"{self.ds.name} has no financial year column to filter by year.")
        return replace(state, selections=tuple(sorted(sel)))

    def restrict(self, state: FilterState) -> tuple[FilterState, list[str]]:
        """The part of a state that fits this data set, and a note per thing dropped (for saved views
        opened on other data: the user is told, nothing fails)."""
        notes: list[str] = []
        sel = []
        for col, values in state.selections:
            try:
                real = self.ds.resolve_column(col)
            except FilterError:
                notes.append(f"the data has no column {col!r}; its filter was left out")
                continue
            if real not in self._cats:
                notes.append(f"{col!r} cannot be filtered by value; its filter was left out")
                continue
            known = set(self._cats[real])
            keep = frozenset(v for v in values if v in known)
            dropped = sorted(values - keep)
            if dropped:
                near = [c for d in dropped for c in closest(d, self._cats[real], n=1)]
                hint = f" (did you mean {', '.join(repr(c) for c in near)}?)" if near else ""
                notes.append(f"{self.ds.label(real)} has no {', '.join(repr(d) for d in dropped)}{hint}")
            sel.append((real, keep))
        new = replace(state, selections=tuple(sorted(sel)))
        if new.age_range is not None and self._masks.age_col is None and self._masks.band_col is None:
            notes.append("the data has no age column; the age range was left out")
            new = replace(new, age_range=None)
        if new.year_range is not None and self._masks.year_col is None:
            notes.append("the data has no financial year column; the year range was left out")
            new = replace(new, year_range=None)
        return new, notes

    # ---- the work ----------------------------------------------------------------------------
    def apply(self, state: FilterState, group_by: str | None = None, stack_by: str | None = None) -> Result:
        """Rows, facet counts, totals per part and (with `group_by`) the chart series of a state."""
        luts, messages = self._masks.lookups(state)
        masks = self._masks.combine(luts, state.search, self.all_rows)
        rows = masks.rows
        one_part = self.pinned(state)
        facet_counts = self._facet_counts(masks, one_part)
        totals = self._totals(rows)
        series = highlight = refusal = None
        if group_by is not None:
            series, highlight, refusal = self._chart(state, luts, masks, group_by, stack_by)
            if refusal is not None:
                messages.append(refusal.words)
        return Result(
            state=state, rows=rows, n_total=self.n, facet_counts=facet_counts,
            facet_unit="count" if one_part else "rows", totals=totals, series=series,
            highlight=highlight, messages=tuple(messages), parts=self._partitions.parts(totals),
            chart_refusal=refusal,
        )

    def _facet_counts(self, masks: FilterMasks, one_part: bool) -> dict[str, np.ndarray]:
        """Per facet, what ticking each value would give: counts over the rows matching every filter but
        the facet's own (sums of the count when the state keeps one part, else rows)."""
        several = bool(self._partitions.several)
        if masks.unfiltered and (one_part or not several):
            return self._unfiltered_counts()
        rows = masks.rows
        weights = self._weights if one_part else None
        most = 2 * len(rows) > self.n
        w_rows = None if weights is None or most else weights[rows]
        if most:
            masks.rows_left_out()  # made once, before the columns are counted (on several threads)

        def counts(col: str) -> np.ndarray:
            codes = self.ds.codes(col)
            ncat = len(self._cats[col])
            own = col if masks.constrains(col) else None
            if own is not None and (masks.count == 1 or len(masks.rows_without(col)) == self.n) \
                    and (one_part or not several):
                return self._base_count(col)  # its own filter is the only one
            idx = rows if own is None else masks.rows_without(col)
            if 2 * len(idx) <= self.n:
                w = w_rows if own is None else (None if weights is None else weights[idx])
                return _bincount(codes[idx], w, ncat)
            # Most rows kept (a value or two unticked): the whole column's counts less the rows left out.
            out = masks.rows_left_out(own)
            left_out = _bincount(codes[out], None if weights is None else weights[out], ncat)
            return self._base_count(col, weighted=weights is not None) - left_out

        return dict(zip(self._facets, each(counts, self._facets, self.n)))

    def _chart(self, state: FilterState, luts: dict[str, np.ndarray], masks: FilterMasks, group_by: str,
               stack_by: str | None) -> tuple[ChartSeries | None, frozenset[str] | None, ChartRefusal | None]:
        """The chart series, the values its own column's filter keeps (highlighted), or the refusal.
        Like a facet, the chart ignores its own column's filter: every bar shows what ticking it would
        give."""
        group_col = self.ds.resolve_column(group_by) if group_by not in self._cats else group_by
        series_rows = masks.rows_without(group_col) if masks.constrains(group_col) else masks.rows
        series, refusal = self._series_cached(series_rows, group_col, stack_by)
        if refusal:
            return None, None, refusal
        highlight = None
        if series is not None:
            series = with_status(self.ds, self._cats, series, state)
            if group_col in luts:
                highlight = frozenset(c for c, on in zip(self._cats[group_col], luts[group_col]) if on)
        return series, highlight, None

    def _series_cached(self, rows: np.ndarray, group_by: str, stack_by: str | None):
        """The chart series; of every row, kept per grouping (reset and single filters on the chart's
        own column ask for it again and again)."""
        if rows is not self._all_rows:
            return self.series(rows, group_by, stack_by)
        key = (group_by, stack_by)
        if key not in self._base_series:
            self._base_series[key] = self.series(rows, group_by, stack_by)
        return self._base_series[key]

    def _base_count(self, col: str, weighted: bool = True) -> np.ndarray:
        """A facet's counts over every row: the same for every state, so computed once. Weighted: sums
        of the count (rows where every count is 1); else rows."""
        weights = self._weights if weighted else None
        key = (col, weights is not None)
        if key not in self._base_counts:
            self._base_counts[key] = code_counts(self.ds.codes(col), len(self._cats[col]), weights)
        return self._base_counts[key]

    def _unfiltered_counts(self) -> dict[str, np.ndarray]:
        return {c: self._base_count(c) for c in self._facets}

    def _take(self, arr: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """arr[rows], without the copy when rows is every row."""
        return arr if len(rows) == self.n else arr[rows]

    def _sum_by(self, codes: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
        """Sum of count per code over the rows (codes already restricted to rows)."""
        if self._unit_counts:
            return np.bincount(codes, minlength=n).astype(np.int64)
        w = self._take(self._counts, rows)
        return np.rint(np.bincount(codes, weights=w, minlength=n)).astype(np.int64)

    def _totals(self, rows: np.ndarray) -> dict[str, int]:
        if rows is self._all_rows:
            if self._base_totals is None:
                self._base_totals = self._compute_totals(rows)
            return dict(self._base_totals)
        return self._compute_totals(rows)

    def _compute_totals(self, rows: np.ndarray) -> dict[str, int]:
        """Sum of count per part (measure and area level): keys 'Arrest', or 'Arrest, Region' when the
        data has several area levels, or '' when it names neither."""
        parts = self._partitions
        if not parts.columns:
            return {"": int(len(rows)) if self._unit_counts else int(self._counts[rows].sum())}
        key = parts.keys_of(rows)
        sums = self._sum_by(key, rows, parts.n_parts)
        present = np.bincount(key, minlength=parts.n_parts) > 0
        return {parts.label(i): int(sums[i]) for i in np.flatnonzero(present)}

    # ---- measures and area levels -------------------------------------------------------------
    def pinned(self, state: FilterState) -> bool:
        """Whether the state keeps one value of every column whose values are never added (so that its
        counts are all of one kind)."""
        return self._partitions.pinned(state)

    def one_part(self, state: FilterState) -> FilterState:
        """The state with one measure and one area level chosen where the data has several (the
        window's rule: one kind of figure at a time). A column already narrowed to one value keeps it;
        otherwise the most detailed area level, and the measure with the most rows."""
        return self._partitions.one_part(state)

    def coverage_allowed(self, state: FilterState) -> dict[str, frozenset[str]]:
        """The values the state keeps on the columns coverage is kept over (for marking totals that
        span figures the sources lack)."""
        return coverage_allowed(self.ds, self._cats, state)

    # ---- chart series -------------------------------------------------------------------------
    def series(self, rows: np.ndarray, group_by: str,
               stack_by: str | None = None) -> tuple[ChartSeries | None, ChartRefusal | None]:
        """Sum of count by group (and stack) over the given rows. Refuses, with a reason, to add
        different measures. Every value of the group column is listed (zeros too, so years stay
        continuous) except an empty 'Not recorded'."""
        ds = self.ds
        group_by = ds.resolve_column(group_by)
        if group_by not in self._cats:
            return None, ChartRefusal(RefusalReason.NOT_CHARTABLE, f"{ds.label(group_by)} cannot be charted.")
        if stack_by is not None:
            stack_by = ds.resolve_column(stack_by)
            if stack_by not in self._cats or stack_by == group_by:
                stack_by = None
        measure, level, refusal = self._partitions.one_kind(rows, group_by, stack_by)
        if refusal:
            return None, refusal
        gcats = self._cats[group_by]
        g = self._take(self.ds.codes(group_by), rows)
        if stack_by is None:
            vals = self._sum_by(g, rows, len(gcats)).reshape(-1, 1)
            stacks: tuple[str, ...] = ("",)
        else:
            scats = self._cats[stack_by]
            s = self._take(self.ds.codes(stack_by), rows)
            combined = g.astype(np.int32) * len(scats) + s
            vals = self._sum_by(combined, rows, len(gcats) * len(scats))
            vals = vals.reshape(len(gcats), len(scats))
            keep_s = vals.sum(axis=0) > 0
            stacks = tuple(x for x, k in zip(scats, keep_s) if k)
            vals = vals[:, keep_s] if keep_s.any() else vals[:, :0]
        # Keep every known category of the group (zeros included) except an empty 'Not recorded'.
        keep_g = np.array([not (name == NOT_RECORDED and vals[i].sum() == 0) for i, name in enumerate(gcats)])
        groups = tuple(x for x, k in zip(gcats, keep_g) if k)
        return ChartSeries(group_by, stack_by, groups, stacks, vals[keep_g], measure, level=level), None

    # ---- sorting ------------------------------------------------------------------------------
    def sort_rows(self, rows: np.ndarray, column: str, descending: bool = False) -> np.ndarray:
        """Rows (ascending, each once, as `apply` gives them) reordered by a column (category order for
        categoricals, value for numbers); stable. 'Not recorded' stays last either way."""
        return self._sorting.sort(rows, column, descending)


def _bincount(codes: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.bincount(codes, minlength=n)
    return np.rint(np.bincount(codes, weights=weights, minlength=n)).astype(np.int64)
