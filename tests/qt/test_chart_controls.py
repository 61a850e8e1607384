"""The chart's controls as a caseworker meets them: Save chart shows its whole text beside its menu
arrow, every control says what it does, and a greyed-out one says why."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QStyle

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.result import ChartSeries
from youthdrugs_gui.qt.chart import ChartPanel

COLUMNS = [(schema.FORCE, "Police force"), (schema.DRUG_CLASS, "Drug class"),
           (schema.FINANCIAL_YEAR, "Financial year")]


@pytest.fixture
def panel(qtbot) -> ChartPanel:
    p = ChartPanel()
    qtbot.addWidget(p)
    p.set_columns(COLUMNS)
    p.set_grouping(schema.FORCE, None)
    p.set_series(ChartSeries(schema.FORCE, None, ("Essex", "Kent"), ("",), np.array([[3], [4]]), None))
    p.resize(int(1366 * 0.72), 400)  # the chart's share of a 1366x768 screen
    p.show()
    qtbot.waitExposed(p)
    return p


def test_save_chart_shows_its_whole_text_beside_the_menu_arrow(panel):
    button = panel.save_button
    style = button.style()
    needed = (button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
              + style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
              + 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button))
    assert button.width() >= needed
    assert button.menu() is not None and [a.text() for a in button.menu().actions()] == [
        "Save chart as PNG…", "Save chart as SVG…"]


def test_every_chart_control_says_what_it_does(panel):
    panel.sort_combo.setVisible(True)
    controls = {"Group by": panel.group_combo, "Stack by": panel.stack_combo, "Counts / Per 1,000": panel.values_combo,
                "view": panel.mode_combo, "Save chart": panel.save_button, "Table": panel.table_button,
                "order": panel.sort_combo}
    for name, widget in controls.items():
        assert len(widget.toolTip()) > 20, f"{name} has no tooltip"
    assert "PNG" in panel.save_button.toolTip() and "filters" in panel.table_button.toolTip()


def test_a_greyed_out_control_says_why(panel, qtbot):
    assert not panel.mode_combo.isEnabled()  # grouped by force: no lines
    why = panel.mode_combo.toolTip()
    assert "Financial year" in why and "Group by" in why and why.index("Group by") < why.index("Bars, or lines")
    panel.set_grouping(schema.FINANCIAL_YEAR, None)
    years = ChartSeries(schema.FINANCIAL_YEAR, None, ("2019-20", "2020-21"), ("",), np.array([[3], [4]]), None)
    panel.set_series(years)
    assert panel.mode_combo.isEnabled() and panel.mode_combo.toolTip().startswith("Bars, or lines")
