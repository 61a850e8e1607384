"""On large data the engine runs off the UI thread. What the user notices: typing and dragging are never
undone by a late result, the last change always wins, results of a replaced data set never show, a sorted
table stays sorted, and a failure in the engine is reported without leaving the window stuck."""
from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.qt.controller import Controller
from youthdrugs_gui.qt.facets import FilterPanel

FORCES = ["Essex", "Kent", "Norfolk", "Suffolk"]


def _ds(n: int = 2000, seed: int = 0, name: str = "async test") -> Dataset:
    rng = np.random.default_rng(seed)
    return Dataset.from_frame(pd.DataFrame({
        "financial_year": rng.choice(["2019-20", "2020-21", "2021-22"], n),
        "force": rng.choice(FORCES, n),
        "age": rng.choice(range(10, 18), n),
        "drug_class": rng.choice(["A", "B", "C"], n),
        "offence_type": rng.choice(["Possession", "Supply or offering to supply"], n),
        "count": rng.integers(1, 5, n),
    }), name=name)


class SlowEngine(Engine):
    """An engine that takes a while, as a large data set does, and records the thread it runs on."""

    delay = 0.03

    def __init__(self, ds):
        super().__init__(ds)
        self.threads: set[str] = set()
        self.fail_next = False
        self.states: list[FilterState] = []

    def apply(self, state, group_by=None, stack_by=None):
        self.threads.add(threading.current_thread().name)
        self.states.append(state)
        time.sleep(self.delay)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("engine failure for the test")
        return super().apply(state, group_by, stack_by)


@pytest.fixture
def slow(qtbot):
    c = Controller()
    c.async_rows = 0  # every data set counts as large
    ds = _ds()
    eng = SlowEngine(ds)
    published = []
    c.result_changed.connect(published.append)
    c.set_dataset(ds, engine=eng)
    qtbot.waitUntil(lambda: not c.working and c.result is not None)
    yield c, eng, published
    c.shutdown()


def _idle(qtbot, c):
    qtbot.waitUntil(lambda: not c.working, timeout=5000)


def test_the_engine_runs_off_the_ui_thread_and_the_last_change_wins(qtbot, slow):
    c, eng, published = slow
    assert threading.current_thread().name not in eng.threads
    published.clear()
    for force in FORCES[:3]:
        c.toggle("force", force)  # three quick clicks while the first is still being computed
    assert c.working
    _idle(qtbot, c)
    assert c.result.state == c.state == FilterState().with_values("force", [FORCES[3]])
    assert c.result.n_rows == int((c.dataset.frame["force"] == FORCES[3]).sum())
    # the burst was coalesced: fewer results than clicks, in the order the changes were made
    assert 1 <= len(published) < 3
    states = [r.state for r in published]
    assert states[-1] == c.state


def test_typing_while_the_engine_works_never_loses_characters(qtbot, slow):
    c, eng, published = slow
    panel = FilterPanel(c)
    qtbot.addWidget(panel)
    panel.build(c.dataset)
    panel.show()
    texts = []
    c.result_changed.connect(lambda r: texts.append(panel.search.text()))
    for ch in "supply":  # a steady typist: results of earlier letters arrive between keystrokes
        qtbot.keyClicks(panel.search, ch)
        qtbot.wait(25)
    _idle(qtbot, c)
    assert panel.search.text() == "supply"
    assert c.result.state.search == "supply"
    # every result that arrived while typing left the box as the user had typed it
    assert all("supply".startswith(t) and t for t in texts)
    assert c.result.n_rows == int((c.dataset.frame["offence_type"] == "Supply or offering to supply").sum())


def test_a_result_for_a_replaced_data_set_never_shows(qtbot, slow):
    c, eng, published = slow
    c.toggle("force", "Kent")
    assert c.working
    new = _ds(500, seed=3, name="other")
    c.set_dataset(new, engine=SlowEngine(new))
    _idle(qtbot, c)
    assert c.result.n_total == 500
    assert all(r.n_total == 500 for r in published[published.index(c.result):])
    assert not any(r.n_total == 2000 and r.state.selected("force") for r in published)


