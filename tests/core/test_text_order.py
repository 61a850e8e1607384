"""Many texts are put in order by numpy on Arrow's bytes: the order must be exactly Arrow's own (byte
order of the UTF-8 text, a text before any longer one it begins, equal texts as they came), and the codes
and distinct texts of a column exactly what sorting with Arrow gives."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core import text_order
from youthdrugs_gui.core.codes import stripped_text_codes, stripped_texts, text_codes
from youthdrugs_gui.core.text_order import plainly_stripped, sort_order, sorted_runs

_PIECES = ["", "a", "b", "\x00", " ", "\t", "é", "日本", "\U0001f600", "YJ-", "2024-", "aaaaaaa", "aaaaaaaa",
           "aaaaaaaaa", "x" * 15, "x" * 16, "x" * 17, "\x00\x00\x00\x00\x00\x00\x00\x00", "\u00a0", "Z"]
_texts = st.one_of(
    st.text(max_size=20),
    st.lists(st.sampled_from(_PIECES), max_size=5).map("".join),
    st.sampled_from(["", "a", "ab", "a\x00", "a\x00\x00", "same long shared beginning of a text"]),
)
_text_lists = st.lists(_texts, max_size=60)
_kinds = st.sampled_from([pa.string(), pa.large_string()])


def _arrow_runs(arr) -> tuple[np.ndarray, list[bool]]:
    """Arrow's own stable order, and whether each sorted text equals the one before."""
    order = pc.array_sort_indices(arr).to_numpy()
    ranked = arr.take(pa.array(order, type=pa.int64())).to_pylist()
    return order, [i > 0 and ranked[i] == ranked[i - 1] for i in range(len(ranked))]


def _arrow_text_codes(values) -> tuple[list[int], list[str]]:
    """text_codes as plain Arrow would give them: stripped, sorted, merged, blanks and nulls -1."""
    v = pc.utf8_trim_whitespace(values.cast(pa.large_string()).fill_null(""))
    texts = pc.unique(v).sort().to_pylist() if len(v) else []
    texts = [t for t in texts if t != ""]
    code = {t: i for i, t in enumerate(texts)}
    return [code.get(t, -1) for t in v.to_pylist()], texts


@settings(max_examples=300, deadline=None)
@given(_text_lists, _kinds)
def test_the_order_is_arrows_own(values, kind):
    arr = pa.array(values, type=kind)
    order, repeat = sorted_runs(arr)
    want_order, want_repeat = _arrow_runs(arr)
    assert order.tolist() == want_order.tolist()
    assert repeat.tolist() == want_repeat
    assert sort_order(arr).tolist() == want_order.tolist()


@settings(max_examples=150, deadline=None)
@given(_text_lists, _kinds, st.integers(0, 10), st.integers(0, 10))
def test_a_slice_is_sorted_as_its_own_texts(values, kind, front, back):
    arr = pa.array(values, type=kind)
    part = arr.slice(min(front, len(arr)), max(0, len(arr) - front - back))
    assert sort_order(part).tolist() == _arrow_runs(part)[0].tolist()


@settings(max_examples=150, deadline=None)
@given(_text_lists, _kinds, st.randoms(use_true_random=False))
def test_some_rows_are_sorted_as_if_taken_out(values, kind, rnd):
    arr = pa.array(values, type=kind)
    rows = np.array(sorted(rnd.sample(range(len(arr)), rnd.randint(0, len(arr)))), dtype=np.int64)
    order, repeat = sorted_runs(arr, rows)
    want_order, want_repeat = _arrow_runs(arr.take(pa.array(rows, type=pa.int64())))
    assert order.tolist() == want_order.tolist() and repeat.tolist() == want_repeat


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _texts), max_size=60), _kinds)
def test_text_codes_are_what_arrow_alone_gives(values, kind):
    arr = pa.array(values, type=kind)
    codes, texts = text_codes(arr)
    want_codes, want_texts = _arrow_text_codes(arr)
    assert codes.dtype == np.int32 and codes.tolist() == want_codes
    assert texts.type == pa.large_string() and texts.to_pylist() == want_texts


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_texts_level_for_long_are_finished_by_arrow_in_the_same_order(monkeypatch, limit):
    """Many copies of a long text would take a pass every 8 bytes: after a bounded amount of work the
    rest is sorted by Arrow, and the order is still Arrow's own."""
    monkeypatch.setattr(text_order, "_WORK_LIMIT", limit)
    long = "the same long text written on many rows, " * 3
    values = [long + s for s in ["b", "a", "", "a", "\x00", "b", ""]] * 5 + ["short", "", long]
    arr = pa.array(values)
    order, repeat = sorted_runs(arr)
    want_order, want_repeat = _arrow_runs(arr)
    assert order.tolist() == want_order.tolist() and repeat.tolist() == want_repeat


