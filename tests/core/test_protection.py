"""Suppression audited by linear programming, and rounding (youthdrugs_gui.core.protection).

The attacker here is written from scratch: it reads only the published table (numbers shown, which
entries are hidden, which are not available) and builds its own linear programme."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from youthdrugs_gui.core import protection
from youthdrugs_gui.core.protection import audit, protect, round_table, table_structure, with_totals


# ---- an independent attacker -------------------------------------------------------------------
def lines_of(shape: tuple[int, ...]) -> list[tuple[list[tuple[int, ...]], tuple[int, ...]]]:
    """The sums of a published table with totals: (entries that add up, the total they add up to)."""
    if len(shape) == 1:
        n = shape[0] - 1
        return [([(i,) for i in range(n)], (n,))]
    nr, nc = shape
    rows = [([(i, j) for j in range(nc - 1)], (i, nc - 1)) for i in range(nr)]
    cols = [([(i, j) for i in range(nr - 1)], (nr - 1, j)) for j in range(nc)]
    return rows + cols


def attack(shown: np.ndarray, hidden: np.ndarray, available: np.ndarray, *, integer: bool = False
           ) -> dict[tuple[int, ...], tuple[float, float]]:
    """Smallest and largest value of every hidden entry given everything published: shown numbers,
    hidden entries at least 1, entries not available left out, every sum at once."""
    unknowns = [tuple(int(x) for x in p) for p in np.argwhere(hidden)]
    col = {p: n for n, p in enumerate(unknowns)}
    rows, rhs = [], []
    for parts, total in lines_of(shown.shape):
        row = np.zeros(len(unknowns))
        b = 0.0
        for p, sign in [(q, 1.0) for q in parts] + [(total, -1.0)]:
            if not available[p]:
                continue
            if p in col:
                row[col[p]] += sign
            else:
                b -= sign * float(shown[p])
        if row.any():
            rows.append(row)
            rhs.append(b)
        else:
            assert abs(b) < 1e-9, "the shown numbers do not add up"
    out = {}
    n = len(unknowns)
    for p, j in col.items():
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[j] = sign
            if integer:
                cons = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
                r = milp(c, constraints=cons, integrality=np.ones(n), bounds=Bounds(np.ones(n), np.full(n, 10_000)))
                assert r.status == 0
                ends.append(sign * r.fun if abs(r.fun) < 9_000 else math.inf)  # near the cap: unbounded
            else:
                r = linprog(c, A_eq=np.array(rows) if rows else None, b_eq=rhs if rows else None,
                            bounds=[(1, None)] * n, method="highs")
                assert r.status in (0, 3), r.message
                ends.append(sign * r.fun if r.status == 0 else math.inf)
        out[p] = (ends[0], ends[1])
    return out


def same_ranges(got: dict, want: dict) -> bool:
    return got.keys() == want.keys() and all(
        a == b or abs(a - b) < 1e-6 for q in got for a, b in zip(got[q], want[q]))


def publish(p: protection.Protection) -> np.ndarray:
    """What a reader sees: the numbers shown (hidden and not available entries blanked to -1)."""
    return np.where(p.hidden | ~p.available, -1, p.values)


def assert_safe(p: protection.Protection) -> dict[tuple[int, ...], tuple[float, float]]:
    ranges = attack(publish(p), p.hidden, p.available)
    narrow = {q: r for q, r in ranges.items() if r[1] - r[0] < 2 - 1e-7}
    assert not narrow, f"the attacker narrows {narrow}"
    return ranges


def assert_honest(M: np.ndarray, k: int, p: protection.Protection, available: np.ndarray | None = None) -> None:
    """Every small count hidden, no zero hidden, nothing not available hidden, shown = truth."""
    true = with_totals(M, available)
    avail = p.available
    assert np.array_equal(p.values, true)
    assert np.array_equal(p.primary, avail & (true >= 1) & (true < k))
    assert not (p.hidden & ~avail).any()
    assert not (p.hidden & (true == 0)).any()
    assert p.hidden[p.primary].all()
    shown = ~p.hidden & avail
    assert not ((true[shown] >= 1) & (true[shown] < k)).any()


# ---- random tables -----------------------------------------------------------------------------
count = st.one_of(st.just(0), st.just(0), st.integers(1, 4), st.integers(1, 12), st.integers(13, 150))
availability = st.sampled_from([True] * 9 + [False])


@st.composite
def tables(draw, max_rows: int = 12, max_cols: int = 12, two_d: bool = True):
    if two_d:
        shape = (draw(st.integers(1, max_rows)), draw(st.integers(1, max_cols)))
    else:
        shape = (draw(st.integers(1, 30)),)
    size = int(np.prod(shape))
    M = np.array(draw(st.lists(count, min_size=size, max_size=size)), dtype=np.int64).reshape(shape)
    avail = None
    if draw(st.booleans()):
        avail = np.array(draw(st.lists(availability, min_size=size, max_size=size))).reshape(shape)
    return M, avail


@settings(max_examples=40, deadline=None)
@given(table=tables(two_d=False), k=st.sampled_from([3, 5, 10]))
def test_one_way_tables_cannot_be_narrowed(table, k):
    M, avail = table
    p = protect(M, k, available=avail)
    assert_honest(M, k, p, avail)
    ranges = assert_safe(p)
    assert same_ranges(p.ranges, ranges)


@settings(max_examples=40, deadline=None)
@given(table=tables(), k=st.sampled_from([3, 5, 10]))
def test_cross_tabs_cannot_be_narrowed(table, k):
    M, avail = table
    p = protect(M, k, available=avail)
    assert_honest(M, k, p, avail)
    ranges = assert_safe(p)
    assert same_ranges(p.ranges, ranges)


@settings(max_examples=40, deadline=None)
@given(table=tables(max_rows=7, max_cols=7), data=st.data())
def test_audit_ranges_are_the_exact_lp_answer(table, data):
    """On any hidden pattern (safe or not) the audit's ranges are what the attacker finds."""
    M, avail = table
    A = with_totals(M, avail)
    struct = table_structure(M.shape, avail)
    nonzero = np.argwhere(struct.available & (A > 0))
    pick = data.draw(st.lists(st.booleans(), min_size=len(nonzero), max_size=len(nonzero)))
    S = np.zeros(A.shape, dtype=bool)
    for pos, h in zip(nonzero, pick):
        S[tuple(pos)] = h
    got = audit(A, S, structure=struct)
    want = attack(np.where(S, -1, A), S, struct.available)
    assert same_ranges(got.ranges, want)
    assert got.failing == sorted(q for q, (lo, hi) in want.items() if hi - lo < 2 - 1e-7)
    # protect's own reckoning (maximum flows round the table) says the same
    net = protection._Network(struct, A)
    res = net.residual(S.reshape(-1))
    flows = {}
    for q in want:
        up, down = net.moves(res, int(np.ravel_multi_index(q, A.shape)))
        flows[q] = (A[q] - down, A[q] + up)
    assert same_ranges(flows, want)


