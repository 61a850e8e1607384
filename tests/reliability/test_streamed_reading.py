"""Large plain UTF-8 CSV files are parsed straight from disk instead of from a copy in memory. The user must
not be able to tell the difference, except in memory: every catalogued input gives the same message or
the same data either way, and a file that the streamed reader cannot take is read the careful way."""
from __future__ import annotations

import hashlib
import os

import pandas as pd
import pytest

from reliability_catalogue import CATALOGUE, expand, prepare
from youthdrugs_gui.core import sources
from youthdrugs_gui.core.errors import YouthDrugsError
from youthdrugs_gui.core.sources import limits, load_files, memory

LOADS = [e for e in CATALOGUE if e.stage in ("load", "mapping")]


def _outcome(setup):
    try:
        ds = load_files(setup.files, mapping=setup.mapping)
    except YouthDrugsError as exc:
        return "error", str(exc)
    return "data", ds


@pytest.mark.parametrize("entry", LOADS, ids=[e.name for e in LOADS])
def test_every_catalogued_input_gives_the_same_result_streamed(entry, tmp_path, monkeypatch):
    setup = prepare(entry, tmp_path, monkeypatch)
    if setup.patch is not None:
        pytest.skip("a simulated fault in the whole-file read")
    whole = _outcome(setup)
    monkeypatch.setattr(limits, "STREAM_BYTES", 0)
    streamed = _outcome(setup)
    assert whole[0] == streamed[0]
    if whole[0] == "error":
        assert streamed[1] == whole[1] == expand(entry.message, tmp_path)
        return
    a, b = whole[1], streamed[1]
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert [s.notes for s in a.sources] == [s.notes for s in b.sources]
    assert [s.sha256 for s in a.sources] == [s.sha256 for s in b.sources]


def _generated_csv(tmp_path, rows=30_000):
    from youthdrugs_gui.data.generate import generate

    path = tmp_path / "offences.csv"
    generate(rows=rows).to_csv(path, index=False)
    return path


def test_a_large_file_is_never_read_whole_and_loads_the_same(tmp_path, monkeypatch):
    path = _generated_csv(tmp_path)
    whole = load_files([path])
    monkeypatch.setattr(limits, "STREAM_BYTES", 1 << 20)  # this 3 MB file now counts as large

    def no_whole_read(*a, **k):
        raise AssertionError("the whole file was read into memory")

    monkeypatch.setattr(sources, "read_bytes", no_whole_read)
    progress: list[float] = []
    streamed = load_files([path], progress=progress.append)
    pd.testing.assert_frame_equal(whole.frame, streamed.frame)
    assert streamed.sources[0].sha256 == whole.sources[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert progress == sorted(progress) and progress[-1] == 1.0 and len(progress) > 5


@pytest.mark.parametrize("damage, why", [
    (lambda text: text + "Essex,14,A,1,extra,cells,here\n", "a row with more cells than headings"),
    (lambda text: text + "Essex,\xe9t\xe9\n", "a line in another encoding"),
    (lambda text: text.replace("\n", "\r\n", 5), "mixed line ends"),
    (lambda text: text + '"Essex\nPolice",14,A,1\n', "a quoted line break"),
])
def test_files_the_streamed_reader_cannot_take_are_read_the_careful_way(damage, why, tmp_path, monkeypatch):
    path = _generated_csv(tmp_path, rows=5_000)
    text = path.read_text(encoding="utf-8")
    raw = damage(text)
    path.write_bytes(raw.encode("cp1252") if "\xe9" in raw else raw.encode("utf-8"))
    whole = load_files([path])
    monkeypatch.setattr(limits, "STREAM_BYTES", 0)
    streamed = load_files([path])
    pd.testing.assert_frame_equal(whole.frame, streamed.frame)
    assert [s.notes for s in whole.sources] == [s.notes for s in streamed.sources], why


@pytest.mark.skipif(os.name != "posix", reason="file names of raw bytes are POSIX")
def test_a_file_whose_name_is_not_utf8_still_loads(tmp_path, monkeypatch):
    path = _generated_csv(tmp_path, rows=2_000)
    odd = tmp_path / os.fsdecode(b"caf\xe9 offences.csv")
    path.rename(odd)
    whole = load_files([odd])
    monkeypatch.setattr(limits, "STREAM_BYTES", 0)
    pd.testing.assert_frame_equal(load_files([odd]).frame, whole.frame)


def test_a_large_file_that_must_be_read_whole_is_checked_again_for_memory(tmp_path, monkeypatch):
    path = _generated_csv(tmp_path, rows=5_000)
    with open(path, "ab") as f:
        f.write("Essex,caf\xe9\n".encode("cp1252"))  # late bytes that are not UTF-8: the fast parser gives up
    size = path.stat().st_size
    monkeypatch.setattr(limits, "STREAM_BYTES", 0)
    monkeypatch.setattr(memory, "available_memory", lambda: 2 * size)  # enough to stream, not to read whole
    with pytest.raises(YouthDrugsError, match="too large to open on this computer"):
        load_files([path])
