"""Hostile files the program reads on its own: the settings file, the crash log, saved views and mapping
files. Nothing read may run code (PySide6 unpickles a `@Variant(... PySide::PyObjectWrapper ...)` value in a
QSettings INI file), nothing may be written through a link, and the window always starts: a bad value is
dropped with a plain warning and the file rewritten."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings as hyp_settings, strategies as st
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMessageBox

from youthdrugs_gui.core.crashlog import data_folder, log_exception
from youthdrugs_gui.core.errors import FilterError, MappingError
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources.generic import parse_mapping
from youthdrugs_gui.qt import crash
from youthdrugs_gui.qt.mainwindow import MainWindow

POSIX = os.name == "posix"
GOOD = "chart_group_by=drug_class\n"  # a good value next to the bad one: it must be kept


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    """Qt's user-scope INI settings in a temporary folder; the settings file's path is returned."""
    from youthdrugs_gui.qt import app as qtapp

    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    (folder / qtapp.ORG).mkdir(parents=True)
    yield folder / qtapp.ORG / "youthdrugs_gui.ini"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path.home() / ".config"))


@pytest.fixture
def dialogs(monkeypatch):
    shown: list[tuple[str, str, str]] = []
    for kind in ("critical", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind, **k: shown.append(
            (_k, title, text)))
    return shown


class _Planted:
    """An object whose unpickling creates `marker`: what an attacker hides in a settings file."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _pickled_value(tmp_path: Path, marker: Path) -> str:
    """A real PySide `@Variant(...PyObjectWrapper...)` INI value, written by QSettings itself."""
    scratch = tmp_path / "scratch.ini"
    s = QSettings(str(scratch), QSettings.Format.IniFormat)
    s.setValue("x", _Planted(marker))
    s.sync()
    del s
    line = next(ln for ln in scratch.read_text(encoding="utf-8").splitlines() if ln.startswith("x="))
    value = line.split("=", 1)[1]
    if value.startswith('"') and value.endswith('"'):  # Qt quotes it when the pickle holds a , ; or =
        value = value[1:-1]
    assert value.startswith("@Variant(") and "PySide::PyObjectWrapper" in value
    assert not marker.exists()
    return value


def _start(qtbot, settings) -> MainWindow:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_sample()
    w.controller.flush()
    return w


# ---- 1. nothing read runs code ------------------------------------------------------------------------
PICKLE_FORMS = {
    "geometry (read first)": lambda v: f"geometry={v}\n",
    "recent files": lambda v: f"recent_files={v}\n",
    "quoted": lambda v: f'last_view="{v}"\n',
    "inside a list": lambda v: f"recent_files=a.csv, {v}\n",
    "@ written as \\x40": lambda v: "recent_options=\\x40" + v[1:] + "\n",
    "as @DateTime": lambda v: "last_folder=@DateTime(" + v[len("@Variant("):] + "\n",
    "unknown key": lambda v: f"window_state={v}\n",
}