def test_flush_gives_the_current_result_at_once(qtbot, slow):
    c, eng, published = slow
    c.set_age_range((12, 14))
    c.toggle("drug_class", "A")
    c.flush()
    assert c.result.state == c.state
    ages = c.dataset.frame["age"].astype(int)
    expected = ((ages >= 12) & (ages <= 14) & (c.dataset.frame["drug_class"] != "A")).sum()
    assert c.result.n_rows == expected
    n = len(published)
    _idle(qtbot, c)
    qtbot.wait(50)
    assert c.result.state == c.state and len(published) == n  # the job flush waited for is not shown again


def test_flush_uses_the_result_being_computed_rather_than_computing_it_twice(qtbot, slow):
    c, eng, published = slow
    eng.states.clear()
    c.only("force", "Norfolk")
    c.flush()
    assert eng.states == [c.state]
    assert c.result.state == c.state


def test_a_sorted_table_is_sorted_with_each_change_on_the_worker_thread(qtbot, slow):
    c, eng, published = slow
    sorted_on: list[str] = []
    real_sort = eng.sort_rows
    eng.sort_rows = lambda *a: sorted_on.append(threading.current_thread().name) or real_sort(*a)
    c.sort_by("count", True)
    _idle(qtbot, c)
    assert c.table.sort == ("count", True)
    assert list(c.table.rows) == list(real_sort(c.result.rows, "count", True))
    c.toggle("force", "Essex")
    _idle(qtbot, c)
    counts = c.dataset.counts[c.table.rows]
    assert list(counts) == sorted(counts, reverse=True)
    assert sorted(c.table.rows) == list(c.result.rows)
    assert len(sorted_on) == 2 and threading.current_thread().name not in sorted_on


def test_a_failure_in_the_engine_is_reported_and_the_next_change_works(qtbot, slow, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from youthdrugs_gui.core.crashlog import data_folder

    c, eng, published = slow
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append((title, text)))
    eng.fail_next = True
    c.toggle("force", "Kent")
    _idle(qtbot, c)
    log = data_folder() / "crash.log"
    assert "engine failure for the test" in log.read_text(encoding="utf-8")
    assert len(shown) == 1 and str(log) in shown[0][1] and "RuntimeError" not in shown[0][1]
    c.toggle("force", "Essex")
    _idle(qtbot, c)
    assert c.result.state == c.state
    assert "Essex" not in set(c.dataset.frame["force"].to_numpy()[c.result.rows])


def test_the_window_says_it_is_updating_only_when_a_change_takes_a_while(qtbot, tmp_path):
    from youthdrugs_gui.qt.mainwindow import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.controller.async_rows = 0
    ds = _ds()
    eng = SlowEngine(ds)
    eng.delay = 0.4
    w.show()
    qtbot.waitExposed(w)
    w.show_dataset(ds, engine=eng)
    qtbot.wait(20)
    assert not w.updating.isVisibleTo(w)
    bar = w.filters_text.parentWidget()
    width = bar.width()
    qtbot.waitUntil(lambda: w.updating.isVisibleTo(w), timeout=3000)
    assert bar.width() == width  # its room was kept: the words beside it are not laid out again
    _idle(qtbot, w.controller)
    qtbot.waitUntil(lambda: not w.updating.isVisibleTo(w), timeout=3000)
    assert w.summary.text().startswith("Showing 2,000 of 2,000 rows")
    eng.delay = 0.0
    w.controller.toggle("force", "Kent")
    _idle(qtbot, w.controller)
    assert not w.updating.isVisibleTo(w)
    assert w.summary.text().startswith(f"Showing {w.controller.result.n_rows:,} of 2,000 rows")
    w.controller.shutdown()


