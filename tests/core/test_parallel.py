"""Column work shared between threads gives the same figures as on one thread."""
from __future__ import annotations

import numpy as np

from youthdrugs_gui.core import parallel
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sample import load_sample


def test_each_keeps_the_order_of_its_items(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 0)
    assert parallel.each(lambda x: x * x, range(50), rows=10) == [x * x for x in range(50)]


def test_an_engine_on_threads_gives_the_counts_of_one_thread(monkeypatch):
    ds = load_sample()
    state = (FilterState().with_values("force", ["Kent", "Essex", "Gwent"]).with_values("drug_class", ["A", "B"])
             .with_age_range((12, 15)).with_search("poss"))
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 10**12)
    one = Engine(ds).apply(state, "financial_year", "drug_class")
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 0)
    many = Engine(ds).apply(state, "financial_year", "drug_class")
    assert np.array_equal(one.rows, many.rows) and one.totals == many.totals
    assert one.facet_counts.keys() == many.facet_counts.keys()
    assert all(np.array_equal(one.facet_counts[c], many.facet_counts[c]) for c in one.facet_counts)
