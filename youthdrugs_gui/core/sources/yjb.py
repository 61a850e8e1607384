"""Youth Justice Board / Ministry of Justice 'Youth Justice Statistics' proven offences by Youth Justice
Service (the local-level 'Offence' table, as republished e.g. by the West Midlands PCC: columns FY, YJS,
Region, PCC, England_Wales, Offence, Gravity, Number, ObjectId).

financial_year from FY, count from Number, measure 'Proven offence', force from the PCC area, age band
10-17 (the table is about children and has no finer ages). Offence labels that differ only in capitals
are merged; Gravity bands that Excel turned into dates are put back ('01-Apr' -> '1-4'). ObjectId is a
row number of the web layer the table came from, so it is left out.
"""
from __future__ import annotations

import pandas as pd

from .. import schema
from ..codes import as_text, value_counts
from ..errors import LoadError
from ._common import Imported, Options, Ticker, constant, find_roles, quote_list
from .areas import force_column, split_areas
from .column_spellings import clean_text_column, fix_excel_bands, merge_spellings
from .counts import finish_counts
from .dates import financial_year_column
from .tables import RawTable

FORMAT = "yjb"
LABEL = "YJB proven offences"

_ROLES: dict[str, tuple[str, ...]] = {
    "fy": ("fy", "financialyear", "year"),
    "yjs": ("yjs", "yot", "youthjusticeservice", "youthoffendingteam", "yjsname", "yotname"),
    "region": ("region",),
    "pcc": ("pcc", "pccarea", "policeforcearea", "policeforce", "force", "pfa"),
    "country": ("englandwales", "country"),
    "offence": ("offence", "offencegroup", "offencetype", "offencecategory"),
    "gravity": ("gravity", "gravityscore", "gravityband", "seriousness"),
    "count": ("number", "count", "provenoffences", "numberofprovenoffences", "numberofoffences", "offences"),
    "objectid": ("objectid", "fid", "oid"),
}
_LABELS = {
    "yjs": "Youth Justice Service",
    "region": "Region",
    "country": "Country",
    "offence_group": "Offence group",
    "gravity": "Gravity score",
}


def _roles(headers: list[str]) -> dict[str, str]:
    return find_roles(headers, _ROLES)


def matches(headers: list[str]) -> bool:
    r = _roles(headers)
    return {"yjs", "offence", "fy"} <= set(r) and ("gravity" in r or "count" in r)


def build(raw: RawTable, opts: Options, ticker: Ticker | None = None) -> Imported:
    ticker = ticker or Ticker()
    frame = raw.frame
    n = len(frame)
    heads = {raw.headers.get(c) or c: c for c in frame.columns}
    roles = {role: heads[h] for role, h in _roles(list(heads)).items()}
    if "count" not in roles or "fy" not in roles:
        raise LoadError(f"{raw.name} does not look like a YJB proven offences table: it needs a financial year "
                        "(FY) and a count (Number). Load it as a generic table instead.")
    notes: list[str] = list(raw.notes)
    out: dict[str, pd.Series] = {}
    mapping: dict[str, str] = {}
    used: set[str] = set()

    def take(role: str):
        c = roles.get(role)
        if c is None:
            return None
        used.add(c)
        return frame[c], raw.headers.get(c) or c

    s, h = take("fy")
    out[schema.FINANCIAL_YEAR], more = financial_year_column(s, h)
    mapping[h] = schema.FINANCIAL_YEAR
    notes += more
    if (t := take("yjs")) is not None:
        s, h = t
        out["yjs"], more = merge_spellings(as_text(s), strip_prefix=False)
        mapping[h] = "yjs"
        notes += more
    if (t := take("pcc")) is not None:
        s, h = t
        out[schema.FORCE], more = force_column(s, h)
        mapping[h] = schema.FORCE
        notes += more
        notes.append(f"police force taken from the police and crime commissioner area ({h!r})")
    elif opts.force:
        out[schema.FORCE] = constant(n, opts.force, schema.FORCE)
        notes.append(f"every row given the police force chosen when loading: {opts.force}")
    for role in ("region", "country"):
        if (t := take(role)) is not None:
            s, h = t
            out[role], _ = merge_spellings(as_text(s), strip_prefix=False)
            mapping[h] = role
    ticker.tick(0.3)
    if (t := take("offence")) is not None:
        s, h = t
        out["offence_group"], more = merge_spellings(as_text(s))
        mapping[h] = "offence_group"
        notes += [m.replace(f"column '{s.name}'", f"column {h!r}") for m in more]
        drug = [g for g in value_counts(out["offence_group"]) if "drug" in g.lower()]
        if drug:
            notes.append(f"{quote_list(drug)} in 'Offence group' is the YJB group of all drug offences; it has no "
                         "Class A/B/C split and no possession/supply split")
    if (t := take("gravity")) is not None:
        s, h = t
        fixed, more = fix_excel_bands(as_text(s))
        out["gravity"], more2 = merge_spellings(fixed, strip_prefix=False)
        mapping[h] = "gravity"
        notes += [m.replace(f"column '{s.name}'", f"column {h!r}") for m in more + more2]
    out[schema.AGE_BAND] = constant(n, "10-17", schema.AGE_BAND)
    notes.append("every row is about children aged 10-17 (the table has no finer ages)")
    out[schema.MEASURE] = constant(n, "Proven offence", schema.MEASURE)
    s, h = take("count")
    out[schema.COUNT] = s
    mapping[h] = schema.COUNT
    if (t := take("objectid")) is not None:
        notes.append(f"left out {t[1]!r}: a row number from the web map the table was published on, not data")
    notes.append("several rows can share the same year, service, offence and gravity (the published table had "
                 "more breakdowns); they are kept, so always add up the count")
    for c in frame.columns:
        if c in used:
            continue
        name = c if c not in schema.CANONICAL and c not in out else f"{c} (as written)"
        s = frame[c]
        if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(s.dtype):
            out[name], more = clean_text_column(s, raw.headers.get(c) or c)
            notes += more
        else:
            out[name] = s
    notes += split_areas(out)
    ticker.tick(0.8)
    result, more, gaps = finish_counts(pd.DataFrame(out), raw.name)
    notes += more
    labels = {c: _LABELS[c] for c in result.columns if c in _LABELS}
    return Imported(frame=result, format=LABEL, mapping=mapping, notes=notes, labels=labels, gaps=gaps)