@settings(max_examples=12, deadline=None)
@given(table=tables(max_rows=3, max_cols=3), k=st.sampled_from([3, 5]))
def test_real_ranges_are_whole_number_ranges(table, k):
    """The docstring's claim: for these tables the LP relaxation loses nothing."""
    M, avail = table
    p = protect(M, k, available=avail)
    for q, (lo, hi) in attack(publish(p), p.hidden, p.available, integer=True).items():
        real_lo, real_hi = p.ranges[q]
        assert lo == pytest.approx(real_lo)
        assert hi == pytest.approx(real_hi) or (real_hi == math.inf and hi == math.inf)


# ---- the attacks of the bug report -------------------------------------------------------------
def test_staffordshire_row_alone():
    """7, [c], 0, [c], total 9: with only the two small cells hidden both are pinned to 1."""
    M = np.array([7, 1, 0, 1])
    A = with_totals(M)
    struct = table_structure(M.shape)
    naive = audit(A, (A >= 1) & (A < 5), structure=struct)
    assert naive.ranges == {(1,): (1.0, 1.0), (3,): (1.0, 1.0)}
    assert naive.failing == [(1,), (3,)]
    p = protect(M, 5)
    assert p.hidden.tolist() == [True, True, False, True, False]  # the 7 too; the zero stays
    assert_safe(p)


def test_staffordshire_row_in_a_cross_tab():
    M = np.array([[7, 1, 0, 1], [40, 12, 6, 30], [25, 9, 0, 14], [3, 18, 22, 51]])
    p = protect(M, 5)
    assert_honest(M, 5, p)
    ranges = assert_safe(p)
    assert ranges[(0, 1)][1] - ranges[(0, 1)][0] >= 2 and ranges[(0, 3)][1] - ranges[(0, 3)][0] >= 2


def girls_10_to_14() -> np.ndarray:
    """44 forces by age 10-14, girls: mostly single figures, many zeros."""
    rng = np.random.default_rng(2024)
    force = rng.gamma(1.2, 2.0, size=(44, 1))
    age = np.array([[0.15, 0.35, 0.8, 1.4, 2.2]])
    return rng.poisson(force * age)


def test_girls_by_force_and_age_audit_clean():
    M = girls_10_to_14()
    assert ((M >= 1) & (M < 5)).sum() > 60 and (M == 0).sum() > 40
    p = protect(M, 5)
    assert_honest(M, 5, p)
    assert audit(p.values, p.hidden, structure=table_structure(M.shape)).ok
    assert_safe(p)


def test_forty_four_by_eleven_is_fast(capsys):
    rng = np.random.default_rng(11)
    M = rng.poisson(rng.gamma(0.8, 4.0, size=(44, 1)) * rng.gamma(1.0, 1.0, size=(1, 11)))
    protect(M[:3], 5)  # imports and first calls out of the timing
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        p = protect(M, 5)
        times.append(time.perf_counter() - t0)
    assert_honest(M, 5, p)
    assert audit(p.values, p.hidden, structure=table_structure(M.shape)).ok
    assert_safe(p)
    with capsys.disabled():
        print(f"\n44 x 11 protected and audited: median {sorted(times)[1] * 1000:.0f} ms "
              f"({int(p.primary.sum())} primary, {int(p.secondary.sum())} secondary)")
    assert sorted(times)[1] < 10


