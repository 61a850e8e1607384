"""Hostile files from the security review: small files that claim (or inflate to) something huge, and
files built to make the reader work for minutes. Each must be refused with one plain line, or read
within the memory check, in seconds.

The tests make each bomb small but declared big (a ZIP member whose headers claim gigabytes, a Parquet
footer that claims 2^40 rows), or compress it hard in memory, so the whole module runs in seconds. The
full-size files measured for RELIABILITY.md are written by running this file:

    .venv/bin/python tests/reliability/test_hostile_files.py /tmp/hostile   # then time each with the CLI
"""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

# ---- makers ------------------------------------------------------------------------------------------
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _xlsx_members(rows: list[list[object]] | None = None) -> dict[str, bytes]:
    """The parts of a small, valid workbook (openpyxl's), by name."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows or [["Force", "Count"], ["Kent", 1], ["Essex", 2]]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_zip(target: Path | io.BytesIO, members: dict[str, bytes | Iterable[bytes]]) -> None:
    """A ZIP of these members, deflated hard; a member may be given as chunks (so gigabytes of it are
    never held)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            if isinstance(data, bytes):
                z.writestr(name, data)
                continue
            with z.open(name, "w", force_zip64=True) as f:
                for chunk in data:
                    f.write(chunk)


def zip_bytes(members: dict[str, bytes | Iterable[bytes]]) -> bytes:
    buf = io.BytesIO()
    write_zip(buf, members)
    return buf.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The ZIP with the member `name` claiming to inflate to `size` bytes (< 4 GiB), in both its local
    header and the central directory, its real bytes unchanged: a bomb's headers without the bomb."""
    out = bytearray(data)
    raw = name.encode()
    for sig, at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        i = out.find(sig)
        while i >= 0:
            n_off = 46 if sig == b"PK\x01\x02" else 30
            ln = struct.unpack_from("<H", out, i + (28 if sig == b"PK\x01\x02" else 26))[0]
            if bytes(out[i + n_off:i + n_off + ln]) == raw:
                struct.pack_into("<I", out, i + at, size)
            i = out.find(sig, i + 4)
    return bytes(out)


def repeated(unit: bytes, total: int, chunk: int = 1 << 24) -> Iterator[bytes]:
    """`total` bytes of `unit` repeated, a chunk at a time."""
    block = unit * max(1, chunk // len(unit))
    left = total
    while left > 0:
        yield block[:left]
        left -= len(block)


def dimension_bomb() -> bytes:
    """A 2 KB workbook whose sheet declares the whole grid, A1:XFD1048576, as used."""
    m = _xlsx_members()
    sheet = m["xl/worksheets/sheet1.xml"]
    head, _, tail = sheet.partition(b"<dimension ")
    m["xl/worksheets/sheet1.xml"] = head + b'<dimension ref="A1:XFD1048576"' + tail[tail.index(b" />"):]
    return zip_bytes(m)


def ods_members(mimetype: bytes | Iterable[bytes] = b"application/vnd.oasis.opendocument.spreadsheet",
                content: bytes | None = None) -> dict[str, bytes | Iterable[bytes]]:
    """An OpenDocument spreadsheet's parts: a mimetype (its real size may be anything) and a content.xml."""
    table = content or (
        b'<table:table table:name="Sheet1">'
        b'<table:table-row><table:table-cell office:value-type="string"><text:p>Force</text:p></table:table-cell>'
        b'<table:table-cell office:value-type="string"><text:p>Count</text:p></table:table-cell></table:table-row>'
        b'<table:table-row><table:table-cell office:value-type="string"><text:p>Kent</text:p></table:table-cell>'
        b'<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell>'
        b'</table:table-row></table:table>')
    body = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            b'<office:body><office:spreadsheet>' + table + b'</office:spreadsheet></office:body>'
            b'</office:document-content>')
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b'</manifest:manifest>')
    return {"mimetype": mimetype, "content.xml": body, "META-INF/manifest.xml": manifest}


def sheet_members(sheet_data: Iterable[bytes]) -> dict[str, bytes | Iterable[bytes]]:
    """A workbook whose first sheet's <sheetData> is made of these chunks."""
    m: dict[str, bytes | Iterable[bytes]] = dict(_xlsx_members())

    def sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + b"<sheetData>"
        yield from sheet_data
        yield b"</sheetData></worksheet>"

    m["xl/worksheets/sheet1.xml"] = sheet()
    return m


