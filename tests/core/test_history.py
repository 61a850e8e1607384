"""Undo and redo without Qt: one gesture is one step, whatever number of changes it was made of."""
from __future__ import annotations

from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.history import History


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


def _history(**kw) -> tuple[History, Clock]:
    clock = Clock()
    return History(FilterState(), clock=clock, **kw), clock


def _type(h: History, clock: Clock, text: str) -> None:
    base = h.present
    for i in range(1, len(text) + 1):
        h.change(base.with_search(text[:i]), "search")
        clock.wait(0.15)


def test_a_search_typed_letter_by_letter_is_one_step():
    h, clock = _history()
    _type(h, clock, "supply")
    assert h.present.search == "supply"
    assert h.undo() == FilterState()
    assert not h.can_undo
    assert h.redo().search == "supply"
    assert not h.can_redo


def test_a_slider_drag_is_one_step_and_a_pause_starts_another():
    h, clock = _history()
    for hi in range(17, 11, -1):  # dragging the top of the age range down, tick by tick
        h.change(FilterState().with_age_range((10, hi)), "age")
        clock.wait(0.05)
    clock.wait(5)  # let go, then drag again later
    h.change(FilterState().with_age_range((11, 12)), "age")
    assert h.undo().age_range == (10, 12)
    assert h.undo() == FilterState()


def test_gestures_of_different_kinds_are_separate_steps():
    h, clock = _history()
    h.change(FilterState().with_values("force", ["Kent"]))
    _type(h, clock, "cann")
    h.change(h.present.with_age_range((12, 14)), "age")
    assert h.undo() == FilterState().with_values("force", ["Kent"]).with_search("cann")
    assert h.undo() == FilterState().with_values("force", ["Kent"])
    assert h.undo() == FilterState()


def test_clicks_without_a_kind_are_never_merged():
    h, clock = _history()
    for force in ("Kent", "Essex"):
        h.change(h.present.toggled("force", force, ["Kent", "Essex", "Suffolk"]))
    assert h.undo() == FilterState().with_values("force", ["Essex", "Suffolk"])
    assert h.undo() == FilterState()


def test_typing_after_an_undo_starts_a_new_step():
    h, clock = _history()
    _type(h, clock, "ab")
    h.undo()
    h.redo()
    h.change(h.present.with_search("abc"), "search")  # at once, as the next key after the redo
    assert h.present.search == "abc"
    assert h.undo().search == "ab"


def test_text_typed_and_deleted_again_leaves_no_step_and_keeps_the_step_before():
    h, clock = _history()
    kent = FilterState().with_values("force", ["Kent"])
    h.change(kent)
    h.change(kent.with_search("x"), "search")
    h.change(kent, "search")  # backspace
    assert h.present == kent
    h.change(kent.with_search("y"), "search")
    assert h.undo() == kent
    assert h.undo() == FilterState()
    assert not h.can_undo


def test_a_change_to_the_state_in_force_is_no_step_and_a_new_change_clears_redo():
    h, _ = _history()
    assert not h.change(FilterState())
    assert not h.can_undo
    h.change(FilterState().with_values("force", ["Kent"]))
    h.undo()
    assert h.can_redo
    h.change(FilterState().with_values("force", ["Essex"]))
    assert not h.can_redo


def test_the_oldest_steps_are_dropped_beyond_the_limit_and_start_forgets_all():
    h, _ = _history(max_steps=3)
    for age in range(10, 16):
        h.change(FilterState().with_age_range((age, 17)))
    undone = []
    while h.can_undo:
        undone.append(h.undo().age_range)
    assert undone == [(14, 17), (13, 17), (12, 17)]
    h.start(FilterState().with_search("x"))
    assert h.present.search == "x" and not h.can_undo and not h.can_redo
