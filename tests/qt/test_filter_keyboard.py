"""The filter panel from the keyboard: Tab reaches both ends of the age slider, the keys move them, and
each key press is one filter change."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.qt.age_filter import HIGH, LOW
from youthdrugs_gui.qt.controller import Controller
from youthdrugs_gui.qt.facets import FilterPanel


@pytest.fixture
def panel(qtbot):
    ds = Dataset.from_frame(pd.DataFrame({
        "financial_year": ["2018-19", "2019-20", "2020-21", "2020-21", "2021-22", "2021-22"],
        "force": ["Essex", "Kent", "Essex", "Norfolk", "Kent", "Essex"],
        "age": [11, 12, 13, 15, 16, 17],
    }), name="keys")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    qtbot.waitUntil(p.isActiveWindow, timeout=2000)
    return p, c


def _focus() -> object:
    return QApplication.focusWidget()


def _age(c: Controller) -> tuple[int, int] | None:
    c.flush()
    return c.state.age_range


def test_tab_reaches_the_lower_then_the_upper_age_handle_then_moves_on(panel, qtbot):
    p, c = panel
    handles = p.age.handles
    p.year.last.setFocus()
    qtbot.keyClick(p.year.last, Qt.Key.Key_Tab)
    assert _focus() is handles and handles.current == LOW
    qtbot.keyClick(handles, Qt.Key.Key_Right)
    assert _age(c) == (12, 17)
    qtbot.keyClick(handles, Qt.Key.Key_Tab)
    assert _focus() is handles and handles.current == HIGH
    qtbot.keyClick(handles, Qt.Key.Key_Left)
    assert _age(c) == (12, 16)
    qtbot.keyClick(handles, Qt.Key.Key_Backtab)
    assert _focus() is handles and handles.current == LOW
    qtbot.keyClick(handles, Qt.Key.Key_Tab)
    qtbot.keyClick(handles, Qt.Key.Key_Tab)
    assert _focus() is not handles  # on to the next filter
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab)
    assert _focus() is handles and handles.current == HIGH  # back in from below: the upper handle


def test_arrows_pages_home_and_end_move_the_handle_with_the_focus(panel, qtbot):
    p, c = panel
    handles = p.age.handles
    handles.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(handles, Qt.Key.Key_Up)
    assert _age(c) == (12, 17)
    qtbot.keyClick(handles, Qt.Key.Key_PageUp)
    assert _age(c) == (14, 17)
    qtbot.keyClick(handles, Qt.Key.Key_Down)
    assert _age(c) == (13, 17)
    qtbot.keyClick(handles, Qt.Key.Key_End)
    assert _age(c) == (16, 17)  # as far as it goes: one year below the upper handle
    qtbot.keyClick(handles, Qt.Key.Key_Home)
    assert _age(c) is None  # back at the lowest age: no age filter
    qtbot.keyClick(handles, Qt.Key.Key_Left)
    assert _age(c) is None  # nothing below the lowest age


def test_a_key_press_is_one_filter_change(panel, qtbot):
    p, c = panel
    handles = p.age.handles
    chosen: list[object] = []
    p.age.range_chosen.connect(chosen.append)
    handles.setFocus(Qt.FocusReason.BacktabFocusReason)
    assert handles.current == HIGH
    qtbot.keyClick(handles, Qt.Key.Key_Home)
    assert chosen == [(11, 12)]  # one jump, not a change per year on the way
    assert _age(c) == (11, 12)
    qtbot.keyClick(handles, Qt.Key.Key_PageUp)
    assert chosen == [(11, 12), (11, 14)]
    qtbot.keyClick(handles, Qt.Key.Key_Home)
    qtbot.keyClick(handles, Qt.Key.Key_Left)  # already as low as it goes: no change at all
    assert chosen == [(11, 12), (11, 14), (11, 12)]


def test_a_click_chooses_the_handle_the_keys_move(panel, qtbot):
    p, c = panel
    handles = p.age.handles
    qtbot.mouseClick(handles, Qt.MouseButton.LeftButton, pos=handles.handle_rect(HIGH).center())
    assert handles.current == HIGH
    qtbot.keyClick(handles, Qt.Key.Key_Left)
    assert _age(c) == (11, 16)
