"""The filter panel and controller: ticking, only-this, all/none, age slider, years, search,
undo/redo, and bursts of changes coalesced."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.qt.controller import Controller
from youthdrugs_gui.qt.facets import FilterPanel


@pytest.fixture
def ds() -> Dataset:
    return Dataset.from_frame(pd.DataFrame({
        "financial_year": ["2018-19", "2019-20", "2020-21", "2020-21", "2021-22", "2021-22"],
        "force": ["Essex", "Kent", "Essex", "Norfolk", "Kent", "Essex"],
        "age": [11, 12, 13, 15, 16, 17],
        "drug_class": ["A", "B", "B", "C", "A", "B"],
        "outcome": ["Conviction", "Youth caution", "No further action", "Conviction", "Conviction",
                    "Community resolution"],
        "Object of search": ["Controlled drugs"] * 6,
    }), name="panel test")


@pytest.fixture
def panel(qtbot, ds):
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    p.show()
    return p, c


def _counts(facet) -> dict[str, str]:
    return {facet.list.item(i).data(Qt.ItemDataRole.UserRole): facet.list.item(i).text()
            for i in range(facet.list.count())}


def test_panel_has_a_facet_per_filterable_column(panel):
    p, _ = panel
    assert set(p.facets) == {"force", "drug_class", "outcome", "Object of search"}
    assert p.age is not None and p.year is not None
    assert p.more is not None  # 'Object of search' lives under More filters


def test_unticking_a_value_filters_and_updates_counts(panel, qtbot):
    p, c = panel
    force = p.facets["force"]
    item = force.item("Kent")
    item.setCheckState(Qt.CheckState.Unchecked)
    c.flush()
    assert c.result.n_rows == 4
    assert c.state.selected("force") == {"Essex", "Norfolk"}
    # the class counts now leave Kent out; the force list's own counts do not
    assert _counts(p.facets["drug_class"])["A"] == "A  (1)"
    assert _counts(force)["Kent"] == "Kent  (2)"


def test_zero_count_values_stay_listed_but_greyed(panel):
    p, c = panel
    c.only("drug_class", "C")
    c.flush()
    kent = p.facets["force"].item("Kent")
    assert kent.text() == "Kent  (0)"
    assert kent.foreground().color() != p.facets["force"].item("Norfolk").foreground().color()


def test_only_this_all_and_none(panel, qtbot):
    p, c = panel
    force = p.facets["force"]
    force.only.emit("force", "Norfolk")
    c.flush()
    assert c.result.n_rows == 1
    assert force.item("Essex").checkState() == Qt.CheckState.Unchecked
    qtbot.mouseClick(force.none_button, Qt.MouseButton.LeftButton)
    c.flush()
    assert c.result.n_rows == 0
    qtbot.mouseClick(force.all_button, Qt.MouseButton.LeftButton)
    c.flush()
    assert c.result.n_rows == 6
    assert c.state.selected("force") is None


def test_double_click_is_only_this(panel, qtbot):
    p, c = panel
    force = p.facets["force"]
    force.list.itemDoubleClicked.emit(force.item("Kent"))
    c.flush()
    assert c.state.selected("force") == {"Kent"}


def test_age_slider_narrows_rows(panel):
    p, c = panel
    p.age.slider.setValue((12, 15))
    c.flush()
    assert c.state.age_range == (12, 15)
    assert c.result.n_rows == 3
    p.age.slider.setValue((11, 17))
    c.flush()
    assert c.state.age_range is None


def test_year_range(panel):
    p, c = panel
    p.year.first.setCurrentText("2020-21")
    c.flush()
    assert c.state.year_range == ("2020-21", "2021-22")
    assert c.result.n_rows == 4


def test_search_box(panel, qtbot):
    p, c = panel
    qtbot.keyClicks(p.search, "norf")
    c.flush()
    assert c.result.n_rows == 1


def test_find_box_in_long_lists_hides_other_values(qtbot):
    forces = ["Essex", "Kent", "Norfolk", "Suffolk", "Surrey", "Sussex", "Dorset", "Durham", "Gwent", "Cheshire"]
    ds = Dataset.from_frame(pd.DataFrame({"force": forces}), name="t")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    f = p.facets["force"]
    assert f.search is not None
    f.search.setText("su")
    hidden = {f.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(f.list.count()) if f.list.item(i).isHidden()}
    assert "Suffolk" not in hidden and "Sussex" not in hidden and "Surrey" not in hidden and "Essex" in hidden


def test_undo_redo_and_reset(panel):
    p, c = panel
    c.only("force", "Essex")
    c.set_age_range((13, 17))
    c.flush()
    assert c.result.n_rows == 2
    c.undo()
    c.flush()
    assert c.state.age_range is None and c.result.n_rows == 3
    assert p.age.slider.value() == (11, 17)
    c.undo()
    c.flush()
    assert c.result.n_rows == 6
    assert p.facets["force"].item("Kent").checkState() == Qt.CheckState.Checked
    c.redo()
    c.flush()
    assert c.state.selected("force") == {"Essex"}
    c.reset()
    c.flush()
    assert c.state.is_empty
    c.undo()
    c.flush()
    assert c.state.selected("force") == {"Essex"}


def test_a_burst_of_changes_is_coalesced_and_the_last_one_wins(panel, qtbot):
    p, c = panel
    published = []
    c.result_changed.connect(lambda r: published.append(r.state))
    for lo in (11, 12, 13, 14, 15, 16):
        p.age.slider.setValue((lo, 17))
    assert len(published) <= 2  # the first change at once, the rest coalesced
    qtbot.waitUntil(lambda: published and published[-1].age_range == (16, 17), timeout=1000)
    assert c.result.n_rows == 2


def test_hundreds_of_other_columns_are_listed_when_more_filters_is_first_opened(qtbot):
    import numpy as np

    rng = np.random.default_rng(1)
    n = 300
    cols = {"force": rng.choice(["Essex", "Kent"], n)}
    cols.update({f"Extra {i:03d}": rng.choice(["yes", "no", "unknown"], n) for i in range(120)})
    ds = Dataset.from_frame(pd.DataFrame(cols), name="wide")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    p.show()
    assert set(p.facets) == {"force"}  # the panel is ready at once; the 120 lists wait
    assert p.more.text() == "More filters (120)"
    c.only("force", "Kent")
    c.flush()
    p.more.toggleButton().click()
    assert 0 < len(p.facets) - 1 < 120  # a first batch, the rest on later turns of the event loop
    qtbot.waitUntil(lambda: len(p.facets) == 121, timeout=10000)
    kent = ds.frame["force"] == "Kent"
    expected = int((ds.frame.loc[kent, "Extra 119"] == "yes").sum())
    assert _counts(p.facets["Extra 119"])["yes"] == f"yes  ({expected:,})"
    p.facets["Extra 119"].item("yes").setCheckState(Qt.CheckState.Unchecked)
    c.flush()
    assert c.state.selected("Extra 119") == {"no", "unknown"}


def test_a_new_data_set_stops_the_lists_still_being_built_for_the_old_one(qtbot, ds):
    import numpy as np

    rng = np.random.default_rng(2)
    cols = {"force": rng.choice(["Essex", "Kent"], 200)}
    cols.update({f"Extra {i:03d}": rng.choice(["yes", "no"], 200) for i in range(100)})
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(Dataset.from_frame(pd.DataFrame(cols), name="wide"))
    p.show()
    p.more.toggleButton().click()  # starts building, a batch per turn of the event loop
    c.set_dataset(ds)  # another file opens meanwhile
    qtbot.wait(200)
    assert set(p.facets) == {"force", "drug_class", "outcome", "Object of search"}
    c.toggle("force", "Kent")
    c.flush()  # every list shown is alive and updates
    assert c.result.n_rows == 4


def test_ethnicity_columns_are_main_filters_not_under_more_filters(qtbot):
    ds = Dataset.from_frame(pd.DataFrame({
        "force": ["Essex", "Kent", "Essex"],
        "ethnicity": ["White", "Black", "Asian"],
        "Self-defined ethnicity": ["White - British", "Black - African", "Asian - Indian"],
        "Officer-defined ethnicity": ["White", "Black", "Asian"],
        "Legislation": ["Misuse of Drugs Act 1971 (section 23)"] * 3,
    }), name="ethnicity")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    for col in ("ethnicity", "Self-defined ethnicity", "Officer-defined ethnicity"):
        assert col in p.facets and not p.more.isAncestorOf(p.facets[col]), col
    assert p.more.isAncestorOf(p.facets["Legislation"])
    order = list(p.facets)
    assert order.index("force") < order.index("ethnicity") < order.index("Self-defined ethnicity")


def test_find_boxes_say_a_or_an(qtbot):
    many = [f"Value {i}" for i in range(10)]
    ds = Dataset.from_frame(pd.DataFrame({
        "force": ["Essex", "Kent", "Norfolk", "Suffolk", "Surrey", "Sussex", "Dorset", "Durham", "Gwent", "Cheshire"],
        "outcome": many, "Object of search": many,
    }), name="find")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    c.set_dataset(ds)
    assert p.facets["Object of search"].search.placeholderText() == "Find an object of search…"
    assert p.facets["outcome"].search.placeholderText() == "Find an outcome…"
    assert p.facets["force"].search.placeholderText() == "Find a police force…"


def test_a_click_leaves_the_tick_as_the_only_mark_and_space_ticks(panel, qtbot):
    p, c = panel
    force = p.facets["force"]
    kent = force.item("Kent")
    qtbot.mouseClick(force.list.viewport(), Qt.MouseButton.LeftButton, pos=force.list.visualItemRect(kent).center())
    assert force.list.selectedItems() == []  # no highlight that looks like a filter
    assert force.list.currentItem() is kent  # the keyboard focus is on it
    assert c.state.selected("force") is None
    force.list.setFocus()
    qtbot.keyClick(force.list, Qt.Key.Key_Space)
    c.flush()
    assert c.state.selected("force") == {"Essex", "Norfolk"}
    assert force.list.selectedItems() == []


def test_every_control_says_what_it_does(panel):
    p, c = panel
    c.flush()
    p.more.toggleButton().click()
    controls = [p.search, p.reset_button, p.more.toggleButton(), p.age.handles, p.year.first, p.year.last]
    for facet in p.facets.values():
        controls += [facet.list, facet.all_button, facet.none_button]
        if facet.search is not None:
            controls.append(facet.search)
    for control in controls:
        assert len(control.toolTip()) > 20, control.accessibleName()
    tip = p.facets["drug_class"].list.toolTip()
    assert f"what you would get if you ticked it, in {c.result.unit_words}" in tip


def test_a_greyed_value_says_why(panel):
    p, c = panel
    c.only("drug_class", "C")
    c.flush()
    assert "greyed" in p.facets["force"].item("Kent").toolTip()


def test_ticks_follow_the_filters_through_clicks_undo_and_reset(panel):
    # The lists touch only the items whose tick or count changed: a tick the user clicked away must
    # still come back when undo or reset brings the value back into the filter.
    p, c = panel
    force = p.facets["force"]
    force.item("Kent").setCheckState(Qt.CheckState.Unchecked)  # as a click does
    c.flush()
    force.item("Norfolk").setCheckState(Qt.CheckState.Unchecked)
    c.flush()
    assert c.state.selected("force") == {"Essex"}
    c.undo()
    c.flush()
    assert force.item("Norfolk").checkState() == Qt.CheckState.Checked
    assert force.item("Kent").checkState() == Qt.CheckState.Unchecked
    c.reset()
    c.flush()
    assert all(force.list.item(i).checkState() == Qt.CheckState.Checked for i in range(force.list.count()))
    c.only("force", "Kent")
    c.flush()
    assert [force.list.item(i).checkState() == Qt.CheckState.Checked for i in range(force.list.count())] == \
        [v == "Kent" for v in force.values]


def test_a_result_that_changes_no_count_changes_no_item(panel):
    p, c = panel
    c.set_age_range((11, 17))  # every age there is: the same rows and counts
    c.flush()
    changed = []
    p.facets["force"].list.model().dataChanged.connect(lambda *a: changed.append(a))
    c.set_age_range((11, 16))
    c.flush()
    assert changed  # Kent's count went down
    changed.clear()
    c.set_age_range((10, 16))  # clamped to the same ages as before
    c.flush()
    assert changed == []
