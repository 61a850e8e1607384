"""Police forces and wider areas: force names made canonical, and areas wider than a force (England
and Wales, a region, a country) given a level of their own so they are never added to the forces inside
them."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, code_counts, gather, is_clean_text, rebuild, recode
from ..spellings import normalise_area_level, normalise_force, wider_area
from .column_spellings import merge_spellings
from .quoting import quote_values


def force_column(s: pd.Series, header: str) -> tuple[pd.Series, list[str]]:
    """Canonical force names; names that match no force are kept as written and listed in a note."""
    unknown: list[str] = []

    def fix(v: str) -> str:
        f = normalise_force(v)
        if f is None:
            unknown.append(v)
            return v
        return f

    out = recode(s, fix)
    out, _ = merge_spellings(out, strip_prefix=False)
    notes = []
    if unknown:
        shown = quote_values(sorted(unknown), distinct=len(out.cat.categories))
        notes.append(f"{header!r}: not recognised as a police force of England and Wales, so kept as written: {shown}")
    return out, notes


def _combos(cols: list[pd.Series]) -> tuple[Callable[[], np.ndarray], list[tuple[str | None, ...]]]:
    """The distinct combinations of several text categoricals' values that rows have, and a function
    giving each row's code into them (made only when asked for: a table about forces only never needs
    it). One column's combinations are its values, found from its codes without a key per row."""
    cols = [c if is_clean_text(c) else as_text(c) for c in cols]
    if len(cols) == 1:
        return _values_present(cols[0])
    key = np.zeros(len(cols[0]), dtype=np.int64)
    parts: list[list[str]] = []
    for c in cols:
        cats = list(c.cat.categories)
        key = key * (len(cats) + 1) + (c.array.codes.astype(np.int64) + 1)
        parts.append(cats)
    uniq, inv = _distinct(key)
    combos: list[tuple[str | None, ...]] = []
    for k in uniq.tolist():
        vals: list[str | None] = []
        for cats in reversed(parts):
            k, code = divmod(k, len(cats) + 1)
            vals.append(None if code == 0 else cats[code - 1])
        combos.append(tuple(reversed(vals)))
    row_codes = inv.reshape(-1)
    return lambda: row_codes, combos


def _values_present(col: pd.Series) -> tuple[Callable[[], np.ndarray], list[tuple[str | None, ...]]]:
    """_combos of one column: a missing value first if some row has one, then the values rows have,
    in category order."""
    cats = list(col.cat.categories)
    codes = col.array.codes
    rows_per = code_counts(codes, len(cats))
    used = np.flatnonzero(rows_per)
    blank = int(rows_per.sum()) < len(codes)
    combos = ([(None,)] if blank else []) + [(cats[i],) for i in used.tolist()]
    places = np.full(len(cats) + 1, 0, dtype=np.int64)  # code -1 (the last entry): the missing value, first
    places[used] = np.arange(len(used)) + int(blank)
    return lambda: gather(places, codes), combos


def _distinct(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(key, return_inverse=True) for keys that are small whole numbers, by counting instead
    of sorting (a tenth of the time on a million rows)."""
    if len(key) == 0 or int(key.max()) >= 1 << 22:
        return np.unique(key, return_inverse=True)
    present = np.bincount(key) > 0
    uniq = np.flatnonzero(present)
    position = np.cumsum(present, dtype=np.int64) - 1
    return uniq, position[key]


def split_areas(out: dict[str, pd.Series], header: str = "police force") -> list[str]:
    """Give wider areas their own level, so that they are never added to the forces inside them.

    Looks at the force column (already canonical names) and at an area-level column, if the table has
    one. When some rows are about an area wider than a police force (England and Wales, a region, a
    country, a 'Total' row), three columns result: `area_level`, `area` (the area's name at its level)
    and `force`, which keeps only police forces ('Not applicable' on rows about wider areas). A table
    about forces only is left as it is. Changes `out` in place; returns notes."""
    force = out.get(schema.FORCE)
    level = out.get(schema.AREA_LEVEL)
    if force is None and level is None:
        return []
    cols = [c for c in (level, force) if c is not None]
    row_combos, combos = _combos(cols)
    levels: list[str | None] = []
    areas: list[str | None] = []
    unknown_levels: set[str] = set()
    for combo in combos:
        lv_text = combo[0] if level is not None else None
        place = combo[-1] if force is not None else None
        lv = normalise_area_level(lv_text) if lv_text is not None else None
        if lv_text is not None and lv is None:
            unknown_levels.add(lv_text)
            lv = lv_text
        wide = wider_area(place) if place is not None else None
        if lv is None:
            lv = wide[0] if wide is not None else (schema.FORCE_AREA if place is not None else None)
        if place is None and lv_text is not None:  # the level column names the area itself (Home Office)
            wide_lv = wider_area(lv_text)
            f = normalise_force(lv_text)
            place = wide_lv[1] if wide_lv is not None else (f if f is not None else lv_text)
        elif wide is not None:
            place = wide[1]
        levels.append(lv)
        areas.append(place)
    present = {lv for lv in levels if lv is not None}
    if level is None and present <= {schema.FORCE_AREA}:
        return []  # forces only: nothing to split
    notes: list[str] = []
    inv = row_combos()
    out[schema.AREA_LEVEL] = rebuild(inv, levels, name=schema.AREA_LEVEL)
    out[schema.AREA] = rebuild(inv, areas, name=schema.AREA)
    forces = [a if lv == schema.FORCE_AREA else (schema.NOT_APPLICABLE if lv is not None else None)
              for lv, a in zip(levels, areas)]
    out[schema.FORCE] = rebuild(inv, forces, name=schema.FORCE)
    ordered = sorted(present, key=schema.level_rank)
    if len(ordered) > 1:
        wider = sorted({a for lv, a in zip(levels, areas) if lv != schema.FORCE_AREA and a is not None})
        shown, wide = quote_values(ordered, distinct=len(combos)), quote_values(wider, distinct=len(combos), limit=4)
        notes.append(f"the table holds figures for areas at {len(ordered)} levels ({shown}); "
                     "areas of one level contain those of the next, so figures of different levels are never "
                     f"added together. Wider areas ({wide}) are under 'Area' and 'Area level', "
                     f"not under 'Police force' (which says {schema.NOT_APPLICABLE!r} on their rows)")
    if unknown_levels:
        shown = quote_values(sorted(unknown_levels), distinct=len(combos))
        notes.append(f"area levels not recognised, kept as written: {shown}")
    return notes
