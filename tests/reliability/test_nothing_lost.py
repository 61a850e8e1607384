"""Nothing lost.

* Reading never changes or locks a file: after loading (in the core and through the window's worker),
  every input has the same bytes and modification time, no file descriptor of this process still
  points at it, and it can be renamed and deleted at once.
* Export is atomic under SIGKILL. tests/core/test_export.py::test_killed_export_leaves_old_file kills a
  CSV export part-way and checks the earlier file, its provenance record and the clean-up of the
  temporary file; test_export_cleans_leftovers_first checks the next export removes stale ones. Here
  the same for an XLSX export run by the real command line (`python -m youthdrugs_gui export`), whose
  openpyxl scratch file must not survive either, and the clean-up is done by the next run itself.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QSettings

from youthdrugs_gui.core.sources import load_files

POSIX = os.name == "posix"


def _inputs(folder: Path, shared: Path | None) -> list[Path]:
    """One file of every kind the program reads, and every real file when ../shared is there."""
    frame = pd.DataFrame({"Police force": ["Kent", "Essex"], "Age": [15, 16], "Drug class": ["A", "B"],
                          "Count": [3, 2]})
    made = []
    for name, write in (("t.csv", lambda p: frame.to_csv(p, index=False)),
                        ("t.xlsx", lambda p: frame.to_excel(p, index=False)),
                        ("t.ods", lambda p: frame.to_excel(p, index=False, engine="odf")),
                        ("t.parquet", lambda p: frame.to_parquet(p))):
        write(folder / name)
        made.append(folder / name)
    if shared is not None:
        made += sorted(shared.glob("*/*.csv"))
    return made


def _open_fds_to(path: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return []
    target = os.path.realpath(path)
    hits = []
    for fd in fd_dir.iterdir():
        try:
            if os.path.realpath(os.readlink(fd)) == target:
                hits.append(fd.name)
        except OSError:
            continue
    return hits


def _fingerprint(p: Path) -> tuple[bytes, int]:
    return p.read_bytes(), p.stat().st_mtime_ns


def _can_rename_and_delete(p: Path, tmp_path: Path) -> None:
    copy = tmp_path / ("moved-" + p.name)
    os.replace(p, copy)
    os.replace(copy, p)


RAW = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw").resolve()


@pytest.fixture
def real_or_none() -> Path | None:
    """The real files when ../shared is there (the made files are tested either way)."""
    return RAW if RAW.is_dir() else None


def test_loading_never_changes_or_locks_a_file(tmp_path, real_or_none):
    inputs = _inputs(tmp_path, real_or_none)
    before = {p: _fingerprint(p) for p in inputs}
    for p in inputs:
        load_files(p, force="Kent" if "stop-and-search" not in p.name else None)
        assert _open_fds_to(p) == [], p
    for p in inputs:
        assert _fingerprint(p) == before[p], p
    for p in inputs[:4]:  # the project's own copies: rename and delete right after loading
        _can_rename_and_delete(p, tmp_path)
        p.unlink()
        assert not p.exists()


def test_loading_through_the_window_never_locks_a_file(qtbot, tmp_path, real_or_none):
    from youthdrugs_gui.qt.mainwindow import MainWindow

    inputs = _inputs(tmp_path, None)
    before = {p: _fingerprint(p) for p in inputs}
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_files([str(p) for p in inputs])
    qtbot.waitUntil(lambda: w.dataset is not None and not w.loader.busy, timeout=20000)
    assert w.dataset.n_rows == 8
    for p in inputs:
        assert _fingerprint(p) == before[p]
        assert _open_fds_to(p) == []
        p.unlink()  # deleting a file that is open in the window is fine: the data is in memory
    assert w.controller.result.n_rows == 8


CHILD_CLI = """
import sys
from youthdrugs_gui.core.export import writers
real = writers.write_xlsx

def slow(f, tmp, columns, n, *, progress=None, **options):
    def tell(done, total):
        if done >= 16384:
            print("STARTED", flush=True)
            import time; time.sleep(60)  # killed here, in the middle of the workbook
    return real(f, tmp, columns, n, progress=tell, **options)

writers.write_xlsx = slow
from youthdrugs_gui.core.cli import run_cli
sys.exit(run_cli(["export", "-o", sys.argv[1]]))
"""


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_killed_xlsx_export_from_the_cli_loses_nothing_and_next_run_cleans_up(tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the earlier export")
    (tmp_path / "out.xlsx.provenance.json").write_text("earlier record")
    script = tmp_path / "child.py"
    script.write_text(CHILD_CLI)
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=str(tmp_path))
    try:
        line = proc.stdout.readline()
        assert line.strip() == "STARTED", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.read_bytes() == b"the earlier export"
    assert (tmp_path / "out.xlsx.provenance.json").read_text() == "earlier record"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part"))
    assert left and all(n.startswith(".out.xlsx.") for n in left), left  # the workbook and openpyxl's scratch
    for n in left:
        assert (tmp_path / n).stat().st_mode & 0o077 == 0  # partial data was never readable by others
        past = time.time() - 3600
        os.utime(tmp_path / n, (past, past))
    done = subprocess.run([sys.executable, "-m", "youthdrugs_gui", "export", "--force", "City of London",
                           "-o", str(tmp_path / "small.csv")], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert out.read_bytes() == b"the earlier export"