def inline_string_cells(n: int) -> Iterator[bytes]:
    """A header row and one cell holding an inline string of n letters."""
    yield (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Force</t></is></c>'
           b'<c r="B1" t="inlineStr"><is><t>Comment</t></is></c></row>'
           b'<row r="2"><c r="A2" t="inlineStr"><is><t>Kent</t></is></c><c r="B2" t="inlineStr"><is><t>')
    yield from repeated(b"A", n)
    yield b"</t></is></c></row>"


def whitespace_cells(n: int) -> Iterator[bytes]:
    """A header row, then n bytes of whitespace, then a row of data."""
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>Force</t></is></c></row>'
    yield from repeated(b" \n\t", n)
    yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>Kent</t></is></c></row>'


# -- Parquet: its footer is Thrift's compact protocol; a small codec to rewrite the row counts --
def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = out = 0
    while True:
        c = b[i]
        i += 1
        out |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return out, i


def _put_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def _zz(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _unzz(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _read_value(b: bytes, i: int, t: int):
    if t in (1, 2):
        return t == 1, i
    if t == 3:
        return b[i], i + 1
    if t in (4, 5, 6):
        v, i = _varint(b, i)
        return _zz(v), i
    if t == 7:
        return b[i:i + 8], i + 8
    if t == 8:
        n, i = _varint(b, i)
        return b[i:i + n], i + n
    if t in (9, 10):
        h = b[i]
        i += 1
        n, et = h >> 4, h & 0x0F
        if n == 15:
            n, i = _varint(b, i)
        items = []
        for _ in range(n):
            if et in (1, 2):
                items.append(b[i] == 1)
                i += 1
            else:
                v, i = _read_value(b, i, et)
                items.append(v)
        return (et, items), i
    if t == 11:
        n, i = _varint(b, i)
        if n == 0:
            return (0, 0, []), i
        kt, vt = b[i] >> 4, b[i] & 0x0F
        i += 1
        pairs = []
        for _ in range(n):
            k, i = _read_value(b, i, kt)
            v, i = _read_value(b, i, vt)
            pairs.append((k, v))
        return (kt, vt, pairs), i
    if t == 12:
        fields = []
        last = 0
        while True:
            h = b[i]
            i += 1
            if h == 0:
                return fields, i
            delta, ft = h >> 4, h & 0x0F
            if delta:
                fid = last + delta
            else:
                v, i = _varint(b, i)
                fid = _zz(v)
            val, i = _read_value(b, i, ft)
            fields.append([fid, ft, val])
            last = fid
    raise ValueError(f"thrift type {t}")


def _write_value(t: int, v) -> bytes:
    if t in (1, 2):
        return b""
    if t == 3:
        return bytes([v])
    if t in (4, 5, 6):
        return _put_varint(_unzz(v) & 0xFFFFFFFFFFFFFFFF)
    if t == 7:
        return v
    if t == 8:
        return _put_varint(len(v)) + v
    if t in (9, 10):
        et, items = v
        head = bytes([(len(items) << 4) | et]) if len(items) < 15 else bytes([0xF0 | et]) + _put_varint(len(items))
        return head + b"".join(bytes([1 if x else 2]) if et in (1, 2) else _write_value(et, x) for x in items)
    if t == 11:
        kt, vt, pairs = v
        if not pairs:
            return b"\x00"
        return _put_varint(len(pairs)) + bytes([(kt << 4) | vt]) + b"".join(
            _write_value(kt, k) + _write_value(vt, x) for k, x in pairs)
    if t == 12:
        out = bytearray()
        last = 0
        for fid, ft, val in v:
            wt = (1 if val else 2) if ft in (1, 2) else ft
            if 0 < fid - last <= 15:
                out.append(((fid - last) << 4) | wt)
            else:
                out.append(wt)
                out += _put_varint(_unzz(fid))
            out += _write_value(ft, val)
            last = fid
        out.append(0)
        return bytes(out)
    raise ValueError(f"thrift type {t}")


def _field(fields, fid):
    return next(f for f in fields if f[0] == fid)


def claim_rows(data: bytes, rows: int) -> bytes:
    """The Parquet file with its footer claiming `rows` rows (in the file, its row group and each column
    chunk), its data unchanged."""
    n = struct.unpack("<I", data[-8:-4])[0]
    meta, _ = _read_value(data[-8 - n:-8], 0, 12)
    _field(meta, 3)[2] = rows
    for rg in _field(meta, 4)[2][1]:
        _field(rg, 3)[2] = rows
        for col in _field(rg, 1)[2][1]:
            _field(_field(col, 3)[2], 5)[2] = rows
    new = _write_value(12, meta)
    return data[:-8 - n] + new + struct.pack("<I", len(new)) + b"PAR1"


def small_parquet(frame: pd.DataFrame | None = None, **kw) -> bytes:
    buf = io.BytesIO()
    (frame if frame is not None else pd.DataFrame({"Force": ["Kent", "Essex"], "Count": [3, 2]})) \
        .to_parquet(buf, **kw)
    return buf.getvalue()


def rle_parquet(rows: int) -> bytes:
    """`rows` identical rows, dictionary- and run-length-encoded: a few hundred bytes per million rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table({"Force": pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)),
                                                          pa.array(["Kent"])),
                  "Count": pa.array(np.ones(rows, dtype=np.int8))})
    buf = io.BytesIO()
    pq.write_table(t, buf, compression="zstd", row_group_size=1 << 26)
    return buf.getvalue()


def nested_parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table({"Force": ["Kent", "Essex"], "Count": [1, 2],
                  "Offence": pa.array([{"type": "possession", "class": "A"}, {"type": "supply", "class": "B"}]),
                  "Ages": pa.array([[14, 15], [16]])})
    buf = io.BytesIO()
    pq.write_table(t, buf)
    return buf.getvalue()


def far_dates_parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    ms = np.array(["2021-05-01", "9999-12-31"], dtype="datetime64[ms]")
    t = pa.table({"Force": ["Kent", "Essex"], "Date": pa.array(ms, type=pa.timestamp("ms")), "Count": [1, 2]})
    buf = io.BytesIO()
    pq.write_table(t, buf)
    return buf.getvalue()


def int96_parquet() -> bytes:
    """Dates stored as INT96 (older Spark and Hive files), one in the year 9999: read as nanoseconds, it
    wrapped round to 1816-03-29."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    us = np.array(["2021-05-01", "9999-12-31"], dtype="datetime64[us]")
    t = pa.table({"Force": ["Kent", "Essex"], "Arrested": pa.array(us, type=pa.timestamp("us")), "Count": [1, 2]})
    buf = io.BytesIO()
    pq.write_table(t, buf, use_deprecated_int96_timestamps=True)
    return buf.getvalue()


def commas_header(n: int, rows: int = 0) -> bytes:
    line = b"," * n + b"\n"
    body = b"".join(b"Kent" + b"," * n + b"\n" for _ in range(rows))
    return line + body


def wide_header(n: int, rows: int = 1) -> bytes:
    head = ",".join(f"Q{i}" for i in range(n)).encode() + b"\n"
    return head + (b",".join(b"1" for _ in range(n)) + b"\n") * rows


def single_line(n: int) -> Iterator[bytes]:
    """One line of n bytes (no line end): short 'cells' separated by commas."""
    yield from repeated(b"abcdefg,", n)


# ---- tests ---------------------------------------------------------------------------------------------
from youthdrugs_gui.core import categories  # noqa: E402
from youthdrugs_gui.core.errors import LoadError, YouthDrugsError  # noqa: E402
from youthdrugs_gui.core.sources import (column_codes, limits, load_files, memory, reading, sniff,  # noqa: E402
                                         workbooks)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_a_workbook_declaring_the_whole_grid_is_read_as_the_cells_it_has(tmp_path, monkeypatch):
    """openpyxl padded each row to the width the sheet declares (A1:XFD1048576: 16,384 cells a row)."""
    seen = []
    real = workbooks._frame_from_rows

    def spy(p, rows, ticker):
        seen.append(max(len(r) for r in rows))
        return real(p, rows, ticker)

    monkeypatch.setattr(workbooks, "_frame_from_rows", spy)
    ds = load_files(_write(tmp_path, "grid.xlsx", dimension_bomb()))
    assert ds.n_rows == 2 and seen == [2]


def test_a_zip_part_is_sniffed_from_its_first_bytes(tmp_path):
    """A 'mimetype' that inflates to 300 MB (and says so, so the size limit allows it): sniffed from its
    first bytes, then refused as no real spreadsheet's (odfpy would read it whole); all of it was inflated
    into memory before, twice."""
    import tracemalloc

    mt = b"application/vnd.oasis.opendocument.spreadsheet"
    data = zip_bytes(ods_members(mimetype=iter([mt, *repeated(b" ", 300_000_000)])))
    assert len(data) < 1_000_000
    p = _write(tmp_path, "big_mimetype.ods", data)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="looks like an OpenDocument spreadsheet but could not be opened"):
            load_files(p)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_a_zip_bomb_is_refused_from_its_declared_size_before_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_BYTES", 10_000_000)
    data = zip_bytes(sheet_members(whitespace_cells(20_000_000)))  # 20 MB of white space, deflated to 20 KB
    p = _write(tmp_path, "spaces.xlsx", data)
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or
                        real_open(self, name, *a, **k))
    with pytest.raises(LoadError, match=r"spaces\.xlsx would unpack to 20\.\d MB, far more than a spreadsheet"):
        load_files(p)
    assert opened == []  # refused from the ZIP's directory: not a byte inflated


