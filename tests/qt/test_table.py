"""The table model and view: Qt's model checks, lazy cells, sorting asked of the controller, copying,
hiding columns, the notice over an empty table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.qt.controller import Controller
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


NAMES = ["financial_year", "date", "force", "age", "Object of search", "count"]


def _cols(m) -> dict[str, int]:
    """Column positions by name (the data set may add columns of its own, such as the month)."""
    return {name: m.column_names().index(name) for name in NAMES}


def _model(ds):
    eng = Engine(ds)
    m = TableModel()
    m.set_dataset(ds)
    m.set_rows(eng.apply(FilterState()).rows)
    return m, eng


def _wired(ds, qtbot):
    """A table view and model fed by a controller, as in the window."""
    c = Controller()
    m = TableModel()
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    c.dataset_changed.connect(m.set_dataset)
    c.rows_changed.connect(lambda table: m.set_rows(table.rows))
    view.sort_requested.connect(c.sort_by)
    c.set_dataset(ds)
    return c, m, view


def test_model_passes_qt_model_checks(ds, qtmodeltester):
    m, eng = _model(ds)
    qtmodeltester.check(m)
    m.set_rows(eng.apply(FilterState().with_values("force", ["Essex"])).rows)
    qtmodeltester.check(m)
    m.set_rows(eng.sort_rows(m.rows, "count", True))
    qtmodeltester.check(m)


def test_cells_show_values_and_headers_show_labels(ds):
    m, _ = _model(ds)
    c = _cols(m)
    headers = [m.headerData(c[n], Qt.Orientation.Horizontal) for n in NAMES]
    assert headers == ["Financial year", "Date", "Police force", "Age", "Object of search", "Count"]
    row = [m.data(m.index(0, c[n])) for n in NAMES]
    assert row == ["2020-21", "2020-05-01", "Kent", "15", "Controlled drugs", "3"]
    assert m.data(m.index(2, c["force"])) == "Not recorded"
    assert m.data(m.index(2, c["date"])) == ""
    assert m.data(m.index(0, c["count"]), Qt.ItemDataRole.TextAlignmentRole) is not None  # numbers right-aligned
    assert m.data(m.index(0, c["financial_year"]), Qt.ItemDataRole.BackgroundRole) is None


def test_filter_change_replaces_rows_without_copying_the_frame(ds):
    m, eng = _model(ds)
    m.set_rows(eng.apply(FilterState().with_values("force", ["Essex"])).rows)
    assert m.rowCount() == 2
    assert [m.data(m.index(r, _cols(m)["force"])) for r in range(2)] == ["Essex", "Essex"]


def test_sort_by_header_keeps_sort_across_filter_changes(ds, qtbot):
    c, m, view = _wired(ds, qtbot)
    col = _cols(m)
    view.sortByColumn(col["count"], Qt.SortOrder.DescendingOrder)
    assert [m.data(m.index(r, col["count"])) for r in range(4)] == ["5", "3", "2", "1"]
    view.sortByColumn(col["force"], Qt.SortOrder.AscendingOrder)  # Essex, Essex, Kent, Not recorded (stable)
    assert [m.data(m.index(r, col["force"])) for r in range(4)] == ["Essex", "Essex", "Kent", "Not recorded"]
    assert [m.data(m.index(r, col["financial_year"])) for r in range(2)] == ["2019-20", "2021-22"]
    c.set_values("force", ["Essex", "Kent"])
    c.flush()
    assert [m.data(m.index(r, col["force"])) for r in range(3)] == ["Essex", "Essex", "Kent"]
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to the data's own order
    assert [m.data(m.index(r, col["financial_year"])) for r in range(3)] == ["2020-21", "2019-20", "2021-22"]


def _shown_view(qtbot, model, width: int, height: int) -> TableView:
    """A table view of the model, shown on screen at this size."""
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_header_click_asks_for_the_order_and_turns_it_round_on_a_second_click(ds, qtbot):
    m, _ = _model(ds)
    view = _shown_view(qtbot, m, 1600, 300)
    asked = []
    view.sort_requested.connect(lambda column, descending: asked.append((column, descending)))
    before = list(m.rows)
    header = view.horizontalHeader()
    count = _cols(m)["count"]
    x = header.sectionViewportPosition(count) + header.sectionSize(count) // 2
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert asked == [("count", False), ("count", True)]
    assert header.sortIndicatorSection() == count
    assert list(m.rows) == before  # the model shows the rows it is given; it never sorts them itself


def test_no_rows_shows_a_notice_saying_what_matched_nothing_with_two_ways_out(ds, qtbot):
    c, m, view = _wired(ds, qtbot)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    notice = view.empty_notice
    assert not notice.isVisible()
    view.show_empty('Search "zzzz"')
    assert notice.isVisible() and 'Search "zzzz"' in notice.text.text()
    assert notice.geometry().center().x() == pytest.approx(view.viewport().rect().center().x(), abs=2)
    with qtbot.waitSignal(view.reset_requested):
        notice.reset_button.click()
    with qtbot.waitSignal(view.undo_requested):
        notice.undo_button.click()
    view.show_empty(None)
    assert not notice.isVisible()


def test_ctrl_c_copies_selected_cells_with_headers(ds, qtbot):
    m, _ = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.show()
    c = _cols(m)
    view.selectionModel().select(m.index(0, c["force"]), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(m.index(1, c["force"]), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(m.index(1, c["Object of search"]), view.selectionModel().SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text == "Police force\tObject of search\nKent\tControlled drugs\nEssex\t=1+1\n"


def test_hidden_columns_are_left_out_of_visible_columns(ds, qtbot):
    m, _ = _model(ds)
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.set_column_visible(_cols(m)["date"], False)
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


class _CountedLabels(TableModel):
    """The table's model, counting the header labels it is asked for."""

    asked = 0

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt's name
        _CountedLabels.asked += 1
        return super().headerData(section, orientation, role)


def test_row_numbers_fit_the_longest_and_a_click_asks_for_few_labels(qtbot):
    n = 200_000
    ds = Dataset.from_frame(pd.DataFrame({"force": np.where(np.arange(n) % 3, "Essex", "Kent")}), name="big")
    eng = Engine(ds)
    m = _CountedLabels()
    m.set_dataset(ds)
    view = _shown_view(qtbot, m, 500, 300)
    m.set_rows(eng.apply(FilterState()).rows)
    view.lay_out_rows()
    numbers = view.verticalHeader()
    wide = numbers.width()
    assert wide >= numbers.fontMetrics().horizontalAdvance(f"{n}")
    _CountedLabels.asked = 0
    m.set_rows(eng.apply(FilterState().with_values("force", ["Kent"])).rows)  # a click: fewer rows
    view.lay_out_rows()
    view.viewport().repaint()
    numbers.viewport().repaint()
    assert _CountedLabels.asked < 200  # Qt's own measure asked for about a thousand
    assert numbers.width() == wide  # the cells do not shift sideways
    assert numbers.sectionsClickable() and numbers.highlightSections()  # as the table's own header
