"""A file too big for the memory that is free is refused before a byte of it is read (the message is in
the catalogue, entry 'file too big for memory'); files that fit are not held up; the estimate depends on
what the file is."""
from __future__ import annotations

import sys

import pytest

import youthdrugs_gui.core.sources as sources
from youthdrugs_gui.core.errors import LoadError
from youthdrugs_gui.core.sources import _read, load_files


def test_available_memory_is_known_on_linux():
    avail = _read.available_memory()
    if sys.platform.startswith("linux"):
        assert isinstance(avail, int) and avail > 10_000_000
    else:
        assert avail is None or avail > 0


def test_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text("Force,Count\n" + "Kent,1\n" * 100_000)
    monkeypatch.setattr(_read, "available_memory", lambda: 100_000)

    def must_not_read(*a, **k):
        raise AssertionError("the file was read although it cannot fit")

    monkeypatch.setattr(sources, "read_bytes", must_not_read)
    with pytest.raises(LoadError, match="too large to open on this computer"):
        load_files(p)


def test_several_files_count_together(tmp_path, monkeypatch):
    paths = []
    for i in range(3):
        p = tmp_path / f"part{i}.csv"
        p.write_text("Force,Count\n" + "Kent,1\n" * 50_000)  # 350,012 bytes each
        paths.append(p)
    monkeypatch.setattr(_read, "available_memory", lambda: 2_000_000)
    assert load_files(paths[:1]).n_rows == 50_000  # one fits (1.05 MB needed) ...
    with pytest.raises(LoadError) as err:  # ... three do not (3.15 MB)
        load_files(paths)
    assert str(err.value) == (
        "These 3 files (1.1 MB together) are too large to open on this computer: reading them needs about 3.2 MB "
        "of memory and only about 2.0 MB is free. Close other programs and try again, or open a smaller extract of "
        "the data (for example one year or one police force).")


def test_unknown_memory_never_blocks(tmp_path, monkeypatch):
    p = tmp_path / "t.csv"
    p.write_text("Force,Count\nKent,1\n")
    monkeypatch.setattr(_read, "available_memory", lambda: None)
    assert load_files(p).n_rows == 1


def test_the_estimate_depends_on_the_kind_of_file(tmp_path):
    text = tmp_path / "t.csv"
    text.write_bytes(b"a,b\n1,2\n")
    book = tmp_path / "t.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 10)
    wide = tmp_path / "t16.csv"
    wide.write_bytes("a,b\n1,2\n".encode("utf-16"))
    assert _read.memory_needed(text, 1_000_000) == 3_000_000
    assert _read.memory_needed(book, 1_000_000) == 30_000_000
    assert _read.memory_needed(wide, 1_000_000) == 4_000_000
    # a large plain UTF-8 file is parsed from disk and needs less; a large cp1252 one is read whole
    big = 2 * _read.STREAM_BYTES
    assert _read.memory_needed(text, big) == int(1.5 * big)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("force,note\nEssex,caf\xe9\n".encode("cp1252"))
    assert _read.memory_needed(latin, big) == 3 * big
