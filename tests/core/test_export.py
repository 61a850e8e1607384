"""Exports: exact CSV bytes, safe cells, XLSX types, atomic files, provenance, errors."""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youthdrugs_gui.core import export
from youthdrugs_gui.core.cancel import CancelToken
from youthdrugs_gui.core.dataset import Dataset, SourceFile
from youthdrugs_gui.core.disclosure import suppress
from youthdrugs_gui.core.errors import CancelledError, ExportError, FilterError
from youthdrugs_gui.core.export import atomic, writers
from youthdrugs_gui.core.export import (
    cleanup_stale_temp_files,
    export_rows,
    export_table,
    neutralise,
    sidecar_path,
    write_text_atomic,
)
from youthdrugs_gui.core.tables import aggregate

POSIX = os.name == "posix"

OWASP = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
]


def tiny() -> Dataset:
    return Dataset.from_frame(
        pd.DataFrame({
            "force": ["Kent", "Essex", "Kent"],
            "drug_class": ["A", 'B, "cannabis"\nand more', "A"],
            "count": [3, 1, 12],
        }),
        name="test",
    )


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def read_csv_cells(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


# ---- neutralise --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", OWASP + ["=1", "-", "@", "+"])
def test_neutralise_owasp_examples(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Kent", "", "10-17", "2020-21", "a=b", " =1", "'=1", "Class A"])
def test_neutralise_leaves_ordinary_text(text):
    assert neutralise(text) == text


# ---- CSV bytes ---------------------------------------------------------------------------------
def test_csv_bytes_exact(tmp_path):
    out = tmp_path / "out.csv"
    res = export_rows(tiny(), np.array([0, 1, 2]), out)
    assert out.read_bytes() == (
        b"\xef\xbb\xbf"
        b"Police force,Drug class,Count\r\n"
        b"Kent,A,3\r\n"
        b'Essex,"B, ""cannabis""\nand more",1\r\n'
        b"Kent,A,12\r\n"
    )
    assert res.rows == 3
    assert res.columns == ["Police force", "Drug class", "Count"]
    assert res.bytes == out.stat().st_size
    assert res.path == out and res.format == "csv"
    assert res.sidecar == tmp_path / "out.csv.provenance.json"


def test_csv_without_bom_and_in_view_order_and_chosen_columns(tmp_path):
    out = tmp_path / "out.csv"
    export_rows(tiny(), np.array([2, 0]), out, columns=["count", "Police force"], bom=False)
    assert out.read_bytes() == b"Count,Police force\r\n12,Kent\r\n3,Kent\r\n"


def test_csv_no_rows_writes_the_header(tmp_path):
    out = tmp_path / "out.csv"
    res = export_rows(tiny(), np.array([], dtype=np.int64), out, bom=False)
    assert out.read_bytes() == b"Police force,Drug class,Count\r\n"
    assert res.rows == 0


def test_unknown_column_is_a_user_error(tmp_path):
    with pytest.raises(FilterError):
        export_rows(tiny(), np.array([0]), tmp_path / "out.csv", columns=["no such column"])


def test_csv_injection_neutralised_in_cells_and_headers(tmp_path):
    df = pd.DataFrame({
        "force": ["Kent"] * len(OWASP),
        "=1": OWASP,  # header itself is a formula
        "count": np.arange(1, len(OWASP) + 1),
    })
    ds = Dataset.from_frame(df, name="test", labels={"force": "@force"})
    out = tmp_path / "out.csv"
    export_rows(ds, np.arange(len(OWASP)), out)
    rows = read_csv_cells(out)
    assert rows[0] == ["'@force", "'=1", "Count"]
    # from_frame strips surrounding blanks, so the tab and CR examples become '=1' by then
    assert [r[1] for r in rows[1:]] == [neutralise(v.strip()) for v in OWASP]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert [r[2] for r in rows[1:]] == [str(i) for i in range(1, len(OWASP) + 1)]
    raw = out.read_bytes()
    assert b'"\'=HYPERLINK(""http://x"",""y"")"' in raw


def test_tab_and_cr_starts_neutralised_in_tables(tmp_path):
    table = pd.DataFrame({"label": ["\t=1", "\r=1", "ok"], "count": [7, 8, 9]})
    out = tmp_path / "t.csv"
    export_table(table, out, bom=False)
    assert out.read_bytes() == b"label,count\r\n'\t=1,7\r\n\"'\r=1\",8\r\nok,9\r\n"


def test_numeric_columns_stay_numbers(tmp_path):
    n = 600  # more distinct values than a facet: kept as a plain number column
    df = pd.DataFrame({"longitude": -np.arange(n) / 4 - 0.5, "count": np.ones(n, dtype=int)})
    ds = Dataset.from_frame(df, name="test")
    out = tmp_path / "n.csv"
    export_rows(ds, np.arange(3), out, bom=False)
    assert out.read_bytes() == b"longitude,Count\r\n-0.5,1\r\n-0.75,1\r\n-1,1\r\n"


def test_dates_written_as_iso(tmp_path):
    df = pd.DataFrame({"date": ["2020-04-01", None, "2021-03-31"], "force": ["Kent"] * 3})
    out = tmp_path / "d.csv"
    export_rows(Dataset.from_frame(df, name="test"), np.arange(3), out, bom=False)
    assert out.read_bytes() == (b"Date,Month,Quarter,Calendar year,Police force,Count\r\n"
                                b"2020-04-01,2020-04,2020 Q2,2020,Kent,1\r\n"
                                b",Not recorded,Not recorded,Not recorded,Kent,1\r\n"
                                b"2021-03-31,2021-03,2021 Q1,2021,Kent,1\r\n")

    df = pd.DataFrame({"date": pd.to_datetime(["2020-04-01 13:05:00", "2020-04-02 00:00:00"]), "force": ["Kent"] * 2})
    export_rows(Dataset.from_frame(df, name="test"), np.arange(2), out, bom=False, columns=["date"])
    assert out.read_bytes() == b"Date\r\n2020-04-01T13:05:00\r\n2020-04-02T00:00:00\r\n"

    df = pd.DataFrame({"date": pd.to_datetime(["2020-04-01T13:05:00+01:00"]), "force": ["Kent"]})
    export_rows(Dataset.from_frame(df, name="test"), np.arange(1), out, bom=False, columns=["date"])
    assert out.read_bytes() == b"Date\r\n2020-04-01T12:05:00Z\r\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    labels=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
                    min_size=1, max_size=8),
    picks=st.lists(st.integers(0, 7), min_size=1, max_size=40),
    chunk=st.integers(1, 9),
)
def test_csv_matches_the_csv_module_whatever_the_text(tmp_path, monkeypatch, labels, picks, chunk):
    """Any label, any block size: the file reads back to the neutralised labels, and is byte-for-byte
    what Python's csv module writes (RFC 4180 minimal quoting, CRLF)."""
    monkeypatch.setattr(writers, "_CHUNK_ROWS", chunk)
    values = [labels[p % len(labels)] for p in picks]
    ds = Dataset.from_frame(pd.DataFrame({"note": values, "count": np.arange(len(values))}), name="test")
    out = tmp_path / "h.csv"
    export_rows(ds, np.arange(len(values))[::-1], out, bom=False)
    shown = ds.frame["note"].astype(str).tolist()[::-1]
    expected = io.StringIO(newline="")
    w = csv.writer(expected, lineterminator="\r\n")
    w.writerow(["note", "Count"])
    for i, v in zip(range(len(values) - 1, -1, -1), shown):
        w.writerow([neutralise(v), str(i)])
    assert out.read_bytes() == expected.getvalue().encode("utf-8")


