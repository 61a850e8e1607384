"""The map beside the chart and rates per 1,000 children in the window."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core.rates import Span


@pytest.fixture
def win(win):
    """The window on the sample with the Map tab open."""
    win.views.setCurrentWidget(win.map)
    return win


def _settle(w) -> None:
    w.controller.flush()
    QApplication.processEvents()


def test_clicking_an_area_ticks_the_force_like_its_bar(win, qtbot):
    _settle(win)
    item = win.map.area_items("Norfolk")[0]
    view = win.map.view
    pos = view.mapFromScene(item.mapToScene(item.boundingRect().center()))
    # the centre of Norfolk's bounding box lies inside Norfolk
    assert item.contains(item.boundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    _settle(win)
    assert win.controller.state.selected("force") == {"Norfolk"}
    # other areas are pale, Norfolk is not
    assert item.opacity() == 1.0 and win.map.area_items("Kent")[0].opacity() < 1.0
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    _settle(win)
    assert win.controller.state.selected("force") is None


def test_rates_in_the_chart_and_the_map(win):
    win.controller.set_year_range(("2022-23", "2022-23"))
    win.controller.set_grouping("force", None)
    win.controller.set_rate_mode(True)
    _settle(win)
    assert win.chart.values_combo.currentIndex() == 1 and win.map.mode.currentIndex() == 1
    s = win.chart.series
    i = s.groups.index("Essex")
    essex_count = int(win.controller.result.series.values[i].sum())
    expected = round(1000 * essex_count / Span(("Essex",), years=("2022-23",)).children(), 1)
    assert s.values[i, 0] == pytest.approx(expected)
    assert s.status[s.groups.index("City of London"), 0] == "[z]"
    assert win.chart.reference_line.isVisible()
    frame = win.chart.table_frame()
    assert frame.iloc[-1, 0] == "England and Wales" and frame.iloc[-1]["Total"] == pytest.approx(
        win.controller.result.rates.reference)
    tip = win.map.area_items("Essex")[0].toolTip()
    assert f"{expected:.1f}" in tip and "England and Wales" in tip
    assert "Per 1,000 children" in win.map.svg()


def test_rates_refuse_stacks_with_different_denominators(win):
    win.controller.set_grouping("financial_year", "sex")
    win.controller.set_rate_mode(True)
    _settle(win)
    assert win.chart.series is None
    assert "cannot be stacked" in win.chart.message


def test_saving_the_map_writes_every_area_privately(win, tmp_path):
    _settle(win)
    out = tmp_path / "map.svg"
    win.map.save(out)
    text = out.read_text(encoding="utf-8")
    assert 'id="force-essex"' in text and "Contains OS data" in text and "Synthetic data" in text
    if os.name == "posix":
        assert (out.stat().st_mode & 0o777) == 0o600
    png = tmp_path / "map.png"
    win.map.save(png)
    assert png.read_bytes()[:4] == b"\x89PNG"
