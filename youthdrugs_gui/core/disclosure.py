"""Small-number suppression for aggregated tables about children.

Official statistics replace small counts by a marker so no child can be identified, and suppress further
cells wherever a hidden count could otherwise be worked out from a published total. This module builds
such tables from a data set (`aggregate`) and applies the rules (`suppress`).

The rules, as implemented:

* **Primary.** Every count from 1 to k-1 (cells *and* totals) is shown as ``[c]`` (the ONS marker).
  Zeros are shown as 0: a zero identifies nobody, and hiding zeros would make tables of rare events
  unreadable. This is the rule of most official releases (e.g. MoJ/YJB youth justice statistics).
* **Totals.** Row, column and grand totals are the sums of the true counts (suppressed ones included),
  shown unless they are themselves from 1 to k-1.
* **Secondary.** With totals shown, no hidden count may be worked out from what is shown, nor narrowed
  to two values. The reader is assumed to know k, every number shown, that a shown 0 is a true 0 (so
  every hidden count is at least 1), and every sum of the table at once (each row to its total, each
  column to its total, the totals to the grand total). From all that, each hidden entry's smallest and
  largest possible values must differ by at least 2; this is checked exactly by linear programming
  (`protection.audit`). Further entries are hidden until it holds: for each hidden entry that fails, the
  cheapest cycle of entries that gives it room to move (the smallest counts, cells before totals). A
  true zero is never hidden. See `protection` for the details.
* **Measures** (arrests, searches, offences ...) are never added together: a table with several
  measures is protected as one separate table per measure, with its own totals.

What it does not protect against: differencing between two different exports of overlapping data
(e.g. two exports that differ by one police force: each is audited alone), and a reader who knows which
hidden counts are primary and so at most k-1 (two hidden cells adding up to 8 with k=5 would both be 4);
nothing shown says which they are. The audit works over real numbers (the linear programming
relaxation); for the one- and two-way tables with totals made here its ranges are exactly the
whole-number ones. Those limits need judgement by whoever publishes.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from . import schema
from .errors import FilterError
from .schema import Role

if TYPE_CHECKING:
    from .dataset import Dataset

SUPPRESSED = "[c]"
TOTAL_LABEL = "Total"
DEFAULT_K = 5

# Above this many cells the full grid of combinations is not built: only combinations that occur.
MAX_GRID_CELLS = 1_000_000


# ------------------------------------------------------------------------------------------------
# Aggregation
# ------------------------------------------------------------------------------------------------
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
    from .dataset import check_count_total

    return check_count_total(counts, name)


def _exact_bincount(key: np.ndarray, weights: np.ndarray, n: int, name: str = "The data") -> np.ndarray:
    """Integer sums per bin, exact: the weights add up to at most 2**53 (checked exactly first), so
    every partial sum bincount makes in float64 is a whole number it holds exactly."""
    _checked_total(weights, name)
    if len(weights) == 0:
        return np.zeros(n, dtype=np.int64)
    return np.rint(np.bincount(key, weights=weights.astype(np.float64), minlength=n)).astype(np.int64)


def as_rows(rows, n: int) -> np.ndarray:
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


# ------------------------------------------------------------------------------------------------
# Suppression
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SuppressionResult:
    """A protected table, ready to write, and what was done to it.

    `table`: the table to export. Value cells hold Python ints, "[c]" (suppressed), "[x]" (not
    available), "[z]" (not applicable), or a number followed by " [part]" (a figure that leaves out
    cells the sources do not have). A 1-D table keeps the long shape (its columns, then a "Total" row
    per separate table); a 2-D table is a cross-tab: the first dimension down, one column per value of
    the second, a "Total" column, and a "Total" row.
    `long`: the same entries in long form (dimension columns, then the value column), totals included
    as rows whose dimension value is "Total".
    `primary`: entries (cells and totals) hidden because they are from 1 to k-1.
    `secondary`: further entries hidden so hidden ones cannot be worked out from totals.
    `rule`: one line for the provenance record and the table's footnote.
    `rounding`: the base counts were rounded to (Home Office style), or None.
    `not_available`: entries shown as [x], [c] or [z] because the sources hold no figure for them.
    """

    table: pd.DataFrame
    long: pd.DataFrame
    primary: int
    secondary: int
    k: int
    rule: str
    value_col: str = schema.COUNT
    dims: tuple[str, ...] = ()
    split_by: tuple[str, ...] = ()
    totals: bool = True
    rounding: int | None = None
    not_available: int = 0
    partial: int = 0
    notes: tuple[str, ...] = ()

    @property
    def suppressed(self) -> int:
        return self.primary + self.secondary


def suppress(
    table: pd.DataFrame,
    *,
    value_col: str = schema.COUNT,
    k: int = DEFAULT_K,
    by: Sequence[str] | None = None,
    totals: bool = True,
    round_to: int | None = None,
) -> SuppressionResult:
    """Protect a long table of counts (as made by `aggregate`) for publication.

    `by`: the group-by columns (the table's dimensions); default: every column but `value_col` (and
    `status`). The last one or two of them, not counting ``measure`` and ``area_level``, form each table:
    one column gives a 1-D table with a grand total, two give a cross-tab (rows by the first, columns by
    the second) with row, column and grand totals. Every other column of `table` (``measure`` and
    ``area_level`` always, and any leading dimension beyond two) splits it into separate tables, each
    protected on its own with its own totals: nothing is ever totalled across them. Combinations
    missing from `table` count as 0. A ``status`` column (from `aggregate`) marks cells the sources do
    not have: they are shown as such, left out of every total, and never count as 0.

    `totals`: add totals (and apply secondary suppression). Without totals only primary suppression is
    needed, since nothing shown adds up to a hidden cell.
    `round_to`: instead of secondary suppression, round every count and total to the nearest multiple
    of this (commonly 5), with counts from 1 to k-1 suppressed.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError("k must be a whole number of 2 or more (commonly 5 or 10)")
    if round_to is not None and (isinstance(round_to, bool) or not isinstance(round_to, (int, np.integer))
                                 or round_to < 2):
        raise ValueError("counts can be rounded to a whole number of 2 or more (commonly 5)")
    return _shape(table, value_col=value_col, k=int(k), by=by, totals=totals,
                  round_to=None if round_to is None else int(round_to))


