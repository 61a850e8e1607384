"""Rates per 1,000 children aged 10-17, as the Youth Justice Board and local authorities compare areas.

The denominator is the ONS mid-year estimate of children aged 10-17 (package data `population.csv`, made
by `data/make_population.py`) for the same places, ages, sexes and years as the count:

* **places**: each force when the table is grouped by force (or by area: a region is its forces, England
  and Wales all 43); otherwise the forces the filters keep, or every force the data covers;
* **ages**: exact ages kept by the filters (10-17 when none); age bands only when they lie within 10-17;
* **sex**: Boys or Girls when the filters or the grouping keep one;
* **years**: each financial year is divided by the latest estimate made before it started (2020-21 by
  mid-2019, 2021-22 by mid-2021, 2022-23 and later by mid-2022), years before 2019-20 by the earliest
  (mid-2019). A figure spanning several years is divided by the children of each year added up
  (child-years), so that it stays a rate per year.

A rate of a count that is suppressed is suppressed; of a count not available, not available. City of
London (a few hundred resident children) and British Transport Police (no resident population) have no
meaningful rate: `[z]`, not applicable. A measure that does not count children aged 10-17 (a police.uk
file's adults) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from . import schema, spellings
from .errors import FilterError

RATE_HEADER = "Per 1,000 children aged 10-17"
POPULATION_SOURCE = "Population: Office for National Statistics mid-year estimates, Open Government Licence v3.0"
NO_RATE = ("City of London", "British Transport Police")
NO_RATE_NOTE = ("City of London (a few hundred resident children) and British Transport Police (no resident "
                "population) have no meaningful rate: [z]")
ENGLAND_AND_WALES = "England and Wales"
ESTIMATE_YEARS: tuple[int, ...] = (2019, 2021, 2022)
TERRITORIAL: tuple[str, ...] = tuple(f for f in schema.FORCE_NAMES if f != "British Transport Police")


@lru_cache(maxsize=1)
def population() -> pd.DataFrame:
    """The shipped table: mid_year, force, sex (Boys/Girls), age (10-17), population."""
    from .. import data as _data

    path = resources.files(_data.__name__).joinpath("population.csv")
    with path.open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"mid_year": np.int64, "force": str, "sex": str, "age": np.int64,
                                     "population": np.int64})


@lru_cache(maxsize=1)
def _cube() -> tuple[np.ndarray, dict[int, int], dict[str, int], dict[str, int]]:
    """Population as an array [estimate year, force, sex, age-10] for quick sums."""
    pop = population()
    years = {y: i for i, y in enumerate(ESTIMATE_YEARS)}
    forces = {f: i for i, f in enumerate(TERRITORIAL)}
    sexes = {"Boys": 0, "Girls": 1}
    cube = np.zeros((len(years), len(forces), 2, 8), dtype=np.int64)
    cube[pop["mid_year"].map(years).to_numpy(), pop["force"].map(forces).to_numpy(),
         pop["sex"].map(sexes).to_numpy(), pop["age"].to_numpy() - 10] = pop["population"].to_numpy()
    return cube, years, forces, sexes


def estimate_year(financial_year: str) -> int:
    """The mid-year estimate a financial year is divided by: the latest not after the year's start (the
    estimate for mid-2020 is not used), or the earliest for years before it."""
    start = schema.fy_start(financial_year)
    before = [y for y in ESTIMATE_YEARS if y <= start]
    return before[-1] if before else ESTIMATE_YEARS[0]


def forces_of_area(name: str) -> list[str] | None:
    """The police forces an area is made of: a force itself, a region's forces, every territorial force
    for England and Wales, the Welsh or English ones for a country; None if unknown."""
    f = spellings.normalise_force(name)
    if f is not None:
        return [f]
    wide = spellings.wider_area(name)
    if wide is None:
        return None
    level, canon = wide
    if level in (schema.NATIONAL, schema.TABLE_TOTAL):
        return list(TERRITORIAL)
    if level == schema.COUNTRY:
        welsh = canon == "Wales"
        return [f for f in TERRITORIAL if (schema.FORCE_REGION[f] == "Wales") == welsh]
    region = canon.removesuffix(" region")
    return [f for f in TERRITORIAL if schema.FORCE_REGION[f].casefold() == region.casefold()]


@dataclass(frozen=True)
class Span:
    """What a figure is about, for its denominator. None means every value."""

    forces: tuple[str, ...] | None = None
    ages: tuple[int, ...] | None = None
    sexes: tuple[str, ...] | None = None
    years: tuple[str, ...] = ()

    def children(self) -> int:
        """Children aged 10-17 in the span (child-years when it spans several years)."""
        cube, yidx, fidx, sidx = _cube()
        forces = [fidx[f] for f in (self.forces or TERRITORIAL) if f in fidx]
        ages = [a - 10 for a in (self.ages or range(10, 18)) if 10 <= a <= 17]
        sexes = [sidx[s] for s in (self.sexes or ("Boys", "Girls")) if s in sidx]
        total = 0
        for fy in self.years or (schema.fy_label(ESTIMATE_YEARS[-1]),):
            sub = cube[yidx[estimate_year(fy)]]
            total += int(sub[np.ix_(forces, sexes, ages)].sum()) if forces and sexes and ages else 0
        return total


def rate(count: int, children: int) -> float | None:
    """Per 1,000 children, one decimal place; None with no children."""
    if children <= 0:
        return None
    return round(1000.0 * count / children, 1)


def rate_text(value: float | None) -> str:
    return "[z]" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class RateContext:
    """What the filters and the data say about the span of every figure of a table."""

    forces: tuple[str, ...] | None
    ages: tuple[int, ...] | None
    sexes: tuple[str, ...] | None
    years: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def span(self, **fixed) -> Span:
        """The span of one cell: its own values where the table is grouped by them."""
        forces = self.forces
        if "force" in fixed:
            forces = tuple(forces_of_area(fixed["force"]) or ())
        if fixed.get("forces"):
            forces = tuple(fixed["forces"])
        ages = tuple(fixed["ages"]) if "ages" in fixed else self.ages
        sexes = (fixed["sex"],) if "sex" in fixed else self.sexes
        years = (fixed["year"],) if "year" in fixed else self.years
        return Span(forces, ages, sexes, years)


def context(ds, state, rows: np.ndarray) -> RateContext:
    """The span of the figures the state keeps; FilterError when they do not count children aged 10-17."""
    notes: list[str] = []
    ages = _ages(ds, state, rows)
    forces = _forces(ds, state)
    sexes = _sexes(ds, state)
    years = _years(ds, state)
    used = sorted({estimate_year(y) for y in years}) if years else [ESTIMATE_YEARS[-1]]
    notes.append("population estimates used: " + ", ".join(f"mid-{y}" for y in used)
                 + (" (years before 2019-20 use mid-2019)" if years and min(years) < "2019-20" else ""))
    return RateContext(forces, ages, sexes, years, tuple(notes))


def _ages(ds, state, rows: np.ndarray) -> tuple[int, ...] | None:
    if ds.has(schema.AGE) and ds.role(schema.AGE) is schema.Role.AGE:
        present = [c for c, n in zip(ds.categories(schema.AGE), np.bincount(ds.codes(schema.AGE)[rows],
                   minlength=len(ds.categories(schema.AGE)))) if n and c != schema.NOT_RECORDED]
        bad = [c for c in present if not (10 <= float(c) <= 17)]
        if bad:
            raise FilterError(f"Rates per 1,000 children aged 10-17 need counts of children aged 10-17; the "
                              f"selection includes ages {', '.join(bad[:5])}. Narrow the ages to 10-17 first.")
        if state.age_range is not None:
            lo, hi = state.age_range
            return tuple(range(max(lo, 10), min(hi, 17) + 1))
        return None
    if ds.has(schema.AGE_BAND):
        cats = ds.categories(schema.AGE_BAND)
        n = np.bincount(ds.codes(schema.AGE_BAND)[rows], minlength=len(cats))
        present = [c for c, k in zip(cats, n) if k]
        out: set[int] = set()
        for band in present:
            b = schema.band_bounds(band) if band != schema.NOT_RECORDED else None
            if b is None or b[0] < 10 or b[1] > 17:
                raise FilterError(f"Rates per 1,000 children aged 10-17 need counts of children aged 10-17; the "
                                  f"selection includes the age band {band!r}. Keep only bands within 10-17 "
                                  "first (for police.uk data: the band 10-17).")
            out |= set(range(b[0], b[1] + 1))
        return tuple(sorted(out)) if out != set(range(10, 18)) else None
    return None  # tables of children with no age column (Home Office 10-17 tables say so in their band)


def _forces(ds, state) -> tuple[str, ...] | None:
    sel = state.selected(schema.FORCE)
    if sel is not None:
        return tuple(f for f in sel if f in TERRITORIAL)
    area_sel = state.selected(schema.AREA) if ds.has(schema.AREA) else None
    if area_sel is not None:
        out: list[str] = []
        for a in area_sel:
            out += forces_of_area(a) or []
        return tuple(dict.fromkeys(out))
    if ds.has(schema.FORCE):
        present = [f for f in ds.values_present(schema.FORCE) if f in TERRITORIAL]
        if ds.has(schema.AREA_LEVEL) and schema.FORCE_AREA not in (state.selected(schema.AREA_LEVEL) or {}):
            return None  # wider areas: each is its own forces (the grouping says which)
        if present and len(present) < len(TERRITORIAL):
            return tuple(present)
    return None


def _sexes(ds, state) -> tuple[str, ...] | None:
    sel = state.selected(schema.SEX)
    if sel is None:
        return None
    words = {"boys": "Boys", "male": "Boys", "girls": "Girls", "female": "Girls"}
    kept = {words.get(s.casefold()) for s in sel}
    kept.discard(None)
    return tuple(sorted(kept)) if kept and len(kept) < 2 else None


def _years(ds, state) -> tuple[str, ...]:
    if not ds.has(schema.FINANCIAL_YEAR):
        return ()
    years = [y for y in ds.values_present(schema.FINANCIAL_YEAR) if y != schema.NOT_RECORDED]
    sel = state.selected(schema.FINANCIAL_YEAR)
    if sel is not None:
        years = [y for y in years if y in sel]
    if state.year_range is not None:
        a, b = state.year_range
        years = [y for y in years if a <= y <= b]
    return tuple(years)


def check_measure(ds, rows: np.ndarray) -> None:
    """Rates need counts of children: refuse measures that the data shows to include adults."""
    if ds.has(schema.MEASURE):
        present = [m for m, n in zip(ds.categories(schema.MEASURE), np.bincount(
            ds.codes(schema.MEASURE)[rows], minlength=len(ds.categories(schema.MEASURE)))) if n]
        if len(present) > 1:
            raise FilterError("Choose one measure before asking for rates: different measures are never added.")


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

    from .disclosure import aggregate, protect_table, table_dims

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
    from .disclosure import aggregate, protect_table, table_dims

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
