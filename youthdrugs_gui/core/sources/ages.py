"""Age columns: exact ages in years or age bands, read from the many ways tables write them."""
from __future__ import annotations

import re

import pandas as pd

from .. import schema
from ..codes import as_text, is_clean_text, recode, value_counts
from ..schema import NOT_RECORDED
from ..spellings import is_missing_word
from ._common import plural, quote_list
from .numbers import parse_number
from .quoting import QUOTE_MAX_DISTINCT, quotable, quote_values

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
    blank = len(s) - sum(counts.values())
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
