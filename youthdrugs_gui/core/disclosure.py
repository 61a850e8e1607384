"""Small-number suppression for aggregated tables about children.

Official statistics replace small counts by a marker so no child can be identified, and suppress further
cells wherever a hidden count could otherwise be worked out from a published total. `tables.aggregate`
builds such tables from a data set; this module applies the rules (`suppress`, `protect_table`).

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
from typing import Sequence

import numpy as np
import pandas as pd

from . import schema
from .tables import STATUS_COL, table_dims

SUPPRESSED = "[c]"
TOTAL_LABEL = "Total"
DEFAULT_K = 5


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


def protect_table(table: pd.DataFrame, *, k: int | None = None, round_to: int | None = None) -> SuppressionResult:
    """An aggregated table made ready to write under one of the rules: rounding (`round_to`, small
    counts below k or the base suppressed), suppression (`k`), or neither (casework: `tabulate`)."""
    by = table_dims(table)
    if round_to is not None:
        return suppress(table, k=k or round_to, by=by, round_to=round_to)
    if k is not None:
        return suppress(table, k=k, by=by)
    return tabulate(table, by=by)


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


def _protect_2d(M: np.ndarray, k: int, totals: bool,
                available: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, hidden mask and primary mask of a cross-tab; with totals the arrays have one extra row
    (column totals) and one extra column (row totals), the grand total in the corner: see
    `protection.protect`."""
    from .protection import protect

    p = protect(M, k, totals=totals, available=available)
    return p.values, p.hidden, p.primary
