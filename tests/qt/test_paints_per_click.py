"""One filter click repaints each view it changes once: the table, the chart, the status bar's labels
and every filter list whose counts change are each painted a single time, not again when their layout
or the chart's view settles a moment later."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView, QStyle, QWidget


class _PaintCounter(QObject):
    """Counts Paint events per named widget."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[int, str] = {}
        self.counts: dict[str, int] = {}

    def watch(self, name: str, widget: QWidget) -> None:
        self.names[id(widget)] = name
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and id(obj) in self.names:
            name = self.names[id(obj)]
            self.counts[name] = self.counts.get(name, 0) + 1
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


def test_a_filter_click_paints_each_changed_view_once(qtbot, win):
    win.resize(1400, 860)
    _settle(qtbot, win)
    forces = win.filters.facets["force"]
    where = _tick_box(forces, "Essex")
    _settle(qtbot, win)
    counter = _PaintCounter()
    counter.watch("table", win.table.viewport())
    for view in win.chart.findChildren(QGraphicsView):
        if view.isVisible():
            counter.watch("chart", view.viewport())
    counter.watch("summary", win.summary)
    counter.watch("active filters", win.filters_text)
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
    counts = counter.counts
    for name in ("table", "chart", "summary", "active filters", *(f"list {col}" for col in changed)):
        assert counts.get(name, 0) == 1, f"{name} painted {counts.get(name, 0)} times for one click: {counts}"
