"""The scripted session played on the real window as input events, each timed from the input to the
last paint of the widgets it changes (the table, the chart, the filter lists, the status bar)."""
from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QListWidget, QTableView, QWidget

from . import gestures
from .paints import PaintWatch, wait_until_painted
from .scripted import BROAD, SEARCH_WORDS, broad_state

NO_RESULT_WAIT_S = 1.0  # a gesture whose change brings no result is given up on after this


class Session:
    """Plays rounds of gestures on a window showing a data set and keeps one record per gesture:
    what was done, whether it was a broad change, milliseconds to painted, paints per widget."""

    def __init__(self, win, rng: random.Random) -> None:
        self.win = win
        self.ctrl = win.controller
        self.ds = self.ctrl.dataset
        self.rng = rng
        self.clicks: list[dict] = []
        self.notes: list[str] = []
        self.results: list[float] = []
        self.ctrl.result_changed.connect(lambda *_: self.results.append(time.monotonic()))
        self.watch = PaintWatch()
        self._watch_widgets()
        self.forces = gestures.facet_list(win, self.ds.categories("force"))
        self.classes = gestures.facet_list(win, self.ds.categories("drug_class"))
        self.outcomes = gestures.facet_list(win, self.ds.categories("outcome"))
        self.slider = gestures.age_slider(win)
        self.search = gestures.search_box(win)

    def _watch_widgets(self) -> None:
        win = self.win
        for table in win.findChildren(QTableView):
            if table.isVisible():
                self.watch.watch("table", table.viewport())
        chart = getattr(win, "chart", None)
        for view in (chart.findChildren(QGraphicsView) if chart is not None else []):
            self.watch.watch("chart", view.viewport())
        for lw in win.findChildren(QListWidget):
            name = lw.accessibleName().removesuffix(" values") or "a list"
            self.watch.watch(f"filter: {name}", lw.viewport())
        slider = gestures.age_slider(win)
        if slider is not None:
            labelled = slider.parentWidget()
            self.watch.watch("age slider", labelled, *labelled.findChildren(QWidget), timed=False)
        search = gestures.search_box(win)
        if search is not None:
            self.watch.watch("search box", search, *search.findChildren(QWidget), timed=False)
        bar = win.statusBar()
        bar.clearMessage()  # "Opened ..." would hide the summary for the whole script
        named = [w for w in bar.findChildren(QWidget) if w.accessibleName()]
        for w in named:  # the summary and the filters in words, each counted as the widget it is
            self.watch.watch(f"status bar: {w.accessibleName().lower()}", w)
        self.watch.watch("status bar", bar, *[w for w in bar.findChildren(QWidget) if w not in named])

    # ---- one gesture -------------------------------------------------------------------------
    def measure(self, what: str, act) -> None:
        """Do one gesture (`act` returns the time of its first input event) and wait until painted."""
        before = self.ctrl.state
        self.watch.reset()
        self.results.clear()
        t = act()

        def settled() -> bool:
            if getattr(self.ctrl, "working", False):
                return False
            return any(r >= t for r in self.results) or time.monotonic() - t > NO_RESULT_WAIT_S

        last = wait_until_painted(self.watch, settled, t)
        changed = self.ctrl.state != before
        if not changed:
            self.notes.append(f"the gesture '{what}' changed no filter: not counted")
            return
        shown = [r for r in self.results if r >= t]
        self.clicks.append({"what": what, "broad": what.startswith(BROAD),
                            "ms": None if last is None else (last - t) * 1000.0, "paints": dict(self.watch.counts),
                            "result_ms": (shown[-1] - t) * 1000.0 if shown else None, "results": len(shown)})

    def settle(self) -> None:
        """Wait, untimed, until the window has painted whatever is pending."""
        wait_until_painted(self.watch, lambda: not getattr(self.ctrl, "working", False), time.monotonic())

    # ---- the gestures ------------------------------------------------------------------------
    def only(self, lw: QListWidget | None, value: str) -> float:
        return gestures.double_click(lw.viewport(), gestures.prepare_item(lw, value))

    def tick(self, lw: QListWidget | None, value: str) -> float:
        return gestures.click(lw.viewport(), gestures.check_box_point(lw, value))

    def drag_age(self) -> float:
        lo, hi = self.ctrl.state.age_range or (self.slider.minimum(), self.slider.maximum())
        if self.rng.random() < 0.5:
            return gestures.drag_handle(self.slider, lo, lo + 1 if lo + 1 < hi else max(lo - 1, self.slider.minimum()))
        return gestures.drag_handle(self.slider, hi, hi - 1 if hi - 1 > lo else min(hi + 1, self.slider.maximum()))

    def clear_search(self) -> float:
        t = gestures.keys(self.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        gestures.keys(self.search, Qt.Key.Key_Backspace)
        return t

    def shortcut(self, key: Qt.Key) -> float:
        """Ctrl+key to the window; the window is made active first (untimed), as shortcuts need it."""
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        if QApplication.activeWindow() is not self.win:
            self.win.activateWindow()
            if not QTest.qWaitForWindowActive(self.win, 2000):
                self.notes.append("the window could not be made active for a shortcut")
        return gestures.keys(self.win, key, Qt.KeyboardModifier.ControlModifier)

    def play_round(self) -> None:
        """The narrow gestures of the scripted mix, then the broad ones (see scripted.py)."""
        rng, ds = self.rng, self.ds
        f1, f2 = rng.sample(ds.categories("force"), 2)
        c1, c2 = rng.sample(ds.categories("drug_class"), 2)
        prefix, word = rng.choice(SEARCH_WORDS)
        outcome = rng.choice(ds.categories("outcome"))
        self.measure(f"only force {f1}", lambda: self.only(self.forces, f1))
        self.measure(f"tick force {f2}", lambda: self.tick(self.forces, f2))
        self.measure("age (drag a handle)", self.drag_age)
        self.measure(f"only class {c1}", lambda: self.only(self.classes, c1))
        self.measure(f"tick class {c2}", lambda: self.tick(self.classes, c2))
        self.measure(f"search '{prefix}' (typed)", lambda: gestures.type_text(self.search, prefix))
        self.measure(f"search '{word}' (typed on)", lambda: gestures.type_text(self.search, word[len(prefix):]))
        self.measure("clear search (Ctrl+A, Backspace)", self.clear_search)
        self.measure(f"untick outcome {outcome}", lambda: self.tick(self.outcomes, outcome))
        self.measure("age (drag a handle)", self.drag_age)
        self.measure("reset (Ctrl+R)", lambda: self.shortcut(Qt.Key.Key_R))
        self.play_broad()

    def play_broad(self) -> None:
        """A broad selection (several facets, a wide age range, a search) set untimed, as an opened view;
        then reset and undone (the whole selection back in one key press), changed on top, reset."""
        _, state, picked = broad_state(self.ds, self.rng)
        self.ctrl.set_state(state)
        self.settle()
        extra = self.rng.choice([f for f in self.ds.categories("force") if f not in picked])
        self.measure(f"{BROAD} reset (Ctrl+R)", lambda: self.shortcut(Qt.Key.Key_R))
        self.measure(f"{BROAD} undo the reset (Ctrl+Z)", lambda: self.shortcut(Qt.Key.Key_Z))
        self.measure(f"{BROAD} tick force {extra}", lambda: self.tick(self.forces, extra))
        self.measure(f"{BROAD} age (drag a handle)", self.drag_age)
        self.measure(f"{BROAD} search (Backspace)", lambda: gestures.keys(self.search, Qt.Key.Key_Backspace))
        self.measure(f"{BROAD} reset (Ctrl+R)", lambda: self.shortcut(Qt.Key.Key_R))
