"""Property tests: mutated real files (../shared/data/raw), files made from them (XLSX, ODS, Parquet,
then damaged) and random bytes, given to every importer (format detected, and forced to generic,
policeuk, homeoffice and yjb), plus random saved views and column mappings. With the importers' safety
net switched off (`sources._SAFETY_NET`), the only exception that may escape is YouthDrugsError, with a
message; whatever loads is a well-formed data set that the filter engine can use.

Example counts are kept small enough for the whole file to run in well under a minute."""
from __future__ import annotations

import io
import json
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import youthdrugs_gui.core.sources as sources
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.errors import FilterError, MappingError, YouthDrugsError
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import describe_mapping, load_files, load_sample
from youthdrugs_gui.core.sources.generic import parse_mapping

RAW = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw").resolve()
REAL = sorted(RAW.glob("*/*.csv")) if RAW.is_dir() else []
FORMATS = [None, "generic", "policeuk", "homeoffice", "yjb"]
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
JUNK = [b",", b";", b"\t", b"|", b'"', b'""', b"\n", b"\r\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
        b"\xe9", b"\xc3\xa9", b"Total", b"[c]", b"-1", b"1.5", b"1e400", b"01-Apr", b"2020/21", b"=1+1", b"NaN",
        b"\xe2\x80\x93", b" ", b"9" * 40, b"x" * 2000, b"<html>", b"{", b"PK\x03\x04", b"%PDF"]


@pytest.fixture(autouse=True, scope="module")
def no_safety_net():
    old = sources._SAFETY_NET
    sources._SAFETY_NET = False  # every unexpected exception shows, instead of becoming a LoadError
    yield
    sources._SAFETY_NET = old


@lru_cache(maxsize=None)
def _real(i: int) -> bytes:
    return REAL[i].read_bytes()


@lru_cache(maxsize=None)
def _derived(i: int, kind: str) -> bytes:
    """The first 150 rows of a real file as a workbook or Parquet file."""
    frame = pd.read_csv(io.BytesIO(_real(i)), dtype=str, nrows=150, keep_default_na=False)
    buf = io.BytesIO()
    if kind == "xlsx":
        frame.to_excel(buf, index=False)
    elif kind == "ods":
        frame.to_excel(buf, index=False, engine="odf")
    else:
        frame.to_parquet(buf)
    return buf.getvalue()


def _lines(data: bytearray) -> list[bytes]:
    return bytes(data).split(b"\n")


