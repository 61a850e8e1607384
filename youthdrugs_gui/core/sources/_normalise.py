"""Column-level cleaning shared by the importers.

Text columns are handled as pandas categoricals: every normaliser runs once per distinct value (a few
dozen, even in a million-row file) and the row codes are remapped with numpy, so no Python work is done
per row.

Quoting cell values in notes. Load notes name columns and count rows; a cell's value is quoted only
when all three hold:
* its column is read as one of the program's own categories (police force, offence type, drug class,
  outcome, measure, area level, ethnicity, age, age band, financial year, date), never a column kept
  under its own heading;
* that column has at most QUOTE_MAX_DISTINCT different values (free text has many);
* the value is short and shaped like a label (`quotable`): at most QUOTE_MAX_CHARS characters and
  QUOTE_MAX_WORDS words, only letters, digits, spaces and - ' & . , / +, no run of five or more digits
  and nothing shaped like a date.
Texts in a count column are quoted only when they are official shorthand ('[c]', '..') or number words
('two'); a totals row only by a plain label ('Total', 'Grand total'); words from the program's own
lists ('Unknown', 'n/k') as they are. Any other value is counted instead ('2 values not quoted'). The
rule cannot tell a short name typed into a category column from an unknown category; it keeps long
free text, dates, identifiers and anything from other columns out of notes, and so out of the data
notes, the `info` output and the provenance record, which copy them."""
from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import schema
from ..dataset import codes_and_values
from ..schema import NOT_RECORDED
from ..spellings import (is_missing_word, is_suppressed, label_key, normalise_area_level, normalise_force,
                         strip_period_prefix, wider_area)
from ._common import plural, quote_list

# Above this many distinct values a column is free text or an identifier: spellings are not merged.
MERGE_MAX_VALUES = 5000
# The quoting rule (see the module's docstring).
QUOTE_MAX_DISTINCT = 100
QUOTE_MAX_CHARS = 30
QUOTE_MAX_WORDS = 4
_LABEL_SHAPE = re.compile(r"(?:[^\W_]|[ '\u2019&.,/+\-\u2013])+")
_DATE_SHAPE = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}")
_LONG_NUMBER = re.compile(r"\d{5,}")
_NUMBER_WORDS = frozenset(
    "zero nought no none one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million a and few several dozen".split()
)


# ---- quoting cell values in notes (the rule is in the module's docstring) --------------------------
def quotable(value: object) -> bool:
    """Whether a value is short and shaped like a category label, so a note may quote it."""
    if not isinstance(value, str):
        return False
    t = value.strip()
    return (0 < len(t) <= QUOTE_MAX_CHARS and len(t.split()) <= QUOTE_MAX_WORDS
            and _LABEL_SHAPE.fullmatch(t) is not None
            and _DATE_SHAPE.search(t) is None and _LONG_NUMBER.search(t) is None)


def count_word(value: str) -> bool:
    """A text of a count column that a note may quote: official shorthand or number words ('two')."""
    words = re.split(r"[\s\-]+", value.strip().lower())
    return is_suppressed(value) or (quotable(value) and all(w in _NUMBER_WORDS for w in words))


def quote_values(values, *, distinct: int, limit: int = 6, ok: Callable[[str], bool] = quotable) -> str:
    """Values for a note, by the quoting rule: "'a', 'b' and 3 more", the others counted ("'a' and 2
    values not quoted"). `distinct`: how many different values the column has (above
    QUOTE_MAX_DISTINCT nothing is quoted); pass 0 for a fixed check such as `count_word`."""
    vals = [str(v) for v in values]
    allowed = distinct <= QUOTE_MAX_DISTINCT
    shown = [v for v in vals if allowed and ok(v)]
    hidden = len(vals) - len(shown)
    text = quote_list(shown, limit) if shown else ""
    if not hidden:
        return text
    tail = f"{plural(hidden, 'value')} not quoted"
    if not text:
        return tail
    return f"{text}{',' if len(shown) > limit else ''} and {tail}"


# ---- categorical plumbing -------------------------------------------------------------------------
def cell_text(v: object) -> str | None:
    """One cell as display text: stripped, whole floats without '.0', dates without a midnight time;
    None for blank or missing."""
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, bool | np.bool_):
        return "True" if v else "False"
    if isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return None
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    if isinstance(v, int | np.integer):
        return str(int(v))
    if v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp | _dt.datetime):
        if pd.isna(v):
            return None
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.strftime("%Y-%m-%d")
        return v.isoformat(sep=" ")
    if isinstance(v, _dt.date | _dt.time):
        return v.isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    s = str(v).strip()
    return s or None


