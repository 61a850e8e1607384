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
hidden; zeros are shown. Secondary: each hidden entry that fails the rule is given room to move. The
cheapest cycle of entries through it is found (a rectangle of two rows and two columns, or a longer
loop through cells already hidden) along which it, and every entry of the cycle, can move by 2 from the
true counts with all the sums still holding; the shown entries of that cycle are hidden. Cost: the
counts newly hidden (a minimum-loss rule, as in tau-ARGUS), any total costing more than all the cells
together, so a total is hidden only when no cycle of cells will do. A row or column whose total had to
be hidden along with all its non-zero counts is recorded in a note. Hiding more never narrows what a
reader can deduce, so one pass over the hidden entries suffices; the result is then audited as above.
A true zero is never hidden as a secondary entry: a hidden zero would make "every hidden entry is at
least 1" false, and the reader's model with it.

**Limits.**

* Differencing is not covered: two exports of overlapping data (say one for all forces and one for all
  forces but one) can be subtracted from each other, and each export is audited alone.
* The audit works over real numbers (the linear programming relaxation); counts are whole numbers, and
  in general the whole-number range could be narrower than the real one. For the one- and two-way
  tables with totals handled here it is not: their relations form a network (flows between rows and
  columns), so the smallest and largest real values are whole numbers and every whole number between
  them is possible. This would no longer hold for three-way tables or tables linked to each other.
* Knowing k does not cap a hidden entry at k-1 in the reader's model: a hidden entry may be a
  secondary one of any size, and nothing shown says which is which. A reader told (or guessing) that
  all the hidden entries of a line are primary could narrow them further (two hidden cells adding up
  to 8 with k = 5 would both be 4). Likewise the reader is not assumed to reason about how secondary
  entries were chosen (e.g. that the cheapest were taken). Both are the usual assumptions of published
  suppression, not guarantees against such a reader.

**Not available.** Cells marked not available (a gap in the source, shown as [x]) are left out of every
sum: their value is taken as 0, they are never hidden and never audited. A total whose cells are all
not available is not available either.

**Rounding** (`round_table`) is a second, separate rule: see its docstring.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_BATCH = 24  # entries maximised (or minimised) together in one solve of the audit
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
    arcs: np.ndarray  # (A.size, 2): the (from, to) nodes of each entry in the network view (_Network)
    n_nodes: int


def table_structure(shape: tuple[int, ...], available: np.ndarray | None = None) -> Structure:
    """The relations of a table of inner shape (n,) or (r, c) once its totals are appended."""
    avail = _inner_available(shape, available)
    ext = _available_with_totals(avail)
    names: list[str] = []
    if len(shape) == 1:
        n = shape[0]
        rel = np.append(np.ones(n, dtype=np.int8), np.int8(-1))[None, :]
        margin = np.zeros(n + 1, dtype=bool)
        margin[-1] = True
        names.append("the table")
        arcs = np.zeros((n + 1, 2), dtype=np.int64)
        arcs[:n] = (0, 1)  # cells from node 0 to node 1, the total back
        arcs[n] = (1, 0)
        n_nodes = 2
    else:
        r, c = shape
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
        arcs, n_nodes = _cross_tab_arcs(r, c)
    rel = rel * ext.reshape(-1)[None, :].astype(np.int8)
    keep = np.flatnonzero((rel != 0).any(axis=1))
    return Structure(shape=ext.shape, relations=rel[keep], available=ext, margin=margin,
                     names=tuple(names[i] for i in keep), arcs=arcs, n_nodes=n_nodes)


def _cross_tab_arcs(r: int, c: int) -> tuple[np.ndarray, int]:
    """Nodes: rows 0..r-1, columns r..r+c-1, a source r+c and a sink r+c+1. Cell (i, j) runs from row
    i to column j, row total i from the source to row i, column total j from column j to the sink,
    the grand total from the sink to the source."""
    source, sink = r + c, r + c + 1
    frm = np.zeros((r + 1, c + 1), dtype=np.int64)
    to = np.zeros((r + 1, c + 1), dtype=np.int64)
    frm[:r, :c] = np.arange(r)[:, None]
    to[:r, :c] = r + np.arange(c)[None, :]
    frm[:r, c], to[:r, c] = source, np.arange(r)
    frm[r, :c], to[r, :c] = r + np.arange(c), sink
    frm[r, c], to[r, c] = sink, source
    return np.column_stack([frm.ravel(), to.ravel()]), r + c + 2


