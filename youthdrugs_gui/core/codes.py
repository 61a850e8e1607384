"""Category codes and the text of a cell: the one place where values become integer codes into their
distinct texts and back.

Text columns are pandas categoricals: work is done once per distinct value (a few dozen, even in a
million-row file) and the row codes are remapped with numpy, so no Python work is done per row. Code -1
is a missing value wherever codes are not yet a data set's (whose codes never are -1)."""
from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from .text_order import plainly_stripped, sorted_runs


# ---- the text of one cell --------------------------------------------------------------------------
def cell_text(v: object, *, plain: bool = False) -> str | None:
    """One cell as display text: stripped, whole floats without '.0', dates without a midnight time;
    None for blank or missing.

    `plain`: floats and times as Python's str writes them ('2020-01-01 00:00:00'; every digit of a whole
    float however large), whole floats still without '.0'. This is the text the data set gives the
    categories of a column it is handed, which files read by the importers never reach unclean."""
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, bool | np.bool_):
        return "True" if v else "False"
    if isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return None
        if f.is_integer() and (plain or abs(f) < 1e15):
            return str(int(f))
        return str(v) if plain else repr(f)
    if isinstance(v, int | np.integer):
        return str(int(v))
    if v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp | _dt.datetime) and not plain:
        if pd.isna(v):
            return None
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.strftime("%Y-%m-%d")
        return v.isoformat(sep=" ")
    if isinstance(v, _dt.date | _dt.time) and not plain:
        return v.isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v).strip() or None


def is_missing(v: object) -> bool:
    """Whether a single value is missing: None, pandas' NA or NaT, or a float NaN."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and v != v


def is_number(v: object) -> bool:
    """Whether a single value is a number (an int or a float, not a bool)."""
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)


def exact_text(v: object) -> str | None:
    """One value exactly as it is, for a file that must keep it: ints as ints, floats in full ('12.0'
    stays '12.0'), times in ISO 8601 ('2020-04-01T13:05:00'), text as written (not stripped); None where
    missing (see is_missing)."""
    if is_missing(v):
        return None
    if is_number(v):
        return str(int(v)) if isinstance(v, int | np.integer) else repr(float(v))
    if isinstance(v, _dt.datetime | pd.Timestamp | _dt.date):
        return v.isoformat()
    return str(v)


# ---- codes of a column -----------------------------------------------------------------------------
def codes_and_values(s: pd.Series) -> tuple[np.ndarray, list]:
    """Any column as integer codes (-1 where missing) into its distinct values. A categorical gives its
    own codes, in their own width (int8 for most columns), without a copy."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.array.codes, list(s.cat.categories)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    return codes, list(uniq)


