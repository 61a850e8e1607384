"""Exports against a hostile or unlucky file system, and counts too large to add up.

* The export and its provenance record are one pair: both targets are checked before anything is
  written; a failure at either rename keeps the old export and the old record; a kill between the two
  renames never leaves a new export beside an old record (the record goes first, and it names the
  export's SHA-256: `export.record_matches` is the reader's rule); two exports to one name at once end
  with a matching pair.
* Nothing the user did not mean to replace is replaced: an input file, the column mapping, the saved
  view, a device node, a pipe, a link, a read-only file (the window asks first, and only then replaces).
* Counts above 2**53, and sums that reach past it, are refused with a plain message instead of being
  written wrapped round (1,100 rows of 2**53 once gave `Total,-8538824893494460416`).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core import export
from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.tables import aggregate
from youthdrugs_gui.core.errors import ExportError, LoadError, YouthDrugsError
from youthdrugs_gui.core.export import atomic, export_rows, export_table, sidecar_path

POSIX = os.name == "posix"
BIG = 2**53


def tiny(label: str = "Kent") -> Dataset:
    return Dataset.from_frame(pd.DataFrame({"force": [label, "Essex", label], "count": [3, 1, 12]}), name="t")


def old_pair(folder: Path, name: str = "out.csv") -> Path:
    out = folder / name
    out.write_bytes(b"old export\r\n")
    sidecar_path(out).write_text('{"old": "record"}\n')
    return out


def assert_old_pair(out: Path) -> None:
    assert out.read_bytes() == b"old export\r\n"
    assert sidecar_path(out).read_text() == '{"old": "record"}\n'


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run_cli([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0][len("error: "):]


# ---- the pair: checked first, committed together ----------------------------------------------
def test_a_folder_where_the_record_goes_is_refused_before_the_export_is_replaced(tmp_path, capsys):
    out = tmp_path / "out.csv"
    out.write_bytes(b"old export\r\n")
    sidecar_path(out).mkdir()
    with pytest.raises(ExportError) as e:
        export_rows(tiny(), np.arange(3), out)
    assert "\n" not in str(e.value) and "out.csv.provenance.json" in str(e.value)
    assert out.read_bytes() == b"old export\r\n"
    assert parts(tmp_path) == []
    code, _, err = cli(capsys, "export", "--force", "Kent", "-o", out)
    assert code == 2 and "out.csv.provenance.json" in one_line_error(err)
    assert out.read_bytes() == b"old export\r\n" and sidecar_path(out).is_dir()
    assert parts(tmp_path) == []


@pytest.mark.parametrize("failing", [1, 2])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_failed_rename_keeps_the_old_export_and_the_old_record(tmp_path, monkeypatch, failing, fmt):
    out = old_pair(tmp_path, f"out.{fmt}")
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(str(dst))
        if len(calls) == failing:
            raise OSError(errno.EIO, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(ExportError) as e:
        export_rows(tiny(), np.arange(3), out)
    assert "\n" not in str(e.value)
    assert_old_pair(out)
    assert parts(tmp_path) == []


def test_a_failed_rename_without_an_old_record_leaves_no_record(tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_bytes(b"old export\r\n")
    real = os.replace

    def replace(src, dst):
        if not str(dst).endswith(".provenance.json"):
            raise OSError(errno.EIO, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(ExportError):
        export_rows(tiny(), np.arange(3), out)
    assert out.read_bytes() == b"old export\r\n"
    assert not sidecar_path(out).exists()
    assert parts(tmp_path) == []


KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal, sys
    import numpy as np, pandas as pd
    from youthdrugs_gui.core import export
    from youthdrugs_gui.core.dataset import Dataset
    from youthdrugs_gui.core.export import atomic

    real = os.replace
    done = []

    def replace(src, dst):
        real(src, dst)
        done.append(dst)
        if len(done) == 1:  # killed between the two renames
            os.kill(os.getpid(), signal.SIGKILL)

    atomic.os.replace = replace
    ds = Dataset.from_frame(pd.DataFrame({"force": ["Kent", "Essex"], "count": [3, 1]}), name="t")
    export.export_rows(ds, np.arange(2), sys.argv[1])
""")


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_a_kill_between_the_renames_never_leaves_a_new_export_beside_an_old_record(tmp_path):
    out = tmp_path / "out.csv"
    first = export_rows(tiny(), np.arange(3), out)  # a real earlier pair
    old_export, old_record = out.read_bytes(), sidecar_path(out).read_bytes()
    assert export.record_matches(out)
    script = tmp_path / "child.py"
    script.write_text(KILL_BETWEEN_RENAMES)
    done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert out.read_bytes() == old_export  # the export is the old one ...
    record = json.loads(sidecar_path(out).read_text())
    if sidecar_path(out).read_bytes() != old_record:  # ... and a new record says it is not about it
        assert record["output"]["sha256"] != first.sha256
        assert not export.record_matches(out)
    # the next export puts a matching pair in place and clears the leftovers once they are stale
    for p in tmp_path.glob(".*.part"):
        os.utime(p, (time.time() - 3600,) * 2)
    export_rows(tiny("Norfolk"), np.arange(3), out)
    assert export.record_matches(out) and parts(tmp_path) == []