def test_flush_publishes_once_when_the_change_came_while_the_engine_worked(qtbot, slow):
    c, eng, published = slow
    published.clear()
    c.toggle("force", "Kent")
    c.set_grouping("drug_class", None)  # while the first change is being computed
    c.flush()
    assert [r.series.group_by for r in published] == ["drug_class"]
    assert published[-1].state == c.state


def test_after_shutdown_nothing_more_is_computed_or_shown(qtbot, slow):
    c, eng, published = slow
    c.toggle("force", "Kent")
    c.toggle("force", "Essex")
    n = len(published)
    c.shutdown()
    assert not c.working
    qtbot.wait(150)
    assert len(published) == n
    c.toggle("force", "Norfolk")  # a late gesture as the window closes: ignored, no error
    qtbot.wait(100)
    assert len(published) == n


def test_a_header_click_on_large_data_sorts_off_the_ui_thread(qtbot):
    from youthdrugs_gui.qt.mainwindow import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.controller.async_rows = 0
    ds = _ds()
    eng = SlowEngine(ds)
    sorted_on: list[str] = []
    real_sort = eng.sort_rows

    def slow_sort(rows, column, descending=False):
        sorted_on.append(threading.current_thread().name)
        time.sleep(0.05)
        return real_sort(rows, column, descending)

    eng.sort_rows = slow_sort
    w.show_dataset(ds, engine=eng)
    _idle(qtbot, w.controller)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2000)
    col = w.model.column_names().index("count")
    before = list(w.model.rows[:20])
    w.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)  # what a click on the header does
    assert w.table.horizontalHeader().sortIndicatorSection() == col
    assert list(w.model.rows[:20]) == before  # still the old order: the sort is on its way
    qtbot.waitUntil(lambda: list(w.model.rows[:20]) != before, timeout=3000)
    counts = ds.counts[w.model.rows]
    assert list(counts) == sorted(counts, reverse=True)
    assert sorted_on and threading.current_thread().name not in sorted_on
    # a filter change afterwards comes back sorted too, sorted on the worker
    sorted_on.clear()
    w.controller.toggle("force", "Kent")
    _idle(qtbot, w.controller)
    qtbot.waitUntil(lambda: w.model.rowCount() == w.controller.result.n_rows)
    counts = ds.counts[w.model.rows]
    assert list(counts) == sorted(counts, reverse=True)
    assert threading.current_thread().name not in sorted_on
    w.controller.shutdown()


def test_a_second_header_click_wins_over_a_sort_still_on_its_way(qtbot, slow):
    from youthdrugs_gui.qt.table import TableModel

    c, eng, published = slow
    m = TableModel()
    m.set_dataset(c.dataset)
    c.rows_changed.connect(lambda table: m.set_rows(table.rows))
    c.sort_by("count", True)
    c.sort_by("force", False)
    assert c.working
    _idle(qtbot, c)
    qtbot.wait(100)
    assert c.table.sort == ("force", False)
    forces = c.dataset.codes("force")[m.rows]
    assert list(forces) == sorted(forces)
    assert sorted(m.rows) == list(c.result.rows)


def test_a_few_months_of_one_year_are_charted_by_month(qtbot):
    """police.uk downloads are monthly: three months of one financial year would be a single bar by year,
    so the chart opens on months; data over several years still opens on financial years."""
    import pandas as pd

    from youthdrugs_gui.core.dataset import Dataset
    from youthdrugs_gui.qt.controller import Controller

    def grouping(dates: list[str], years: list[str]) -> str | None:
        ds = Dataset.from_frame(pd.DataFrame({"date": pd.to_datetime(dates), "financial_year": years,
                                              "force": ["Durham"] * len(dates)}), name="months")
        c = Controller()
        c.set_dataset(ds)
        c.flush()
        group = c.group_by
        c.shutdown()
        return group

    assert grouping(["2019-12-03", "2020-01-10", "2020-02-20"], ["2019-20"] * 3) == "month"
    assert grouping(["2019-12-03", "2020-06-10", "2021-02-20"], ["2019-20", "2020-21", "2020-21"]) == "financial_year"
