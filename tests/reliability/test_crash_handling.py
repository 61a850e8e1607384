"""Crash handling: an unexpected exception (called through the hook, and raised for real in a Qt slot)
is written to crash.log in the user's data folder (XDG_DATA_HOME points at a temporary folder here),
the user is shown a dialog saying where the log is, and the window stays alive and usable. Settings
that fail to parse are reset with a warning, and the window starts on them."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from youthdrugs_gui.core.crashlog import data_folder
from youthdrugs_gui.core.errors import FilterError
from youthdrugs_gui.qt import crash
from youthdrugs_gui.qt.mainwindow import MainWindow


@pytest.fixture
def dialogs(monkeypatch):
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append(
        ("critical", title, text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(
        ("warning", title, text)))
    return shown


def _still_alive(win) -> None:
    win.controller.only("force", "Kent")
    win.controller.flush()
    QApplication.processEvents()
    assert win.isVisible()
    assert win.controller.result.n_rows > 0
    assert win.controller.state.selected("force") == {"Kent"}


def _boom():
    raise ZeroDivisionError("something the program did not expect")


def test_hook_logs_tells_the_user_and_keeps_the_window(win, dialogs, tmp_path):
    log = data_folder() / "crash.log"
    assert str(log).startswith(os.environ["XDG_DATA_HOME"])
    assert not log.exists()
    try:
        _boom()
    except ZeroDivisionError as e:
        crash._hook(type(e), e, e.__traceback__)
    text = log.read_text(encoding="utf-8")
    assert "ZeroDivisionError: something the program did not expect" in text and "_boom" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert len(dialogs) == 1
    kind, title, message = dialogs[0]
    assert kind == "critical" and title == "Something went wrong"
    assert str(log) in message and "Traceback" not in message and "ZeroDivisionError" not in message
    _still_alive(win)


def test_user_errors_reaching_the_hook_are_shown_as_themselves(win, dialogs):
    err = FilterError("Police force has no value 'Gotham'.")
    crash._hook(FilterError, err, None)
    assert dialogs == [("warning", "Youth Drug Offences Explorer", "Police force has no value 'Gotham'.")]
    _still_alive(win)


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_real_slot_is_logged_and_the_window_lives(win, dialogs, qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", crash._hook)  # what crash.install() does at start-up
    called = []

    def slot():
        called.append(1)
        _boom()

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert called == [1]
    log = data_folder() / "crash.log"
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
    assert dialogs[0][0] == "critical" and str(log) in dialogs[0][2]
    _still_alive(win)


def test_a_second_crash_appends_to_the_log(win, dialogs):
    for i in range(2):
        try:
            raise KeyError(f"crash {i}")
        except KeyError as e:
            crash._hook(type(e), e, e.__traceback__)
    text = (data_folder() / "crash.log").read_text(encoding="utf-8")
    assert "crash 0" in text and "crash 1" in text and text.count("--- ") == 2
    assert len(dialogs) == 2
    _still_alive(win)


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_while_opening_files_is_logged_and_said_once(win, dialogs, qtbot, tmp_path, monkeypatch):
    from youthdrugs_gui.core.engine import Engine

    def broken_warm(self, progress=None):
        raise ZeroDivisionError("a bug while preparing the data")

    monkeypatch.setattr(Engine, "warm", broken_warm)
    f = tmp_path / "mine.csv"
    f.write_text("Police Force Area,Age at offence,Number\nEssex,14,3\n", encoding="utf-8")
    win.open_files([str(f)])
    qtbot.waitUntil(lambda: bool(dialogs) and not win.loader.busy, timeout=10000)
    qtbot.wait(50)
    log = data_folder() / "crash.log"
    assert "a bug while preparing the data" in log.read_text(encoding="utf-8")
    assert len(dialogs) == 1
    kind, title, message = dialogs[0]
    assert kind == "critical" and title == "Something went wrong"
    assert message.startswith("The files could not be opened because of an unexpected problem")
    assert str(log) in message and "ZeroDivisionError" not in message
    assert win.dataset.synthetic and not win.busy.isVisible()
    _still_alive(win)


# ---- settings that fail to parse --------------------------------------------------------------------
@pytest.fixture
def user_settings_folder(tmp_path, monkeypatch):
    """Point Qt's user-scope INI settings at a temporary XDG_CONFIG_HOME, and back afterwards."""
    from youthdrugs_gui.qt import app as qtapp

    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder / qtapp.ORG
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path.home() / ".config"))


CORRUPT = b"\x00\xff\xfe[General\ngeometry=@ByteArray(\x01\n[[[\n=\nrecent_files=[\"/a\"\n"


def test_unreadable_settings_are_reset_with_a_warning(user_settings_folder, qtbot):
    from youthdrugs_gui.qt.app import open_settings

    user_settings_folder.mkdir(parents=True)
    ini = user_settings_folder / "youthdrugs_gui.ini"
    ini.write_bytes(CORRUPT)
    settings, warning = open_settings()
    assert Path(settings.fileName()) == ini
    assert warning == f"Your saved settings ({ini}) could not be read and were reset."
    assert settings.allKeys() == []
    assert ini.read_bytes() == b""
    w = MainWindow(settings)  # and the window starts on them
    qtbot.addWidget(w)
    w.open_sample()
    assert w.controller.result.n_rows == 100_000
    w.save_settings()
    again, warning = open_settings()
    assert warning == "" and "geometry" in again.allKeys()


def test_readable_settings_are_kept(user_settings_folder):
    from youthdrugs_gui.qt.app import open_settings

    s, warning = open_settings()
    s.setValue("chart_group_by", "force")
    s.sync()
    s2, warning = open_settings()
    assert warning == "" and s2.value("chart_group_by") == "force"


START_UP = """
import json, os, sys
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
print(json.dumps({"code": code, "warnings": shown, "rows": rows}), flush=True)
os._exit(0)
"""


def test_start_up_with_corrupt_settings_warns_and_opens(tmp_path):
    """The whole start-up (run_gui, in its own process) on a corrupt settings file: one warning, then
    the window on the sample; the file is reset."""
    folder = tmp_path / "config" / "youthdrugs_gui"
    folder.mkdir(parents=True)
    ini = folder / "youthdrugs_gui.ini"
    ini.write_bytes(CORRUPT)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", START_UP], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == {"code": 0, "rows": [100_000],
                   "warnings": [f"Your saved settings ({ini}) could not be read and were reset."]}
    assert b"\x00" not in ini.read_bytes()  # the unreadable content is gone
    assert not (tmp_path / "data" / "youthdrugs_gui" / "crash.log").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_settings_naming_recent_files_are_readable_by_the_user_only(user_settings_folder, qtbot, tmp_path):
    from youthdrugs_gui.qt.app import open_settings

    settings, _ = open_settings()
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_sample()
    w._add_recent([str(tmp_path / "children in care.csv")])
    w.close()
    ini = Path(settings.fileName())
    assert "children in care" in ini.read_text(encoding="utf-8")
    assert ini.stat().st_mode & 0o777 == 0o600
    assert ini.parent.stat().st_mode & 0o777 == 0o700
