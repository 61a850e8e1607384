"""The children a figure is about: the ONS mid-year estimates of children aged 10-17 by police force,
sex and age (package data `population.csv`, made by `data/make_population.py`), and the span of a
figure under the filters (places, ages, sexes and years), which gives its denominator:

* **places**: each force when the table is grouped by force (or by area: a region is its forces, England
  and Wales all 43); otherwise the forces the filters keep, or every force the data covers;
* **ages**: exact ages kept by the filters (10-17 when none); age bands only when they lie within 10-17;
* **sex**: Boys or Girls when the filters or the grouping keep one;
* **years**: each financial year is divided by the latest estimate made before it started (2020-21 by
  mid-2019, 2021-22 by mid-2021, 2022-23 and later by mid-2022), years before 2019-20 by the earliest
  (mid-2019). A figure spanning several years is divided by the children of each year added up
  (child-years), so that it stays a rate per year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from . import schema, spellings
from .errors import FilterError

POPULATION_SOURCE = "Population: Office for National Statistics mid-year estimates, Open Government Licence v3.0"
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
