"""Which rows a FilterState keeps: one boolean mask per constrained column (and one for the search),
and their AND with or without each column's own.

Masks are built on integer category codes: a boolean lookup table per column indexed by code
(`allowed[codes]`), or a few equality tests when few codes are (or are not) allowed. Nothing here
evaluates text: filter values are data, compared for equality.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .dataset import Dataset
from .filter_state import FilterState
from .parallel import each
from .schema import NOT_RECORDED, Role


class RowMasks:
    """Builds the masks of states over one Dataset (its categories and folded text read once)."""

    def __init__(self, ds: Dataset, cats: dict[str, list[str]]) -> None:
        self.ds = ds
        self._cats = cats
        self.age_col = schema.AGE if ds.role(schema.AGE) is Role.AGE else None
        self.band_col = schema.AGE_BAND if ds.has(schema.AGE_BAND) else None
        self.year_col = schema.FINANCIAL_YEAR if ds.has(schema.FINANCIAL_YEAR) else None
        self._text_cols = ds.text_columns
        self._lowered: dict[str, pa.Array] = {}

    def lookups(self, state: FilterState) -> tuple[dict[str, np.ndarray], list[str]]:
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
            if self.age_col is not None:
                lut = np.array([_age_in(c, lo, hi) for c in self._cats[self.age_col]], dtype=bool)
                luts[self.age_col] = luts.get(self.age_col, np.ones_like(lut)) & lut
            elif self.band_col is not None:
                bands = self._cats[self.band_col]
                inside = [schema.band_bounds(b) is not None and lo <= schema.band_bounds(b)[0]
                          and schema.band_bounds(b)[1] <= hi for b in bands]
                lut = np.array(inside, dtype=bool)
                luts[self.band_col] = luts.get(self.band_col, np.ones_like(lut)) & lut
                if not lut.any():
                    shown = ", ".join(b for b in bands if b != NOT_RECORDED)
                    messages.append(
                        f"No age band lies wholly inside ages {lo}-{hi}; this data has only the bands {shown}."
                    )
        if state.year_range is not None and self.year_col is not None:
            a, b = state.year_range
            lut = np.array([c != NOT_RECORDED and a <= c <= b for c in self._cats[self.year_col]], dtype=bool)
            luts[self.year_col] = luts.get(self.year_col, np.ones_like(lut)) & lut
        return luts, messages

    def search(self, text: str) -> np.ndarray | None:
        """Rows where any text column contains the words (case-insensitive); None for no search.

        Each column's distinct values are searched, not its rows, by Arrow over their lower-case text:
        a column of ten million row identifiers takes about a quarter of a second, with no Python
        string per value."""
        needle = text.strip().lower()
        if not needle:
            return None
        mask = np.zeros(self.ds.n_rows, dtype=bool)
        for col in self._text_cols:
            found = pc.match_substring(self._lowered_values(col), needle)
            lut = np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
            if lut.any():
                mask |= code_mask(lut, self.ds.codes(col))
        return mask

    def _lowered_values(self, col: str) -> pa.Array:
        """The column's categories in lower case, made on the first search."""
        if col not in self._lowered:
            index = self.ds.category_index(col)
            values = pa.array(index.astype(str), type=pa.large_string(), from_pandas=True)
            self._lowered[col] = pc.utf8_lower(values)
        return self._lowered[col]

    def combine(self, luts: dict[str, np.ndarray], search: str, all_rows: np.ndarray) -> "FilterMasks":
        """The masks of the lookup tables and the search, ready to AND."""
        masks = each(lambda item: (item[0], code_mask(item[1], self.ds.codes(item[0]))), luts.items(),
                     self.ds.n_rows)
        found = self.search(search)
        if found is not None:
            masks.append(("", found))
        return FilterMasks(masks, all_rows)


