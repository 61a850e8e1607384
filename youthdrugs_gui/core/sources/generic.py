"""Any table of counts or records (CSV, Excel, OpenDocument, Parquet): headers are matched to the
canonical columns by their usual names (see schema.canonical_for_header) or by a mapping file, and the
values are normalised. Columns that match nothing are kept under their own headers and can be filtered."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..codes import as_text, lookup, recode
from ..dataset import MAX_FACET_VALUES
from ..errors import LoadError, MappingError
from ..spellings import measure_value, normalise_drug_class, normalise_offence_type, outcome_value, sex_value
from ._common import Imported, Options, Ticker, constant
from .ages import has_adults, split_age
from .areas import force_column, split_areas
from .column_spellings import clean_text_column, merge_spellings
from .counts import finish_counts
from .dates import date_column, financial_year_column, financial_year_of_dates, fy_parse_share
from .numbers import looks_numeric, numeric_values, parse_number
from .quoting import quotable, quote_values
from .table_footer import trailing_rows_to_drop
from .tables import RawTable

FORMAT = "generic"


# ---- mapping files -------------------------------------------------------------------------------
def _valid_targets() -> str:
    return ", ".join(schema.CANONICAL_ORDER)


def _target(value: object, header: str, where: str = "The column mapping") -> str | None:
    """The canonical column a mapping sends a header to: its name, or its label ('Police force')."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MappingError(f"{where} gives {value!r} for {header!r}; it must be the name of a column "
                           f"(one of: {_valid_targets()}), or null to leave the column as it is.")
    if not value.strip() or value.strip().lower() in ("ignore", "none", "keep", "-"):
        return None
    if value in schema.CANONICAL:
        return value
    key = schema.normalise_header(value)
    for name, spec in schema.CANONICAL.items():
        if key in (schema.normalise_header(name), schema.normalise_header(spec.label)):
            return name
    raise MappingError(f"{where} sends {header!r} to {value!r}, which is not a column this program "
                       f"knows. Use one of: {_valid_targets()} (or null to leave the column as it is).")


def parse_mapping(mapping: str | Path | dict | None) -> tuple[dict[str, str | None] | None, dict[str, str]]:
    """A checked mapping {original header: canonical column or None} and any extra settings the mapping
    file gives ('measure', 'force', 'sheet'). MappingError, with what to fix, for anything wrong."""
    from ..safeio import MAX_JSON_BYTES, NotAFile, TooLarge, load_json, read_bounded, size_text

    if mapping is None:
        return None, {}
    where = "The column mapping"
    if isinstance(mapping, str | Path):
        text_given = isinstance(mapping, str) and mapping.lstrip().startswith("{")
        if text_given:
            raw_text = str(mapping)
        else:
            p = Path(mapping).expanduser()
            where = f"The column mapping file {p.name}"
            try:
                if not p.exists():
                    raise MappingError(f"The column mapping file {p} does not exist.")
                if p.is_dir():
                    raise MappingError(f"{p} is a folder; the column mapping must be a JSON file.")
                raw_bytes = read_bounded(p, MAX_JSON_BYTES)
            except TooLarge as e:
                raise MappingError(f"{where} is too large to be a column mapping ({size_text(e.size)}; a mapping is "
                                   "a few kilobytes). Choose the right file.") from None
            except NotAFile:
                raise MappingError(f"{p} is not an ordinary file (it may be a pipe or a device); the column mapping "
                                   "must be a JSON file.") from None
            except OSError as e:
                raise MappingError(f"The column mapping file {p} cannot be read ({e.strerror or e}).") from None
            try:
                raw_text = raw_bytes.decode("utf-8-sig")
            except UnicodeDecodeError:
                raw_text = raw_bytes.decode("cp1252", errors="replace")
        try:
            mapping = load_json(raw_text)  # plain data only, a few MB at most, 100 levels deep at most
        except TooLarge as e:
            raise MappingError(f"{where} is too large to be a column mapping ({size_text(e.size)}; a mapping is "
                               "a few kilobytes). Choose the right file.") from None
        except json.JSONDecodeError as e:
            raise MappingError(
                f"{where} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}). It should look like "
                '{"Police Force Area": "force", "Age at offence": "age"}.') from None
        except (ValueError, RecursionError):
            raise MappingError(f"{where} is not valid JSON. It should look like "
                               '{"Police Force Area": "force", "Age at offence": "age"}.') from None
    if not isinstance(mapping, dict):
        raise MappingError(f"{where} must be a JSON object of 'header in the file': 'column' pairs, such as "
                           '{"Police Force Area": "force", "Age at offence": "age"}.')
    extras: dict[str, str] = {}
    if isinstance(mapping.get("columns"), dict):
        for k in ("measure", "force", "sheet"):
            if isinstance(mapping.get(k), str | int) and not isinstance(mapping.get(k), bool):
                extras[k] = str(mapping[k])
        mapping = mapping["columns"]
    out: dict[str, str | None] = {}
    by_target: dict[str, str] = {}
    for header, value in mapping.items():
        header = str(header)
        t = _target(value, header, where)
        out[header] = t
        if t is not None:
            if t in by_target:
                raise MappingError(f"{where} sends both {by_target[t]!r} and {header!r} to {t!r}; a column can "
                                   "only come from one header. Remove one of them.")
            by_target[t] = header
    if not out:
        raise MappingError(f"{where} is empty. It should look like "
                           '{"Police Force Area": "force", "Age at offence": "age"}.')
    return out, extras


