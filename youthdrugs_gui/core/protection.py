"""Disclosure control for one- and two-way tables of counts with totals: suppression audited by linear
programming, and rounding.

**What the reader is assumed to know.** The rule protects against a reader who knows

* the threshold k, and that every count is a whole number of 0 or more;
* every number shown, cells and totals alike, and that a shown 0 is a true 0. Since zeros are never
  hidden, this reader knows every hidden entry ([c]) is at least 1;
* every additive relation of the table, and uses them all at once: in a one-way table the cells add up
  to the grand total; in a cross-tab each row's cells add up to its row total, each column's cells to
  its column total, and the row totals and the column totals each add up to the grand total.

**The rule.** For every hidden entry the reader can work out a smallest and a largest possible value
from the above. Here both are found by linear programming: the hidden entries are unknowns of at
least 1 (no other upper limit than what the sums imply), tied by every relation, and each unknown is
minimised and maximised in turn. The rule is met when, for every hidden entry, largest - smallest >= 2:
the reader cannot pin it to one value nor narrow it to two, whatever they combine. An entry with no
largest value (it could be as big as you like) passes.

**How tables are protected** (`protect`). Primary: every entry, cells and totals, from 1 to k-1 is
hidden. Zeros are shown. Secondary: further entries are hidden until the audit passes: first wherever
one row or column on its own pins a hidden entry (the smallest non-zero shown cell of that line is
hidden, its total only when no cell is left, which is recorded in a note), then, for hidden entries
the relations narrow in combination, the cheapest rectangle of cells through them (four corners of
two rows and two columns: cells before totals, then the smallest sum of the counts newly hidden, as a
minimum-loss method like tau-ARGUS's would). A true zero is never hidden as a secondary cell: a hidden
zero would make "every hidden entry is at least 1" false and the reader's model wrong.

**Limits.**

* Differencing is not covered: two exports of overlapping data (say one for all forces and one for all
  forces but one) can be subtracted from each other, and each export is audited alone.
* The audit works over real numbers (the linear programming relaxation); counts are whole numbers, and
  in general the whole-number range could be narrower than the real one. For the one- and two-way
  tables with totals handled here it is not: their relations form a network (flows between rows and
  columns), so the smallest and largest real values are whole numbers and every whole number between
  them is possible. This would no longer hold for three-way tables or tables linked to each other.
* The reader is not assumed to know how secondary cells were chosen (e.g. that the smallest count was
  taken), nor which hidden entries are primary. A reader who reasons about the method itself may learn
  more; that is the usual assumption of published suppression, not a guarantee against it.

**Not available.** Cells marked not available (a gap in the source, shown as [x]) are left out of every
sum: their value is taken as 0, they are never hidden and never audited. A total whose cells are all
not available is not available either.

**Rounding** (`round_table`) is a second, separate rule: see its docstring.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_SPREAD = 2  # largest - smallest possible value of a hidden entry: 2 means at least three whole numbers
_TOL = 1e-6


# ------------------------------------------------------------------------------------------------
# Tables and their relations
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Structure:
    """The additive relations of a table with totals appended.

    `relations` has one row per relation and one column per entry (``values.ravel()`` order), holding
    +1 for the entries that add up, -1 for the total they add up to, 0 elsewhere: ``relations @
    values.ravel() == 0``. Entries not available have all-zero columns. `margin` marks the totals."""

    shape: tuple[int, ...]
    relations: np.ndarray
    available: np.ndarray
    margin: np.ndarray
    names: tuple[str, ...]


def table_structure(shape: tuple[int, ...], available: np.ndarray | None = None) -> Structure:
    """The relations of a table of inner shape (n,) or (r, c) once its totals are appended."""
    avail = _inner_available(shape, available)
    names: list[str] = []
    if len(shape) == 1:
        n = shape[0]
        ext = np.append(avail, avail.any())
        rel = np.append(np.ones(n, dtype=np.int8), np.int8(-1))[None, :]
        margin = np.zeros(n + 1, dtype=bool)
        margin[-1] = True
        names.append("the table")
    else:
        r, c = shape
        ext = np.zeros((r + 1, c + 1), dtype=bool)
        ext[:r, :c] = avail
        ext[:r, c] = avail.any(axis=1)
        ext[r, :c] = avail.any(axis=0)
        ext[r, c] = avail.any()
        rows = []
        for i in range(r + 1):
            e = np.zeros((r + 1, c + 1), dtype=np.int8)
            e[i, :c], e[i, c] = 1, -1
            rows.append(e.ravel())
            names.append(f"row {i + 1}" if i < r else "the totals row")
        for j in range(c + 1):
            e = np.zeros((r + 1, c + 1), dtype=np.int8)
            e[:r, j], e[r, j] = 1, -1
            rows.append(e.ravel())
            names.append(f"column {j + 1}" if j < c else "the totals column")
        rel = np.array(rows, dtype=np.int8)
        margin = np.zeros((r + 1, c + 1), dtype=bool)
        margin[r, :] = margin[:, c] = True
    rel = rel * ext.reshape(-1)[None, :].astype(np.int8)
    keep = np.flatnonzero((rel != 0).any(axis=1))
    return Structure(shape=ext.shape, relations=rel[keep], available=ext, margin=margin,
                     names=tuple(names[i] for i in keep))


def with_totals(M: np.ndarray, available: np.ndarray | None = None) -> np.ndarray:
    """Counts with totals appended (1-D: then the grand total; 2-D: a totals row and column, the grand
    total in the corner). Entries not available count as 0."""
    M = np.where(_inner_available(M.shape, available), np.asarray(M, dtype=np.int64), 0)
    if M.ndim == 1:
        return np.append(M, M.sum())
    r, c = M.shape
    A = np.zeros((r + 1, c + 1), dtype=np.int64)
    A[:r, :c] = M
    A[:r, c] = M.sum(axis=1)
    A[r, :c] = M.sum(axis=0)
    A[r, c] = M.sum()
    return A


def _inner_available(shape: tuple[int, ...], available: np.ndarray | None) -> np.ndarray:
    if len(shape) not in (1, 2):
        raise ValueError("only one- and two-way tables can be protected")
    if available is None:
        return np.ones(shape, dtype=bool)
    avail = np.asarray(available, dtype=bool)
    if avail.shape != tuple(shape):
        raise ValueError(f"the 'available' mask has shape {avail.shape}, the table {tuple(shape)}")
    return avail


def _check_counts(M: np.ndarray, k: int) -> np.ndarray:
    M = np.asarray(M)
    if M.ndim not in (1, 2):
        raise ValueError("only one- and two-way tables can be protected")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a whole number of 1 or more")
    if M.size and ((M < 0).any() or not np.all(np.mod(M, 1) == 0)):
        raise ValueError("counts must be whole numbers of 0 or more")
    return M.astype(np.int64)


# ------------------------------------------------------------------------------------------------
# Suppression
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Protection:
    """A protected table.

    `values`: the counts with totals appended (as `with_totals`; without totals, the cells alone):
    show them wherever `hidden` is False. `primary`: hidden because from 1 to k-1 (so `hidden &
    ~primary` are the secondary entries). `available`: False where the source has no figure.
    `notes`: plain sentences on anything unusual (a whole row hidden ...). `ranges`: for each hidden
    entry (by position in `values`), the smallest and largest value a reader can deduce."""

    values: np.ndarray
    hidden: np.ndarray
    primary: np.ndarray
    available: np.ndarray
    notes: tuple[str, ...] = ()
    ranges: dict[tuple[int, ...], tuple[float, float]] = field(default_factory=dict)

    @property
    def secondary(self) -> np.ndarray:
        return self.hidden & ~self.primary


def protect(M: np.ndarray, k: int, totals: bool = True, available: np.ndarray | None = None) -> Protection:
    """Suppress a table of counts of shape (n,) or (r, c) so it meets the rule of the module docstring.

    Primary: entries (cells and totals) from 1 to k-1. Secondary: more entries until the audit passes.
    Without totals nothing adds up, so primary suppression alone is applied. `available`: a mask of
    M's shape, False for cells the source does not have (left out of every sum, never hidden)."""
    M = _check_counts(M, k)
    if not totals:
        avail = _inner_available(M.shape, available)
        values = np.where(avail, M, 0)
        P = avail & (values >= 1) & (values < k)
        ranges = {tuple(int(x) for x in pos): (1.0, np.inf) for pos in np.argwhere(P)}
        return Protection(values, P.copy(), P, avail, (), ranges)
    st = table_structure(M.shape, available)
    A = with_totals(M, available)
    P = st.available & (A >= 1) & (A < k)
    S = P.copy()
    notes: list[str] = []
    cache: dict[tuple[int, ...], _Component] = {}
    while True:
        _fix_lines(A, S, st, notes)
        groups = _failing_groups(A, S, st, cache)
        if not groups:
            break
        for fail in groups:
            _add_secondary(A, S, st, fail, notes)
    final = _audit(A, S, st, exact=True, cache=cache)
    if not final.ok:  # cannot happen: the loop stops only when nothing fails
        raise RuntimeError(f"protection failed its own audit at {final.failing}")
    return Protection(A, S, P, st.available, tuple(notes), final.ranges)


