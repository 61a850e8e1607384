"""Text columns as pandas categoricals, built a block of rows at a time without a Python string per
cell: the CSV readers hand each block to a TextCodes per column, and wide text (an identifier, free text)
is sorted and merged by Arrow."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import as_text, categorical_of_texts, cell_text, rebuild, text_codes
from . import limits
from ._common import Ticker


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
    them. Past that (an identifier, free text), each block's own Arrow dictionary and 32-bit indices are
    kept instead, and made into one sorted list of distinct texts at the end by Arrow
    (codes.text_codes), with no Python object per value."""

    def __init__(self) -> None:
        self.seen: dict[str, int] | None = {}  # value -> code, in order of appearance (None: wide)
        self.parts: list[np.ndarray] = []  # codes into `seen`; wide: each block's indices into its dict
        self.dicts: list = []  # wide: each block's dictionary (Arrow strings)
        self.rows = 0

    def add(self, arr) -> None:
        """One block: an Arrow dictionary array of strings (no nulls)."""
        import pyarrow as pa

        if isinstance(arr, pa.ChunkedArray):
            for chunk in arr.chunks:
                self.add(chunk)
            return
        self.rows += len(arr)
        dictionary, idx = arr.dictionary, arr.indices
        if idx.null_count:  # (never, as the readers are set up; a null cell would be a blank one)
            idx = idx.fill_null(len(dictionary))
            dictionary = pa.concat_arrays([dictionary, pa.array([""], type=dictionary.type)])
        if self.seen is not None and len(self.seen) + len(dictionary) > limits.WIDE_COLUMN_VALUES:
            self._widen()
        if self.seen is None:
            self.dicts.append(dictionary)
            self.parts.append(idx.to_numpy(zero_copy_only=False).astype(np.int32, copy=False))
            return
        seen = self.seen
        values = dictionary.to_pylist()
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

    def series(self, name: str) -> pd.Series:
        if self.seen is not None:
            codes = np.concatenate(self.parts) if self.parts else np.empty(0, dtype=np.int8)
            self.parts = []
            return rebuild(codes, [cell_text(v) for v in self.seen], None, name)
        import pyarrow as pa

        sizes = [len(d) for d in self.dicts]
        values = pa.concat_arrays([d.cast(pa.large_string()) for d in self.dicts]) if self.dicts \
            else pa.array([], type=pa.large_string())
        self.dicts = []
        lut, texts = text_codes(values)
        del values
        codes = np.empty(self.rows, dtype=np.int32)
        at = start = 0
        for size, part in zip(sizes, self.parts):
            codes[at:at + len(part)] = lut[start:start + size][part]
            at += len(part)
            start += size
        self.parts = []
        return pd.Series(categorical_of_texts(codes, texts), name=name)


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
