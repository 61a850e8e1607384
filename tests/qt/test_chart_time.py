"""Lines over time: a chart grouped by month, quarter or calendar year puts its points in time order on
a time axis, with tick labels that never overlap and gaps where periods are missing."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QFontMetricsF

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.result import ChartSeries
from youthdrugs_gui.qt.chart import ChartPanel
from youthdrugs_gui.qt.chart.time_axis import line_with_gaps, period_index, positions, time_ticks

MONTHS = tuple(f"{y}-{m:02d}" for y in (2019, 2020, 2021) for m in range(1, 13))
MISSING = ("2020-04", "2020-05")


@pytest.fixture
def panel(qtbot) -> ChartPanel:
    p = ChartPanel()
    qtbot.addWidget(p)
    p.set_columns([("month", "Month"), ("quarter", "Quarter"), (schema.FORCE, "Police force")])
    p.set_grouping("month", None)
    p.resize(900, 450)
    p.show()
    qtbot.waitExposed(p)
    return p


def _months(order=None) -> ChartSeries:
    groups = [g for g in MONTHS if g not in MISSING]
    if order is not None:
        groups = order(groups)
    values = np.array([[10 + MONTHS.index(g)] for g in groups], dtype=np.int64)
    return ChartSeries("month", None, tuple(groups), ("",), values, "Recorded offence")


def test_months_are_drawn_as_a_line_in_time_order_with_a_gap(panel, qtbot):
    panel.set_series(_months(order=lambda gs: gs[::-1]))  # given newest first
    assert panel.mode_combo.isEnabled()
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("line"))
    assert panel.mode == "line"
    line = next(ln for ln in panel._lines if ln.isVisible())
    x, y = line.getData()
    drawn = np.isfinite(y)
    assert drawn.sum() == len(MONTHS) - len(MISSING)
    assert np.all(np.diff(x) > 0)  # left to right in time
    np.testing.assert_array_equal(y[drawn], [10 + MONTHS.index(g) for g in MONTHS if g not in MISSING])
    gap = np.flatnonzero(~drawn)
    assert len(gap) == 1  # one break, between March and June 2020
    march, june = period_index("month", "2020-03"), period_index("month", "2020-06")
    assert x[gap[0] - 1] == march and x[gap[0] + 1] == june
    assert panel.bar_at(june, 10 + MONTHS.index("2020-06")) == ("2020-06", "")


def test_month_labels_are_thinned_and_never_overlap(panel, qtbot):
    panel.set_series(_months())
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("line"))
    qtbot.wait(10)
    labels = panel.x_axis.time_labels
    assert 2 <= len(labels) < len(MONTHS)
    assert all(text.split()[0] in ("Jan", "Apr", "Jul", "Oct", "Mar", "Jun", "Sep", "Dec") for _, text in labels)
    assert "Jan 2020" in [t for _, t in labels]
    fm = QFontMetricsF(panel.x_axis.style["tickFont"])
    lo, hi = panel.vb.viewRange()[0]
    per = panel.x_axis.width() / (hi - lo)
    for (x0, t0), (x1, t1) in zip(labels, labels[1:]):
        assert (x1 - x0) * per >= (fm.horizontalAdvance(t0) + fm.horizontalAdvance(t1)) / 2
    panel.resize(420, 450)  # narrower: fewer labels, still apart
    qtbot.wait(20)
    assert len(panel.x_axis.time_labels) <= len(labels)


def test_bars_by_month_stay_upright_in_time_order(panel):
    panel.set_series(_months())
    assert panel.mode == "bar" and panel.plot_stack.currentWidget() is panel.graphics
    assert panel.x_axis.full_labels[:2] == ("2019-01", "2019-02")


def test_periods_and_ticks_without_a_window():
    assert period_index("quarter", "2020 Q3") == 2020 * 4 + 2 and period_index("calendar_year", "2020") == 2020
    assert period_index("month", "Not recorded") is None and period_index("month", "2020-13") is None
    assert np.isnan(positions("month", ("2020-01", "Not recorded"))[1])
    ticks = time_ticks("month", 2019 * 12, 2021 * 12 + 11, 8.0, lambda t: 8.0 * len(t))
    assert [t for _, t in ticks] == ["Jan 2019", "Jan 2020", "Jan 2021"]
    assert [t for _, t in time_ticks("quarter", 2020 * 4, 2021 * 4 + 3, 20.0, lambda t: 8.0 * len(t))] == [
        "2020", "2021"]
    xs, ys, idx = line_with_gaps(np.array([3.0, 1.0, 0.0]), np.array([30.0, 10.0, 0.0]))
    assert xs.tolist()[:2] == [0.0, 1.0] and np.isnan(ys[2]) and idx.tolist() == [2, 1, -1, 0]
