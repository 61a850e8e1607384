"""The table: a model over the row indices the controller publishes and the data set's per-column
arrays (no frame copy on a filter change, no .iloc per cell), and a view that asks for a sort, copies,
hides columns and says so when no rows match."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.dataset import Dataset
from ..core.schema import Role
from .table_cells import CellPainter

# Plain ints: the view asks for several roles of every cell it paints, and comparing ints is cheaper
# than comparing enum members.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LISTED_CATEGORIES = 50_000


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
            cats = s.cat.categories
            # A column of references has a value per row: its categories stay as they are held
            # (an index is read per cell drawn) instead of millions of Python strings made on opening.
            self.cats = [str(c) for c in cats] if len(cats) <= _LISTED_CATEGORIES else cats.astype(str)
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
    """Rows are the ones the controller publishes, in the order given; columns the data set's."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cols: list[_Column] = []
        self._rows = np.zeros(0, dtype=np.int64)

    # ---- feeding ---------------------------------------------------------------------------
    def set_dataset(self, ds: Dataset) -> None:
        """The data set's columns, and no rows until they are published."""
        self.beginResetModel()
        self._cols = [_Column(ds, c) for c in ds.columns]
        self._rows = np.zeros(0, dtype=np.int64)
        self.endResetModel()

    def set_rows(self, rows: np.ndarray) -> None:
        """Show these data-set rows, in this order."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    @property
    def rows(self) -> np.ndarray:
        """Data-set row indices in the order shown."""
        return self._rows

    def column_name(self, section: int) -> str:
        return self._cols[section].name

    def column_names(self) -> list[str]:
        return [c.name for c in self._cols]

    def categories(self, section: int) -> Sequence[str] | None:
        """The column's categories (a list, or an index for a column of very many), None if not categorical."""
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

    # flags(): QAbstractTableModel's own (enabled, selectable), answered without a call into Python for
    # every cell painted.

    # ---- the cell painter's questions ----------------------------------------------------------
    def cell_text(self, row: int, column: int) -> str:
        """The text of a cell in view coordinates (the row in the order shown)."""
        return self._cols[column].text(int(self._rows[row]))

    def right_aligned(self, column: int) -> bool:
        return self._cols[column].numeric

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


class EmptyNotice(QFrame):
    """Shown over the table when no rows match: what matched nothing, and the two ways out."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("empty_notice")
        self.setAccessibleName("No rows match")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel("<b>No rows match these filters</b>")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setAccessibleName("Filters that match nothing")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reset_button = QPushButton("&Reset filters")
        self.reset_button.setToolTip("Clear every filter and show all rows (Ctrl+R)")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setToolTip("Take back the last filter change (Ctrl+Z)")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(self.text)
        lay.addLayout(buttons)
        self.hide()

    def show_words(self, words: str) -> None:
        """Say which filters matched nothing (their description in words)."""
        self.text.setText(f"Filters in force: {words}\n\nChange one of them, or:")
        self.text.setToolTip(words)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        """Centre the notice in its parent, at most 460 pixels wide."""
        area = self.parentWidget().rect()
        width = max(160, min(460, area.width() - 24))
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(area.center().x() - width // 2, max(8, area.center().y() - self.height() // 2))


class RowNumbers(QHeaderView):
    """The row numbers' column. Its width is measured on the first row's number and the last's (the
    longest), where Qt's own measure asks the model for two hundred labels, role by role, every time
    the rows change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as the table's own: a click on a number selects its row
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        n = self.count()
        if n == 0:
            return super().sizeHint()
        return self.sectionSizeFromContents(0).expandedTo(self.sectionSizeFromContents(n - 1))


class TableView(QTableView):
    """Sorted by header click (asked of the controller: `sort_requested`), columns hidden from the
    header's menu, Ctrl+C copies with headers; over an empty table, a notice saying why."""

    sort_requested = Signal(object, bool)  # column name (None: the data's own order), descending
    reset_requested = Signal()
    undo_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Data table")
        self.setToolTip("The rows that match the filters. Click a column header to sort; right-click it to "
                        "hide columns; Ctrl+C copies the selected cells")
        self.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it): no keyboard trap
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setSectionsMovable(True)
        h.setSectionsClickable(True)
        h.setHighlightSections(False)
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._header_menu)
        h.setSortIndicatorShown(True)
        h.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        h.sectionClicked.connect(self._header_clicked)
        v = RowNumbers(self)
        self.setVerticalHeader(v)
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.cells = CellPainter(self)
        self.setItemDelegate(self.cells)
        self.empty_notice = EmptyNotice(self.viewport())
        self.empty_notice.reset_button.clicked.connect(self.reset_requested)
        self.empty_notice.undo_button.clicked.connect(self.undo_requested)

    # ---- sorting: the view asks, the controller orders ---------------------------------------
    def _header_clicked(self, section: int) -> None:
        """The header has already turned its sort mark: ask for that order."""
        h = self.horizontalHeader()
        if h.sortIndicatorSection() == section:
            self.sortByColumn(section, h.sortIndicatorOrder())

    def sortByColumn(self, column: int, order: Qt.SortOrder) -> None:  # noqa: N802 - Qt's name
        """Show the sort mark and ask for the rows in that order (column -1: the data's own order)."""
        self.show_sort(column, order)
        if 0 <= column < self.model().columnCount():
            self.sort_requested.emit(self.model().column_name(column), order == Qt.SortOrder.DescendingOrder)
        else:
            self.sort_requested.emit(None, False)

    def show_sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Set the header's sort mark without asking for anything."""
        h = self.horizontalHeader()
        h.blockSignals(True)
        h.setSortIndicator(column, order)
        h.blockSignals(False)
        h.viewport().update()

    # ---- new rows ------------------------------------------------------------------------------
    def forget_row_numbers_width(self) -> None:
        """Another data set: the row numbers' column may be as narrow as its numbers need."""
        self.verticalHeader().setMinimumWidth(0)

    def lay_out_rows(self) -> None:
        """Lay out newly published rows at once (scroll bars, the row numbers' column), so that they
        are painted together with the cells and the rest of the window, in one pass.

        The row numbers' column grows for longer numbers and never shrinks for shorter ones (until
        another data set): a click that shows fewer rows does not shift the cells sideways."""
        self.executeDelayedItemsLayout()
        v = self.verticalHeader()
        wanted = v.sizeHint().width()
        if wanted > v.minimumWidth():
            v.setMinimumWidth(wanted)
            self.updateGeometries()

    # ---- no rows -------------------------------------------------------------------------------
    def show_empty(self, words: str | None) -> None:
        """With words, say over the table that no rows match them; with None, hide the notice."""
        if words is None:
            self.empty_notice.hide()
        else:
            self.empty_notice.show_words(words)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        model, selection = self.model(), self.selectionModel()
        self.cells.begin(model if isinstance(model, TableModel) else None, self,
                         selection is not None and selection.hasSelection(), self.currentIndex())
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FontChange:
            self.cells.set_font(self.font())
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.empty_notice.isVisible():
            self.empty_notice.place()

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
            if cats is not None and len(cats):
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

    def show_all_columns(self) -> None:
        for c in range(self.model().columnCount()):
            self.setColumnHidden(c, False)

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
