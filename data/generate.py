"""Deterministic generator of the embedded SYNTHETIC sample (see README.md in this folder).

No row is a real child or a real offence. Every row is one invented drug offence by a child (10-17) in a
police force area of England and Wales, with the outcome it ended in. The default sample
(``generate()``, about 100,000 rows) is calibrated so that a handful of published figures come out
exactly; ``generate(rows=N)`` makes N rows with the same distributions (but no exact calibration) for
benchmarks, fully vectorised with numpy. Every Parquet file written by ``write()`` carries a synthetic marker
in its schema metadata (key ``MARKER_KEY``), so a program can tell it is not real data.

    python -m youthdrugs_gui.data.generate                 # rewrite data/sample.parquet
    python -m youthdrugs_gui.data.generate --rows 5000000 -o big.parquet
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from youthdrugs_gui.core import schema

DEFAULT_SEED = 20240401
DEFAULT_ROWS = 100_000

# The synthetic marker: a key of the Parquet schema metadata whose value is JSON (see marker()).
MARKER_KEY = b"youthdrugs_gui"
GENERATOR = "youthdrugs_gui.data.generate"
MARKER_DESCRIPTION = "Synthetic data: made up for trying the program; describes no real child."
_ATTRS_KEY = "youthdrugs_gui.synthetic"  # where generate() leaves seed and calibration for write()

FIRST_YEAR = 2013
YEARS: tuple[str, ...] = tuple(schema.fy_label(y) for y in range(FIRST_YEAR, 2024))  # 2013-14 .. 2023-24
AGES: tuple[int, ...] = schema.AGES  # 10 .. 17
SEXES: tuple[str, ...] = ("Boys", "Girls")
ETHNICITIES: tuple[str, ...] = ("White", "Black", "Asian", "Mixed", "Other", "Not stated")
MEASURE = "Recorded offence"
PROVEN = frozenset(schema.PROVEN_OUTCOMES)

COLUMNS: tuple[str, ...] = (
    schema.FINANCIAL_YEAR, schema.DATE, schema.FORCE, schema.AGE, schema.SEX, schema.ETHNICITY,
    schema.OFFENCE_TYPE, schema.DRUG_CLASS, schema.OUTCOME, schema.MEASURE, schema.COUNT,
)

EAST_OF_ENGLAND: tuple[str, ...] = tuple(
    f for f in schema.FORCE_NAMES if schema.FORCE_REGION[f] == "East of England")

# ---- the published figures the default sample reproduces ---------------------------------------------
# West Mercia: proven drug offences by children per financial year, 2013-14 .. 2020-21. 2020-21 is the
# published 52; the earlier years are invented but sum with it to 974 ("almost 1,000").
WEST_MERCIA_PROVEN: dict[str, int] = dict(zip(YEARS[:8], (178, 162, 146, 131, 118, 105, 82, 52)))
# England and Wales, 2020-21: "about 4,000" proven drug offences by children.
ENGLAND_WALES_PROVEN_2020_21 = 4_000
# The five financial years of the Cambridgeshire and Essex FOI answers ("2018 to 2023").
FOI_YEARS: tuple[str, ...] = YEARS[5:10]  # 2018-19 .. 2022-23
UNDER_16: tuple[int, ...] = tuple(range(10, 16))
# Cambridgeshire, under-16s, 2018-19 .. 2022-23: (offence type, drug class) -> offences. Possession 76
# (class A or B), supply 41, possession with intent to supply 83 of which 36 class A are published; the
# class split within them and the three offences of other types are invented.
CAMBRIDGESHIRE_UNDER_16: dict[tuple[str, str], int] = {
    ("Possession", "A"): 9,
    ("Possession", "B"): 67,
    ("Supply or offering to supply", "A"): 17,
    ("Supply or offering to supply", "B"): 22,
    ("Supply or offering to supply", "Not known"): 2,
    ("Possession with intent to supply", "A"): 36,
    ("Possession with intent to supply", "B"): 41,
    ("Possession with intent to supply", "C"): 1,
    ("Possession with intent to supply", "Not known"): 5,
    ("Production or cultivation", "B"): 2,
    ("Other drug offence", "Not known"): 1,
}
# Essex, under-16s, 2018-19 .. 2022-23: 1,214 drug offences (all types, all outcomes).
ESSEX_UNDER_16 = 1_214

# ---- the invented distributions ----------------------------------------------------------------------
# Relative size of each force: roughly its resident population in thousands (City of London and British
# Transport Police, which have almost no residents, get small nominal weights).
_FORCE_WEIGHT: dict[str, float] = {
    "Avon and Somerset": 1760, "Bedfordshire": 700, "Cambridgeshire": 900, "Cheshire": 1100,
    "City of London": 15, "Cleveland": 570, "Cumbria": 500, "Derbyshire": 1060, "Devon and Cornwall": 1800,
    "Dorset": 780, "Durham": 640, "Dyfed-Powys": 520, "Essex": 1850, "Gloucestershire": 650,
    "Greater Manchester": 2870, "Gwent": 600, "Hampshire": 2030, "Hertfordshire": 1200, "Humberside": 940,
    "Kent": 1880, "Lancashire": 1530, "Leicestershire": 1120, "Lincolnshire": 770, "Merseyside": 1430,
    "Metropolitan Police": 8800 * 1.3, "Norfolk": 920, "North Wales": 700, "North Yorkshire": 830,
    "Northamptonshire": 790, "Northumbria": 1470, "Nottinghamshire": 1170, "South Wales": 1330,
    "South Yorkshire": 1410, "Staffordshire": 1140, "Suffolk": 770, "Surrey": 1210, "Sussex": 1720,
    "Thames Valley": 2470, "Warwickshire": 600, "West Mercia": 1310, "West Midlands": 2940,
    "West Yorkshire": 2350, "Wiltshire": 740, "British Transport Police": 250,
}
# National trend: offences fall from 2013-14 to 2021-22, then tick up a little. The national total of every
# year follows this shape exactly (up to rounding); the forces share it out with their own trends.
_YEAR_TREND = np.array([1.00, 0.93, 0.86, 0.80, 0.77, 0.76, 0.74, 0.66, 0.60, 0.62, 0.64])
# Force-specific multipliers on the national trend that are fixed by the calibration. Essex rises with
# county-lines activity (so that its FOI figure fits); West Mercia falls faster than the country (so that its
# published series fits). Every other force gets a smooth random walk (_force_walks()).
_FORCE_TREND: dict[str, np.ndarray] = {
    "Essex": np.array([1.3, 1.4, 1.5, 1.7, 2.0, 2.5, 2.6, 2.7, 2.7, 2.5, 2.3]),
    "West Mercia": np.array([1.30, 1.28, 1.25, 1.20, 1.12, 1.02, 0.85, 0.60, 0.60, 0.62, 0.64]),
}
# The random walks: their own fixed seed, so every seed and row count has the same force trends. Each force's
# log-multiplier moves by a yearly slope that itself drifts (slope_t = DAMP * slope_t-1 + noise), which gives
# smooth rises and falls with turning points; centred on the force's mean and clipped to [-CLIP, CLIP].
_WALK_SEED = 11
_WALK_SLOPE0_SD = 0.07
_WALK_STEP_SD = 0.08
_WALK_DAMP = 0.75
_WALK_CLIP = 0.5
_WALK_FULL_SIZE = 1500.0  # forces up to this weight get the whole walk; bigger ones a damped one
# Exact age 10..17: few 10-year-olds, most 15-17. Row 0: everywhere; row 1: Norfolk (no 10-year-olds);
# row 2: the rest of the East of England (no 10- or 11-year-olds).
_AGE_P = np.array([
    [0.3, 0.9, 2.8, 6.0, 11.0, 18.0, 27.0, 34.0],
    [0.0, 0.9, 2.8, 6.0, 11.0, 18.0, 27.0, 34.0],
    [0.0, 0.0, 2.8, 6.0, 11.0, 18.0, 27.0, 34.0],
])
# Girls' share (%) of children's drug offences by financial year, 2013-14 .. 2023-24: the Home Office
# arrests of 10-17s for drug offences, England and Wales (../shared/data/raw/ho-arrests-children), girls /
# (girls + boys), rounded to 0.1: 8.4 (2013-14), 8.8, 8.9, 7.5, [2017-18 missing in the file: 7.0,
# between its neighbours], 6.5, 6.5, 6.7, 6.9 (2021-22); 2022-23 and 2023-24 are after the file and carry
# 7.0 on.
_GIRLS_PCT = np.array([8.4, 8.8, 8.9, 7.5, 7.0, 6.5, 6.5, 6.7, 6.9, 7.0, 7.0])
# Relative odds of a girl by age 10..17 (invented: girls come into the youth justice system younger than boys,
# so their share is highest at 13-15 and lowest at 17). Normalised so that each year's share over the
# national age mix is _GIRLS_PCT.
_GIRLS_AGE = np.array([0.85, 1.0, 1.15, 1.3, 1.35, 1.2, 1.0, 0.88])
# Ethnicity: row 0 most forces; row 1 the big metropolitan forces.
_METROPOLITAN = ("Metropolitan Police", "City of London", "West Midlands", "Greater Manchester",
                 "British Transport Police")
_ETHNICITY_P = np.array([
    [72.0, 7.0, 6.0, 7.0, 2.0, 6.0],
    [38.0, 28.0, 13.0, 11.0, 4.0, 6.0],
])
# Offence type by age group (10-13, 14-15, 16-17), before the yearly shift from possession to supply.
_OFFENCE_P = np.array([
    # Poss  PWITS  Supply Prod  Import Other
    [72.0, 11.0, 11.0, 3.0, 0.3, 2.7],
    [70.0, 14.0, 10.0, 3.0, 0.3, 2.7],
    [66.0, 17.0, 11.0, 3.5, 0.5, 2.0],
])
_OFFENCE_SHIFT_PER_YEAR = 1.0  # percentage points a year moved from possession to PWITS (0.6) and supply (0.4)
# Drug class by offence type: cannabis (B) dominates possession; A is common in supply and PWITS.
_CLASS_P = np.array([
    #  A     B     C   Not known
    [10.0, 84.0, 2.0, 4.0],   # Possession
    [45.0, 48.0, 2.0, 5.0],   # Possession with intent to supply
    [50.0, 42.0, 2.0, 6.0],   # Supply or offering to supply
    [1.0, 95.0, 1.0, 3.0],    # Production or cultivation
    [40.0, 35.0, 10.0, 15.0],  # Importation or exportation
    [15.0, 35.0, 10.0, 40.0],  # Other drug offence
])
# Outcome by offence type in 2013-14; over the years community resolutions replace youth cautions.
_OUTCOME_P = np.array([
    # NFA  CR    YC    YCC   Conv
    [17.0, 24.0, 36.0, 7.0, 16.0],   # Possession
    [22.0, 7.0, 15.0, 9.0, 47.0],    # Possession with intent to supply
    [22.0, 7.0, 15.0, 9.0, 47.0],    # Supply or offering to supply
    [22.0, 16.0, 28.0, 9.0, 25.0],   # Production or cultivation
    [25.0, 2.0, 8.0, 5.0, 60.0],     # Importation or exportation
    [27.0, 22.0, 23.0, 9.0, 19.0],   # Other drug offence
])
_DIVERSION_SHIFT_PER_YEAR = 0.5  # share of an offence's youth cautions moved to community resolution by 2023-24
# Outcome weights by age 10..17, multiplying the table above (then renormalised): the youngest children are
# mostly dealt with by no further action or a community resolution; conviction is for the oldest.
_OUTCOME_AGE = np.array([
    # NFA  CR    YC    YCC   Conv
    [2.2, 2.2, 0.8, 0.25, 0.06],   # 10
    [2.0, 2.0, 0.85, 0.3, 0.09],   # 11
    [1.7, 1.8, 0.9, 0.45, 0.15],   # 12
    [1.4, 1.5, 1.0, 0.7, 0.35],    # 13
    [1.15, 1.2, 1.05, 0.9, 0.65],  # 14
    [1.0, 1.0, 1.0, 1.0, 0.95],    # 15
    [0.95, 0.92, 1.0, 1.05, 1.1],  # 16
    [0.9, 0.85, 0.95, 1.1, 1.25],  # 17
])
# Dates. Relative rate by calendar month (January .. December): fewer in the August school holidays and in
# December; and by weekday (Monday .. Sunday): most on weekdays, fewest on Sundays. Both invented.
_MONTH_W = np.array([1.00, 1.02, 1.06, 0.98, 1.04, 1.04, 1.02, 0.84, 1.00, 1.06, 1.06, 0.86])
_WEEKDAY_W = np.array([0.98, 1.04, 1.05, 1.06, 1.08, 0.95, 0.84])
# The covid-19 lockdowns in England: relative rate over (first day, last day) inclusive.
_LOCKDOWNS: tuple[tuple[str, str, float], ...] = (
    ("2020-03-23", "2020-05-12", 0.55),  # first lockdown, stay at home
    ("2020-05-13", "2020-06-30", 0.80),  # first easing, schools mostly shut
    ("2020-11-05", "2020-12-01", 0.90),  # second lockdown (schools open)
    ("2021-01-06", "2021-03-07", 0.85),  # third lockdown, schools shut
)


def _age_table() -> np.ndarray:
    return _AGE_P / _AGE_P.sum(axis=1, keepdims=True)


def _offence_table() -> np.ndarray:
    """Rows: year * 3 + age group."""
    rows = []
    for yi in range(len(YEARS)):
        for g in range(3):
            p = _OFFENCE_P[g].copy()
            shift = _OFFENCE_SHIFT_PER_YEAR * yi
            p[0] -= shift
            p[1] += 0.6 * shift
            p[2] += 0.4 * shift
            rows.append(p / p.sum())
    return np.array(rows)


def _outcome_table() -> np.ndarray:
    """Rows: (year * 6 + offence type) * 8 + age code."""
    rows = []
    n = len(YEARS)
    for yi in range(n):
        for oi in range(len(schema.OFFENCE_TYPES)):
            p = _OUTCOME_P[oi].copy()
            moved = p[2] * _DIVERSION_SHIFT_PER_YEAR * yi / (n - 1)
            p[2] -= moved
            p[1] += moved
            for a in range(len(AGES)):
                q = p * _OUTCOME_AGE[a]
                rows.append(q / q.sum())
    return np.array(rows)


def _sex_table() -> np.ndarray:
    """Rows: year * 8 + age code; columns Boys, Girls. Each year's girls' share over the national age mix is
    _GIRLS_PCT, higher at 13-15 than at 10 or 17."""
    age_p = _age_table()[0]
    rows = []
    for pct in _GIRLS_PCT:
        scale = pct / 100 / float((age_p * _GIRLS_AGE).sum())
        for a in range(len(AGES)):
            g = scale * _GIRLS_AGE[a]
            rows.append((1 - g, g))
    return np.array(rows)


def _force_walks() -> np.ndarray:
    """(44, 11) multipliers of the national trend: a smooth random walk per force from _WALK_SEED."""
    rng = np.random.default_rng(_WALK_SEED)
    n_f, n_y = len(schema.FORCE_NAMES), len(YEARS)
    slope = rng.normal(0.0, _WALK_SLOPE0_SD, n_f)
    log = np.zeros((n_f, n_y))
    for t in range(1, n_y):
        slope = _WALK_DAMP * slope + rng.normal(0.0, _WALK_STEP_SD, n_f)
        log[:, t] = log[:, t - 1] + slope
    log -= log.mean(axis=1, keepdims=True)
    # A big force is many districts whose ups and downs partly cancel: its walk is damped towards the
    # country's trend, by sqrt(_WALK_FULL_SIZE / weight) (the Metropolitan Police's to about a third).
    w = np.array([_FORCE_WEIGHT[f] for f in schema.FORCE_NAMES], dtype=float)
    log *= np.minimum(1.0, np.sqrt(_WALK_FULL_SIZE / w))[:, None]
    return np.exp(np.clip(log, -_WALK_CLIP, _WALK_CLIP))


def _expected_cells() -> np.ndarray:
    """Expected relative size of each (force, year) cell, shape (44, 11). Year totals are proportional to
    _YEAR_TREND; Essex and West Mercia are population weight * _YEAR_TREND * their _FORCE_TREND; the other
    forces share the rest of each year in proportion to population weight * their random walk."""
    w = np.array([_FORCE_WEIGHT[f] for f in schema.FORCE_NAMES], dtype=float)
    year_total = w.sum() * _YEAR_TREND
    fixed = np.zeros(len(w), dtype=bool)
    expected = w[:, None] * _force_walks()
    for f, mult in _FORCE_TREND.items():
        i = schema.FORCE_NAMES.index(f)
        fixed[i] = True
        expected[i] = w[i] * _YEAR_TREND * mult
    rest = year_total - expected[fixed].sum(axis=0)
    expected[~fixed] *= rest / expected[~fixed].sum(axis=0)
    return expected


def _day_weights() -> np.ndarray:
    """Relative rate of each day from 1 April of FIRST_YEAR to the end of the last financial year."""
    first = np.datetime64(f"{FIRST_YEAR}-04-01", "D")
    days = np.arange(first, np.datetime64(f"{FIRST_YEAR + len(YEARS)}-04-01", "D"))
    month = days.astype("datetime64[M]").astype(np.int64) % 12  # 0 = January
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    w = _MONTH_W[month] * _WEEKDAY_W[weekday]
    for lo, hi, f in _LOCKDOWNS:
        w[(days >= np.datetime64(lo)) & (days <= np.datetime64(hi))] *= f
    return w


def _cell_counts(rows: int) -> np.ndarray:
    """Rows per (force, year), shape (44, 11), summing exactly to `rows`: largest-remainder rounding of
    the expected counts, with at least one row per cell when there are enough rows."""
    expected = _expected_cells()
    expected *= rows / expected.sum()
    counts = np.floor(expected).astype(np.int64)
    if rows >= 10 * counts.size:
        counts = np.maximum(counts, 1)
    short = rows - int(counts.sum())
    rem = (expected - counts).ravel()
    order = np.argsort(-rem, kind="stable")
    flat = counts.ravel()
    if short > 0:
        flat[order[:short]] += 1
    elif short < 0:  # only after the floor of 1: take from the biggest cells
        big = np.argsort(-flat, kind="stable")[: -short]
        flat[big] -= 1
    return flat.reshape(counts.shape)


def _draw(rng: np.random.Generator, cond: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Vectorised categorical draw: codes (int8) with P(code = k | row) = table[cond[row], k]."""
    table = np.atleast_2d(np.asarray(table, dtype=float))
    cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)[:, :-1].astype(np.float32)
    u = rng.random(len(cond), dtype=np.float32)
    out = np.zeros(len(cond), dtype=np.int8)
    for k in range(cdf.shape[1]):
        out += u >= cdf[:, k][cond]
    return out


