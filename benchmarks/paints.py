"""Counting what the window paints: an event filter on the widgets a filter change redraws, and a
wait until painting has stopped, giving the time the last paint reached the screen."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

QUIET_MS = 50  # painting has stopped once no watched widget has painted for this long
POLL_MS = 5
MAX_WAIT_S = 60.0


class PaintWatch(QObject):
    """Counts Paint events per named widget and notes when each paint was done.

    A paint is done once the event loop is back to its timers: by then the repaint has been drawn into
    the window's backing store and flushed to the X server. `app_wide` watches every widget (for the
    first paint of a window that does not exist yet)."""

    def __init__(self, app_wide: bool = False) -> None:
        super().__init__()
        self.names: dict[int, str] = {}
        self._untimed: set[int] = set()
        self.counts: dict[str, int] = {}
        self.last_paint_done = 0.0
        self.last_paint = 0.0
        self.first_paint = 0.0
        self._mark_pending = False
        self._app_wide = app_wide
        if app_wide:
            QApplication.instance().installEventFilter(self)

    def watch(self, name: str, *widgets: QWidget, timed: bool = True) -> None:
        """Count the Paint events of these widgets under one name (a table's viewport, a status bar's labels).
        Paints of widgets that are not `timed` are counted but do not move the time of the last paint (the
        control the user is working, whose own echo and animations are not what the user waits for)."""
        for w in widgets:
            self.names[id(w)] = name
            if not timed:
                self._untimed.add(id(w))
            w.installEventFilter(self)

    def stop(self) -> None:
        if self._app_wide:
            QApplication.instance().removeEventFilter(self)
            self._app_wide = False

    def reset(self) -> None:
        self.counts = {}
        self.last_paint_done = 0.0
        self.last_paint = 0.0
        self.first_paint = 0.0

    @property
    def painting(self) -> bool:
        """Whether a paint has started and is not yet done."""
        return self._mark_pending

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            name = self.names.get(id(obj))
            if name is None and self._app_wide and isinstance(obj, QWidget):
                name = type(obj).__name__
            if name is not None:
                self.counts[name] = self.counts.get(name, 0) + 1
            if name is not None and id(obj) not in self._untimed:
                self.last_paint = time.monotonic()
                if not self.first_paint:
                    self.first_paint = self.last_paint
                if not self._mark_pending:
                    self._mark_pending = True
                    QTimer.singleShot(0, self._mark_done)
        return False

    def _mark_done(self) -> None:
        self._mark_pending = False
        self.last_paint_done = time.monotonic()

    def total(self) -> int:
        return sum(self.counts.values())


def wait_until_painted(watch: PaintWatch, ready, since: float, quiet_ms: float = QUIET_MS,
                       max_wait_s: float = MAX_WAIT_S) -> float | None:
    """Run the event loop until `ready()` holds and nothing watched has painted for `quiet_ms`, counted
    from the later of the last paint and the moment `ready()` first held (a result arriving after a quiet
    spell is painted after it); the time the last paint was done (time.monotonic), or None if nothing
    painted after `since`."""
    loop = QEventLoop()
    deadline = since + max_wait_s
    ready_at: list[float] = []  # when ready() first held: the paints it causes come after it

    def check() -> None:
        now = time.monotonic()
        if not ready_at and ready():
            ready_at.append(now)
        last = max(watch.last_paint_done, watch.last_paint, since, *ready_at)
        if now > deadline or (ready_at and not watch.painting and now - last >= quiet_ms / 1000.0):
            loop.quit()

    poll = QTimer()
    poll.setInterval(POLL_MS)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    return watch.last_paint_done if watch.last_paint_done > since else None
