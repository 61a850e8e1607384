"""The table model and view: Qt's model checks, lazy cells, sorting, copying, hiding columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.qt.table import TableModel, TableView


@pytest.fixture
def ds() -> Dataset:
    return Dataset.from_frame(pd.DataFrame({
        "financial_year": ["2020-21", "2019-20", "2020-21", "2021-22"],
        "force": ["Kent", "Essex", None, "Essex"],
        "age": [15, 12, 17, None],
        "date": pd.to_datetime(["2020-05-01", "2019-06-02", None, "2021-07-03"]),
        "Object of search": ["Controlled drugs", "=1+1", "Stolen, goods", "x\ty"],
        "count": [3, 1, 2, 5],
    }), name="t")


def _model(ds, qtmodeltester=None):
    eng = Engine(ds)
    m = TableModel()
    m.set_dataset(ds, eng.sort_rows)
    m.set_rows(eng.apply(FilterState()).rows)
    return m, eng


def test_model_passes_qt_model_checks(ds, qtmodeltester):
    m, eng = _model(ds)
    qtmodeltester.check(m)
    m.set_rows(eng.apply(FilterState().with_values("force", ["Essex"])).rows)
    qtmodeltester.check(m)
    m.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(m)


def test_cells_show_values_and_headers_show_labels(ds):
    m, _ = _model(ds)
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers == ["Financial year", "Date", "Police force", "Age", "Object of search", "Count"]
    row = [m.data(m.index(0, c)) for c in range(m.columnCount())]
    assert row == ["2020-21", "2020-05-01", "Kent", "15", "Controlled drugs", "3"]
    assert m.data(m.index(2, 2)) == "Not recorded"
    assert m.data(m.index(2, 1)) == ""
    assert m.data(m.index(0, 5), Qt.ItemDataRole.TextAlignmentRole) is not None  # numbers right-aligned
    assert m.data(m.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_filter_change_replaces_rows_without_copying_the_frame(ds):
    m, eng = _model(ds)
    m.set_rows(eng.apply(FilterState().with_values("force", ["Essex"])).rows)
    assert m.rowCount() == 2
    assert [m.data(m.index(r, 2)) for r in range(2)] == ["Essex", "Essex"]


def test_sort_by_header_keeps_sort_across_filter_changes(ds, qtbot):
    m, eng = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # count
    assert [m.data(m.index(r, 5)) for r in range(4)] == ["5", "3", "2", "1"]
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # force: Essex, Essex, Kent, Not recorded (stable)
    assert [m.data(m.index(r, 2)) for r in range(4)] == ["Essex", "Essex", "Kent", "Not recorded"]
    assert [m.data(m.index(r, 0)) for r in range(2)] == ["2019-20", "2021-22"]
    m.set_rows(eng.apply(FilterState().with_values("force", ["Essex", "Kent"])).rows)
    assert [m.data(m.index(r, 2)) for r in range(3)] == ["Essex", "Essex", "Kent"]


def test_ctrl_c_copies_selected_cells_with_headers(ds, qtbot):
    m, _ = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.show()
    view.selectionModel().select(m.index(0, 2), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(m.index(1, 2), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(m.index(1, 4), view.selectionModel().SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text == "Police force\tObject of search\nKent\tControlled drugs\nEssex\t=1+1\n"


def test_hidden_columns_are_left_out_of_visible_columns(ds, qtbot):
    m, _ = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.set_column_visible(1, False)
    assert "date" not in view.visible_columns()
    for c in range(m.columnCount()):
        view.set_column_visible(c, False)
    assert len(view.visible_columns()) == 1  # the last column cannot be hidden
    view.show_all_columns()
    assert len(view.visible_columns()) == m.columnCount()


def test_a_million_rows_cost_no_per_row_work(qtbot):
    n = 1_000_000
    rng = np.random.default_rng(0)
    ds = Dataset.from_frame(pd.DataFrame({"force": rng.choice(["Essex", "Kent"], n)}), name="big")
    m, eng = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.fit_columns()
    assert m.rowCount() == n
    assert m.data(m.index(n - 1, 0)) in ("Essex", "Kent")
