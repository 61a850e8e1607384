"""Text columns as pandas categoricals, built a block of rows at a time without a Python string per
cell: the CSV readers hand each block to a TextCodes per column, and wide text (an identifier, free text)
is sorted and merged by Arrow."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import (as_text, categorical_of_texts, cell_text, code_width, distinct_runs, distinct_texts,
                     stripped_text_codes, stripped_texts, text_codes)
from ..parallel import cores, each
from ..text_order import joined_texts
from . import limits
from ._common import Ticker

_SPLIT_VALUES = 1 << 18  # more values than this are sorted on two cores (text_codes_of)
_PIVOT_SAMPLE = 1001  # values the middle value is chosen from


def frame_of_codes(names: list[str], cols: list["TextCodes"], n_rows: int, ticker: Ticker) -> pd.DataFrame:
    """The frame of the columns' codes, letting each column's parts go once its series is made."""
    out: dict[str, pd.Series] = {}
    for i, name in enumerate(names):
        ticker.tick(0.95 + 0.05 * i / max(1, len(names)))
        out[name] = cols[i].series(name)
        cols[i] = TextCodes()  # let its parts go
    ticker.tick(1.0)
    return pd.DataFrame(out) if out else pd.DataFrame(index=range(n_rows))


class TextCodes:
    """One text column's category codes, built a block of rows at a time.

    While the column has at most WIDE_COLUMN_VALUES distinct values (see limits), each block's values
    are looked up in a dict as they come and the codes kept in the smallest integer type that holds
    them. Past that (an identifier, free text), each block's own Arrow dictionary and 32-bit indices
    (or its plain texts, which the CSV reader hands on for such a column) are kept instead, and made
    into one sorted list of distinct texts at the end by Arrow (codes.text_codes), with no Python object
    per value."""

    def __init__(self) -> None:
        self.seen: dict[str, int] | None = {}  # value -> code, in order of appearance (None: wide)
        self.parts: list[np.ndarray | None] = []  # codes into `seen`; wide: each block's indices into its
        # dict (None: the block's texts are its dict, one a row)
        self.dicts: list = []  # wide: each block's dictionary (Arrow strings)
        self.rows = 0

    @property
    def wide(self) -> bool:
        """Whether the column has more distinct values than are looked up one by one."""
        return self.seen is None

    def add(self, arr) -> None:
        """One block: an Arrow dictionary array of strings, or an array of strings (no nulls)."""
        import pyarrow as pa

        if isinstance(arr, pa.ChunkedArray):
            for chunk in arr.chunks:
                self.add(chunk)
            return
        if not pa.types.is_dictionary(arr.type):
            if self.seen is None and not arr.null_count:
                self.rows += len(arr)
                self.dicts.append(arr)
                self.parts.append(None)
                return
            import pyarrow.compute as pc

            arr = pc.dictionary_encode(arr)
        self.rows += len(arr)
        dictionary, idx = arr.dictionary, arr.indices
        if idx.null_count:  # (never, as the readers are set up; a null cell would be a blank one)
            idx = idx.fill_null(len(dictionary))
            dictionary = pa.concat_arrays([dictionary, pa.array([""], type=dictionary.type)])
        values = None
        if self.seen is not None and len(self.seen) + len(dictionary) > limits.WIDE_COLUMN_VALUES:
            values = None if len(dictionary) > limits.WIDE_COLUMN_VALUES else dictionary.to_pylist()
            if values is None or len(self.seen) + sum(v not in self.seen for v in values) \
                    > limits.WIDE_COLUMN_VALUES:
                self._widen()
        if self.seen is None:
            self.dicts.append(dictionary)
            self.parts.append(idx.to_numpy(zero_copy_only=False).astype(np.int32, copy=False))
            return
        seen = self.seen
        values = dictionary.to_pylist() if values is None else values
        lut = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
        width = np.int8 if len(seen) < (1 << 7) else np.int16 if len(seen) < (1 << 15) else np.int32
        self.parts.append(lut.astype(width)[idx.to_numpy(zero_copy_only=False)])

    def add_values(self, values: list[str]) -> None:
        """One block of Python strings (the careful reader's): looked up in the dict as they are, with no
        copy, while the column is narrow."""
        if self.seen is None or (len(self.seen) + len(values) > limits.WIDE_COLUMN_VALUES
                                 and len(self.seen) + len(set(values) - self.seen.keys())
                                 > limits.WIDE_COLUMN_VALUES):
            import pyarrow as pa
            import pyarrow.compute as pc

            self.add(pc.dictionary_encode(pa.array(values, type=pa.string())))
            return
        seen = self.seen
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
        width = np.int8 if len(seen) < (1 << 7) else np.int16 if len(seen) < (1 << 15) else np.int32
        self.parts.append(codes.astype(width))
        self.rows += len(values)

    def _widen(self) -> None:
        import pyarrow as pa

        assert self.seen is not None
        first = pa.array(list(self.seen), type=pa.string())
        codes = np.concatenate(self.parts).astype(np.int32) if self.parts else np.empty(0, dtype=np.int32)
        self.seen, self.parts, self.dicts = None, [codes], [first]

    def _narrow_series(self, name: str) -> pd.Series:
        """The column as codes.rebuild makes it of the values' display texts (values whose texts are the
        same merged, blanks missing), written a block at a time into codes of pandas' width: no
        row-sized temporary of wider codes."""
        merged: dict[str, int] = {}
        lut = [-1 if t is None else merged.setdefault(t, len(merged)) for t in map(cell_text, self.seen)]
        width = code_width(len(merged))
        lookup = np.array(lut, dtype=width)
        codes = np.empty(self.rows, dtype=width)
        at = 0
        for part in self.parts:
            np.take(lookup, part, out=codes[at:at + len(part)])
            at += len(part)
        self.parts = []
        cats = pd.Index(list(merged), dtype=object)
        return pd.Series(pd.Categorical.from_codes(codes, categories=cats, validate=False), name=name)

    def series(self, name: str) -> pd.Series:
        if self.seen is not None:
            return self._narrow_series(name)
        sizes = [len(d) for d in self.dicts]
        dicts, self.dicts = self.dicts, []
        lut, texts = text_codes_of(dicts)
        codes = np.empty(self.rows, dtype=np.int32)
        at = start = 0
        for size, part in zip(sizes, self.parts):
            rows = size if part is None else len(part)
            codes[at:at + rows] = lut[start:start + size] if part is None else lut[start:start + size][part]
            at += rows
            start += size
        self.parts = []
        return pd.Series(categorical_of_texts(codes, texts), name=name)


def text_codes_of(parts: list) -> tuple[np.ndarray, object]:
    """codes.text_codes of Arrow arrays of strings put end to end, emptying `parts` so that each array
    goes once it is copied. Many values are sorted in two parts at once (one a core): those below a
    middle value, and the rest; each part's distinct texts are all below the other's, so the two lists
    put end to end are the sorted list of the whole, taken out of the values in one go."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = stripped_texts(joined_texts(parts))  # (stripped before the split: equal texts fall in one part)
    n = len(values)
    if n < _SPLIT_VALUES or cores() < 2:
        return stripped_text_codes(values)
    sample = values.take(pa.array(np.linspace(0, n - 1, _PIVOT_SAMPLE).astype(np.int64)))
    pivot = sample.take(pc.array_sort_indices(sample))[_PIVOT_SAMPLE // 2]
    low = pc.less(values, pivot).to_numpy(zero_copy_only=False)
    halves = [np.flatnonzero(low), np.flatnonzero(~low)]
    del low
    (low_lut, low_firsts), (high_lut, high_firsts) = each(lambda rows: distinct_runs(values, rows), halves,
                                                           rows=n, min_rows=_SPLIT_VALUES)
    lut = np.empty(n, dtype=np.int32)
    lut[halves[0]] = low_lut
    high_lut += len(low_firsts)
    lut[halves[1]] = high_lut
    del halves, low_lut, high_lut
    return distinct_texts(values, lut, np.concatenate([low_firsts, high_firsts]))


def wide_text(s: pd.Series) -> pd.Series:
    """A categorical of many distinct strings as clean text (stripped, blanks missing), the way TextCodes
    does it: sorted and merged by Arrow."""
    import pyarrow as pa

    try:
        values = pa.array(s.cat.categories, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return as_text(s)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return as_text(s)
    lut, texts = text_codes(values)
    codes = np.append(lut, -1).astype(np.int32)[s.array.codes]
    return pd.Series(categorical_of_texts(codes, texts), index=s.index, name=s.name)