def rebuild(codes: np.ndarray, labels: list[str | None], index=None, name=None) -> pd.Series:
    """A categorical whose row i holds labels[codes[i]] (code -1, or a None label, is missing).
    Labels that repeat are merged into one category."""
    new_code: dict[str, int] = {}
    lut = np.empty(len(labels) + 1, dtype=np.int32)
    for i, lab in enumerate(labels):
        lut[i] = -1 if lab is None else new_code.setdefault(lab, len(new_code))
    lut[-1] = -1
    out = lut[np.asarray(codes, dtype=np.int64)] if len(labels) else np.full(len(codes), -1, dtype=np.int32)
    cats = pd.Index(list(new_code), dtype=object)
    return pd.Series(pd.Categorical.from_codes(out, categories=cats), index=index, name=name)


def as_text(s: pd.Series) -> pd.Series:
    """Any column as a categorical of clean display text (see cell_text)."""
    codes, uniques = codes_and_values(s)
    return rebuild(codes, [cell_text(u) for u in uniques], s.index, s.name)


def recode(s: pd.Series, fn: Callable[[str], str | None]) -> pd.Series:
    """Apply fn to every distinct value of a text categorical (None: make it missing)."""
    s = s if is_clean_text(s) else as_text(s)
    return rebuild(s.cat.codes.to_numpy(), [fn(c) for c in s.cat.categories], s.index, s.name)


def is_clean_text(s: pd.Series) -> bool:
    """Whether a column is a categorical of strings already (as_text would give it back unchanged)."""
    return isinstance(s.dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in s.cat.categories[:50])


def value_counts(s: pd.Series) -> dict[str, int]:
    """Rows per category of a text categorical (categories with no rows left out)."""
    codes = s.cat.codes.to_numpy()
    n = np.bincount(codes[codes >= 0], minlength=len(s.cat.categories))
    return {c: int(k) for c, k in zip(s.cat.categories, n) if k}


def n_missing(s: pd.Series) -> int:
    return int((s.cat.codes.to_numpy() < 0).sum())


def lookup(s: pd.Series, values: np.ndarray, fill) -> np.ndarray:
    """values[code] for every row of a categorical; `fill` where the row is missing."""
    return take_codes(s.array.codes, values, fill)


def take_codes(codes: np.ndarray, values: np.ndarray, fill) -> np.ndarray:
    """values[code] for every code; `fill` for code -1. The codes are used as they are (int8 for most
    columns): widening them first would make a row-sized temporary eight times their size."""
    values = np.asarray(values)
    ext = np.append(values, np.array([fill], dtype=values.dtype))
    return ext[codes]  # -1 picks the fill at the end


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


# ---- generic text cleaning -----------------------------------------------------------------------
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
    counts = value_counts(s)
    groups: dict[str, list[str]] = {}
    for c in cats:
        groups.setdefault(label_key(c), []).append(c)
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
    out = rebuild(s.cat.codes.to_numpy(), [chosen[c] for c in cats], s.index, s.name)
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


# ---- numbers and counts --------------------------------------------------------------------------
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


# ---- ages and bands ------------------------------------------------------------------------------
_EXACT_AGE = re.compile(r"(?i)^(\d{1,3})(?:\.0+)?\s*(?:years?|yrs?|y)?(?:\s*old)?$")


def exact_age(text: str) -> int | None:
    m = _EXACT_AGE.match(text.strip())
    if not m:
        return None
    a = int(m.group(1))
    return a if 0 <= a <= 120 else None


def band_label(text: str) -> str:
    """A readable, consistent age band: '10 - 17 years' -> '10-17', 'Under 10' -> 'under 10',
    '01-Apr' -> '1-4', '18 and over' -> '18 and over'."""
    t = schema.fix_excel_band(text.strip())
    low = re.sub(r"\s+", " ", t.lower())
    m = re.fullmatch(r"(?:aged? )?(\d{1,3}) ?(?:-|–|to) ?(\d{1,3})(?: ?(?:years?|yrs?)(?: old)?)?", low)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}"
    m = re.fullmatch(r"(?:under|<|less than|below) ?(\d{1,3})(?: ?(?:years?|yrs?))?", low)
    if m:
        return f"under {int(m.group(1))}"
    m = re.fullmatch(r"(?:over|>|more than|above) ?(\d{1,3})(?: ?(?:years?|yrs?))?", low)
    if m:
        return f"over {int(m.group(1))}"
    m = re.fullmatch(r"(\d{1,3}) ?(?:\+|and over|or over|and older|or older|plus)(?: ?(?:years?|yrs?))?", low)
    if m:
        return f"{int(m.group(1))} and over"
    return t