def code_counts(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows per code 0..n-1, or the sum of the weights of those rows (code -1, missing, is not counted).
    Counted a few thousand rows at a time: np.bincount widens its input to 64 bits, and a temporary that
    small stays in the processor's cache instead of being fetched from the system page by page. Narrow
    codes are read as unsigned, so that -1 lands beyond every code instead of needing a mask."""
    codes = np.asarray(codes)
    out = np.zeros(n, dtype=np.int64 if weights is None else np.float64)
    narrow = codes.dtype.kind == "i" and codes.dtype.itemsize <= 2
    if narrow:
        codes = codes.view(np.uint8 if codes.dtype.itemsize == 1 else np.uint16)
    # Many codes (an identifier): each block's counts are n long, so a block is at least n rows, and
    # the work on the counts never outgrows the work on the rows.
    step = _STEP if n <= _STEP else max(1 << 20, n)
    for i in range(0, len(codes), step):
        part = codes[i:i + step]
        w = None if weights is None else weights[i:i + step]
        if not narrow:
            known = part >= 0
            part, w = part[known], (None if w is None else w[known])
        out += np.bincount(part, weights=w, minlength=n)[:n]
    return out if weights is None else np.rint(out).astype(np.int64)


def codes_in_use(codes: np.ndarray, n: int) -> np.ndarray:
    """Which codes 0..n-1 some row has, and last (at n) whether some row is missing (code -1): one byte
    a code, where code_counts keeps eight (an identifier's ten million codes: 10 MB instead of 80)."""
    seen = np.zeros(n + 1, dtype=bool)
    for i in range(0, len(codes), _STEP):
        seen[codes[i:i + _STEP]] = True  # (-1 marks the last place)
    return seen


_STEP = 1 << 14
"""Rows handled at a time by the passes over whole columns: their temporaries stay in the cache."""


def gather(values: np.ndarray, codes: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """values[codes] for narrow codes, a block of rows at a time: numpy would first widen every code
    to 64 bits, a row-sized temporary eight times the codes' size. Code -1 picks the last value."""
    values = np.asarray(values)
    out = np.empty(len(codes), dtype=values.dtype) if out is None else out
    for i in range(0, len(codes), _STEP):
        np.take(values, codes[i:i + _STEP], out=out[i:i + _STEP])
    return out


def code_width(n: int) -> type:
    """The integer type pandas gives the codes of n categories (int8 below 128 ...)."""
    return np.int8 if n < (1 << 7) else np.int16 if n < (1 << 15) else np.int32 if n < (1 << 31) else np.int64


def text_codes(values) -> tuple[np.ndarray, object]:
    """The distinct display texts of an Arrow array of strings, without a Python object per value: each
    value stripped of surrounding white space, blanks and nulls left out. Returns each value's code into
    the distinct texts (-1 for a blank) and those texts, in plain character order (bytewise, as Arrow
    sorts them: see text_order)."""
    return stripped_text_codes(stripped_texts(values))


def stripped_texts(values):
    """An Arrow array of strings as large strings stripped of surrounding white space, nulls as blanks.
    Texts with nothing to strip (most files) are kept as they are, without a copy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    v = values.cast(pa.large_string()) if not pa.types.is_large_string(values.type) else values
    if v.null_count:
        v = v.fill_null("")
    return v if plainly_stripped(v) else pc.utf8_trim_whitespace(v)


def stripped_text_codes(v, rows: np.ndarray | None = None) -> tuple[np.ndarray, object]:
    """text_codes of an Arrow array of large strings already stripped (see stripped_texts); only of the
    values at `rows` if given, coded in that order."""
    lut, firsts = distinct_runs(v, rows)
    return distinct_texts(v, lut, firsts)


def distinct_runs(v, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first half of stripped_text_codes: each value's place among the distinct texts in order
    (int32), and the place in `v` of each distinct text's first copy. A blank is still a text here (the
    first, if any): distinct_texts takes it out. Parts of one array can so be coded apart and their texts
    taken out of it once, together."""
    order, repeat = sorted_runs(v, rows)
    first = ~repeat
    group = np.cumsum(first, dtype=np.int32)
    group -= 1
    picked = order[first]
    del first
    lut = np.empty(len(order), dtype=np.int32)
    lut[order] = group
    return lut, (picked if rows is None else rows[picked])


def distinct_texts(v, lut: np.ndarray, firsts: np.ndarray) -> tuple[np.ndarray, object]:
    """The codes and texts of distinct_runs (`lut` is changed in place): the blank, which sorts first,
    made missing (-1) and left out of the texts."""
    import pyarrow as pa

    if len(firsts) and v[int(firsts[0])].as_py() == "":
        lut -= 1
        firsts = firsts[1:]
    return lut, v.take(pa.array(firsts))


def categorical_of_texts(codes: np.ndarray, texts) -> pd.Categorical:
    """A categorical from codes into distinct texts (an Arrow string array, known to be unique), without
    pandas checking 10M categories for repeats (seconds) when it can be told they have none."""
    cats = pd.Index(texts.to_pandas() if hasattr(texts, "to_pandas") else texts)
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    try:
        dtype = fast(cats, False) if fast is not None else pd.CategoricalDtype(cats)
    except (TypeError, ValueError):  # another pandas: its public, checking way
        dtype = pd.CategoricalDtype(cats)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def rebuild(codes: np.ndarray, labels: list[str | None], index=None, name=None) -> pd.Series:
    """A categorical whose row i holds labels[codes[i]] (code -1, or a None label, is missing).
    Labels that repeat are merged into one category. Where each label keeps its own position (nothing
    merged or made missing), the codes are used as they are, without a copy."""
    new_code: dict[str, int] = {}
    positions = [-1 if lab is None else new_code.setdefault(lab, len(new_code)) for lab in labels]
    width = code_width(len(new_code))
    codes = np.asarray(codes)
    if positions == list(range(len(labels))) and codes.dtype == width:
        out = codes
    elif len(labels):
        out = gather(np.array(positions + [-1], dtype=width), codes)  # code -1 picks the last entry: -1
    else:
        out = np.full(len(codes), -1, dtype=width)
    cats = pd.Index(list(new_code), dtype=object)
    return pd.Series(pd.Categorical.from_codes(out, categories=cats, validate=False), index=index, name=name,
                     copy=False)


def as_text(s: pd.Series) -> pd.Series:
    """Any column as a categorical of clean display text (see cell_text)."""
    codes, uniques = codes_and_values(s)
    return rebuild(codes, [cell_text(u) for u in uniques], s.index, s.name)


def recode(s: pd.Series, fn: Callable[[str], str | None]) -> pd.Series:
    """Apply fn to every distinct value of a text categorical (None: make it missing)."""
    s = s if is_clean_text(s) else as_text(s)
    return rebuild(s.array.codes, [fn(c) for c in s.cat.categories], s.index, s.name)


def is_clean_text(s: pd.Series) -> bool:
    """Whether a column is a categorical of strings already (as_text would give it back unchanged)."""
    return isinstance(s.dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in s.cat.categories[:50])


def value_counts(s: pd.Series) -> dict[str, int]:
    """Rows per category of a text categorical (categories with no rows left out)."""
    n = code_counts(s.array.codes, len(s.cat.categories))
    return {c: int(k) for c, k in zip(s.cat.categories, n) if k}


def n_missing(s: pd.Series) -> int:
    return len(s) - int(code_counts(s.array.codes, len(s.cat.categories)).sum())


def lookup(s: pd.Series, values: np.ndarray, fill) -> np.ndarray:
    """values[code] for every row of a categorical; `fill` where the row is missing."""
    return take_codes(s.array.codes, values, fill)


def take_codes(codes: np.ndarray, values: np.ndarray, fill) -> np.ndarray:
    """values[code] for every code; `fill` for code -1. The codes are used as they are (int8 for most
    columns): widening them first would make a row-sized temporary eight times their size."""
    values = np.asarray(values)
    ext = np.append(values, np.array([fill], dtype=values.dtype))
    return gather(ext, codes)  # -1 picks the fill at the end


