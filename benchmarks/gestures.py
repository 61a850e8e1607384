"""What a caseworker does to the filters of the real window, as input events: clicks and double-clicks
on a filter list's values, a drag of the age slider, typing in the search box, shortcuts. Widgets are
found by what they show (a list whose values are a column's categories, the box named "Search"), not by
the window's attribute names."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLineEdit, QListWidget, QSlider, QStyle, QWidget

_VALUE = Qt.ItemDataRole.UserRole


def facet_list(win: QWidget, values: list[str]) -> QListWidget | None:
    """The filter list whose items are exactly these values."""
    want = set(values)
    for lw in win.findChildren(QListWidget):
        items = [lw.item(i) for i in range(lw.count())]
        if {(it.data(_VALUE) or it.text()) for it in items} == want:
            return lw
    return None


def search_box(win: QWidget) -> QLineEdit | None:
    """The search-all-text box (accessible name "Search")."""
    for edit in win.findChildren(QLineEdit):
        if edit.accessibleName() == "Search":
            return edit
    return None


def age_slider(win: QWidget) -> QSlider | None:
    """The age range slider (the slider inside the control named "Age range")."""
    for w in win.findChildren(QWidget):
        if w.accessibleName() == "Age range":
            sliders = [w] if isinstance(w, QSlider) else w.findChildren(QSlider)
            if sliders:
                return sliders[0]
    return None


def _show(widget: QWidget) -> None:
    """Scroll every scroll area above the widget so that it is on screen (untimed, before a gesture)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and hasattr(parent, "ensureWidgetVisible"):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()


def prepare_item(lw: QListWidget, value: str) -> QPoint:
    """Bring a value of a list on screen; the centre of its row, in the viewport's coordinates."""
    item = next(lw.item(i) for i in range(lw.count()) if (lw.item(i).data(_VALUE) or lw.item(i).text()) == value)
    _show(lw)
    lw.scrollToItem(item)
    return lw.visualItemRect(item).center()


def check_box_point(lw: QListWidget, value: str) -> QPoint:
    """Where a value's tick box is, in the viewport's coordinates."""
    centre = prepare_item(lw, value)
    rect = lw.visualItemRect(next(lw.item(i) for i in range(lw.count())
                                  if (lw.item(i).data(_VALUE) or lw.item(i).text()) == value))
    style = lw.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, lw) + 1
    box = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, lw)
    return QPoint(rect.left() + margin + box // 2, centre.y())


def click(widget: QWidget, at: QPoint) -> float:
    """A left click; the time of the press."""
    t = time.monotonic()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    return t


def double_click(widget: QWidget, at: QPoint) -> float:
    """A double click, as the list's "only this value" gesture (press, release, double click, release, as
    a widget receives it from the window system); the time of the first press."""
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    t = time.monotonic()
    QTest.mouseClick(widget, left, none, at)
    QTest.mouseDClick(widget, left, none, at)
    QTest.mouseRelease(widget, left, none, at)
    return t


def keys(widget: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> float:
    """One key press and release (shortcuts included); the time of the press."""
    t = time.monotonic()
    QTest.keyClick(widget, key, modifier)
    return t


def type_text(widget: QWidget, text: str) -> float:
    """Typing, one key after another; the time of the first key."""
    t = time.monotonic()
    QTest.keyClicks(widget, text)
    return t


def _handle_centre(slider: QSlider, value: int) -> QPoint:
    size = slider.height()  # a horizontal slider's handles are square
    span = max(slider.maximum() - slider.minimum(), 1)
    x = round((value - slider.minimum()) / span * (slider.width() - size)) + size // 2
    return QPoint(x, slider.height() // 2)


def _mouse(slider: QSlider, kind: QEvent.Type, at: QPoint, button, buttons) -> None:
    event = QMouseEvent(kind, QPointF(at), QPointF(slider.mapToGlobal(at)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(slider, event)


def drag_handle(slider: QSlider, value: int, to: int) -> float:
    """Drag the slider's handle that sits at `value` to `to`: press, move, release; the time of the press."""
    _show(slider)
    start, end = _handle_centre(slider, value), _handle_centre(slider, to)
    left = Qt.MouseButton.LeftButton
    t = time.monotonic()
    _mouse(slider, QEvent.Type.MouseButtonPress, start, left, left)
    _mouse(slider, QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton, left)
    _mouse(slider, QEvent.Type.MouseButtonRelease, end, left, Qt.MouseButton.NoButton)
    return t