# ---- worked cases ------------------------------------------------------------------------------
def test_one_way_worked_examples():
    assert protect(np.array([3, 10, 20]), 5).hidden.tolist() == [True, True, False, False]
    assert protect(np.array([3, 0, 20, 40]), 5).hidden.tolist() == [True, False, True, False, False]
    assert protect(np.array([3, 4, 20]), 5).secondary.sum() == 0  # 3 + 4 = 7: each 1..6
    assert protect(np.array([0, 0, 0]), 5).hidden.sum() == 0


def test_a_line_of_ones_hides_its_total_and_says_so():
    p = protect(np.array([1, 1, 1, 1, 1]), 5)  # total 5 shown would pin every 1
    assert p.hidden.all()
    assert len(p.notes) == 1 and p.notes[0].startswith("the table: every non-zero count hidden")
    M = np.array([[1, 1, 1, 0], [20, 30, 40, 50], [25, 35, 45, 55]])
    p = protect(M, 3)
    assert_safe(p)
    assert p.hidden[0, 4] and any(n.startswith("row 1:") for n in p.notes)


def test_two_per_line_without_a_bridge_can_still_be_narrowed():
    """The old rule's weakness: a rectangle of small counts has two hidden per line and no bridge,
    yet the totals narrow each to two values."""
    M = np.array([[1, 2, 30], [2, 1, 40], [50, 60, 70]])
    A = with_totals(M)
    naive = audit(A, (A >= 1) & (A < 5), structure=table_structure(M.shape))
    assert naive.ranges == {(0, 0): (1.0, 2.0), (0, 1): (1.0, 2.0), (1, 0): (1.0, 2.0), (1, 1): (1.0, 2.0)}
    assert len(naive.failing) == 4
    p = protect(M, 5)
    assert_honest(M, 5, p)
    assert_safe(p)


def test_not_available_cells_are_left_out_of_the_sums():
    M = np.array([[9, 99, 3], [20, 30, 40]])
    avail = np.array([[True, False, True], [True, True, True]])
    p = protect(M, 5, available=avail)
    assert p.values[0, 3] == 12 and p.values[2, 1] == 30 and p.values[2, 3] == 102
    assert not p.hidden[0, 1] and not p.available[0, 1]
    assert_honest(M, 5, p, avail)
    assert_safe(p)
    # a row with nothing available has no total either
    p = protect(np.array([[3, 4], [10, 20]]), 5, available=np.array([[False, False], [True, True]]))
    assert not p.available[0, 2] and not p.hidden[0].any()


def test_without_totals_only_primary():
    M = np.array([[3, 10], [0, 20]])
    p = protect(M, 5, totals=False)
    assert p.values.shape == M.shape
    assert p.hidden.tolist() == [[True, False], [False, False]]
    assert np.array_equal(p.hidden, p.primary)


def test_bad_input():
    with pytest.raises(ValueError):
        protect(np.array([1, -1]), 5)
    with pytest.raises(ValueError):
        protect(np.zeros((2, 2, 2), dtype=int), 5)
    with pytest.raises(ValueError):
        protect(np.array([1, 2]), 5, available=np.array([True]))
    A = with_totals(np.array([0, 7]))
    with pytest.raises(ValueError, match="zeros must be shown"):
        audit(A, np.array([True, True, False]), structure=table_structure((2,)))


# ---- rounding ----------------------------------------------------------------------------------
def test_rounding_worked_example():
    M = np.array([[3, 7, 12], [0, 8, 26]])
    r = round_table(M, base=5)
    assert r.values.tolist() == [[5, 5, 10, 20], [0, 10, 25, 35], [5, 15, 40, 55]]
    assert r.hidden.tolist() == [[True, False, False, False], [False, False, False, False],
                                 [True, False, False, False]]
    # totals are rounded from the true counts, not added up from rounded cells
    assert r.values[2, 3] != r.values[2, :3].sum()
    assert round_table(np.array([15, 25, 14]), base=10).values.tolist() == [20, 30, 10, 50]  # halves up


@settings(max_examples=60, deadline=None)
@given(table=tables(max_rows=6, max_cols=6), base=st.sampled_from([5, 10]), k=st.sampled_from([None, 3, 10]))
def test_rounding_properties(table, base, k):
    M, avail = table
    r = round_table(M, base=base, k=k, available=avail)
    true = with_totals(M, avail)
    kk = base if k is None else k
    assert (r.values % base == 0).all()
    assert (np.abs(r.values - true) <= base / 2).all()
    assert (r.values[true == 0] == 0).all()
    small = r.available & (true >= 1) & (true < kk)
    assert r.hidden[small].all()
    shown = r.available & ~r.hidden
    assert not (shown & (true > 0) & (r.values == 0)).any()  # a 0 shown is a true 0
    assert not (r.hidden & (true == 0)).any()
