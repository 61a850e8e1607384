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
* **Secondary.** A hidden count must not be recoverable by arithmetic from what is shown. For a 1-D
  table with a grand total: if exactly one entry is hidden, the next smallest non-zero count is hidden
  too. For a 2-D cross-tab with row, column and grand totals: every row and column (the totals row and
  column included) has either no hidden entry or at least two, and in addition no hidden entry may be
  the only link between two groups of hidden entries (in graph terms: no hidden entry is a *bridge* of
  the bipartite graph of rows and columns joined by hidden entries). Without that second condition some
  patterns of "two per line" can still be solved exactly, by adding and subtracting whole rows and
  columns. The extra cell hidden each time is the smallest non-zero shown count that fixes the problem,
  preferring inner cells over totals, repeated until nothing changes.
* **Measures** (arrests, searches, offences ...) are never added together: a table with several
  measures is protected as one separate table per measure, with its own totals.

What it does not protect against: bounds reasoning (e.g. two hidden primaries in a row whose shown total
is 8 with k=5 must both be 4 if the reader assumes both are primary), and differencing between two
different exports of overlapping data. Those need judgement by whoever publishes.
"""
from __future__ import annotations

from dataclasses import dataclass
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
def aggregate(
    ds: "Dataset",
    rows: np.ndarray,
    group_by: Sequence[str],
    *,
    k: int | None = None,
    totals: bool = True,
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

    With `k` (2 or more) the result is already suppressed: the ready-to-write table of
    ``suppress(result, k=k, totals=totals)`` (use `suppress` directly to get the counts and the rule).
    """
    n = ds.n_rows
    idx = _as_rows(rows, n)
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
    if ds.has(schema.MEASURE):
        mcodes = ds.codes(schema.MEASURE)[idx]
        n_measures = int(np.count_nonzero(np.bincount(mcodes, minlength=len(ds.categories(schema.MEASURE)))))
        if schema.MEASURE in cols:
            cols.remove(schema.MEASURE)
            cols.insert(0, schema.MEASURE)
        elif n_measures > 1:
            cols.insert(0, schema.MEASURE)

    counts = ds.counts[idx]
    if not cols:
        return pd.DataFrame({schema.COUNT: np.array([int(counts.sum())], dtype=np.int64)})

    # codes of each column renumbered over the values present among the rows, in category order
    kept: list[np.ndarray] = []
    ckeys: list[np.ndarray] = []
    for c in cols:
        cd = ds.codes(c)[idx].astype(np.int64)
        present = np.flatnonzero(np.bincount(cd, minlength=len(ds.categories(c))))
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
        values = _exact_bincount(key, counts, n_cells)
        combo = list(np.unravel_index(np.arange(n_cells), ksizes))
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
        values = _exact_bincount(inv.reshape(-1), counts, len(uniq))
        combo = [ck[first] for ck in ckeys]

    out: dict[str, object] = {}
    for col, cd, kc in zip(cols, combo, kept):
        cats = ds.categories(col)
        out[col] = pd.Categorical.from_codes(np.asarray(cd, dtype=np.int64), categories=[cats[i] for i in kc])
    out[schema.COUNT] = np.asarray(values, dtype=np.int64)
    table = pd.DataFrame(out)
    if k is not None:
        return suppress(table, k=k, by=cols, totals=totals).table
    return table


def _exact_bincount(key: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Integer sums per bin; bincount's float weights are exact below 2**53, else fall back."""
    if len(weights) == 0 or int(weights.sum()) < 2**53:
        return np.rint(np.bincount(key, weights=weights.astype(np.float64), minlength=n)).astype(np.int64)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, key, weights.astype(np.int64))
    return out