@st.composite
def mutated_real(draw) -> tuple[str, bytes]:
    i = draw(st.integers(0, max(0, len(REAL) - 1)))
    data = bytearray(_real(i))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["truncate", "flip", "delete_lines", "dup_lines", "delimiter", "quote", "nul",
                                   "junk", "line_ends", "header"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "truncate":
            del data[pos:]
        elif op == "flip" and data:
            for _ in range(draw(st.integers(1, 20))):
                j = draw(st.integers(0, len(data) - 1))
                data[j] ^= draw(st.integers(1, 255))
        elif op in ("delete_lines", "dup_lines"):
            lines = _lines(data)
            a = draw(st.integers(0, max(0, len(lines) - 1)))
            b = a + draw(st.integers(1, 50))
            lines[a:b] = [] if op == "delete_lines" else lines[a:b] * 2
            data = bytearray(b"\n".join(lines))
        elif op == "delimiter":
            new = draw(st.sampled_from([b";", b"\t", b"|", b", ", b""]))
            where = draw(st.sampled_from(["all", "header", "one line"]))
            lines = _lines(data)
            if where == "all":
                lines = [ln.replace(b",", new) for ln in lines]
            else:
                k = 0 if where == "header" else draw(st.integers(0, max(0, len(lines) - 1)))
                lines[k] = lines[k].replace(b",", new)
            data = bytearray(b"\n".join(lines))
        elif op == "quote":
            for _ in range(draw(st.integers(1, 3))):
                j = draw(st.integers(0, len(data)))
                data[j:j] = b'"'
        elif op == "nul":
            for _ in range(draw(st.integers(1, 40))):
                j = draw(st.integers(0, len(data)))
                data[j:j] = b"\x00"
        elif op == "junk":
            data[pos:pos] = draw(st.sampled_from(JUNK))
        elif op == "line_ends":
            end = draw(st.sampled_from([b"\r", b"\r\n"]))
            data = bytearray(bytes(data).replace(b"\r\n", b"\n").replace(b"\n", end))
        elif op == "header":
            lines = _lines(data)
            cells = lines[0].split(b",")
            k = draw(st.integers(0, max(0, len(cells) - 1)))
            cells[k] = draw(st.sampled_from([b"", b"Count", b"Age", b"FY", b"Force", cells[0], b"level", b'"']))
            lines[0] = b",".join(cells)
            data = bytearray(b"\n".join(lines))
    out = bytes(data)
    enc = draw(st.sampled_from([None, None, None, "utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-8-sig"]))
    if enc:
        out = out.decode("utf-8", errors="replace").encode(enc, errors="replace")
    name = REAL[i].name if REAL else "data.csv"
    name = draw(st.sampled_from([name, name, "data.csv", Path(name).stem + ".xlsx", Path(name).stem + ".txt"]))
    return name, out


def load_strictly(name: str, data: bytes, **kwargs) -> Dataset | None:
    """Load; only a YouthDrugsError with a message may escape, and what loads must be usable."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        try:
            ds = load_files(p, **kwargs)
        except YouthDrugsError as e:
            msg = str(e)
            assert msg.strip() and "\n" not in msg.strip() and "Traceback" not in msg
            return None
    assert isinstance(ds, Dataset) and ds.n_rows > 0
    for c in ds.categorical_columns:
        assert (ds.codes(c) >= 0).all()
    assert (ds.counts >= 0).all()
    engine = Engine(ds)
    result = engine.apply(FilterState(), group_by=ds.facet_columns[0] if ds.facet_columns else None)
    assert result.n_rows == ds.n_rows
    for col in ds.facet_columns[:3]:
        if col in ds.categorical_columns:
            first = ds.categories(col)[0]
            engine.apply(engine.check(FilterState().with_values(col, [first]).with_search("a")))
    describe_mapping(ds)
    return ds


@settings(max_examples=160, deadline=None, suppress_health_check=HEALTH)
@given(mutated_real(), st.sampled_from(FORMATS), st.sampled_from([None, None, "Kent"]))
def test_mutated_real_files_only_raise_youthdrugs_errors(shared_raw, named, fmt, force):
    name, data = named
    load_strictly(name, data, fmt=fmt, force=force)


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(st.data(), st.sampled_from(["xlsx", "ods", "parquet"]), st.sampled_from(FORMATS))
def test_damaged_workbooks_from_real_files_only_raise_youthdrugs_errors(shared_raw, data, kind, fmt):
    i = data.draw(st.integers(0, len(REAL) - 1))
    blob = bytearray(_derived(i, kind))
    how = data.draw(st.sampled_from(["intact", "flip", "truncate", "both"]))
    if how in ("flip", "both"):
        for _ in range(data.draw(st.integers(1, 8))):
            j = data.draw(st.integers(0, len(blob) - 1))
            blob[j] ^= data.draw(st.integers(1, 255))
    if how in ("truncate", "both"):
        del blob[data.draw(st.integers(0, len(blob) - 1)):]
    name = data.draw(st.sampled_from([REAL[i].stem + "." + kind, "data.csv", REAL[i].name]))
    ds = load_strictly(name, bytes(blob), fmt=fmt, force="Kent")  # a renamed police.uk file needs its force
    if how == "intact" and fmt in (None, "generic"):
        assert ds is not None


@settings(max_examples=120, deadline=None, suppress_health_check=HEALTH)
@given(st.binary(max_size=4000), st.sampled_from([".csv", ".xlsx", ".ods", ".parquet", ""]), st.sampled_from(FORMATS))
def test_random_bytes_with_any_format_only_raise_youthdrugs_errors(data, suffix, fmt):
    load_strictly("2020-01-kent-stop-and-search" + suffix, data, fmt=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_real_file_under_every_importer(shared_raw, fmt):
    for i in range(len(REAL)):
        ds = load_strictly(REAL[i].name, _real(i), fmt=fmt, force="Kent" if fmt == "policeuk" else None)
        if fmt is None or fmt == "generic":
            assert ds is not None, REAL[i].name


# ---- saved views and mappings --------------------------------------------------------------------
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
KEYS = ["filters", "age", "financial_year", "search", "format", "version"]
VALUES = ["Kent", "Essex", "A", "B", "Not recorded", "", "2020-21", "__import__('os').system('x')", "@a", "=1+1",
          "'; DROP TABLE x;--", "force", "colour"]


@st.composite
def view_texts(draw) -> str:
    kind = draw(st.sampled_from(["random", "shaped", "text"]))
    if kind == "text":
        return draw(st.text(max_size=200))
    if kind == "random":
        return json.dumps(draw(JSONISH))
    d: dict = {}
    for k in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        if k == "filters":
            d[k] = draw(st.dictionaries(st.sampled_from(["force", "drug_class", "Police force", "colour", "age", ""]),
                                        st.lists(st.sampled_from(VALUES), max_size=3) | JSONISH, max_size=3))
        elif k == "age":
            d[k] = draw(st.lists(st.integers(-5, 200), min_size=0, max_size=3) | JSONISH)
        elif k == "financial_year":
            d[k] = draw(st.lists(st.sampled_from(["2018-19", "2020/21", "2021", "soon", ""]), max_size=3) | JSONISH)
        else:
            d[k] = draw(JSONISH)
    text = json.dumps(d)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "}", "]", '"', "\\", "\x00"])) + text[cut:]
    return text


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(load_sample())


@settings(max_examples=300, deadline=None)
@given(view_texts())
def test_random_views_only_raise_filter_errors(text):
    engine = _engine()
    try:
        state = FilterState.from_json(text)
    except FilterError as e:
        assert str(e).strip()
        return
    restricted, notes = engine.restrict(state)  # the window: apply what fits, say what did not
    engine.apply(restricted, group_by="force")
    assert all(isinstance(n, str) and n for n in notes)
    try:
        checked = engine.check(state)  # the CLI: anything that does not fit is an error
    except FilterError as e:
        assert str(e).strip()
        return
    engine.apply(checked)


@settings(max_examples=300, deadline=None)
@given(st.one_of(view_texts(), st.builds(json.dumps, st.dictionaries(
    st.sampled_from(["Area", "Yr", "Kids age", "Qty", "columns", "sheet", "measure", "force", ""]),
    st.sampled_from(["force", "age", "count", "police", None, "", "ignore", "Police force", 3, True])
    | JSONISH, max_size=5))))
def test_random_mappings_only_raise_mapping_errors(text):
    try:
        parse_mapping(text if text.lstrip().startswith("{") else "{" + text)
    except MappingError as e:
        assert str(e).strip()
