"""The rules a gesture follows, without Qt: all values ticked means no filter; a click on a bar toggles it."""
from __future__ import annotations

from youthdrugs_gui.core.filter_state import FilterState

CLASSES = ["A", "B", "C"]


def test_ticking_every_value_removes_the_filter():
    s = FilterState().with_values("drug_class", ["A", "B"], CLASSES)
    assert s.selected("drug_class") == {"A", "B"}
    assert FilterState().with_values("drug_class", CLASSES, CLASSES).selected("drug_class") is None
    assert s.toggled("drug_class", "C", CLASSES).selected("drug_class") is None


def test_without_the_list_of_values_every_value_is_a_filter_still():
    assert FilterState().with_values("drug_class", CLASSES).selected("drug_class") == set(CLASSES)


def test_ticking_none_keeps_no_rows_rather_than_removing_the_filter():
    assert FilterState().with_values("drug_class", [], CLASSES).selected("drug_class") == frozenset()


def test_unticking_one_value_of_an_unfiltered_column_keeps_the_others():
    s = FilterState().toggled("drug_class", "A", CLASSES)
    assert s.selected("drug_class") == {"B", "C"}


def test_a_click_on_a_bar_keeps_only_it_then_adds_and_removes():
    s = FilterState().clicked("drug_class", "B", CLASSES)
    assert s.selected("drug_class") == {"B"}
    s = s.clicked("drug_class", "A", CLASSES)
    assert s.selected("drug_class") == {"A", "B"}
    s = s.clicked("drug_class", "B", CLASSES)
    assert s.selected("drug_class") == {"A"}
    assert s.clicked("drug_class", "A", CLASSES).selected("drug_class") is None  # the last one removed


def test_a_click_on_the_last_missing_bar_removes_the_filter():
    s = FilterState().with_values("drug_class", ["A", "B"])
    assert s.clicked("drug_class", "C", CLASSES).selected("drug_class") is None


def test_a_click_leaves_the_other_filters_alone():
    s = FilterState().with_values("force", ["Kent"]).with_search("cann").clicked("drug_class", "A", CLASSES)
    assert s.selected("force") == {"Kent"} and s.search == "cann"
