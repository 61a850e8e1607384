"""Totals rows and footnote lines at the end of a table, which are not data."""
from __future__ import annotations

import re

import pandas as pd

from ..codes import cell_text
from ._common import plural
from .numbers import parse_number
from .quoting import quote_values

_TOTAL_ROW = re.compile(r"(?i)^\s*(grand\s+|overall\s+|sub-?\s*)?totals?\b|^\s*all\s*$")
_TOTAL_LABEL = re.compile(r"(?i)\s*(?:(?:grand\s+|overall\s+|sub-?\s*)?totals?\s*:?|all)\s*")  # quotable as is


def trailing_rows_to_drop(frame: pd.DataFrame) -> tuple[int, list[str]]:
    """How many rows at the end are totals or footnotes, and notes saying so."""
    n = len(frame)
    if n == 0 or len(frame.columns) == 0:
        return 0, []
    first = frame.columns[0]
    dropped_totals: list[str] = []
    footnotes = 0
    end = n
    for _ in range(min(20, n)):
        # Cell by cell: a row of a frame of mixed columns would make pandas hash every category.
        texts = [cell_text(frame[c].iloc[end - 1]) for c in frame.columns]
        filled = [t for t in texts if t is not None]
        head = cell_text(frame[first].iloc[end - 1])
        if head is not None and _TOTAL_ROW.match(head):
            dropped_totals.append(head)
        elif len(frame.columns) >= 3 and len(filled) == 1 and texts[0] is not None and parse_number(texts[0]) is None:
            footnotes += 1
        else:
            break
        end -= 1
        if end == 0:
            break
    notes = []
    if dropped_totals:
        what = "a totals row" if len(dropped_totals) == 1 else plural(len(dropped_totals), "totals row")
        shown = quote_values(dropped_totals[::-1], distinct=0, limit=3, ok=lambda h: bool(_TOTAL_LABEL.fullmatch(h)))
        notes.append(f"left out {what} at the end of the table ({shown}), so nothing is counted twice")
    if footnotes:
        notes.append(f"left out {plural(footnotes, 'note line')} at the end of the table")
    if end == 0:
        return 0, []
    return n - end, notes