def _as_rows(rows, n: int) -> np.ndarray:
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

    `table`: the table to export. Value cells hold Python ints or the string "[c]". A 1-D table keeps
    the long shape (its columns, then a "Total" row per separate table); a 2-D table is a cross-tab:
    the first dimension down, one column per value of the second, a "Total" column, and a "Total" row.
    `long`: the same entries in long form (dimension columns, then the value column), totals included
    as rows whose dimension value is "Total".
    `primary`: entries (cells and totals) hidden because they are from 1 to k-1.
    `secondary`: further entries hidden so hidden ones cannot be worked out from totals.
    `rule`: one line for the provenance record and the table's footnote.
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
) -> SuppressionResult:
    """Protect a long table of counts (as made by `aggregate`) for publication.

    `by`: the group-by columns (the table's dimensions); default: every column but `value_col`. The
    last one or two of them, not counting ``measure``, form each table: one column gives a 1-D table
    with a grand total, two give a cross-tab (rows by the first, columns by the second) with row,
    column and grand totals. Every other column of `table` (``measure`` always, and any leading
    dimension beyond two) splits it into separate tables, each protected on its own with its own totals:
    nothing is ever totalled across them. Combinations missing from `table` count as 0.

    `totals`: add totals (and apply secondary suppression). Without totals only primary suppression is
    needed, since nothing shown adds up to a hidden cell.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError("k must be a whole number of 2 or more (commonly 5 or 10)")
    return _shape(table, value_col=value_col, k=int(k), by=by, totals=totals)


def tabulate(
    table: pd.DataFrame,
    *,
    value_col: str = schema.COUNT,
    by: Sequence[str] | None = None,
    totals: bool = True,
) -> SuppressionResult:
    """The same table shape as `suppress` (a cross-tab for two dimensions, totals, one table per
    measure) with nothing hidden: for casework exports that are not published."""
    return _shape(table, value_col=value_col, k=1, by=by, totals=totals)


def _shape(table: pd.DataFrame, *, value_col: str, k: int, by: Sequence[str] | None,
           totals: bool) -> SuppressionResult:
    """Tabulate and protect; k=1 protects nothing (no count lies in 1..k-1)."""
    if value_col not in table.columns:
        raise ValueError(f"the table has no column {value_col!r}")
    all_dims = [c for c in table.columns if c != value_col]
    by_list = list(all_dims if by is None else by)
    for c in by_list:
        if c not in table.columns or c == value_col:
            raise ValueError(f"the table has no group-by column {c!r}")
    dims = [c for c in by_list if c != schema.MEASURE]
    split = [c for c in all_dims if c not in dims]
    if len(dims) > 2:
        split += dims[:-2]
        dims = dims[-2:]
    # keep the table's column order for the split columns
    split = [c for c in table.columns if c in split]

    values = table[value_col]
    vals = pd.to_numeric(values, errors="coerce")
    if vals.isna().any():
        raise ValueError(f"{value_col!r} holds a value that is not a count")
    v = vals.to_numpy(dtype=np.float64)
    if (v < 0).any() or not np.all(np.mod(v, 1) == 0):
        raise ValueError(f"{value_col!r} must hold whole numbers of 0 or more")
    v = v.astype(np.int64)

    split_levels = [_levels(table[c]) for c in split]
    dim_levels = [_levels(table[c]) for c in dims]

    # one group per combination of split values (in their order)
    if split:
        gkey = np.zeros(len(table), dtype=np.int64)
        for codes, labels in split_levels:
            gkey = gkey * max(len(labels), 1) + codes
        groups = np.unique(gkey).tolist()
    else:
        gkey = np.zeros(len(table), dtype=np.int64)
        groups = [0] if len(table) else []

    long_rows: list[dict] = []
    wide_rows: list[dict] = []
    n_primary = n_secondary = 0
    for g in groups:
        sel = np.flatnonzero(gkey == g)
        split_vals = {}
        if split:
            rem = g
            parts = []
            for codes, labels in reversed(split_levels):
                size = max(len(labels), 1)
                parts.append(labels[rem % size])
                rem //= size
            split_vals = dict(zip(split, reversed(parts)))
        if not dims:  # no dimension: one total per group
            total = int(v[sel].sum())
            S = 1 <= total < k
            n_primary += int(S)
            entry = SUPPRESSED if S else total
            long_rows.append({**split_vals, value_col: entry})
            wide_rows.append({**split_vals, value_col: entry})
            continue
        shape = tuple(max(len(lv[1]), 1) for lv in dim_levels)
        M = np.zeros(shape, dtype=np.int64)
        pos = tuple(lv[0][sel] for lv in dim_levels)
        seen = np.zeros(shape, dtype=np.int64)
        np.add.at(seen, pos, 1)
        if (seen > 1).any():
            raise ValueError("the table lists the same combination more than once; aggregate it first")
        M[pos] = v[sel]
        if len(dims) == 1:
            A, S, P = _protect_1d(M, k, totals)
            n_primary += int(P.sum())
            n_secondary += int((S & ~P).sum())
            labels = dim_levels[0][1]
            for i, lab in enumerate(labels):
                e = SUPPRESSED if S[i] else int(A[i])
                long_rows.append({**split_vals, dims[0]: lab, value_col: e})
                wide_rows.append({**split_vals, dims[0]: lab, value_col: e})
            if totals:
                e = SUPPRESSED if S[-1] else int(A[-1])
                long_rows.append({**split_vals, dims[0]: TOTAL_LABEL, value_col: e})
                wide_rows.append({**split_vals, dims[0]: TOTAL_LABEL, value_col: e})
        else:
            A, S, P = _protect_2d(M, k, totals)
            n_primary += int(P.sum())
            n_secondary += int((S & ~P).sum())
            rlabels = list(dim_levels[0][1]) + ([TOTAL_LABEL] if totals else [])
            clabels = list(dim_levels[1][1]) + ([TOTAL_LABEL] if totals else [])
            ccols = _unique_headers(clabels, taken=set(split) | {dims[0]})
            for i, rl in enumerate(rlabels):
                wrow = {**split_vals, dims[0]: rl}
                for j, cl in enumerate(clabels):
                    e = SUPPRESSED if S[i, j] else int(A[i, j])
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
            if c in split or c in dims:
                frame[c] = frame[c].astype(object)
    value_cols = [c for c in wide.columns if c not in split and c not in dims]
    for c in value_cols:
        wide[c] = wide[c].astype(object)
    long[value_col] = long[value_col].astype(object)
    rule = _rule_text(k, n_primary, n_secondary, totals)
    return SuppressionResult(
        table=wide, long=long, primary=n_primary, secondary=n_secondary, k=k, rule=rule,
        value_col=value_col, dims=tuple(dims), split_by=tuple(split), totals=totals,
    )


def _rule_text(k: int, primary: int, secondary: int, totals: bool) -> str:
    if k < 2:
        return "none"
    small = f"counts of 1 to {k - 1}" if k > 2 else "counts of 1"
    text = f"{small} shown as {SUPPRESSED}, zeros shown as 0"
    if not totals:
        return text + "; no totals shown"
    if secondary == 1:
        return text + "; 1 further cell suppressed so it cannot be worked out from totals"
    return text + f"; {secondary} further cells suppressed so they cannot be worked out from totals"


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


def _pick(candidates: list[tuple[int, int]], A: np.ndarray, margin: np.ndarray) -> tuple[int, int]:
    """The entry to hide next: inner cells before totals, non-zero before zero, then the smallest."""
    return min(candidates, key=lambda ij: (bool(margin[ij]), A[ij] == 0, int(A[ij]), ij))


def _protect_1d(M: np.ndarray, k: int, totals: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (cells, then the grand total), hidden mask, primary mask of a 1-D table."""
    cells = M.reshape(-1)
    A = np.append(cells, cells.sum()) if totals else cells.copy()
    P = (A >= 1) & (A < k)
    S = P.copy()
    if totals and int(S.sum()) == 1:
        margin = np.zeros(len(A), dtype=bool)
        margin[-1] = True
        cand = [(i,) for i in np.flatnonzero(~S)]
        i = _pick(cand, A, margin)
        S[i] = True
    return A, S, P


