"""Summary tables: the sum of the count column of some rows by one or more columns of a data set.

A table lists every combination of the values its rows have (zeros included, so a cross-tab is
complete), never adds different measures or area levels together (they become leading columns), and
marks cells the sources do not cover. Protecting a table for publication is `disclosure`'s job.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from . import schema
from .errors import FilterError
from .schema import Role

if TYPE_CHECKING:
    from .dataset import Dataset

STATUS_COL = "status"

# Above this many cells the full grid of combinations is not built: only combinations that occur.
MAX_GRID_CELLS = 1_000_000

_IN_TIME_ORDER = (schema.FINANCIAL_YEAR, schema.MONTH, schema.QUARTER, schema.CALENDAR_YEAR)


def aggregate(
    ds: "Dataset",
    rows: np.ndarray,
    group_by: Sequence[str],
    *,
    k: int | None = None,
    totals: bool = True,
    allowed: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """Sum of the count column of `rows` (indices into `ds`) by the categorical columns `group_by`.

    Returns a long table: one categorical column per group-by column (the values in the data set's
    category order) and ``count`` (int64). Measures are never added together: if the rows hold more
    than one measure, ``measure`` becomes the first group-by column (it is moved first if the caller
    named it elsewhere).

    Which combinations are listed: a value of a column is listed if at least one of the given rows has
    it (so values the user filtered out, and an empty 'Not recorded', do not appear), and then every
    combination of the listed values is shown, zeros included, so a cross-tab is complete (Girls x
    Class C = 0 is an answer, not a gap). If that grid would exceed MAX_GRID_CELLS, only combinations
    that occur are listed.

    Measures and area levels are never added: if the rows hold more than one of either, that column
    becomes a leading group-by column (grouping by police force then groups by area, so that England
    and Wales and regions keep their names). Where the data's coverage has gaps, a ``status`` column
    says per cell 'full', 'partial', '[x]', '[c]' or '[z]' (see coverage.py); `allowed` gives the values
    the filters keep on the coverage dimensions (financial years, forces ...), so that a total over a
    year the sources lack is marked.

    With `k` (2 or more) the result is already suppressed: the ready-to-write table of
    ``suppress(result, k=k, totals=totals)`` (use `suppress` directly to get the counts and the rule).
    """
    n = ds.n_rows
    idx = as_rows(rows, n)
    cols: list[str] = []
    for name in group_by:
        col = ds.resolve_column(name)
        if col not in cols:
            cols.append(col)
    for col in cols:
        role = ds.role(col)
        if col == schema.COUNT or role in (Role.COUNT, Role.DATE, Role.NUMBER) or not isinstance(
            ds.frame[col].dtype, pd.CategoricalDtype
        ):
            raise FilterError(
                f"{ds.label(col)} cannot be used to group counts: choose a column with a list of values "
                "(such as police force, age, drug class or year)."
            )
    split = []
    for pc in schema.PARTITION_COLUMNS:
        if not ds.has(pc) or pc not in ds.categorical_columns:
            continue
        pcodes = ds.codes(pc)[idx]
        if pc in cols or int(np.count_nonzero(np.bincount(pcodes, minlength=len(ds.categories(pc))))) > 1:
            split.append(pc)
    if schema.AREA_LEVEL in split and schema.FORCE in cols and ds.has(schema.AREA):
        cols[cols.index(schema.FORCE)] = schema.AREA
    cols = split + [c for c in cols if c not in split]

    counts = ds.counts[idx]
    if not cols:
        return pd.DataFrame({schema.COUNT: np.array([_checked_total(counts, ds.name)], dtype=np.int64)})

    # codes of each column renumbered over the values present among the rows, in category order
    kept: list[np.ndarray] = []
    ckeys: list[np.ndarray] = []
    for c in cols:
        cd = ds.codes(c)[idx].astype(np.int64)
        present = np.flatnonzero(np.bincount(cd, minlength=len(ds.categories(c))))
        if c in _IN_TIME_ORDER and len(present):  # periods stay continuous: a missing year is a gap
            cats = ds.categories(c)
            known = [i for i in present.tolist() if cats[i] != schema.NOT_RECORDED]
            if known:
                span = [i for i in range(min(known), max(known) + 1) if cats[i] != schema.NOT_RECORDED]
                present = np.array(sorted(set(span) | set(present.tolist())), dtype=np.int64)
        remap = np.zeros(len(ds.categories(c)), dtype=np.int64)
        remap[present] = np.arange(len(present))
        kept.append(present)
        ckeys.append(remap[cd])
    ksizes = [len(kc) for kc in kept]
    grid_cells = float(np.prod(np.array(ksizes, dtype=np.float64)))

    if len(idx) and grid_cells <= MAX_GRID_CELLS:
        # every combination of the present values, zeros included: one bincount over the grid
        n_cells = int(grid_cells)
        key = np.ravel_multi_index(ckeys, ksizes)
        values = _exact_bincount(key, counts, n_cells, ds.name)
        combo = list(np.unravel_index(np.arange(n_cells), ksizes))
        if schema.AREA_LEVEL in split:  # within each area level, only the areas (etc.) that occur there
            occurs = np.bincount(key, minlength=n_cells) > 0
            ax = cols.index(schema.AREA_LEVEL)
            keep = np.moveaxis(_within_parts(np.moveaxis(occurs.reshape(ksizes), ax, 0), 1), 0, ax)
            values = values[keep.reshape(-1)]
            combo = [c[keep.reshape(-1)] for c in combo]
    else:
        # only combinations that occur: np.unique on the combined key (compacted whenever the
        # product of the sizes could overflow int64; compaction keeps the order)
        key = np.zeros(len(idx), dtype=np.int64)
        span = 1
        for ck, size in zip(ckeys, ksizes):
            if span * size >= 2**62:
                _, key = np.unique(key, return_inverse=True)
                key = key.astype(np.int64).reshape(-1)
                span = int(key.max()) + 1 if len(key) else 1
            key = key * size + ck
            span *= size
        uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
        values = _exact_bincount(inv.reshape(-1), counts, len(uniq), ds.name)
        combo = [ck[first] for ck in ckeys]

    out: dict[str, object] = {}
    for col, cd, kc in zip(cols, combo, kept):
        cats = ds.categories(col)
        out[col] = pd.Categorical.from_codes(np.asarray(cd, dtype=np.int64), categories=[cats[i] for i in kc])
    out[schema.COUNT] = np.asarray(values, dtype=np.int64)
    table = pd.DataFrame(out)
    status = _cell_status(ds, idx, table, cols, allowed)
    if status is not None:
        table[STATUS_COL] = status
    if k is not None:
        from .disclosure import suppress

        return suppress(table, k=k, by=cols, totals=totals).table
    return table


def _within_parts(occurs: np.ndarray, n_split: int) -> np.ndarray:
    """Cells of the grid to list: per combination of the leading (split) axes that has rows, every
    combination of the values each other axis has within it."""
    keep = np.zeros(occurs.shape, dtype=bool)
    lead = occurs.shape[:n_split]
    for part in np.ndindex(*lead):
        sub = occurs[part]
        if not sub.any():
            continue
        axes_any = [sub.any(axis=tuple(a for a in range(sub.ndim) if a != ax)) for ax in range(sub.ndim)]
        mask = np.ones(sub.shape, dtype=bool)
        for ax, present in enumerate(axes_any):
            shape = [1] * sub.ndim
            shape[ax] = -1
            mask &= present.reshape(shape)
        keep[part] = mask
    return keep


def _cell_status(ds: "Dataset", idx: np.ndarray, table: pd.DataFrame, cols: list[str],
                 allowed: Mapping[str, Collection[str]] | None) -> np.ndarray | None:
    """Per row of an aggregated table, what the sources say of it; None when every cell is a full
    figure."""
    cov = ds.coverage
    if cov is None or cov.complete:
        return None
    fixed_all: dict[str, str] = {}
    for pc in schema.PARTITION_COLUMNS:  # a measure or level the rows share is fixed for every cell
        if pc in cov.dims and pc not in cols:
            present = np.flatnonzero(np.bincount(ds.codes(pc)[idx], minlength=len(ds.categories(pc)))) \
                if len(idx) else []
            if len(present) == 1:
                fixed_all[pc] = ds.categories(pc)[int(present[0])]
    own = [c for c in cols if c in cov.dims or (c == schema.FORCE and schema.AREA in cov.dims)]
    as_dim = {c: (schema.AREA if c == schema.FORCE and c not in cov.dims else c) for c in own}
    allow = {as_dim.get(d, d): v for d, v in (allowed or {}).items() if as_dim.get(d, d) in cov.dims}
    cache: dict[tuple, str] = {}
    out = np.empty(len(table), dtype=object)
    keys = list(zip(*(table[c].astype(str).tolist() for c in own))) if own else [()] * len(table)
    for i, key in enumerate(keys):
        if key not in cache:
            fixed = {**fixed_all, **{as_dim[c]: v for c, v in zip(own, key)}}
            cache[key] = cov.status(fixed, {d: v for d, v in allow.items() if d not in fixed})
        out[i] = cache[key]
    if all(x == "full" for x in out):
        return None
    return out


def _checked_total(counts: np.ndarray, name: str) -> int:
    """The exact total of the counts; LoadError (a plain message) if a count or the total is above 2**53.
    `Dataset.from_frame` already refuses such data; this guards data sets built some other way."""
    from .count_checks import check_count_total

    return check_count_total(counts, name)


def _exact_bincount(key: np.ndarray, weights: np.ndarray, n: int, name: str = "The data") -> np.ndarray:
    """Integer sums per bin, exact: the weights add up to at most 2**53 (checked exactly first), so
    every partial sum bincount makes in float64 is a whole number it holds exactly."""
    _checked_total(weights, name)
    if len(weights) == 0:
        return np.zeros(n, dtype=np.int64)
    return np.rint(np.bincount(key, weights=weights.astype(np.float64), minlength=n)).astype(np.int64)


def as_rows(rows, n: int) -> np.ndarray:
    """Row indices from a row mask or an index array, checked against the data set's n rows."""
    idx = np.asarray(rows)
    if idx.dtype == bool:
        if idx.shape != (n,):
            raise ValueError(f"a row mask must have {n} entries, not {idx.shape}")
        return np.flatnonzero(idx)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError("rows must be a 1-D array of row indices")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"row indices must be between 0 and {n - 1}")
    return idx


def table_dims(table: pd.DataFrame) -> list[str]:
    """The group-by columns of an aggregated table (measure and area level first where they split it)."""
    return [c for c in table.columns if c not in (schema.COUNT, STATUS_COL)]