def test_many_identifiers_sort_as_arrow_sorts_them():
    """A column of case references (one distinct value a row, a shared beginning, some a character
    longer) in a few passes, in Arrow's order."""
    rng = np.random.default_rng(14)
    numbers = rng.permutation(300_000)[:200_000] + 1_000_000
    refs = [f"YJ-{k}" if k % 10 else f"YJ-{k}0" for k in numbers]
    arr = pa.array(refs, type=pa.large_string())
    order, repeat = sorted_runs(arr)
    assert np.array_equal(order, pc.array_sort_indices(arr).to_numpy()) and not repeat.any()


def test_texts_with_nothing_to_strip_are_kept_without_a_copy():
    clean = pa.array(["a", "", "b c", "x.y"], type=pa.large_string())
    assert plainly_stripped(clean) and stripped_texts(clean) is clean
    for edge in ["a ", " a", "a\t", "\u00a0a", "a\u3000", "\x00a"]:
        arr = pa.array(["ok", edge], type=pa.large_string())
        assert not plainly_stripped(arr)
        assert stripped_texts(arr).to_pylist() == pc.utf8_trim_whitespace(arr).to_pylist()


def test_codes_of_some_rows_follow_those_rows():
    arr = pa.array(["b", "a", " ", "c", "a", "b"], type=pa.large_string())
    v = stripped_texts(arr)
    codes, texts = stripped_text_codes(v, np.array([0, 1, 2, 4]))
    assert texts.to_pylist() == ["a", "b"] and codes.tolist() == [1, 0, -1, 0]


_blocks = st.lists(st.tuples(st.lists(st.one_of(_texts, st.none()), max_size=12), _kinds,
                             st.integers(0, 3), st.integers(0, 3)), max_size=6)


def _block_arrays(blocks) -> list:
    """Arrow arrays as a reader hands them on: string or large_string, some of them slices."""
    out = []
    for values, kind, front, back in blocks:
        arr = pa.array(values, type=kind)
        out.append(arr.slice(min(front, len(arr)), max(0, len(arr) - front - back)))
    return out


@settings(max_examples=200, deadline=None)
@given(_blocks)
def test_blocks_put_end_to_end_hold_every_text_in_order(blocks):
    parts = _block_arrays(blocks)
    want = [t for p in parts for t in p.to_pylist()]
    joined = text_order.joined_texts(parts)
    assert parts == [] and joined.type == pa.large_string()
    assert joined.to_pylist() == want


@settings(max_examples=150, deadline=None)
@given(_blocks, st.integers(1, 8))
def test_blocks_sorted_in_two_parts_give_the_codes_arrow_gives(blocks, split):
    """The codes and distinct texts of a reader's blocks, sorted in two parts on two cores, are what
    plain Arrow gives, wherever the middle value falls (a blank, the least or the greatest value)."""
    from youthdrugs_gui.core.sources import column_codes

    parts = _block_arrays(blocks)
    want_codes, want_texts = _arrow_text_codes(pa.array([t for p in parts for t in p.to_pylist()],
                                                        type=pa.large_string()))
    old = column_codes._SPLIT_VALUES, column_codes._PIVOT_SAMPLE
    column_codes._SPLIT_VALUES, column_codes._PIVOT_SAMPLE = split, 3
    try:
        lut, texts = column_codes.text_codes_of(parts)
    finally:
        column_codes._SPLIT_VALUES, column_codes._PIVOT_SAMPLE = old
    assert lut.tolist() == want_codes and texts.to_pylist() == want_texts


@pytest.mark.parametrize("width", [np.int32, np.int64])
def test_places_in_either_width_give_arrows_order(monkeypatch, width):
    """Places are kept in 32 bits where the texts' bytes allow (under 2 GB) and in 64 bits past that;
    both give Arrow's order."""
    monkeypatch.setattr(text_order, "_place_type", lambda size: width)
    rng = np.random.default_rng(8)
    values = [f"YJ-{k}" for k in rng.integers(0, 5000, 3000)] + ["", "a", "a\x00", "ab"] * 50
    arr = pa.array(values, type=pa.large_string())
    order, repeat = sorted_runs(arr)
    want_order, want_repeat = _arrow_runs(arr)
    assert order.tolist() == want_order.tolist() and repeat.tolist() == want_repeat
    rows = np.flatnonzero(rng.random(len(values)) < 0.5)
    assert sorted_runs(arr, rows)[0].tolist() == _arrow_runs(arr.take(pa.array(rows)))[0].tolist()