# ---- XLSX --------------------------------------------------------------------------------------
def test_xlsx_types_survive(tmp_path):
    df = pd.DataFrame({
        "force": ["Kent", '=HYPERLINK("http://x","y")', "Essex", "Kent"],
        "age": [15, 12, None, 17],
        "date": ["2020-04-01", "2020-05-01", None, "2020-06-30"],
        "=1": ["#N/A", "+1+1", "plain", "-2+3"],
        "count": [3, 10, 1, 2],
    })
    ds = Dataset.from_frame(df, name="test")
    out = tmp_path / "out.xlsx"
    during: list[list[str]] = []
    res = export_rows(ds, np.arange(4), out, progress=lambda d, t: during.append(parts(tmp_path)))
    assert res.format == "xlsx" and res.rows == 4
    # openpyxl's scratch copy of the sheet is kept next to the export, not in the system temp folder
    assert any(".sheet." in name for name in during[-1]), during
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[-1]  # the data (the cover sheet comes first)
    rows = [[c for c in r] for r in ws.iter_rows()]
    assert [c.value for c in rows[0]] == ["Date", "Month", "Quarter", "Calendar year", "Police force", "Age", "'=1",
                                          "Count"]
    for row in rows:
        for c in row:
            assert c.data_type != "f", c.value
            if isinstance(c.value, str):
                assert c.data_type == "s"
                assert not c.value.startswith(("=", "+", "-", "@"))
    body = [[c.value for c in r] for r in rows[1:]]
    assert body[1][4] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert body[0][6] == "#N/A"  # text, not Excel's error value
    assert rows[1][6].data_type == "s"
    assert [r[7] for r in body] == [3, 10, 1, 2]
    assert all(isinstance(r[7], int) for r in body)
    assert [r[5] for r in body] == [15, 12, "Not recorded", 17]
    assert body[0][0].date().isoformat() == "2020-04-01"
    assert body[0][1:4] == ["2020-04", "2020 Q2", "2020"]
    assert body[2][0] is None
    # openpyxl's scratch file was kept in the target folder and removed
    assert parts(tmp_path) == []


