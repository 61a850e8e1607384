"""Starting the window: the application object, settings, the crash handler, the first data set."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__
from ..resources import resource_path

ORG = "youthdrugs_gui"


def open_settings() -> tuple[QSettings, str]:
    """The user's settings (INI file); a file that fails to parse is reset, with a warning. The file
    names recent data files, so its folder and the file are readable by the user only."""
    s = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, "youthdrugs_gui")
    warning = ""
    if s.status() != QSettings.Status.NoError:
        path = s.fileName()
        s.clear()
        s.sync()
        warning = f"Your saved settings ({path}) could not be read and were reset."
    make_private(s)
    return s, warning


def make_private(settings: QSettings) -> None:
    """Owner-only permissions on the settings file and its folder (POSIX); never fails."""
    if os.name != "posix":
        return
    path = Path(settings.fileName())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        if path.exists():
            path.chmod(0o600)
    except OSError:
        pass


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
