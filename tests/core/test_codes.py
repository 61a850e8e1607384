"""The text of a cell as the readers, the data set and the exports write it, and codes into texts."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core.codes import (as_text, cell_text, code_counts, exact_text, rebuild, recode, take_codes,
                                       text_codes)
from youthdrugs_gui.core.dataset import Dataset


@pytest.mark.parametrize("value, read, category", [
    ("  Kent ", "Kent", "Kent"),
    ("   ", None, None),
    (None, None, None),
    (float("nan"), None, None),
    (pd.NA, None, None),
    (pd.NaT, None, None),
    (12.0, "12", "12"),
    (2.5, "2.5", "2.5"),
    (1e20, "1e+20", "100000000000000000000"),
    (np.float32(0.1), "0.10000000149011612", "0.1"),
    (np.int16(7), "7", "7"),
    (True, "True", "True"),
    (pd.Timestamp("2020-04-01"), "2020-04-01", "2020-04-01 00:00:00"),
    (pd.Timestamp("2020-04-01 13:05"), "2020-04-01 13:05:00", "2020-04-01 13:05:00"),
    (dt.date(2020, 4, 1), "2020-04-01", "2020-04-01"),
])
def test_a_cell_reads_as_the_readers_and_the_data_set_write_it(value, read, category):
    assert cell_text(value) == read
    assert cell_text(value, plain=True) == category


@pytest.mark.parametrize("value, text", [
    (12.0, "12.0"), (-3, "-3"), (" a ", " a "), (None, None), (float("nan"), None), (pd.NaT, None),
    (pd.Timestamp("2020-04-01"), "2020-04-01T00:00:00"), (dt.date(2020, 4, 1), "2020-04-01"), (False, "False"),
])
def test_an_exact_value_keeps_what_the_file_must_keep(value, text):
    assert exact_text(value) == text


def test_a_data_set_names_the_categories_of_a_column_of_times_in_full():
    times = pd.Series(pd.to_datetime(["2020-04-01", "2020-04-02", "2020-04-01"]))
    ds = Dataset.from_frame(pd.DataFrame({"Seen": times}), name="t")
    assert ds.categories("Seen") == ["2020-04-01 00:00:00", "2020-04-02 00:00:00"]


def test_values_become_codes_and_back():
    s = as_text(pd.Series([" b", "a", None, "b ", 3.0]))
    assert list(s.cat.categories) == ["b", "a", "3"] and s.isna().tolist() == [False, False, True, False, False]
    merged = recode(s, lambda v: "letter" if v.isalpha() else None)
    assert merged.tolist()[:2] == ["letter", "letter"] and pd.isna(merged.iloc[4])
    assert rebuild(np.array([1, -1, 0]), ["x", "y"]).tolist()[::2] == ["y", "x"]
    assert take_codes(np.array([0, -1, 1], dtype=np.int8), np.array([5, 6]), 0).tolist() == [5, 0, 6]
    assert code_counts(np.array([0, 1, 1, -1]), 2).tolist() == [1, 2]
    assert code_counts(np.array([0, 1, 1]), 2, np.array([2.0, 3.0, 4.0])).tolist() == [2, 7]


def test_wide_text_codes_are_sorted_stripped_and_merged():
    import pyarrow as pa

    codes, texts = text_codes(pa.array(["b ", "a", "", None, " b"]))
    assert texts.to_pylist() == ["a", "b"] and codes.tolist() == [1, 0, -1, -1, 1]


def test_which_codes_are_in_use_and_whether_a_row_is_missing():
    from youthdrugs_gui.core.codes import codes_in_use

    seen = codes_in_use(np.array([2, 0, 2, -1], dtype=np.int32), 4)
    assert seen.tolist() == [True, False, True, False, True]
    assert codes_in_use(np.array([1, 1], dtype=np.int8), 3).tolist() == [False, True, False, False]
    big = np.arange(100_000, dtype=np.int32)[::-1]  # more rows than are marked at a time
    assert codes_in_use(big, 100_000)[:-1].all() and not codes_in_use(big, 100_000)[-1]


@pytest.mark.parametrize("cats, codes, want_cats, want_rows", [
    # a column as the readers leave it (clean, sorted, every category used): given back as it is
    (["A1", "A2", "B7", "C3"], [3, 0, 1, 2, 0], None, ["C3", "A1", "A2", "B7", "A1"]),
    # a category no row has: dropped
    (["A1", "A2", "B7", "C3"], [3, 0, 3, 0, 0], ["A1", "C3"], ["C3", "A1", "C3", "A1", "A1"]),
    # a missing row: 'Not recorded', last
    (["A1", "A2", "B7", "C3"], [3, 0, 1, 2, -1], ["A1", "A2", "B7", "C3", "Not recorded"],
     ["C3", "A1", "A2", "B7", "Not recorded"]),
    # 'Not recorded' written in the file: moved last
    (["A1", "Not recorded", "Z9", "ZZ"], [0, 1, 2, 3, 1], ["A1", "Z9", "ZZ", "Not recorded"],
     ["A1", "Not recorded", "Z9", "ZZ", "Not recorded"]),
    # out of order, and texts to strip and merge
    (["B7", " A1", "A1", "C3"], [0, 1, 2, 3, 0], ["A1", "B7", "C3"], ["B7", "A1", "A1", "C3", "B7"]),
])
def test_a_column_of_many_values_is_made_a_category_once(monkeypatch, cats, codes, want_cats, want_rows):
    """A column of more values than are put in natural order: one already as the data set keeps it is
    used without a copy; any other is made so (stripped, merged, sorted, unused values dropped, 'Not
    recorded' last)."""
    from youthdrugs_gui.core import categories

    monkeypatch.setattr(categories, "MAX_NATURAL_SORT_VALUES", 3)
    s = pd.Series(pd.Categorical.from_codes(np.array(codes, dtype=np.int8), categories=cats), name="ref")
    out = categories.as_category(s, "ref")
    assert out.astype(str).tolist() == want_rows
    if want_cats is None:
        assert out is s
    else:
        assert out is not s and list(out.cat.categories) == want_cats