def test_a_zip_part_is_counted_as_it_inflates(tmp_path):
    """Whatever a part's header declares, reading it stops past the limit (zipfile itself stops at the
    declared size; the program's own reads count)."""
    data = zip_bytes({"content.xml": b"<a>" + b" " * 5_000_000 + b"</a>"})
    with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("content.xml") as f:
        reader = workbooks._CountingReader(f, 1_000_000)
        with pytest.raises(workbooks._ZipTooBig):
            while reader.read(1 << 16):
                pass
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sniff.zip_head(z, "content.xml", 3) == b"<a>"


def test_a_zip_claiming_too_many_parts_is_refused_before_its_directory_is_read(tmp_path, monkeypatch):
    """zipfile makes a Python object for each entry of the directory: 10M entries would take gigabytes
    before any size could be checked. The count in the end record is checked first."""
    data = bytearray(zip_bytes(dict(_xlsx_members())))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65_000, 65_000)  # entries on this disk, entries in all
    p = _write(tmp_path, "parts.xlsx", bytes(data))
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lambda self: (_ for _ in ()).throw(AssertionError("read")))
    with pytest.raises(LoadError) as err:
        load_files(p)
    assert str(err.value) == ("parts.xlsx is a ZIP archive of 65,000 parts, far more than a workbook has, so it was "
                              "not opened. Check that it is the right file.")


