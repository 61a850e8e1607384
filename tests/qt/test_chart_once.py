"""One result, one drawing: the window hands the chart each result once, series, England and Wales'
rate, highlight and heading together; and what pale bars mean is said in the chart's key."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.result import ChartRefusal, ChartSeries, RefusalReason
from youthdrugs_gui.qt.chart import ChartPanel


def _settle(w) -> None:
    w.controller.flush()
    QApplication.processEvents()


def _count_calls(monkeypatch, obj, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(obj, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, counted)
    return calls


def test_a_filter_on_the_grouping_column_draws_the_bars_across_once(win, monkeypatch):
    win.controller.set_grouping("force", None)
    win.controller.set_rate_mode(True)
    _settle(win)
    assert win.chart.plot_stack.currentWidget() is win.chart.hbars
    calls = _count_calls(monkeypatch, win.chart.hbars, "show_series")
    win.controller.set_values("force", {"Kent", "Essex"})
    _settle(win)
    assert len(calls) == 1
    assert win.chart.reference_line.isVisible()  # the rate line and the highlight in that one drawing
    assert "Pale" in win.chart.no_data_label.text()


def test_a_change_of_grouping_draws_once(win, monkeypatch):
    calls = _count_calls(monkeypatch, win.chart.chart_plot, "show_series")
    win.chart.stack_combo.setCurrentIndex(win.chart.stack_combo.findData("sex"))
    _settle(win)
    assert len(calls) == 1 and win.chart.series.stack_by == "sex"


def test_pale_bars_are_explained_in_the_key_while_on_screen(qtbot):
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_columns([(schema.FORCE, "Police force")])
    panel.set_series(ChartSeries(schema.FORCE, None, ("Essex", "Kent"), ("",), np.array([[3], [4]]), None))
    assert not panel.no_data_label.isVisibleTo(panel)
    panel.set_highlighted({"Kent"})
    assert panel.no_data_label.isVisibleTo(panel)
    assert "Pale: not ticked" in panel.no_data_label.text() and "ticking it would add" in panel.no_data_label.text()
    panel.set_highlighted({"Kent", "Essex"})  # every bar ticked: nothing pale
    assert not panel.no_data_label.isVisibleTo(panel)


def test_the_chart_is_told_why_by_a_reason_not_by_words(win):
    win.controller.set_grouping("financial_year", "sex")
    win.controller.set_rate_mode(True)
    _settle(win)
    refusal = win.chart.content.refusal
    assert isinstance(refusal, ChartRefusal) and refusal.reason is RefusalReason.NO_RATES
    assert win.chart.series is None and win.chart.message == refusal.words
    win.controller.set_rate_mode(False)
    _settle(win)
    assert win.chart.content.refusal is None and win.chart.message == ""
