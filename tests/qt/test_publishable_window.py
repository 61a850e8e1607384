"""The window keeps figures publishable: one area level and measure at a time, said where the user
looks; gaps marked, never drawn as zero; synthetic data named in everything saved from it."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core.sources import load_files
from youthdrugs_gui.qt.export_dialog import ExportDialog
from youthdrugs_gui.qt.mainwindow import MainWindow

AREAS = """Police force area,Year,Offences
England and Wales,2020-21,1000
North West,2020-21,200
Cumbria,2020-21,30
Lancashire,2020-21,70
England and Wales,2022-23,900
North West,2022-23,180
Cumbria,2022-23,25
Lancashire,2022-23,..
"""


@pytest.fixture
def win(qtbot, tmp_path):
    w = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _open(win, tmp_path, text: str = AREAS):
    p = tmp_path / "areas.csv"
    p.write_text(text, encoding="utf-8")
    win.show_dataset(load_files(p), [str(p)])
    win.controller.flush()
    QApplication.processEvents()


def test_opens_on_the_most_detailed_level_and_says_so(win, tmp_path):
    _open(win, tmp_path)
    assert win.controller.state.selected("area_level") == {"Police force area"}
    assert win.banner_bar.isVisibleTo(win)
    text = win.banner.text()
    assert "Police force area" in text and "England and Wales" in text and "never added" in text
    # the status bar total is the forces' own, in the same unit as the counts beside the values
    assert "125" in win.summary.text() and "(Police force area)" in win.summary.text()
    assert "2," not in win.summary.text().split("—")[1]  # not 1,000 + 200 + ...
    facet = win.filters.facets["area_level"]
    assert not facet.all_button.isVisibleTo(win)  # one level at a time: no 'All'


def test_ticking_another_level_shows_it_instead(win, tmp_path):
    _open(win, tmp_path)
    win.filters.facets["area_level"].toggled.emit("area_level", "Region")
    win.controller.flush()
    assert win.controller.state.selected("area_level") == {"Region"}
    assert win.controller.result.totals == {"Region": 380}
    win.controller.reset()
    win.controller.flush()
    assert win.controller.state.selected("area_level") == {"Region"}  # reset keeps the level chosen


def test_a_year_with_no_figure_is_marked_not_drawn_as_zero(win, tmp_path):
    _open(win, tmp_path)
    win.controller.set_grouping("financial_year", None)
    win.controller.flush()
    series = win.chart.series
    assert series.groups == ("2020-21", "2021-22", "2022-23")
    assert series.group_status() == ["full", "[x]", "partial"]
    assert win.chart.no_data_label.isVisibleTo(win)
    frame = win.chart.table_frame()
    assert list(frame["Count"]) == [100, "[x]", "25 [part]"]
    dlg = win.chart.show_table()
    assert "Drug offences by children" in dlg.caption.text() and "Source: areas.csv" in dlg.caption.text()


def test_data_notes_show_every_note_in_full(win, tmp_path):
    _open(win, tmp_path)
    win.show_data_notes()
    text = win.notes_dialog.text.toPlainText()
    assert "never added together" in text
    assert "not available" in text and "never counted as 0" in text


def test_chart_images_of_the_sample_say_synthetic_and_are_private(win, qtbot, tmp_path):
    win.open_sample()
    win.controller.flush()
    QApplication.processEvents()
    svg = tmp_path / "chart.svg"
    png = tmp_path / "chart.png"
    win.chart.export_svg(svg)
    win.chart.export_png(png)
    body = svg.read_text(encoding="utf-8")
    assert "Synthetic data: no real children" in body
    assert "Drug offences by children" in body and "Source: sample.parquet" in body
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.name == "posix":
        assert (svg.stat().st_mode & 0o777) == 0o600
        assert (png.stat().st_mode & 0o777) == 0o600


def test_export_of_the_sample_suggests_a_synthetic_name(win):
    win.open_sample()
    win.controller.flush()
    dlg = ExportDialog(win, win.settings)
    assert os.path.basename(dlg.path.text()).startswith("synthetic-")
    dlg.reject()


def test_reset_clears_the_find_box_enter_exports_and_tab_leaves_the_table(win, qtbot):
    pass

    win.open_sample()
    win.controller.flush()
    facet = win.filters.facets["force"]
    facet.search.setText("Essex")
    win.controller.only("force", "Essex")
    win.controller.flush()
    win.filters.reset_button.click()
    win.controller.flush()
    assert facet.search.text() == "" and win.controller.state.selected("force") is None
    assert not any(facet.list.item(i).isHidden() for i in range(facet.list.count()))
    # the table lets Tab go on to the next control
    assert not win.table.tabKeyNavigation()
    # Enter in the export dialog exports: the default button is Export, not Browse
    dlg = ExportDialog(win, win.settings)
    qtbot.addWidget(dlg)
    buttons = [b for b in dlg.findChildren(type(dlg.export_button)) if b.isDefault() or b.autoDefault()]
    assert dlg.export_button.isDefault()
    assert all(b is dlg.export_button or not b.isDefault() for b in buttons)
    browse = next(b for b in dlg.findChildren(type(dlg.export_button)) if b.text().startswith("Browse"))
    assert not browse.autoDefault()
    dlg.reject()
