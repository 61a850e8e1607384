"""The loaded data set: one pandas frame whose filterable columns are categoricals with an explicit
'Not recorded' category (so codes are never -1), the integer code arrays the engine works on, the count
column, and where the data came from."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .errors import LoadError
from .schema import NOT_RECORDED, Role

MAX_FACET_VALUES = 500
"""A text column with more distinct values than this is searchable text (Role.TEXT), not a tick-list:
a list of thousands of values is not a filter anyone can use, and builds slowly in the window."""

MAX_NATURAL_SORT_VALUES = 1 << 16
"""A text column with at most this many distinct values has them in natural order ('Item 2' before
'Item 10', one Python sort key per value); one with more (an identifier, free text) has them in plain
character order, sorted by Arrow with no Python object per value: a column of 10M distinct values took
minutes and gigabytes the other way."""


@dataclass(frozen=True)
class SourceFile:
    """One file a data set was read from, with what the importer made of it."""

    path: str
    sha256: str
    format: str  # e.g. "generic csv", "police.uk stop-and-search", "Home Office arrests", "sample"
    rows: int
    mapping: dict[str, str] = field(default_factory=dict)  # original header -> canonical column
    notes: tuple[str, ...] = ()  # what the importer did that the user should know

    @staticmethod
    def sha256_of(path: str | Path) -> str:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()


def _ordered_categories(values: pd.Series, col: str, missing: bool) -> list[str]:
    """Categories in a useful order, 'Not recorded' last and only when some value is missing."""
    spec = schema.CANONICAL.get(col)
    preferred = spec.categories if spec else ()
    present = [v for v in values.dropna().unique().tolist() if v != NOT_RECORDED]
    tail = [NOT_RECORDED] if missing or NOT_RECORDED in set(values.dropna()) else []
    if spec is not None and spec.role is Role.YEAR:
        return _continuous_years(sorted(present)) + tail
    if spec is not None and spec.role is Role.AGE:
        return sorted(set(present), key=_age_key) + tail
    return schema.sort_values([str(v) for v in present], preferred) + tail


def _continuous_years(years: list[str]) -> list[str]:
    """Financial years with the gaps between them filled in: a year no source has a row for is a year
    with no figure (shown as not available), not a year that does not exist."""
    import re

    if not years or not all(re.fullmatch(r"\d{4}-\d{2}", y) for y in years):
        return years
    first, last = schema.fy_start(years[0]), schema.fy_start(years[-1])
    if last - first > 200:
        return years
    return sorted(set(years) | {schema.fy_label(y) for y in range(first, last + 1)})


def _has_fractions(s: pd.Series) -> bool:
    """A measurement such as a latitude (not a code or a small count): not offered as a checklist."""
    if not pd.api.types.is_float_dtype(s.dtype):
        return False
    v = s.to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    return bool(len(v)) and bool(np.any(v != np.round(v)))


def _age_key(s: str) -> tuple:
    """Ages in numeric order; anything that is not a number after them, so odd input cannot crash."""
    try:
        return (0, float(s), s)
    except (TypeError, ValueError):
        return (1, 0.0, str(s))


def _cell_text(v: object) -> str | None:
    """One distinct value as category text: stripped, whole floats as '12', None for blank/missing."""
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, (float, np.floating)):
        if v != v:
            return None
        return str(int(v)) if float(v).is_integer() else str(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v).strip() or None


def codes_and_values(s: pd.Series) -> tuple[np.ndarray, list]:
    """Any column as integer codes (-1 where missing) into its distinct values. A categorical gives its
    own codes, in their own width (int8 for most columns), without a copy."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.array.codes, list(s.cat.categories)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    return codes, list(uniq)


