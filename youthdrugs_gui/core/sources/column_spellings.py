"""The spellings of a text column made consistent: values Excel turned into dates put back, values that
differ only in capitals, spacing or a series prefix merged, with notes saying what changed."""
from __future__ import annotations

import re

import pandas as pd

from .. import schema
from ..codes import as_text, is_clean_text, rebuild, recode, value_counts
from ..spellings import label_key, strip_period_prefix
from ._common import plural, quote_list
from .quoting import QUOTE_MAX_DISTINCT, quotable

# Above this many distinct values a column is free text or an identifier: spellings are not merged.
MERGE_MAX_VALUES = 5000


def fix_excel_bands(s: pd.Series, *, quote: bool = True) -> tuple[pd.Series, list[str]]:
    """Undo Excel's turning of ranges into dates ('01-Apr' -> '1-4'); returns the column and a note.
    `quote`: the column is read as a category, so the note may quote values (see the quoting rule)."""
    changed: dict[str, str] = {}

    def fix(v: str) -> str:
        w = schema.fix_excel_band(v)
        if w != v:
            changed[v] = w
        return w

    out = recode(s, fix)
    if not changed:
        return out, []
    may = quote and len(s.cat.categories) <= QUOTE_MAX_DISTINCT
    shown = [(a, b) for a, b in changed.items() if may and quotable(a) and quotable(b)]
    pairs = ", ".join(f"'{a}' -> '{b}'" for a, b in shown[:6])
    pairs += f" and {len(shown) - 6} more" if len(shown) > 6 else ""
    if len(changed) > len(shown):
        pairs += f"{', and ' if pairs else ''}{plural(len(changed) - len(shown), 'value')} not quoted"
    return out, [f"column '{s.name}': values that Excel had turned into dates were put back ({pairs})"]


def merge_spellings(s: pd.Series, *, strip_prefix: bool = True, quote: bool = True) -> tuple[pd.Series, list[str]]:
    """Merge values that differ only in capitals, spacing or a Home Office series prefix
    ('2015/16 onwards - '); the prefix-free, then the most frequent, then the least capitalised spelling
    is kept (and any prefix is removed). `quote`: the column is read as a category, so the note may
    quote spellings (see the quoting rule); otherwise it counts them."""
    s = s if is_clean_text(s) else as_text(s)
    cats = list(s.cat.categories)
    if len(cats) < 2 and not (strip_prefix and cats and strip_period_prefix(cats[0]) != cats[0]):
        return s, []
    if len(cats) > MERGE_MAX_VALUES:
        return s, []
    groups: dict[str, list[str]] = {}
    for c in cats:
        groups.setdefault(label_key(c), []).append(c)
    # rows per spelling decide between spellings of one value: counted only when some value has several
    counts = value_counts(s) if any(len(m) > 1 for m in groups.values()) else {}
    chosen: dict[str, str] = {}
    merged: list[str] = []
    unquoted = 0
    may = quote and len(cats) <= QUOTE_MAX_DISTINCT
    prefixed = False
    for members in groups.values():
        best = max(members, key=lambda v: (strip_period_prefix(v) == v, counts.get(v, 0),
                                           -sum(ch.isupper() for ch in v), -members.index(v)))
        if strip_prefix:
            clean = strip_period_prefix(best).strip() or best
            if clean != best:
                prefixed = True
            best = clean
        for m in members:
            chosen[m] = best
        spellings = [m for m in members if strip_period_prefix(m).strip() != best]
        if spellings and may and all(quotable(v) for v in spellings + [best]):
            merged.append(f"{quote_list(spellings, 3)} -> '{best}'")
        elif spellings:
            unquoted += len(spellings)
    out = rebuild(s.array.codes, [chosen[c] for c in cats], s.index, s.name)
    notes = []
    if merged or unquoted:
        parts = merged[:4] + ([f"and {len(merged) - 4} more"] if len(merged) > 4 else [])
        parts += [f"{plural(unquoted, 'spelling')} not quoted"] if unquoted else []
        notes.append(f"column '{s.name}': spellings that differ only in capitals were merged ({'; '.join(parts)})")
    if prefixed:
        notes.append(f"column '{s.name}': series prefixes such as '2015/16 onwards - ' were removed and those "
                     "values merged with the same value without the prefix")
    return out, notes


_DATEISH_HEADER = re.compile(r"(?i)date|month|period|time|year|\bfy\b|quarter")


def clean_text_column(s: pd.Series, header: str, *, quote: bool = False) -> tuple[pd.Series, list[str]]:
    """Excel-band fix and spelling merge for a column with no special meaning. `quote`: the column is
    read as one of the program's categories (ethnicity ...), so notes may quote its values; a column
    kept under its own heading is never quoted (see the quoting rule)."""
    notes: list[str] = []
    s = s if is_clean_text(s) else as_text(s)
    if len(s.cat.categories) > MERGE_MAX_VALUES:
        return s, notes
    if not _DATEISH_HEADER.search(header):
        s, n = fix_excel_bands(s, quote=quote)
        notes += n
    s, n = merge_spellings(s, quote=quote)
    return s, notes