def test_xlsx_refuses_too_many_rows(tmp_path):
    out = tmp_path / "big.xlsx"
    rows = np.zeros(1_048_576, dtype=np.int64)  # one row more than Excel holds under a header
    with pytest.raises(ExportError, match="CSV"):
        export_rows(tiny(), rows, out)
    assert list(tmp_path.iterdir()) == []


def test_xlsx_table_keeps_markers_as_text(tmp_path):
    ds = tiny()
    sup = suppress(aggregate(ds, np.arange(3), ["force"]), k=5)
    out = tmp_path / "t.xlsx"
    export_table(sup, out, dataset=ds)
    ws = openpyxl.load_workbook(out).worksheets[-1]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        ["Police force", "Count"], ["Essex", "[c]"], ["Kent", "[c]"], ["Total", 16],
    ]
    assert [[c.data_type for c in r] for r in ws.iter_rows()][1] == ["s", "s"]


# ---- tables ------------------------------------------------------------------------------------
def test_export_table_suppressed_cross_tab(tmp_path):
    df = pd.DataFrame({
        "force": ["Kent", "Kent", "Essex", "Essex", "Norfolk"],
        "drug_class": ["A", "=B", "A", "=B", "A"],
        "count": [3, 10, 12, 7, 20],
    })
    ds = Dataset.from_frame(df, name="test")
    sup = suppress(aggregate(ds, np.arange(5), ["force", "drug_class"]), k=5)
    out = tmp_path / "x.csv"
    res = export_table(sup, out, dataset=ds, bom=False, provenance={"filter_state": {"force": ["Kent"]}})
    assert out.read_bytes() == (
        b"Police force,A,'=B,Total\r\n"
        b"Essex,[c],[c],19\r\n"
        b"Kent,[c],[c],13\r\n"
        b"Norfolk,20,0,20\r\n"
        b"Total,35,17,52\r\n"
    )
    prov = json.loads(res.sidecar.read_text())
    assert prov["export_kind"] == "table"
    assert prov["suppression"] == sup.rule
    assert prov["suppression"].startswith("counts of 1 to 4 shown as [c]")
    assert prov["filter_state"] == {"force": ["Kent"]}
    assert prov["dataset"]["name"] == "test"


