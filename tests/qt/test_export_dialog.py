"""The export dialog: what will be written is worked out off the UI thread (the latest choice wins), a
finished export is announced by a signal the window turns into its status message, and Cancel stops a
running export through its cancel token, leaving the old file."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from youthdrugs_gui.core import export_view
from youthdrugs_gui.core.export import sidecar_path
from youthdrugs_gui.qt.export_dialog import ExportDialog
from youthdrugs_gui.qt.mainwindow import MainWindow


@pytest.fixture
def win(qtbot, tmp_path):
    w = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_sample()
    w.controller.flush()
    return w


def _dialog(win, qtbot) -> ExportDialog:
    dlg = ExportDialog(win, win.settings)
    qtbot.addWidget(dlg)
    return dlg


def test_the_preview_is_worked_out_off_the_ui_thread_and_the_latest_choice_wins(win, qtbot, monkeypatch):
    win.controller.set_grouping("force", "drug_class")
    win.controller.set_values("force", ["Norfolk", "Suffolk", "City of London"])
    win.controller.set_age_range((11, 12))
    win.controller.flush()
    threads: list[threading.Thread] = []
    real = export_view.preview
    monkeypatch.setattr(export_view, "preview", lambda request: threads.append(threading.current_thread())
                        or real(request))
    dlg = _dialog(win, qtbot)
    dlg.table_button.setChecked(True)
    dlg.suppress.setChecked(True)
    for k in (3, 4, 6, 7):
        dlg.k.setValue(k)
    qtbot.waitUntil(lambda: "Counts from 1 to 6 will show as [c]" in dlg.summary.text(), timeout=20000)
    assert threads and threading.main_thread() not in threads
    assert len(threads) < 7  # choices made while a preview was running are worked out once, not each
    assert "table rows will be written" in dlg.summary.text()
    assert "will show as [c]." in dlg.summary.text().split("totals.")[-1]  # how many entries are hidden
    assert dlg.export_button.isEnabled()


def test_a_finished_export_is_announced_and_the_window_says_where_it_went(win, qtbot, tmp_path):
    win.controller.only("force", "City of London")
    win.controller.flush()
    win.export_action.trigger()
    dlg = win.findChildren(ExportDialog)[-1]
    dlg.path.setText(str(tmp_path / "city.csv"))
    with qtbot.waitSignal(dlg.exported, timeout=30000) as said:
        dlg.start_export()
    res = said.args[0]
    assert res.path == tmp_path / "city.csv" and res.sidecar == sidecar_path(res.path)
    assert dlg.written == res
    message = win.statusBar().currentMessage()
    assert message.startswith(f"Exported {res.rows:,} rows to {res.path}") and "synthetic" in message


def test_cancel_stops_a_running_export_and_keeps_the_old_file(win, qtbot, tmp_path, monkeypatch):
    from youthdrugs_gui.core.export import writers

    out = tmp_path / "all.xlsx"
    out.write_bytes(b"old workbook")
    started = threading.Event()
    real = writers.write_xlsx

    def slow(f, tmp, columns, n, *, progress=None, **options):
        def tell(done, total):
            started.set()
            threading.Event().wait(0.05)
            progress(done, total)
        return real(f, tmp, columns, n, progress=tell, **options)

    monkeypatch.setattr(writers, "write_xlsx", slow)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    dlg = _dialog(win, qtbot)
    dlg.format.setCurrentIndex(1)
    dlg.path.setText(str(out))
    dlg.start_export()
    qtbot.waitUntil(started.is_set, timeout=30000)
    dlg.reject()  # Cancel while it runs: the export stops, the dialog stays open
    qtbot.waitUntil(lambda: not dlg.busy, timeout=30000)
    assert shown == ["Export cancelled: nothing was written."]
    assert out.read_bytes() == b"old workbook" and not sidecar_path(out).exists()
    assert dlg.written is None and dlg.export_button.isEnabled()


def test_an_unexpected_export_error_is_logged_and_the_user_told_nothing_was_written(win, qtbot, tmp_path,
                                                                                    monkeypatch):
    from youthdrugs_gui.core.crashlog import data_folder

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append("warning"))

    def broken(*a, **k):
        raise ZeroDivisionError("a bug while writing the export")

    monkeypatch.setattr(export_view, "write", broken)
    dlg = _dialog(win, qtbot)
    dlg.path.setText(str(tmp_path / "broken.csv"))
    dlg.start_export()
    qtbot.waitUntil(lambda: not dlg.busy and bool(shown), timeout=30000)
    log = data_folder() / "crash.log"
    assert "a bug while writing the export" in log.read_text(encoding="utf-8")
    assert len(shown) == 1 and shown[0].startswith("Nothing was written: the export failed because of an "
                                                   "unexpected problem")
    assert str(log) in shown[0]
    assert not (tmp_path / "broken.csv").exists() and dlg.written is None
    assert dlg.export_button.isEnabled()  # the dialog stays usable


def test_an_unexpected_preview_error_is_logged_and_said_in_the_dialog(win, qtbot, monkeypatch):
    from youthdrugs_gui.core.crashlog import data_folder

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append(text))

    def broken(request):
        raise KeyError("a bug while working out the preview")

    monkeypatch.setattr(export_view, "preview", broken)
    dlg = _dialog(win, qtbot)
    qtbot.waitUntil(lambda: not dlg.working_out and bool(shown), timeout=30000)
    assert "a bug while working out the preview" in (data_folder() / "crash.log").read_text(encoding="utf-8")
    assert shown[0].startswith("What the export would write could not be worked out because of an unexpected")
    assert dlg.summary.text() == "Could not work out what will be written (KeyError)."


def test_a_greyed_control_says_why_it_is_greyed(win, qtbot):
    win.export_action.trigger()
    dlg = win.findChildren(ExportDialog)[-1]
    dlg.rows_button.setChecked(True)
    assert not dlg.suppress.isEnabled()
    assert "not to rows" in dlg.suppress.toolTip()
    assert "not to rows" in dlg.round.toolTip()
    assert not dlg.selected_button.isEnabled() and "No rows are selected" in dlg.selected_button.toolTip()
    dlg.table_button.setChecked(True)
    assert dlg.suppress.isEnabled()
    assert dlg.suppress.toolTip().startswith("For publication")  # its own tooltip is back
    assert not dlg.k.isEnabled() or dlg.suppress.isChecked()
    dlg.format.setCurrentIndex(dlg.format.findData("xlsx"))
    assert not dlg.bom.isEnabled() and "CSV only" in dlg.bom.toolTip()
