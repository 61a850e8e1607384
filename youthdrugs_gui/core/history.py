"""Undo and redo of filter changes: two stacks of FilterStates around the one in force.

One gesture is one step. A search typed letter by letter, or an age slider dragged through many values,
arrives as many changes of the same kind in quick succession; those are merged into the step the first of
them began, so one Undo takes the whole gesture back. A change of another kind, a pause longer than
`merge_seconds`, or an undo or redo ends the gesture.
"""
from __future__ import annotations

import time
from typing import Callable

from .filter_state import FilterState

MAX_STEPS = 200
MERGE_SECONDS = 1.0


class History:
    """The state in force (`present`) and the states before and after it."""

    def __init__(self, present: FilterState | None = None, *, max_steps: int = MAX_STEPS,
                 merge_seconds: float = MERGE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.present = present if present is not None else FilterState()
        self.max_steps = max_steps
        self.merge_seconds = merge_seconds
        self._clock = clock
        self._undo: list[FilterState] = []
        self._redo: list[FilterState] = []
        self._gesture = ""  # the kind of the gesture under way ("" once it has ended)
        self._last_change = 0.0

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def start(self, present: FilterState) -> None:
        """Begin again from this state, forgetting every step (new data is open)."""
        self.present = present
        self._undo.clear()
        self._redo.clear()
        self.end_gesture()

    def change(self, new: FilterState, kind: str = "") -> bool:
        """Make `new` the state in force; False if it is the state already in force.

        `kind` names the gesture ("search", "age", ...): a change of the same non-empty kind soon after the
        last one continues that gesture's step instead of adding one. A gesture that ends where its step
        began leaves no step at all."""
        if new == self.present:
            return False
        now = self._clock()
        continues = (bool(kind) and kind == self._gesture and self._undo
                     and now - self._last_change <= self.merge_seconds)
        self._redo.clear()
        self._last_change = now
        if continues and new == self._undo[-1]:  # typed and deleted again: the step undoes nothing
            self._undo.pop()
            self.present = new
            self.end_gesture()
            return True
        if not continues:
            self._undo.append(self.present)
            del self._undo[:-self.max_steps]
        self.present = new
        self._gesture = kind
        return True

    def end_gesture(self) -> None:
        """The next change starts a step of its own, whatever its kind."""
        self._gesture = ""

    def undo(self) -> FilterState | None:
        """Go back one step; the state now in force, or None if there was nothing to undo."""
        if not self._undo:
            return None
        self._redo.append(self.present)
        self.present = self._undo.pop()
        self.end_gesture()
        return self.present

    def redo(self) -> FilterState | None:
        """Go forward one undone step; the state now in force, or None if there was nothing to redo."""
        if not self._redo:
            return None
        self._undo.append(self.present)
        self.present = self._redo.pop()
        self.end_gesture()
        return self.present