def _draw_n(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """n codes drawn from the one distribution p."""
    return _draw(rng, np.zeros(n, dtype=np.int8), p[None, :])


def _pick(rng: np.random.Generator, idx: np.ndarray, k: int) -> np.ndarray:
    """k of the row indices idx, chosen at random, in ascending order."""
    if k > len(idx):
        raise ValueError(f"cannot pick {k} rows out of {len(idx)}")
    return np.sort(rng.choice(idx, size=k, replace=False))


def _set_count(rng, codes, idx, target, inside, redraw_in, redraw_out):
    """Make exactly `target` of the rows `idx` have a code in `inside` (a boolean lookup over codes):
    rows to move in or out are picked at random and redrawn by redraw_in(rows) / redraw_out(rows)."""
    is_in = inside[codes[idx]]
    have = int(is_in.sum())
    if have > target:
        rows = _pick(rng, idx[is_in], have - target)
        codes[rows] = redraw_out(rows)
    elif have < target:
        rows = _pick(rng, idx[~is_in], target - have)
        codes[rows] = redraw_in(rows)


def _codes() -> tuple[dict, dict, dict, dict]:
    """Label -> code for force, year, offence type and drug class."""
    return tuple({v: i for i, v in enumerate(values)}
                 for values in (schema.FORCE_NAMES, YEARS, schema.OFFENCE_TYPES, schema.DRUG_CLASSES))


def _calibrate_ages_and_offences(rng, force, year, age, offence, drug_class) -> None:
    """Overwrite ages and offences of the constrained slices of the default sample (in place) so each
    published figure about them holds exactly. Sex and outcome, which depend on age and offence, are drawn
    afterwards."""
    f_code, y_code, o_code, c_code = _codes()
    foi_years = np.zeros(len(YEARS), dtype=bool)
    foi_years[[y_code[y] for y in FOI_YEARS]] = True
    under16 = np.zeros(len(AGES), dtype=bool)
    under16[[a - AGES[0] for a in UNDER_16]] = True
    eoe_age = _age_table()[2]  # ages 12-17

    def age_redraw(young: bool):
        p = eoe_age * (under16 if young else ~under16)
        return lambda rows: _draw_n(rng, p, len(rows))

    # Exactly N under-16s in the Essex and Cambridgeshire FOI years.
    for name, target in (("Essex", ESSEX_UNDER_16), ("Cambridgeshire", sum(CAMBRIDGESHIRE_UNDER_16.values()))):
        idx = np.flatnonzero((force == f_code[name]) & foi_years[year])
        _set_count(rng, age, idx, target, under16, age_redraw(True), age_redraw(False))

    # At least one 12-year-old in Bedfordshire, Hertfordshire, Essex and Suffolk in the FOI years (an under-16
    # row becomes 12, so the Essex count above is kept).
    for name in ("Bedfordshire", "Hertfordshire", "Essex", "Suffolk"):
        rows = np.flatnonzero((force == f_code[name]) & foi_years[year])
        if not (age[rows] == 2).any():
            young = rows[under16[age[rows]]]
            age[(young if len(young) else rows)[0]] = 2

    # Cambridgeshire under-16s: offence type and class by construction.
    idx = np.flatnonzero((force == f_code["Cambridgeshire"]) & foi_years[year] & under16[age])
    pairs = np.array([(o_code[o], c_code[c]) for (o, c), n in CAMBRIDGESHIRE_UNDER_16.items()
                      for _ in range(n)], dtype=np.int8)
    pairs = pairs[rng.permutation(len(pairs))]
    offence[idx] = pairs[:, 0]
    drug_class[idx] = pairs[:, 1]

    # Norfolk: at least one 11-year-old charged with supply in the FOI years (the published "youngest
    # arrested" covers them). Norfolk has no under-16 figure, so a 17-year-old may become the 11-year-old.
    supply = o_code["Supply or offering to supply"]
    norfolk = np.flatnonzero((force == f_code["Norfolk"]) & foi_years[year])
    norfolk11 = norfolk[age[norfolk] == 1]
    if not (offence[norfolk11] == supply).any():
        row = norfolk11[0] if len(norfolk11) else norfolk[age[norfolk] == len(AGES) - 1][0]
        age[row] = 1
        offence[row] = supply
        drug_class[row] = _draw_n(rng, _CLASS_P[supply], 1)[0]


def _calibrate_sex(rng, year, age, sex) -> None:
    """Make the number of girls of each (year, age) cell of the default sample its expected count, rounded
    (in place), so the girls' shares follow _GIRLS_PCT and _GIRLS_AGE without sampling noise: with about
    7,000-12,000 rows a year, a free draw strays by 0.3 percentage points or more."""
    cond = year.astype(np.int16) * len(AGES) + age
    p_girl = _sex_table()[:, 1]
    order = np.argsort(cond, kind="stable")
    ends = np.cumsum(np.bincount(cond, minlength=len(p_girl)))
    girl = np.array([False, True])

    def to(code: int):
        return lambda rows: np.full(len(rows), code, dtype=np.int8)

    for c, (lo, hi) in enumerate(zip(np.concatenate(([0], ends[:-1])), ends)):
        idx = order[lo:hi]
        _set_count(rng, sex, idx, int(round(p_girl[c] * len(idx))), girl, to(1), to(0))


def _outcome_cond(year: np.ndarray, offence: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Row index into _outcome_table()."""
    return (year.astype(np.int16) * len(schema.OFFENCE_TYPES) + offence) * len(AGES) + age


def _calibrate_proven(rng, force, year, age, offence, outcome) -> None:
    """Redraw outcomes (in place) between proven and not proven until West Mercia has exactly its published
    proven count each year, and England and Wales exactly 4,000 in 2020-21."""
    f_code, y_code, _, _ = _codes()
    proven = np.array([o in PROVEN for o in schema.OUTCOMES])
    table = _outcome_table()
    cond = _outcome_cond(year, offence, age)

    def outcome_redraw(want_proven: bool):
        mask = proven if want_proven else ~proven
        return lambda rows: _draw(rng, cond[rows], table * mask)

    wm = f_code["West Mercia"]
    for y, target in WEST_MERCIA_PROVEN.items():
        idx = np.flatnonzero((force == wm) & (year == y_code[y]))
        _set_count(rng, outcome, idx, target, proven, outcome_redraw(True), outcome_redraw(False))
    y2021 = y_code["2020-21"]
    idx = np.flatnonzero((force != wm) & (year == y2021))
    _set_count(rng, outcome, idx, ENGLAND_WALES_PROVEN_2020_21 - WEST_MERCIA_PROVEN["2020-21"], proven,
               outcome_redraw(True), outcome_redraw(False))


_DAY_BINS = 1 << 14  # lookup-table bins per financial year for _draw_days (each day is wider than one bin)


def _draw_days(rng: np.random.Generator, year: np.ndarray, fy_bounds: np.ndarray) -> np.ndarray:
    """A day (int16, days since 1 April of FIRST_YEAR) for each row, inside the row's financial year, with
    probability proportional to _day_weights(). Inverse CDF per year through a lookup table: bin b of year y
    holds the day where quantile b / _DAY_BINS falls; as every day is wider than a bin, the day of a quantile
    u in bin b is that day or the next, one comparison (exact, and quicker than a binary search)."""
    weights = _day_weights()
    n_years = len(fy_bounds) - 1
    width = int(np.diff(fy_bounds).max())
    cdf = np.ones((n_years, width + 1), dtype=np.float32)  # per year; padded with 1.0 past its last day
    lut = np.empty((n_years, _DAY_BINS), dtype=np.int16)
    q = np.arange(_DAY_BINS, dtype=np.float32) / np.float32(_DAY_BINS)
    for y in range(n_years):
        w = weights[fy_bounds[y]:fy_bounds[y + 1]]
        if (w / w.sum()).min() * _DAY_BINS <= 1.0:
            raise AssertionError("a day is narrower than a lookup bin: raise _DAY_BINS")
        c = np.concatenate(([0.0], np.cumsum(w) / w.sum())).astype(np.float32)
        c[-1] = 1.0
        cdf[y, :len(c)] = c
        lut[y] = np.searchsorted(c, q, side="right") - 1
    u = rng.random(len(year), dtype=np.float32)
    row = year.astype(np.intp)
    day = lut.ravel()[row * _DAY_BINS + (u * np.float32(_DAY_BINS)).astype(np.intp)]
    day += u >= cdf.ravel()[row * (width + 1) + day + 1]
    day += fy_bounds[:-1].astype(np.int16)[year]
    return day


def generate(rows: int | None = None, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The synthetic data set. rows=None: THE embedded sample (DEFAULT_ROWS rows, every published figure
    in README.md exact). rows=N: N rows with the same distributions, without the exact calibration.
    The frame's attrs record the seed and calibration for write()'s synthetic marker."""
    calibrate = rows is None
    n_rows = DEFAULT_ROWS if rows is None else int(rows)
    if n_rows < 0:
        raise ValueError("rows must not be negative")
    rng = np.random.default_rng(seed)
    n_forces, n_years = len(schema.FORCE_NAMES), len(YEARS)

    counts = _cell_counts(n_rows)  # (force, year)
    cell = np.repeat(np.arange(counts.size, dtype=np.int32), counts.ravel())
    force = (cell // n_years).astype(np.int8)
    year = (cell % n_years).astype(np.int8)
    del cell

    # Date: a day of the financial year, weighted by month, weekday and the lockdowns.
    fy_start = np.array([np.datetime64(f"{FIRST_YEAR + i}-04-01", "D") for i in range(n_years + 1)])
    start_day = int(fy_start[0].astype(np.int64))
    day = _draw_days(rng, year, fy_start.astype(np.int64) - start_day)

    eoe = np.zeros(n_forces, dtype=np.int8)
    for f in EAST_OF_ENGLAND:
        eoe[schema.FORCE_NAMES.index(f)] = 1 if f == "Norfolk" else 2
    age = _draw(rng, eoe[force], _age_table())  # code 0..7 = age 10..17
    metro = np.zeros(n_forces, dtype=np.int8)
    for f in _METROPOLITAN:
        metro[schema.FORCE_NAMES.index(f)] = 1
    ethnicity = _draw(rng, metro[force], _ETHNICITY_P)
    age_group = np.array([0, 0, 0, 0, 1, 1, 2, 2], dtype=np.int8)
    offence = _draw(rng, year.astype(np.int16) * 3 + age_group[age], _offence_table())
    drug_class = _draw(rng, offence, _CLASS_P)
    if calibrate:
        _calibrate_ages_and_offences(rng, force, year, age, offence, drug_class)
    sex = _draw(rng, year.astype(np.int16) * len(AGES) + age, _sex_table())
    if calibrate:
        _calibrate_sex(rng, year, age, sex)
    outcome = _draw(rng, _outcome_cond(year, offence, age), _outcome_table())
    if calibrate:
        _calibrate_proven(rng, force, year, age, offence, outcome)

    # Rows in date order; within a day, in force order (stable radix sort on 16-bit day numbers).
    order = np.argsort(day, kind="stable")
    day_ns = (day[order].astype(np.int64) + start_day) * np.int64(86_400_000_000_000)

    def cat(codes: np.ndarray, categories, ordered: bool = False) -> pd.Categorical:
        return pd.Categorical.from_codes(codes[order], categories=pd.Index(list(categories)),
                                         ordered=ordered)

    frame = pd.DataFrame({
        schema.FINANCIAL_YEAR: cat(year, YEARS, ordered=True),
        schema.DATE: day_ns.view("M8[ns]"),
        schema.FORCE: cat(force, schema.FORCE_NAMES),
        schema.AGE: (age[order] + np.int8(AGES[0])).astype(np.int8),
        schema.SEX: cat(sex, SEXES),
        schema.ETHNICITY: cat(ethnicity, ETHNICITIES),
        schema.OFFENCE_TYPE: cat(offence, schema.OFFENCE_TYPES),
        schema.DRUG_CLASS: cat(drug_class, schema.DRUG_CLASSES),
        schema.OUTCOME: cat(outcome, schema.OUTCOMES),
        schema.MEASURE: pd.Categorical.from_codes(np.zeros(n_rows, dtype=np.int8),
                                                  categories=pd.Index([MEASURE])),
        schema.COUNT: np.ones(n_rows, dtype=np.int64),
    })
    frame.attrs[_ATTRS_KEY] = {"seed": int(seed), "calibrated": calibrate}
    return frame


def targets(df: pd.DataFrame) -> dict[str, int]:
    """Every calibration figure of README.md, computed from a frame in the sample's layout (counts are
    sums of the count column, so aggregated frames work too)."""
    force = df[schema.FORCE].astype(object)
    year = df[schema.FINANCIAL_YEAR].astype(object)
    age = df[schema.AGE].astype(int)
    offence = df[schema.OFFENCE_TYPE].astype(object)
    dclass = df[schema.DRUG_CLASS].astype(object)
    n = df[schema.COUNT].astype(np.int64)
    proven = df[schema.OUTCOME].astype(object).isin(PROVEN)

    def total(mask) -> int:
        return int(n[mask].sum())

    wm = force == "West Mercia"
    cambs = (force == "Cambridgeshire") & year.isin(FOI_YEARS) & age.isin(UNDER_16)
    essex = (force == "Essex") & year.isin(FOI_YEARS) & age.isin(UNDER_16)
    eoe = force.isin(EAST_OF_ENGLAND)
    foi = year.isin(FOI_YEARS)
    out = {
        "west_mercia_2020_21_proven": total(wm & (year == "2020-21") & proven),
        "west_mercia_2013_14_to_2020_21_proven": total(wm & year.isin(YEARS[:8]) & proven),
        "england_wales_2020_21_proven": total((year == "2020-21") & proven),
        "cambridgeshire_under16_2018_19_to_2022_23_total": total(cambs),
        "cambridgeshire_under16_2018_19_to_2022_23_possession": total(cambs & (offence == "Possession")),
        "cambridgeshire_under16_2018_19_to_2022_23_possession_class_a_or_b":
            total(cambs & (offence == "Possession") & dclass.isin(("A", "B"))),
        "cambridgeshire_under16_2018_19_to_2022_23_supply":
            total(cambs & (offence == "Supply or offering to supply")),
        "cambridgeshire_under16_2018_19_to_2022_23_pwits":
            total(cambs & (offence == "Possession with intent to supply")),
        "cambridgeshire_under16_2018_19_to_2022_23_pwits_class_a":
            total(cambs & (offence == "Possession with intent to supply") & (dclass == "A")),
        "cambridgeshire_under16_2018_19_to_2022_23_other_types":
            total(cambs & ~offence.isin(("Possession", "Supply or offering to supply",
                                         "Possession with intent to supply"))),
        "essex_under16_2018_19_to_2022_23_total": total(essex),
        "norfolk_age11_supply_2018_19_to_2022_23": total((force == "Norfolk") & foi & (age == 11)
                                                         & (offence == "Supply or offering to supply")),
        "east_of_england_age10": total(eoe & (age == 10)),
        "east_of_england_age11_outside_norfolk": total(eoe & (force != "Norfolk") & (age == 11)),
    }
    for f in ("Bedfordshire", "Hertfordshire", "Essex", "Suffolk"):
        out[f"{f.lower()}_age12_2018_19_to_2022_23"] = total((force == f) & foi & (age == 12))
    return out


def marker(rows: int, seed: int | None = None, calibrated: bool | None = None) -> dict:
    """The synthetic marker's value (stored as JSON under MARKER_KEY in the Parquet schema metadata)."""
    out = {"synthetic": True, "generator": GENERATOR, "seed": seed, "rows": int(rows),
           "description": MARKER_DESCRIPTION}
    if calibrated is not None:
        out["calibrated"] = bool(calibrated)
    return out


def read_marker(path: str | Path) -> dict | None:
    """The synthetic marker of a Parquet file, or None if it has none (reads the footer only)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(MARKER_KEY)
    return None if raw is None else json.loads(raw)


def write(df: pd.DataFrame, path: str | Path, *, seed: int | None = None,
          compression_level: int = 19) -> Path:
    """Write a frame as zstd-compressed Parquet (categoricals stay dictionary-encoded), with the synthetic
    marker in the schema metadata: key MARKER_KEY, a JSON value (marker()). The seed is `seed` if given,
    else the one generate() recorded in df.attrs. Everything written here is marked synthetic: use it for
    generated data only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    info = df.attrs.get(_ATTRS_KEY, {})
    if seed is None:
        seed = info.get("seed")
    plain = df.copy(deep=False)
    plain.attrs = {}  # the marker goes in the schema metadata, not in pandas' copy of attrs
    table = pa.Table.from_pandas(plain, preserve_index=False)
    value = json.dumps(marker(len(df), seed, info.get("calibrated")), sort_keys=True).encode()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), MARKER_KEY: value})
    pq.write_table(table, path, compression="zstd", compression_level=compression_level)
    return path


