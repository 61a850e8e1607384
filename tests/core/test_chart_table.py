"""The chart's table and words without Qt: columns per stack, totals, status marks, England and Wales'
row, the key, and the engine's refusal as a reason."""
from __future__ import annotations

import numpy as np
import pandas as pd

from youthdrugs_gui.core import chart_table, schema
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.result import ChartSeries, RefusalReason
from youthdrugs_gui.core.filter_state import FilterState

LABELS = {schema.FORCE: "Police force", schema.DRUG_CLASS: "Drug class", schema.FINANCIAL_YEAR: "Financial year"}


def stacked(status=None) -> ChartSeries:
    v = np.array([[1214, 300, 10], [5, 0, 35]], dtype=np.int64)
    return ChartSeries(schema.FORCE, schema.DRUG_CLASS, ("Essex", "Kent"), ("A", "B", "Not known"), v,
                       "Recorded offence", status=status)


def test_table_has_a_column_per_stack_and_a_total():
    frame = chart_table.table_frame(stacked(), LABELS)
    assert list(frame.columns) == ["Police force", "Drug class A", "Drug class B", "Not known", "Total"]
    assert frame["Total"].tolist() == [1524, 40]
    flat = ChartSeries(schema.FORCE, None, ("Essex",), ("",), np.array([[7]]), None)
    assert list(chart_table.table_frame(flat, LABELS).columns) == ["Police force", "Count", "Total"]
    assert chart_table.table_frame(None, LABELS).empty


def test_cells_the_sources_lack_are_marked_never_zero():
    status = np.array([["full", "[x]", "full"], ["partial", "[c]", "full"]], dtype=object)
    frame = chart_table.table_frame(stacked(status), LABELS)
    assert frame["Drug class B"].tolist() == ["[x]", "[c]"]
    assert frame["Drug class A"].tolist() == [1214, "5 [part]"]
    assert frame["Total"].tolist() == ["1,524 [part]", "40 [part]"]
    cells = chart_table.cell_texts(frame)
    assert cells[0][1] == ("1,214", 1214) and cells[0][2] == ("[x]", "[x]")


def test_england_and_wales_is_the_last_row_of_rates():
    rates = ChartSeries(schema.FORCE, None, ("Essex",), ("",), np.array([[2.4]]), "per 1,000 children aged 10-17")
    frame = chart_table.table_frame(rates, LABELS, reference=1.5)
    assert frame.iloc[-1, 0] == "England and Wales" and frame.iloc[-1]["Total"] == 1.5
    assert chart_table.value_label(rates) == "Per 1,000 children aged 10-17"
    assert chart_table.cell_texts(frame)[0][1] == ("2.4", 2.4)


def test_words_for_captions_and_tooltips():
    s = stacked()
    assert chart_table.caption(s, LABELS) == "Count (Recorded offence) by Police force and Drug class"
    assert chart_table.cell_text(s, LABELS, 0, 0) == "Essex — Drug class A: 1,214\nTotal for Essex: 1,524"
    assert chart_table.group_total_text(s, LABELS, "Kent") == "Kent\nTotal: 40"
    assert chart_table.value_name(LABELS, schema.DRUG_CLASS, "Not known") == "Not known"


def test_the_key_says_what_marks_and_pale_bars_mean():
    status = np.array([["full", "full", "full"], ["[x]", "[x]", "[x]"]], dtype=object)
    assert chart_table.key_lines(stacked(), pale=False) == []
    assert chart_table.key_lines(stacked(status), pale=False) == [chart_table.NO_DATA_KEY]
    pale = chart_table.key_lines(stacked(), pale=True)
    assert pale == [chart_table.PALE_KEY] and "not ticked" in pale[0]


def test_the_engine_refuses_different_measures_with_a_reason():
    df = pd.DataFrame({"measure": ["Arrest", "Stop and search"], "financial_year": ["2020-21", "2020-21"],
                       "count": [10, 300]})
    r = Engine(Dataset.from_frame(df, name="mixed")).apply(FilterState(), group_by="financial_year")
    assert r.series is None and r.chart_refusal.reason is RefusalReason.MEASURES
    assert str(r.chart_refusal) == r.chart_refusal.words and "never added" in r.chart_refusal.words
