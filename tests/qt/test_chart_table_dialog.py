"""The chart as a table: opened as large as its columns need (within the screen), and headed by the
same lines as a saved chart image, filters in words included."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.result import ChartSeries
from youthdrugs_gui.qt.chart import ChartPanel
from youthdrugs_gui.qt.mainwindow import MainWindow

STACKS = ("Conviction", "Youth caution", "Community resolution", "No further action")


@pytest.fixture
def panel(qtbot) -> ChartPanel:
    p = ChartPanel()
    qtbot.addWidget(p)
    p.set_columns([(schema.FORCE, "Police force"), (schema.OUTCOME, "Outcome")])
    p.set_grouping(schema.FORCE, schema.OUTCOME)
    values = np.arange(3 * len(STACKS), dtype=np.int64).reshape(3, -1) * 1000
    p.set_series(ChartSeries(schema.FORCE, schema.OUTCOME, ("Essex", "Kent", "Surrey"), STACKS, values, None))
    return p


def _fits(dlg) -> bool:
    """Every column and row in view: no sideways (or downward) scrolling."""
    QApplication.processEvents()
    return dlg.view.horizontalScrollBar().maximum() == 0 and dlg.view.verticalScrollBar().maximum() == 0


def test_the_table_opens_wide_enough_to_need_no_sideways_scrolling(panel, qtbot):
    dlg = panel.show_table()
    qtbot.waitExposed(dlg)
    screen = dlg.screen().availableGeometry()
    assert dlg.width() <= screen.width() and dlg.height() <= screen.height()
    assert _fits(dlg)
    dlg.close()


def test_a_small_table_opens_small(panel, qtbot):
    panel.set_series(ChartSeries(schema.FORCE, None, ("Essex", "Kent"), ("",), np.array([[3], [4]]), None))
    dlg = panel.show_table()
    qtbot.waitExposed(dlg)
    table_width, _ = dlg.view.contents_size()
    assert _fits(dlg) and dlg.width() <= max(420, table_width + 60)
    dlg.close()


def test_the_table_never_opens_larger_than_the_screen(panel, qtbot):
    many = tuple(f"{s} {i}" for i in range(6) for s in STACKS)
    values = np.ones((3, len(many)), dtype=np.int64)
    panel.set_series(ChartSeries(schema.FORCE, schema.OUTCOME, ("Essex", "Kent", "Surrey"), many, values, None))
    dlg = panel.show_table()
    screen = dlg.screen().availableGeometry()
    assert dlg.width() <= screen.width() and dlg.height() <= screen.height()
    dlg.close()


def test_the_table_is_headed_like_the_saved_image_with_the_filters_in_words(qtbot, tmp_path):
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_sample()
    win.show()
    qtbot.waitExposed(win)
    win.controller.set_values("force", {"Kent"})
    win.controller.flush()
    QApplication.processEvents()
    dlg = win.chart.show_table()
    words = win.controller.state.describe(win.dataset)
    assert "Kent" in words
    shown = dlg.caption.text().splitlines()
    assert shown == win.chart.image_heading()
    assert shown[0].startswith("Synthetic data") and any(words in line for line in shown)
    assert any(line.startswith("Source:") for line in shown)
    assert dlg.caption.isVisibleTo(dlg)
    # the open table follows the next filter, heading and all
    win.controller.set_values("force", {"Essex"})
    win.controller.flush()
    QApplication.processEvents()
    assert any("Essex" in line for line in dlg.caption.text().splitlines())
    QGuiApplication.clipboard().clear()
    dlg.close()
