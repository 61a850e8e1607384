"""The window on the synthetic sample, as most window tests start: shown, with its settings in a
temporary INI file (never the user's)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from youthdrugs_gui.qt.mainwindow import MainWindow


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def win(qtbot, settings) -> MainWindow:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_sample()
    w.show()
    qtbot.waitExposed(w)
    return w
