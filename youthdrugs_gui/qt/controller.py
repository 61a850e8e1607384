"""The one object that owns the data set and the current FilterState.

Widgets call its slots ("the user wants X"); it makes a new FilterState, runs the engine and publishes
the Result. Nothing else filters. Bursts of gestures (a slider drag) are coalesced: the first change is
applied at once, then at most one update per interval, and the last state always wins.
"""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from ..core import schema
from ..core.dataset import Dataset
from ..core.filters import Engine, FilterState, Result

UPDATE_INTERVAL_MS = 50
DEFAULT_GROUP_BY = schema.FINANCIAL_YEAR


class Controller(QObject):
    dataset_changed = Signal(object)  # Dataset
    result_changed = Signal(object)  # Result
    history_changed = Signal(bool, bool)  # can undo, can redo
    grouping_changed = Signal(str, object)  # group_by, stack_by

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.engine: Engine | None = None
        self.state = FilterState()
        self.result: Result | None = None
        self.group_by: str | None = None
        self.stack_by: str | None = None
        self._undo: list[FilterState] = []
        self._redo: list[FilterState] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer)
        self._dirty = False

    # ---- data ------------------------------------------------------------------------------
    def set_dataset(self, ds: Dataset, state: FilterState | None = None) -> list[str]:
        """Show a new data set; keep what of the given (or current) filters fits it. Returns notes
        about filters that did not fit."""
        self.dataset = ds
        self.engine = Engine(ds)
        self._undo.clear()
        self._redo.clear()
        wanted = self.state if state is None else state
        fitted, notes = self.engine.restrict(wanted)
        self.state = fitted
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
        if self.engine is None or new == self.state:
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
        self._change(self.state.toggled(column, value, self.dataset.categories(column)))

    def cross_filter(self, column: str, value: str) -> None:
        """A click on a chart bar: with no filter on the column, keep only that value; otherwise add or
        remove it (removing the last one clears the column's filter)."""
        if self.dataset is None:
            return
        current = self.state.selected(column)
        if current is None:
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
        self._change(FilterState())

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
        """Apply any pending change now (tests, and before an export reads the result)."""
        if self._dirty:
            self._dirty = False
            self.refresh()

    def refresh(self) -> None:
        if self.engine is None:
            return
        self.result = self.engine.apply(self.state, self.group_by, self.stack_by)
        self.result_changed.emit(self.result)

    def sort_rows(self, rows, column: str, descending: bool):
        """Sorting is the engine's work too: the table model asks for it here."""
        assert self.engine is not None
        return self.engine.sort_rows(rows, column, descending)