def _find_column(raw: RawTable, header: str) -> str | None:
    for col, orig in raw.headers.items():
        if orig == header or col == header:
            return col
    key = schema.normalise_header(header)
    if not key:
        return None
    for col, orig in raw.headers.items():
        if schema.normalise_header(orig or col) == key:
            return col
    return None


# ---- the importer --------------------------------------------------------------------------------
def build(raw: RawTable, opts: Options, ticker: Ticker | None = None) -> Imported:
    ticker = ticker or Ticker()
    frame = raw.frame
    notes: list[str] = list(raw.notes)
    k, more = trailing_rows_to_drop(frame)
    if k:
        frame = frame.iloc[: len(frame) - k].reset_index(drop=True)
        frame = frame.assign(**{c: frame[c].cat.remove_unused_categories() for c in frame.columns
                                if isinstance(frame[c].dtype, pd.CategoricalDtype)})
        notes += more
    if len(frame) == 0:
        raise LoadError(f"{raw.name} has column headings but no rows of data.")
    n = len(frame)

    # 1. which column is which: the mapping file first, then the usual header names
    assign: dict[str, str | None] = {}
    explicit: set[str] = set()
    used_headers: set[str] = set()
    if opts.mapping:
        for header, target in opts.mapping.items():
            col = _find_column(raw, header)
            if col is None or col in assign:
                continue
            used_headers.add(header)
            assign[col] = target
            if target is not None:
                explicit.add(col)
    taken = {t for t in assign.values() if t is not None}
    for col in frame.columns:
        if col in assign:
            continue
        c = schema.canonical_for_header(raw.headers.get(col) or col)
        if c is not None and c not in taken:
            assign[col] = c
            taken.add(c)
        else:
            assign[col] = None

    out: dict[str, pd.Series] = {}
    mapping: dict[str, str] = {}
    labels: dict[str, str] = {}
    kept: list[str] = []

    def header_of(col: str) -> str:
        return raw.headers.get(col) or col

    def unassign(col: str, why: str) -> None:
        assign[col] = None
        notes.append(why)

    # 2. content checks on automatic guesses (a 'Year' column of text is not a financial year...)
    for col, target in list(assign.items()):
        if target is None:
            continue
        s = frame[col]
        h = header_of(col)
        if target == schema.COUNT and not looks_numeric(s):
            if col in explicit:
                _, _, texts = numeric_values(s)
                shown = [t for t in texts if quotable(t)]  # the quoting rule: short labels only
                what = f"text such as {quote_values(texts, distinct=len(texts), limit=3)}" if shown else "text"
                raise MappingError(f"{raw.name}: the column mapping makes {h!r} the count, but it holds {what}. "
                                   "Map a column of numbers to 'count'.")
            unassign(col, f"{h!r} holds text, so it was not used as the count; each row counts as 1")
        elif target == schema.FINANCIAL_YEAR and col not in explicit and fy_parse_share(s) < 0.5:
            unassign(col, f"{h!r} does not hold financial years, so it was kept as it is")
        elif target == schema.DATE and col not in explicit and not _mostly_dates(s):
            unassign(col, f"{h!r} does not hold dates, so it was kept as it is")

    # 3. ages first: whether they are exact or banded decides the column, and adults change 'sex'
    for col, target in list(assign.items()):
        if target not in (schema.AGE, schema.AGE_BAND):
            continue
        h = header_of(col)
        kind, values, more = split_age(frame[col], h, prefer=target)
        if kind in out:  # both an exact-age and a band column: keep this one under its own header
            assign[col] = None
            continue
        if kind != target:
            if kind == schema.AGE_BAND:
                more.append(f"{h!r} holds age bands, not exact ages, so it was read as the age band")
            else:
                more.append(f"{h!r} holds exact ages, so it was read as the age")
        out[kind] = values
        mapping[h] = kind
        notes += more
        assign[col] = kind
    adults = has_adults(pd.DataFrame(out))

    for i, (col, target) in enumerate(assign.items()):
        ticker.tick(i / max(1, len(assign)))
        h = header_of(col)
        s = frame[col]
        if target in (schema.AGE, schema.AGE_BAND):
            continue
        if target is None:
            kept.append(col)
            continue
        mapping[h] = target
        if target == schema.COUNT:
            out[target] = s  # converted below, once rows to leave out are known
        elif target == schema.FINANCIAL_YEAR:
            out[target], more = financial_year_column(s, h)
            notes += more
        elif target == schema.DATE:
            out[target], more = date_column(s, h)
            notes += more
        elif target == schema.FORCE:
            out[target], more = force_column(s, h)
            notes += more
        elif target == schema.SEX:
            out[target] = recode(s, lambda v: sex_value(v, adults))
            if adults:
                notes.append(f"{h!r} kept as Male/Female (not Boys/Girls) because the file also covers adults")
        elif target == schema.DRUG_CLASS:
            out[target], more = merge_spellings(recode(s, normalise_drug_class))
            notes += more
        elif target == schema.OFFENCE_TYPE:
            out[target], more = merge_spellings(recode(s, normalise_offence_type))
            notes += more
        elif target == schema.OUTCOME:
            out[target], more = merge_spellings(recode(s, outcome_value))
            notes += more
        elif target == schema.MEASURE:
            out[target], more = merge_spellings(recode(s, measure_value))
            notes += more
        elif target == schema.AREA_LEVEL:
            out[target] = as_text(s)
        else:  # ethnicity and any other plain category: read as a category, so notes may quote it
            out[target], more = clean_text_column(s, h, quote=True)
            notes += more

    # 4. everything else is kept under its own header
    for col in kept:
        s = frame[col]
        name = col if col not in schema.CANONICAL else f"{col} (as written)"
        out[name], more = _other_column(s, header_of(col))
        notes += more
        if name != col:
            labels[name] = header_of(col)

    # 5. derived and constant columns
    if schema.FINANCIAL_YEAR not in out and schema.DATE in out:
        out[schema.FINANCIAL_YEAR] = financial_year_of_dates(out[schema.DATE])
        notes.append("financial year worked out from the date (April to March)")
    if opts.force:
        if schema.FORCE in out:
            notes.append(f"the file names its own police forces, so the force chosen ({opts.force}) was not used")
        else:
            out[schema.FORCE] = constant(n, opts.force, schema.FORCE)
            notes.append(f"every row given the police force chosen when loading: {opts.force}")
    if opts.measure:
        if schema.MEASURE in out:
            notes.append(f"the file names its own measure, so the measure chosen ({opts.measure}) was not used")
        else:
            out[schema.MEASURE] = constant(n, opts.measure, schema.MEASURE)

    notes += split_areas(out)
    order = {header_of(c): i for i, c in enumerate(frame.columns)}
    mapping = dict(sorted(mapping.items(), key=lambda kv: order.get(kv[0], len(order))))
    result = pd.DataFrame(out, copy=False)  # the columns were made above: no second copy of each
    out.clear()
    result, more, gaps = finish_counts(result, raw.name)
    notes += more
    return Imported(frame=result, format=f"generic {raw.kind}", mapping=mapping, notes=notes, labels=labels,
                    mapping_headers_used=used_headers, gaps=gaps)


