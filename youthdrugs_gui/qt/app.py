"""Starting the window: the application object, settings, the crash handler, the first data set."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The data libraries are loaded before Qt: once Qt for Python is loaded, every later import passes
# through its import hook, and pandas' hundreds of modules take about 0.1 s longer to load.
import numpy  # noqa: F401
import pandas  # noqa: F401
import pyarrow.parquet  # noqa: F401  (the sample is a Parquet file)
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__
from ..resources import resource_path
from .settings import UserSettings, open_user_settings

ORG = "youthdrugs_gui"
SETTINGS_NAME = "youthdrugs_gui"


def settings_path() -> Path:
    """Where the user's settings file is: the INI file QSettings would use for this program (so a
    QSettings.setPath is honoured). The path is asked for under another name, which has no file, so Qt
    never reads ours."""
    probe = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, SETTINGS_NAME + "-path-probe")
    return Path(probe.fileName()).with_name(SETTINGS_NAME + ".ini")


def open_settings() -> tuple[UserSettings, str]:
    """The user's settings and a warning to show ("" if none). The file is read as plain text, never by Qt
    (a Qt INI value can be a pickled object that PySide6 would unpickle, running code): anything but text
    and bytes, and any value of the wrong kind or size, is dropped and the file rewritten; a file that fails
    to parse is reset; a link in place of the file is replaced, never followed. The file names recent data
    files, so it and its folder are readable by the user only."""
    return open_user_settings(settings_path())


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def run_gui(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="youthdrugs-gui", description="Open the explorer window.")
    parser.add_argument("files", nargs="*", help="data files to open (default: the synthetic sample)")
    parser.add_argument("--view", help="a saved view to apply once the data is open")
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)  # start-up timing
    opts = parser.parse_args(args)

    app = make_app()
    from . import crash

    crash.install()
    from .mainwindow import MainWindow

    settings, warning = open_settings()
    win = MainWindow(settings)
    if opts.files:
        win.open_files(opts.files, opts.view)
    else:
        win.open_sample(win.last_view())
        if opts.view:
            win.open_view(opts.view)
    win.setWindowIcon(QIcon(str(resource_path("icon.svg"))))
    win.show()
    if opts.exit_after_start:
        QTimer.singleShot(0, app.quit)
    if warning:
        QMessageBox.warning(win, APP_NAME, warning)
    return app.exec()
