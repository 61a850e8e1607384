"""When no rows match the filters the chart says so in place of the plot, and draws again when rows
match once more."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.qt.chart import ChartContent, chart_content
from youthdrugs_gui.qt.chart.state import NO_ROWS


def _settle(w) -> None:
    w.controller.flush()
    QApplication.processEvents()


def _bars_shown(w) -> int:
    return sum(item.isVisible() for item in w.chart.chart_plot.bars + w.chart.chart_plot.lines)


@pytest.mark.parametrize("no_rows", [
    lambda c: c.set_search("zzzz"),
    lambda c: c.set_values("drug_class", []),  # None ticked on Drug class
], ids=["search", "none-ticked"])
def test_no_matching_rows_shows_words_in_place_of_the_plot(win, no_rows):
    assert win.chart.message == "" and _bars_shown(win)
    no_rows(win.controller)
    _settle(win)
    assert win.controller.result.n_rows == 0
    assert win.chart.message == NO_ROWS and "no rows match" in win.chart.message
    assert _bars_shown(win) == 0
    assert not win.chart.x_axis.isVisible() and not win.chart.y_axis.isVisible()  # no empty 0-1 frame
    assert win.chart.plot_stack.currentWidget() is win.chart.graphics
    assert win.chart.image_heading()[-1] == NO_ROWS
    assert "no rows match" in win.chart.graphics.accessibleDescription()

    win.controller.reset()
    _settle(win)
    assert win.chart.message == "" and _bars_shown(win)
    assert win.chart.x_axis.isVisible() and win.chart.y_axis.isVisible()
    assert win.chart.series is not None and win.chart.series.values.sum() == 100_000


def test_a_result_with_no_rows_is_empty_whatever_its_series_holds(win):
    win.controller.set_search("zzzz")
    _settle(win)
    content = chart_content(win.controller.result, [], False, False)
    assert content.series is not None and content.empty and content.message == NO_ROWS
    assert not ChartContent(series=win.controller.result.series).empty  # the groups are there, all zero
