"""What the readers hand on, and the shaping every reader shares: which row holds the column headings,
the names the columns get, and leaving out empty rows and columns.

A RawTable has one column per heading, text columns as categoricals of stripped, non-blank strings
(blank cells are missing), numbers and dates as they were stored in a workbook or Parquet file."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import cell_text
from ..errors import LoadError
from ._common import plural, quote_list

SCAN_ROWS = 40  # rows looked at to find the heading row


@dataclass(frozen=True)
class ParsedTable:
    """One reader's result: the rows under unique column names, the heading each name stands for, how
    the file was read ('CSV, UTF-8, comma-separated') and notes for the user."""

    frame: pd.DataFrame
    headers: dict[str, str]  # column name in frame -> heading as written in the file
    detail: str
    notes: tuple[str, ...] = ()


@dataclass
class RawTable:
    """A file read as a plain table, before any importer gives its columns a meaning."""

    path: Path
    kind: str  # "csv", "xlsx", "ods", "parquet"
    frame: pd.DataFrame  # unique column names
    headers: dict[str, str]  # column name in frame -> header as written in the file
    sha256: str
    detail: str  # how it was read, e.g. "CSV, UTF-8, comma-separated"
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False  # the file says it holds made-up data (the generator's marker)

    @property
    def name(self) -> str:
        return self.path.name


def header_index(rows: list[list]) -> int:
    """Row index of the header: the first row as long as most rows near the top (CSV title lines have
    fewer fields) with at least half as many filled cells as the widest row (title rows padded with
    empty cells are skipped too)."""
    rows = rows[:SCAN_ROWS]
    filled = [sum(1 for v in r if cell_text(v) is not None) for r in rows]
    widest = max(filled, default=0)
    if widest == 0:
        return -1
    need = max(min(2, widest), math.ceil(widest / 2))
    lengths = [len(r) for r, f in zip(rows, filled) if f]
    modal = max(set(lengths), key=lambda n: (lengths.count(n), n))
    for i, (r, f) in enumerate(zip(rows, filled)):
        if f >= need and len(r) >= modal:
            return i
    for i, f in enumerate(filled):
        if f >= need:
            return i
    return -1


def unique_names(headers: list[object]) -> tuple[list[str], dict[str, str], list[str]]:
    """Column names from header cells: blanks become 'Column 3', repeats get ' (2)'. Returns the names,
    each name's heading as written, and notes."""
    names: list[str] = []
    orig: dict[str, str] = {}
    seen: set[str] = set()
    repeats: list[str] = []
    for i, h in enumerate(headers):
        text = cell_text(h)
        text = re.sub(r"\s+", " ", text) if text is not None else None
        base = text if text is not None else f"Column {i + 1}"
        name = base
        k = 2
        while name in seen:
            name = f"{base} ({k})"
            k += 1
        if name != base:
            repeats.append(base)
        seen.add(name)
        names.append(name)
        orig[name] = text if text is not None else ""
    notes = []
    if repeats:
        notes.append(f"more than one column is headed {quote_list(sorted(set(repeats)), 3)}; "
                     "the later ones are numbered (2), (3)...")
    return names, orig, notes


def tidy(p: Path, frame: pd.DataFrame, headers: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Leave out rows with no cell filled and columns with neither a heading nor a value; LoadError
    when nothing is left."""
    notes: list[str] = []
    if len(frame.columns) == 0:
        raise LoadError(f"{p.name} has no columns that can be used.")
    empty = np.ones(len(frame), dtype=bool)
    empty_cols = []
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            miss = s.cat.codes.to_numpy() < 0
        else:
            miss = s.isna().to_numpy()
        empty &= miss
        if miss.all() and not headers.get(name):
            empty_cols.append(name)
    if empty_cols:
        frame = frame.drop(columns=empty_cols)
        headers = {k: v for k, v in headers.items() if k not in empty_cols}
    if len(frame.columns) == 0:
        raise LoadError(f"{p.name} has no columns that can be used: every column is empty and has no heading.")
    n_empty = int(empty.sum())
    if n_empty == len(frame):
        shown = quote_list(list(headers.values()) or list(frame.columns), 4)
        raise LoadError(f"{p.name} has column headings ({shown}) but no rows of data.")
    if n_empty:
        frame = frame.loc[~empty].reset_index(drop=True)
        notes.append(f"left out {plural(n_empty, 'empty row')}")
    return frame, headers, notes