def _fix_lines(A: np.ndarray, S: np.ndarray, st: Structure, notes: list[str]) -> None:
    """Hide more wherever one relation on its own pins or nearly pins a hidden entry.

    A relation whose hidden entries all sit on the same side (all cells, or the total alone) with true
    sum B gives each of m hidden entries the range [1, B - m + 1] (m >= 2) or exactly B (m == 1):
    nothing else can widen it. The fix is another entry of that relation: the smallest non-zero shown
    cell, or, when no cell is left, its total (and then the whole line is hidden: noted)."""
    a, s, margin = A.reshape(-1), S.reshape(-1), st.margin.reshape(-1)
    changed = True
    while changed:
        changed = False
        for rel, name in zip(st.relations, st.names):
            idx = np.flatnonzero(rel)
            h = s[idx]
            signs = rel[idx][h]
            if not h.any() or ((signs > 0).any() and (signs < 0).any()):
                continue
            m, total = int(h.sum()), int(a[idx][h].sum())
            if m >= 2 and total - m >= MIN_SPREAD:
                continue
            cand = idx[~h & (a[idx] > 0)]
            if not len(cand):  # cannot happen: a pinned hidden entry implies a non-zero shown one
                continue
            pick = min(cand.tolist(), key=lambda f: (bool(margin[f]), bool(rel[f] < 0), int(a[f]), f))
            s[pick] = changed = True
            if rel[pick] < 0:
                notes.append(f"{name}: every non-zero count hidden, its total too, as the small counts in it "
                             "could not be protected otherwise")


