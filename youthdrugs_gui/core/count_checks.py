"""The checks every count column passes: no negative number, no fraction, nothing too large to add up
exactly."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import LoadError

# Counts and their sums stay at or below 2**53: every integer up to it is exact in a float64, so the
# engine's and the tables' float bincounts are exact, and no int64 sum can wrap round. `Dataset.from_frame`
# refuses a data set whose counts add up to more; the sums of any of its rows are then exact.
MAX_COUNT = 2**53


def count_total(counts: np.ndarray) -> int:
    """The exact sum of non-negative int64 counts, as a Python int (no int64 sum can wrap round: each
    count is split into two halves of at most 32 bits, summed a million rows at a time)."""
    total = 0
    for i in range(0, len(counts), 1 << 20):
        part = np.asarray(counts[i:i + (1 << 20)], dtype=np.int64)
        total += (int((part >> 32).sum()) << 32) + int((part & 0xFFFFFFFF).sum())
    return total


def check_count_total(counts: np.ndarray, name: str) -> int:
    """The exact total of the counts; LoadError if a count, or their sum, is above MAX_COUNT."""
    if len(counts) and int(np.max(counts)) > MAX_COUNT:
        raise LoadError(f"{name}: the count column holds a number too large to be a count (above {MAX_COUNT:,}). "
                        "Check the file.")
    total = count_total(counts)
    if total > MAX_COUNT:
        raise LoadError(f"{name}: the counts add up to more than {MAX_COUNT:,}, too large to be added up exactly. "
                        "Check the count column.")
    return total


def checked_counts(s: pd.Series, name: str) -> pd.Series:
    """A count column as int64 counts; LoadError if a cell is not a whole, non-negative number or the
    counts are too large to add up exactly. The importers' int64 counts are checked without a copy."""
    if s.dtype == np.int64:  # the importers' counts: checked there
        values = s.to_numpy()
        lowest = int(values.min()) if len(s) else 0  # (Series.min copies the column)
        if lowest < 0:
            raise LoadError(f"{name}: the count column holds a negative number ({lowest:g}).")
        check_count_total(values, name)
        return s
    num = pd.to_numeric(s, errors="coerce")
    if num.isna().any():  # the cell is not quoted: it may hold anything (a name, a note)
        row = int(np.flatnonzero(num.isna().to_numpy())[0]) + 1
        raise LoadError(f"{name}: the count column holds text that is not a number (row {row:,} of "
                        "the data).")
    if (num < 0).any():
        raise LoadError(f"{name}: the count column holds a negative number ({num.min():g}).")
    if (num > MAX_COUNT).any():  # before any conversion, which would wrap round
        raise LoadError(f"{name}: the count column holds a number too large to be a count (above "
                        f"{MAX_COUNT:,}). Check the file.")
    if not np.all(np.mod(num.to_numpy(dtype=float), 1) == 0):
        raise LoadError(f"{name}: the count column holds fractions; counts must be whole numbers.")
    out = num.astype(np.int64)
    check_count_total(out.to_numpy(), name)
    return out