def _available_with_totals(avail: np.ndarray) -> np.ndarray:
    """Availability with totals appended: a total is available if any of its cells is."""
    if avail.ndim == 1:
        return np.append(avail, avail.any())
    r, c = avail.shape
    ext = np.zeros((r + 1, c + 1), dtype=bool)
    ext[:r, :c] = avail
    ext[:r, c] = avail.any(axis=1)
    ext[r, :c] = avail.any(axis=0)
    ext[r, c] = avail.any()
    return ext


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

    Primary: entries (cells and totals) from 1 to k-1. Secondary: more entries until every hidden one
    can move by at least 2 in all. Without totals nothing adds up, so primary suppression alone is
    applied. `available`: a mask of M's shape, False for cells the source does not have (left out of
    every sum, never hidden)."""
    M = _check_counts(M, k)
    if not totals:
        avail = _inner_available(M.shape, available)
        values = np.where(avail, M, 0)
        P = avail & (values >= 1) & (values < k)
        ranges = {tuple(int(x) for x in pos): (1.0, np.inf) for pos in np.argwhere(P)}
        return Protection(values, P.copy(), P, avail, (), ranges)
    A = with_totals(M, available)
    avail = _available_with_totals(_inner_available(M.shape, available))
    P = avail & (A >= 1) & (A < k)
    if not P.any():  # nothing small: nothing to hide (and no relations to build, however large)
        return Protection(A, P.copy(), P, avail, (), {})
    st = table_structure(M.shape, available)
    S = P.copy()
    net = _Network(st, A)
    s = S.reshape(-1)
    passed = np.zeros(s.size, dtype=bool)
    margin, a = st.margin.reshape(-1), A.reshape(-1)
    res = net.residual(s)
    for e in sorted(np.flatnonzero(s).tolist(), key=lambda f: (bool(margin[f]), int(a[f]), f)):
        if passed[e]:
            continue
        up, down = net.moves(res, e, both=False)
        if up + down >= MIN_SPREAD:
            passed[e] = True
            continue
        cycle = net.cheapest_cycle(s, e)
        s[cycle] = passed[cycle] = True  # each entry of the cycle can now move by 2 (see cheapest_cycle)
        res = net.residual(s)
    final = audit(A, S, structure=st)
    if not final.ok:  # cannot happen: a hidden entry's range only widens as more entries are hidden
        raise RuntimeError(f"protection failed its own audit at {final.failing}")
    return Protection(A, S, P, st.available, _whole_line_notes(st, A, S, P), final.ranges)


def _whole_line_notes(st: Structure, A: np.ndarray, S: np.ndarray, P: np.ndarray) -> tuple[str, ...]:
    """A note for each line (row or column) whose total had to be hidden as a secondary entry along
    with every non-zero count of the line."""
    a, s, p = A.reshape(-1), S.reshape(-1), P.reshape(-1)
    notes = []
    for rel, name in zip(st.relations, st.names):
        idx = np.flatnonzero(rel)
        total = idx[rel[idx] < 0]
        if len(total) and s[total[0]] and not p[total[0]] and s[idx[a[idx] > 0]].all():
            notes.append(f"{name}: every non-zero count hidden, its total too, as the small counts in it "
                         "could not be protected by hiding other counts")
    return tuple(notes)


@dataclass
class _Residual:
    graph: object  # scipy CSR matrix of capacities between nodes
    total: np.ndarray  # capacity of each stored pair of nodes, before capping
    slot: np.ndarray  # (entry, 0/1): where its forward/backward capacity is stored, -1 if not hidden


class _Network:
    """The table seen as a network: every entry is an arc between two nodes (1-D: the cells run one
    way between two nodes, the total back; 2-D: each cell from its row to its column, each row total
    from a source to the row, each column total from the column to a sink, the grand total from the
    sink back to the source), and every relation says that at a node the flow in equals the flow out.

    So a hidden entry e can rise by d from its true count exactly when d more can flow from e's head
    back to its tail through the other hidden arcs: forwards without limit, backwards by at most
    (count - 1) since each stays at least 1. The largest such d is a maximum flow, and by max-flow
    min-cut it is exactly what the linear programme of `audit` finds (these relations are totally
    unimodular); likewise for falling."""

    def __init__(self, st: Structure, A: np.ndarray):
        self.tail, self.head = st.arcs[:, 0], st.arcs[:, 1]
        self.n, self.shape = st.n_nodes, st.shape
        self.v = A.reshape(-1).astype(np.int64)
        self.usable = st.available.reshape(-1) & (self.v > 0)
        self.margin = st.margin.reshape(-1)
        self.inf = int(self.v.sum()) + 1  # more than any finite flow
        if self.inf >= 2**31 - 1:
            raise ValueError("the counts are too large to protect (their sum must stay below 2**31)")

    def residual(self, s: np.ndarray) -> "_Residual":
        """The room to move of the hidden entries `s`: each hidden arc can carry more flow forwards
        without limit, and less by up to its count - 1 (as flow backwards)."""
        from scipy.sparse import csr_matrix

        h = np.flatnonzero(s)
        frm = np.r_[self.tail[h], self.head[h]]
        to = np.r_[self.head[h], self.tail[h]]
        cap = np.r_[np.full(len(h), self.inf, dtype=np.int64), self.v[h] - 1]
        pairs, where = np.unique(frm * self.n + to, return_inverse=True)
        total = np.bincount(where, weights=cap, minlength=len(pairs)).astype(np.int64)
        indptr = np.searchsorted(pairs // self.n, np.arange(self.n + 1))
        graph = csr_matrix((np.minimum(total, self.inf).astype(np.int32), (pairs % self.n).astype(np.int32),
                            indptr.astype(np.int32)), shape=(self.n, self.n))
        slot = np.full((len(s), 2), -1, dtype=np.int64)
        slot[h, 0], slot[h, 1] = where[:len(h)], where[len(h):]
        return _Residual(graph, total, slot)

    def moves(self, res: "_Residual", e: int, *, both: bool = True) -> tuple[float, float]:
        """How far hidden entry e can rise and fall from its true count (inf: without limit): the
        maximum flow from its head to its tail, and back, through the other hidden arcs. With
        `both=False` the fall is only worked out if the rise is under MIN_SPREAD (else 0)."""
        from scipy.sparse.csgraph import maximum_flow

        total = res.total.copy()
        total[res.slot[e, 0]] -= self.inf
        total[res.slot[e, 1]] -= self.v[e] - 1
        res.graph.data = np.minimum(total, self.inf).astype(np.int32)
        u, w = int(self.tail[e]), int(self.head[e])
        up = maximum_flow(res.graph, w, u).flow_value
        up_f = np.inf if up >= self.inf else float(up)
        if not both and up_f >= MIN_SPREAD:
            return up_f, 0.0
        down = maximum_flow(res.graph, u, w).flow_value
        return up_f, float(min(self.v[e] - 1, down))

    def cheapest_cycle(self, s: np.ndarray, e: int) -> np.ndarray:
        """The entries of the cheapest cycle through e along which every entry of it can move by 2 in
        all from the true counts: e up by 2, e down by 2, or 1 each way. Cost of a shown entry: its
        count, plus more than all counts together if it is a total (cells before totals); of a hidden
        one: next to nothing. Such a cycle always exists: the true counts are a flow, and every arc
        carrying flow lies on a cycle of arcs carrying flow (at worst, through the totals)."""
        v_e = int(self.v[e])
        u, w = int(self.tail[e]), int(self.head[e])
        modes = [(w, u, 3, 1)]  # from, to, least count of arcs used backwards, and forwards
        if v_e >= 3:
            modes.append((u, w, 3, 1))
        if v_e >= 2:
            modes.append((w, u, 2, 2))
        best: tuple[float, list[int]] | None = None
        for src, dst, need_back, need_fwd in modes:
            found = self._path(s, e, src, dst, need_back, need_fwd)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is None:
            raise RuntimeError("no cycle through a hidden entry: the counts do not add up")
        return np.array(best[1] + [e], dtype=np.int64)

    def _path(self, s: np.ndarray, e: int, src: int, dst: int, need_back: int,
              need_fwd: int) -> tuple[float, list[int]] | None:
        """Cheapest path src -> dst over arcs other than e, each used forwards (count >= need_fwd)
        or backwards (count >= need_back): (cost, arcs) or None."""
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        usable = self.usable.copy()
        usable[e] = False
        cost = np.where(s, 0.5 / (len(s) + 1), self.v + self.margin * float(self.inf))
        fwd = np.flatnonzero(usable & (self.v >= need_fwd))
        bwd = np.flatnonzero(usable & (self.v >= need_back))
        frm = np.r_[self.tail[fwd], self.head[bwd]]
        to = np.r_[self.head[fwd], self.tail[bwd]]
        arc = np.r_[fwd, bwd]
        c = cost[arc]
        order = np.lexsort((c, to, frm))  # keep the cheapest arc between each pair of nodes
        frm, to, arc, c = frm[order], to[order], arc[order], c[order]
        first = np.r_[True, (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])]
        frm, to, arc, c = frm[first], to[first], arc[first], c[first]
        g = csr_matrix((c, (frm, to)), shape=(self.n, self.n))
        dist, pred = dijkstra(g, indices=src, return_predecessors=True)
        if not np.isfinite(dist[dst]):
            return None
        via = dict(zip(zip(frm.tolist(), to.tolist()), arc.tolist()))
        path, node = [], dst
        while node != src:
            prev = int(pred[node])
            path.append(via[(prev, node)])
            node = prev
        return float(dist[dst]), path


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
        avail = _available_with_totals(_inner_available(M.shape, available))
    else:
        avail = _inner_available(M.shape, available)
        A = np.where(avail, M, 0)
    rounded = (2 * A + base) // (2 * base) * base
    hidden = avail & (A >= 1) & ((A < k) | (rounded == 0))
    return Protection(rounded, hidden, hidden.copy(), avail, (), {})


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
    """Exact range of every hidden entry of `A` (values with totals) under `S` (hidden mask): each
    hidden entry minimised and maximised by linear programming (HiGHS) over all the relations of
    `structure` at once, as the module docstring describes.

    To need fewer solves, hidden entries that share no relation are solved apart, and every solution
    serves all the entries: its values are reachable (so the range is at least that wide), and its
    dual values give upper limits (so it is at most that wide); an entry is solved for only while the
    two do not meet."""
    A = np.asarray(A, dtype=np.int64)
    S = np.asarray(S, dtype=bool)
    if A.shape != structure.shape or S.shape != structure.shape:
        raise ValueError(f"values and mask must have shape {structure.shape}")
    if (S & ~structure.available).any():
        raise ValueError("an entry that is not available cannot be hidden")
    if (A[S] < 1).any():
        raise ValueError("a hidden entry is 0: zeros must be shown")
    ranges: dict[tuple[int, ...], tuple[float, float]] = {}
    for comp in _components(A, S, structure):
        comp.solve_all()
        for f, lo, hi in zip(comp.idx.tolist(), comp.lo.tolist(), comp.hi.tolist()):
            ranges[tuple(int(x) for x in np.unravel_index(f, structure.shape))] = (lo, hi)
    ranges = dict(sorted(ranges.items()))
    failing = [pos for pos, (lo, hi) in ranges.items() if hi - lo < MIN_SPREAD - _TOL]
    return Audit(ranges=ranges, failing=failing)


def _components(A: np.ndarray, S: np.ndarray, st: Structure) -> list["_Component"]:
    """The hidden entries in groups that share no relation (each group can be solved on its own)."""
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
    big = 2.0 * (float(np.abs(A).sum()) + n_h + 1)
    out = []
    for lab in np.unique(label[:n_h]):
        members = hidden[label[:n_h] == lab]
        rows = np.flatnonzero((E[:, members] != 0).any(axis=1))
        out.append(_Component(members, E[np.ix_(rows, members)].astype(np.float64), b_all[rows],
                              A.reshape(-1)[members].astype(np.float64), big))
    return out


def _line_bounds(E: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds each relation gives on its own (every other hidden entry of it at least 1), combined:
    the exact range lies within them."""
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
    """Solver output to whole numbers where it is within rounding error of one."""
    r = np.round(x)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(x - r) < _TOL, r, x)


