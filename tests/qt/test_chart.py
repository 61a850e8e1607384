"""The chart panel: bars read back from the items, in-place updates, hit testing with real mouse events,
tooltips, abbreviated category labels, exports, the chart as a table, the combos and the line view."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.result import ChartRefusal, ChartSeries, RefusalReason
from youthdrugs_gui.qt.chart import ELLIPSIS, ChartPanel, ChartTableDialog, abbreviate

COLUMNS = [(schema.FORCE, "Police force"), (schema.DRUG_CLASS, "Drug class"),
           (schema.FINANCIAL_YEAR, "Financial year"), (schema.AGE, "Age")]
FORCES3 = ("Essex", "Kent", "Metropolitan Police")


def flat(groups=FORCES3, values=(1214, 40, 3000), measure="Recorded offence") -> ChartSeries:
    v = np.asarray(values, dtype=np.int64).reshape(-1, 1)
    return ChartSeries(schema.FORCE, None, tuple(groups), ("",), v, measure)


def stacked(values=None, groups=FORCES3, stacks=("A", "B", "Not known")) -> ChartSeries:
    if values is None:
        values = [[1214, 300, 10], [5, 0, 35], [2000, 900, 100]]
    v = np.asarray(values, dtype=np.int64)
    return ChartSeries(schema.FORCE, schema.DRUG_CLASS, tuple(groups), tuple(stacks), v, "Recorded offence")


@pytest.fixture
def panel(qtbot) -> ChartPanel:
    p = ChartPanel()
    qtbot.addWidget(p)
    p.set_columns(COLUMNS)
    p.set_grouping(schema.FORCE, None)
    p.resize(900, 500)
    return p


@pytest.fixture
def shown(panel, qtbot) -> ChartPanel:
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def visible_bars(p: ChartPanel):
    return [b for b in p._bars if b.isVisible()]


def test_bar_heights_are_the_values(panel):
    panel.set_series(flat())
    bars = visible_bars(panel)
    assert len(bars) == 1
    np.testing.assert_array_equal(bars[0].opts["height"], [1214, 40, 3000])
    np.testing.assert_array_equal(bars[0].opts["x"], [0, 1, 2])
    assert panel.plot.getAxis("left").labelText == "Count (Recorded offence)"
    assert panel.legend is None  # nothing stacked: no legend
    (x0, x1), (y0, y1) = panel.vb.viewRange()
    assert y0 == 0 and y1 >= 3000 and x0 < 0 < 2 < x1  # fitted to the data, from 0
    assert panel.vb.state["mouseEnabled"] == [False, False]  # clicks select, never pan or zoom


def test_stacked_bars_sit_on_each_other(panel):
    s = stacked()
    panel.set_series(s)
    bars = visible_bars(panel)
    assert len(bars) == 3
    below = np.cumsum(s.values, axis=1) - s.values
    for j, bar in enumerate(bars):
        np.testing.assert_array_equal(bar.opts["height"], s.values[:, j])
        np.testing.assert_array_equal(bar.opts["y0"], below[:, j])
    assert [label.text for _, label in panel.legend.items] == ["Drug class A", "Drug class B", "Not known"]
    colours = {b.opts["brush"].color().name() for b in bars}
    assert len(colours) == 3 and "#999999" in colours  # 'Not known' is grey


def test_updates_in_place_and_keeps_items(panel):
    panel.set_series(stacked())
    items = list(panel._bars)
    panel.set_series(stacked([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    assert panel._bars == items and all(a is b for a, b in zip(panel._bars, items))
    np.testing.assert_array_equal(items[2].opts["height"], [3, 6, 9])
    # fewer stacks: the same items, the spare one hidden; then back again
    panel.set_series(stacked([[1, 2], [3, 4], [5, 6]], stacks=("A", "B")))
    assert panel._bars == items and not items[2].isVisible()
    panel.set_series(flat())
    assert panel._bars == items and [b.isVisible() for b in items] == [True, False, False]
    # a stack keeps its colour while the stack column stays the same
    panel.set_series(stacked([[1, 2], [3, 4], [5, 6]], stacks=("B", "Not known")))
    b_colour = items[0].opts["brush"].color().name()
    panel.set_series(stacked())
    assert items[1].opts["brush"].color().name() == b_colour


def test_no_series_shows_the_message(panel):
    panel.set_series(stacked())
    msg = "The selected rows count different things (Arrest, Recorded offence). Choose one measure."
    panel.set_series(None, ChartRefusal(RefusalReason.MEASURES, msg))
    assert panel.message == msg
    assert visible_bars(panel) == [] and panel.legend is None
    assert panel.bar_at(0, 1) is None and panel.table_frame().empty
    panel.set_series(flat())
    assert panel.message == "" and len(visible_bars(panel)) == 1


def test_real_mouse_click_on_a_bar(shown, qtbot):
    shown.set_series(stacked())
    qtbot.wait(10)
    pos = shown.data_to_viewport(2, 2500)  # Metropolitan Police, in its 'B' segment
    assert shown.bar_at(2, 2500) == ("Metropolitan Police", "B")
    with qtbot.waitSignal(shown.bar_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(shown.graphics.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [schema.FORCE, "Metropolitan Police"]
    # a click between bars asks for nothing
    gap = shown.data_to_viewport(1.5, 100)
    with qtbot.assertNotEmitted(shown.bar_clicked):
        qtbot.mouseClick(shown.graphics.viewport(), Qt.MouseButton.LeftButton, pos=gap)


def test_click_group(panel, qtbot):
    panel.set_series(flat())
    with qtbot.waitSignal(panel.bar_clicked) as blocker:
        panel.click_group("Kent")
    assert blocker.args == [schema.FORCE, "Kent"]
    with qtbot.assertNotEmitted(panel.bar_clicked):
        panel.click_group("Not a force")


def test_tiny_bars_can_be_hit_by_their_column(panel):
    panel.set_series(flat(values=(5, 100_000, 3)))
    assert panel.bar_at(0, 5000) is None  # above the bar itself ...
    assert panel.group_at(0, 5000) == "Essex"  # ... but in its column, so a click still reaches it
    assert panel.group_at(0.5, 10) is None  # between bars


def test_hover_tooltips(shown):
    shown.set_series(stacked())
    assert shown.hover_text(0, 100) == "Essex — Drug class A: 1,214\nTotal for Essex: 1,524"
    assert shown.hover_text(0, 1400) == "Essex — Drug class B: 300\nTotal for Essex: 1,524"
    assert shown.hover_text(1.5, 10) == ""
    # through the scene, as the mouse handler does
    scene_pos = shown.vb.mapViewToScene(QPointF(2, 1000))
    assert shown.tooltip_at(scene_pos).startswith("Metropolitan Police — Drug class A: 2,000")
    shown._on_mouse_moved(scene_pos)
    assert shown.current_tooltip.startswith("Metropolitan Police — Drug class A: 2,000")
    # on the category axis: the group's full name and total
    axis_rect = shown.x_axis.sceneBoundingRect()
    below = QPointF(shown.vb.mapViewToScene(QPointF(2, 0)).x(), axis_rect.top() + 5)
    assert shown.tooltip_at(below) == "Metropolitan Police\nTotal: 3,000"
    shown.set_series(flat())
    assert shown.hover_text(0, 10) == "Essex: 1,214"


def test_long_category_names_are_abbreviated(panel, qtbot):
    names = schema.FORCE_NAMES[:12]  # up to a dozen values stay upright, names shortened to fit
    values = np.arange(12 * 4, dtype=np.int64).reshape(12, 4)
    s = ChartSeries(schema.FORCE, schema.DRUG_CLASS, names, schema.DRUG_CLASSES, values, None)
    panel.resize(420, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_series(s)
    qtbot.wait(10)
    axis = panel.x_axis
    assert axis.full_labels == names
    shown = axis.shown_labels
    assert len(shown) == 12
    for full, short in zip(axis.full_labels, shown):
        assert short == "" or short == full or (short.endswith(ELLIPSIS) and full.startswith(short[:-1]))
    i = names.index("Devon and Cornwall")
    assert panel.hover_text(i, 1).startswith("Devon and Cornwall — Drug class A")
    # few short names lie level and whole
    panel.set_series(flat(groups=("Kent", "Essex", "Surrey")))
    qtbot.wait(10)
    assert not axis.upright and axis.shown_labels == ["Kent", "Essex", "Surrey"]
    assert abbreviate("Greater Manchester", 12) == "Greater Man" + ELLIPSIS


def test_many_values_go_across_with_whole_names_sorted_by_value(panel, qtbot):
    values = np.arange(44 * 4, dtype=np.int64).reshape(44, 4) % 17
    s = ChartSeries(schema.FORCE, schema.DRUG_CLASS, schema.FORCE_NAMES, schema.DRUG_CLASSES, values, None)
    panel.resize(1000, 500)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_series(s)
    assert panel.plot_stack.currentWidget() is panel.hbars and panel.sort_combo.isVisibleTo(panel)
    ticks = [t for _, t in panel.hbars.left._tickLevels[0]]
    assert set(ticks) == set(schema.FORCE_NAMES)  # whole names, none cut
    totals = dict(zip(schema.FORCE_NAMES, values.sum(axis=1)))
    order = panel.hbars.order
    assert [totals[g] for g in order] == sorted(totals.values(), reverse=True)
    panel.sort_combo.setCurrentIndex(1)  # A-Z
    assert panel.hbars.order == sorted(schema.FORCE_NAMES, key=lambda g: schema.FORCE_NAMES.index(g))
    # each bar has a readable row; the plot scrolls rather than squeezing them
    assert panel.hbars.graphics.minimumHeight() >= 44 * 18
    with qtbot.waitSignal(panel.bar_clicked) as sig:
        vb = panel.hbars.vb
        row = panel.hbars.order.index("Essex")
        scene = vb.mapViewToScene(QPointF(1.0, row))
        panel.hbars.graphics.scene().sigMouseClicked.emit(_Click(scene))
    assert sig.args == [schema.FORCE, "Essex"]


class _Click:
    """A left click at a scene position (what pyqtgraph's scene hands its listeners)."""

    def __init__(self, pos):
        self._pos = pos

    def button(self):
        return Qt.MouseButton.LeftButton

    def double(self):
        return False

    def scenePos(self):
        return self._pos

    def accept(self):
        pass


def test_export_png_and_svg(panel, tmp_path):
    panel.set_series(stacked())
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    panel.export_png(png)
    panel.export_svg(svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Count (Recorded offence) by Police force and Drug class" in text
    # the on-screen colours come back after the white export
    assert panel.graphics.backgroundBrush().color() == panel.palette().color(QPalette.ColorRole.Window)


def test_table_frame_and_dialog(panel, qtbot):
    panel.set_series(stacked())
    df = panel.table_frame()
    assert list(df.columns) == ["Police force", "Drug class A", "Drug class B", "Not known", "Total"]
    assert df["Police force"].tolist() == list(FORCES3)
    assert df["Total"].tolist() == [1524, 40, 3000]
    assert df["Drug class A"].tolist() == [1214, 5, 2000]
    panel.set_series(flat())
    assert list(panel.table_frame().columns) == ["Police force", "Count", "Total"]

    dlg = panel.show_table()
    assert isinstance(dlg, ChartTableDialog) and not dlg.isModal()
    assert dlg.model.rowCount() == 3 and dlg.model.index(0, 1).data() == "1,214"
    dlg.view.setFocus()
    qtbot.keyClick(dlg.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "Police force\tCount\tTotal" and lines[1] == "Essex\t1214\t1214"
    assert dlg.copy_button.accessibleName() and dlg.view.accessibleName()
    panel.set_series(stacked())  # the open table follows the chart
    assert dlg.model.columnCount() == 5 and dlg.model.index(2, 4).data() == "3,000"
    dlg.close()


def test_grouping_combos(panel, qtbot):
    combo = panel.group_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [c for c, _ in COLUMNS]
    assert panel.stack_combo.itemText(0) == "(none)" and panel.stack_combo.count() == len(COLUMNS) + 1
    with qtbot.waitSignal(panel.grouping_changed) as blocker:
        panel.stack_combo.setCurrentIndex(panel.stack_combo.findData(schema.DRUG_CLASS))
    assert blocker.args == [schema.FORCE, schema.DRUG_CLASS]
    with qtbot.waitSignal(panel.grouping_changed) as blocker:
        combo.setCurrentIndex(combo.findData(schema.DRUG_CLASS))  # grouping by the stack column unstacks
    assert blocker.args == [schema.DRUG_CLASS, None]
    with qtbot.assertNotEmitted(panel.grouping_changed):
        panel.set_grouping(schema.AGE, schema.FORCE)
    assert (panel.group_by, panel.stack_by) == (schema.AGE, schema.FORCE)
    for w in (panel.group_combo, panel.stack_combo, panel.mode_combo, panel.table_button, panel.save_button,
              panel.graphics):
        assert w.accessibleName()


def test_line_view_for_financial_years(panel, qtbot):
    years = ("2019-20", "2020-21", "2021-22")
    v = np.array([[10, 5], [20, 8], [15, 12]], dtype=np.int64)
    s = ChartSeries(schema.FINANCIAL_YEAR, schema.SEX, years, ("Boys", "Girls"), v, None)
    panel.set_series(flat())
    assert not panel.mode_combo.isEnabled() and panel.mode == "bar"
    panel.set_grouping(schema.FINANCIAL_YEAR, schema.SEX)
    panel.set_series(s)
    assert panel.mode_combo.isEnabled()
    with qtbot.waitSignal(panel.mode_changed) as blocker:
        panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("line"))
    assert blocker.args == ["line"] and panel.mode == "line"
    lines = [ln for ln in panel._lines if ln.isVisible()]
    assert len(lines) == 2 and visible_bars(panel) == []
    x, y = lines[1].getData()
    np.testing.assert_array_equal(y, [5, 8, 12])
    assert lines[0].opts["symbol"] == "o"
    assert panel.bar_at(1, 8) == ("2020-21", "Girls")
    assert panel.hover_text(1, 20) == "2020-21 — Boys: 20\nTotal for 2020-21: 28"
    panel.set_series(stacked())  # other groupings are always bars
    assert panel.mode == "bar" and len(visible_bars(panel)) == 3 and not any(ln.isVisible() for ln in panel._lines)


def test_highlighted_groups_full_colour_others_dimmed(panel):
    panel.set_series(stacked())
    bar = panel._bars[0]
    panel.set_highlighted({"Kent"})
    alphas = [b.color().alpha() for b in bar.opts["brushes"]]
    assert alphas[1] == 255 and alphas[0] < 255 and alphas[2] < 255
    panel.set_series(stacked([[1, 1, 1], [2, 2, 2], [3, 3, 3]]))  # stays dimmed across updates
    assert [b.color().alpha() for b in bar.opts["brushes"]] == alphas
    panel.set_highlighted(None)
    assert bar.opts["brushes"] is None


def test_follows_the_palette(panel):
    dark = QPalette(panel.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    panel.setPalette(dark)
    panel.set_series(flat())
    assert panel.graphics.backgroundBrush().color() == QColor("#202124")
    assert panel.y_axis.textPen().color() == QColor("#e8eaed")


def test_one_bar_has_no_scale_factor_under_it(shown, qtbot):
    """One financial year (a police.uk download of a few months) is one bar: the axis under it names the
    grouping and nothing else, never a unit prefix such as "(x0.001)"."""
    s = ChartSeries(schema.FINANCIAL_YEAR, None, ("2019-20",), ("",), np.array([[2527]]), "Stop and search")
    shown.set_grouping(schema.FINANCIAL_YEAR, None)
    shown.set_series(s)
    qtbot.wait(50)
    label = shown.x_axis.labelString()
    assert "x0.001" not in label and "(x" not in label


def test_the_axis_title_sits_below_the_labels_not_over_them(shown, qtbot):
    from PySide6.QtGui import QFontMetricsF

    s = ChartSeries(schema.FINANCIAL_YEAR, None, ("2018-19", "2019-20", "2020-21"), ("",),
                    np.array([[5], [7], [9]]), "Recorded offence")
    shown.set_grouping(schema.FINANCIAL_YEAR, None)
    shown.set_series(s)
    qtbot.wait(50)
    axis = shown.x_axis
    assert axis.label.isVisible() and axis.labelText
    labels_bottom = (axis.style["tickLength"] + axis.style["tickTextOffset"][1]
                     + QFontMetricsF(axis.label.font()).height())
    assert axis.label.pos().y() + 2 >= labels_bottom