def write_sample(path: str | Path | None = None) -> Path:
    """Write the default sample, by default to data/sample.parquet (youthdrugs_gui.data.sample_path())."""
    if path is None:
        from youthdrugs_gui.data import sample_path
        path = sample_path()
    return write(generate(), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m youthdrugs_gui.data.generate",
        description="Write the synthetic sample of children's drug offences (no real child or offence).")
    parser.add_argument("--rows", type=int, default=None,
                        help=f"number of rows for a benchmark set (default: the calibrated "
                             f"{DEFAULT_ROWS:,}-row sample)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="output .parquet file (default: the embedded data/sample.parquet for the default "
                             "sample, else synthetic-<rows>-seed<seed>.parquet in the current folder)")
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 0:
        parser.error("--rows must not be negative")
    out = args.output
    if out is None:
        if args.rows is None and args.seed == DEFAULT_SEED:
            from youthdrugs_gui.data import sample_path
            out = sample_path()
        else:
            out = Path(f"synthetic-{args.rows if args.rows is not None else 'sample'}-seed{args.seed}.parquet")
    t0 = time.perf_counter()
    df = generate(args.rows, args.seed)
    t1 = time.perf_counter()
    write(df, out, seed=args.seed)
    t2 = time.perf_counter()
    size = Path(out).stat().st_size
    print(f"{len(df):,} rows generated in {t1 - t0:.2f} s, written in {t2 - t1:.2f} s: "
          f"{out} ({size / 1e6:.2f} MB)")
    if args.rows is None:
        for k, v in targets(df).items():
            print(f"  {k}: {v:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