def _refuse_months(rest: dict[str, int], header: str) -> None:
    """Ages written in months (a header saying so, or nearly every value 100-260: 8 to 21 years) are
    not read as years or turned into age bands: refused, so the user converts them."""
    nums = {c: parse_number(c) for c in rest}
    in_months = sum(k for c, k in rest.items() if nums[c] is not None and 100 <= nums[c] <= 260)
    total = sum(rest.values())
    if "month" in header.lower() or (total and in_months >= 0.8 * total):
        vals = [v for v in nums.values() if v is not None]
        span = f" (values from {min(vals):g} to {max(vals):g})" if vals else ""
        from ..errors import LoadError

        raise LoadError(f"{header!r} looks like ages in months{span}, not in years: convert them to years "
                        "(or map the column to another name) and open the file again.")


def split_age(s: pd.Series, header: str, prefer: str = schema.AGE_BAND) -> tuple[str, pd.Series, list[str]]:
    """Decide whether an age column holds exact ages or bands; returns (canonical column, values, notes).

    Exact ages become the integer text '12' (age); bands become a band label (age_band). The column
    holds exact ages when at least as many rows hold a whole number of years as hold a band; then
    values that are neither ('-3', '170', '12.5') become missing, with a note. Words such as 'Unknown'
    and blanks become missing (shown as 'Not recorded'); a column with no age at all keeps `prefer`."""
    s = s if is_clean_text(s) else as_text(s)
    counts = value_counts(s)
    blank = n_missing(s)
    missing_words = {c for c in counts if is_missing_word(c)}
    rest = {c: k for c, k in counts.items() if c not in missing_words}
    _refuse_months(rest, header)
    exact = {c: exact_age(c) for c in rest}
    n_rest = sum(rest.values())
    n_exact = sum(k for c, k in rest.items() if exact[c] is not None)
    n_band = sum(k for c, k in rest.items() if exact[c] is None and _is_band(c))
    notes: list[str] = []
    if blank:
        notes.append(f"{plural(blank, 'row')} with a blank {header!r} set to {NOT_RECORDED}")
    if missing_words:
        k = sum(counts[c] for c in missing_words)
        notes.append(f"{plural(k, 'row')} with {quote_list(sorted(missing_words), 3)} in {header!r} "
                     f"set to {NOT_RECORDED}")
    if n_rest == 0:  # no age in any row: every row is 'Not recorded'
        return prefer, recode(s, lambda v: None), notes
    if n_exact and n_exact >= n_band:
        junk = [c for c in rest if exact[c] is None]
        if junk:
            k = sum(rest[c] for c in junk)
            notes.append(f"{plural(k, 'row')} whose {header!r} is not a whole number of years "
                         f"({quote_values(junk, distinct=len(counts), limit=3)}) set to {NOT_RECORDED}")
        out = recode(s, lambda v: None if exact.get(v) is None else str(exact[v]))
        return schema.AGE, out, notes
    out = recode(s, lambda v: None if v in missing_words else band_label(v))
    excel = {c: schema.fix_excel_band(c) for c in rest if schema.fix_excel_band(c) != c}
    if excel:
        may = len(counts) <= QUOTE_MAX_DISTINCT
        shown = [a for a in excel if may and quotable(a) and quotable(band_label(a))]
        pairs = ", ".join(f"'{a}' -> '{band_label(a)}'" for a in shown[:4])
        if len(excel) > len(shown):
            pairs += f"{' and ' if pairs else ''}{plural(len(excel) - len(shown), 'value')} not quoted"
        notes.append(f"{header!r}: age bands that Excel had turned into dates were put back ({pairs})")
    return schema.AGE_BAND, out, notes


def _is_band(text: str) -> bool:
    label = band_label(text)
    return schema.band_bounds(label) is not None or label.endswith(" and over")


def has_adults(frame: pd.DataFrame) -> bool:
    """Whether an age or age-band column shows people aged 18 or over."""
    if schema.AGE in frame.columns:
        s = frame[schema.AGE]
        cats = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else pd.unique(s.dropna())
        for c in cats:
            try:
                if int(float(c)) >= 18:
                    return True
            except (TypeError, ValueError):
                continue
    if schema.AGE_BAND in frame.columns:
        s = frame[schema.AGE_BAND]
        cats = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else pd.unique(s.dropna())
        for c in cats:
            b = schema.band_bounds(str(c))
            if b is not None and b[1] >= 18 and b[0] >= 18:
                return True
            if b is None and re.search(r"(?i)adult|18\+|over 17", str(c)):
                return True
    return False


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


