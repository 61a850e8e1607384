"""The loaded data set: one pandas frame whose filterable columns are categoricals with an explicit
'Not recorded' category (so codes are never -1), the integer code arrays the engine works on, the count
column, and where the data came from."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Mapping

import numpy as np
import pandas as pd

from . import schema
from .categories import as_category
from .codes import code_counts, codes_in_use
from .count_checks import checked_counts
from .errors import LoadError
from .schema import NOT_RECORDED, Role

MAX_FACET_VALUES = 500
"""A text column with more distinct values than this is searchable text (Role.TEXT), not a tick-list:
a list of thousands of values is not a filter anyone can use, and builds slowly in the window."""


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


def _has_fractions(s: pd.Series) -> bool:
    """A measurement such as a latitude (not a code or a small count): not offered as a checklist."""
    if not pd.api.types.is_float_dtype(s.dtype):
        return False
    v = s.to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    return bool(len(v)) and bool(np.any(v != np.round(v)))


def _ones(n: int, name: str = schema.COUNT) -> pd.Series:
    """A count of 1 on each of n rows, held as one number (read-only): a file of one row per offence
    (police.uk, most case lists) has nothing else in its count column, and 8 bytes a row of ones is a
    tenth of the memory of a ten-million-row data set."""
    return pd.Series(np.broadcast_to(np.int64(1), (n,)), name=name, copy=False)


def _compact(counts: pd.Series) -> pd.Series:
    """Checked int64 counts, as _ones where every count is 1."""
    values = counts.to_numpy()
    if len(values) and values.strides != (0,) and values.min() == 1 and values.max() == 1:
        return _ones(len(values), counts.name)
    return counts


def _typed_column(s: pd.Series, col: str, name: str) -> tuple[pd.Series, Role]:
    """One column of a new data set and its role: a canonical column as its role says; any other as a
    facet (at most MAX_FACET_VALUES distinct values), searchable text, or a plain number."""
    spec = schema.CANONICAL.get(col)
    if spec is not None:
        if spec.role is Role.COUNT:
            return _compact(checked_counts(s, name)), spec.role
        if spec.role is Role.DATE:
            naive = pd.api.types.is_datetime64_dtype(s.dtype)  # already dates: no copy
            return (s if naive else pd.to_datetime(s, errors="coerce", utc=False)), spec.role
        return as_category(s, col), spec.role
    if pd.api.types.is_bool_dtype(s.dtype):
        return as_category(s.map({True: "True", False: "False"}), col), Role.CATEGORY
    if isinstance(s.dtype, pd.CategoricalDtype):  # distinct values in use, from the codes (cheap)
        nunique = int(np.count_nonzero(codes_in_use(s.array.codes, len(s.cat.categories))[:-1]))
    else:
        nunique = s.nunique(dropna=True)
    if pd.api.types.is_numeric_dtype(s.dtype) and (nunique > MAX_FACET_VALUES or _has_fractions(s)):
        return s, Role.NUMBER
    return as_category(s, col), (Role.CATEGORY if nunique <= MAX_FACET_VALUES else Role.TEXT)


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
            out[col], roles[col] = _typed_column(df[col], col, name)
        if roles.get(schema.DATE) is Role.DATE:
            _add_periods(out, roles)
        if schema.COUNT not in out:
            out[schema.COUNT] = _ones(len(df))
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

    def category_index(self, col: str) -> pd.Index:
        """The categories of a categorical column as they are held (no list of Python strings)."""
        return self.frame[col].cat.categories

    @cached_property
    def category_lists(self) -> "CategoryLists":
        """The categories of every categorical column as lists, each made when first asked for."""
        return CategoryLists(self)

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


class CategoryLists(Mapping[str, list[str]]):
    """Column -> its categories as a list, made on first use: a column of row identifiers has
    millions, and the engine never needs them as Python strings unless someone sorts or filters by
    that column."""

    def __init__(self, ds: Dataset) -> None:
        self._ds = ds
        self._columns = ds.categorical_columns
        self._made: dict[str, list[str]] = {}

    def __getitem__(self, col: str) -> list[str]:
        if col not in self._made:
            if col not in self._columns:
                raise KeyError(col)
            self._made[col] = self._ds.categories(col)
        return self._made[col]

    def __contains__(self, col: object) -> bool:
        return col in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def size(self, col: str) -> int:
        """How many categories the column has, without listing them."""
        return len(self._ds.category_index(col))
