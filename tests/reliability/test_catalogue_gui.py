"""A representative part of the catalogue through the window: MainWindow.open_files loads on the worker
thread (or open_view applies a view); the error dialog (objectName "error_dialog") shows exactly the
catalogue's message, no traceback, nothing is written to the crash log, and the data that was open is
still open with the same filters. Odd but valid files open and the status bar tells the user what was
done to them."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from reliability_catalogue import CATALOGUE, expand, prepare
from youthdrugs_gui.core.crashlog import data_folder

GUI_ERRORS = [e for e in CATALOGUE if e.gui and e.message is not None]
GUI_VALID = [e for e in CATALOGUE if e.gui and e.message is None]


@pytest.fixture
def win(win):
    """The window on the sample with one force ticked, so that a change of data has filters to keep."""
    win.controller.only("force", "Essex")
    win.controller.flush()
    QApplication.processEvents()
    return win


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


def test_a_renamed_police_uk_file_points_to_open_with_options_in_the_window(win, qtbot, tmp_path, monkeypatch):
    entry = next(e for e in CATALOGUE if e.name == "police.uk file renamed")
    setup = prepare(entry, tmp_path, monkeypatch)
    win.open_files([str(f) for f in setup.files])
    box = _dialog(win, qtbot)
    said = box.text()
    assert said.startswith("stops.csv is a police.uk stop-and-search file, but its name does not say")
    assert "File > Open with options" in said and "--police-force" not in said  # no command-line advice
    assert "--police-force Derbyshire" in entry.message  # the command line keeps its own advice
    assert win.dataset.synthetic and win.controller.state.selected("force") == {"Essex"}
    box.close()


def test_load_notes_are_one_short_line_in_the_status_bar_and_in_full_in_data_notes(win, qtbot, shared_raw):
    files = sorted(shared_raw.glob("ho-arrests-children/*.csv")) + sorted(shared_raw.glob("police-uk-stop-search/*.csv"))
    win.open_files([str(f) for f in files])
    qtbot.waitUntil(lambda: win.dataset is not None and not win.dataset.synthetic, timeout=20000)
    notes = [n for s in win.dataset.sources for n in s.notes]
    assert len(notes) > 1
    bar = win.statusBar()
    message = bar.currentMessage()
    assert message.endswith(f" - {len(notes)} notes on how the data was read: View > Data notes.")
    assert "\n" not in message and not any(n in message for n in notes)
    assert bar.fontMetrics().horizontalAdvance(message) < bar.width()  # not cut off
    win.show_data_notes()
    shown = " ".join(win.notes_dialog.text.toPlainText().split()).casefold()
    assert all(" ".join(n.split()).casefold() in shown for n in notes)