def tabulate(
    table: pd.DataFrame,
    *,
    value_col: str = schema.COUNT,
    by: Sequence[str] | None = None,
    totals: bool = True,
) -> SuppressionResult:
    """The same table shape as `suppress` (a cross-tab for two dimensions, totals, one table per
    measure and area level) with nothing hidden: for casework exports that are not published."""
    return _shape(table, value_col=value_col, k=1, by=by, totals=totals)


def table_dims(table: pd.DataFrame) -> list[str]:
    """The group-by columns of an aggregated table (measure and area level first where they split it)."""
    return [c for c in table.columns if c not in (schema.COUNT, "status")]


def protect_table(table: pd.DataFrame, *, k: int | None = None, round_to: int | None = None) -> SuppressionResult:
    """An aggregated table made ready to write under one of the rules: rounding (`round_to`, small
    counts below k or the base suppressed), suppression (`k`), or neither (casework: `tabulate`)."""
    by = table_dims(table)
    if round_to is not None:
        return suppress(table, k=k or round_to, by=by, round_to=round_to)
    if k is not None:
        return suppress(table, k=k, by=by)
    return tabulate(table, by=by)


STATUS_COL = "status"
PARTIAL_SUFFIX = " [part]"
_NA_MARKS = ("[x]", "[c]", "[z]")


def _entry(value: int, hidden: bool, status: str) -> object:
    """What one cell or total is written as."""
    if status in _NA_MARKS:
        return status
    if hidden:
        return SUPPRESSED
    if status == "partial":
        return f"{int(value)}{PARTIAL_SUFFIX}"
    return int(value)


