"""The engine: turns a FilterState into row indices, facet counts, totals per measure and area level,
and chart series.

It works on integer category codes: for each constrained column a boolean lookup table indexed by code
(`allowed[codes]`), `np.flatnonzero` for the rows and `np.bincount` for counts. Nothing here evaluates
text: filter values are data, compared for equality.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable

import numpy as np

from . import schema
from .dataset import Dataset, code_counts
from .errors import FilterError
from .filter_state import FilterState
from .result import ChartRefusal, ChartSeries, RefusalReason, Result
from .schema import NOT_RECORDED, Role
from .suggest import closest, resolve_column, unknown_value_message


class Engine:
    """Applies FilterStates to one Dataset. Build once per data set (it precomputes lookups)."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.n = ds.n_rows
        self._counts = ds.counts
        self._unit_counts = bool(self.n == 0 or (self._counts.min() == 1 and self._counts.max() == 1))
        self._facets = [c for c in ds.facet_columns if c in ds.categorical_columns]
        self._base_counts: dict[str, np.ndarray] = {}  # facet counts of every row, filled once
        self._cats = {c: ds.categories(c) for c in ds.categorical_columns}
        self._age_col = schema.AGE if ds.role(schema.AGE) is Role.AGE else None
        self._band_col = schema.AGE_BAND if ds.has(schema.AGE_BAND) else None
        self._year_col = schema.FINANCIAL_YEAR if ds.has(schema.FINANCIAL_YEAR) else None
        self._text_cols = ds.text_columns
        self._folded = {c: [str(v).casefold() for v in self._cats[c]] for c in self._text_cols}
        self._measure_col = schema.MEASURE if ds.has(schema.MEASURE) else None
        # Measures and area levels are never summed. The parts of the data that may be: one code per
        # row over the partition columns; facet counts are sums of the count only when a state keeps one
        # part (else rows: never counts of different things added together).
        self._pcols = [c for c in schema.PARTITION_COLUMNS if c in self._cats]
        self._multi = list(ds.partition_columns)
        self._psizes = [len(self._cats[c]) for c in self._pcols]
        self._pkey: np.ndarray | None = None
        self._weights = None if self._unit_counts else self._counts
        self._all_rows: np.ndarray | None = None
        self._base_totals: dict[str, int] | None = None
        self._base_series: dict[tuple[str, str | None], tuple[ChartSeries | None, str]] = {}
        self._orders: dict[tuple[str, bool], np.ndarray] = {}
        self._orders_lock = threading.Lock()

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
        if state.age_range is not None and self._age_col is None and self._band_col is None:
            raise FilterError(f"{self.ds.name} has no age column to filter by age.")
        if state.year_range is not None and self._year_col is None:
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
        if new.age_range is not None and self._age_col is None and self._band_col is None:
            notes.append("the data has no age column; the age range was left out")
            new = replace(new, age_range=None)
        if new.year_range is not None and self._year_col is None:
            notes.append("the data has no financial year column; the year range was left out")
            new = replace(new, year_range=None)
        return new, notes

    # ---- lookup tables --------------------------------------------------------------------------
    def _luts(self, state: FilterState) -> tuple[dict[str, np.ndarray], list[str]]:
        """Boolean lookup table per constrained column, and messages for the user."""
        luts: dict[str, np.ndarray] = {}
        messages: list[str] = []
        for col, values in state.selections:
            if col not in self._cats:
                continue
            cats = self._cats[col]
            luts[col] = np.fromiter((c in values for c in cats), dtype=bool, count=len(cats))
        if state.age_range is not None:
            lo, hi = state.age_range
            if self._age_col is not None:
                lut = np.array([_age_in(c, lo, hi) for c in self._cats[self._age_col]], dtype=bool)
                luts[self._age_col] = luts.get(self._age_col, np.ones_like(lut)) & lut
            elif self._band_col is not None:
                bands = self._cats[self._band_col]
                inside = [schema.band_bounds(b) is not None and lo <= schema.band_bounds(b)[0]
                          and schema.band_bounds(b)[1] <= hi for b in bands]
                lut = np.array(inside, dtype=bool)
                luts[self._band_col] = luts.get(self._band_col, np.ones_like(lut)) & lut
                if not lut.any():
                    shown = ", ".join(b for b in bands if b != NOT_RECORDED)
                    messages.append(
                        f"No age band lies wholly inside ages {lo}-{hi}; this data has only the bands {shown}."
                    )
        if state.year_range is not None and self._year_col is not None:
            a, b = state.year_range
            lut = np.array([c != NOT_RECORDED and a <= c <= b for c in self._cats[self._year_col]], dtype=bool)
            luts[self._year_col] = luts.get(self._year_col, np.ones_like(lut)) & lut
        return luts, messages

    def _search_mask(self, text: str) -> np.ndarray | None:
        needle = text.casefold().strip()
        if not needle:
            return None
        mask = np.zeros(self.n, dtype=bool)
        for col in self._text_cols:
            lut = np.fromiter((needle in v for v in self._folded[col]), dtype=bool, count=len(self._folded[col]))
            if lut.any():
                mask |= _mask(lut, self.ds.codes(col))
        return mask

    # ---- the work ----------------------------------------------------------------------------
    def apply(self, state: FilterState, group_by: str | None = None, stack_by: str | None = None) -> Result:
        luts, messages = self._luts(state)
        masks = [(col, _mask(lut, self.ds.codes(col))) for col, lut in luts.items()]
        search = self._search_mask(state.search)
        if search is not None:
            masks.append(("", search))
        k = len(masks)
        # prefix[i] = AND of masks[:i]; suffix[i] = AND of masks[i:]; so "all but i" costs one AND.
        prefix: list[np.ndarray | None] = [None] * (k + 1)
        for i, (_, m) in enumerate(masks):
            prefix[i + 1] = m if prefix[i] is None else prefix[i] & m
        suffix: list[np.ndarray | None] = [None] * (k + 1)
        for i in range(k - 1, -1, -1):
            m = masks[i][1]
            suffix[i] = m if suffix[i + 1] is None else suffix[i + 1] & m
        full = prefix[k]
        rows = self.all_rows if full is None else np.flatnonzero(full)

        one_part = self.pinned(state)
        weights = self._weights if one_part else None
        own = {col: i for i, (col, _) in enumerate(masks) if col}
        without: dict[str, np.ndarray] = {}  # column -> rows matching every filter but that column's own

        def rows_without(col: str) -> np.ndarray:
            if col not in without:
                i = own[col]
                a, b = prefix[i], suffix[i + 1]
                m = a if b is None else (b if a is None else a & b)
                without[col] = self.all_rows if m is None else np.flatnonzero(m)
            return without[col]

        if full is None and (one_part or not self._multi):
            facet_counts = self._unfiltered_counts()
        else:
            facet_counts = {}
            w_rows = None if weights is None else weights[rows]
            for col in self._facets:
                codes = self.ds.codes(col)
                ncat = len(self._cats[col])
                if col not in own:
                    facet_counts[col] = _bincount(codes[rows], w_rows, ncat)
                elif (k == 1 or len(rows_without(col)) == self.n) and (one_part or not self._multi):
                    facet_counts[col] = self._base_count(col)  # its own filter is the only one
                else:
                    idx = rows_without(col)
                    facet_counts[col] = _bincount(codes[idx], None if weights is None else weights[idx], ncat)

        totals = self._totals(rows)
        series = None
        highlight = None
        refusal = None
        if group_by is not None:
            # Like a facet, the chart ignores its own column's filter: every bar shows what ticking it
            # would give, and the values kept by that filter are highlighted.
            group_col = self.ds.resolve_column(group_by) if group_by not in self._cats else group_by
            series_rows = rows_without(group_col) if group_col in own else rows
            series, msg = self._series_cached(series_rows, group_col, stack_by)
            if msg:
                messages.append(msg.words)
                refusal = msg
            elif series is not None:
                series = self._with_status(series, state)
            if group_col in luts and series is not None:
                lut = luts[group_col]
                cats = self._cats[group_col]
                highlight = frozenset(c for c, on in zip(cats, lut) if on)
        return Result(
            state=state, rows=rows, n_total=self.n, facet_counts=facet_counts,
            facet_unit="count" if one_part else "rows", totals=totals, series=series,
            highlight=highlight, messages=tuple(messages), parts=self._parts(totals), chart_refusal=refusal,
        )

    def _series_cached(self, rows: np.ndarray, group_by: str, stack_by: str | None):
        """The chart series; of every row, kept per grouping (reset and single filters on the chart's
        own column ask for it again and again)."""
        if rows is not self._all_rows:
            return self.series(rows, group_by, stack_by)
        key = (group_by, stack_by)
        if key not in self._base_series:
            self._base_series[key] = self.series(rows, group_by, stack_by)
        return self._base_series[key]

    def _base_count(self, col: str) -> np.ndarray:
        """A facet's counts over every row: the same for every state, so computed once."""
        if col not in self._base_counts:
            self._base_counts[col] = code_counts(self.ds.codes(col), len(self._cats[col]), self._weights)
        return self._base_counts[col]

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
        if not self._pcols:
            return {"": int(len(rows)) if self._unit_counts else int(self._counts[rows].sum())}
        key = self._take(self.partition_key, rows)
        n = int(np.prod(self._psizes))
        sums = self._sum_by(key, rows, n)
        present = np.bincount(key, minlength=n) > 0
        return {self._part_label(i): int(sums[i]) for i in np.flatnonzero(present)}

    @property
    def partition_key(self) -> np.ndarray:
        """One code per row for its measure and area level together (made once)."""
        if self._pkey is None and len(self._pcols) == 1:
            self._pkey = self.ds.codes(self._pcols[0])  # its own small codes: no row-sized copy
        if self._pkey is None:
            key = np.zeros(self.n, dtype=np.int32)
            for c, size in zip(self._pcols, self._psizes):
                key = key * size + self.ds.codes(c)
            key.flags.writeable = False
            self._pkey = key
        return self._pkey

    def _part_values(self, flat: int) -> dict[str, str]:
        idx = np.unravel_index(int(flat), self._psizes)
        return {c: self._cats[c][int(i)] for c, i in zip(self._pcols, idx)}

    def _part_label(self, flat: int) -> str:
        vals = self._part_values(flat)
        names = [vals[c] for c in self._pcols if c == schema.MEASURE or c in self._multi]
        return ", ".join(names)

    def _parts(self, totals: dict[str, int]) -> tuple[tuple[str, str, int], ...]:
        out = []
        for label, value in totals.items():
            bits = label.split(", ", 1) if label else [""]
            measure = bits[0] if schema.MEASURE in self._pcols else ""
            level = (bits[-1] if len(bits) > 1 or schema.MEASURE not in self._pcols else "") \
                if schema.AREA_LEVEL in self._multi else ""
            out.append((measure, level, value))
        return tuple(out)

    def pinned(self, state: FilterState) -> bool:
        """Whether the state keeps one value of every column whose values are never added (so that its
        counts are all of one kind)."""
        return all(len(state.selected(c) or ()) == 1 for c in self._multi)

    def one_part(self, state: FilterState) -> FilterState:
        """The state with one measure and one area level chosen where the data has several (the
        window's rule: one kind of figure at a time). A column already narrowed to one value keeps it;
        otherwise the most detailed area level, and the measure with the most rows."""
        for c in self._multi:
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

    def coverage_allowed(self, state: FilterState) -> dict[str, frozenset[str]]:
        """The values the state keeps on the columns coverage is kept over (for marking totals that
        span figures the sources lack)."""
        cov = self.ds.coverage
        if cov is None:
            return {}
        allowed: dict[str, frozenset[str]] = {}
        for d in (*cov.dims, schema.FORCE):
            sel = state.selected(d)
            if sel is not None:
                allowed[d] = sel
        if state.year_range is not None and schema.FINANCIAL_YEAR in cov.dims:
            a, b = state.year_range
            years = frozenset(y for y in self._cats.get(schema.FINANCIAL_YEAR, []) if a <= y <= b)
            allowed[schema.FINANCIAL_YEAR] = years & allowed.get(schema.FINANCIAL_YEAR, years)
        return allowed

    def _with_status(self, series: "ChartSeries", state: FilterState) -> "ChartSeries":
        """The series with each cell's availability, where the data's coverage has gaps."""
        cov = self.ds.coverage
        if cov is None or cov.complete:
            return series
        allowed = self.coverage_allowed(state)
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
        measure, level, refusal = self._one_kind(rows, group_by, stack_by)
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

    def _one_kind(self, rows: np.ndarray, group_by: str,
                  stack_by: str | None) -> tuple[str | None, str | None, ChartRefusal | None]:
        """The one measure and area level of the rows (None where the chart's own grouping splits
        them), or a message refusing to add different kinds of figure together."""
        if not self._pcols:
            return None, None, None
        key = self._take(self.partition_key, rows)
        present = np.flatnonzero(np.bincount(key, minlength=int(np.prod(self._psizes))))
        kinds = [self._part_values(int(f)) for f in present]
        out: dict[str, str | None] = {}
        for c in self._pcols:
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

    # ---- sorting ------------------------------------------------------------------------------
    def sort_rows(self, rows: np.ndarray, column: str, descending: bool = False) -> np.ndarray:
        """Rows (ascending, each once, as `apply` gives them) reordered by a column (category order for
        categoricals, value for numbers); stable. 'Not recorded' stays last either way. For many rows,
        the order of every row is sorted once per column and direction (the last two are kept) and the
        rows are picked out of it, which needs no sort at all."""
        if len(rows) * 8 < self.n:
            return rows[self._order_of(rows, column, descending)]
        with self._orders_lock:  # the window may sort on its worker thread and its UI thread at once
            order = self._orders.get((column, descending))
        if order is None:
            order = self.all_rows[self._order_of(self.all_rows, column, descending)]
            order.flags.writeable = False
        with self._orders_lock:
            self._orders.pop((column, descending), None)
            self._orders[(column, descending)] = order  # the most recent last
            while len(self._orders) > 2:  # an order costs 8 bytes a row: keep the last two only
                del self._orders[next(iter(self._orders))]
        if len(rows) == self.n:
            return order
        keep = np.zeros(self.n, dtype=bool)
        keep[rows] = True
        return order[keep[order]]

    def _order_of(self, rows: np.ndarray, column: str, descending: bool) -> np.ndarray:
        """The stable argsort of the rows by the column."""
        ds = self.ds
        if column in self._cats:
            key = ds.codes(column)[rows]
            nr = self._cats[column].index(NOT_RECORDED) if NOT_RECORDED in self._cats[column] else -1
        else:
            key = ds.frame[column].to_numpy()[rows]
            nr = -1
        if descending:
            if key.dtype.kind in "iub":
                key = -key.astype(np.int64)
                if nr >= 0 and len(key):  # 'Not recorded' stays last either way
                    key = np.where(key == -nr, key.max() + 1, key)
            elif key.dtype.kind == "f":
                key = -key
            else:
                return np.argsort(key, kind="stable")[::-1]
        if key.dtype.kind in "iub" and len(key) and key.itemsize > 2:
            lo, hi = int(key.min()), int(key.max())
            if -(1 << 15) <= lo and hi < (1 << 15):
                key = key.astype(np.int16)  # numpy's stable sort is a radix sort for 16 bits or fewer
        return np.argsort(key, kind="stable")


def _mask(lut: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """lut[codes], but with a few equality tests when few codes are (or are not) allowed: a
    comparison over int8 codes is ~30x cheaper than a gather."""
    on = np.flatnonzero(lut)
    if len(on) == 0:
        return np.zeros(len(codes), dtype=bool)
    if len(on) == len(lut):
        return np.ones(len(codes), dtype=bool)
    if len(on) <= 6:
        m = codes == on[0]
        for c in on[1:]:
            m |= codes == c
        return m
    off = np.flatnonzero(~lut)
    if len(off) <= 6:
        m = codes != off[0]
        for c in off[1:]:
            m &= codes != c
        return m
    return np.take(lut, codes)


def _bincount(codes: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.bincount(codes, minlength=n)
    return np.rint(np.bincount(codes, weights=weights, minlength=n)).astype(np.int64)


def _age_in(category: str, lo: int, hi: int) -> bool:
    try:
        v = float(category)
    except ValueError:
        return False
    return lo <= v <= hi