def test_an_ods_repeating_one_cell_over_a_sheet_is_refused_before_it_is_read(tmp_path):
    """A 1 KB spreadsheet whose one cell repeats over 1,048,576 rows and 16,384 columns: the reader would
    write out all 17 billion cells."""
    cell = (b'<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
            b'office:value="1"><text:p>1</text:p></table:table-cell>')
    table = (b'<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="1048576">' + cell
             + b"</table:table-row></table:table>")
    p = _write(tmp_path, "repeat.ods", zip_bytes(ods_members(content=table)))
    assert p.stat().st_size < 2000
    t = time.perf_counter()
    with pytest.raises(LoadError) as err:
        load_files(p)
    assert str(err.value) == (
        "repeat.ods: its sheets would hold 17,179,869,184 cells once their repeated rows and columns are written "
        "out, more than the 50,000,000 this program can read from a spreadsheet, so it was not read. If it is a "
        "real spreadsheet, save the sheet you need as CSV and load that file.")
    assert time.perf_counter() - t < 10


def test_a_parquet_file_claiming_more_rows_than_allowed_is_not_read(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    def must_not_read(*a, **k):
        raise AssertionError("the row groups were read")

    monkeypatch.setattr(pq.ParquetFile, "read", must_not_read)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", must_not_read)
    p = _write(tmp_path, "claims.parquet", claim_rows(small_parquet(compression=None), 3_000_000_000))
    with pytest.raises(LoadError, match="says it holds 3,000,000,000 rows, more than the 100,000,000"):
        load_files(p)


def test_a_run_length_bomb_is_refused_from_its_metadata_before_reading(tmp_path, monkeypatch):
    """2M identical rows in a few KB: the estimate comes from the rows the metadata declares (8 times the
    file's size before, which let a 1.3 MB file of 200M rows through to take 8 GB)."""
    data = rle_parquet(2_000_000)
    assert len(data) < 50_000
    p = _write(tmp_path, "runs.parquet", data)
    monkeypatch.setattr(memory, "available_memory", lambda: 60_000_000)  # 2M rows take more than this
    monkeypatch.setattr("youthdrugs_gui.core.sources.read_bytes",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("the file was read")))
    with pytest.raises(LoadError, match="runs.parquet .* is too large to open on this computer"):
        load_files(p)
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000_000)
    with pytest.raises(LoadError, match="says it holds 2,000,000 rows, more than the 1,000,000"):
        reading.table_from_bytes(p, p.read_bytes(), sha="")  # the reader checks it too