def _total_status(St: np.ndarray, totals: bool) -> np.ndarray:
    """Statuses with totals appended: a total over no available cell is [x]; one over some cells that
    are not available, or are partial, is partial."""
    def combine(block: np.ndarray) -> str:
        vals = set(block.ravel().tolist())
        avail = vals & {"full", "partial"}
        if not avail:
            return "[x]" if block.size else "full"
        return "full" if vals == {"full"} else "partial"

    if not totals:
        return St
    if St.ndim == 1:
        return np.append(St, np.array([combine(St)], dtype=object))
    r, c = St.shape
    out = np.empty((r + 1, c + 1), dtype=object)
    out[:r, :c] = St
    for i in range(r):
        out[i, c] = combine(St[i])
    for j in range(c):
        out[r, j] = combine(St[:, j])
    out[r, c] = combine(St)
    return out


def _protected(M: np.ndarray, St: np.ndarray, k: int, totals: bool, round_to: int | None):
    """(values with totals, hidden, primary, statuses with totals, notes) of one table."""
    from . import protection

    avail = np.isin(St, ("full", "partial"))
    all_avail = bool(avail.all())
    if round_to is not None:
        pr = protection.round_table(M, base=round_to, k=k, totals=totals, available=None if all_avail else avail)
    elif k <= 1:
        A = protection.with_totals(M, None if all_avail else avail) if totals else np.where(avail, M, 0)
        none = np.zeros(A.shape, dtype=bool)
        return A, none, none, _total_status(St, totals), ()
    else:
        pr = protection.protect(M, k, totals=totals, available=None if all_avail else avail)
    return pr.values, pr.hidden, pr.primary, _total_status(St, totals), tuple(pr.notes)