def _failing_groups(A: np.ndarray, S: np.ndarray, st: Structure,
                    cache: dict[tuple[int, ...], "_Component"]) -> list[np.ndarray]:
    """Flat indices of the failing hidden entries, one array per group of linked entries."""
    out = []
    for comp in _components(A, S, st, cache):
        comp.refine(exact=False)
        bad = comp.hi - comp.lo < MIN_SPREAD - _TOL
        if bad.any():
            out.append(comp.idx[bad])
    return out


def _add_secondary(A: np.ndarray, S: np.ndarray, st: Structure, fail: np.ndarray, notes: list[str]) -> None:
    """Hide more entries for a group whose `fail` entries are narrowed by relations in combination:
    the cheapest rectangle through one of them; else the smallest non-zero shown entry of their rows
    and columns (cells before totals); else, as a last resort, every non-zero entry of the table."""
    if A.ndim == 2:
        corners = _best_rectangle(A, S, st, fail)
        if corners is not None:
            S[corners] = True
            return
    a, s, margin = A.reshape(-1), S.reshape(-1), st.margin.reshape(-1)
    lines = (st.relations[:, fail] != 0).any(axis=1)
    cand = np.flatnonzero((st.relations[lines] != 0).any(axis=0) & ~s & (a > 0))
    if len(cand):
        s[min(cand.tolist(), key=lambda f: (bool(margin[f]), int(a[f]), f))] = True
        return
    s[(a > 0) & st.available.reshape(-1)] = True
    notes.append("every non-zero count of the table hidden, totals included, as the small counts could "
                 "not be protected otherwise")