def code_counts(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows per code 0..n-1, or the sum of the weights of those rows (code -1, missing, is not counted).
    Counted a million rows at a time: np.bincount widens its input to 64 bits, which for a whole column
    of int8 codes is a temporary eight times its size."""
    out = np.zeros(n, dtype=np.int64 if weights is None else np.float64)
    step = 1 << 20
    for i in range(0, len(codes), step):
        part = codes[i:i + step]
        known = part >= 0
        w = None if weights is None else weights[i:i + step][known]
        out += np.bincount(part[known], weights=w, minlength=n)[:n]
    return out if weights is None else np.rint(out).astype(np.int64)


def text_codes(values) -> tuple[np.ndarray, object]:
    """The distinct display texts of an Arrow array of strings, without a Python object per value: each
    value stripped of surrounding white space, blanks and nulls left out. Returns each value's code into
    the distinct texts (-1 for a blank) and those texts, in plain character order (sorted, then compared
    with the next: a column already in order, such as an identifier, sorts in a second or two at 10M)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    v = values.cast(pa.large_string()) if not pa.types.is_large_string(values.type) else values
    if v.null_count:
        v = v.fill_null("")
    v = pc.utf8_trim_whitespace(v)
    n = len(v)
    if n == 0:
        return np.empty(0, dtype=np.int32), v
    order = pc.array_sort_indices(v).to_numpy()
    ranked = v.take(order)
    del v
    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = pc.not_equal(ranked.slice(1), ranked.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    group = np.cumsum(first, dtype=np.int64) - 1
    texts = ranked.filter(pa.array(first))
    del ranked
    if len(texts) and texts[0].as_py() == "":  # the blank sorts first: it is no text
        group -= 1
        texts = texts.slice(1)
    lut = np.empty(n, dtype=np.int32)
    lut[order] = group
    return lut, texts


def categorical_of_texts(codes: np.ndarray, texts) -> pd.Categorical:
    """A categorical from codes into distinct texts (an Arrow string array, known to be unique), without
    pandas checking 10M categories for repeats (seconds) when it can be told they have none."""
    cats = pd.Index(texts.to_pandas() if hasattr(texts, "to_pandas") else texts)
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    try:
        dtype = fast(cats, False) if fast is not None else pd.CategoricalDtype(cats)
    except (TypeError, ValueError):  # another pandas: its public, checking way
        dtype = pd.CategoricalDtype(cats)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _arrow_texts(uniques):
    """Distinct values as an Arrow array of strings (nulls where missing); through _cell_text one by one
    only if they are not all strings."""
    import pyarrow as pa

    try:
        arr = pa.array(uniques, from_pandas=True)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            return arr
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        pass
    return pa.array([_cell_text(v) for v in uniques], type=pa.large_string())


def _clean_and_sorted(values) -> bool:
    """Whether Arrow strings are already what text_codes makes of them: no blank, nothing to strip, each
    greater than the one before (so no repeat)."""
    import pyarrow.compute as pc

    n = len(values)
    if n == 0 or values.null_count:
        return n == 0
    return bool(pc.all(pc.not_equal(values, "")).as_py()
                and pc.all(pc.equal(pc.utf8_trim_whitespace(values), values)).as_py()
                and (n == 1 or pc.all(pc.less(values.slice(0, n - 1), values.slice(1))).as_py()))


def _as_wide_category(s: pd.Series, codes: np.ndarray, uniques) -> pd.Series:
    """_as_category for a column of more than MAX_NATURAL_SORT_VALUES distinct values: the same rules
    (stripped, blanks and missing as 'Not recorded', last; categories no row uses dropped), with the
    values in plain character order, worked out by Arrow and numpy only."""
    rows_per = code_counts(codes, len(uniques))
    values = _arrow_texts(uniques)
    if _clean_and_sorted(values):  # as the importers leave it: nothing to strip, merge or sort again
        lut, texts = np.arange(len(values), dtype=np.int32), values
    else:
        lut, texts = text_codes(values)
    del values
    used = rows_per > 0
    keep = np.zeros(len(texts), dtype=bool)
    keep[lut[used & (lut >= 0)]] = True
    if not keep.all():
        newpos = (np.cumsum(keep) - 1).astype(np.int32)
        lut = np.where(lut >= 0, newpos[np.maximum(lut, 0)], -1).astype(np.int32)
        texts = texts.filter(keep)
    missing = int(rows_per.sum()) < len(codes) or bool((lut[used] < 0).any())
    import pyarrow as pa
    import pyarrow.compute as pc

    at = pc.index(texts, NOT_RECORDED).as_py() if len(texts) else -1
    if at >= 0:  # written in the file: moved to the end, where 'Not recorded' always is
        order = np.concatenate([np.arange(at), np.arange(at + 1, len(texts)), [at]])
        newpos = np.empty(len(texts), dtype=np.int32)
        newpos[order] = np.arange(len(texts), dtype=np.int32)
        lut = np.where(lut >= 0, newpos[np.maximum(lut, 0)], -1).astype(np.int32)
        texts = texts.take(pa.array(order))
        nr = len(texts) - 1
    elif missing:
        texts = pa.concat_arrays([texts, pa.array([NOT_RECORDED], type=texts.type)])
        nr = len(texts) - 1
    else:
        nr = -1
    lut = np.append(np.where(lut < 0, nr, lut), nr).astype(np.int32)  # code -1 picks the last entry: nr
    return pd.Series(categorical_of_texts(lut[codes], texts), index=s.index, name=s.name)


def _as_category(s: pd.Series, col: str) -> pd.Series:
    """Categorical of strings with 'Not recorded' for missing or blank, categories in a useful order.

    Works on the distinct values only and remaps the integer codes with numpy, so an already
    categorical column (or a million-row one) costs milliseconds; categories no row uses are dropped.
    With more than MAX_NATURAL_SORT_VALUES distinct values, by Arrow (see _as_wide_category)."""
    if isinstance(s.dtype, pd.CategoricalDtype) and len(s.cat.categories) > MAX_NATURAL_SORT_VALUES:
        return _as_wide_category(s, s.array.codes, s.cat.categories)  # (no list of 10M strings)
    codes, uniques = codes_and_values(s)
    if len(uniques) > MAX_NATURAL_SORT_VALUES:
        return _as_wide_category(s, codes, uniques)
    rows_per = code_counts(codes, len(uniques))
    used = rows_per > 0
    any_missing = int(rows_per.sum()) < len(codes)
    texts = [_cell_text(v) if u else None for v, u in zip(uniques, used)]
    missing = any_missing or any(t is None for t, u in zip(texts, used) if u)
    cats = _ordered_categories(pd.Series([t for t in texts if t is not None], dtype=object), col, missing)
    pos = {c: i for i, c in enumerate(cats)}
    nr = pos.get(NOT_RECORDED, -1)
    width = np.int8 if len(cats) < (1 << 7) else np.int16 if len(cats) < (1 << 15) else np.int32
    lut = np.array([nr if t is None else pos[t] for t in texts] + [nr], dtype=width)  # pandas' own width
    out = pd.Categorical.from_codes(lut[codes], categories=cats)  # code -1 picks the last entry: nr
    return pd.Series(out, index=s.index, name=s.name)


# Counts and their sums stay at or below 2**53: every integer up to it is exact in a float64, so the
# engine's and the tables' float bincounts are exact, and no int64 sum can wrap round. `from_frame`
# refuses a data set whose counts add up to more; the sums of any of its rows are then exact.
MAX_COUNT = 2**53


def count_total(counts: np.ndarray) -> int:
    """The exact sum of non-negative int64 counts, as a Python int (no int64 sum can wrap round: each
    count is split into two halves of at most 32 bits, summed a million rows at a time)."""
    total = 0
    for i in range(0, len(counts), 1 << 20):
        part = np.asarray(counts[i:i + (1 << 20)], dtype=np.int64)
        total += (int((part >> 32).sum()) << 32) + int((part & 0xFFFFFFFF).sum())
    return total


def check_count_total(counts: np.ndarray, name: str) -> int:
    """The exact total of the counts; LoadError if a count, or their sum, is above MAX_COUNT."""
    if len(counts) and int(np.max(counts)) > MAX_COUNT:
        raise LoadError(f"{name}: the count column holds a number too large to be a count (above {MAX_COUNT:,}). "
                        "Check the file.")
    total = count_total(counts)
    if total > MAX_COUNT:
        raise LoadError(f"{name}: the counts add up to more than {MAX_COUNT:,}, too large to be added up exactly. "
                        "Check the count column.")
    return total


@dataclass
class Dataset:
    """An immutable-by-convention loaded data set. Build it with `Dataset.from_frame`."""

    frame: pd.DataFrame
    name: str
    sources: tuple[SourceFile, ...] = ()
    synthetic: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # column -> header shown to the user
    roles: dict[str, Role] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    gaps: pd.DataFrame | None = None  # source rows without a figure (see coverage.py)
    covered: tuple[dict, ...] = ()  # keys sources declare they cover (police.uk months)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        name: str,
        sources: tuple[SourceFile, ...] = (),
        synthetic: bool = False,
        labels: dict[str, str] | None = None,
        notes: tuple[str, ...] = (),
        progress: Callable[[float], None] | None = None,
        gaps: pd.DataFrame | None = None,
        covered: tuple[dict, ...] = (),
    ) -> "Dataset":
        """Type the columns of a frame whose canonical columns are already named and normalised.

        Canonical columns get their roles; any other column is kept under its own name: as a facet if
        it has at most MAX_FACET_VALUES distinct values, else as searchable text (or as a plain number).
        Rows are never dropped or de-duplicated."""
        if len(df.columns) == 0:
            raise LoadError(f"{name}: no columns were found.")
        if df.columns.duplicated().any():
            dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
            raise LoadError(f"{name}: more than one column is called {', '.join(dupes)}; rename one and try again.")
        df = df.reset_index(drop=True)
        out: dict[str, pd.Series] = {}
        roles: dict[str, Role] = {}
        for i, col in enumerate(df.columns):
            if progress is not None:
                progress(i / len(df.columns))  # a large file spends a second or more here
            s = df[col]
            spec = schema.CANONICAL.get(col)
            if spec is not None:
                role = spec.role
                if role is Role.COUNT and s.dtype == np.int64:  # the importers' counts: checked there
                    values = s.to_numpy()
                    lowest = int(values.min()) if len(s) else 0  # (Series.min copies the column)
                    if lowest < 0:
                        raise LoadError(f"{name}: the count column holds a negative number ({lowest:g}).")
                    check_count_total(values, name)
                    out[col] = s
                elif role is Role.COUNT:
                    num = pd.to_numeric(s, errors="coerce")
                    if num.isna().any():  # the cell is not quoted: it may hold anything (a name, a note)
                        row = int(np.flatnonzero(num.isna().to_numpy())[0]) + 1
                        raise LoadError(f"{name}: the count column holds text that is not a number (row {row:,} of "
                                        "the data).")
                    if (num < 0).any():
                        raise LoadError(f"{name}: the count column holds a negative number ({num.min():g}).")
                    if (num > MAX_COUNT).any():  # before any conversion, which would wrap round
                        raise LoadError(f"{name}: the count column holds a number too large to be a count (above "
                                        f"{MAX_COUNT:,}). Check the file.")
                    if not np.all(np.mod(num.to_numpy(dtype=float), 1) == 0):
                        raise LoadError(f"{name}: the count column holds fractions; counts must be whole numbers.")
                    out[col] = num.astype(np.int64)
                    check_count_total(out[col].to_numpy(), name)
                elif role is Role.DATE:
                    naive = pd.api.types.is_datetime64_dtype(s.dtype)  # already dates: no copy
                    out[col] = s if naive else pd.to_datetime(s, errors="coerce", utc=False)
                else:
                    out[col] = _as_category(s, col)
                roles[col] = role
                continue
            if pd.api.types.is_bool_dtype(s.dtype):
                out[col] = _as_category(s.map({True: "True", False: "False"}), col)
                roles[col] = Role.CATEGORY
                continue
            if isinstance(s.dtype, pd.CategoricalDtype):  # distinct values in use, from the codes (cheap)
                nunique = int(np.count_nonzero(code_counts(s.array.codes, len(s.cat.categories))))
            else:
                nunique = s.nunique(dropna=True)
            if pd.api.types.is_numeric_dtype(s.dtype) and (nunique > MAX_FACET_VALUES or _has_fractions(s)):
                out[col] = s
                roles[col] = Role.NUMBER
                continue
            out[col] = _as_category(s, col)
            roles[col] = Role.CATEGORY if nunique <= MAX_FACET_VALUES else Role.TEXT
        if roles.get(schema.DATE) is Role.DATE:
            _add_periods(out, roles)
        if schema.COUNT not in out:
            out[schema.COUNT] = pd.Series(np.ones(len(df), dtype=np.int64))
            roles[schema.COUNT] = Role.COUNT
        frame = pd.DataFrame(out, copy=False)  # the columns were made here (or are the caller's, unchanged)
        lab = {c: (schema.CANONICAL[c].label if c in schema.CANONICAL else str(c)) for c in frame.columns}
        if labels:
            lab.update({k: v for k, v in labels.items() if k in lab})
        return cls(frame=frame, name=name, sources=sources, synthetic=synthetic, labels=lab, roles=roles,
                   notes=notes, gaps=gaps, covered=tuple(covered))

    # ---- what the engine and views read -------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        """Columns in display order: canonical ones first, in schema order, then the file's others."""
        canon = [c for c in schema.CANONICAL_ORDER if c in self.frame.columns and c != schema.COUNT]
        other = [c for c in self.frame.columns if c not in schema.CANONICAL]
        tail = [schema.COUNT] if schema.COUNT in self.frame.columns else []
        return canon + other + tail

    @property
    def facet_columns(self) -> list[str]:
        """Columns offered as filters (checklist, range or band list)."""
        return [c for c in self.columns
                if self.roles.get(c) in (Role.CATEGORY, Role.YEAR, Role.AGE, Role.AGE_BAND)]

    @cached_property
    def _categorical(self) -> tuple[str, ...]:
        # Computed once: callers test `c in ds.categorical_columns` for every column, and looking up
        # each column's dtype on every call made a wide file (hundreds of columns) quadratic.
        return tuple(c for c in self.columns if isinstance(self.frame[c].dtype, pd.CategoricalDtype))

    @property
    def categorical_columns(self) -> list[str]:
        return list(self._categorical)

    @property
    def text_columns(self) -> list[str]:
        """Columns the free-text search looks in: every categorical column of words."""
        return [c for c in self.categorical_columns
                if self.roles.get(c) in (Role.CATEGORY, Role.TEXT, Role.AGE_BAND, Role.YEAR)]

    def label(self, col: str) -> str:
        return self.labels.get(col, col)

    def role(self, col: str) -> Role | None:
        return self.roles.get(col)

    def has(self, col: str) -> bool:
        return col in self.frame.columns

    def categories(self, col: str) -> list[str]:
        return list(self.frame[col].cat.categories)

    @cached_property
    def _codes(self) -> dict[str, np.ndarray]:
        # The categoricals' own code arrays (read-only views): `.cat.codes` would copy every column.
        return {c: self.frame[c].array.codes for c in self.categorical_columns}

    def codes(self, col: str) -> np.ndarray:
        """Integer category codes of a categorical column (int8/int16; never -1: missing values are the
        explicit 'Not recorded' category, which exists only where some value is missing)."""
        return self._codes[col]

    @cached_property
    def counts(self) -> np.ndarray:
        return self.frame[schema.COUNT].to_numpy(dtype=np.int64)

    @cached_property
    def coverage(self):
        """What the data covers (coverage.Coverage), or None when every figure is available."""
        from .coverage import Coverage

        return Coverage.build(self.frame, self.gaps, list(self.covered))

    @cached_property
    def _partitions(self) -> tuple[str, ...]:
        return tuple(c for c in schema.PARTITION_COLUMNS if c in self._categorical and len(self.values_present(c)) > 1)

    @property
    def partition_columns(self) -> list[str]:
        """Columns whose values are never added together (measure, area level) that hold more than one
        value here."""
        return list(self._partitions)

    @cached_property
    def _present(self) -> dict[str, list[str]]:
        return {}

    def values_present(self, col: str) -> list[str]:
        """Categories of a column that some row has, in category order (counted once per column)."""
        if col not in self._present:
            cats = self.categories(col)
            n = code_counts(self.codes(col), len(cats))
            self._present[col] = [c for c, k in zip(cats, n) if k]
        return list(self._present[col])

    def partition_totals(self) -> list[tuple[str, int]]:
        """('Arrest, England and Wales', 2,273,195) for every measure and area level in the data: the
        figures that may be shown as totals (never added across)."""
        cols = [c for c in schema.PARTITION_COLUMNS if c in self._categorical]
        if not cols:
            return [("", int(self.counts.sum()))]
        key = np.zeros(self.n_rows, dtype=np.int64)
        sizes = [len(self.categories(c)) for c in cols]
        for c, size in zip(cols, sizes):
            key = key * size + self.codes(c)
        sums = code_counts(key, int(np.prod(sizes)), self.counts.astype(np.float64))
        rows = code_counts(key, int(np.prod(sizes)))
        out = []
        for flat in np.flatnonzero(rows):
            idx = np.unravel_index(int(flat), sizes)
            names = [self.categories(c)[int(i)] for c, i in zip(cols, idx)]
            out.append((", ".join(n for n in names if n != NOT_RECORDED) or NOT_RECORDED, int(sums[flat])))
        return out

    @property
    def measures(self) -> list[str]:
        """Measures present in the data ([] when the data names none: one unnamed measure)."""
        if schema.MEASURE not in self.frame.columns:
            return []
        s = self.frame[schema.MEASURE]
        present = set(s.unique())
        return [m for m in s.cat.categories if m in present]

    def resolve_column(self, name: str) -> str:
        """A column from its canonical name, its shown label or a file's original header."""
        if name in self.frame.columns:
            return name
        key = schema.normalise_header(name)
        for col in self.frame.columns:
            if schema.normalise_header(col) == key or schema.normalise_header(self.label(col)) == key:
                return col
        for src in self.sources:
            for header, col in src.mapping.items():
                if schema.normalise_header(header) == key and col in self.frame.columns:
                    return col
        from .errors import FilterError

        raise FilterError(
            f"There is no column called {name!r} in {self.name}. "
            f"Columns: {', '.join(self.label(c) for c in self.columns)}."
        )

    def describe(self) -> str:
        """One line: name, rows, and the total count per measure and area level (never added)."""
        parts = self.partition_totals()
        if len(parts) == 1 and parts[0][0] in ("", NOT_RECORDED):
            totals = f"total count {parts[0][1]:,}"
        else:
            totals = "; ".join(f"{m}: {v:,}" for m, v in parts)
        return f"{self.name}: {self.n_rows:,} rows, {totals}"


def _add_periods(out: dict[str, pd.Series], roles: dict[str, Role]) -> None:
    """Month, quarter and calendar year of the date, as columns of their own (one the data already has
    under that name, or under a header that reads the same, is left as it is)."""
    from .periods import period_columns

    taken = {schema.normalise_header(c) for c in out}
    skip = [p for p in schema.CANONICAL if schema.normalise_header(p) in taken
            or schema.normalise_header(schema.CANONICAL[p].label) in taken]
    for col, series in period_columns(out[schema.DATE], skip=skip).items():
        out[col] = series
        roles[col] = Role.CATEGORY


def concat(datasets: list[Dataset], name: str | None = None) -> Dataset:
    """Append several loaded data sets (several files) into one; columns are unioned."""
    if len(datasets) == 1:
        return datasets[0]
    from .periods import PERIOD_COLUMNS

    frames = []
    for ds in datasets:
        f = ds.frame.copy()
        if ds.role(schema.DATE) is Role.DATE:  # made again from the dates of every file together
            f = f.drop(columns=[p for p in PERIOD_COLUMNS if p in f.columns])
        for c in ds.categorical_columns:
            if c in f.columns:
                f[c] = f[c].astype(object)
        frames.append(f)
    _fill_levels(frames)
    df = pd.concat(frames, ignore_index=True, sort=False)
    labels: dict[str, str] = {}
    for ds in datasets:
        labels.update(ds.labels)
    return Dataset.from_frame(
        df,
        name=name or " + ".join(ds.name for ds in datasets),
        sources=tuple(s for ds in datasets for s in ds.sources),
        synthetic=any(ds.synthetic for ds in datasets),
        labels=labels,
        notes=tuple(n for ds in datasets for n in ds.notes),
        gaps=_merge_gaps([ds.gaps for ds in datasets]),
        covered=tuple(c for ds in datasets for c in ds.covered),
    )


def _fill_levels(frames: list[pd.DataFrame]) -> None:
    """When some files have area levels and others do not, the others' rows get theirs: a row with a
    police force is about that force's area."""
    if not any(schema.AREA_LEVEL in f.columns for f in frames):
        return
    for i, f in enumerate(frames):
        if schema.AREA_LEVEL in f.columns:
            continue
        if schema.FORCE in f.columns:
            force = f[schema.FORCE].astype(object)
            known = force.notna() & (force != NOT_RECORDED)
            frames[i] = f.assign(**{
                schema.AREA_LEVEL: np.where(known, schema.FORCE_AREA, None),
                schema.AREA: force.where(known, None),
            })


def _merge_gaps(parts):
    from .coverage import merge_gaps

    return merge_gaps(parts)
