"""On large data a burst of changes (typing, a drag) is computed as soon as the worker is free, not after
a fixed interval: the last change is shown sooner, a result it has already overtaken is not shown at all,
and a long burst still shows results as it goes."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.qt.controller import UPDATE_INTERVAL_MS, Controller


class SlowEngine(Engine):
    """An engine that takes a while, as on a large data set, and notes the states it computed."""

    delay = 0.01

    def __init__(self, ds: Dataset) -> None:
        super().__init__(ds)
        self.states: list[FilterState] = []

    def apply(self, state, group_by=None, stack_by=None):
        self.states.append(state)
        time.sleep(self.delay)
        return super().apply(state, group_by, stack_by)


def _ds(n: int = 2000) -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset.from_frame(pd.DataFrame({
        "financial_year": rng.choice(["2019-20", "2020-21"], n),
        "force": rng.choice(["Essex", "Kent"], n),
        "age": rng.choice(range(10, 18), n),
        "offence_type": rng.choice(["Possession", "Supply or offering to supply"], n),
        "count": rng.integers(1, 5, n),
    }), name="bursts")


def _large(qtbot, delay: float) -> tuple[Controller, SlowEngine, list]:
    c = Controller()
    c.async_rows = 0  # every data set counts as large
    ds = _ds()
    eng = SlowEngine(ds)
    eng.delay = delay
    published: list = []
    c.result_changed.connect(published.append)
    c.set_dataset(ds, engine=eng)
    qtbot.waitUntil(lambda: not c.working and c.result is not None)
    published.clear()
    eng.states.clear()
    return c, eng, published


def test_typing_shows_the_last_text_only_and_without_waiting_for_the_interval(qtbot):
    c, eng, published = _large(qtbot, delay=0.01)
    started = time.monotonic()
    for text in ("s", "su", "sup"):  # three keys in quick succession
        c.set_search(text)
    qtbot.waitUntil(lambda: not c.working, timeout=5000)
    took = (time.monotonic() - started) * 1000.0
    try:
        assert [r.state.search for r in published] == ["sup"]  # "s" was overtaken: never shown
        assert [s.search for s in eng.states] == ["s", "sup"]  # "su" was never computed
        assert c.result.state == c.state == FilterState().with_search("sup")
        assert took < 2 * UPDATE_INTERVAL_MS  # two short jobs back to back, no interval between them
    finally:
        c.shutdown()


def test_a_long_drag_still_shows_results_while_it_goes_on(qtbot):
    c, eng, published = _large(qtbot, delay=0.02)
    try:
        for lo in [10, 11, 12, 13, 14, 13, 12, 11, 10, 11, 12, 13, 14, 13, 12, 11] * 2:
            c.set_age_range((lo, 17))
            qtbot.wait(10)  # a new position every 10 ms for about a third of a second
        shown_during = len(published)
        qtbot.waitUntil(lambda: not c.working, timeout=5000)
        assert shown_during >= 2  # the table and chart moved with the drag
        assert published[-1].state == c.state  # and ended on the last position
    finally:
        c.shutdown()
