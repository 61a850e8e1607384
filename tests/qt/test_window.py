"""The whole window on the synthetic sample, driven the way a caseworker drives it."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import load_sample
from youthdrugs_gui.qt.export_dialog import ExportDialog
from youthdrugs_gui.qt.mainwindow import MainWindow


def _settle(w) -> None:
    w.controller.flush()
    QApplication.processEvents()


def _status(w) -> str:
    return w.summary.text()


def _forces_shown(w) -> set[str]:
    m = w.model
    col = m.column_names().index("force")
    return {m.data(m.index(r, col)) for r in range(min(m.rowCount(), 5000))}


def test_opens_on_the_sample_and_says_it_is_synthetic(win):
    assert "synthetic" in win.windowTitle().casefold()
    assert win.windowTitle().casefold().count("synthetic") == 1  # said once, not twice
    assert win.synthetic_badge.isVisibleTo(win)
    assert "(synthetic)" in _status(win)
    assert _status(win).startswith("Showing 100,000 of 100,000 rows")
    assert win.model.rowCount() == 100_000
    assert win.chart.series is not None and win.chart.series.group_by == "financial_year"


@pytest.mark.parametrize("column, value", [
    ("force", "Essex"), ("offence_type", "Possession"), ("drug_class", "A"), ("outcome", "Conviction"),
    ("sex", "Girls"),
])
def test_each_facet_changes_table_chart_and_counts(win, column, value):
    before_chart = win.chart.series.values.sum()
    win.filters.facets[column].only.emit(column, value)
    _settle(win)
    r = win.controller.result
    assert win.model.rowCount() == r.n_rows < 100_000
    col = win.model.column_names().index(column)
    assert {win.model.data(win.model.index(i, col)) for i in range(min(r.n_rows, 500))} == {value}
    assert win.chart.series.values.sum() == r.n_rows < before_chart
    assert _status(win).startswith(f"Showing {r.n_rows:,} of 100,000 rows")
    assert value in win.filters_text.text()
    # the other facets now count only rows with this value
    other = "drug_class" if column != "drug_class" else "force"
    assert sum(int(c) for c in r.facet_counts[other]) == r.n_rows


def test_unticking_with_the_keyboard(win, qtbot):
    facet = win.filters.facets["drug_class"]
    facet.list.setFocus()
    facet.list.setCurrentRow(0)  # A
    qtbot.keyClick(facet.list, Qt.Key.Key_Space)
    _settle(win)
    assert win.controller.state.selected("drug_class") == {"B", "C", "Not known"}
    a = int((win.dataset.frame["drug_class"] == "A").sum())
    assert win.controller.result.n_rows == 100_000 - a


def test_age_slider_and_published_essex_figure(win):
    win.filters.age.slider.setValue((10, 15))
    win.filters.year.first.setCurrentText("2018-19")
    win.filters.year.last.setCurrentText("2022-23")
    win.controller.only("force", "Essex")
    _settle(win)
    assert win.controller.result.n_rows == 1214
    assert "Showing 1,214 of 100,000 rows" in _status(win)
    assert "Age 10-15" in win.filters_text.text()


def test_search_box_filters(win, qtbot):
    qtbot.keyClicks(win.filters.search, "west merc")
    _settle(win)
    assert _forces_shown(win) == {"West Mercia"}


def test_undo_redo_shortcuts(win, qtbot):
    win.controller.only("force", "Norfolk")
    _settle(win)
    n = win.controller.result.n_rows
    win.table.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _settle(win)
    assert win.controller.result.n_rows == 100_000
    qtbot.keyClick(win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    _settle(win)
    assert win.controller.result.n_rows == n
    assert win.filters.facets["force"].item("Essex").checkState() == Qt.CheckState.Unchecked


def test_undo_takes_back_a_typed_search_in_one_step(win, qtbot):
    win.controller.only("force", "Kent")
    _settle(win)
    qtbot.keyClicks(win.filters.search, "possession")
    _settle(win)
    assert win.controller.state.search == "possession"
    win.undo_action.trigger()
    _settle(win)
    assert win.controller.state == FilterState().with_values("force", ["Kent"])
    assert win.filters.search.text() == ""
    win.undo_action.trigger()
    _settle(win)
    assert win.controller.result.n_rows == 100_000
    assert not win.undo_action.isEnabled()


def test_undo_takes_back_a_slider_drag_in_one_step(win):
    for hi in range(17, 12, -1):  # the top handle dragged down, tick by tick
        win.filters.age.slider.setValue((10, hi))
    _settle(win)
    assert win.controller.state.age_range == (10, 13)
    win.undo_action.trigger()
    _settle(win)
    assert win.controller.state.age_range is None
    assert win.filters.age.slider.value() == (10, 17)


def test_no_rows_for_a_search_says_so_over_the_table_and_undo_brings_them_back(win, qtbot):
    notice = win.table.empty_notice
    assert not notice.isVisible()
    qtbot.keyClicks(win.filters.search, "zzzz")
    _settle(win)
    assert win.model.rowCount() == 0
    assert notice.isVisible()
    assert 'Search "zzzz"' in notice.text.text()
    assert notice.undo_button.isEnabled()
    notice.undo_button.click()
    _settle(win)
    assert win.controller.result.n_rows == 100_000
    assert not notice.isVisible() and win.filters.search.text() == ""


def test_none_ticked_on_a_list_says_so_and_reset_clears_it(win, qtbot):
    win.filters.facets["drug_class"].values_chosen.emit("drug_class", [])  # the list's None button
    _settle(win)
    notice = win.table.empty_notice
    assert notice.isVisible() and "Drug class: none" in notice.text.text()
    notice.reset_button.click()
    _settle(win)
    assert win.controller.state.selected("drug_class") is None
    assert win.model.rowCount() == 100_000 and not notice.isVisible()


def test_every_menu_action_and_status_bar_item_has_a_tooltip(win, qtbot):
    for menu in win.menuBar().actions():
        for act in menu.menu().actions():
            if act.isSeparator() or act.menu() is not None:
                continue
            assert act.toolTip() and act.toolTip() != act.text().replace("&", ""), act.text()
    for item in (win.summary, win.filters_text, win.progress, win.cancel_button, win.updating,
                 win.synthetic_badge):
        assert item.toolTip(), item.accessibleName()


def test_clicking_a_chart_bar_cross_filters(win, qtbot):
    win.controller.set_grouping("force", None)
    _settle(win)
    win.chart.click_group("Kent")
    _settle(win)
    assert win.controller.state.selected("force") == {"Kent"}
    assert win.filters.facets["force"].item("Essex").checkState() == Qt.CheckState.Unchecked
    assert win.filters.facets["force"].item("Kent").checkState() == Qt.CheckState.Checked
    win.chart.click_group("Essex")
    _settle(win)
    assert win.controller.state.selected("force") == {"Kent", "Essex"}
    win.chart.click_group("Kent")
    win.chart.click_group("Essex")
    _settle(win)
    assert win.controller.state.selected("force") is None


def test_sorting_by_header_click(win, qtbot):
    win.controller.only("force", "Rutland" if False else "City of London")
    _settle(win)
    m = win.model
    col = m.column_names().index("age")
    win.table.scrollTo(m.index(0, col))  # the age column in sight, as a user would have it to click it
    header = win.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    assert 0 <= x < header.viewport().width()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center().__class__(x, 5))
    ages = [int(m.data(m.index(r, col))) for r in range(m.rowCount())]
    assert ages == sorted(ages) or ages == sorted(ages, reverse=True)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center().__class__(x, 5))
    ages2 = [int(m.data(m.index(r, col))) for r in range(m.rowCount())]
    assert ages2 == list(reversed(sorted(ages2))) or ages2 == sorted(ages2)
    assert ages2 != ages


def test_copy_cells_from_the_table(win, qtbot):
    win.controller.only("force", "City of London")
    _settle(win)
    m = win.model
    col = m.column_names().index("force")
    sel = win.table.selectionModel()
    sel.select(m.index(0, col), sel.SelectionFlag.Select)
    sel.select(m.index(1, col), sel.SelectionFlag.Select)
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "Police force\nCity of London\nCity of London\n"


def _export(win, qtbot, tmp_path, name, setup) -> ExportDialog:
    win.export_action.trigger()  # File > Export, as the user opens it
    dlg = win.findChildren(ExportDialog)[-1]
    dlg.path.setText(str(tmp_path / name))
    setup(dlg)
    dlg.start_export()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=30000)
    return dlg


def test_export_dialog_writes_filtered_rows(win, qtbot, tmp_path):
    win.controller.only("force", "West Mercia")
    win.controller.set_year_range(("2020-21", "2020-21"))
    win.controller.set_values("outcome", ["Youth caution", "Youth conditional caution", "Conviction"])
    _settle(win)
    dlg = _export(win, qtbot, tmp_path, "wm.csv", lambda d: None)
    assert "52 rows" in dlg.summary.text()
    out = tmp_path / "wm.csv"
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 52 and {r["Police force"] for r in rows} == {"West Mercia"}
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    prov = json.loads((tmp_path / "wm.csv.provenance.json").read_text())
    assert prov["filter_state"]["filters"]["force"] == ["West Mercia"]
    assert "Exported 52 rows" in win.statusBar().currentMessage()


def test_export_dialog_selected_rows_and_chosen_columns(win, qtbot, tmp_path):
    win.controller.only("force", "City of London")
    _settle(win)
    sel = win.table.selectionModel()
    for r in (0, 2):
        sel.select(win.model.index(r, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def setup(d):
        d.selected_button.setChecked(True)
        for i in range(d.columns.count()):
            it = d.columns.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.text() in ("Police force", "Age")
                             else Qt.CheckState.Unchecked)

    _export(win, qtbot, tmp_path, "sel.csv", setup)
    text = (tmp_path / "sel.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "Police force,Age" and len(text) == 3


def test_export_chart_table_with_suppression(win, qtbot, tmp_path):
    win.controller.set_grouping("force", "drug_class")
    win.controller.set_values("force", ["Norfolk", "Suffolk", "City of London"])
    win.controller.set_age_range((11, 12))
    _settle(win)

    def setup(d):
        d.table_button.setChecked(True)
        d.suppress.setChecked(True)
        d.k.setValue(5)

    _export(win, qtbot, tmp_path, "table.csv", setup)
    lines = (tmp_path / "table.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Police force,")
    for line in lines[1:]:
        for cell in line.split(",")[1:]:
            assert cell in ("[c]", "0") or int(cell) >= 5


def test_export_asks_before_overwriting(win, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "keep.csv"
    target.write_text("precious")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dlg = ExportDialog(win, win.settings)
    qtbot.addWidget(dlg)
    dlg.path.setText(str(target))
    dlg.start_export()
    assert not dlg.busy
    assert target.read_text() == "precious"


def test_failed_load_shows_message_and_keeps_the_data(win, qtbot, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    win.controller.only("force", "Essex")
    _settle(win)
    n = win.controller.result.n_rows
    win.open_files([str(bad)])
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "error_dialog") is not None, timeout=10000)
    box = win.findChild(QMessageBox, "error_dialog")
    assert "broken.csv" in box.text() and "Traceback" not in box.text()
    assert win.controller.result.n_rows == n
    assert "synthetic" in win.windowTitle().casefold()
    assert win.windowTitle().casefold().count("synthetic") == 1  # said once, not twice
    assert win.synthetic_badge.isVisibleTo(win)
    assert "(synthetic)" in _status(win)
    box.close()


def test_opening_a_file_lets_go_of_sort_orders_and_keeps_the_table(win, qtbot, tmp_path):
    """While a file opens, the sorted orders kept for the data shown are let go (the memory goes to the
    new file); the table shown stays as it is, in its order."""
    win.controller.sort_by("age", descending=True)
    _settle(win)
    assert win.controller.engine._sorting.kept
    shown = [win.table.model().index(r, 0).data() for r in range(5)]
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    win.open_files([str(bad)])
    assert win.controller.engine._sorting.kept == []
    assert [win.table.model().index(r, 0).data() for r in range(5)] == shown
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "error_dialog") is not None, timeout=10000)
    win.findChild(QMessageBox, "error_dialog").close()


def test_open_real_files_on_a_worker_thread(win, qtbot, shared_raw):
    files = sorted(str(p) for p in (shared_raw / "police-uk-stop-search").glob("*.csv"))
    win.open_files(files)
    qtbot.waitUntil(lambda: win.dataset is not None and not win.dataset.synthetic, timeout=20000)
    assert win.controller.result.n_rows == 2527
    assert "Object of search" in win.filters.facets
    assert "synthetic" not in win.windowTitle()
    assert win.recent_files()[0] == files


def test_saved_view_round_trip(win, tmp_path):
    win.controller.only("force", "Essex")
    win.controller.set_age_range((12, 14))
    _settle(win)
    path = tmp_path / "essex.view.json"
    win.save_view(str(path))
    win.controller.reset()
    _settle(win)
    assert win.controller.result.n_rows == 100_000
    win.open_view(str(path))
    _settle(win)
    assert win.controller.state.selected("force") == {"Essex"}
    assert win.filters.age.slider.value() == (12, 14)
    from youthdrugs_gui.core.cli import run_cli
    assert run_cli(["export", "--view", str(path), "-o", str(tmp_path / "v.csv")]) == 0
    assert len((tmp_path / "v.csv").read_text(encoding="utf-8-sig").splitlines()) == win.controller.result.n_rows + 1


def test_settings_are_restored(qtbot, settings):
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_sample()
    w.show()
    qtbot.waitExposed(w)
    w.resize(1024, 700)
    size = w.size()
    w.controller.set_grouping("drug_class", "sex")
    w.split.setSizes([400, 900])
    w.controller.only("force", "Kent")
    _settle(w)
    w.close()
    w2 = MainWindow(settings)
    qtbot.addWidget(w2)
    w2.show_dataset(load_sample(), [], w2.last_view())
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.size() == size
    assert (w2.controller.group_by, w2.controller.stack_by) == ("drug_class", "sex")
    assert w2.chart.group_by == "drug_class"
    assert w2.controller.state.selected("force") == {"Kent"}
    assert abs(w2.split.sizes()[0] - 400) < 20


def test_every_menu_action_has_a_shortcut_or_is_reachable(win):
    for act in win.menuBar().actions():
        assert "&" in act.text()
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for m in win.menuBar().actions()
                 for a in m.menu().actions() if not a.isSeparator()}
    assert shortcuts["Open…"] == "Ctrl+O"
    assert shortcuts["Export…"] == "Ctrl+E"
    assert shortcuts["Undo filter change"] == "Ctrl+Z"
    assert shortcuts["Save view…"] == "Ctrl+S"


def test_table_model_is_never_copied_on_filter_change(win):
    ds = win.dataset
    codes_before = ds.codes("force")
    win.controller.only("force", "Kent")
    _settle(win)
    assert win.dataset.codes("force") is codes_before
    assert np.shares_memory(win.model._cols[win.model.column_names().index("force")].codes, codes_before)


def test_dropping_files_on_the_window_opens_them(win, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    f = tmp_path / "mine.csv"
    f.write_text("Police Force Area,Age at offence,Drug class,Number\nEssex,14,A,3\nKent,,B,2\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    ev = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    win.dropEvent(ev)
    qtbot.waitUntil(lambda: win.dataset is not None and win.dataset.name == "mine.csv", timeout=10000)
    assert win.controller.result.totals == {"": 5}
    assert "Age" in [win.model.headerData(c, Qt.Orientation.Horizontal) for c in range(win.model.columnCount())]


def test_cancelling_a_load_keeps_the_open_data(win, qtbot, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("force,age,count\n")
        for i in range(400_000):
            f.write(f"Essex,{10 + i % 8},1\n")
    win.open_files([str(big)])
    assert win.busy.isVisible()
    QApplication.processEvents()
    assert win.cancel_button.width() <= win.cancel_button.sizeHint().width() + 2  # its natural size
    assert win.busy.width() < win.statusBar().width() // 3
    win.cancel_button.click()
    qtbot.waitUntil(lambda: not win.loader.busy, timeout=20000)
    assert "synthetic" in win.windowTitle().casefold()
    assert win.windowTitle().casefold().count("synthetic") == 1  # said once, not twice
    assert win.synthetic_badge.isVisibleTo(win)
    assert "(synthetic)" in _status(win)
    assert win.controller.result.n_total == 100_000


def test_open_with_options_reads_a_renamed_police_uk_file_as_the_force_chosen(win, qtbot, tmp_path, shared_raw):
    import shutil

    from PySide6.QtWidgets import QDialogButtonBox

    src = shared_raw / "police-uk-stop-search" / "2020-01-durham-stop-and-search.csv"
    renamed = tmp_path / "export from the case system.csv"
    shutil.copyfile(src, renamed)
    win.open_with_options_dialog()
    dlg = win.open_options
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Open).isEnabled()  # no files yet
    dlg.set_paths([str(renamed)])
    dlg.format.setCurrentIndex(dlg.format.findData("policeuk"))
    dlg.force.setCurrentIndex(dlg.force.findData("Durham"))
    assert dlg.options() == {"fmt": "policeuk", "force": "Durham"}
    dlg.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: win.dataset is not None and not win.dataset.synthetic, timeout=20000)
    assert win.dataset.categories("force") == ["Durham"]
    assert win.controller.result.n_rows == sum(1 for _ in open(src, encoding="utf-8-sig")) - 1
    assert "Object of search" in win.filters.facets
    # File > Open recent opens it the same way again
    win.open_sample()
    first = win.recent_menu.actions()[0]
    assert "force Durham" in first.toolTip()
    first.trigger()
    qtbot.waitUntil(lambda: not win.dataset.synthetic, timeout=20000)
    assert win.dataset.categories("force") == ["Durham"]


def test_open_with_options_uses_a_mapping_file(win, qtbot):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    win.open_with_options_dialog()
    dlg = win.open_options
    dlg.set_paths([str(fixtures / "needs_mapping.csv")])
    dlg.mapping.setText(str(fixtures / "mapping_example.json"))
    dlg.measure.setText("Proven offence")
    dlg.accept()
    qtbot.waitUntil(lambda: win.dataset is not None and win.dataset.name == "needs_mapping.csv", timeout=20000)
    assert {"force", "age", "drug_class"} <= set(win.dataset.columns)
    assert win.filters.age is not None
    assert "Caseworker team" in win.filters.facets
    assert win.dataset.measures == ["Proven offence"]
    assert win.summary.text() == "Showing 4 of 4 rows — 13 proven offences"
