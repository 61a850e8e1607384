"""Text read as numbers: plain numbers written with thousands separators or spaces, the numbers of a
count column once per distinct text, and whether a column holds numbers at all."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..codes import as_text, is_clean_text, lookup, take_codes
from ..spellings import is_suppressed

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """'1,234' -> 1234.0, ' 12 ' -> 12.0; None if it is not a plain number."""
    t = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if _NUM.match(t):
        try:
            return float(t)
        except (ValueError, OverflowError):
            return None
    return None


def count_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A count column as codes (-1 where blank), the number each code stands for (NaN where the text is
    not a number) and those texts, so that counts can be checked once per distinct value."""
    if not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=float), []
    s = s if is_clean_text(s) else as_text(s)
    cats = list(s.cat.categories)
    nums = np.array([np.nan if (x := parse_number(c)) is None else x for c in cats], dtype=float)
    return s.array.codes, nums, [c for c, x in zip(cats, nums) if np.isnan(x)]


def numeric_values(s: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Numbers of a column (NaN where blank or not a number), a mask of the rows that held text which
    is not a number, and those distinct texts."""
    if not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        vals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return vals, np.zeros(len(s), dtype=bool), []
    codes, nums, texts = count_codes(s)
    return take_codes(codes, nums, np.nan), take_codes(codes, np.isnan(nums), False), texts


def looks_numeric(s: pd.Series, share: float = 0.9) -> bool:
    """True when at least `share` of the non-blank rows hold numbers or suppression markers ('[c]'),
    and at least one does."""
    if not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        return True
    vals, bad, texts = numeric_values(s)
    n_num = int((~np.isnan(vals)).sum())
    n_sup = 0
    sup = {t for t in texts if is_suppressed(t)}
    if sup:
        ss = as_text(s) if not is_clean_text(s) else s
        sup_mask = lookup(ss, np.array([c in sup for c in ss.cat.categories], dtype=bool), False)
        n_sup = int((bad & sup_mask).sum())
    n_bad = int(bad.sum()) - n_sup
    good = n_num + n_sup
    return good > 0 and good / (good + n_bad) >= share