class _Component:
    """Hidden entries linked by relations (E x = b, x >= 1), and what is proved of their ranges.

    `lo`/`hi`: the smallest/largest values seen in solutions (the true counts first), so the exact
    range contains [lo, hi]. `lo_bound`/`hi_bound`: limits proved for every solution (by single
    relations, then by the dual values of each solve), so the exact range lies within them. An end is
    exact once the two meet."""

    def __init__(self, idx: np.ndarray, E: np.ndarray, b: np.ndarray, x_true: np.ndarray, big: float):
        self.idx, self.E, self.b = idx, E, b
        self.lo_bound, self.hi_bound = _line_bounds(E, b)
        self.lo_out, self.hi_out = self.lo_bound.copy(), self.hi_bound.copy()
        self.cap = np.where(np.isfinite(self.hi_out), self.hi_out, big)
        self.lo, self.hi = x_true.copy(), x_true.copy()

    @property
    def lo_exact(self) -> np.ndarray:
        return self.lo <= self.lo_bound + _TOL

    @property
    def hi_exact(self) -> np.ndarray:
        return self.hi >= self.hi_bound - _TOL

    def solve_all(self) -> None:
        """Make every end exact: two solves in opposite directions first (most entries move), then
        one per end still open."""
        n = len(self.idx)
        if (self.lo_exact & self.hi_exact).all():
            return
        c = np.random.default_rng(n).standard_normal(n)
        for sign in (1.0, -1.0):
            self._take(*self._probe(sign * c))
        if (~self.hi_exact & ~np.isfinite(self.hi_bound)).any():
            self._mark_unbounded()  # the rest have a largest value, so the solves below are bounded
        for upward in (True, False):
            while len(todo := np.flatnonzero(~(self.hi_exact if upward else self.lo_exact))):
                batch = todo[:_BATCH]
                for e, (x, y) in zip(batch.tolist(), self._extremes(batch, upward=upward)):
                    self._take(x, y)
                    if upward:  # an optimum: exact whatever the duals say
                        self.hi[e] = self.hi_bound[e] = x[e]
                    else:
                        self.lo[e] = self.lo_bound[e] = x[e]

    def _extremes(self, batch: np.ndarray, *, upward: bool) -> list[tuple[np.ndarray, np.ndarray]]:
        """Maximise (or minimise) each entry of `batch` in one solve: one copy of the relations per
        entry, side by side (a block-diagonal programme), so the solver is started once."""
        from scipy.optimize import linprog
        from scipy.sparse import block_diag, csr_array

        n, m, k = len(self.idx), len(self.E), len(batch)
        c = np.zeros(n * k)
        c[np.arange(k) * n + batch] = -1.0 if upward else 1.0
        bounds = np.tile(np.column_stack([np.ones(n), self.hi_out]), (k, 1))
        A_eq = block_diag([csr_array(self.E)] * k, format="csr") if m else None
        res = linprog(c, A_eq=A_eq, b_eq=np.tile(self.b, k) if m else None, bounds=bounds,
                      method="highs", options={"presolve": False})
        if res.status != 0:
            raise RuntimeError(f"the audit's linear programme failed: {res.message}")
        x = _snap(res.x).reshape(k, n)
        y = np.asarray(res.eqlin.marginals).reshape(k, m) if m else [None] * k
        return list(zip(x, y))

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
        self.hi[up] = self.hi_bound[up] = np.inf

    def _probe(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """A solution minimising c @ x, each entry capped (by a single relation, or a large number)
        so that any direction has one, and its dual values: a witness for every entry at once."""
        from scipy.optimize import linprog

        bounds = np.column_stack([np.ones(len(c)), self.cap])
        has_eq = len(self.E) > 0
        res = linprog(c, A_eq=self.E if has_eq else None, b_eq=self.b if has_eq else None,
                      bounds=bounds, method="highs", options={"presolve": False})
        if res.status != 0:
            raise RuntimeError(f"the audit's linear programme failed: {res.message}")
        y = np.asarray(res.eqlin.marginals) if has_eq else None
        return _snap(res.x), y

    def _take(self, x: np.ndarray, y: np.ndarray | None) -> None:
        """Learn from a solution x (reachable values) and dual values y (limits, see `_limits`)."""
        self.lo = np.minimum(self.lo, x)
        self.hi = np.maximum(self.hi, x)
        if y is not None:
            for sign in (1.0, -1.0):
                self.hi_bound = np.minimum(self.hi_bound, self._limits(sign * y))

    def _limits(self, y: np.ndarray) -> np.ndarray:
        """Upper limits from any multipliers y of the relations. With z = x - 1 >= 0 and g = E'y,
        every solution has g @ z = y @ (b - E 1); for g_f > 0 this gives z_f <= (y @ (b - E 1) +
        sum over g_j < 0 of |g_j| * (largest z_j)) / g_f. Valid for any y; tight for the optimal one."""
        g = self.E.T @ y
        q = float(y @ (self.b - self.E.sum(axis=1)))
        neg = g < -_TOL
        room = self.hi_out[neg] - 1
        out = np.full(len(g), np.inf)
        if np.isfinite(room).all():
            pos = g > _TOL
            out[pos] = 1 + (q + float(-g[neg] @ room)) / g[pos]
        return _snap(out + 0.0)
