"""Rates per 1,000 children aged 10-17, as the Youth Justice Board and local authorities compare areas.

The denominator is the number of children the count is about, for the same places, ages, sexes and
years (see `population` for the rules). A rate of a count that is suppressed is suppressed; of a count
not available, not available. City of London (a few hundred resident children) and British Transport
Police (no resident population) have no meaningful rate: `[z]`, not applicable. A measure that does not
count children aged 10-17 (a police.uk file's adults) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .errors import FilterError
from .population import POPULATION_SOURCE, TERRITORIAL, RateContext, Span, context, forces_of_area

RATE_HEADER = "Per 1,000 children aged 10-17"
NO_RATE = ("City of London", "British Transport Police")
NO_RATE_NOTE = ("City of London (a few hundred resident children) and British Transport Police (no resident "
                "population) have no meaningful rate: [z]")
ENGLAND_AND_WALES = "England and Wales"


def rate(count: int, children: int) -> float | None:
    """Per 1,000 children, one decimal place; None with no children."""
    if children <= 0:
        return None
    return round(1000.0 * count / children, 1)


def rate_text(value: float | None) -> str:
    return "[z]" if value is None else f"{value:.1f}"


# ---- tables with rates ---------------------------------------------------------------------------
RATE_GROUPS = (schema.FORCE, schema.AREA, schema.FINANCIAL_YEAR, schema.SEX, schema.AGE, schema.AGE_BAND)


def _fixed(col: str, value: str) -> dict:
    """What a group value fixes of a cell's span."""
    if col in (schema.FORCE, schema.AREA):
        return {"force": value}
    if col == schema.FINANCIAL_YEAR:
        return {"year": value}
    if col == schema.SEX:
        word = {"boys": "Boys", "male": "Boys", "girls": "Girls", "female": "Girls"}.get(value.casefold())
        return {"sex": word} if word else {"sex": "none"}
    if col == schema.AGE:
        try:
            return {"ages": (int(float(value)),)}
        except ValueError:
            return {"ages": ()}
    if col == schema.AGE_BAND:
        b = schema.band_bounds(value)
        return {"ages": tuple(range(b[0], b[1] + 1)) if b else ()}
    return {}


def _rate_cell(count_cell: object, count: int, span: Span, label: str, col: str | None) -> str | float:
    """The rate as written beside a count cell: a number, or the count's own mark."""
    if col in (schema.FORCE, schema.AREA) and label in NO_RATE:
        return "[z]"
    if isinstance(count_cell, str) and not count_cell.endswith("[part]"):
        return count_cell  # [c], [x], [z]: the rate says the same
    r = rate(count, span.children())
    if r is None:
        return "[z]"
    return f"{r:.1f} [part]" if isinstance(count_cell, str) else r


def _level_total(table: pd.DataFrame, gcol: str, level: str) -> int:
    rows = table[table[schema.AREA_LEVEL].astype(str) == level]
    return int(rows["count"].sum())


def england_and_wales_count(engine, state) -> int | None:
    """The count for all of England and Wales under the same filters (forces aside), when the data has
    it: every territorial force, or rows for England and Wales itself. None when it does not."""
    ds = engine.ds
    st = state.with_values(schema.FORCE, None) if ds.has(schema.FORCE) else state
    if ds.has(schema.AREA):
        st = st.with_values(schema.AREA, None)
    if ds.has(schema.AREA_LEVEL) and schema.NATIONAL in ds.values_present(schema.AREA_LEVEL):
        st = st.with_values(schema.AREA_LEVEL, [schema.NATIONAL])
    elif not (ds.has(schema.FORCE) and set(TERRITORIAL) <= set(ds.values_present(schema.FORCE))):
        return None
    r = engine.apply(st)
    return int(sum(r.totals.values())) if len(r.totals) == 1 else None


