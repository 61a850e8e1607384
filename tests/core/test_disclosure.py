"""Small-number suppression (primary and secondary) of summary tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core import disclosure
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.disclosure import SUPPRESSED, suppress
from youthdrugs_gui.core.tables import aggregate


def ds_of(**cols) -> Dataset:
    return Dataset.from_frame(pd.DataFrame(cols), name="test")


# ---- suppress: worked examples -----------------------------------------------------------------
def one_d(values, k=5, **kw):
    t = pd.DataFrame({"force": [f"F{i}" for i in range(len(values))], "count": values})
    return suppress(t, k=k, **kw)


def test_1d_primary_and_secondary():
    r = one_d([3, 10, 20])
    assert r.table["count"].tolist() == [SUPPRESSED, SUPPRESSED, 20, 33]
    assert r.table["force"].tolist() == ["F0", "F1", "F2", "Total"]
    assert (r.primary, r.secondary) == (1, 1)
    assert r.rule == ("counts of 1 to 4 shown as [c], zeros shown as 0; 1 further cell suppressed so that "
                      "no hidden count can be narrowed to fewer than three values from the totals "
                      "(audited by linear programming)")


def test_1d_zeros_stay_and_are_not_chosen():
    r = one_d([3, 0, 20, 40])
    assert r.table["count"].tolist() == [SUPPRESSED, 0, SUPPRESSED, 40, 63]


def test_1d_two_primaries_need_nothing_more():
    r = one_d([3, 4, 20])
    assert r.table["count"].tolist() == [SUPPRESSED, SUPPRESSED, 20, 27]
    assert r.secondary == 0


def test_1d_small_total_is_suppressed():
    r = one_d([0, 3, 0])
    assert r.table["count"].tolist() == [0, SUPPRESSED, 0, SUPPRESSED]
    assert (r.primary, r.secondary) == (2, 0)


def test_1d_without_totals_only_primary():
    r = one_d([3, 10, 20], totals=False)
    assert r.table["count"].tolist() == [SUPPRESSED, 10, 20]
    assert r.secondary == 0
    assert r.rule.endswith("no totals shown")


def test_k_ten():
    r = one_d([9, 10, 30], k=10)
    assert r.table["count"].tolist() == [SUPPRESSED, SUPPRESSED, 30, 49]
    assert r.rule.startswith("counts of 1 to 9 shown as [c]")


def test_bad_k():
    for k in (0, 1, 2.5, True):
        with pytest.raises(ValueError):
            one_d([1], k=k)


def test_cross_tab_layout_and_secondary():
    t = pd.DataFrame({
        "force": ["Essex", "Essex", "Kent", "Kent", "Norfolk", "Norfolk"],
        "drug_class": ["A", "B"] * 3,
        "count": [12, 7, 3, 10, 20, 0],
    })
    r = suppress(t, k=5, by=["force", "drug_class"])
    assert r.table.columns.tolist() == ["force", "A", "B", "Total"]
    assert r.table.values.tolist() == [
        ["Essex", SUPPRESSED, SUPPRESSED, 19],
        ["Kent", SUPPRESSED, SUPPRESSED, 13],
        ["Norfolk", 20, 0, 20],
        ["Total", 35, 17, 52],
    ]
    assert (r.primary, r.secondary) == (1, 3)
    assert r.long.columns.tolist() == ["force", "drug_class", "count"]
    assert len(r.long) == 4 * 3


def test_measures_are_separate_tables():
    t = pd.DataFrame({
        "measure": ["Arrest"] * 2 + ["Stop and search"] * 2,
        "force": ["Kent", "Essex"] * 2,
        "count": [3, 30, 40, 50],
    })
    r = suppress(t, k=5, by=["force"])  # measure not named: still kept apart
    assert r.split_by == ("measure",)
    assert r.table.values.tolist() == [
        ["Arrest", "Kent", SUPPRESSED], ["Arrest", "Essex", SUPPRESSED], ["Arrest", "Total", 33],
        ["Stop and search", "Kent", 40], ["Stop and search", "Essex", 50], ["Stop and search", "Total", 90],
    ]


def test_duplicate_combinations_are_refused():
    t = pd.DataFrame({"force": ["Kent", "Kent"], "count": [1, 2]})
    with pytest.raises(ValueError, match="more than once"):
        suppress(t)


def _pick(candidates: list[tuple[int, int]], A: np.ndarray, margin: np.ndarray) -> tuple[int, int]:
    """The old heuristic's choice: inner cells before totals, non-zero before zero, then the smallest."""
    return min(candidates, key=lambda ij: (bool(margin[ij]), A[ij] == 0, int(A[ij]), ij))


