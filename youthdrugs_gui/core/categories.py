"""A data set's text columns as categoricals: stripped text, blanks and missing values as an explicit
'Not recorded' category (so codes are never -1), categories in a useful order (years in sequence, ages
in numeric order, the schema's own order, else natural order)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import schema
from .codes import (categorical_of_texts, cell_text, code_counts, code_width, codes_and_values, codes_in_use, gather,
                    text_codes)
from .schema import NOT_RECORDED, Role
from .text_order import plainly_stripped

MAX_NATURAL_SORT_VALUES = 1 << 16
"""A text column with at most this many distinct values has them in natural order ('Item 2' before
'Item 10', one Python sort key per value); one with more (an identifier, free text) has them in plain
character order, sorted by Arrow with no Python object per value: a column of 10M distinct values took
minutes and gigabytes the other way."""


def _ordered_categories(values: pd.Series, col: str, missing: bool) -> list[str]:
    """Categories in a useful order, 'Not recorded' last and only when some value is missing."""
    spec = schema.CANONICAL.get(col)
    preferred = spec.categories if spec else ()
    present = [v for v in values.dropna().unique().tolist() if v != NOT_RECORDED]
    tail = [NOT_RECORDED] if missing or NOT_RECORDED in set(values.dropna()) else []
    if spec is not None and spec.role is Role.YEAR:
        return _continuous_years(sorted(present)) + tail
    if spec is not None and spec.role is Role.AGE:
        return sorted(set(present), key=_age_key) + tail
    return schema.sort_values([str(v) for v in present], preferred) + tail


def _continuous_years(years: list[str]) -> list[str]:
    """Financial years with the gaps between them filled in: a year no source has a row for is a year
    with no figure (shown as not available), not a year that does not exist."""
    if not years or not all(re.fullmatch(r"\d{4}-\d{2}", y) for y in years):
        return years
    first, last = schema.fy_start(years[0]), schema.fy_start(years[-1])
    if last - first > 200:
        return years
    return sorted(set(years) | {schema.fy_label(y) for y in range(first, last + 1)})


def _age_key(s: str) -> tuple:
    """Ages in numeric order; anything that is not a number after them, so odd input cannot crash."""
    try:
        return (0, float(s), s)
    except (TypeError, ValueError):
        return (1, 0.0, str(s))


def _arrow_texts(uniques):
    """Distinct values as an Arrow array of strings (nulls where missing); through cell_text one by one
    only if they are not all strings."""
    import pyarrow as pa

    try:
        arr = pa.array(uniques, from_pandas=True)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            return arr
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        pass
    return pa.array([cell_text(v, plain=True) for v in uniques], type=pa.large_string())


def _clean_and_sorted(values) -> bool:
    """Whether Arrow strings are already what text_codes makes of them: no blank, nothing to strip, each
    greater than the one before (so no repeat)."""
    import pyarrow.compute as pc

    n = len(values)
    if n == 0 or values.null_count:
        return n == 0
    return bool(pc.all(pc.not_equal(values, "")).as_py()
                and (plainly_stripped(values) or pc.all(pc.equal(pc.utf8_trim_whitespace(values), values)).as_py())
                and (n == 1 or pc.all(pc.less(values.slice(0, n - 1), values.slice(1))).as_py()))


def _as_wide_category(s: pd.Series, codes: np.ndarray, uniques, own: bool = False) -> pd.Series:
    """as_category for a column of more than MAX_NATURAL_SORT_VALUES distinct values: the same rules
    (stripped, blanks and missing as 'Not recorded', last; categories no row uses dropped), with the
    values in plain character order, worked out by Arrow and numpy only. `own`: the codes and values are
    the column's own categorical ones, so a column already so is given back as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    in_use = codes_in_use(codes, len(uniques))
    used = in_use[:-1]
    values = _arrow_texts(uniques)
    clean = _clean_and_sorted(values)
    if clean:  # as the importers leave it: nothing to strip, merge or sort again
        lut, texts = np.arange(len(values), dtype=np.int32), values
    else:
        lut, texts = text_codes(values)
    del values
    keep = np.zeros(len(texts), dtype=bool)
    keep[lut[used & (lut >= 0)]] = True
    at = pc.index(texts, NOT_RECORDED).as_py() if len(texts) else -1
    if own and clean and at < 0 and not in_use[-1] and keep.all():
        return s  # every category a row's, in order, none missing: already as it would be made
    if not keep.all():
        newpos = (np.cumsum(keep) - 1).astype(np.int32)
        lut = np.where(lut >= 0, newpos[np.maximum(lut, 0)], -1).astype(np.int32)
        texts = texts.filter(keep)
        at = pc.index(texts, NOT_RECORDED).as_py() if len(texts) else -1
    missing = bool(in_use[-1]) or bool((lut[used] < 0).any())
    if at >= 0:  # written in the file: moved to the end, where 'Not recorded' always is
        order = np.concatenate([np.arange(at), np.arange(at + 1, len(texts)), [at]])
        newpos = np.empty(len(texts), dtype=np.int32)
        newpos[order] = np.arange(len(texts), dtype=np.int32)
        lut = np.where(lut >= 0, newpos[np.maximum(lut, 0)], -1).astype(np.int32)
        texts = texts.take(pa.array(order))
        nr = len(texts) - 1
    elif missing:
        texts = pa.concat_arrays([texts, pa.array([NOT_RECORDED], type=texts.type)])
        nr = len(texts) - 1
    else:
        nr = -1
    lut = np.append(np.where(lut < 0, nr, lut), nr).astype(np.int32)  # code -1 picks the last entry: nr
    return pd.Series(categorical_of_texts(lut[codes], texts), index=s.index, name=s.name, copy=False)


def as_category(s: pd.Series, col: str) -> pd.Series:
    """Categorical of strings with 'Not recorded' for missing or blank, categories in a useful order.

    Works on the distinct values only and remaps the integer codes with numpy, so an already
    categorical column (or a million-row one) costs milliseconds; categories no row uses are dropped.
    With more than MAX_NATURAL_SORT_VALUES distinct values, by Arrow (see _as_wide_category)."""
    if isinstance(s.dtype, pd.CategoricalDtype) and len(s.cat.categories) > MAX_NATURAL_SORT_VALUES:
        return _as_wide_category(s, s.array.codes, s.cat.categories, own=True)  # (no list of 10M strings)
    codes, uniques = codes_and_values(s)
    if len(uniques) > MAX_NATURAL_SORT_VALUES:
        return _as_wide_category(s, codes, uniques)
    rows_per = code_counts(codes, len(uniques))
    used = rows_per > 0
    any_missing = int(rows_per.sum()) < len(codes)
    texts = [cell_text(v, plain=True) if u else None for v, u in zip(uniques, used)]
    missing = any_missing or any(t is None for t, u in zip(texts, used) if u)
    cats = _ordered_categories(pd.Series([t for t in texts if t is not None], dtype=object), col, missing)
    pos = {c: i for i, c in enumerate(cats)}
    nr = pos.get(NOT_RECORDED, -1)
    width = code_width(len(cats))  # pandas' own width
    places = [nr if t is None else pos[t] for t in texts]
    if not any_missing and places == list(range(len(places))) and codes.dtype == width:
        new_codes = codes  # already these categories, in this order: no copy
    else:
        new_codes = gather(np.array(places + [nr], dtype=width), codes)  # code -1 picks the last entry: nr
    out = pd.Categorical.from_codes(new_codes, categories=cats, validate=False)
    return pd.Series(out, index=s.index, name=s.name, copy=False)