def rate_table(engine, state, group_by: str, *, k: int | None = None, round_to: int | None = None):
    """A one-way table of counts and rates per 1,000 children aged 10-17, with a 'Total' row and an
    'England and Wales' row for comparison: (SuppressionResult, notes). Suppression (k) or rounding
    applies to the counts; a rate of a hidden count is hidden too."""
    from dataclasses import replace as _replace

    from .disclosure import protect_table
    from .tables import aggregate, table_dims

    ds = engine.ds
    col = ds.resolve_column(group_by)
    result = engine.apply(state)
    rows = result.rows
    measures = {m for m, _, _ in result.parts}
    if len(measures) > 1:
        raise FilterError("Choose one measure before asking for rates: different measures are never added.")
    if len(result.totals) > 1 and col not in (schema.FORCE, schema.AREA):
        raise FilterError("Choose one area level before asking for rates (or group by police force): areas at "
                          "different levels are never added together.")
    ctx = context(ds, state, rows)
    table = aggregate(ds, rows, [col], allowed=engine.coverage_allowed(state))
    dims = table_dims(table)
    res = protect_table(table, k=k, round_to=round_to)
    gcol = dims[-1]
    true = dict(zip(table[gcol].astype(str), table["count"].astype(np.int64)))  # one level's areas are its own
    true["Total"] = int(table["count"].sum())
    wide = res.table.copy()
    rates = []
    part_forces: list[str] = []  # the forces of the areas listed so far in this level's table
    levels = wide[schema.AREA_LEVEL].astype(str).tolist() if schema.AREA_LEVEL in wide.columns else [""] * len(wide)
    for i, (label, cell) in enumerate(zip(wide[gcol].astype(str), wide["count"])):
        if i and levels[i] != levels[i - 1]:
            part_forces = []
        if label == "Total":
            fixed = {"forces": tuple(dict.fromkeys(part_forces))} if gcol in (schema.FORCE, schema.AREA) else {}
        else:
            fixed = _fixed(gcol, label) if gcol in RATE_GROUPS else {}
            if gcol in (schema.FORCE, schema.AREA):
                part_forces += forces_of_area(label) or []
        # rounded counts give rounded rates: a rate of the true count would give the count back
        n = int(cell) if round_to is not None and not isinstance(cell, str) else true.get(label, 0)
        if label == "Total" and levels[i]:
            n = _level_total(table, gcol, levels[i])
        rates.append(_rate_cell(cell, n, ctx.span(**fixed), label, gcol))
    wide[RATE_HEADER] = rates
    ew = england_and_wales_count(engine, state)
    ew_span = Span(None, ctx.ages, ctx.sexes, ctx.years)
    if ew is None:
        ew_row = {gcol: ENGLAND_AND_WALES, "count": "[x]", RATE_HEADER: "[x]"}
    else:
        small = (k is not None or round_to is not None) and 1 <= ew < (k or round_to or 1)
        shown = "[c]" if small else (ew if round_to is None else (2 * ew + round_to) // (2 * round_to) * round_to)
        ew_row = {gcol: ENGLAND_AND_WALES, "count": shown,
                  RATE_HEADER: "[c]" if small else rate_text(rate(int(shown), ew_span.children()))}
    for c in wide.columns:
        ew_row.setdefault(c, "")
    wide = pd.concat([wide, pd.DataFrame([ew_row], columns=wide.columns)], ignore_index=True)
    for c in wide.columns:
        wide[c] = wide[c].astype(object)
    notes = list(ctx.notes)
    if gcol in (schema.FORCE, schema.AREA) and any(v in NO_RATE for v in wide[gcol].astype(str)):
        notes.append(NO_RATE_NOTE)
    if len(ctx.years) > 1 and gcol != schema.FINANCIAL_YEAR:
        notes.append("a figure over several years is divided by the children of each year added up")
    rule = res.rule + "; " + POPULATION_SOURCE
    return _replace(res, table=wide, rule=rule), notes


def force_values(engine, state, *, per_children: bool, k: int | None = None, round_to: int | None = None):
    """Per police force, the figure a map shows: the count (or rate) under every filter but the one on
    forces, as a chart bar shows what ticking it would give. Returns (values: force -> number or mark,
    words for what the numbers are, the England and Wales reference line, notes)."""
    from .disclosure import protect_table
    from .tables import aggregate, table_dims

    ds = engine.ds
    if not ds.has(schema.FORCE):
        raise FilterError(f"{ds.name} has no police force column to map.")
    st = state.with_values(schema.FORCE, None)
    if per_children:
        res, notes = rate_table(engine, st, schema.FORCE, k=k, round_to=round_to)
        col = res.table.columns[0]
        values = {}
        ref = ""
        for label, cell in zip(res.table[col].astype(str), res.table[RATE_HEADER]):
            if label == ENGLAND_AND_WALES:
                ref = f"England and Wales: {cell} per 1,000 children aged 10-17"
            elif label != "Total":
                values[label] = _number(cell)
        return values, "per 1,000 children aged 10-17", ref, notes
    result = engine.apply(st)
    if len(result.totals) > 1:
        raise FilterError("Choose one measure and one area level to map: they are never added together.")
    table = aggregate(ds, result.rows, [schema.FORCE], allowed=engine.coverage_allowed(st))
    dims = table_dims(table)
    res = protect_table(table, k=k, round_to=round_to)
    col = dims[-1]
    values = {label: _number(cell) for label, cell in zip(res.table[col].astype(str), res.table["count"])
              if label != "Total"}
    measure = result.parts[0][0] if result.parts else ""
    what = schema.MEASURE_NOUNS.get(measure, ("", "count"))[1]
    return values, what, "", []


def _number(cell: object) -> object:
    """A table cell as a number for the map, or its mark ('12 [part]' counts as 12)."""
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return float(cell)
    text = str(cell)
    if text.endswith("[part]"):
        try:
            return float(text.split()[0].replace(",", ""))
        except ValueError:
            return "[x]"
    return text


# ---- the window's chart and map ------------------------------------------------------------------
@dataclass(frozen=True)
class SeriesRates:
    """Rates for every cell of a chart series (NaN where there is none, with the reason in `marks`),
    and England and Wales' rate under the same filters (None when the data does not cover it)."""

    values: np.ndarray
    marks: np.ndarray
    reference: float | None
    notes: tuple[str, ...] = ()


def series_rates(ds, state, result) -> SeriesRates:
    """Per 1,000 children aged 10-17 for the chart of a result; FilterError when rates do not apply."""
    s = result.series
    if s is None:
        raise FilterError(str(result.chart_refusal or "There is nothing to chart."))
    ctx = context(ds, state, result.rows)
    vals = np.full(s.values.shape, np.nan)
    marks = np.full(s.values.shape, "", dtype=object)
    status = s.status
    for i, g in enumerate(s.groups):
        for j, st in enumerate(s.stacks):
            fixed = dict(_fixed(s.group_by, g)) if s.group_by in RATE_GROUPS else {}
            if s.stack_by in RATE_GROUPS:
                fixed.update(_fixed(s.stack_by, st))
            if status is not None and status[i, j] not in ("full", "partial"):
                marks[i, j] = status[i, j]
                continue
            if (s.group_by in (schema.FORCE, schema.AREA) and g in NO_RATE) or \
                    (s.stack_by in (schema.FORCE, schema.AREA) and st in NO_RATE):
                marks[i, j] = "[z]"
                continue
            r = rate(int(s.values[i, j]), ctx.span(**fixed).children())
            if r is None:
                marks[i, j] = "[z]"
            else:
                vals[i, j] = r
    return SeriesRates(vals, marks, _reference(ds, state, result, ctx), ctx.notes)


def _reference(ds, state, result, ctx: RateContext) -> float | None:
    """England and Wales' rate under the filters (forces aside), from the police force counts 'if
    ticked', when the data covers every territorial force."""
    counts = result.facet_counts.get(schema.FORCE)
    if counts is None or result.facet_unit != "count" or not ds.has(schema.FORCE):
        return None
    cats = ds.categories(schema.FORCE)
    if not set(TERRITORIAL) <= set(ds.values_present(schema.FORCE)):
        return None
    total = int(sum(int(n) for c, n in zip(cats, counts) if c in TERRITORIAL or c == "British Transport Police"))
    return rate(total, Span(None, ctx.ages, ctx.sexes, ctx.years).children())


def map_values(ds, state, result, per_children: bool) -> tuple[dict[str, object], dict[str, object], float | None]:
    """Per force, the count 'if ticked' (the police force filter's own counts) and, when asked, the
    rate; a force the sources do not cover is '[x]'. Returns (counts, rates, England and Wales' rate)."""
    counts_arr = result.facet_counts.get(schema.FORCE)
    if counts_arr is None or result.facet_unit != "count":
        return {}, {}, None
    cats = ds.categories(schema.FORCE)
    cov = ds.coverage
    present = set(ds.values_present(schema.FORCE))
    counts: dict[str, object] = {}
    for c, n in zip(cats, counts_arr):
        if c not in schema.FORCE_NAMES:
            continue
        counts[c] = int(n) if c in present else "[x]"
    if cov is not None and not cov.complete and schema.FORCE in cov.dims:
        for c in list(counts):
            st = cov.status({schema.FORCE: c})
            if st not in ("full", "partial"):
                counts[c] = st
    if not per_children:
        return counts, {}, None
    ctx = context(ds, state, result.rows)
    rates_: dict[str, object] = {}
    for c, n in counts.items():
        if c in NO_RATE:
            rates_[c] = "[z]"
        elif isinstance(n, int):
            r = rate(n, ctx.span(force=c).children())
            rates_[c] = "[z]" if r is None else r
        else:
            rates_[c] = n
    return counts, rates_, _reference(ds, state, result, ctx)


def rated_series(series, rates: SeriesRates):
    """The chart series with its values replaced by rates (cells with no rate: 0, and their mark as
    the cell's status, so the chart shows 'no data' instead of a bar)."""
    from dataclasses import replace as _replace

    status = np.where(rates.marks == "", "full", rates.marks).astype(object)
    if series.status is not None:
        status = np.where(series.status == "partial", "partial", status).astype(object)
    return _replace(series, values=np.nan_to_num(rates.values, nan=0.0), status=status,
                    measure=RATE_HEADER.lower())


def stack_rates_refusal(series) -> str:
    """Rates of stacks with different denominators (by sex, age, force, year) do not add up into a bar."""
    if series is not None and series.stack_by in RATE_GROUPS:
        return ("Rates by this stack have different denominators and cannot be stacked into one bar: choose "
                "'(none)' under Stack by, or group by it instead.")
    return ""