def line_rule_only(M: np.ndarray, k: int) -> np.ndarray:
    """The "two per row and column" rule on its own, for comparison."""
    r, c = M.shape
    A = np.zeros((r + 1, c + 1), dtype=np.int64)
    A[:r, :c] = M
    A[:r, c] = M.sum(1)
    A[r, :c] = M.sum(0)
    A[r, c] = M.sum()
    margin = np.zeros_like(A, dtype=bool)
    margin[r, :] = margin[:, c] = True
    S = (A >= 1) & (A < k)
    changed = True
    while changed:
        changed = False
        for i in range(r + 1):
            if S[i].sum() == 1:
                S[_pick([(i, j) for j in np.flatnonzero(~S[i])], A, margin)] = True
                changed = True
        for j in range(c + 1):
            if S[:, j].sum() == 1:
                S[_pick([(i, j) for i in np.flatnonzero(~S[:, j])], A, margin)] = True
                changed = True
    return S


def test_two_per_line_is_not_always_enough():
    """A table where "at least two hidden per row and column" still lets a reader solve a hidden cell
    exactly (a hidden cell that is the only link between two groups): suppress() closes the gap."""
    M = np.array([[0, 2, 47, 8], [4, 2, 9, 0], [17, 0, 42, 0]])
    weak = line_rule_only(M, 5)
    assert determined(weak), "the example should defeat the line rule alone"
    A, S, _ = disclosure._protect_2d(M, 5, True)
    assert not determined(S)
    assert all(S[i].sum() != 1 for i in range(S.shape[0]))
    assert all(S[:, j].sum() != 1 for j in range(S.shape[1]))


# ---- suppress: properties ----------------------------------------------------------------------
def equations(shape: tuple[int, int]) -> np.ndarray:
    """The sums a reader can use on a table with totals: each row (totals row too) adds up to its
    total, each column (totals column too) adds up to its total. One column per entry, row-major."""
    nr, nc = shape
    rows = []
    for i in range(nr):
        e = np.zeros(shape)
        e[i, :] = 1
        e[i, nc - 1] = -1
        rows.append(e.ravel())
    for j in range(nc):
        e = np.zeros(shape)
        e[:, j] = 1
        e[nr - 1, j] = -1
        rows.append(e.ravel())
    return np.array(rows)


def determined(S: np.ndarray) -> list[tuple[int, int]]:
    """Hidden entries whose value follows exactly from the shown ones by linear algebra."""
    E = equations(S.shape)
    hidden = np.flatnonzero(S.ravel())
    if len(hidden) == 0:
        return []
    Eu = E[:, hidden]
    base = np.linalg.matrix_rank(Eu)
    out = []
    for n, flat in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[n] = 1
        if np.linalg.matrix_rank(np.vstack([Eu, unit])) == base:
            out.append(tuple(int(x) for x in np.unravel_index(flat, S.shape)))
    return out


cell_value = st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 200))


@st.composite
def matrices(draw):
    r = draw(st.integers(1, 6))
    c = draw(st.integers(1, 6))
    return np.array(draw(st.lists(st.lists(cell_value, min_size=c, max_size=c), min_size=r, max_size=r)),
                    dtype=np.int64)


def cross_tab(M: np.ndarray) -> pd.DataFrame:
    r, c = M.shape
    return pd.DataFrame({
        "force": [f"R{i}" for i in range(r) for _ in range(c)],
        "drug_class": [f"C{j}" for _ in range(r) for j in range(c)],
        "count": M.ravel(),
    })


