"""The filter panel fits its width: with police.uk's long column names and values, opening More filters
leaves every All/None button and Reset filters inside the panel; lists cut long values short."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.qt.controller import Controller
from youthdrugs_gui.qt.facets import FilterPanel

_LONG = {
    "Type": ["Person search", "Person and Vehicle search", "Vehicle search"],
    "Object of search": ["Controlled drugs", "Offensive weapons", "Articles for use in criminal damage",
                         "Evidence of offences under the Act", "Anything to threaten or harm anyone"],
    "Legislation": ["Misuse of Drugs Act 1971 (section 23)", "Police and Criminal Evidence Act 1984 (section 1)",
                    "Criminal Justice and Public Order Act 1994 (section 60)", "Firearms Act 1968 (section 47)"],
    "Self-defined ethnicity": ["White - English/Welsh/Scottish/Northern Irish/British",
                               "Other ethnic group - Not stated", "Asian/Asian British - Pakistani",
                               "Mixed/Multiple ethnic groups - White and Black Caribbean"],
    "Officer-defined ethnicity": ["White", "Black", "Asian", "Other"],
    "Outcome linked to object of search": ["True", "False"],
    "Removal of more than just outer clothing": ["True", "False"],
    "Part of a policing operation": ["True", "False"],
}


def _police_uk_like(n: int = 120) -> Dataset:
    cols: dict[str, list[str]] = {
        "force": ["Derbyshire", "Leicestershire"] * (n // 2),
        "age_band": ["10-17", "18-24", "25-34", "over 34"] * (n // 4),
        "outcome": ["Arrest", "No further action", "Community resolution", "Khat or cannabis warning"] * (n // 4),
    }
    for name, values in _LONG.items():
        cols[name] = [values[i % len(values)] for i in range(n)]
    return Dataset.from_frame(pd.DataFrame(cols), name="police.uk like")


def _inside(widget: QWidget, area: QWidget) -> bool:
    left = widget.mapTo(area, QPoint(0, 0)).x()
    return widget.isVisible() and left >= 0 and left + widget.width() <= area.width()


@pytest.fixture
def opened(qtbot):
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    p.resize(300, 700)
    c.set_dataset(_police_uk_like())
    p.show()
    qtbot.waitExposed(p)
    c.flush()
    p.more.toggleButton().click()
    qtbot.wait(50)
    return p, c


def test_opening_more_filters_keeps_every_button_inside_the_panel(opened):
    p, _ = opened
    area = p.viewport()
    assert p.widget().width() <= area.width()
    assert _inside(p.reset_button, area)
    assert "Legislation" in p.facets and "Removal of more than just outer clothing" in p.facets
    for col, facet in p.facets.items():
        assert _inside(facet.list, area), col
        if facet.all_button.isVisibleTo(facet):
            assert _inside(facet.all_button, area), col
            assert _inside(facet.none_button, area), col
    assert _inside(p.more.toggleButton(), area)


def test_a_long_value_is_cut_short_in_the_list_and_whole_in_its_tooltip(opened):
    p, c = opened
    legislation = p.facets["Legislation"]
    item = legislation.item("Criminal Justice and Public Order Act 1994 (section 60)")
    row = legislation.list.visualItemRect(item)
    assert row.right() <= legislation.list.viewport().width()
    assert not legislation.list.horizontalScrollBar().isVisible()
    assert item.toolTip().startswith("Criminal Justice and Public Order Act 1994 (section 60): ")
    assert c.result.unit_words in item.toolTip()


def test_the_financial_year_boxes_fit_a_narrow_panel(qtbot):
    years = ["Financial year ending March 2019", "Financial year ending March 2020",
             "Financial year ending March 2021"]
    ds = Dataset.from_frame(pd.DataFrame({"financial_year": years * 2, "force": ["Essex", "Kent"] * 3}),
                            name="years")
    c = Controller()
    p = FilterPanel(c)
    qtbot.addWidget(p)
    p.resize(300, 500)
    c.set_dataset(ds)
    p.show()
    qtbot.waitExposed(p)
    if p.year is None:
        pytest.skip("these year labels are not read as financial years")
    assert _inside(p.year.last, p.viewport())
    assert _inside(p.reset_button, p.viewport())