@pytest.mark.parametrize("form", list(PICKLE_FORMS), ids=list(PICKLE_FORMS))
def test_a_pickled_object_in_the_settings_is_never_unpickled(form, config, tmp_path, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    marker = tmp_path / "pwned"
    config.write_text("[General]\n" + GOOD + PICKLE_FORMS[form](_pickled_value(tmp_path, marker)), encoding="utf-8")
    settings, warning = open_settings()
    text = config.read_text(encoding="utf-8")
    w = _start(qtbot, settings)
    started = w.controller.result.n_rows
    group_by = w.controller.group_by
    w.close()  # writes the settings back
    assert not marker.exists(), "the pickled object was unpickled: code from the settings file ran"
    assert "Variant" not in text and "PyObjectWrapper" not in text and "DateTime" not in text
    assert "could not be used and were removed" in warning and "could run code" in warning, warning
    assert started == 100_000 and group_by == "drug_class"  # the window started; the good value was kept
    assert "PyObjectWrapper" not in config.read_text(encoding="utf-8")


def test_a_pickled_object_in_another_section_is_never_unpickled(config, tmp_path, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    marker = tmp_path / "pwned"
    config.write_text("[General]\n" + GOOD + "[Other]\nthing=" + _pickled_value(tmp_path, marker) + "\n",
                      encoding="utf-8")
    settings, warning = open_settings()
    w = _start(qtbot, settings)
    w.close()
    assert not marker.exists(), "the pickled object was unpickled: code from the settings file ran"
    assert "could not be used" in warning
    assert "Other" not in config.read_text(encoding="utf-8")


START_UP = """
import json, os, sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QMessageBox
from youthdrugs_gui.qt.mainwindow import MainWindow
shown, rows = [], []
QMessageBox.warning = staticmethod(lambda parent, title, text, *a, **k: shown.append(text))
real_show = MainWindow.show
def show(self):
    rows.append(self.controller.result.n_rows)
    real_show(self)
MainWindow.show = show
from youthdrugs_gui.qt.app import run_gui
code = run_gui(["--exit-after-start"])
print(json.dumps({"code": code, "warnings": shown, "rows": rows, "seconds": time.perf_counter() - t0}), flush=True)
os._exit(0)
"""


def test_start_up_with_a_pickled_geometry_runs_no_code(tmp_path):
    """The whole start-up (run_gui, its own process, as a user would start it) on a settings file whose
    geometry is a pickled object: no code runs, one warning, the window opens on the sample."""
    marker = tmp_path / "pwned"
    folder = tmp_path / "config" / "youthdrugs_gui"
    folder.mkdir(parents=True)
    ini = folder / "youthdrugs_gui.ini"
    ini.write_text(f"[General]\ngeometry={_pickled_value(tmp_path, marker)}\n{GOOD}", encoding="utf-8")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", START_UP], capture_output=True, text=True, env=env, timeout=120)
    assert not marker.exists(), "the pickled object was unpickled: code from the settings file ran"
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["code"] == 0 and got["rows"] == [100_000] and len(got["warnings"]) == 1
    assert "window size and position" in got["warnings"][0]
    assert "PyObjectWrapper" not in ini.read_text(encoding="utf-8")
    assert not (tmp_path / "data" / "youthdrugs_gui" / "crash.log").exists()


# ---- 3. the window always starts ------------------------------------------------------------------------
HOSTILE = {
    "recent_files=5": "recent_files=5\n",
    "recent_files=null": "recent_files=null\n",
    "recent_files=1e999": "recent_files=1e999\n",
    "recent_files NaN": "recent_files=[[NaN]]\n",
    "recent_files of numbers": "recent_files=[[1, 2]]\n",
    "recent_files as a list": "recent_files=a.csv, b.csv\n",
    "recent_files 200,000 deep": "recent_files=" + "[" * 200_000 + "\n",
    "recent_options=5": "recent_options=5\n",
    "recent_options a list": "recent_options=[1]\n",
    "recent_options deep": "recent_options=" + '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n",
    "last_view 200,000 deep": "last_view=" + "[" * 200_000 + "\n",
    "last_view=1e999": "last_view=1e999\n",
    "last_view not a view": 'last_view="{\\"filters\\": 5}"\n',
    "geometry as text": "geometry=hello\n",
    "geometry as @Rect": "geometry=@Rect(0 0 10 10)\n",
    "geometry huge": "geometry=@ByteArray(" + "x" * 200_000 + ")\n",
    "split as a number": "split=7\n",
    "chart_stack_by as bytes": "chart_stack_by=@ByteArray(sex)\n",
    "last_folder huge": "last_folder=" + "x" * 300_000 + "\n",
    "@Invalid": "export_folder=@Invalid()\n",
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_bad_value_is_dropped_with_a_warning_and_the_window_starts(case, config, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    config.write_text("[General]\n" + GOOD + HOSTILE[case], encoding="utf-8")
    t0 = time.perf_counter()
    settings, warning = open_settings()
    w = _start(qtbot, settings)
    took = time.perf_counter() - t0
    assert f"Some of your saved settings ({config}) could not be used and were removed: " in warning, warning
    assert w.controller.result.n_rows == 100_000 and w.controller.group_by == "drug_class"
    key = HOSTILE[case].split("=", 1)[0]
    assert key not in settings.allKeys()
    lines = config.read_text(encoding="utf-8").splitlines()
    assert not any(ln.startswith(key + "=") for ln in lines) and "chart_group_by=drug_class" in lines
    assert took < 10
    w.close()
    again, warning = open_settings()  # what the window wrote back is clean
    assert warning == "" and again.value("chart_group_by") == "drug_class"


def test_a_huge_settings_file_is_reset_with_a_warning(config, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    config.write_text("[General]\n" + GOOD + "last_folder=" + "x" * 30_000_000 + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    settings, warning = open_settings()
    w = _start(qtbot, settings)
    assert time.perf_counter() - t0 < 10
    assert warning.startswith(f"Your saved settings ({config}) were too large") and "were reset" in warning
    assert w.controller.result.n_rows == 100_000
    assert config.stat().st_size < 1000


def test_a_plain_qsettings_with_bad_values_does_not_stop_the_window(tmp_path, qtbot):
    """MainWindow reads its settings defensively even when handed a QSettings it did not open."""
    ini = tmp_path / "s.ini"
    ini.write_text("[General]\nrecent_files=5\nrecent_options=null\nlast_view=" + "[" * 200_000 + "\n",
                   encoding="utf-8")
    w = _start(qtbot, QSettings(str(ini), QSettings.Format.IniFormat))
    assert w.recent_files() == [] and w._recent_options() == {} and w.last_view() is None


def test_settings_hold_only_plain_values(config, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    settings, _ = open_settings()
    with pytest.raises(TypeError):
        settings.setValue("anything", object())
    w = _start(qtbot, settings)
    w._add_recent(["/data/a, b=c; d.csv", "@odd \"name\"\\x.csv"], {"format": "generic"})
    w.close()
    text = config.read_text(encoding="utf-8")
    assert "@Variant" not in text and "geometry=@ByteArray(" in text
    again, warning = open_settings()
    assert warning == ""
    assert json.loads(again.value("recent_files"))[0] == ["/data/a, b=c; d.csv", "@odd \"name\"\\x.csv"]
    q = QSettings(str(config), QSettings.Format.IniFormat)  # and Qt reads what we wrote the same way
    assert q.value("recent_files") == again.value("recent_files")
    assert bytes(q.value("geometry")) == bytes(again.value("geometry"))


def test_settings_that_cannot_be_saved_never_stop_the_window(config, qtbot, monkeypatch):
    from youthdrugs_gui.core import safeio
    from youthdrugs_gui.qt.app import open_settings

    settings, _ = open_settings()
    w = _start(qtbot, settings)

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio, "write_private", disk_full)
    w.close()  # saves the settings: fails, quietly
    assert settings.status() == QSettings.Status.AccessError
    assert settings.problem == f"Your settings could not be saved to {config} (No space left on device)."


# ---- 2. never write through a link ---------------------------------------------------------------------
@pytest.mark.skipif(not POSIX, reason="links and file modes are POSIX")
def test_a_linked_settings_file_is_replaced_not_written_through(config, tmp_path, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    victim = tmp_path / "shadow"
    victim.write_text("root:secret\n", encoding="utf-8")
    victim.chmod(0o644)
    config.symlink_to(victim)
    settings, warning = open_settings()
    w = _start(qtbot, settings)
    w._add_recent([str(tmp_path / "a.csv")])
    w.close()
    assert victim.read_text(encoding="utf-8") == "root:secret\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert "was a link" in warning and str(victim) in warning and "not changed" in warning, warning
    st = os.lstat(config)
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert "a.csv" in config.read_text(encoding="utf-8")


@pytest.mark.skipif(not POSIX, reason="links and file modes are POSIX")
def test_make_private_never_changes_modes_through_links(tmp_path):
    from youthdrugs_gui.qt.settings import make_private

    victim_dir = tmp_path / "etc"
    victim_dir.mkdir()
    victim_dir.chmod(0o755)
    victim = victim_dir / "shadow"
    victim.write_text("x", encoding="utf-8")
    victim.chmod(0o644)
    linked_folder = tmp_path / "folder"
    linked_folder.symlink_to(victim_dir)
    make_private(QSettings(str(linked_folder / "shadow"), QSettings.Format.IniFormat))
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    (real_folder / "s.ini").symlink_to(victim)
    make_private(QSettings(str(real_folder / "s.ini"), QSettings.Format.IniFormat))
    assert stat.S_IMODE(victim_dir.stat().st_mode) == 0o755
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert stat.S_IMODE(real_folder.stat().st_mode) == 0o700  # a real folder is still made private


@pytest.mark.skipif(not POSIX, reason="links and file modes are POSIX")
def test_a_folder_in_place_of_the_settings_file_gives_a_warning_and_the_window_starts(config, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    config.mkdir()
    settings, warning = open_settings()
    assert f"{config} is a folder" in warning, warning
    w = _start(qtbot, settings)
    w.close()
    assert config.is_dir()


# ---- 2. the crash log ------------------------------------------------------------------------------------
def _crash(message: str = "boom") -> tuple[type, BaseException, object]:
    try:
        raise RuntimeError(message)
    except RuntimeError as e:
        return type(e), e, e.__traceback__


@pytest.mark.skipif(not POSIX, reason="links and file modes are POSIX")
def test_a_linked_crash_log_is_replaced_not_written_through(tmp_path, qapp, dialogs):
    victim = tmp_path / "shadow"
    victim.write_text("root:secret\n", encoding="utf-8")
    victim.chmod(0o644)
    log = data_folder() / "crash.log"
    log.parent.mkdir(parents=True)
    log.symlink_to(victim)
    crash._hook(*_crash())
    assert victim.read_text(encoding="utf-8") == "root:secret\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    st = os.lstat(log)
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert str(log) in dialogs[0][2] and "was a link" in dialogs[0][2]


@pytest.mark.skipif(not POSIX, reason="links and file modes are POSIX")
def test_hard_links_are_never_written_to_or_chmod_ed(tmp_path, qapp, dialogs):
    from youthdrugs_gui.qt.settings import make_private

    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0\n", encoding="utf-8")
    victim.chmod(0o644)
    log = data_folder() / "crash.log"
    log.parent.mkdir(parents=True)
    os.link(victim, log)
    crash._hook(*_crash())
    settings_file = tmp_path / "s.ini"
    os.link(victim, settings_file)
    make_private(QSettings(str(settings_file), QSettings.Format.IniFormat))
    assert victim.read_text(encoding="utf-8") == "root:x:0:0\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8") and os.stat(log).st_nlink == 1


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_an_existing_crash_log_readable_by_others_is_made_private(tmp_path):
    log = data_folder() / "crash.log"
    log.parent.mkdir(parents=True)
    log.write_text("older entries\n", encoding="utf-8")
    log.chmod(0o644)
    assert log_exception(*_crash()) == log
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert log.read_text(encoding="utf-8").startswith("older entries\n")


def test_a_folder_in_place_of_the_crash_log_gets_an_honest_message(qapp, dialogs):
    log = data_folder() / "crash.log"
    log.mkdir(parents=True)
    crash._hook(*_crash())  # never raises
    assert len(dialogs) == 1
    kind, title, text = dialogs[0]
    assert kind == "critical" and "your data and filters are still open" in text
    assert "could not be saved" in text and f"{log} is a folder" in text and "were saved to" not in text
    assert "Traceback" not in text and "RuntimeError" not in text


def test_the_crash_log_holds_no_local_values_and_bounded_messages():
    def fails_on_a_cell():
        cell = "Jane Doe, 14, Kent"  # a value from the data, held in a local variable
        raise ValueError("could not read a cell " + "x" * 100_000 + cell[:0])

    try:
        fails_on_a_cell()
    except ValueError as e:
        log = log_exception(type(e), e, e.__traceback__)
    text = log.read_text(encoding="utf-8")
    assert "fails_on_a_cell" in text and "ValueError: could not read a cell" in text
    assert "Jane Doe" not in text
    assert len(text) < 10_000


# ---- 1. every JSON the program reads: data only, bounded ------------------------------------------------
def _deep(levels: int) -> str:
    return '{"filters": {}, "notes": ' + "[" * levels + "]" * levels + "}"


def test_a_view_nested_too_deep_is_refused():
    assert FilterState.from_json(_deep(50)) == FilterState()
    with pytest.raises(FilterError, match="damaged or is not a view file"):
        FilterState.from_json(_deep(150))


def test_a_huge_view_file_is_refused_without_reading_it_all(tmp_path):
    p = tmp_path / "huge.view.json"
    p.write_text('{"search": "' + "a" * 6_000_000 + '"}', encoding="utf-8")
    with pytest.raises(FilterError) as err:
        FilterState.load(p)
    assert str(err.value) == ("huge.view.json is too large to be a saved view (5.7 MB; a saved view is a few "
                              "kilobytes). Choose a file saved with View > Save view.")


def _finishes(fn, seconds: float = 5.0) -> BaseException | None:
    """Run fn on a thread; fail if it is still blocked after `seconds`; return what it raised."""
    out: list[BaseException | None] = []

    def run():
        try:
            fn()
            out.append(None)
        except BaseException as e:  # noqa: BLE001
            out.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert out, "blocked reading the file"
    return out[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_given_as_a_view_or_mapping_is_refused_not_waited_on(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    err = _finishes(lambda: FilterState.load(pipe))
    assert isinstance(err, FilterError) and "is not an ordinary file" in str(err)
    err = _finishes(lambda: parse_mapping(pipe))
    assert isinstance(err, MappingError) and "is not an ordinary file" in str(err)


def test_a_mapping_nested_too_deep_or_too_large_is_refused(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"columns": {"Area": "force"}, "notes": ' + "[" * 150 + "]" * 150 + "}", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid JSON"):
        parse_mapping(deep)
    big = tmp_path / "big.json"
    big.write_text('{"columns": {"Area": "force"}, "notes": "' + "a" * 6_000_000 + '"}', encoding="utf-8")
    with pytest.raises(MappingError) as err:
        parse_mapping(big)
    assert str(err.value) == ("The column mapping file big.json is too large to be a column mapping (5.7 MB; a "
                              "mapping is a few kilobytes). Choose the right file.")
    assert parse_mapping('{"columns": {"Area": "force"}, "notes": ' + "[" * 50 + "]" * 50 + "}")[0] == {
        "Area": "force"}


def test_non_numbers_in_json_are_refused():
    with pytest.raises(FilterError, match="not valid JSON"):
        FilterState.from_json('{"filters": {}, "x": NaN}')
    with pytest.raises(FilterError, match="not valid JSON"):
        FilterState.from_json('{"filters": {}, "x": 1e999}')
    with pytest.raises(MappingError, match="not valid JSON"):
        parse_mapping('{"Area": "force", "x": Infinity}')


# ---- the file stays what QSettings writes and reads ------------------------------------------------------

@hyp_settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60), data=st.binary(max_size=60))
def test_settings_written_by_qt_are_read_the_same_and_the_other_way(tmp_path_factory, text, data):
    """Existing settings files (written by QSettings) keep their text and bytes; what is written here,
    QSettings reads back the same (so the layout stays the one Qt documents)."""
    from youthdrugs_gui.qt.settings import format_ini, parse_ini

    folder = tmp_path_factory.mktemp("ini")
    by_qt = folder / "qt.ini"
    q = QSettings(str(by_qt), QSettings.Format.IniFormat)
    q.setValue("last_folder", text)
    q.setValue("geometry", QByteArray(data))  # (Python bytes would be pickled by PySide)
    q.sync()
    del q
    values, refused = parse_ini(by_qt.read_bytes().decode("utf-8"))
    expected = {"geometry": data} if data else {}
    if text:
        expected["last_folder"] = text
    assert refused == [] and {k: v for k, v in values.items() if v not in ("", b"")} == expected
    ours = folder / "ours.ini"
    ours.write_bytes(format_ini({"last_folder": text, "geometry": data}))
    q = QSettings(str(ours), QSettings.Format.IniFormat)
    assert q.value("last_folder") == text
    assert bytes(q.value("geometry")) == data
