"""Home Office 'Police powers and procedures' open data: arrests and stop-and-searches.

Two shapes are read:
- the aggregated tables of children aged 10-17 (columns end_period_year, gender, ethnicity, reason or
  reason_for_search, count, level ...), where `end_period_year` is the year in which the financial year
  ends and `level` says which area a row totals: England and Wales, the West Midlands region or West
  Midlands Police;
- the Home Office's own open-data tables (arrests: 'Financial Year', 'Force Name', 'Gender', 'Ethnic Group
  (self-defined)', 'Age group', 'Reason for arrest (offence group)', 'Arrests'; stop and search:
  financial_year, financial_year_quarter, police_force_area, reason_for_search, outcome, link,
  self_defined_ethnicity_group, sex, age_group, number_of_searches).

The measure is 'Arrest' or 'Stop and search' according to the columns. The offence group keeps its own
column (`offence_group`): it is the Home Office's broad group ('Drug offences'), not a drug offence type.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, recode, value_counts
from ..errors import LoadError
from ..schema import NOT_RECORDED
from ..spellings import outcome_value, sex_value
from ._common import Imported, Options, Ticker, constant, find_roles, plural, quote_list
from .ages import has_adults, split_age
from .areas import force_column, split_areas
from .column_spellings import clean_text_column, merge_spellings
from .counts import finish_counts
from .dates import financial_year_column
from .numbers import numeric_values
from .tables import RawTable

FORMAT = "homeoffice"

_ROLES: dict[str, tuple[str, ...]] = {
    "fy_end": ("endperiodyear",),
    "fy": ("financialyear", "year", "fy"),
    "quarter_month": ("endperiodmonth",),
    "quarter": ("financialyearquarter", "quarter"),
    "period_length": ("periodlength",),
    "force": ("forcename", "policeforcearea", "force", "pfa"),
    "region": ("region",),
    "geocode": ("geocode",),
    "sex": ("gender", "sex"),
    "ethnicity": ("ethnicity", "ethnicgroupselfdefined", "selfdefinedethnicitygroup", "selfdefinedethnicgroup",
                  "ethnicgroup"),
    "age": ("agegroup", "age", "ageband"),
    "offence_group": ("reason", "reasonforarrestoffencegroup", "reasonforarrest", "offencegroup"),
    "reason_for_search": ("reasonforsearch", "reasonforsearcharrest"),
    "legislation": ("legislation", "legislationtype"),
    "outcome": ("outcome",),
    "link": ("link", "outcomereasonlink", "outcomelink"),
    "count": ("count", "arrests", "numberofarrests", "numberofsearches", "searches"),
    "level": ("level",),
}
_LABELS = {
    "offence_group": "Offence group",
    "reason_for_search": "Reason for search",
    "legislation": "Legislation",
    "outcome_link": "Outcome linked to reason for search",
    "quarter": "Quarter",
    "region": "Region",
    "geocode": "Geocode",
}
_QUARTERS = {
    "june": "Q1 (Apr-Jun)", "september": "Q2 (Jul-Sep)", "december": "Q3 (Oct-Dec)", "march": "Q4 (Jan-Mar)",
    "1": "Q1 (Apr-Jun)", "2": "Q2 (Jul-Sep)", "3": "Q3 (Oct-Dec)", "4": "Q4 (Jan-Mar)",
    "q1": "Q1 (Apr-Jun)", "q2": "Q2 (Jul-Sep)", "q3": "Q3 (Oct-Dec)", "q4": "Q4 (Jan-Mar)",
}


def _roles(headers: list[str]) -> dict[str, str]:
    return find_roles(headers, _ROLES)


def matches(headers: list[str]) -> bool:
    keys = {schema.normalise_header(h) for h in headers}
    clmodr = {"endperiodyear", "level", "count"} <= keys and bool(keys & {"reason", "reasonforsearch"})
    arrests = "reasonforarrestoffencegroup" in keys and bool(keys & {"arrests", "numberofarrests"})
    searches = "reasonforsearch" in keys and "numberofsearches" in keys
    return clmodr or arrests or searches


def measure_of(headers: list[str]) -> str:
    r = _roles(headers)
    return "Stop and search" if ("reason_for_search" in r or "legislation" in r) else "Arrest"


def build(raw: RawTable, opts: Options, ticker: Ticker | None = None) -> Imported:
    ticker = ticker or Ticker()
    frame = raw.frame
    n = len(frame)
    heads = {raw.headers.get(c) or c: c for c in frame.columns}
    roles = {role: heads[h] for role, h in _roles(list(heads)).items()}
    if "count" not in roles or not ({"fy_end", "fy"} & set(roles)):
        raise LoadError(f"{raw.name} does not look like a Home Office arrests or stop-and-search table: it needs a "
                        "year column and a count (e.g. end_period_year and count). Load it as a generic table.")
    measure = measure_of(list(heads))
    label = "Home Office stop and search" if measure == "Stop and search" else "Home Office arrests"
    notes: list[str] = list(raw.notes)
    out: dict[str, pd.Series] = {}
    mapping: dict[str, str] = {}
    used: set[str] = set()

    def take(role: str) -> tuple[pd.Series, str] | None:
        c = roles.get(role)
        if c is None:
            return None
        used.add(c)
        return frame[c], raw.headers.get(c) or c

    # year and quarter
    if (t := take("fy_end")) is not None:
        s, h = t
        out[schema.FINANCIAL_YEAR] = recode(s, lambda v: schema.normalise_financial_year(v, bare_year_is_end=True))
        mapping[h] = schema.FINANCIAL_YEAR
        notes.append(f"{h!r} is the year in which the financial year ends (2021 = 2020-21)")
    else:
        s, h = take("fy")  # type: ignore[misc]
        out[schema.FINANCIAL_YEAR], more = financial_year_column(s, h)
        mapping[h] = schema.FINANCIAL_YEAR
        notes += more
    qm = take("quarter_month")
    pl = take("period_length")
    q = take("quarter")
    quarterly = q is not None
    if pl is not None and any("quarter" in v.lower() for v in value_counts(as_text(pl[0]))):
        quarterly = True
    if qm is not None and len(value_counts(as_text(qm[0]))) > 1:
        quarterly = True
    source = q if q is not None else (qm if quarterly else None)
    if source is not None:
        src, h = source
        out["quarter"] = recode(src, lambda v: _QUARTERS.get(v.strip().lower(), v))
        mapping[h] = "quarter"
        notes.append(f"quarter of the financial year taken from {h!r}")
    dropped = [t[1] for t in (qm, pl) if t is not None and t is not source]
    if dropped:
        why = ("it only says how long each row's period is" if quarterly
               else "the same for every row of a whole-year table")
        notes.append(f"left out {quote_list(dropped)}: {why}")
    ticker.tick(0.2)

    # where: the level column names the area of each row (England and Wales, the West Midlands region,
    # West Midlands Police); wider areas get their own level and never appear as police forces
    if (t := take("level")) is not None:
        s, h = t
        out[schema.AREA_LEVEL] = as_text(s)
        mapping[h] = schema.AREA_LEVEL
    if (t := take("force")) is not None:
        s, h = t
        out[schema.FORCE], more = force_column(s, h)
        mapping[h] = schema.FORCE
        notes += more
    notes += split_areas(out)
    for role in ("region", "geocode"):
        if (t := take(role)) is not None:
            s, h = t
            out[role], _ = merge_spellings(as_text(s), strip_prefix=False)
            mapping[h] = role

    # who
    if (t := take("age")) is not None:
        s, h = t
        kind, vals, more = split_age(s, h)
        out[kind] = vals
        mapping[h] = kind
        notes += more
    else:
        out[schema.AGE_BAND] = constant(n, "10-17", schema.AGE_BAND)
        notes.append("every row is about children aged 10-17 (the table has no finer ages)")
    adults = has_adults(pd.DataFrame(out))
    if (t := take("sex")) is not None:
        s, h = t
        ss = as_text(s)
        counts = value_counts(ss)
        check = [v for v in counts if schema.normalise_header(v) == "checkthisvalue"]
        out[schema.SEX] = recode(ss, lambda v: None if v in check else sex_value(v, adults))
        mapping[h] = schema.SEX
        if check:
            k = sum(counts[v] for v in check)
            notes.append(f"{plural(k, 'row')} with the value 'CHECK THIS VALUE' in {h!r} (a placeholder left in "
                         f"the Home Office table) set to {NOT_RECORDED}")
        if adults:
            notes.append(f"{h!r} kept as Male/Female (not Boys/Girls) because the table also covers adults")
    if (t := take("ethnicity")) is not None:
        s, h = t
        out[schema.ETHNICITY], more = merge_spellings(as_text(s))
        mapping[h] = schema.ETHNICITY
        notes += [m.replace(f"column '{s.name}'", f"column {h!r}") for m in more]
    ticker.tick(0.5)

    # what
    if (t := take("offence_group")) is not None:
        s, h = t
        out["offence_group"], more = merge_spellings(as_text(s))
        mapping[h] = "offence_group"
        notes += more
        groups = list(value_counts(out["offence_group"]))
        drug = [g for g in groups if "drug" in g.lower()]
        if drug:
            notes.append(f"{quote_list(drug)} in 'Offence group' is the Home Office group of all drug offences "
                         "(possession and trafficking together); it has no Class A/B/C split and no possession/"
                         "supply split")
        if any("onwards" in m for m in more):
            notes.append("the Home Office changed its offence groups in 2015/16: some groups exist only before "
                         "or only after that year, so compare years across the change with care")
    if (t := take("reason_for_search")) is not None:
        s, h = t
        out["reason_for_search"], more = merge_spellings(as_text(s))
        mapping[h] = "reason_for_search"
        notes += more
        drug = [g for g in value_counts(out["reason_for_search"]) if "drug" in g.lower()]
        if drug:
            notes.append(f"searches for drugs are those with the reason {quote_list(drug)}")
    for role, name in (("legislation", "legislation"), ("link", "outcome_link")):
        if (t := take(role)) is not None:
            s, h = t
            out[name], more = merge_spellings(as_text(s))
            mapping[h] = name
            notes += more
    if (t := take("outcome")) is not None:
        s, h = t
        out[schema.OUTCOME], more = merge_spellings(recode(s, outcome_value))
        mapping[h] = schema.OUTCOME
        notes += more
    out[schema.MEASURE] = constant(n, measure, schema.MEASURE)
    s, h = take("count")  # type: ignore[misc]
    out[schema.COUNT] = s
    mapping[h] = schema.COUNT

    # any other column is kept as it is
    for c in frame.columns:
        if c in used:
            continue
        name = c if c not in schema.CANONICAL and c not in out else f"{c} (as written)"
        out[name], more = clean_text_column(frame[c], raw.headers.get(c) or c) \
            if not _is_number(frame[c]) else (frame[c], [])
        notes += more
    ticker.tick(0.8)

    result = pd.DataFrame(out)
    missing_where = _describe_missing_counts(result)
    result, more, gaps = finish_counts(result, raw.name)
    for m in more:
        if "with no count (a blank cell)" in m and missing_where:
            m = m.replace("with no count (a blank cell)", f"with no count ({missing_where}): the figures are missing "
                          "from the source table; they were")
        notes.append(m)
    labels = {c: _LABELS[c] for c in result.columns if c in _LABELS}
    return Imported(frame=result, format=label, mapping=mapping, notes=notes, labels=labels, gaps=gaps)


def _is_number(s: pd.Series) -> bool:
    return not isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(s.dtype) \
        and not pd.api.types.is_bool_dtype(s.dtype)


def _describe_missing_counts(frame: pd.DataFrame) -> str:
    """'England and Wales 2017-18' for the rows whose count is blank."""
    vals, bad, _ = numeric_values(frame[schema.COUNT])
    blank = np.isnan(vals) & ~bad
    if not blank.any():
        return ""
    parts = []
    for col in (schema.AREA, schema.FORCE, schema.FINANCIAL_YEAR):
        if col in frame.columns and not (col == schema.FORCE and schema.AREA in frame.columns):
            parts.append(frame[col].astype(object).where(frame[col].notna(), NOT_RECORDED).to_numpy()[blank])
    if not parts:
        return ""
    combos = sorted({" ".join(str(p[i]) for p in parts) for i in range(int(blank.sum()))})
    if len(combos) > 4:
        return f"{len(combos)} area and year combinations"
    return "all of them " + " and ".join(combos) if len(combos) == 1 else ", ".join(combos)
