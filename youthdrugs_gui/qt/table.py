"""The table: a model over the engine's row indices and the data set's per-column arrays (no frame
copy on a filter change, no .iloc per cell), and a view that sorts, copies and hides columns."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from ..core.dataset import Dataset
from ..core.schema import Role

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class _Column:
    """One column prepared for fast lookups: a cell costs an array read and a list index."""

    __slots__ = ("name", "label", "codes", "cats", "values", "numeric", "kind")

    def __init__(self, ds: Dataset, name: str) -> None:
        self.name = name
        self.label = ds.label(name)
        s = ds.frame[name]
        self.codes = self.cats = self.values = None
        self.numeric = False
        if isinstance(s.dtype, pd.CategoricalDtype):
            self.kind = "cat"
            self.codes = ds.codes(name)
            self.cats = [str(c) for c in s.cat.categories]
            self.numeric = ds.role(name) is Role.AGE
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            self.kind = "date"
            self.values = s.to_numpy()  # as stored (no copy); a cell is cut to the day when shown
        elif pd.api.types.is_numeric_dtype(s.dtype):
            self.kind = "num"
            self.values = s.to_numpy()
            self.numeric = True
        else:
            self.kind = "text"
            self.values = s.astype(object).to_numpy()

    def text(self, row: int) -> str:
        if self.kind == "cat":
            return self.cats[self.codes[row]]
        v = self.values[row]
        if self.kind == "date":
            return "" if np.isnat(v) else str(v.astype("datetime64[D]"))
        if self.kind == "num":
            if v != v:
                return ""
            return f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)
        return "" if v is None else str(v)


class TableModel(QAbstractTableModel):
    """Rows are the engine's result (optionally re-ordered by a sort); columns the data set's."""

    sort_changed = Signal(int, object)  # column, Qt.SortOrder

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cols: list[_Column] = []
        self._rows = np.zeros(0, dtype=np.int64)
        self._base_rows = self._rows
        self._sorter: Callable[[np.ndarray, str, bool], np.ndarray] | None = None
        self._sort_later: Callable[..., bool] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- feeding ---------------------------------------------------------------------------
    def set_dataset(self, ds: Dataset, sorter: Callable[[np.ndarray, str, bool], np.ndarray] | None,
                    sort_later: Callable[..., bool] | None = None) -> None:
        """sorter(rows, column, descending) sorts now; sort_later(rows, column, descending, done), if
        given, may instead sort off the UI thread (large data) and call done(sorted rows), returning
        whether it will."""
        self.beginResetModel()
        self._cols = [_Column(ds, c) for c in ds.columns]
        self._rows = self._base_rows = np.zeros(0, dtype=np.int64)
        self._sorter = sorter
        self._sort_later = sort_later
        self._sort = None
        self.endResetModel()

    def set_rows(self, rows: np.ndarray) -> None:
        """New filtered rows (ascending); the current sort, if any, is kept."""
        self.beginResetModel()
        self._base_rows = rows
        self._rows = self._sorted(rows)
        self.endResetModel()

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        if self._sort is None or self._sorter is None or not len(rows):
            return rows
        col, order = self._sort
        return self._sorter(rows, self._cols[col].name, order == Qt.SortOrder.DescendingOrder)

    @property
    def rows(self) -> np.ndarray:
        """Data-set row indices in the order shown."""
        return self._rows

    def column_name(self, section: int) -> str:
        return self._cols[section].name

    def column_names(self) -> list[str]:
        return [c.name for c in self._cols]

    def categories(self, section: int) -> list[str] | None:
        return self._cols[section].cats

    # ---- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cols)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if role == _DISPLAY or role == _TOOLTIP:
            r, c = index.row(), index.column()
            if not index.isValid() or r >= len(self._rows) or c >= len(self._cols):
                return None
            return self._cols[c].text(int(self._rows[r]))
        if role == _ALIGN:
            if index.isValid() and index.column() < len(self._cols) and self._cols[index.column()].numeric:
                return _RIGHT
            return None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):
        if role != _DISPLAY and role != _TOOLTIP:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._cols):
                return self._cols[section].label
            return None
        if 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._cols):
            return
        key = (column, order)
        self._sort = key
        rows = self._base_rows
        later = self._sort_later
        if later is not None and len(rows) and later(
                rows, self._cols[column].name, order == Qt.SortOrder.DescendingOrder,
                lambda ordered: self._sorted_arrived(rows, key, ordered)):
            self.sort_changed.emit(column, order)  # the rows follow when they are sorted
            return
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(rows)
        self.layoutChanged.emit()
        self.sort_changed.emit(column, order)

    def _sorted_arrived(self, rows: np.ndarray, key: tuple[int, Qt.SortOrder], ordered: np.ndarray) -> None:
        if rows is not self._base_rows or key != self._sort:
            return  # the rows or the sort changed meanwhile; that change brings its own order
        self.layoutAboutToBeChanged.emit()
        self._rows = ordered
        self.layoutChanged.emit()

    # ---- copying -----------------------------------------------------------------------------
    def block_text(self, rows: list[int], cols: list[int]) -> str:
        """Tab-separated text of the given view rows and columns, with a header line."""
        lines = ["\t".join(self._cols[c].label for c in cols)]
        for r in rows:
            src = int(self._rows[r])
            lines.append("\t".join(_clean(self._cols[c].text(src)) for c in cols))
        return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


class TableView(QTableView):
    """Sortable by header click, columns hidden from the header's menu, Ctrl+C copies with headers."""

    columns_visibility_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Data table")
        self.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it): no keyboard trap
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setSectionsMovable(True)
        h.setHighlightSections(False)
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._header_menu)
        h.setSortIndicatorShown(True)
        h.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        v = self.verticalHeader()
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultSectionSize(self.fontMetrics().height() + 6)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def model(self) -> TableModel:  # type: ignore[override]
        return super().model()  # type: ignore[return-value]

    def fit_columns(self) -> None:
        """Column widths from the header and the longest category label, never by measuring rows."""
        m = self.model()
        fm = self.fontMetrics()
        for c in range(m.columnCount()):
            label = str(m.headerData(c, Qt.Orientation.Horizontal))
            width = fm.horizontalAdvance(label) + 28
            cats = m.categories(c)
            if cats:
                longest = max(cats[:2000], key=len)
                width = max(width, fm.horizontalAdvance(longest) + 16)
            else:
                width = max(width, fm.horizontalAdvance("0000-00-00") + 16)
            self.setColumnWidth(c, min(width, 320))

    def _header_menu(self, pos) -> None:
        m = self.model()
        menu = QMenu(self)
        menu.setAccessibleName("Columns")
        for c in range(m.columnCount()):
            act = menu.addAction(str(m.headerData(c, Qt.Orientation.Horizontal)))
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(c))
            act.toggled.connect(lambda on, col=c: self.set_column_visible(col, on))
        menu.addSeparator()
        menu.addAction("Show all columns", self.show_all_columns)
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def set_column_visible(self, column: int, visible: bool) -> None:
        shown = [c for c in range(self.model().columnCount()) if not self.isColumnHidden(c)]
        if not visible and shown == [column]:
            return  # keep at least one column
        self.setColumnHidden(column, not visible)
        self.columns_visibility_changed.emit()

    def show_all_columns(self) -> None:
        for c in range(self.model().columnCount()):
            self.setColumnHidden(c, False)
        self.columns_visibility_changed.emit()

    def visible_columns(self) -> list[str]:
        """Names of the shown columns, in the order shown."""
        m = self.model()
        h = self.horizontalHeader()
        order = sorted((h.visualIndex(c), c) for c in range(m.columnCount()) if not self.isColumnHidden(c))
        return [m.column_name(c) for _, c in order]

    def selected_view_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})

    def copy_selection(self) -> None:
        sel = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not sel:
            return
        rows = sorted({i.row() for i in sel})
        h = self.horizontalHeader()
        cols = sorted({i.column() for i in sel if not self.isColumnHidden(i.column())}, key=h.visualIndex)
        if len(rows) > 200_000:
            rows = rows[:200_000]
        QGuiApplication.clipboard().setText(self.model().block_text(rows, cols))