def test_export_table_plain_frame_with_callers_rule(tmp_path):
    table = pd.DataFrame({"force": ["Kent", "Total"], "count": [20, 20]})
    res = export_table(table, tmp_path / "t.csv", bom=False, provenance={"suppression": "done elsewhere"})
    assert (tmp_path / "t.csv").read_bytes() == b"force,count\r\nKent,20\r\nTotal,20\r\n"
    prov = json.loads(res.sidecar.read_text())
    assert prov["suppression"] == "done elsewhere"
    assert prov["dataset"]["name"] is None


def test_export_table_string_column_vectorised_neutralise(tmp_path):
    table = pd.DataFrame({"label": pd.array(["=1", "a,b", None, "-x"], dtype="str"), "count": [1, 2, 3, 4]})
    export_table(table, tmp_path / "t.csv", bom=False)
    assert (tmp_path / "t.csv").read_bytes() == b"label,count\r\n'=1,1\r\n\"a,b\",2\r\n,3\r\n'-x,4\r\n"


# ---- provenance --------------------------------------------------------------------------------
def test_provenance_record(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("x\n")
    sf = SourceFile(path=str(src), sha256=SourceFile.sha256_of(src), format="generic csv", rows=3,
                    mapping={"Force": "force"})
    ds = Dataset.from_frame(tiny().frame.astype({"force": object, "drug_class": object}), name="Sample",
                            sources=(sf,), synthetic=True)
    out = tmp_path / "out.csv"
    res = export_rows(ds, np.array([2, 0]), out, columns=["force", "count"],
                      provenance={"filter_state": {"drug_class": ["A"]}, "view": "my view"})
    side = tmp_path / "out.csv.provenance.json"
    assert res.sidecar == side == sidecar_path(out)
    prov = json.loads(side.read_text(encoding="utf-8"))
    import hashlib

    assert prov["output"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() == res.sha256
    assert prov["output"]["bytes"] == out.stat().st_size
    assert prov["output"]["file"] == "out.csv"
    assert prov["program"] == "youthdrugs-gui"
    assert prov["version"] not in ("", None)
    assert prov["created_utc"].endswith("Z")
    assert prov["export_kind"] == "rows"
    assert prov["rows_written"] == 2
    assert prov["columns_written"] == ["Police force", "Count"]
    assert prov["column_names"] == ["force", "count"]
    assert prov["suppression"] == "none"
    assert prov["filter_state"] == {"drug_class": ["A"]}
    assert prov["view"] == "my view"
    d = prov["dataset"]
    assert d["name"] == "Sample" and d["synthetic"] is True
    assert "synthetic" in d["synthetic_note"]
    assert d["sources"] == [{"path": str(src), "sha256": sf.sha256, "format": "generic csv", "rows": 3,
                             "mapping": {"Force": "force"}, "notes": []}]


def test_caller_cannot_overwrite_facts(tmp_path):
    res = export_rows(tiny(), np.arange(3), tmp_path / "o.csv", provenance={"rows_written": 999, "program": "x"})
    prov = json.loads(res.sidecar.read_text())
    assert prov["rows_written"] == 3 and prov["program"] == "youthdrugs-gui"


def test_version_fallback(monkeypatch):
    import importlib.metadata as md

    def boom(name):
        raise md.PackageNotFoundError(name)

    monkeypatch.setattr(md, "version", boom)
    assert export.program_version() == "unknown"


# ---- files: modes, atomicity, errors -----------------------------------------------------------
@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_files_are_private(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old")
    os.chmod(out, 0o644)
    old = os.umask(0o022)
    try:
        export_rows(tiny(), np.arange(3), out)
        export_rows(tiny(), np.arange(3), tmp_path / "out.xlsx")
        write_text_atomic(tmp_path / "view.json", "{}")
    finally:
        os.umask(old)
    for name in ("out.csv", "out.csv.provenance.json", "out.xlsx", "out.xlsx.provenance.json", "view.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def _old_content(tmp_path: Path) -> Path:
    out = tmp_path / "out.csv"
    out.write_bytes(b"old content\r\n")
    sidecar_path(out).write_text("old record")
    return out


def test_failure_part_way_leaves_old_file(tmp_path, monkeypatch):
    out = _old_content(tmp_path)
    calls = {"n": 0}
    real = atomic.HashingWriter.write

    def flaky(self, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("boom")
        return real(self, data)

    monkeypatch.setattr(writers, "_CHUNK_ROWS", 1)
    monkeypatch.setattr(atomic.HashingWriter, "write", flaky)
    with pytest.raises(RuntimeError):
        export_rows(tiny(), np.arange(3), out)
    assert out.read_bytes() == b"old content\r\n"
    assert sidecar_path(out).read_text() == "old record"
    assert parts(tmp_path) == []


def test_disk_full_is_explained_and_changes_nothing(tmp_path, monkeypatch):
    out = _old_content(tmp_path)

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.HashingWriter, "write", full)
    with pytest.raises(ExportError, match="not enough space"):
        export_rows(tiny(), np.arange(3), out)
    assert out.read_bytes() == b"old content\r\n"
    assert parts(tmp_path) == []


def test_disk_full_at_fsync(tmp_path, monkeypatch):
    out = _old_content(tmp_path)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ExportError, match="not enough space"):
        export_rows(tiny(), np.arange(3), out.with_suffix(".xlsx"))
    with pytest.raises(ExportError, match="not enough space"):
        export_rows(tiny(), np.arange(3), out)
    assert out.read_bytes() == b"old content\r\n"
    assert not out.with_suffix(".xlsx").exists()
    assert parts(tmp_path) == []


def test_failed_rename_of_record_keeps_the_old_pair(tmp_path, monkeypatch):
    out = _old_content(tmp_path)
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(".provenance.json"):
            raise OSError(errno.EIO, "I/O error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(ExportError):
        export_rows(tiny(), np.arange(3), out)
    assert out.read_bytes() == b"old content\r\n"  # the export and its record are committed as one pair:
    assert sidecar_path(out).read_text() == "old record"  # on failure the old pair stays as it was
    assert parts(tmp_path) == []


def test_cancel_changes_nothing(tmp_path, monkeypatch):
    out = _old_content(tmp_path)
    monkeypatch.setattr(writers, "_CHUNK_ROWS", 1)
    seen = []
    cancel = CancelToken()

    def progress(done, total):
        seen.append((done, total))
        if done >= 2:
            cancel.cancel()

    with pytest.raises(CancelledError):
        export_rows(tiny(), np.arange(3), out, progress=progress, cancel=cancel)
    assert seen[:2] == [(1, 3), (2, 3)]
    assert out.read_bytes() == b"old content\r\n"
    assert parts(tmp_path) == []
    with pytest.raises(CancelledError):
        export_rows(tiny(), np.arange(3), tmp_path / "x.xlsx", cancel=cancel)
    assert not (tmp_path / "x.xlsx").exists()
    assert parts(tmp_path) == []


def test_missing_folder(tmp_path):
    with pytest.raises(ExportError) as e:
        export_rows(tiny(), np.arange(3), tmp_path / "nowhere" / "out.csv")
    assert str(e.value) == f"The folder {tmp_path / 'nowhere'} does not exist: choose another folder."


def test_path_is_a_folder(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_rows(tiny(), np.arange(3), tmp_path / "out.csv")


def test_unknown_suffix_and_format(tmp_path):
    with pytest.raises(ExportError, match=r"\.csv or \.xlsx"):
        export_rows(tiny(), np.arange(3), tmp_path / "out.txt")
    with pytest.raises(ExportError, match="CSV or XLSX"):
        export_rows(tiny(), np.arange(3), tmp_path / "out.csv", fmt="pdf")
    res = export_rows(tiny(), np.arange(3), tmp_path / "out.txt", fmt="csv")
    assert (tmp_path / "out.txt").read_bytes().startswith(b"\xef\xbb\xbfPolice force")
    assert res.sidecar == tmp_path / "out.txt.provenance.json"


def test_folder_not_writable(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "access", lambda *a, **k: False)
    with pytest.raises(ExportError, match="permission"):
        export_rows(tiny(), np.arange(3), tmp_path / "out.csv")


def test_permission_error_on_create_is_explained(tmp_path, monkeypatch):
    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "open", denied)
    with pytest.raises(ExportError, match="permission"):
        export_rows(tiny(), np.arange(3), tmp_path / "out.csv")


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="needs POSIX and a non-root user")
def test_read_only_folder_for_real(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        with pytest.raises(ExportError, match="permission"):
            export_rows(tiny(), np.arange(3), ro / "out.csv")
    finally:
        os.chmod(ro, 0o700)


def test_write_text_atomic(tmp_path):
    p = tmp_path / "view.json"
    write_text_atomic(p, '{"a": "é"}\n')
    assert p.read_text(encoding="utf-8") == '{"a": "é"}\n'
    with pytest.raises(ExportError, match="does not exist"):
        write_text_atomic(tmp_path / "no" / "v.json", "{}")


def test_cleanup_stale_temp_files(tmp_path):
    old = tmp_path / ".out.csv.0123456789ab.part"
    fresh = tmp_path / ".out.csv.ba9876543210.part"
    other = tmp_path / ".someone-elses.part"
    download = tmp_path / "film.mkv.part"
    for p in (old, fresh, other, download):
        p.write_text("x")
    past = time.time() - 3600
    for p in (old, other, download):
        os.utime(p, (past, past))
    assert cleanup_stale_temp_files(tmp_path) == 1
    assert not old.exists()
    assert fresh.exists() and other.exists() and download.exists()
    assert cleanup_stale_temp_files(tmp_path / "missing") == 0


def test_export_cleans_leftovers_first(tmp_path):
    stale = tmp_path / ".out.csv.0123456789ab.part"
    stale.write_text("partial")
    past = time.time() - 3600
    os.utime(stale, (past, past))
    export_rows(tiny(), np.arange(3), tmp_path / "out.csv")
    assert not stale.exists()


CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np, pandas as pd
    from youthdrugs_gui.core import export
    from youthdrugs_gui.core.dataset import Dataset
    from youthdrugs_gui.core.export import writers

    writers._CHUNK_ROWS = 500
    n = 100_000
    force = np.array(["Kent", "Essex", "Norfolk"], dtype=object)[np.arange(n) % 3]
    ds = Dataset.from_frame(pd.DataFrame({"force": force, "count": np.ones(n, dtype=int)}), name="big")

    def progress(done, total):
        if done == 1000:
            print("STARTED", flush=True)
        time.sleep(0.01)

    export.export_rows(ds, np.arange(n), sys.argv[1], progress=progress)
    print("FINISHED", flush=True)
""")


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_killed_export_leaves_old_file(tmp_path):
    out = _old_content(tmp_path)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "STARTED", proc.stderr.read()
        assert parts(tmp_path), "the export should be writing its temporary file"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"old content\r\n"
    assert sidecar_path(out).read_text() == "old record"
    leftovers = parts(tmp_path)
    assert leftovers and all(p.startswith(".out.csv.") for p in leftovers)
    assert cleanup_stale_temp_files(tmp_path) == 0  # too fresh: could be a running export
    assert cleanup_stale_temp_files(tmp_path, older_than=0) == len(leftovers)
    assert parts(tmp_path) == []