def _combos(cols: list[pd.Series]) -> tuple[np.ndarray, list[tuple[str | None, ...]]]:
    """Rows of several text categoricals as one code per distinct combination, and the combinations."""
    n = len(cols[0])
    key = np.zeros(n, dtype=np.int64)
    parts: list[list[str]] = []
    for c in cols:
        c = c if is_clean_text(c) else as_text(c)
        cats = list(c.cat.categories)
        key = key * (len(cats) + 1) + (c.array.codes.astype(np.int64) + 1)
        parts.append(cats)
    uniq, inv = np.unique(key, return_inverse=True)
    combos: list[tuple[str | None, ...]] = []
    for k in uniq.tolist():
        vals: list[str | None] = []
        for cats in reversed(parts):
            k, code = divmod(k, len(cats) + 1)
            vals.append(None if code == 0 else cats[code - 1])
        combos.append(tuple(reversed(vals)))
    return inv.reshape(-1), combos


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
    inv, combos = _combos(cols)
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


_SHORT_FY = re.compile(r"(?i)^(?:fy|financial year)?\s*(\d{2})\s*(?:-|/|–|to)\s*(\d{2})$")


def fy_value(v: str) -> str | None:
    """A financial year as schema.normalise_financial_year reads it, plus the two-digit forms tables
    also use ('20/21', 'FY20-21' -> '2020-21')."""
    fy = schema.normalise_financial_year(v)
    if fy is not None:
        return fy
    m = _SHORT_FY.match(v.strip())
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if b == (a + 1) % 100:
            return schema.fy_label((1900 if a >= 80 else 2000) + a)
    return None


def financial_year_column(s: pd.Series, header: str) -> tuple[pd.Series, list[str]]:
    bad: list[str] = []

    def fix(v: str) -> str | None:
        fy = fy_value(v)
        if fy is None:
            bad.append(v)
        return fy

    out = recode(s, fix)
    notes = []
    if bad:
        ss = s if is_clean_text(s) else as_text(s)
        counts = value_counts(ss)
        k = sum(counts.get(b, 0) for b in bad)
        shown = quote_values(bad, distinct=len(ss.cat.categories), limit=3)
        notes.append(f"{plural(k, 'row')} whose {header!r} is not a financial year ({shown}) set to {NOT_RECORDED}")
    ss = s if is_clean_text(s) else as_text(s)
    bare = [c for c in ss.cat.categories if re.fullmatch(r"\s*\d{4}\s*", str(c))]
    if bare:
        first = bare[0].strip()
        notes.append(f"{header!r} holds years written alone (such as {first}): they were read as the financial year "
                     f"ending in March of that year ({first} -> {schema.fy_label(int(first) - 1)}), as official tables "
                     "write them. If they are calendar years, map the column to another name")
    return out, notes


def fy_parse_share(s: pd.Series) -> float:
    """Share of distinct non-blank values that read as a financial year."""
    s = s if is_clean_text(s) else as_text(s)
    cats = list(s.cat.categories)
    if not cats:
        return 0.0
    return sum(fy_value(c) is not None for c in cats) / len(cats)


# ---- dates ---------------------------------------------------------------------------------------
_TIME_WITH_ZONE = re.compile(r"^(.*?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{1,2}(?::?\d{1,2})?)$",
                             re.I)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_MIN = np.datetime64("1900-01-01")
_DATE_MAX = np.datetime64("2200-01-01")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y",
              "%b %Y", "%B %Y", "%Y%m%d", "%d/%m/%y")


def _drop_zone(text: str) -> str:
    """'2019-12-01T01:48:53+00:00' -> '2019-12-01T01:48:53': the local time as written is kept."""
    t = text.strip()
    m = _TIME_WITH_ZONE.match(t)
    return m.group(1) if m else t


