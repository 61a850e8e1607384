"""How the command line's filters are read: each value looked up in the data (misspellings get "did you
mean", text that could mean several values is refused with them), ranges checked against what the data
holds, and the words that echo back how every filter was read."""
from __future__ import annotations

import re
from typing import Callable

from . import schema, spellings
from .engine import Engine
from .errors import FilterError
from .filter_state import FilterState
from .periods import PERIOD_COLUMNS
from .schema import NOT_RECORDED, Role
from .suggest import match_values, resolve_column


def names(text: str) -> list[str]:
    """'Essex, Kent' -> ['Essex', 'Kent']."""
    return [p.strip() for p in text.split(",") if p.strip()]


# ---- ages and years -----------------------------------------------------------------------------
def age_range(text: str) -> tuple[int, int]:
    """'10-15' -> (10, 15); '12' -> (12, 12). Half a range ('15-') is refused, not read as one age."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    if len(parts) > 2 or any(p == "" for p in parts):
        raise FilterError(f"--age {text!r} is not an age range; write both ends, like 10-15, or one age, like 12.")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise FilterError(f"--age {text!r} is not an age range; write it like 10-15 or 12.") from None
    return min(nums), max(nums)


def _one_year(text: str, whole: str) -> str:
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        y = int(t)
        raise FilterError(f"--year {whole!r}: {t} could mean {schema.fy_label(y - 1)} (the year ending March {y}) or "
                          f"{schema.fy_label(y)} (the year from April {y}); write the one you mean, or use "
                          f"--filter calendar_year={t} for January to December.")
    if re.fullmatch(r"(?i)\d{4}\s*q[1-4]", t):
        raise FilterError(f"--year {whole!r}: {t} is a quarter, not a financial year; for the calendar quarter use "
                          f"--filter \"quarter={t[:4]} Q{t[-1]}\".")
    fy = schema.normalise_financial_year(t, bare_year_is_end=False)
    if fy is None:
        raise FilterError(f"--year {whole!r} is not a financial year; write it like 2018-19 or 2018-19:2022-23.")
    return fy


def year_range(text: str) -> tuple[str, str]:
    """'2018-19:2022-23' -> ('2018-19', '2022-23'). A bare year is refused: it could be either of two."""
    parts = text.split(":")
    if len(parts) > 2 or any(not p.strip() for p in parts):
        raise FilterError(f"--year {text!r}: write one year (2020-21) or a range (2018-19:2022-23).")
    a, b = _one_year(parts[0], text), _one_year(parts[-1], text)
    return (a, b) if a <= b else (b, a)


def _check_ages(engine: Engine, lo: int, hi: int, text: str) -> None:
    """Refuse ages outside those the data holds (the sample's are 10-17), saying which it holds."""
    ds = engine.ds
    if ds.role(schema.AGE) is not Role.AGE:
        return
    ages = []
    for c in ds.values_present(schema.AGE):
        try:
            ages.append(int(float(c)))
        except ValueError:
            continue
    if not ages:
        return
    first, last = min(ages), max(ages)
    if lo < first or hi > last:
        inside = (max(lo, first), min(hi, last))
        hint = f"; write {inside[0]}-{inside[1]}" if inside[0] < inside[1] else \
            f"; write {inside[0]}" if inside[0] == inside[1] else ""
        raise FilterError(f"--age {text}: the data holds ages {first} to {last} only{hint}.")


def _check_years(engine: Engine, a: str, b: str, text: str) -> None:
    """Refuse a year range reaching beyond the financial years the data holds, saying which it holds."""
    ds = engine.ds
    if not ds.has(schema.FINANCIAL_YEAR):
        return
    years = [y for y in ds.values_present(schema.FINANCIAL_YEAR) if y != NOT_RECORDED]
    if not years or (years[0] <= a and b <= years[-1]):
        return
    span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
    lo, hi = max(a, years[0]), min(b, years[-1])
    hint = f"; write {lo}" if lo == hi else f"; write {lo}:{hi}" if lo < hi else ""
    raise FilterError(f"--year {text}: the data holds financial years {span} only{hint}.")


# ---- values ------------------------------------------------------------------------------------
def _synonym(col: str) -> Callable[[str], str | None] | None:
    """The common spellings of a canonical column's values ('NFA', 'Met', 'Class A')."""
    return {
        schema.FORCE: spellings.normalise_force,
        schema.OFFENCE_TYPE: spellings.normalise_offence_type,
        schema.DRUG_CLASS: spellings.normalise_drug_class,
        schema.OUTCOME: spellings.outcome_value,
        schema.SEX: spellings.normalise_sex,
    }.get(col)


def _values(engine: Engine, col: str, text: str) -> list[str]:
    ds = engine.ds
    if col not in ds.categorical_columns:
        raise FilterError(f"{ds.label(col)} cannot be filtered by value.")
    return match_values(names(text), ds.categories(col), ds.label(col), _synonym(col))


def group_column(ds, name: str, option: str) -> str:
    """The column to group by; a date is refused with the periods it can be grouped by."""
    col = resolve_column(ds, name)
    if ds.role(col) is Role.DATE:
        periods = [p for p in PERIOD_COLUMNS if ds.has(p)] or [schema.FINANCIAL_YEAR]
        others = f" (or {', '.join(periods[1:])})" if len(periods) > 1 else ""
        raise FilterError(f"{option} {name}: each date is its own moment, so it makes no groups; did you mean "
                          f"{periods[0]}{others}?")
    return col


def state_from(opts, engine: Engine) -> FilterState:
    """The FilterState the options ask for (on top of a saved view), checked against the data."""
    ds = engine.ds
    state = FilterState.load(opts.view) if opts.view else FilterState()
    for name in ("group_by", "stack_by"):
        if getattr(opts, name, None):
            group_column(ds, getattr(opts, name), "--" + name.replace("_", "-"))
    for c in names(getattr(opts, "columns", None) or ""):
        resolve_column(ds, c)
    for col, text in ((schema.FORCE, opts.force), (schema.OFFENCE_TYPE, opts.offence_type),
                      (schema.DRUG_CLASS, opts.drug_class), (schema.OUTCOME, opts.outcome)):
        if text:
            if not ds.has(col):
                raise FilterError(f"{ds.name} has no {schema.CANONICAL[col].label.lower()} column to filter by.")
            state = state.with_values(col, _values(engine, col, text))
    for f in opts.filter:
        col, sep, vals = f.partition("=")
        if not sep or not col.strip():
            raise FilterError(f'--filter {f!r}: write it as "COLUMN=VALUE1,VALUE2".')
        real = resolve_column(ds, col.strip())
        state = state.with_values(real, _values(engine, real, vals))
    if opts.age:
        lo, hi = age_range(opts.age)
        _check_ages(engine, lo, hi, opts.age)
        state = state.with_age_range((lo, hi))
    if opts.year:
        a, b = year_range(opts.year)
        _check_years(engine, a, b, opts.year)
        state = state.with_year_range((a, b))
    if opts.search:
        state = state.with_search(opts.search)
    return engine.check(state)


# ---- the filters in words ------------------------------------------------------------------------
_LOWER = (schema.OFFENCE_TYPE, schema.OUTCOME, schema.SEX, schema.MEASURE)


def read_as(state: FilterState, ds) -> str:
    """How the filters were read, in the words of a summary line: 'Essex; ages 15-17; 2020-21 to
    2022-23; class A; supply or offering to supply' ('no filters' when there are none)."""
    words: dict[str, str] = {}
    for col, values in state.selections:
        cats = ds.categories(col) if col in ds.categorical_columns else sorted(values)
        vals = [v for v in cats if v in values]
        words[col] = _selection_words(ds, col, vals)
    if state.age_range is not None:
        lo, hi = state.age_range
        words["~age"] = f"age {lo}" if lo == hi else f"ages {lo}-{hi}"
    if state.year_range is not None:
        a, b = state.year_range
        words["~year"] = a if a == b else f"{a} to {b}"
    order = {c: i for i, c in enumerate((schema.FORCE, schema.AREA, schema.AGE, "~age", schema.AGE_BAND,
                                         schema.FINANCIAL_YEAR, "~year", schema.DRUG_CLASS, schema.OFFENCE_TYPE))}
    parts = [w for _, w in sorted(words.items(), key=lambda kv: order.get(kv[0], len(order)))]
    if state.search:
        parts.append(f'containing "{state.search}"')
    return "; ".join(parts) if parts else "no filters"


def _selection_words(ds, col: str, vals: list[str]) -> str:
    if not vals:
        return f"{ds.label(col)}: none"
    if len(vals) > 4:
        return f"{ds.label(col)}: {len(vals)} values"
    shown = [v.lower() if col in _LOWER and not v.isupper() else v for v in vals]
    joined = " or ".join(shown)
    if col == schema.DRUG_CLASS:
        return f"class {joined}"
    if col == schema.AGE:
        return f"age {joined}" if len(vals) == 1 else f"ages {', '.join(vals)}"
    if col in (schema.FORCE, schema.AREA, schema.FINANCIAL_YEAR, schema.OFFENCE_TYPE) or col in PERIOD_COLUMNS:
        return joined
    return f"{ds.label(col).lower() if col in schema.CANONICAL else ds.label(col)}: {joined}"
