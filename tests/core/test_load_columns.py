"""A loaded file's columns are made once: a column already in the form the data set holds is kept as it
is (no copy, so a large file needs less memory and opens sooner), and the columns worked out from
others (period columns, counts per value) say the same as working them out row by row."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.categories import as_category
from youthdrugs_gui.core.codes import as_text, code_counts, rebuild, recode
from youthdrugs_gui.core.periods import period_columns
from youthdrugs_gui.core.sources import load_files
from youthdrugs_gui.core.sources.counts import finish_counts
from youthdrugs_gui.core.sources.dates import date_column


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_rows_per_code_leave_missing_values_out(dtype):
    rng = np.random.default_rng(3)
    codes = rng.integers(-1, 40, 50_000).astype(dtype)
    weights = rng.integers(0, 9, len(codes)).astype(float)
    expected = [int((codes == k).sum()) for k in range(40)]
    assert code_counts(codes, 40).tolist() == expected
    assert code_counts(codes, 40, weights).tolist() == [int(weights[codes == k].sum()) for k in range(40)]
    assert code_counts(codes, 3).tolist() == expected[:3]  # codes beyond n are not counted


def test_a_text_column_already_clean_keeps_its_codes():
    s = pd.Series(pd.Categorical.from_codes(np.array([0, 1, 2, 1, -1], dtype=np.int8), categories=["a", "b", "c"]))
    for made in (as_text(s), recode(s, str.upper), rebuild(s.array.codes, ["x", "y", "z"])):
        assert np.shares_memory(made.array.codes, s.array.codes)
    merged = rebuild(s.array.codes, ["x", "x", None])
    assert merged.astype(object).where(merged.notna(), None).tolist() == ["x", "x", None, "x", None]
    assert not np.shares_memory(merged.array.codes, s.array.codes)


def test_a_category_column_in_order_keeps_its_codes_and_one_out_of_order_is_put_in_order():
    in_order = pd.Series(pd.Categorical.from_codes(np.array([0, 2, 1, 0], dtype=np.int8), categories=["A", "B", "C"]))
    out = as_category(in_order, "ethnicity_other")
    assert np.shares_memory(out.array.codes, in_order.array.codes)
    assert out.tolist() == ["A", "C", "B", "A"]
    shuffled = pd.Series(pd.Categorical.from_codes(np.array([0, 2, 1, -1], dtype=np.int8), categories=["C", "A", "B"]))
    out = as_category(shuffled, "ethnicity_other")
    assert list(out.cat.categories) == ["A", "B", "C", schema.NOT_RECORDED]
    assert out.tolist() == ["C", "B", "A", schema.NOT_RECORDED]


def test_dates_and_whole_counts_already_right_are_not_copied():
    dates = pd.Series(np.array(["2020-01-02", "NaT", "2199-12-31"], dtype="datetime64[ns]"))
    out, notes = date_column(dates, "Date")
    assert out is dates and notes == []
    early = pd.Series(np.array(["1899-12-31", "2020-01-02"], dtype="datetime64[ns]"))
    out, _ = date_column(early, "Date")
    assert pd.isna(out[0]) and out[1] == pd.Timestamp("2020-01-02")  # out of range: no date, as before
    frame = pd.DataFrame({schema.COUNT: np.array([3, 0, 7], dtype=np.int64)})
    done, notes, gaps = finish_counts(frame, "f.csv")
    assert np.shares_memory(done[schema.COUNT].to_numpy(), frame[schema.COUNT].to_numpy())
    assert notes == [] and gaps is None
    small = pd.DataFrame({schema.COUNT: np.array([3, 0, 7], dtype=np.int8)})
    assert finish_counts(small, "f.csv")[0][schema.COUNT].dtype == np.int64


def _by_rows(dates: pd.Series, kind: str) -> list[str]:
    fmt = {schema.MONTH: lambda d: f"{d.year:04d}-{d.month:02d}",
           schema.QUARTER: lambda d: f"{d.year:04d} Q{(d.month - 1) // 3 + 1}",
           schema.CALENDAR_YEAR: lambda d: f"{d.year:04d}"}[kind]
    return [schema.NOT_RECORDED if pd.isna(d) else fmt(d) for d in dates]


@pytest.mark.parametrize("first, days", [("2013-04-01", 3000), ("1950-06-15", 80 * 365), ("1969-12-30", 3)])
def test_period_columns_say_what_each_date_says(first, days):
    rng = np.random.default_rng(5)
    values = np.datetime64(first) + rng.integers(0, days, 20_000).astype("timedelta64[D]")
    values = values.astype("datetime64[ns]") + rng.integers(0, 86_400, len(values)).astype("timedelta64[s]")
    values[::9] = np.datetime64("NaT")
    dates = pd.Series(values)
    cols = period_columns(dates)
    for kind in (schema.MONTH, schema.QUARTER, schema.CALENDAR_YEAR):
        assert cols[kind].astype(str).tolist() == _by_rows(dates, kind)
        cats = list(cols[kind].cat.categories)
        assert cats[-1] == schema.NOT_RECORDED and cats[:-1] == sorted(cats[:-1])
    months = list(cols[schema.MONTH].cat.categories)[:-1]
    if days > 600 * 31:  # stray dates decades apart: only the months that occur
        assert len(months) == len(set(_by_rows(dates.dropna(), schema.MONTH)))
    else:  # every month from the first to the last, gaps included
        assert len(months) == len(pd.period_range(months[0], months[-1], freq="M"))


def test_a_parquet_file_loads_as_the_same_table_written_as_csv(tmp_path):
    rng = np.random.default_rng(8)
    n = 4000
    forces = ["Kent", "Essex", "Surrey", "Dorset"]
    frame = pd.DataFrame({
        "financial_year": pd.Categorical(rng.choice(["2019-20", "2020-21"], n)),
        "date": (np.datetime64("2019-04-01") + rng.integers(0, 700, n).astype("timedelta64[D]")).astype("datetime64[ns]"),
        "force": pd.Categorical(rng.choice(forces, n)),
        "age": rng.integers(10, 18, n).astype(np.int8),
        "sex": pd.Categorical(rng.choice(["Boys", "Girls"], n)),
        "count": rng.integers(0, 5, n).astype(np.int64),
    })
    frame.loc[::13, "date"] = pd.NaT
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    frame.to_csv(tmp_path / "t.csv", index=False)
    a, b = load_files(tmp_path / "t.parquet"), load_files(tmp_path / "t.csv")
    assert list(a.frame.columns) == list(b.frame.columns)
    assert a.roles == b.roles
    for col in a.frame.columns:
        if isinstance(a.frame[col].dtype, pd.CategoricalDtype):
            assert list(a.frame[col].cat.categories) == list(b.frame[col].cat.categories), col
        assert a.frame[col].astype(str).tolist() == b.frame[col].astype(str).tolist(), col


def test_a_count_of_one_on_every_row_is_held_as_one_number(tmp_path):
    """A file of one row per offence (every count 1, or no count column at all) keeps no count per row,
    yet filters, totals and exports read 1 on each row; any other counts are kept as they are."""
    from youthdrugs_gui.core.dataset import Dataset
    from youthdrugs_gui.core.engine import Engine
    from youthdrugs_gui.core.filter_state import FilterState

    frame = pd.DataFrame({"force": ["Kent", "Essex", "Kent"] * 1000, "count": [1] * 3000})
    for ds in (Dataset.from_frame(frame, name="t"), Dataset.from_frame(frame.drop(columns="count"), name="t")):
        held = ds.frame["count"].to_numpy()
        assert held.strides == (0,) and not held.flags.writeable
        assert ds.counts.tolist() == [1] * 3000
        r = Engine(ds).apply(FilterState().with_values("force", ["Kent"]))
        cats = ds.categories("force")
        assert r.n_rows == 2000 and sum(r.totals.values()) == 2000
        assert dict(zip(cats, r.facet_counts["force"].tolist())) == {"Essex": 1000, "Kent": 2000}
        assert ds.frame.iloc[[0, 1]]["count"].tolist() == [1, 1]
    mixed = Dataset.from_frame(frame.assign(count=[1, 2, 1] * 1000), name="t")
    assert mixed.frame["count"].to_numpy().strides != (0,) and int(mixed.counts.sum()) == 4000
    path = tmp_path / "one-a-row.csv"
    frame.to_csv(path, index=False)
    loaded = load_files(path)
    assert loaded.frame["count"].to_numpy().strides == (0,) and int(loaded.counts.sum()) == 3000