class FilterMasks:
    """The AND of a state's masks, and of all of them but one column's own (what ticking a value of
    that column would give). Prefix and suffix ANDs make each "all but one" cost one AND."""

    def __init__(self, masks: list[tuple[str, np.ndarray]], all_rows: np.ndarray) -> None:
        k = len(masks)
        self.count = k
        self._all_rows = all_rows
        prefix: list[np.ndarray | None] = [None] * (k + 1)
        for i, (_, m) in enumerate(masks):
            prefix[i + 1] = m if prefix[i] is None else prefix[i] & m
        suffix: list[np.ndarray | None] = [None] * (k + 1)
        for i in range(k - 1, -1, -1):
            m = masks[i][1]
            suffix[i] = m if suffix[i + 1] is None else suffix[i + 1] & m
        self._prefix, self._suffix = prefix, suffix
        self.unfiltered = prefix[k] is None
        self.rows = all_rows if prefix[k] is None else np.flatnonzero(prefix[k])
        self.own = {col: i for i, (col, _) in enumerate(masks) if col}
        self._without: dict[str, np.ndarray] = {}
        self._left_out: dict[str | None, np.ndarray] = {}

    def constrains(self, col: str) -> bool:
        """Whether the state has a filter on the column."""
        return col in self.own

    def rows_without(self, col: str) -> np.ndarray:
        """Rows matching every filter but the column's own (made once per column)."""
        if col not in self._without:
            m = self._mask_without(col)
            self._without[col] = self._all_rows if m is None else np.flatnonzero(m)
        return self._without[col]

    def rows_left_out(self, col: str | None = None) -> np.ndarray:
        """The rows that every filter (col None), or every filter but the column's own, leaves out: fewer
        than those kept when a filter keeps most rows, so counts are quicker taken off the whole."""
        if col not in self._left_out:
            m = self._prefix[self.count] if col is None else self._mask_without(col)
            self._left_out[col] = np.zeros(0, dtype=np.int64) if m is None else np.flatnonzero(~m)
        return self._left_out[col]

    def _mask_without(self, col: str) -> np.ndarray | None:
        i = self.own[col]
        a, b = self._prefix[i], self._suffix[i + 1]
        return a if b is None else (b if a is None else a & b)


_FEW_CODES = 8
"""Up to this many codes allowed (or not allowed), a mask is made by comparisons: each costs about
a tenth of a millisecond over a million int8 codes, against about two milliseconds for a lookup."""


def code_mask(lut: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """lut[codes], by a few equality tests when few codes are (or are not) allowed, else by a lookup.

    The codes are compared with Python ints: a NumPy int64 would make NumPy widen every int8 code
    to 64 bits first, ten times the work."""
    on = np.flatnonzero(lut)
    if len(on) == 0:
        return np.zeros(len(codes), dtype=bool)
    if len(on) == len(lut):
        return np.ones(len(codes), dtype=bool)
    if len(on) <= _FEW_CODES:
        return _any_equal(codes, on.tolist(), np.equal, np.logical_or)
    off = np.flatnonzero(~lut)
    if len(off) <= _FEW_CODES:
        return _any_equal(codes, off.tolist(), np.not_equal, np.logical_and)
    return _lookup(lut, codes)


def _any_equal(codes: np.ndarray, values: list[int], test, join) -> np.ndarray:
    """test(codes, values[0]) joined with the same test of every other value, in place."""
    mask = test(codes, values[0])
    scratch = np.empty_like(mask)
    for v in values[1:]:
        test(codes, v, out=scratch)
        join(mask, scratch, out=mask)
    return mask


def _lookup(lut: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """lut[codes] by Arrow, which reads the narrow codes as they are (NumPy widens each to 64 bits
    first): about twice as fast on int8 codes."""
    found = pc.take(pa.array(lut.view(np.uint8)), pa.array(codes))
    return np.asarray(found).view(bool)


def _age_in(category: str, lo: int, hi: int) -> bool:
    try:
        v = float(category)
    except ValueError:
        return False
    return lo <= v <= hi