def _best_rectangle(A: np.ndarray, S: np.ndarray, st: Structure,
                    fail: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Corners of the cheapest rectangle (two rows, two columns of the table with its totals) with
    one corner at a failing entry, the others non-zero and at least one of them shown. Cost: fewest
    totals newly hidden, then the smallest sum of counts newly hidden."""
    usable = st.available & (A > 0)
    new = usable & ~S
    value = np.where(new, A, 0)
    n_margin = (new & st.margin).astype(np.int64)
    weight = 3 * int(A.max()) + 1
    best: tuple[int, int, int, int, int] | None = None
    for f in fail.tolist():
        a, b = (int(x) for x in np.unravel_index(f, A.shape))
        ok = usable & usable[a, :][None, :] & usable[:, b][:, None]
        ok[a, :] = ok[:, b] = False
        ok &= (new | new[a, :][None, :] | new[:, b][:, None])
        if not ok.any():
            continue
        key = ((n_margin + n_margin[a, :][None, :] + n_margin[:, b][:, None]) * weight
               + value + value[a, :][None, :] + value[:, b][:, None])
        key = np.where(ok, key, np.iinfo(np.int64).max)
        i, j = (int(x) for x in np.unravel_index(int(np.argmin(key)), key.shape))
        if best is None or key[i, j] < best[0]:
            best = (int(key[i, j]), a, b, i, j)
    if best is None:
        return None
    _, a, b, i, j = best
    return np.array([a, i, i]), np.array([j, b, j])


# ------------------------------------------------------------------------------------------------
# Rounding
# ------------------------------------------------------------------------------------------------
def round_table(M: np.ndarray, base: int = 5, k: int | None = None, totals: bool = True,
                available: np.ndarray | None = None) -> Protection:
    """Round every count to the nearest multiple of `base` (halves up), and suppress small counts.

    The rule of several publishers (e.g. Home Office and DfE releases rounded to the nearest 5): each
    cell and each total is rounded on its own from its true value, so a rounded total need not equal
    the sum of the rounded cells shown beside it; that is normal and expected. Counts from 1 to k-1
    (k defaults to `base`) are suppressed rather than rounded, and so is any non-zero count that
    would round to 0 (possible only when k is below base/2), so a 0 shown is a true 0. No secondary
    suppression and no audit are made: every figure shown is uncertain by up to base/2, which is the
    protection. The result has the shape of `protect`'s, with `values` holding the rounded figures
    and `primary` equal to `hidden`."""
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)) or base < 1:
        raise ValueError("base must be a whole number of 1 or more")
    k = int(base) if k is None else k
    M = _check_counts(M, k)
    if totals:
        A = with_totals(M, available)
        avail = table_structure(M.shape, available).available
    else:
        avail = _inner_available(M.shape, available)
        A = np.where(avail, M, 0)
    rounded = (2 * A + base) // (2 * base) * base
    hidden = avail & (A >= 1) & ((A < k) | (rounded == 0))
    note = f"each count and total rounded to the nearest {base} on its own; counts of 1 to {k - 1} suppressed"
    return Protection(rounded, hidden, hidden.copy(), avail, (note,), {})


# ------------------------------------------------------------------------------------------------
# Audit
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Audit:
    """What a reader can deduce: (smallest, largest) per hidden entry (largest may be inf), and the
    hidden entries whose range is narrower than the rule allows."""

    ranges: dict[tuple[int, ...], tuple[float, float]]
    failing: list[tuple[int, ...]]

    @property
    def ok(self) -> bool:
        return not self.failing


def audit(A: np.ndarray, S: np.ndarray, *, structure: Structure) -> Audit:
    """Exact range of every hidden entry of `A` (values with totals) under `S` (hidden mask), by
    linear programming over all the relations of `structure` at once (see the module docstring)."""
    A = np.asarray(A, dtype=np.int64)
    S = np.asarray(S, dtype=bool)
    if A.shape != structure.shape or S.shape != structure.shape:
        raise ValueError(f"values and mask must have shape {structure.shape}")
    if (S & ~structure.available).any():
        raise ValueError("an entry that is not available cannot be hidden")
    if (A[S] < 1).any():
        raise ValueError("a hidden entry is 0: zeros must be shown")
    return _audit(A, S, structure, exact=True, cache={})


def _audit(A: np.ndarray, S: np.ndarray, st: Structure, *, exact: bool,
           cache: dict[tuple[int, ...], "_Component"]) -> Audit:
    """`exact=False`: the list of failing entries is exact, but the ranges of passing entries may be
    narrower than the truth (enough to prove they pass)."""
    ranges: dict[tuple[int, ...], tuple[float, float]] = {}
    failing: list[tuple[int, ...]] = []
    for comp in _components(A, S, st, cache):
        comp.refine(exact)
        bad = comp.hi - comp.lo < MIN_SPREAD - _TOL
        for f, lo, hi, b in zip(comp.idx.tolist(), comp.lo.tolist(), comp.hi.tolist(), bad.tolist()):
            pos = tuple(int(x) for x in np.unravel_index(f, st.shape))
            ranges[pos] = (lo, hi)
            if b:
                failing.append(pos)
    return Audit(ranges=dict(sorted(ranges.items())), failing=sorted(failing))


def _components(A: np.ndarray, S: np.ndarray, st: Structure,
                cache: dict[tuple[int, ...], "_Component"]) -> list["_Component"]:
    """The hidden entries in groups that share no relation (each can be audited on its own)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    s = S.reshape(-1)
    hidden = np.flatnonzero(s)
    if not len(hidden):
        return []
    E = st.relations
    rr, hh = np.nonzero(E[:, hidden])
    n_h, n_r = len(hidden), E.shape[0]
    graph = coo_matrix((np.ones(len(rr)), (hh, n_h + rr)), shape=(n_h + n_r, n_h + n_r))
    _, label = connected_components(graph, directed=False)
    b_all = -(E.astype(np.float64) @ np.where(s, 0, A.reshape(-1)).astype(np.float64))
    big = 2.0 * (float(np.abs(A).sum()) + len(hidden) + 1)
    out = []
    for lab in np.unique(label[:n_h]):
        members = hidden[label[:n_h] == lab]
        key = tuple(members.tolist())
        if key not in cache:
            rows = np.flatnonzero((E[:, members] != 0).any(axis=1))
            cache[key] = _Component(members, E[np.ix_(rows, members)].astype(np.float64), b_all[rows],
                                    A.reshape(-1)[members].astype(np.float64), big)
        out.append(cache[key])
    return out


def _line_bounds(E: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds each relation gives on its own (every other hidden entry of it at least 1), combined.
    They contain the exact range, and serve to recognise an exact answer when a solution reaches them."""
    lo = np.ones(E.shape[1])
    hi = np.full(E.shape[1], np.inf)
    pos, neg = (E > 0).sum(axis=1), (E < 0).sum(axis=1)
    for sign, same, other in ((1, pos, neg), (-1, neg, pos)):
        mine = E == sign
        sb = sign * b
        up = np.where(mine & (other == 0)[:, None], (sb - (same - 1))[:, None], np.inf)
        down = np.where(mine & (same == 1)[:, None], (sb + other)[:, None], -np.inf)
        if len(E):
            hi = np.minimum(hi, up.min(axis=0))
            lo = np.maximum(lo, down.max(axis=0))
    return lo, hi


def _snap(x: np.ndarray) -> np.ndarray:
    r = np.round(x)
    return np.where(np.abs(x - r) < _TOL, r, x)


class _Component:
    """Hidden entries linked by relations, and what is known so far of their ranges.

    `lo`/`hi` are the smallest/largest values seen in feasible solutions (the true counts first), so
    the exact range contains [lo, hi]; `lo_exact`/`hi_exact` mark those proved exact: solved for, or
    equal to a bound one relation alone gives (which the exact range lies within)."""

    def __init__(self, idx: np.ndarray, E: np.ndarray, b: np.ndarray, x_true: np.ndarray, big: float):
        self.idx, self.E, self.b = idx, E, b
        self.lo_out, self.hi_out = _line_bounds(E, b)
        self.cap = np.where(np.isfinite(self.hi_out), self.hi_out, big)
        self.lo, self.hi = x_true.copy(), x_true.copy()
        self.lo_exact = self.lo <= self.lo_out + _TOL
        self.hi_exact = self.hi >= self.hi_out - _TOL
        self.probed = False

    def decided(self, exact: bool) -> np.ndarray:
        known = self.lo_exact & self.hi_exact
        if exact:
            return known
        wide = self.hi - self.lo >= MIN_SPREAD - _TOL
        narrow = self.hi_out - self.lo_out < MIN_SPREAD - _TOL
        return known | wide | narrow

    def refine(self, exact: bool) -> None:
        """Solve until every entry is decided: pass/fail (`exact=False`) or its exact range."""
        n = len(self.idx)
        if self.decided(exact).all():
            return
        if not self.probed:  # two solutions in opposite directions show most entries can move
            self.probed = True
            c = np.random.default_rng(n).standard_normal(n)
            for sign in (1.0, -1.0):
                self._take(self._solve(sign * c, capped=True))
        if exact and (~self.hi_exact & ~np.isfinite(self.hi_out)).sum() >= 2:
            self._mark_unbounded()
        for e in range(n):
            for upward in (True, False):
                if self.decided(exact)[e]:
                    break
                if upward and not self.hi_exact[e]:
                    self._extreme(e, upward=True)
                elif not upward and not self.lo_exact[e]:
                    self._extreme(e, upward=False)

    def _extreme(self, e: int, *, upward: bool) -> None:
        c = np.zeros(len(self.idx))
        c[e] = -1.0 if upward else 1.0
        x = self._solve(c, capped=False)
        if x is None:  # no largest value
            self.hi[e], self.hi_exact[e] = np.inf, True
            return
        self._take(x)
        if upward:
            self.hi[e], self.hi_exact[e] = x[e], True
        else:
            self.lo[e], self.lo_exact[e] = x[e], True

    def _mark_unbounded(self) -> None:
        """Entries with no largest value, in one solve: those a direction d >= 0 with E d = 0 can
        increase. Maximise sum(t) with t <= d, 0 <= t <= 1: t is 1 exactly on those entries."""
        from scipy.optimize import linprog

        n = len(self.idx)
        A_eq = np.hstack([self.E, np.zeros_like(self.E)])
        A_ub = np.hstack([-np.eye(n), np.eye(n)])
        bounds = [(0, None)] * n + [(0, 1)] * n
        res = linprog(np.r_[np.zeros(n), -np.ones(n)], A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq,
                      b_eq=np.zeros(len(self.E)), bounds=bounds, method="highs")
        if res.status != 0:
            raise RuntimeError(f"the audit's linear programme failed: {res.message}")
        up = res.x[n:] > 0.5
        self.hi[up], self.hi_exact[up] = np.inf, True

    def _solve(self, c: np.ndarray, *, capped: bool) -> np.ndarray | None:
        """A vertex minimising c @ x (None if unbounded). Capped: within the bounds of single
        relations and a large cap, to get a solution in any direction (any solution is a witness)."""
        from scipy.optimize import linprog

        upper = self.cap if capped else self.hi_out
        bounds = np.column_stack([np.ones(len(c)), upper])
        res = linprog(c, A_eq=self.E if len(self.E) else None, b_eq=self.b if len(self.E) else None,
                      bounds=bounds, method="highs")
        if res.status == 3:
            return None
        if res.status != 0:
            raise RuntimeError(f"the audit's linear programme failed: {res.message}")
        return _snap(res.x)

    def _take(self, x: np.ndarray | None) -> None:
        if x is None:
            return
        self.lo = np.minimum(self.lo, x)
        self.hi = np.maximum(self.hi, x)
        self.lo_exact |= x <= self.lo_out + _TOL
        self.hi_exact |= x >= self.hi_out - _TOL