def _shape(table: pd.DataFrame, *, value_col: str, k: int, by: Sequence[str] | None,
           totals: bool, round_to: int | None = None) -> SuppressionResult:
    """Tabulate and protect; k=1 protects nothing (no count lies in 1..k-1)."""
    if value_col not in table.columns:
        raise ValueError(f"the table has no column {value_col!r}")
    all_dims = [c for c in table.columns if c not in (value_col, STATUS_COL)]
    by_list = list(all_dims if by is None else by)
    for c in by_list:
        if c not in table.columns or c in (value_col, STATUS_COL):
            raise ValueError(f"the table has no group-by column {c!r}")
    dims = [c for c in by_list if c not in schema.PARTITION_COLUMNS]
    split = [c for c in all_dims if c not in dims]
    if len(dims) > 2:
        split += dims[:-2]
        dims = dims[-2:]
    split = [c for c in table.columns if c in split]  # keep the table's column order

    vals = pd.to_numeric(table[value_col], errors="coerce")
    if vals.isna().any():
        raise ValueError(f"{value_col!r} holds a value that is not a count")
    v = vals.to_numpy(dtype=np.float64)
    if (v < 0).any() or not np.all(np.mod(v, 1) == 0):
        raise ValueError(f"{value_col!r} must hold whole numbers of 0 or more")
    v = v.astype(np.int64)
    status = table[STATUS_COL].astype(str).to_numpy(dtype=object) if STATUS_COL in table.columns \
        else np.full(len(table), "full", dtype=object)

    split_levels = [_levels(table[c]) for c in split]
    dim_levels = [_levels(table[c]) for c in dims]
    gkey = np.zeros(len(table), dtype=np.int64)
    for codes, labels in split_levels:
        gkey = gkey * max(len(labels), 1) + codes
    groups = np.unique(gkey).tolist() if len(table) else []

    long_rows: list[dict] = []
    wide_rows: list[dict] = []
    n_primary = n_secondary = n_na = n_partial = 0
    notes: list[str] = []
    for g in groups:
        sel = np.flatnonzero(gkey == g)
        split_vals = _split_values(g, split, split_levels)
        if not dims:  # no dimension: one total per group
            M = np.array([int(v[sel].sum())])
            St = np.array([_combine_status(status[sel])], dtype=object)
            A, S, P, _, more = _protected(M, St, k, False, round_to)
            e = _entry(A[0], S[0], St[0])
            n_primary += int(P.sum())
            long_rows.append({**split_vals, value_col: e})
            wide_rows.append({**split_vals, value_col: e})
            continue
        # each separate table lists the values its own rows have (a region is not a row of the forces)
        local = []
        for codes, labels in dim_levels:
            present = np.unique(codes[sel])
            remap = np.full(max(len(labels), 1), -1, dtype=np.int64)
            remap[present] = np.arange(len(present))
            local.append((remap, [labels[i] for i in present]))
        shape = tuple(max(len(lab), 1) for _, lab in local)
        M = np.zeros(shape, dtype=np.int64)
        St = np.full(shape, "full", dtype=object)
        pos = tuple(remap[lv[0][sel]] for (remap, _), lv in zip(local, dim_levels))
        seen = np.zeros(shape, dtype=np.int64)
        np.add.at(seen, pos, 1)
        if (seen > 1).any():
            raise ValueError("the table lists the same combination more than once; aggregate it first")
        M[pos] = v[sel]
        St[pos] = status[sel]
        A, S, P, Stt, more = _protected(M, St, k, totals, round_to)
        more = [_named(m, [lab for _, lab in local], split_vals) for m in more]
        notes += [m for m in more if m not in notes]
        n_primary += int(P.sum())
        n_secondary += int((S & ~P).sum())
        n_na += int(np.isin(Stt, _NA_MARKS).sum())
        n_partial += int((Stt == "partial").sum())
        if len(dims) == 1:
            labels = list(local[0][1]) + ([TOTAL_LABEL] if totals else [])
            for i, lab in enumerate(labels):
                e = _entry(A[i], S[i], Stt[i])
                long_rows.append({**split_vals, dims[0]: lab, value_col: e})
                wide_rows.append({**split_vals, dims[0]: lab, value_col: e})
        else:
            rlabels = list(local[0][1]) + ([TOTAL_LABEL] if totals else [])
            clabels = list(local[1][1]) + ([TOTAL_LABEL] if totals else [])
            ccols = _unique_headers(clabels, taken=set(split) | {dims[0]})
            for i, rl in enumerate(rlabels):
                wrow = {**split_vals, dims[0]: rl}
                for j, cl in enumerate(clabels):
                    e = _entry(A[i, j], S[i, j], Stt[i, j])
                    long_rows.append({**split_vals, dims[0]: rl, dims[1]: cl, value_col: e})
                    wrow[ccols[j]] = e
                wide_rows.append(wrow)

    long_cols = split + dims + [value_col]
    long = pd.DataFrame(long_rows, columns=long_cols)
    if dims and len(dims) == 2:
        seen_cols: list[str] = []
        for r in wide_rows:
            for c in r:
                if c not in seen_cols:
                    seen_cols.append(c)
        wide = pd.DataFrame(wide_rows, columns=seen_cols)
    else:
        wide = pd.DataFrame(wide_rows, columns=long_cols)
    for frame in (long, wide):
        for c in frame.columns:
            frame[c] = frame[c].astype(object)
    rule = _rule_text(k, n_primary, n_secondary, totals) if round_to is None else \
        _rounding_text(round_to, k)
    if notes:
        rule += "; " + "; ".join(notes)
    return SuppressionResult(
        table=wide, long=long, primary=n_primary, secondary=n_secondary, k=k, rule=rule,
        value_col=value_col, dims=tuple(dims), split_by=tuple(split), totals=totals, rounding=round_to,
        not_available=n_na, partial=n_partial, notes=tuple(notes),
    )