def _as_ns(values) -> np.ndarray:
    """Naive datetime64[ns]; NaT for anything outside 1900-2200 or that is not a date."""
    try:
        idx = pd.DatetimeIndex(values)
        if idx.tz is not None:
            idx = idx.tz_localize(None)
        arr = idx.to_numpy()
    except (ValueError, TypeError, OverflowError):
        return np.full(len(values), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    ok = ~np.isnat(arr) & (arr >= _DATE_MIN) & (arr < _DATE_MAX)
    out = np.full(len(arr), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    out[ok] = arr[ok].astype("datetime64[ns]")
    return out


def _parse_dates(texts: list[str], fmt: str) -> np.ndarray:
    try:
        parsed = pd.to_datetime(pd.Series(texts, dtype=object), format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return np.full(len(texts), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    return _as_ns(parsed)


_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m-%d-%Y", "%m.%d.%Y", "%d %b %Y", "%d %B %Y",
                "%b %Y", "%B %Y", "%Y%m%d", "%m/%d/%y")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")


def _day_month_order(texts: list[str], header: str) -> tuple[str, list[str]]:
    """Whether numeric dates (3/4/2021) are day first or month first, from the data: a first number over
    12 says day first, a second over 12 month first. Both at once is refused; neither (every date
    could be read either way) is read day first, as dates are written in the UK, and said in a note."""
    firsts, seconds = [], []
    for t in texts:
        m = _NUMERIC_DATE.match(t)
        if m:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    if not firsts:
        return "day", []
    day, month = max(firsts) > 12, max(seconds) > 12
    if day and month:
        from ..errors import LoadError

        raise LoadError(f"{header!r} holds dates written day first (such as 25/12) and month first (such as "
                        "12/25) in one column: it cannot tell which is which. Write the dates as 2021-12-25, "
                        "or one way only, and open the file again.")
    if month:
        return "month", [f"{header!r} holds dates written month first (12/25/2021), as in the United States; "
                         "they were read that way"]
    if not day and len(set(zip(firsts, seconds))) > 1:
        return "day", [f"{header!r}: no date shows whether it is written day first or month first; they were "
                       "read day first, as in the UK (3/4/2021 is 3 April 2021)"]
    return "day", []


def date_column(s: pd.Series, header: str) -> tuple[pd.Series, list[str]]:
    """Timestamps from ISO text (any UTC offset dropped: the local time as written is kept), UK
    day-first dates, Excel serial numbers or real date cells."""
    notes: list[str] = []
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return pd.Series(_as_ns(s), index=s.index, name=s.name), notes
    if not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        return _serial_dates(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float), s.index), \
            [f"{header!r} held Excel date numbers; they were turned into dates"]
    s = s if is_clean_text(s) else as_text(s)
    cats = [str(c) for c in s.cat.categories]
    nums = [parse_number(c) for c in cats]
    if cats and all(n is not None and 1 <= n < 2958466 for n in nums):
        parsed = _serial_dates(np.array(nums, dtype=float), None).to_numpy()
        notes.append(f"{header!r} held Excel date numbers; they were turned into dates")
    else:
        stripped = [_drop_zone(c) for c in cats]
        parsed = _parse_dates(stripped, "ISO8601")
        order, more = _day_month_order(stripped, header)
        notes += more
        for fmt in (_MONTH_FIRST if order == "month" else _DAY_FIRST):
            todo = np.isnat(parsed)
            if not todo.any():
                break
            idx = np.flatnonzero(todo)
            parsed[idx] = _parse_dates([stripped[i] for i in idx], fmt)
    ext = np.append(parsed.astype("datetime64[ns]"), np.array(["NaT"], dtype="datetime64[ns]"))
    vals = ext[s.cat.codes.to_numpy().astype(np.int64)]
    bad = [c for c, p in zip(cats, parsed) if np.isnat(p)]
    if bad:
        counts = value_counts(s)
        k = sum(counts.get(b, 0) for b in bad)
        shown = quote_values(bad, distinct=len(cats), limit=3)
        notes.append(f"{plural(k, 'row')} whose {header!r} is not a date ({shown}) left without a date")
    return pd.Series(vals, index=s.index, name=s.name), notes


def _serial_dates(nums: np.ndarray, index) -> pd.Series:
    ok = (nums >= 1) & (nums < 2958466)
    days = np.where(ok, nums, np.nan)
    out = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return pd.Series(_as_ns(out), index=index)


def financial_year_of_dates(dates: pd.Series) -> pd.Series:
    """'2019-20' etc. for each date (April-March), missing where there is no date."""
    d = pd.DatetimeIndex(dates)
    year = d.year.to_numpy(dtype=float, na_value=np.nan)
    month = d.month.to_numpy(dtype=float, na_value=np.nan)
    start = year - (month < 4)
    ok = ~np.isnan(start)
    codes = np.full(len(start), -1, dtype=np.int64)
    labels: list[str | None] = []
    if ok.any():
        uniq, inv = np.unique(start[ok].astype(np.int64), return_inverse=True)
        codes[ok] = inv
        labels = [schema.fy_label(int(u)) for u in uniq]
    return rebuild(codes, labels, dates.index, schema.FINANCIAL_YEAR)


# ---- rows to leave out ---------------------------------------------------------------------------
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
        row = frame.iloc[end - 1]
        texts = [cell_text(v) for v in row.tolist()]
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