def test_a_million_columns_are_reported_as_such(tmp_path):
    p = _write(tmp_path, "wide.csv", wide_header(1_000_000))  # a 7 MB heading line
    with pytest.raises(LoadError, match=r"^wide\.csv has 1,000,000 columns, more than the 1,000"):
        load_files(p)


def test_a_column_of_distinct_values_is_text_built_without_a_python_string_per_value(tmp_path, monkeypatch):
    """More than WIDE_COLUMN_VALUES distinct values: sorted and merged by Arrow (the reader made one
    Python string per value, and the data set sorted them in Python: 306 s and 6.2 GB at 10M)."""
    n = 70_000
    lines = "".join(f"R{i:07d},{'Kent' if i % 3 else 'Essex'},1\n" for i in range(n))
    p = _write(tmp_path, "refs.csv", ("Reference,Force,Count\n" + lines + f" R{n - 1:07d} ,Kent,1\n").encode())
    calls = {"n": 0}
    real = column_codes.cell_text

    def counting(v, **how):
        calls["n"] += 1
        return real(v, **how)

    monkeypatch.setattr(column_codes, "cell_text", counting)
    monkeypatch.setattr(categories, "cell_text", counting)
    ds = load_files(p)
    assert calls["n"] < 1000
    assert ds.role("Reference").value == "text" and ds.n_rows == n + 1
    cats = ds.categories("Reference")
    assert len(cats) == n and cats[:2] == ["R0000000", "R0000001"] and cats == sorted(cats)
    col = ds.frame["Reference"]
    assert col.iloc[5] == "R0000005" and col.iloc[n] == f"R{n - 1:07d}"  # stripped, merged with its twin
    assert ds.categories("force") == ["Essex", "Kent"]


