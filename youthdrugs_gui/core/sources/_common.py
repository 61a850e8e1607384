"""Small pieces every importer shares: progress/cancel plumbing, the options a load was asked for,
what an importer hands back, and columns of one value."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from ..errors import CancelledError

class Ticker:
    """Reports progress into a sub-range of 0..1 and raises CancelledError as soon as the user cancels.

    Importers call `tick(fraction)` now and then; `sub(lo, hi)` hands a part of the range to a step."""

    def __init__(
        self,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        lo: float = 0.0,
        hi: float = 1.0,
    ) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self.lo = lo
        self.hi = hi

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise CancelledError("Loading was cancelled.")

    def tick(self, fraction: float) -> None:
        self.check()
        if self._progress is not None:
            f = min(1.0, max(0.0, fraction))
            self._progress(self.lo + (self.hi - self.lo) * f)

    def sub(self, a: float, b: float) -> "Ticker":
        span = self.hi - self.lo
        return Ticker(self._progress, self._cancelled, self.lo + span * a, self.lo + span * b)


@dataclass
class Options:
    """What the caller asked for, beyond the file itself."""

    mapping: dict[str, str | None] | None = None  # original header -> canonical column (None: leave as is)
    force: str | None = None  # canonical force name for files that do not say
    measure: str | None = None  # canonical measure for files that do not say
    sheet: str | None = None  # worksheet to read from a workbook


@dataclass
class Imported:
    """An importer's result: a frame whose canonical columns are named and normalised, ready for
    Dataset.from_frame, plus what the user should know about how it was made."""

    frame: pd.DataFrame
    format: str  # shown to the user, e.g. "Home Office arrests"
    mapping: dict[str, str] = field(default_factory=dict)  # original header -> column in the frame
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # column -> label shown, for non-canonical columns
    mapping_headers_used: set[str] = field(default_factory=set)  # keys of Options.mapping found in the file
    # Rows whose count the source does not give (blank, '..', '[c]' ...): their columns without the count,
    # plus `mark` ('[x]', '[c]' or '[z]'). Never added up; they tell where the data has no figure.
    gaps: pd.DataFrame | None = None
    # What the source covers beyond its rows: one dict per covered key (e.g. police.uk: the file's force
    # and financial year, with "months": how many months of that year the file holds).
    covered: list[dict] = field(default_factory=list)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 row', '3 rows', '1,234 rows'."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def quote_list(values, limit: int = 6) -> str:
    """"'a', 'b' and 3 more" for notes."""
    vals = [str(v) for v in values]
    shown = ", ".join(f"'{v}'" for v in vals[:limit])
    if len(vals) > limit:
        shown += f" and {len(vals) - limit} more"
    return shown


def find_roles(headers: list[str], roles: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Which header plays each role of a known table shape: role -> header, trying each role's
    normalised header names in order; one header serves one role at most."""
    keys = {schema.normalise_header(h): h for h in headers}
    found: dict[str, str] = {}
    for role, names in roles.items():
        for n in names:
            if n in keys and keys[n] not in found.values():
                found[role] = keys[n]
                break
    return found


def constant(n: int, value: str, name: str) -> pd.Series:
    """A categorical column of n rows that all hold `value` (the force a file name gives, a measure ...)."""
    return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value]), name=name,
                     copy=False)
