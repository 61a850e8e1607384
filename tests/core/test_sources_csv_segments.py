"""CSV files are parsed a segment of whole lines at a time, several blocks at once: wherever the file is
cut, every row, cell, note and the file's SHA-256 are what reading it in one piece gives."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from youthdrugs_gui.core.codes import text_codes
from youthdrugs_gui.core.sources import column_codes, csv_reader, csv_segments, limits, load_files
from youthdrugs_gui.core.sources.column_codes import TextCodes


def _rows(n: int, note=lambda i: "ok") -> str:
    forces = ["Kent", "Essex", "Surrey", "Dorset"]
    return "".join(f'{forces[i % 4]},{12 + i % 6},"{note(i)}",{1 + i % 3}\n' for i in range(n))


def _load_both(path: Path, monkeypatch) -> tuple:
    """The file loaded as it usually is, and streamed from disk in segments of a few kilobytes."""
    whole = load_files(path)
    with monkeypatch.context() as m:
        m.setattr(limits, "STREAM_BYTES", 0)
        m.setattr(csv_reader, "_BLOCK", 512)
        m.setattr(csv_segments, "SEGMENT_BYTES", 2048)
        cut = load_files(path)
    return whole, cut


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert [s.notes for s in a.sources] == [s.notes for s in b.sources]
    assert [s.sha256 for s in a.sources] == [s.sha256 for s in b.sources]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_file_cut_into_many_segments_loads_as_a_whole(tmp_path, monkeypatch, end):
    p = tmp_path / "offences.csv"
    p.write_bytes(("Force,Age,Note,Count\n" + _rows(3000)).replace("\n", end).encode())
    whole, cut = _load_both(p, monkeypatch)
    _same(whole, cut)
    assert cut.n_rows == 3000 and cut.sources[0].sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("every", [7, 97, 1499])
def test_quoted_line_breaks_wherever_the_file_is_cut(tmp_path, monkeypatch, every):
    """A cell with a line break in it, at any place a segment or a block may end, stays one cell."""
    p = tmp_path / "notes.csv"
    p.write_text("Force,Age,Note,Count\n" + _rows(3000, lambda i: "one\ntwo, three" if i % every == 0 else "ok"),
                 encoding="utf-8")
    whole, cut = _load_both(p, monkeypatch)
    _same(whole, cut)
    notes = set(cut.frame["Note"].astype(str))
    assert "one\ntwo, three" in notes and cut.n_rows == 3000


def test_a_byte_order_mark_starting_a_later_line_stays_text(tmp_path, monkeypatch):
    """Two files put end to end, each with its byte-order mark: the second mark is text in a cell, as it
    is when the file is read in one piece, wherever the segments end."""
    part = "Force,Age,Note,Count\n" + _rows(400)
    p = tmp_path / "joined.csv"
    p.write_bytes(b"\xef\xbb\xbf" + part.encode() + b"\xef\xbb\xbf" + part.encode())
    whole, cut = _load_both(p, monkeypatch)
    _same(whole, cut)


def test_a_nul_byte_late_in_a_large_file_is_found_and_removed(tmp_path, monkeypatch):
    text = ("Force,Age,Note,Count\n" + _rows(3000)).encode()
    p = tmp_path / "nul.csv"
    p.write_bytes(text[:-50] + b"\x00" + text[-50:])
    whole, cut = _load_both(p, monkeypatch)
    _same(whole, cut)
    assert any("NUL" in n for n in cut.sources[0].notes)


def test_a_column_of_references_is_read_as_text_once_it_is_wide(tmp_path, monkeypatch):
    """A column with a value per row is handed on as plain text after the first segment (Arrow builds
    no dictionary of nearly every value), and still reads as the file says."""
    monkeypatch.setattr(limits, "WIDE_COLUMN_VALUES", 50)
    seen: list[pa.DataType] = []
    real = TextCodes.add

    def add(self, arr):
        if self.wide:
            seen.append(arr.type)
        return real(self, arr)

    monkeypatch.setattr(TextCodes, "add", add)
    p = tmp_path / "refs.csv"
    p.write_text("Reference,Force,Count\n" + "".join(f"YJ-{(i * 7919) % 5000:05d},Kent,1\n" for i in range(5000)),
                 encoding="utf-8")
    whole, cut = _load_both(p, monkeypatch)
    _same(whole, cut)
    assert pa.string() in seen
    assert cut.frame["Reference"].iloc[1] == f"YJ-{7919 % 5000:05d}"


def test_a_column_of_exactly_the_wide_limit_of_values_stays_narrow():
    """Blocks whose values are mostly seen before do not make a column wide: only more distinct values
    than WIDE_COLUMN_VALUES do, so such a column keeps its values in the order they came."""
    values = [f"v{i}" for i in range(limits.WIDE_COLUMN_VALUES)]
    codes = TextCodes()
    for start in range(0, len(values), 20_000):
        codes.add(pa.array(values[start:start + 20_000]).dictionary_encode())
    codes.add(pa.array(values[::-1][:30_000]).dictionary_encode())
    assert not codes.wide
    s = codes.series("v")
    assert list(s.cat.categories[:3]) == ["v0", "v1", "v2"] and s.iloc[-1] == values[-30_000]


def test_many_values_sorted_in_two_parts_are_as_sorted_in_one(monkeypatch):
    monkeypatch.setattr(column_codes, "_SPLIT_VALUES", 1000)
    rng = np.random.default_rng(5)
    pool = ["", " ", "a", " a", "a ", "b", "Z", "é", "日本", None]
    values = [pool[k] for k in rng.integers(0, len(pool), 5_000)] + [f"id {k}" for k in rng.integers(0, 900, 20_000)]
    arr = pa.array(values, type=pa.large_string())
    lut, texts = text_codes(arr)
    half = len(arr) // 2
    parts = [arr.slice(0, half).cast(pa.string()), arr.slice(half)]
    split_lut, split_texts = column_codes.text_codes_of(parts)
    assert parts == []
    assert np.array_equal(lut, split_lut) and texts.to_pylist() == split_texts.to_pylist()
