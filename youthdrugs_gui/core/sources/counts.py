"""The count column of an imported table: numbers to add up, and the rows whose count the source does
not give (blank, '..', '[c]' ...), which become gaps rather than zeros."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, code_counts, is_clean_text, take_codes
from ..errors import LoadError
from ..spellings import is_suppressed, source_mark
from ._common import plural, quote_list
from .numbers import count_codes
from .quoting import count_word, quote_values


def finish_counts(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None]:
    """Turn the count column into numbers. Rows whose count is blank, or holds the shorthand of official
    tables ('..', '[x]', '[c]', '*', '-'), or is not a number at all, cannot be added up: they leave the
    rows and are kept as gaps instead (not available, or suppressed at source), never read as 0. Returns
    the frame, notes saying how many of each, and the gaps: those rows without their count, with a
    `mark` column ('[x]' not available, '[c]' suppressed at source, '[z]' not applicable).
    The work is done once per distinct count, not per row: a column of ten million counts holds a few
    hundred distinct values, and row-sized temporaries would multiply the memory a large file needs."""
    if schema.COUNT not in frame.columns:
        return frame, [], None
    if _plain_counts(frame[schema.COUNT]):  # as int64, the same column when it is int64 already
        return frame.assign(**{schema.COUNT: frame[schema.COUNT].astype(np.int64)}), [], None
    codes, nums, texts = count_codes(frame[schema.COUNT])
    rows_per = code_counts(codes, len(nums))
    blank = len(codes) - int(rows_per.sum())
    bad_cat = np.isnan(nums)
    suppressed = {t for t in texts if is_suppressed(t)}
    notes: list[str] = []
    if blank:
        notes.append(f"{plural(blank, 'row')} with no count (a blank cell) kept as not available ([x]), not as 0")
    bad = int(rows_per[bad_cat].sum())
    if bad:
        k = int(sum(n for t, n in zip(texts, rows_per[bad_cat]) if t in suppressed)) if suppressed else 0
        if k:
            notes.append(f"{plural(k, 'row')} whose count is suppressed or not available in the source "
                         f"({quote_list([t for t in texts if t in suppressed], 4)}) kept as such, not as 0: "
                         "they are not added into any total")
        if bad - k:  # only number words ('two') are quoted: other text in a count cell may be anything
            other = quote_values([t for t in texts if t not in suppressed], distinct=0, limit=4, ok=count_word)
            notes.append(f"{plural(bad - k, 'row')} whose count is not a number ({other}) kept as "
                         "not available ([x]), not as 0")
    used = ~bad_cat & (rows_per > 0)
    good = nums[used]
    if (good < 0).any():
        raise LoadError(f"{name}: the count column holds a negative number ({good.min():g}); counts cannot be "
                        "negative. Check the file.")
    too_big = used & (~np.isfinite(np.where(bad_cat, 0, nums)) | (np.where(bad_cat, 0, nums) > 2**53))
    if too_big.any():
        first = nums[codes[int(np.argmax(take_codes(codes, too_big, False)))]]
        shown = f" ({first:,.0f})" if np.isfinite(first) else ""
        raise LoadError(f"{name}: the count column holds a number too large to be a count{shown}. "
                        "Check the file.")
    if (np.mod(good, 1) != 0).any():
        raise LoadError(f"{name}: the count column holds fractions; counts must be whole numbers. If it is a rate "
                        "or a percentage, map another column to the count.")
    whole = np.where(used, nums, 0).astype(np.int64)  # values no row uses never reach a row
    texts_all = _texts_of(frame[schema.COUNT], len(nums))
    frame = frame.assign(**{schema.COUNT: take_codes(codes, whole, 0)})
    gaps = None
    if bad or blank:
        drop = take_codes(codes, bad_cat, True)
        marks = np.array([source_mark(t) if np.isnan(x) else "" for t, x in zip(texts_all, nums)], dtype=object)
        gaps = frame.loc[drop].drop(columns=[schema.COUNT]).reset_index(drop=True)
        gaps["mark"] = take_codes(codes[drop], marks, "[x]")
        frame = frame.loc[~drop].reset_index(drop=True)
        if len(frame) == 0:
            raise LoadError(f"{name}: no row has a count that is a number, so there is nothing to show.")
    return frame, notes, gaps


def _plain_counts(s: pd.Series) -> bool:
    """Whether a count column is held as integers from 0 to 2**53 (never blank, never text, never a
    fraction, never too large): such a column passes every check as it is, with no code per row."""
    dtype = s.dtype
    if not isinstance(dtype, np.dtype) or not (dtype.kind == "i" or (dtype.kind == "u" and dtype.itemsize < 8)):
        return False
    values = s.to_numpy()
    return not len(values) or (int(values.min()) >= 0 and int(values.max()) <= 2**53)


def _texts_of(s: pd.Series, n: int) -> list[str]:
    """The distinct texts of a count column, in the order of count_codes."""
    if not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype):
        return [""] * n
    s = s if is_clean_text(s) else as_text(s)
    return [str(c) for c in s.cat.categories]