@settings(max_examples=300, deadline=None)
@given(M=matrices(), k=st.sampled_from([3, 5, 10]))
def test_cross_tab_properties(M, k):
    res = suppress(cross_tab(M), k=k, by=["force", "drug_class"])
    r, c = M.shape
    grid = res.table[[f"C{j}" for j in range(c)] + ["Total"]].to_numpy(dtype=object)
    assert grid.shape == (r + 1, c + 1)
    true = np.zeros((r + 1, c + 1), dtype=np.int64)
    true[:r, :c] = M
    true[:r, c] = M.sum(1)
    true[r, :c] = M.sum(0)
    true[r, c] = M.sum()
    S = np.vectorize(lambda v: v == SUPPRESSED)(grid)
    # no exported number is from 1 to k-1, and every shown number is the true one
    for (i, j), v in np.ndenumerate(grid):
        if not S[i, j]:
            assert isinstance(v, int) and not 1 <= v < k
            assert v == true[i, j]
        elif not 1 <= true[i, j] < k:
            pass  # secondary
    # every small true value is hidden (cells and totals)
    assert np.all(S[(true >= 1) & (true < k)])
    # each row/column with a hidden cell has at least two hidden (its total counts as one)
    for i in range(r + 1):
        assert S[i].sum() != 1
    for j in range(c + 1):
        assert S[:, j].sum() != 1
    # and no hidden entry can be worked out from the shown ones by adding and subtracting lines
    assert determined(S) == []
    assert res.primary == int(((true >= 1) & (true < k)).sum())
    assert res.secondary == int(S.sum()) - res.primary


@settings(max_examples=300, deadline=None)
@given(values=st.lists(cell_value, min_size=1, max_size=12), k=st.sampled_from([3, 5, 10]))
def test_one_d_properties(values, k):
    res = one_d(values, k=k)
    shown = res.table["count"].tolist()
    true = values + [sum(values)]
    hidden = [v == SUPPRESSED for v in shown]
    for v, t, h in zip(shown, true, hidden):
        if not h:
            assert isinstance(v, int) and v == t and not 1 <= v < k
        if 1 <= t < k:
            assert h
    # the grand total and the cells form one sum: none, or at least two hidden
    assert sum(hidden) != 1


@settings(max_examples=100, deadline=None)
@given(M=matrices(), k=st.sampled_from([5, 10]))
def test_without_totals_nothing_small_is_shown(M, k):
    res = suppress(cross_tab(M), k=k, by=["force", "drug_class"], totals=False)
    grid = res.table[[f"C{j}" for j in range(M.shape[1])]].to_numpy(dtype=object)
    for (i, j), v in np.ndenumerate(grid):
        assert (v == SUPPRESSED) == (1 <= M[i, j] < k)
        if v != SUPPRESSED:
            assert v == M[i, j]


@settings(max_examples=60, deadline=None)
@given(
    forces=st.lists(st.sampled_from(["Kent", "Essex", "Norfolk", "Suffolk"]), min_size=1, max_size=60),
    data=st.data(),
)
def test_aggregate_then_suppress_matches_pandas(forces, data):
    n = len(forces)
    classes = data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    measures = data.draw(st.lists(st.sampled_from(["Arrest", "Proven offence"]), min_size=n, max_size=n))
    counts = data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    ds = ds_of(force=forces, drug_class=classes, measure=measures, count=counts)
    rows = np.arange(n)
    t = aggregate(ds, rows, ["force", "drug_class"])
    ref = pd.DataFrame({"m": measures, "f": forces, "c": classes, "n": counts}).groupby(["m", "f", "c"])["n"].sum()
    got = {(str(m), str(f), str(c)): int(v) for m, f, c, v in
           zip(t.get("measure", pd.Series(["-"] * len(t))), t["force"], t["drug_class"], t["count"])}
    for (m, f, c), v in ref.items():
        key = (m, f, c) if "measure" in t.columns else ("-", f, c)
        assert got[key] == v
    assert sum(got.values()) == sum(counts)
    res = suppress(t, k=5, by=["force", "drug_class"])
    for v in res.long["count"]:
        assert v == SUPPRESSED or not 1 <= v < 5