def _named(note: str, labels: list[list[str]], split_vals: dict[str, str]) -> str:
    """A protection note with its line named by its value ('row 3' -> 'Essex'), and the separate
    table it belongs to ('Arrest, Region')."""
    import re

    def name(m: re.Match) -> str:
        axis = 0 if m.group(1) == "row" else 1
        i = int(m.group(2)) - 1
        return f"'{labels[axis][i]}'" if axis < len(labels) and 0 <= i < len(labels[axis]) else m.group(0)

    text = re.sub(r"\b(row|column) (\d+)\b", name, note)
    if split_vals:
        text = f"{', '.join(str(v) for v in split_vals.values())}: {text}"
    return text


def _split_values(g: int, split: list[str], split_levels) -> dict[str, str]:
    if not split:
        return {}
    rem = g
    parts = []
    for codes, labels in reversed(split_levels):
        size = max(len(labels), 1)
        parts.append(labels[rem % size])
        rem //= size
    return dict(zip(split, reversed(parts)))


def _combine_status(statuses: np.ndarray) -> str:
    vals = set(statuses.tolist())
    if not vals or vals == {"full"}:
        return "full"
    if vals & {"full", "partial"}:
        return "partial"
    return vals.pop() if len(vals) == 1 else "[x]"


def _rounding_text(base: int, k: int) -> str:
    small = f"counts of 1 to {k - 1}" if k > 2 else "counts of 1"
    return (f"every count and total rounded to the nearest {base} on its own (so totals need not equal the "
            f"sum of the rounded counts); {small} shown as {SUPPRESSED}; zeros shown as 0")


def _rule_text(k: int, primary: int, secondary: int, totals: bool) -> str:
    if k < 2:
        return "none"
    small = f"counts of 1 to {k - 1}" if k > 2 else "counts of 1"
    text = f"{small} shown as {SUPPRESSED}, zeros shown as 0"
    if not totals:
        return text + "; no totals shown"
    guard = ("no hidden count can be narrowed to fewer than three values from the totals "
             "(audited by linear programming)")
    if secondary == 0:
        return f"{text}; {guard}"
    cells = "1 further cell" if secondary == 1 else f"{secondary} further cells"
    return f"{text}; {cells} suppressed so that {guard}"


def _levels(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column and the labels they stand for, in a natural order: category order
    (values that occur) for categoricals, first appearance otherwise."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        cats = [str(c) for c in s.cat.categories]
        if (codes < 0).any():
            cats = cats + [schema.NOT_RECORDED if schema.NOT_RECORDED not in cats else "(missing)"]
            codes = np.where(codes < 0, len(cats) - 1, codes)
        used = np.flatnonzero(np.bincount(codes, minlength=len(cats)))
        remap = np.full(len(cats), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        return remap[codes], [cats[i] for i in used]
    codes, uniques = pd.factorize(s.astype(object).where(s.notna(), schema.NOT_RECORDED), sort=False)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _unique_headers(labels: list[str], taken: set[str]) -> list[str]:
    out: list[str] = []
    used = set(taken)
    for lab in labels:
        name = lab
        n = 2
        while name in used:
            name = f"{lab} ({n})"
            n += 1
        used.add(name)
        out.append(name)
    return out


def _protect_1d(M: np.ndarray, k: int, totals: bool,
                available: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (cells, then the grand total), hidden mask, primary mask of a 1-D table: see
    `protection.protect`."""
    from .protection import protect

    p = protect(M.reshape(-1), k, totals=totals, available=available)
    return p.values, p.hidden, p.primary


def _protect_2d(M: np.ndarray, k: int, totals: bool,
                available: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, hidden mask and primary mask of a cross-tab; with totals the arrays have one extra row
    (column totals) and one extra column (row totals), the grand total in the corner: see
    `protection.protect`."""
    from .protection import protect

    p = protect(M, k, totals=totals, available=available)
    return p.values, p.hidden, p.primary
