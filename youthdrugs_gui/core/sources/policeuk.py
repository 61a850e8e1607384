"""police.uk stop-and-search records: the monthly CSV files from data.police.uk, named
`YYYY-MM-<force>-stop-and-search.csv`, one row per search.

What the importer does:
- force from the force's police.uk name in the file name (schema.FORCE_BY_SLUG), or from the force
  chosen when loading if the file was renamed;
- `Age range` -> age_band (blank -> Not recorded), `Date` -> date and financial_year,
  `Outcome` -> outcome (spelled as in the other sources: 'A no further action disposal' -> 'No further
  action'), measure 'Stop and search', count 1 per row;
- `Gender` -> sex, kept as Male/Female/Other: the files cover adults as well as children, so the
  'Boys'/'Girls' of children's tables would be wrong for most rows (children are the rows whose age band
  is 'under 10' or '10-17');
- every other column (Type, Legislation, Object of search, both ethnicities, Latitude, Longitude ...) is
  kept under its own header and can be filtered;
- rows are never de-duplicated: identical rows are separate searches (several people searched at the
  same time and place).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, n_missing, recode
from ..errors import LoadError
from ..schema import NOT_RECORDED
from ..spellings import is_missing_word, normalise_force, outcome_value, sex_value
from ._common import Imported, Options, Ticker, constant, plural
from .ages import band_label
from .column_spellings import clean_text_column, merge_spellings
from .dates import date_column, financial_year_of_dates
from .numbers import numeric_values
from .tables import RawTable

FORMAT = "policeuk"
LABEL = "police.uk stop-and-search"

_REQUIRED = {"date", "agerange", "objectofsearch", "outcome"}
_ANY_OF = {"type", "legislation", "gender", "selfdefinedethnicity", "officerdefinedethnicity"}
_FILE_NAME = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<slug>[a-z0-9-]+?)-stop-and-search\b", re.I)
_NUMERIC = ("Latitude", "Longitude")


def matches(headers: list[str]) -> bool:
    keys = {schema.normalise_header(h) for h in headers}
    return _REQUIRED <= keys and bool(keys & _ANY_OF)


def force_from_name(file_name: str) -> str | None:
    """The force a police.uk file name names ('2019-12-derbyshire-stop-and-search.csv' -> 'Derbyshire')."""
    m = _FILE_NAME.match(file_name)
    if not m:
        return None
    slug = m.group("slug").lower()
    return schema.FORCE_BY_SLUG.get(slug) or normalise_force(slug.replace("-", " "))


def build(raw: RawTable, opts: Options, ticker: Ticker | None = None) -> Imported:
    ticker = ticker or Ticker()
    frame = raw.frame
    n = len(frame)
    notes: list[str] = list(raw.notes)
    by_key = {schema.normalise_header(raw.headers.get(c) or c): c for c in frame.columns}
    missing = [h for h, k in (("Date", "date"), ("Age range", "agerange"), ("Outcome", "outcome")) if k not in by_key]
    if missing:
        raise LoadError(f"{raw.name} does not look like a police.uk stop-and-search file: it has no "
                        f"{' or '.join(repr(m) for m in missing)} column. Load it as a generic table instead.")

    force = force_from_name(raw.name)
    if force is not None:
        notes.append(f"police force {force} taken from the file name")
        if opts.force and opts.force != force:
            notes.append(f"the force chosen when loading ({opts.force}) was not used: the file name says {force}")
    elif opts.force:
        force = opts.force
        notes.append(f"police force {force} as chosen when loading (the file name does not say)")
    else:
        said = (f"{raw.name} is a police.uk stop-and-search file, but its name does not say which police force "
                "it is from. Give the file back its police.uk name (such as 2020-01-derbyshire-stop-and-search.csv), "
                "or say which force it is when loading it")
        raise LoadError(f"{said} (in the command line: --police-force Derbyshire).",
                        gui_message=f"{said} (File > Open with options, then choose the police force).")

    out: dict[str, pd.Series] = {}
    mapping: dict[str, str] = {}
    used: set[str] = set()

    def col(key: str) -> str | None:
        c = by_key.get(key)
        if c is not None:
            used.add(c)
        return c

    out[schema.FORCE] = constant(n, force, schema.FORCE)

    c = col("date")
    dates, more = date_column(frame[c], raw.headers.get(c) or c)
    out[schema.DATE] = dates
    out[schema.FINANCIAL_YEAR] = financial_year_of_dates(dates)
    mapping[raw.headers.get(c) or c] = schema.DATE
    notes += more
    notes.append("financial year worked out from the date of each search (April to March)")
    ticker.tick(0.3)

    c = col("agerange")
    s = as_text(frame[c]) if not isinstance(frame[c].dtype, pd.CategoricalDtype) else frame[c]
    blank = n_missing(s)
    out[schema.AGE_BAND] = recode(s, lambda v: None if is_missing_word(v) else band_label(v))
    mapping[raw.headers.get(c) or c] = schema.AGE_BAND
    if blank:
        notes.append(f"{plural(blank, 'row')} with a blank age range set to {NOT_RECORDED}")

    c = col("gender")
    if c is not None:
        out[schema.SEX] = recode(frame[c], lambda v: sex_value(v, adults=True))
        mapping[raw.headers.get(c) or c] = schema.SEX
        notes.append("gender kept as Male/Female/Other, not Boys/Girls: police.uk records cover adults too")

    c = col("outcome")
    out[schema.OUTCOME], more = merge_spellings(recode(frame[c], outcome_value))
    mapping[raw.headers.get(c) or c] = schema.OUTCOME
    notes += more
    ticker.tick(0.6)

    out[schema.MEASURE] = constant(n, "Stop and search", schema.MEASURE)
    out[schema.COUNT] = pd.Series(np.ones(n, dtype=np.int64))

    for name in frame.columns:
        if name in used:
            continue
        s = frame[name]
        header = raw.headers.get(name) or name
        target = name if name not in schema.CANONICAL else f"{name} (as written)"
        if header in _NUMERIC:
            vals, _, _ = numeric_values(s)
            out[target] = pd.Series(vals, name=target)
        else:
            out[target], more = clean_text_column(s, header)
            notes += more
    ticker.tick(1.0)
    dupes = int(pd.DataFrame({k: v for k, v in out.items()}).duplicated().sum()) if n < 2_000_000 else 0
    if dupes:
        notes.append(f"{plural(dupes, 'row')} repeat an earlier row exactly; they were kept, because each is a "
                     "separate search (several people searched at the same time and place)")
    return Imported(frame=pd.DataFrame(out), format=LABEL, mapping=mapping, notes=notes,
                    covered=_covered(raw.name, force, out[schema.DATE]))


def _covered(file_name: str, force: str, dates: pd.Series) -> list[dict]:
    """What the file covers: its force and month (from its name, else the months of its dates). A month
    file with no searches still covers that month: its force had none, a true zero."""
    m = _FILE_NAME.match(file_name)
    months: set[tuple[int, int]] = set()
    if m:
        months.add((int(m.group("year")), int(m.group("month"))))
    else:
        d = dates.dropna()
        months |= {divmod(int(v), 100) for v in pd.unique(d.dt.year * 100 + d.dt.month)}
    return [{schema.MEASURE: "Stop and search", schema.FORCE: force,
             schema.FINANCIAL_YEAR: schema.fy_label(y if mo >= 4 else y - 1), "month": f"{y:04d}-{mo:02d}"}
            for y, mo in sorted(months) if 1 <= mo <= 12]
