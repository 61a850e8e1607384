"""Summary tables: sums of the count by integer codes, full grids, measures kept apart."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core import tables
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.disclosure import SUPPRESSED
from youthdrugs_gui.core.errors import FilterError
from youthdrugs_gui.core.tables import aggregate


def ds_of(**cols) -> Dataset:
    return Dataset.from_frame(pd.DataFrame(cols), name="test")


# ---- aggregate ---------------------------------------------------------------------------------
def test_aggregate_sums_counts_in_category_order():
    ds = ds_of(force=["Kent", "Essex", "Kent", "Norfolk", None], drug_class=["B", "A", "A", "A", "C"],
               count=[3, 4, 5, 6, 7])
    t = aggregate(ds, np.array([0, 1, 2, 4]), ["force"])
    assert t.columns.tolist() == ["force", "count"]
    # Norfolk was filtered out, so it is not listed; 'Not recorded' is, because a row has it
    assert t["force"].astype(str).tolist() == ["Essex", "Kent", "Not recorded"]
    assert t["count"].tolist() == [4, 8, 7]
    assert t["count"].dtype == np.int64
    assert isinstance(t["force"].dtype, pd.CategoricalDtype)


def test_aggregate_cross_tab_is_a_full_grid_with_zeros():
    ds = ds_of(force=["Kent", "Essex", "Kent"], sex=["Boys", "Girls", "Boys"], count=[2, 3, 4])
    t = aggregate(ds, np.arange(3), ["force", "sex"])
    assert list(map(tuple, t[["force", "sex"]].astype(str).to_numpy())) == [
        ("Essex", "Boys"), ("Essex", "Girls"), ("Kent", "Boys"), ("Kent", "Girls")]
    assert t["count"].tolist() == [0, 3, 6, 0]


def test_aggregate_rows_are_indices_and_repeat_as_given():
    ds = ds_of(force=["Kent", "Essex"], count=[2, 3])
    t = aggregate(ds, np.array([1, 1, 0]), ["force"])
    assert t["count"].tolist() == [6, 2]
    mask = np.array([False, True])
    assert aggregate(ds, mask, ["force"])["count"].tolist() == [3]


def test_aggregate_never_adds_measures_together():
    ds = ds_of(measure=["Arrest", "Stop and search", "Arrest", "Stop and search"],
               force=["Kent", "Kent", "Essex", "Kent"], count=[1, 10, 2, 20])
    t = aggregate(ds, np.arange(4), ["force"])
    assert t.columns.tolist() == ["measure", "force", "count"]
    got = {(m, f): c for m, f, c in zip(t["measure"].astype(str), t["force"].astype(str), t["count"])}
    assert got == {("Arrest", "Essex"): 2, ("Arrest", "Kent"): 1,
                   ("Stop and search", "Essex"): 0, ("Stop and search", "Kent"): 30}
    # measure named second is moved first
    assert aggregate(ds, np.arange(4), ["force", "measure"]).columns.tolist() == ["measure", "force", "count"]
    # a single measure in the rows: no measure column added
    assert aggregate(ds, np.array([0, 2]), ["force"]).columns.tolist() == ["force", "count"]
    # no group-by at all still keeps measures apart
    t = aggregate(ds, np.arange(4), [])
    assert t["count"].tolist() == [3, 30]


def test_aggregate_refuses_columns_that_cannot_group():
    ds = ds_of(date=["2020-01-01", "2020-01-02"], force=["Kent", "Kent"])
    with pytest.raises(FilterError, match="cannot be used to group"):
        aggregate(ds, np.arange(2), ["date"])
    with pytest.raises(FilterError):
        aggregate(ds, np.arange(2), ["count"])
    with pytest.raises(FilterError):
        aggregate(ds, np.arange(2), ["no such column"])


def test_aggregate_resolves_labels_and_can_suppress():
    ds = ds_of(force=["Kent", "Essex", "Kent", "Norfolk"], count=[3, 30, 1, 2])
    t = aggregate(ds, np.arange(4), ["Police force"], k=5)
    assert t.values.tolist() == [["Essex", 30], ["Kent", SUPPRESSED], ["Norfolk", SUPPRESSED], ["Total", 36]]


def test_aggregate_large_grid_uses_observed_combinations(monkeypatch):
    monkeypatch.setattr(tables, "MAX_GRID_CELLS", 3)
    ds = ds_of(force=["Kent", "Essex", "Kent"], sex=["Boys", "Girls", "Boys"], count=[2, 3, 4])
    t = aggregate(ds, np.arange(3), ["force", "sex"])
    assert list(map(tuple, t[["force", "sex"]].astype(str).to_numpy())) == [("Essex", "Girls"), ("Kent", "Boys")]
    assert t["count"].tolist() == [3, 6]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(0, 40))
def test_aggregate_grid_and_observed_paths_agree(data, n):
    cols = {c: data.draw(st.lists(st.sampled_from(vals), min_size=n, max_size=n))
            for c, vals in (("force", ["Kent", "Essex", None]), ("sex", ["Boys", "Girls"]),
                            ("drug_class", ["A", "B", "C"]))}
    counts = data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    if n == 0:
        return
    ds = ds_of(**cols, count=counts)
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=60)), dtype=np.int64)
    dense = aggregate(ds, rows, ["force", "sex", "drug_class"])
    old = tables.MAX_GRID_CELLS
    tables.MAX_GRID_CELLS = 0
    try:
        sparse = aggregate(ds, rows, ["force", "sex", "drug_class"])
    finally:
        tables.MAX_GRID_CELLS = old
    key = ["force", "sex", "drug_class"]
    d = {tuple(r[:3]): r[3] for r in dense.astype({c: str for c in key}).itertuples(index=False)}
    sp = {tuple(r[:3]): r[3] for r in sparse.astype({c: str for c in key}).itertuples(index=False)}
    assert {k: v for k, v in d.items() if k in sp} == sp
    assert sum(d.values()) == sum(sp.values()) == sum(counts[i] for i in rows)
    # the observed list is in the same (category) order as the grid
    assert [k for k in d if k in sp] == list(sp)