def _mostly_dates(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return True
    try:
        vals, _ = date_column(s, "date")
    except LoadError:  # dates written both ways at once: dates all the same, refused when read as such
        return True
    filled = s.notna().to_numpy() if not isinstance(s.dtype, pd.CategoricalDtype) else s.cat.codes.to_numpy() >= 0
    if not filled.any():
        return False
    return bool((~pd.isna(vals.to_numpy()))[filled].mean() >= 0.5)


def _all_numbers(cats) -> list[float] | None:
    """Every category as a number, or None at the first that is not one (or looks like a code with a
    leading zero): a column of ten million identifiers stops at its first value, not its last."""
    nums: list[float] = []
    for c in cats:
        x = parse_number(c)
        if x is None or (len(c) > 1 and c[0] == "0" and c[1].isdigit()):
            return None
        nums.append(x)
    return nums


def _other_column(s: pd.Series, header: str) -> tuple[pd.Series, list[str]]:
    """A column with no special meaning: numbers with many values stay numbers, text is tidied."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            return s, []
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            return s, []
        s = as_text(s)
    cats = s.cat.categories
    if len(cats) > MAX_FACET_VALUES:
        nums = _all_numbers(cats)
        if nums is not None:
            return pd.Series(lookup(s, np.array(nums, dtype=float), np.nan), index=s.index, name=s.name,
                             copy=False), []
    return clean_text_column(s, header)


__all__ = ["FORMAT", "build", "parse_mapping"]
