"""The table's cells look exactly as Qt's standard delegate draws them (text cut short with an ellipsis,
numbers to the right, selected cells highlighted), while painting a screen of plain cells asks the model
for no data roles at all."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from youthdrugs_gui.core.sources import load_sample
from youthdrugs_gui.qt.table import TableModel, TableView


class _AskedModel(TableModel):
    """The table's model, noting every role it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def data(self, index, role=0):
        self.asked.append(role)
        return super().data(index, role)


def _table(qtbot, model_class: type[TableModel] = TableModel) -> TableView:
    model = model_class()
    view = TableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_dataset(load_sample())
    view.fit_columns()
    model.set_rows(np.arange(0, 3000, 3))
    view.lay_out_rows()
    view.setColumnWidth(2, 40)  # too narrow for its text: cut short
    view.resize(900, 260)
    view.show()
    qtbot.waitExposed(view)
    return view


def _image(view: TableView) -> QImage:
    QApplication.processEvents()
    return view.grab().toImage()


def _same_as_standard(view: TableView) -> bool:
    ours = _image(view)
    painter = view.itemDelegate()
    view.setItemDelegate(QStyledItemDelegate(view))
    theirs = _image(view)
    view.setItemDelegate(painter)
    return ours == theirs


def test_cells_look_as_the_standard_delegate_draws_them(qtbot):
    view = _table(qtbot)
    assert _same_as_standard(view)


def test_selected_cells_look_as_the_standard_delegate_draws_them(qtbot):
    view = _table(qtbot)
    model = view.model()
    view.selectionModel().select(model.index(2, 3), QItemSelectionModel.SelectionFlag.Select)
    view.setCurrentIndex(model.index(4, 5))
    assert _same_as_standard(view)


def test_painting_plain_cells_asks_the_model_for_no_roles(qtbot):
    view = _table(qtbot, _AskedModel)
    view.setCurrentIndex(view.model().index(-1, -1))
    QApplication.processEvents()
    view.model().asked.clear()
    view.viewport().repaint()
    assert view.model().asked == []
    view.selectionModel().setCurrentIndex(view.model().index(1, 1), QItemSelectionModel.SelectionFlag.NoUpdate)
    QApplication.processEvents()  # the current cell is painted the usual way, with its focus frame
    view.model().asked.clear()
    view.viewport().repaint()
    assert 0 < len(view.model().asked) < 20