def _protect_2d(M: np.ndarray, k: int, totals: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, hidden mask and primary mask of a cross-tab; with totals the arrays have one extra row
    (column totals) and one extra column (row totals), the grand total in the corner."""
    r, c = M.shape
    if not totals:
        P = (M >= 1) & (M < k)
        return M.copy(), P.copy(), P
    A = np.zeros((r + 1, c + 1), dtype=np.int64)
    A[:r, :c] = M
    A[:r, c] = M.sum(axis=1)
    A[r, :c] = M.sum(axis=0)
    A[r, c] = M.sum()
    margin = np.zeros_like(A, dtype=bool)
    margin[r, :] = True
    margin[:, c] = True
    P = (A >= 1) & (A < k)
    S = P.copy()
    while True:
        changed = False
        # every line (row or column of the table with its total) hides none or at least two entries
        for i in range(r + 1):
            if int(S[i].sum()) == 1:
                cand = [(i, j) for j in np.flatnonzero(~S[i])]
                S[_pick(cand, A, margin)] = True
                changed = True
        for j in range(c + 1):
            if int(S[:, j].sum()) == 1:
                cand = [(i, j) for i in np.flatnonzero(~S[:, j])]
                S[_pick(cand, A, margin)] = True
                changed = True
        if changed:
            continue
        bridge = _find_bridge(S)
        if bridge is None:
            break
        # hide one more entry joining the two sides of the bridge, so it lies on a cycle
        ri, cj = bridge
        S[ri, cj] = False
        side = _component(S, ri)  # (rows, cols) reachable from row ri without the bridge
        S[ri, cj] = True
        rows_a, cols_a = side
        rows_b = np.setdiff1d(np.arange(r + 1), rows_a)
        cols_b = np.setdiff1d(np.arange(c + 1), cols_a)
        cand = [(i, j) for i in rows_a for j in cols_b if not S[i, j]]
        cand += [(i, j) for i in rows_b for j in cols_a if not S[i, j]]
        S[_pick(cand, A, margin)] = True
    return A, S, P


def _component(S: np.ndarray, start_row: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns connected to `start_row` through hidden entries."""
    nr, nc = S.shape
    seen_r = np.zeros(nr, dtype=bool)
    seen_c = np.zeros(nc, dtype=bool)
    seen_r[start_row] = True
    queue: list[tuple[bool, int]] = [(True, start_row)]  # (is_row, index)
    while queue:
        is_row, x = queue.pop()
        if is_row:
            for j in np.flatnonzero(S[x] & ~seen_c).tolist():
                seen_c[j] = True
                queue.append((False, j))
        else:
            for i in np.flatnonzero(S[:, x] & ~seen_r).tolist():
                seen_r[i] = True
                queue.append((True, i))
    return np.flatnonzero(seen_r), np.flatnonzero(seen_c)


def _find_bridge(S: np.ndarray) -> tuple[int, int] | None:
    """A hidden entry whose value could be solved for (a bridge of the row/column graph), or None.

    Nodes are rows 0..nr-1 and columns nr..nr+nc-1; each hidden entry is an edge. Iterative Tarjan."""
    nr, nc = S.shape
    ri, cj = np.nonzero(S)
    if len(ri) == 0:
        return None
    n = nr + nc
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e, (i, j) in enumerate(zip(ri.tolist(), cj.tolist())):
        adj[i].append((nr + j, e))
        adj[nr + j].append((i, e))
    disc = [-1] * n
    low = [0] * n
    t = 0
    for root in range(n):
        if disc[root] != -1 or not adj[root]:
            continue
        disc[root] = low[root] = t
        t += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            node, via, it = stack[-1]
            advanced = False
            for nxt, e in it:
                if e == via:
                    continue
                if disc[nxt] == -1:
                    disc[nxt] = low[nxt] = t
                    t += 1
                    stack.append((nxt, e, iter(adj[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], disc[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > disc[parent]:
                    return int(ri[via]), int(cj[via])
    return None