def test_two_exports_to_one_name_at_once_end_with_a_matching_pair(tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    real = os.replace
    first_rename = threading.Event()
    slow = threading.current_thread().name + "-A"

    def replace(src, dst):
        real(src, dst)
        if threading.current_thread().name == slow and not first_rename.is_set():
            first_rename.set()
            time.sleep(0.5)  # the other export runs whole while this one is between its renames

    monkeypatch.setattr(atomic.os, "replace", replace)
    errors: list[BaseException] = []

    def run(label: str, wait: bool) -> None:
        try:
            if wait:
                first_rename.wait(10)
            export_rows(tiny(label), np.arange(3), out)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    a = threading.Thread(target=run, args=("Kent", False), name=slow)
    b = threading.Thread(target=run, args=("Norfolk", True))
    a.start()
    b.start()
    a.join(30)
    b.join(30)
    assert not errors
    record = json.loads(sidecar_path(out).read_text())
    assert record["output"]["sha256"] == sha(out)
    assert export.record_matches(out)
    assert parts(tmp_path) == []


def test_two_processes_exporting_to_one_name_end_with_a_matching_pair(tmp_path):
    out = tmp_path / "out.csv"
    script = tmp_path / "loop.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np, pandas as pd
        from youthdrugs_gui.core import export
        from youthdrugs_gui.core.dataset import Dataset
        ds = Dataset.from_frame(pd.DataFrame({"force": [sys.argv[2]] * 50, "count": np.arange(50)}), name="t")
        for _ in range(40):
            export.export_rows(ds, np.arange(50), sys.argv[1])
    """))
    procs = [subprocess.Popen([sys.executable, str(script), str(out), force], stderr=subprocess.PIPE)
             for force in ("Kent", "Norfolk")]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    assert export.record_matches(out)
    assert parts(tmp_path) == []


# ---- never replace what the user did not mean to replace ----------------------------------------
def _inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = tmp_path / "data.csv"
    data.write_text("Area,Count\nKent,3\nEssex,1\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"Area": "force", "Count": "count"}')
    view = tmp_path / "view.json"
    view.write_text('{"format": "youthdrugs_gui view", "version": 1, "filters": {}}')
    return data, mapping, view


@pytest.mark.parametrize("which", ["data", "mapping", "view", "mapping as the record", "view as the record"])
def test_the_cli_never_writes_over_its_own_inputs(tmp_path, capsys, which):
    data, mapping, view = _inputs(tmp_path)
    before = {p: p.read_bytes() for p in (data, mapping, view)}
    target = {"data": data, "mapping": mapping, "view": view}.get(which)
    if which == "mapping as the record":
        mapping = mapping.rename(tmp_path / "out.csv.provenance.json")
        before = {p: p.read_bytes() for p in (data, mapping, view)}
        target = tmp_path / "out.csv"
    elif which == "view as the record":
        view = view.rename(tmp_path / "out.csv.provenance.json")
        before = {p: p.read_bytes() for p in (data, mapping, view)}
        target = tmp_path / "out.csv"
    code, _, err = cli(capsys, "export", data, "--mapping", mapping, "--view", view, "--format", "csv",
                       "-o", target)
    message = one_line_error(err)
    assert code == 2
    assert "Choose another name" in message
    assert {p: p.read_bytes() for p in before} == before
    assert parts(tmp_path) == []


def test_the_cli_refuses_its_inputs_before_reading_them(tmp_path, capsys, monkeypatch):
    data, mapping, view = _inputs(tmp_path)
    import youthdrugs_gui.core.sources as sources

    def no_reading(*a, **k):
        raise AssertionError("the input was read before the output was checked")

    monkeypatch.setattr(sources, "load_files", no_reading)
    code, _, err = cli(capsys, "export", data, "--mapping", mapping, "--format", "csv", "-o", mapping)
    assert code == 2 and "mapping" in one_line_error(err)


def _special_files(tmp_path: Path) -> list[tuple[str, Path]]:
    made = []
    fifo = tmp_path / "pipe.csv"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        made.append(("pipe", fifo))
    dev = tmp_path / "device.csv"
    try:  # a null device of our own (root only): never /dev/null itself
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        made.append(("device", dev))
    except (AttributeError, PermissionError, OSError):
        pass
    real = tmp_path / "real.csv"
    real.write_text("the user's file")
    link = tmp_path / "link.csv"
    try:
        link.symlink_to(real)
        made.append(("link", link))
    except OSError:
        pass
    return made


def test_a_device_pipe_or_link_is_never_replaced(tmp_path, capsys):
    specials = _special_files(tmp_path)
    assert specials
    for kind, path in specials:
        before = os.lstat(path)
        with pytest.raises(ExportError) as e:
            export_rows(tiny(), np.arange(3), path)
        assert "\n" not in str(e.value) and path.name in str(e.value), kind
        code, _, err = cli(capsys, "export", "--force", "Kent", "-o", path)
        assert code == 2 and path.name in one_line_error(err)
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev), kind
        assert not sidecar_path(path).exists()
    assert (tmp_path / "real.csv").read_text() == "the user's file"
    assert parts(tmp_path) == []


def test_a_device_where_the_record_goes_is_never_replaced(tmp_path):
    out = tmp_path / "out.csv"
    side = sidecar_path(out)
    if hasattr(os, "mkfifo"):
        os.mkfifo(side)
    else:  # pragma: no cover
        pytest.skip("needs named pipes")
    with pytest.raises(ExportError, match="provenance.json"):
        export_rows(tiny(), np.arange(3), out)
    assert not out.exists() and stat.S_ISFIFO(os.lstat(side).st_mode)


def test_a_read_only_file_is_refused_even_as_root(tmp_path, capsys):
    out = tmp_path / "out.csv"
    out.write_bytes(b"locked\r\n")
    os.chmod(out, 0o444)
    with pytest.raises(ExportError) as e:
        export_rows(tiny(), np.arange(3), out)
    assert "read-only" in str(e.value) and "\n" not in str(e.value)
    code, _, err = cli(capsys, "export", "--force", "Kent", "-o", out)
    assert code == 2 and "read-only" in one_line_error(err)
    assert out.read_bytes() == b"locked\r\n" and not sidecar_path(out).exists()
    # a read-only record is part of the pair
    free = old_pair(tmp_path, "free.csv")
    os.chmod(sidecar_path(free), 0o444)
    with pytest.raises(ExportError, match="read-only"):
        export_table(pd.DataFrame({"a": [1]}), free)
    assert_old_pair(free)
    # confirmed (the window asks first): replaced
    res = export_rows(tiny(), np.arange(3), out, replace_read_only=True)
    assert export.record_matches(out) and res.rows == 3
    assert parts(tmp_path) == []


def test_the_export_dialog_asks_before_replacing_a_read_only_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from youthdrugs_gui.qt.export_dialog import ExportDialog
    from youthdrugs_gui.qt.mainwindow import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_sample()
    win.controller.only("force", "City of London")
    win.controller.flush()
    out = tmp_path / "locked.csv"
    out.write_bytes(b"locked\r\n")
    os.chmod(out, 0o444)
    asked: list[str] = []
    answer = {"value": QMessageBox.StandardButton.No}

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return answer["value"]

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"unexpected warning {a[2:]}"))
    dlg = ExportDialog(win, win.settings)
    qtbot.addWidget(dlg)
    dlg.path.setText(str(out))
    dlg.start_export()
    assert not dlg.busy and out.read_bytes() == b"locked\r\n"
    assert len(asked) == 1 and "read-only" in asked[0] and "\n" in asked[0]
    answer["value"] = QMessageBox.StandardButton.Yes
    dlg.start_export()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=30000)
    assert dlg.written is not None
    assert out.read_bytes() != b"locked\r\n" and export.record_matches(out)


def test_the_export_dialog_refuses_a_pipe_without_asking(qtbot, tmp_path, monkeypatch):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from youthdrugs_gui.qt.export_dialog import ExportDialog
    from youthdrugs_gui.qt.mainwindow import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_sample()
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked to replace a pipe"))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    dlg = ExportDialog(win, win.settings)
    qtbot.addWidget(dlg)
    dlg.path.setText(str(pipe))
    dlg.start_export()
    assert not dlg.busy and len(shown) == 1 and "pipe.csv" in shown[0] and "\n" not in shown[0]
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


# ---- counts too large ----------------------------------------------------------------------------
def test_counts_adding_up_past_2_to_the_53_are_refused_by_the_cli(tmp_path, capsys):
    data = tmp_path / "huge.csv"
    data.write_text("Force,Count\n" + f"Kent,{BIG}\n" * 1100)
    out = tmp_path / "out.csv"
    code, _, err = cli(capsys, "export", data, "--group-by", "force", "-o", out)
    message = one_line_error(err)
    assert code == 2 and "too large" in message and "9,007,199,254,740,992" in message
    assert not out.exists() and parts(tmp_path) == []


def test_one_count_of_2_to_the_53_still_loads_and_adds_up(tmp_path):
    ds = Dataset.from_frame(pd.DataFrame({"force": ["Kent", "Essex"], "count": np.array([BIG - 1, 1])}), name="t")
    table = aggregate(ds, np.arange(2), ["force"])
    assert sorted(table["count"].tolist()) == [1, BIG - 1]
    assert int(aggregate(ds, np.arange(2), [])["count"].iloc[0]) == BIG


@pytest.mark.parametrize("counts", [
    np.array([BIG + 2, 1], dtype=np.int64),  # the importers' int64 counts
    np.array([2**62, 2**62], dtype=np.int64),  # each allowed by int64, the sum wraps round
    np.array([1e20, 1.0]),  # floats: astype(int64) would wrap
    np.array([str(10**20), "1"], dtype=object),  # text
    np.full(1100, BIG, dtype=np.int64),  # each at the limit, 1,100 of them
], ids=["int64 above", "int64 sum wraps", "float", "text", "1100 at the limit"])
def test_from_frame_refuses_counts_that_cannot_be_added_exactly(counts):
    frame = pd.DataFrame({"force": ["Kent"] * len(counts), "count": counts})
    with pytest.raises(LoadError) as e:
        Dataset.from_frame(frame, name="big.csv")
    text = str(e.value)
    assert text.startswith("big.csv: ") and "too large" in text and "\n" not in text


def test_aggregate_refuses_sums_past_2_to_the_53_on_a_data_set_built_directly():
    n = 1100
    frame = pd.DataFrame({"force": pd.Categorical(["Kent", "Essex"] * (n // 2)),
                          "count": np.full(n, BIG, dtype=np.int64)})
    ds = Dataset(frame=frame, name="direct")  # past from_frame's checks
    for group in (["force"], []):
        with pytest.raises(YouthDrugsError, match="too large"):
            aggregate(ds, np.arange(n), group)


def test_a_count_that_is_not_a_number_is_not_quoted_in_the_message():
    secret = "Jane Doe DOB 03/03/2009 (care leaver)"
    frame = pd.DataFrame({"force": ["Kent", "Essex"], "count": np.array(["1", secret], dtype=object)})
    with pytest.raises(LoadError) as e:
        Dataset.from_frame(frame, name="t.csv")
    assert "Jane" not in str(e.value) and "2009" not in str(e.value) and "not a number" in str(e.value)