def test_the_wide_and_narrow_ways_of_reading_a_column_agree(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    vals = [f"  id {k} " if k % 7 == 0 else f"id {k}" for k in rng.integers(0, 3000, 20_000)] + ["", "Not recorded"]
    text = "Reference,Count\n" + "".join(f"{v},1\n" for v in vals)
    p = _write(tmp_path, "ids.csv", text.encode())
    narrow = load_files(p).frame["Reference"]
    monkeypatch.setattr(limits, "WIDE_COLUMN_VALUES", 100)
    monkeypatch.setattr(categories, "MAX_NATURAL_SORT_VALUES", 100)
    wide = load_files(p).frame["Reference"]
    assert list(wide.astype(str)) == list(narrow.astype(str))
    assert list(wide.cat.categories)[-1] == "Not recorded"


def test_decimal_commas_are_read_the_same_in_a_column_of_many_values(tmp_path, monkeypatch):
    rates = [f"{k // 10}.{k % 10:03d},{k % 7}" if k % 3 == 0 else f"{k},5" for k in range(400)]
    text = "Force;Rate;Count\n" + "".join(f"Kent;{r};1\n" for r in rates + ["1000,5"])
    p = _write(tmp_path, "rates.csv", text.encode())
    narrow = load_files(p)
    monkeypatch.setattr(limits, "WIDE_COLUMN_VALUES", 100)
    monkeypatch.setattr(categories, "MAX_NATURAL_SORT_VALUES", 100)
    wide = load_files(p)
    assert list(wide.frame["Rate"].astype(str)) == list(narrow.frame["Rate"].astype(str))
    assert wide.frame["Rate"].iloc[1] == "1.5" and wide.frame["Rate"].iloc[400] == "1000.5"
    assert wide.sources[0].notes == narrow.sources[0].notes


def _cli(args: list[str], code: str = "", home: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line in its own process: logging as a user's terminal has it (no pytest)."""
    import youthdrugs_gui

    code_root = Path(youthdrugs_gui.__file__).resolve().parents[1]  # the program these tests import
    env = dict(os.environ, PYTHONPATH=str(code_root))
    if home is not None:
        env["XDG_DATA_HOME"] = str(home)
    prog = f"import sys\n{code}\nfrom youthdrugs_gui.__main__ import main\nsys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, cwd=str(code_root), env=env,
                          timeout=120)


def test_the_safety_net_shows_one_line_and_no_traceback(tmp_path):
    """An unexpected error in an importer: the crash log gets the traceback, the terminal one line (it got
    a 26-33 line traceback first, from logging's last resort)."""
    p = _write(tmp_path, "t.csv", b"Force,Count\nKent,1\n")
    boom = ("import youthdrugs_gui.core.sources as s\n"
            "def boom(*a, **k):\n    raise RuntimeError('an importer bug')\n"
            "s._BUILDERS['generic'] = boom")
    run = _cli(["info", str(p)], boom, tmp_path / "data")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("error: t.csv could not be read because of an "
                                                                  "unexpected problem; details were saved to ")
    log = (tmp_path / "data" / "youthdrugs_gui" / "crash.log").read_text()
    assert "RuntimeError: an importer bug" in log and "Traceback" in log


def test_nested_parquet_from_the_command_line_is_one_line(tmp_path):
    p = _write(tmp_path, "nested.parquet", nested_parquet())
    run = _cli(["info", str(p)], home=tmp_path / "data")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith("error: nested.parquet: the columns 'Offence', 'Ages' hold a list")


def test_messages_are_one_short_line():
    from youthdrugs_gui.core.errors import one_line

    assert one_line("a\nb\rc\x1b[2J\u202edef\u2028") == "a\\nb\\rc\\x1b[2J\\u202edef\\u2028"
    long = LoadError("x.csv has column headings ('" + "y" * 100_000 + "') but no rows of data.")
    assert str(long) == "x.csv has column headings ('" + "y" * 45 + "…" + "y" * 10 + "') but no rows of data."
    huge = YouthDrugsError("z " * 100_000 + "do this.")
    assert len(str(huge)) <= 600 and str(huge).endswith("do this.") and "\n" not in str(huge)
    assert str(LoadError("a normal message")) == "a normal message"


# ---- the full-size files, for measuring ----------------------------------------------------------------
def write_full_size(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []

    def put(name: str, data: bytes | Iterable[bytes]) -> None:
        p = folder / name
        if not p.exists():
            t = time.perf_counter()
            with open(p, "wb") as f:
                if isinstance(data, bytes):
                    f.write(data)
                else:
                    for chunk in data:
                        f.write(chunk)
            print(f"wrote {p} ({p.stat().st_size:,} bytes) in {time.perf_counter() - t:.0f} s", flush=True)
        out.append(p)

    def zipped(name: str, members) -> None:
        p = folder / name
        if not p.exists():
            t = time.perf_counter()
            write_zip(p, members)
            print(f"wrote {p} ({p.stat().st_size:,} bytes) in {time.perf_counter() - t:.0f} s", flush=True)
        out.append(p)

    put("dimension_bomb.xlsx", dimension_bomb())
    mt = b"application/vnd.oasis.opendocument.spreadsheet"
    zipped("mimetype_bomb.ods", ods_members(mimetype=iter([mt, *repeated(b" ", 6_000_000_000)])))
    zipped("inline_string.xlsx", sheet_members(inline_string_cells(3_000_000_000)))
    zipped("whitespace.xlsx", sheet_members(whitespace_cells(4_000_000_000)))
    put("rows_2e40.parquet", claim_rows(small_parquet(compression=None), 1 << 40))
    put("rle_200M.parquet", rle_parquet(200_000_000))
    put("commas_header.csv", commas_header(1_000_000))
    put("commas_header_rows.csv", commas_header(1_000_000, rows=3))
    put("million_columns.csv", wide_header(1_000_000))
    put("single_line_500MB.csv", single_line(500_000_000))
    put("nested.parquet", nested_parquet())
    put("far_dates.parquet", far_dates_parquet())
    return out


if __name__ == "__main__":
    write_full_size(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hostile"))
