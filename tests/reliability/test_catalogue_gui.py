"""A representative part of the catalogue through the window: MainWindow.open_files loads on the worker
thread (or open_view applies a view); the error dialog (objectName "error_dialog") shows exactly the
catalogue's message, no traceback, nothing is written to the crash log, and the data that was open is
still open with the same filters. Odd but valid files open and the status bar tells the user what was
done to them."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from reliability_catalogue import CATALOGUE, expand, prepare
from youthdrugs_gui.core.crashlog import data_folder
from youthdrugs_gui.qt.mainwindow import MainWindow

GUI_ERRORS = [e for e in CATALOGUE if e.gui and e.message is not None]
GUI_VALID = [e for e in CATALOGUE if e.gui and e.message is None]


@pytest.fixture
def win(qtbot, tmp_path):
    w = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_sample()
    w.show()
    qtbot.waitExposed(w)
    w.controller.only("force", "Essex")
    w.controller.flush()
    QApplication.processEvents()
    return w


def _dialog(win, qtbot) -> QMessageBox:
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "error_dialog") is not None, timeout=15000)
    return win.findChild(QMessageBox, "error_dialog")


def test_the_window_subset_is_representative():
    assert len(GUI_ERRORS) >= 10
    assert {e.stage for e in GUI_ERRORS} == {"load", "view"}


@pytest.mark.parametrize("entry", GUI_ERRORS, ids=[e.name for e in GUI_ERRORS])
def test_bad_input_shows_the_catalogued_message_and_keeps_the_data(entry, win, qtbot, tmp_path, monkeypatch):
    setup = prepare(entry, tmp_path, monkeypatch)
    ds, rows = win.dataset, win.controller.result.n_rows
    if entry.stage == "view":
        win.open_view(str(setup.view))
    else:
        win.open_files([str(f) for f in setup.files])
    box = _dialog(win, qtbot)
    text = box.text()
    expected = entry.gui_message or entry.message
    assert text == expand(expected, tmp_path)
    assert "Traceback" not in text and "Error" not in text
    qtbot.waitUntil(lambda: not win.loader.busy, timeout=15000)
    assert win.dataset is ds and win.dataset.synthetic
    if entry.stage == "load":
        assert win.controller.state.selected("force") == {"Essex"}
        assert win.controller.result.n_rows == rows
    assert "synthetic" in win.windowTitle().casefold()
    assert not (data_folder() / "crash.log").exists()
    box.close()


@pytest.mark.parametrize("entry", GUI_VALID, ids=[e.name for e in GUI_VALID])
def test_odd_but_valid_input_opens(entry, win, qtbot, tmp_path, monkeypatch):
    setup = prepare(entry, tmp_path, monkeypatch)
    win.open_files([str(f) for f in setup.files])
    qtbot.waitUntil(lambda: win.dataset is not None and not win.dataset.synthetic, timeout=15000)
    assert win.controller.result.n_total == entry.rows
    entry.check(win.dataset)
    if entry.note:  # in full where the user can read it, and pointed to from the status bar
        assert "Data notes" in win.statusBar().currentMessage()
        win.show_data_notes()
        shown = " ".join(win.notes_dialog.text.toPlainText().split()).replace("- ", "")
        assert entry.note.casefold() in shown.casefold()
    assert win.findChild(QMessageBox, "error_dialog") is None
