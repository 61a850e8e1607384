"""The one object that owns the data set, the current FilterState and the table's order.

Widgets call its slots ("the user wants X"); it makes a new FilterState (kept in the core's History for
undo), runs the engine and publishes what comes out: the Result (`result_changed`) and the table's rows
in the order shown (`rows_changed`). Nothing else filters or sorts. The last state always wins.

On small data sets the engine runs on the UI thread, and bursts of gestures (a slider drag, typing) are
throttled: the first change is applied at once, then at most one update per interval. On large data
sets it runs on a worker thread (qt.tasks), so that the window keeps answering while it works: a change
starts at once if the worker is free, and a change made meanwhile is computed as soon as the job in hand
is done (only the latest waits). A result that a newer change has already overtaken is not shown, unless
the window has shown nothing new for an interval (a long drag still moves the table and the chart). A
header click is computed the same way: the sort is part of the job. A result for a data set that was
since replaced is dropped.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from PySide6.QtCore import QObject, Signal
from superqt.utils import QSignalThrottler

from ..core import schema
from ..core.dataset import Dataset
from ..core.engine import Engine
from ..core.result import Result
from ..core.filter_state import FilterState
from ..core.history import History
from .tasks import TaskRunner

UPDATE_INTERVAL_MS = 50
ASYNC_ROWS = 250_000  # from this many rows, the engine runs off the UI thread
DEFAULT_GROUP_BY = schema.FINANCIAL_YEAR

Sort = tuple[str, bool]  # column, descending


@dataclass(frozen=True)
class TableRows:
    """The data-set rows the table shows, in the order shown, and the sort that gave the order (None:
    the data's own order)."""

    rows: np.ndarray
    sort: Sort | None = None


@dataclass(frozen=True)
class _Request:
    """Everything one computation depends on."""

    engine: Engine
    state: FilterState
    group_by: str | None
    stack_by: str | None
    rate_mode: bool
    sort: Sort | None

    def same_result(self, other: "_Request | None") -> bool:
        """Whether the other request gives the same Result (it may differ in the table's order)."""
        return other is not None and (self.engine, self.state, self.group_by, self.stack_by, self.rate_mode) == (
            other.engine, other.state, other.group_by, other.stack_by, other.rate_mode)


class Controller(QObject):
    dataset_changed = Signal(object)  # Dataset
    result_changed = Signal(object)  # Result
    rows_changed = Signal(object)  # TableRows
    history_changed = Signal(bool, bool)  # can undo, can redo
    grouping_changed = Signal(str, object)  # group_by, stack_by
    busy_changed = Signal(bool)  # the engine is working on a change off the UI thread
    rate_mode_changed = Signal(bool)  # counts (False) or rates per 1,000 children aged 10-17 (True)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.engine: Engine | None = None
        self.history = History()
        self.result: Result | None = None
        self.table = TableRows(np.zeros(0, dtype=np.int64))
        self.table_sort: Sort | None = None
        self.group_by: str | None = None
        self.stack_by: str | None = None
        self.rate_mode = False
        self.async_rows = ASYNC_ROWS
        self._requested: _Request | None = None  # the last computation started
        self._published: _Request | None = None  # ... and the last one shown
        self._due = False  # a change waits for the throttle
        self._unshown_since: float | None = None  # when the oldest change not yet shown was made
        self._closed = False
        self._tasks = TaskRunner("youthdrugs-engine", self)
        self._tasks.busy_changed.connect(self.busy_changed)
        self._throttle = QSignalThrottler(parent=self)
        self._throttle.setTimeout(UPDATE_INTERVAL_MS)
        self._throttle.triggered.connect(self.refresh)

    @property
    def state(self) -> FilterState:
        """The filters in force."""
        return self.history.present

    # ---- data ------------------------------------------------------------------------------
    def set_dataset(self, ds: Dataset, state: FilterState | None = None, engine: Engine | None = None) -> list[str]:
        """Show a new data set; keep what of the given (or current) filters fits it. Returns notes
        about filters that did not fit. An engine already built (and warmed) for it may be passed."""
        self.dataset = ds
        self.engine = engine if engine is not None and engine.ds is ds else Engine(ds)
        self.table_sort = None
        self._requested = self._published = None
        fitted, notes = self.engine.restrict(self.state if state is None else state)
        self.history.start(self.engine.one_part(fitted))
        if self.group_by is None or not ds.has(self.group_by) or self.group_by not in ds.categorical_columns:
            self.group_by = next((c for c in (DEFAULT_GROUP_BY, schema.FORCE, schema.AGE, schema.AGE_BAND)
                                  if c in ds.categorical_columns), ds.categorical_columns[0] if ds.categorical_columns else None)
        if self.group_by == schema.FINANCIAL_YEAR and _one_year_of_months(ds):
            self.group_by = schema.MONTH  # a few months of police.uk files: one bar per year would say nothing
        if self.stack_by is not None and (not ds.has(self.stack_by) or self.stack_by == self.group_by):
            self.stack_by = None
        self.dataset_changed.emit(ds)
        self.grouping_changed.emit(self.group_by or "", self.stack_by)
        self.history_changed.emit(False, False)
        self.refresh()
        return notes

    def make_room(self) -> None:
        """Another file is being opened: let go of what the engine can work out again (the data shown
        stays as it is)."""
        if self.engine is not None:
            self.engine.make_room()

    # ---- gestures ------------------------------------------------------------------------------
    def _change(self, new: FilterState, gesture: str = "") -> None:
        """Make `new` the state in force; changes of one `gesture` in quick succession are one undo step."""
        if self.engine is None:
            return
        new = self.engine.one_part(new)  # one measure and one area level at a time: never added together
        if self.history.change(new, gesture):
            self.history_changed.emit(self.history.can_undo, self.history.can_redo)
            self._schedule()

    def set_values(self, column: str, values: Iterable[str] | None) -> None:
        """Keep these values of a column (None, or every value: no filter)."""
        if self.dataset is not None:
            self._change(self.state.with_values(column, values, self.dataset.categories(column)))

    def toggle(self, column: str, value: str) -> None:
        """Tick or untick one value (for a measure or area level: show that one instead)."""
        if self.dataset is None:
            return
        if self._single_choice(column):
            self.only(column, value)
            return
        self._change(self.state.toggled(column, value, self.dataset.categories(column)))

    def _single_choice(self, column: str) -> bool:
        """Whether one value of the column is shown at a time (measures, area levels: never added)."""
        return self.dataset is not None and column in self.dataset.partition_columns

    def cross_filter(self, column: str, value: str) -> None:
        """A click on a chart bar or map area (see FilterState.clicked)."""
        if self.dataset is None:
            return
        if self._single_choice(column):
            self.only(column, value)
        else:
            self._change(self.state.clicked(column, value, self.dataset.categories(column)))

    def only(self, column: str, value: str) -> None:
        self._change(self.state.with_values(column, [value]))

    def set_age_range(self, lo_hi: tuple[int, int] | None) -> None:
        self._change(self.state.with_age_range(lo_hi), "age")

    def set_year_range(self, lo_hi: tuple[str, str] | None) -> None:
        self._change(self.state.with_year_range(lo_hi), "year")

    def set_search(self, text: str) -> None:
        self._change(self.state.with_search(text), "search")

    def set_state(self, state: FilterState) -> list[str]:
        """Apply a whole state (an opened view); returns notes about parts that do not fit the data."""
        if self.engine is None:
            return []
        fitted, notes = self.engine.restrict(state)
        self._change(fitted)
        return notes

    def reset(self) -> None:
        """Clear every filter but the choice of measure and area level (which is never 'all')."""
        keep = FilterState()
        if self.dataset is not None:
            for c in self.dataset.partition_columns:
                keep = keep.with_values(c, self.state.selected(c))
        self._change(keep)

    def undo(self) -> None:
        if self.history.undo() is not None:
            self.history_changed.emit(self.history.can_undo, self.history.can_redo)
            self._schedule()

    def redo(self) -> None:
        if self.history.redo() is not None:
            self.history_changed.emit(self.history.can_undo, self.history.can_redo)
            self._schedule()

    def sort_by(self, column: str | None, descending: bool = False) -> None:
        """A header click: show the table's rows ordered by this column (None: in the data's order). The
        order is kept through later filter changes."""
        sort = None if column is None else (column, bool(descending))
        if sort != self.table_sort:
            self.table_sort = sort
            self.refresh()  # one click, never a burst: at once

    def set_grouping(self, group_by: str, stack_by: str | None) -> None:
        if (group_by, stack_by) == (self.group_by, self.stack_by):
            return
        self.group_by = group_by
        self.stack_by = stack_by if stack_by != group_by else None
        self.grouping_changed.emit(self.group_by, self.stack_by)
        self._schedule()

    def set_rate_mode(self, on: bool) -> None:
        """Show rates per 1,000 children aged 10-17 (chart and map) instead of counts."""
        if bool(on) == self.rate_mode:
            return
        self.rate_mode = bool(on)
        self.rate_mode_changed.emit(self.rate_mode)
        self._schedule()

    # ---- publishing ----------------------------------------------------------------------------
    def _schedule(self) -> None:
        """Apply now if idle. On the UI thread, a burst is applied at most once per interval; on the
        worker, a change waits only for the job in hand. The last state wins."""
        if self._closed:
            return
        if self._unshown_since is None:
            self._unshown_since = time.monotonic()
        if self._off_thread():
            self.refresh()
        else:
            self._due = True
            self._throttle.throttle()

    def _off_thread(self) -> bool:
        """Whether the engine works on the worker thread (a large data set)."""
        return self.engine is not None and self.engine.n >= self.async_rows

    @property
    def working(self) -> bool:
        """Whether a change is still to be shown: computing off the UI thread, or waiting for its turn."""
        return self._due or self._tasks.busy

    @property
    def sorting(self) -> bool:
        """Whether a sort asked for is still to be shown (it is computed with the other changes)."""
        return self.working

    def flush(self) -> None:
        """Apply any pending change now and publish its result before returning (tests, and before an
        export reads the result)."""
        self._throttle.flush(restart_timer=False)
        if self._due:
            self.refresh()
        self._tasks.finish_now()

    def refresh(self) -> None:
        """Compute what the current choices give, on this thread for small data, else on the worker."""
        self._due = False
        if self.engine is None or self._closed:
            return
        request = _Request(self.engine, self.state, self.group_by, self.stack_by, self.rate_mode,
                           self.table_sort)
        if request == self._requested:
            return
        self._requested = request
        previous = self.result if request.same_result(self._published) else None
        if not self._off_thread():
            self._publish(request, _compute(request, previous))
        else:
            self._tasks.start(lambda task: _compute(request, previous),
                              lambda out: self._publish(request, out))

    def _overtaken(self) -> bool:
        """Whether a result just computed is better left unshown: a newer change is already waiting
        for the worker, and the window showed something new less than an interval ago."""
        if not self._tasks.waiting:
            return False
        since = self._unshown_since
        return since is not None and (time.monotonic() - since) * 1000.0 < UPDATE_INTERVAL_MS

    def _publish(self, request: _Request, out: tuple[Result, np.ndarray]) -> None:
        if request.engine is not self.engine or self._closed:
            return  # computed for a data set since replaced
        if self._overtaken():
            return
        self._unshown_since = time.monotonic() if self._tasks.waiting else None
        result, rows = out
        same = result is self.result
        self._published = request
        self.result = result
        self.table = TableRows(rows, request.sort)
        self.rows_changed.emit(self.table)
        if not same:
            self.result_changed.emit(result)

    def shutdown(self) -> None:
        """Let the worker thread go (the window is closing): nothing new starts, and a result still
        on its way is dropped."""
        self._closed = True
        self._due = False
        self._unshown_since = None
        self._throttle.cancel()
        self._tasks.shutdown()


def _one_year_of_months(ds: Dataset) -> bool:
    """Whether the data has dates in several months but all within one financial year."""
    cols = ds.categorical_columns
    return (schema.MONTH in cols and schema.FINANCIAL_YEAR in cols
            and len([v for v in ds.categories(schema.FINANCIAL_YEAR) if v != schema.NOT_RECORDED]) == 1
            and len([v for v in ds.categories(schema.MONTH) if v != schema.NOT_RECORDED]) > 1)


def _compute(request: _Request, previous: Result | None = None) -> tuple[Result, np.ndarray]:
    """The engine's work for one request: the result (with the map's figures, and rates when asked for;
    `previous` if it is already known) and the table's rows in the order asked for."""
    engine = request.engine
    result = previous
    if result is None:
        result = engine.apply(request.state, request.group_by, request.stack_by)
        result = _with_rates(engine, request.state, result, request.rate_mode)
    rows = result.rows
    if request.sort is not None and len(rows):
        rows = engine.sort_rows(rows, *request.sort)
    return result, rows


def _with_rates(engine: Engine, state: FilterState, result: Result, rate_mode: bool) -> Result:
    """The result with the map's figures per force and, in rate mode, the chart's rates (core work)."""
    from dataclasses import replace

    from ..core import rates
    from ..core.errors import YouthDrugsError

    ds = engine.ds
    chart_rates, refusal, force_map = None, "", None
    if rate_mode:
        try:
            refusal = rates.stack_rates_refusal(result.series)
            if not refusal and result.series is not None:
                chart_rates = rates.series_rates(ds, state, result)
        except YouthDrugsError as exc:
            refusal = str(exc)
    if ds.has(schema.FORCE):
        try:
            force_map = rates.map_values(ds, state, result, rate_mode)
        except YouthDrugsError as exc:
            refusal = refusal or str(exc)
            force_map = rates.map_values(ds, state, result, False)
    return replace(result, rates=chart_rates, rate_refusal=refusal, force_map=force_map)
