"""The filter engine: same rows as a plain pandas reference, facet counts 'if you tick this', totals
per measure, chart series, saved views."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.errors import FilterError
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState

FORCES = ["Essex", "Kent", "Norfolk", "West Mercia"]
CLASSES = ["A", "B", "C", "Not known"]
YEARS = ["2018-19", "2019-20", "2020-21", "2021-22"]


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "financial_year": rng.choice(YEARS, n),
        "force": rng.choice(FORCES + [None], n),
        "age": rng.choice([10, 11, 12, 13, 14, 15, 16, 17, None], n),
        "drug_class": rng.choice(CLASSES, n),
        "outcome": rng.choice(list(schema.OUTCOMES), n),
        "Object of search": rng.choice(["Controlled drugs", "Offensive weapons", "Stolen goods"], n),
        "count": rng.integers(1, 4, n),
    })
    return df


def _reference(df: pd.DataFrame, state: FilterState) -> np.ndarray:
    """The same filter, done the plain pandas way on the raw frame."""
    f = df.copy()
    for col in ("force", "age"):
        f[col] = f[col].map(lambda v: schema.NOT_RECORDED if v is None or v != v else str(int(v)) if col == "age" else v)
    mask = pd.Series(True, index=f.index)
    for col, values in state.selections:
        mask &= f[col].astype(str).isin(values)
    if state.age_range is not None:
        lo, hi = state.age_range
        ages = pd.to_numeric(f["age"], errors="coerce")
        mask &= ages.between(lo, hi)
    if state.year_range is not None:
        a, b = state.year_range
        mask &= (f["financial_year"] >= a) & (f["financial_year"] <= b)
    if state.search:
        needle = state.search.casefold()
        hit = pd.Series(False, index=f.index)
        for col in ("financial_year", "force", "drug_class", "outcome", "Object of search"):
            hit |= f[col].astype(str).str.casefold().str.contains(needle, regex=False)
        mask &= hit
    return np.flatnonzero(mask.to_numpy())


@st.composite
def states(draw):
    s = FilterState()
    for col, values in (("force", FORCES + [schema.NOT_RECORDED]), ("drug_class", CLASSES),
                        ("outcome", list(schema.OUTCOMES)),
                        ("Object of search", ["Controlled drugs", "Offensive weapons", "Stolen goods"])):
        if draw(st.booleans()):
            s = s.with_values(col, draw(st.sets(st.sampled_from(values))))
    if draw(st.booleans()):
        s = s.with_age_range((draw(st.integers(9, 18)), draw(st.integers(9, 18))))
    if draw(st.booleans()):
        s = s.with_year_range((draw(st.sampled_from(YEARS)), draw(st.sampled_from(YEARS))))
    if draw(st.booleans()):
        s = s.with_search(draw(st.sampled_from(["ess", "DRUG", "a", "2019", "zz", "12"])))
    return s


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), state=states())
def test_engine_keeps_the_same_rows_as_pandas(seed, state):
    df = _frame(300, seed)
    ds = Dataset.from_frame(df, name="random")
    result = Engine(ds).apply(state)
    np.testing.assert_array_equal(result.rows, _reference(df, state))
    assert result.totals[""] == int(df["count"].to_numpy()[result.rows].sum())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), state=states())
def test_facet_counts_ignore_their_own_selection(seed, state):
    df = _frame(200, seed)
    ds = Dataset.from_frame(df, name="random")
    eng = Engine(ds)
    result = eng.apply(state)
    for col in ("force", "drug_class", "outcome"):
        expected_rows = eng.apply(state.with_values(col, None)).rows
        codes = ds.codes(col)[expected_rows]
        expected = np.bincount(codes, weights=ds.counts[expected_rows], minlength=len(ds.categories(col)))
        np.testing.assert_array_equal(result.facet_counts[col], expected.astype(np.int64))


@st.composite
def most_rows_states(draw):
    """States that keep most rows: a value or two unticked on a column or two, sometimes a narrow one too."""
    s = FilterState()
    for col, values in (("force", FORCES + [schema.NOT_RECORDED]), ("drug_class", CLASSES),
                        ("outcome", list(schema.OUTCOMES))):
        if draw(st.booleans()):
            dropped = draw(st.sets(st.sampled_from(values), min_size=1, max_size=2))
            s = s.with_values(col, [v for v in values if v not in dropped])
    if draw(st.booleans()):
        s = s.with_values("Object of search", [draw(st.sampled_from(["Controlled drugs", "Stolen goods"]))])
    return s


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), state=most_rows_states(), measures=st.booleans())
def test_facet_counts_of_states_keeping_most_rows_are_counted_row_by_row(seed, state, measures):
    # Counted off the whole column less the rows left out, they must equal the rows kept counted one
    # by one: in counts when one kind of figure is shown, in rows when two measures are in play.
    df = _frame(300, seed)
    if measures:
        df["measure"] = np.random.default_rng(seed).choice(["Arrest", "Recorded offence"], len(df))
    ds = Dataset.from_frame(df, name="random")
    eng = Engine(ds)
    result = eng.apply(state)
    weights = ds.counts if result.facet_unit == "count" else None
    assert (result.facet_unit == "rows") == measures
    for col in ("force", "drug_class", "outcome", "Object of search"):
        kept = eng.apply(state.with_values(col, None)).rows
        expected = np.bincount(ds.codes(col)[kept], weights=None if weights is None else weights[kept],
                               minlength=len(ds.categories(col)))
        np.testing.assert_array_equal(result.facet_counts[col], expected.astype(np.int64))


def test_ticking_a_force_narrows_rows_and_counts():
    df = _frame(1000, 1)
    ds = Dataset.from_frame(df, name="t")
    eng = Engine(ds)
    everything = eng.apply(FilterState())
    essex = eng.apply(FilterState().with_values("force", ["Essex"]))
    assert 0 < essex.n_rows < everything.n_rows
    assert set(ds.frame["force"].to_numpy()[essex.rows]) == {"Essex"}
    # the force list still shows what each other force would give
    idx = ds.categories("force").index("Kent")
    assert essex.facet_counts["force"][idx] == int(df.loc[df.force == "Kent", "count"].sum())


def test_missing_values_are_an_explicit_category_and_rows_are_never_dropped():
    df = pd.DataFrame({"force": ["Essex", None, "", "Essex"], "age": [12, None, 13, 12]})
    ds = Dataset.from_frame(df, name="t")
    assert ds.n_rows == 4
    assert ds.categories("force")[-1] == schema.NOT_RECORDED
    assert list(ds.frame["force"]) == ["Essex", schema.NOT_RECORDED, schema.NOT_RECORDED, "Essex"]
    r = Engine(ds).apply(FilterState().with_values("force", [schema.NOT_RECORDED]))
    assert list(r.rows) == [1, 2]


def test_age_range_on_banded_data_keeps_bands_inside_it():
    df = pd.DataFrame({"age_band": ["10-17", "10-17", "18-24"], "count": [5, 7, 9]})
    eng = Engine(Dataset.from_frame(df, name="banded"))
    assert eng.apply(FilterState().with_age_range((10, 17))).totals == {"": 12}
    narrow = eng.apply(FilterState().with_age_range((12, 15)))
    assert narrow.n_rows == 0
    assert any("No age band lies wholly inside ages 12-15" in m for m in narrow.messages)


def test_totals_and_series_never_add_different_measures():
    df = pd.DataFrame({
        "measure": ["Arrest", "Arrest", "Stop and search"],
        "financial_year": ["2020-21", "2021-22", "2020-21"],
        "count": [10, 20, 300],
    })
    eng = Engine(Dataset.from_frame(df, name="mixed"))
    r = eng.apply(FilterState(), group_by="financial_year")
    assert r.totals == {"Arrest": 30, "Stop and search": 300}
    assert r.series is None
    assert any("never added" in m for m in r.messages)
    assert r.facet_unit == "rows"
    by_measure = eng.apply(FilterState(), group_by="financial_year", stack_by="measure").series
    assert by_measure is not None
    assert by_measure.values.tolist() == [[10, 300], [20, 0]]
    one = eng.apply(FilterState().with_values("measure", ["Arrest"]), group_by="financial_year")
    assert one.series.measure == "Arrest"
    assert one.series.values[:, 0].tolist() == [10, 20]


def test_chart_series_stacks_by_a_second_column():
    df = _frame(500, 3)
    ds = Dataset.from_frame(df, name="t")
    s = Engine(ds).apply(FilterState(), group_by="force", stack_by="drug_class").series
    ref = df.assign(force=df.force.fillna(schema.NOT_RECORDED)).groupby(["force", "drug_class"])["count"].sum()
    for gi, g in enumerate(s.groups):
        for si, c in enumerate(s.stacks):
            assert s.values[gi, si] == ref.get((g, c), 0)


def test_year_range_and_search_are_plain_values_not_code():
    df = pd.DataFrame({"force": ["Essex", "__import__('os').system('x')", "@a"], "count": [1, 1, 1]})
    eng = Engine(Dataset.from_frame(df, name="t"))
    r = eng.apply(FilterState().with_values("force", ["__import__('os').system('x')"]))
    assert list(r.rows) == [1]
    assert list(eng.apply(FilterState().with_search("@a")).rows) == [2]


def test_sort_is_stable_and_keeps_not_recorded_last():
    df = pd.DataFrame({"force": ["Kent", None, "Essex", "Kent", "Essex"], "count": [1, 2, 3, 4, 5]})
    ds = Dataset.from_frame(df, name="t")
    eng = Engine(ds)
    rows = np.arange(5)
    assert list(eng.sort_rows(rows, "force")) == [2, 4, 0, 3, 1]
    assert list(eng.sort_rows(rows, "force", descending=True)) == [0, 3, 2, 4, 1]
    assert list(eng.sort_rows(rows, "count", descending=True)) == [4, 3, 2, 1, 0]


def test_orders_let_go_to_make_room_are_sorted_again_alike():
    """While another file opens, the orders kept for sorting are let go; the next sort is the same."""
    eng = Engine(Dataset.from_frame(_frame(400, 3), name="t"))
    rows = np.arange(400)
    first = eng.sort_rows(rows, "force", descending=True).copy()
    assert eng._sorting.kept == [("force", True)]
    eng.make_room()
    assert eng._sorting.kept == []
    assert np.array_equal(eng.sort_rows(rows, "force", descending=True), first)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), fraction=st.sampled_from([0.02, 0.3, 0.9, 1.0]),
       column=st.sampled_from(["force", "age", "count", "Object of search"]), descending=st.booleans())
def test_sorting_any_rows_matches_a_plain_stable_sort(seed, fraction, column, descending):
    """Large selections are picked out of a cached order of every row; small ones are sorted. Both
    give what a stable sort of the rows gives, with 'Not recorded' last either way."""
    df = _frame(400, seed)
    eng = Engine(Dataset.from_frame(df, name="t"))
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(rng.random(400) < fraction) if fraction < 1 else np.arange(400)
    for _ in range(2):  # the second time from the cache
        got = eng.sort_rows(rows, column, descending)
        if column in eng.ds.categorical_columns:
            cats = eng.ds.categories(column)
            rank = {c: i for i, c in enumerate(cats)}
            labels = eng.ds.frame[column].astype(str).to_numpy()
            keys = [rank[labels[r]] for r in rows]
            last = [labels[r] == schema.NOT_RECORDED for r in rows]
        else:
            keys = list(eng.ds.frame[column].to_numpy()[rows])
            last = [False] * len(rows)
        sign = -1 if descending else 1
        expected = [r for _, _, _, r in sorted(zip(last, [sign * k for k in keys], range(len(rows)), rows))]
        assert list(got) == expected


def test_only_the_last_two_orders_of_every_row_are_kept():
    ds = Dataset.from_frame(_frame(300, 2), name="t")
    eng = Engine(ds)
    rows = eng.all_rows
    for col in ("force", "age", "count", "Object of search", "drug_class"):
        for desc in (False, True):
            got = eng.sort_rows(rows, col, desc)
            assert len(got) == 300 and len(eng._sorting.kept) <= 2
    assert eng._sorting.kept == [("drug_class", False), ("drug_class", True)]


def test_the_unfiltered_result_is_the_same_every_time_and_cannot_be_changed():
    ds = Dataset.from_frame(_frame(300, 1), name="t")
    eng = Engine(ds).warm()
    first = eng.apply(FilterState(), "financial_year", "drug_class")
    ticked = eng.apply(FilterState().with_values("force", ["Kent"]), "financial_year", "drug_class")
    again = eng.apply(FilterState(), "financial_year", "drug_class")
    assert ticked.n_rows < first.n_rows == again.n_rows == 300
    assert again.totals == first.totals and np.array_equal(again.series.values, first.series.values)
    assert {c: list(v) for c, v in again.facet_counts.items()} == {c: list(v) for c, v in first.facet_counts.items()}
    with pytest.raises(ValueError):
        again.rows[0] = 5
    again.totals.clear()
    assert eng.apply(FilterState()).totals == first.totals


def test_saved_view_round_trip(tmp_path):
    s = (FilterState().with_values("force", ["Essex", "Kent"]).with_age_range((15, 12))
         .with_year_range(("2022/23", "2018-19")).with_search(" cannabis "))
    assert s.age_range == (12, 15)
    assert s.year_range == ("2018-19", "2022-23")
    path = tmp_path / "view.json"
    s.save(path)
    assert FilterState.load(path) == s
    assert json.loads(path.read_text())["filters"] == {"force": ["Essex", "Kent"]}


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a view file"),
    ('{"filters": {"force": "Essex"}}', "lists of values"),
    ('{"age": [10]}', "two whole numbers"),
    ('{"financial_year": ["soon", "later"]}', "not a financial year"),
])
def test_bad_saved_views_say_what_is_wrong(text, message):
    with pytest.raises(FilterError, match=message):
        FilterState.from_json(text)


def test_views_naming_unknown_columns_or_values_are_refused_or_restricted():
    ds = Dataset.from_frame(_frame(50, 2), name="t")
    eng = Engine(ds)
    with pytest.raises(FilterError, match="no column called 'colour'"):
        eng.check(FilterState().with_values("colour", ["red"]))
    with pytest.raises(FilterError, match="has no value 'Narnia'"):
        eng.check(FilterState().with_values("Police force", ["Narnia"]))
    state, notes = eng.restrict(FilterState().with_values("force", ["Essex", "Narnia"]).with_values("colour", ["x"]))
    assert state.selected("force") == {"Essex"}
    assert len(notes) == 2


def test_filter_by_original_header():
    ds = Dataset.from_frame(_frame(50, 2), name="t")
    state = Engine(ds).check(FilterState().with_values("object of search", ["Stolen goods"]))
    assert state.selected("Object of search") == {"Stolen goods"}


def test_chart_ignores_its_own_column_filter_and_highlights_the_kept_values():
    df = _frame(400, 5)
    ds = Dataset.from_frame(df, name="t")
    eng = Engine(ds)
    state = FilterState().with_values("force", ["Essex", "Kent"]).with_values("drug_class", ["A"])
    r = eng.apply(state, group_by="force")
    assert r.highlight == {"Essex", "Kent"}
    by_force = dict(zip(r.series.groups, r.series.values[:, 0]))
    # every force is a bar showing what ticking it would give (class A only) ...
    assert by_force["Norfolk"] == int(df.loc[(df.force == "Norfolk") & (df.drug_class == "A"), "count"].sum())
    # ... and the highlighted bars add up to the rows shown
    assert by_force["Essex"] + by_force["Kent"] == r.totals[""]
    assert eng.apply(state, group_by="drug_class").highlight == {"A"}
    assert eng.apply(state, group_by="outcome").highlight is None
