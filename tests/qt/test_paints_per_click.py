"""One filter click repaints each view it changes once: the table, the chart, the status bar's labels
and every filter list whose counts change are each painted a single time, not again when their layout
or the chart's view settles a moment later; the status bar around its labels is not painted again; and
all of them are painted together, in one pass of the window."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView, QStyle, QWidget


class _PaintCounter(QObject):
    """Counts Paint events per named widget, and the window's paint passes each was painted in."""

    def __init__(self, window: QWidget | None = None) -> None:
        super().__init__()
        self.names: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        self.passes: dict[str, set[int]] = {}
        self._pass = 0
        if window is not None:
            window.installEventFilter(self)

    def watch(self, name: str, widget: QWidget) -> None:
        self.names[id(widget)] = name
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.UpdateRequest:
            self._pass += 1  # the window paints what has changed since its last pass
        if event.type() == QEvent.Type.Paint and id(obj) in self.names:
            name = self.names[id(obj)]
            self.counts[name] = self.counts.get(name, 0) + 1
            self.passes.setdefault(name, set()).add(self._pass)
        return False


def _settle(qtbot, win) -> None:
    win.controller.flush()
    qtbot.wait(300)  # every paint, and whatever a paint sets off, is done


def _tick_box(facet, value: str) -> QPoint:
    """Where a value's tick box is, in the list's viewport."""
    lw = facet.list
    item = facet.item(value)
    lw.scrollToItem(item)
    rect = lw.visualItemRect(item)
    style = lw.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, lw) + 1
    box = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, lw)
    return QPoint(rect.left() + margin + box // 2, rect.center().y())


def _click_a_force(qtbot, win) -> tuple[_PaintCounter, list[str]]:
    """Untick Essex with the mouse, watching what paints; the other lists whose counts it changed."""
    win.resize(1400, 860)
    _settle(qtbot, win)
    forces = win.filters.facets["force"]
    where = _tick_box(forces, "Essex")
    _settle(qtbot, win)
    counter = _PaintCounter(win)
    counter.watch("table", win.table.viewport())
    for view in win.chart.findChildren(QGraphicsView):
        if view.isVisible():
            counter.watch("chart", view.viewport())
    counter.watch("summary", win.summary)
    counter.watch("active filters", win.filters_text)
    counter.watch("status bar", win.status_area)
    counter.watch("synthetic badge", win.synthetic_badge)
    others = {col: f for col, f in win.filters.facets.items()  # the lists on screen
              if col != "force" and not f.list.viewport().visibleRegion().isEmpty()}
    before = {col: [f.list.item(i).text() for i in range(f.list.count())] for col, f in others.items()}
    for col, facet in others.items():
        counter.watch(f"list {col}", facet.list.viewport())

    QTest.mouseClick(forces.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    _settle(qtbot, win)
    QApplication.processEvents()

    assert win.controller.state.selected("force") is not None  # the click did change the filter
    changed = [col for col, f in others.items()
               if [f.list.item(i).text() for i in range(f.list.count())] != before[col]]
    assert changed, "unticking a force changes the counts of the other lists"
    return counter, changed


def test_a_filter_click_paints_each_changed_view_once(qtbot, win):
    counter, changed = _click_a_force(qtbot, win)
    counts = counter.counts
    for name in ("table", "chart", "summary", "active filters", *(f"list {col}" for col in changed)):
        assert counts.get(name, 0) == 1, f"{name} painted {counts.get(name, 0)} times for one click: {counts}"


def test_a_filter_click_repaints_the_status_bar_labels_not_the_bar(qtbot, win):
    assert win.synthetic_badge.isVisible()
    counter, _ = _click_a_force(qtbot, win)
    counts = counter.counts
    assert counts.get("summary") == 1 and counts.get("active filters") == 1, counts
    assert counts.get("status bar", 0) == 0, f"the status bar was laid out and painted again: {counts}"
    assert counts.get("synthetic badge", 0) == 0, f"the badge was painted again: {counts}"


def test_a_filter_click_is_painted_in_one_pass(qtbot, win):
    counter, changed = _click_a_force(qtbot, win)
    views = ("table", "chart", "summary", "active filters", *(f"list {col}" for col in changed))
    passes = {name: counter.passes.get(name, set()) for name in views}
    assert len(set().union(*passes.values())) == 1, f"the views were painted in several passes: {passes}"


def test_the_chart_is_painted_once_when_it_comes_back_after_no_rows(qtbot, win):
    """From "no rows match" (words in place of a chart, no axes) back to a chart: painted with its axes
    laid out, not once before they are and twice after; at most one more paint follows, when the count
    axis finds the width of its labels as it first draws them."""
    win.resize(1400, 860)
    win.controller.set_search("no such text anywhere")
    _settle(qtbot, win)
    assert win.controller.result.n_rows == 0
    counter = _PaintCounter(win)
    for view in win.chart.findChildren(QGraphicsView):
        if view.isVisible():
            counter.watch("chart", view.viewport())
    win.controller.set_search("")
    _settle(qtbot, win)
    QApplication.processEvents()
    assert win.controller.result.n_rows > 0
    assert 1 <= counter.counts.get("chart", 0) <= 2, counter.counts
