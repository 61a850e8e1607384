"""The one object that owns the data set and the current FilterState.

Widgets call its slots ("the user wants X"); it makes a new FilterState, runs the engine and publishes
the Result. Nothing else filters. Bursts of gestures (a slider drag) are coalesced: the first change is
applied at once, then at most one update per interval, and the last state always wins.

On large data sets the engine runs on one worker thread, so that the window keeps answering while it
works: one job at a time, and a change made meanwhile is computed as soon as the job in hand is done.
Each result is published on the UI thread, in order; a result for a data set that was since replaced is
dropped.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ..core import schema
from ..core.dataset import Dataset
from ..core.engine import Engine, Result
from ..core.filter_state import FilterState

UPDATE_INTERVAL_MS = 50
ASYNC_ROWS = 250_000  # from this many rows, the engine runs off the UI thread
DEFAULT_GROUP_BY = schema.FINANCIAL_YEAR


class Controller(QObject):
    dataset_changed = Signal(object)  # Dataset
    result_changed = Signal(object)  # Result
    history_changed = Signal(bool, bool)  # can undo, can redo
    grouping_changed = Signal(str, object)  # group_by, stack_by
    busy_changed = Signal(bool)  # the engine is working on a change off the UI thread
    rate_mode_changed = Signal(bool)  # counts (False) or rates per 1,000 children aged 10-17 (True)
    _job_done = Signal(object)  # (sequence, engine, result, sorted rows), from the worker thread
    _sort_done = Signal(object)  # (token, engine, rows, column, descending, order or exception)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.engine: Engine | None = None
        self.state = FilterState()
        self.result: Result | None = None
        self.group_by: str | None = None
        self.stack_by: str | None = None
        self.rate_mode = False
        self._undo: list[FilterState] = []
        self._redo: list[FilterState] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer)
        self._dirty = False
        self.async_rows = ASYNC_ROWS
        self._pool: ThreadPoolExecutor | None = None
        self._job: Future | None = None
        self._job_seq = 0  # sequence number of the job in hand
        self._closed = False
        self._pending = False
        self._seq = 0  # sequence number of the last computation started
        self._published = 0  # ... and of the last one published
        self._table_sort: tuple[str, bool] | None = None
        self._sorted: tuple[np.ndarray, str, bool, np.ndarray] | None = None  # rows, column, descending, order
        self._job_done.connect(self._on_job_done)
        self._sort_done.connect(self._on_sort_done)
        self._sort_job: tuple[object, Callable[[np.ndarray], None]] | None = None  # token, callback

    # ---- data ------------------------------------------------------------------------------
    def set_dataset(self, ds: Dataset, state: FilterState | None = None, engine: Engine | None = None) -> list[str]:
        """Show a new data set; keep what of the given (or current) filters fits it. Returns notes
        about filters that did not fit. An engine already built (and warmed) for it may be passed."""
        self.dataset = ds
        self.engine = engine if engine is not None and engine.ds is ds else Engine(ds)
        self._table_sort = None
        self._sorted = None
        self._undo.clear()
        self._redo.clear()
        wanted = self.state if state is None else state
        fitted, notes = self.engine.restrict(wanted)
        self.state = self.engine.one_part(fitted)
        if self.group_by is None or not ds.has(self.group_by) or self.group_by not in ds.categorical_columns:
            self.group_by = next((c for c in (DEFAULT_GROUP_BY, schema.FORCE, schema.AGE, schema.AGE_BAND)
                                  if c in ds.categorical_columns), ds.categorical_columns[0] if ds.categorical_columns else None)
        if self.stack_by is not None and (not ds.has(self.stack_by) or self.stack_by == self.group_by):
            self.stack_by = None
        self.dataset_changed.emit(ds)
        self.grouping_changed.emit(self.group_by or "", self.stack_by)
        self.history_changed.emit(False, False)
        self.refresh()
        return notes

    # ---- gestures ------------------------------------------------------------------------------
    def _change(self, new: FilterState) -> None:
        if self.engine is None:
            return
        new = self.engine.one_part(new)  # one measure and one area level at a time: never added together
        if new == self.state:
            return
        self._undo.append(self.state)
        if len(self._undo) > 200:
            del self._undo[0]
        self._redo.clear()
        self.state = new
        self.history_changed.emit(True, False)
        self._schedule()

    def set_values(self, column: str, values: Iterable[str] | None) -> None:
        """Keep these values of a column (None: all of them)."""
        if values is not None and self.dataset is not None:
            values = frozenset(values)
            if values >= frozenset(self.dataset.categories(column)):
                values = None
        self._change(self.state.with_values(column, values))

    def toggle(self, column: str, value: str) -> None:
        if self.dataset is None:
            return
        if self.is_single_choice(column):  # a measure or area level: choosing one shows it instead
            self.only(column, value)
            return
        self._change(self.state.toggled(column, value, self.dataset.categories(column)))

    def is_single_choice(self, column: str) -> bool:
        """Whether one value of the column is shown at a time (measures, area levels: never added)."""
        return self.dataset is not None and column in self.dataset.partition_columns

    def cross_filter(self, column: str, value: str) -> None:
        """A click on a chart bar: with no filter on the column, keep only that value; otherwise add or
        remove it (removing the last one clears the column's filter)."""
        if self.dataset is None:
            return
        current = self.state.selected(column)
        if current is None or self.is_single_choice(column):
            self.only(column, value)
        elif value in current:
            rest = current - {value}
            self.set_values(column, rest if rest else None)
        else:
            self.set_values(column, current | {value})

    def only(self, column: str, value: str) -> None:
        self._change(self.state.with_values(column, [value]))

    def clear_column(self, column: str) -> None:
        self._change(self.state.with_values(column, None))

    def set_age_range(self, lo_hi: tuple[int, int] | None) -> None:
        self._change(self.state.with_age_range(lo_hi))

    def set_year_range(self, lo_hi: tuple[str, str] | None) -> None:
        self._change(self.state.with_year_range(lo_hi))

    def set_search(self, text: str) -> None:
        self._change(self.state.with_search(text))

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
        if not self._undo:
            return
        self._redo.append(self.state)
        self.state = self._undo.pop()
        self.history_changed.emit(bool(self._undo), True)
        self._schedule()

    def redo(self) -> None:
        if not self._redo:
            return
        self._undo.append(self.state)
        self.state = self._redo.pop()
        self.history_changed.emit(True, bool(self._redo))
        self._schedule()

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

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # ---- publishing ----------------------------------------------------------------------------
    def _schedule(self) -> None:
        """Apply now if idle; during a burst, at most once per interval, and the last state wins."""
        if self._timer.isActive():
            self._dirty = True
            return
        self.refresh()
        self._timer.start()

    def _on_timer(self) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh()
            self._timer.start()

    def flush(self) -> None:
        """Apply any pending change now and publish its result before returning (tests, and before an
        export reads the result)."""
        if self._job is not None:
            seq, engine, result, ordered = self._job.result()  # its queued publication is then dropped
            self._job, self._job_seq = None, 0
            self.busy_changed.emit(False)
            current = seq == self._seq and not self._pending and not self._dirty and engine is self.engine
            if current and not isinstance(result, BaseException):
                self._publish(seq, result, ordered)  # nothing changed since it started: use it
        if self._dirty or self._pending or self._published < self._seq:
            self._dirty = self._pending = False
            self._compute_now()

    @property
    def working(self) -> bool:
        """Whether a change is still to be shown: computing off the UI thread, or waiting for its turn."""
        return self._job is not None or self._pending or self._dirty

    def refresh(self) -> None:
        if self.engine is None or self._closed:
            return
        if self.engine.n < self.async_rows:
            self._compute_now()
        elif self._job is not None:
            self._pending = True
        else:
            self._start_job()

    def _compute_now(self) -> None:
        assert self.engine is not None
        self._seq += 1
        seq = self._seq
        result, ordered = _compute(self.engine, self.state, self.group_by, self.stack_by, self._table_sort,
                                   self.rate_mode)
        self._publish(seq, result, ordered)

    def _start_job(self) -> None:
        assert self.engine is not None
        if self._closed:
            return
        self._pending = False
        self._seq += 1
        args = (self._seq, self.engine, self.state, self.group_by, self.stack_by, self._table_sort, self.rate_mode)
        emit = self._job_done.emit

        def job():
            seq, engine, *rest = args
            try:
                payload = (seq, engine, *_compute(engine, *rest))
            except BaseException as exc:  # noqa: BLE001 - shown on the UI thread by the crash handler
                payload = (seq, engine, exc, None)
            emit(payload)
            return payload

        self._job_seq = self._seq
        self._job = self._submit(job)
        self.busy_changed.emit(True)

    def _on_job_done(self, payload) -> None:
        seq, engine, result, ordered = payload
        if seq != self._job_seq:  # a job that flush() already waited for
            return
        self._job, self._job_seq = None, 0
        failed = isinstance(result, BaseException)
        if not failed and engine is self.engine and seq > self._published:
            self._publish(seq, result, ordered)
        if self._pending and self.engine is not None:
            self._start_job()
        else:
            self.busy_changed.emit(False)
        if failed:
            raise result

    def _publish(self, seq: int, result: Result, ordered: tuple[str, bool, np.ndarray] | None) -> None:
        self._published = seq
        if ordered is not None:
            self._sorted = (result.rows, *ordered)
        self.result = result
        self.result_changed.emit(result)

    def _submit(self, job: Callable[[], object]) -> Future:
        """Run a job on the one worker thread: jobs run in the order they are given."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="youthdrugs-engine")
        return self._pool.submit(job)

    def shutdown(self) -> None:
        """Let the worker thread go (the window is closing): nothing new starts, and a result still
        on its way is dropped."""
        self._closed = True
        self._pending = self._dirty = False
        self._timer.stop()
        self._job, self._job_seq = None, 0
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def sort_rows_later(self, rows: np.ndarray, column: str, descending: bool,
                        done: Callable[[np.ndarray], None]) -> bool:
        """A header click on a large data set: sort on the worker thread and call done(sorted rows) on
        the UI thread (only if no later sort was asked for meanwhile). False: small data, sort now."""
        if self.engine is None or self.engine.n < self.async_rows or self._closed:
            return False
        self._table_sort = (column, descending)
        token = object()
        self._sort_job = (token, done)
        engine, emit = self.engine, self._sort_done.emit

        def job() -> None:
            try:
                emit((token, engine, rows, column, descending, engine.sort_rows(rows, column, descending)))
            except BaseException as exc:  # noqa: BLE001 - shown on the UI thread by the crash handler
                emit((token, engine, rows, column, descending, exc))

        self._submit(job)
        return True

    @property
    def sorting(self) -> bool:
        """Whether a header click's sort is still being computed off the UI thread."""
        return self._sort_job is not None

    def _on_sort_done(self, payload) -> None:
        token, engine, rows, column, descending, ordered = payload
        if self._sort_job is None or self._sort_job[0] is not token:
            return  # a later sort was asked for
        done = self._sort_job[1]
        self._sort_job = None
        if isinstance(ordered, BaseException):
            raise ordered
        if engine is not self.engine or self._closed:
            return
        self._sorted = (rows, column, descending, ordered)
        done(ordered)

    def sort_rows(self, rows, column: str, descending: bool):
        """Sorting is the engine's work too: the table model asks for it here. Once the table is
        sorted, each later change is sorted on the worker thread with the filtering."""
        assert self.engine is not None
        self._table_sort = (column, descending)
        done = self._sorted
        if done is not None and done[0] is rows and done[1:3] == (column, descending):
            return done[3]
        return self.engine.sort_rows(rows, column, descending)


def _compute(engine: Engine, state: FilterState, group_by: str | None, stack_by: str | None,
             table_sort: tuple[str, bool] | None,
             rate_mode: bool = False) -> tuple[Result, tuple[str, bool, np.ndarray] | None]:
    """The engine's work for one change: the result (with the map's figures, and rates when asked for),
    and if the table is sorted, its rows in that order (with the column and direction)."""
    result = _with_rates(engine, state, engine.apply(state, group_by, stack_by), rate_mode)
    ordered = None
    if table_sort is not None and len(result.rows):
        ordered = (*table_sort, engine.sort_rows(result.rows, *table_sort))
    return result, ordered


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
