"""Dates and financial years: dates from ISO text, UK or US numeric dates, Excel serial numbers or
date cells; financial years ('2019-20') from their many spellings or from dates."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, is_clean_text, rebuild, recode, value_counts
from ..schema import NOT_RECORDED
from ._common import plural
from .numbers import parse_number
from .quoting import quote_values

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


def _within_dates(s: pd.Series) -> bool:
    """Whether a column of dates is naive datetime64[ns] with every date from 1900 to 2200 (what _as_ns
    would give back unchanged)."""
    if s.dtype != np.dtype("datetime64[ns]"):
        return False
    ns = s.to_numpy().view(np.int64)
    if len(ns) == 0:
        return True
    nat = np.iinfo(np.int64).min
    hi = int(ns.max())
    if hi == nat:
        return True
    lo = int(ns.min())
    if lo == nat:
        lo = min(int(np.where(part == nat, hi, part).min()) for part in np.array_split(ns, max(1, len(ns) >> 16)))
    first, last = (int(d.astype("datetime64[ns]").view(np.int64)) for d in (_DATE_MIN, _DATE_MAX))
    return first <= lo and hi < last


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
        if _within_dates(s):
            return s, notes  # naive nanoseconds, every date in range: as they are, no copy
        return pd.Series(_as_ns(s), index=s.index, name=s.name, copy=False), notes
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
    return pd.Series(vals, index=s.index, name=s.name, copy=False), notes


def _serial_dates(nums: np.ndarray, index) -> pd.Series:
    ok = (nums >= 1) & (nums < 2958466)
    days = np.where(ok, nums, np.nan)
    out = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return pd.Series(_as_ns(out), index=index, copy=False)


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
