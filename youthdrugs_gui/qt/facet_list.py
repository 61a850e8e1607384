"""One column's filter: a checklist of its values with 'if you tick this' counts, a find box, All/None
and 'only this'. It says what the user wants and shows what it is told; it filters nothing itself."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

VALUE_ROLE = Qt.ItemDataRole.UserRole
_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
FIND_BOX_FROM = 9  # lists with at least this many values get a find box
VISIBLE_ROWS = 8


def in_sentence(label: str) -> str:
    """A column label as it reads inside a sentence: 'Object of search' -> 'object of search', but
    'PCC area' stays as it is."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def with_article(words: str) -> str:
    """'a police force', 'an outcome': the indefinite article a reader expects before the words."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def in_force_mark(label: str, words: str) -> QLabel:
    """The mark shown beside a filter's title while it is in force ("•"), in a box of fixed size:
    turning it on or off never moves anything, so a click repaints the mark and not the filter panel."""
    mark = QLabel()
    mark.setAccessibleName(f"{label} filter in force")
    mark.setToolTip(f"A filter on {words} is in force")
    metrics = mark.fontMetrics()
    mark.setFixedSize(metrics.horizontalAdvance(" •• "), metrics.height())
    return mark


def titled_head(title: QLabel, mark: QLabel) -> QHBoxLayout:
    """A filter's heading: its title, then its in-force mark, then space."""
    head = QHBoxLayout()
    head.addWidget(title)
    head.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
    head.addStretch(1)
    return head


class _FitWidthDelegate(QStyledItemDelegate):
    """Rows as wide as the list, whatever their text: a long value is cut short in the middle, its count
    still in sight and its tooltip holding it whole, instead of widening the list past the panel."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class FacetList(QWidget):
    """A checklist of a column's values with 'if you tick this' counts, search, all/none, only this.

    The tick is the filter: a click leaves no selection highlight behind, only the keyboard focus."""

    toggled = Signal(str, str)  # column, value
    values_chosen = Signal(str, object)  # column, frozenset or None (= all)
    only = Signal(str, str)

    def __init__(self, column: str, label: str, values: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self.values = values
        self.label = label
        self._words = in_sentence(label)
        self._unit = ""
        self.setAccessibleName(f"{label} filter")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(2)
        lay.addLayout(self._head())
        self.search: QLineEdit | None = None
        if len(values) >= FIND_BOX_FROM:
            self.search = self._find_box()
            lay.addWidget(self.search)
        self.list = self._value_list()
        lay.addWidget(self.list)
        self._counts_text: list[str] = [""] * len(values)
        self._ticked: list[bool] = [True] * len(values)  # each item's tick, as last set or clicked

    def _head(self) -> QHBoxLayout:
        head = QHBoxLayout()
        self.title = QLabel(f"<b>{self.label}</b>")
        self.title.setAccessibleName(self.label)
        self.title.setWordWrap(True)  # a long column name wraps instead of pushing the buttons out
        wraps = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        wraps.setHeightForWidth(True)
        self.title.setSizePolicy(wraps)
        self.title.setToolTip(self.label)
        head.addWidget(self.title, 1)
        self.active_mark = in_force_mark(self.label, self._words)
        head.addWidget(self.active_mark, 0, Qt.AlignmentFlag.AlignTop)
        self.all_button = QToolButton(text="All")
        self.all_button.setAccessibleName(f"Select all {self.label}")
        self.all_button.setToolTip(f"Tick every {self._words}: no filter on {self._words}")
        self.all_button.clicked.connect(lambda: self.values_chosen.emit(self.column, None))
        self.none_button = QToolButton(text="None")
        self.none_button.setAccessibleName(f"Select no {self.label}")
        self.none_button.setToolTip(f"Untick every {self._words}, to tick the few you want next")
        self.none_button.clicked.connect(lambda: self.values_chosen.emit(self.column, frozenset()))
        for button in (self.all_button, self.none_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            head.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return head

    def _find_box(self) -> QLineEdit:
        box = QLineEdit()
        box.setPlaceholderText(f"Find {with_article(self._words)}…")
        box.setAccessibleName(f"Find in {self.label}")
        box.setToolTip(f"Type part of {with_article(self._words)} to show only the matching values in "
                       "this list; it changes no filter")
        box.setClearButtonEnabled(True)
        box.setMinimumWidth(60)
        box.textChanged.connect(self._filter_items)
        return box

    def _value_list(self) -> QListWidget:
        values_list = QListWidget()
        values_list.setAccessibleName(f"{self.label} values")
        values_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        values_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        values_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the count at the end stays in sight
        values_list.setItemDelegate(_FitWidthDelegate(values_list))
        values_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        values_list.customContextMenuRequested.connect(self._menu)
        values_list.itemChanged.connect(self._item_changed)
        values_list.itemDoubleClicked.connect(lambda it: self.only.emit(self.column, it.data(VALUE_ROLE)))
        values_list.setUniformItemSizes(True)
        for v in self.values:
            it = QListWidgetItem(v)
            it.setData(VALUE_ROLE, v)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
            it.setToolTip(f"{v}: tick or untick; double-click or right-click for 'only this'")
            values_list.addItem(it)
        rows = min(len(self.values), VISIBLE_ROWS)
        values_list.setFixedHeight(values_list.sizeHintForRow(0) * rows + 2 * values_list.frameWidth() + 4)
        values_list.setToolTip(self._list_tip())
        only = QAction("Only this", values_list)
        only.setShortcut("Ctrl+Return")
        only.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        only.triggered.connect(self._only_current)
        values_list.addAction(only)
        return values_list

    def _list_tip(self) -> str:
        unit = self._unit or "rows"
        return (f"Tick the {self._words} values to keep; Space ticks the one with the focus, Ctrl+Return keeps "
                f"only it. The number beside each is what you would get if you ticked it, in {unit}, "
                "with the other filters.")

    def set_single_choice(self, why: str) -> None:
        """One value at a time (a measure, an area level): ticking one shows it instead of the other."""
        self.all_button.setVisible(False)
        self.none_button.setVisible(False)
        self.setToolTip(why)
        with QSignalBlocker(self.list):  # a changed tooltip is an itemChanged too: not a tick
            for i in range(self.list.count()):
                it = self.list.item(i)
                it.setToolTip(f"{it.data(VALUE_ROLE)}: show these figures instead. {why}")

    def item(self, value: str) -> QListWidgetItem:
        return self.list.item(self.values.index(value))

    def _item_changed(self, item: QListWidgetItem) -> None:
        self._ticked[self.list.row(item)] = item.checkState() == _CHECKED
        self.toggled.emit(self.column, item.data(VALUE_ROLE))

    def _only_current(self) -> None:
        it = self.list.currentItem()
        if it is not None:
            self.only.emit(self.column, it.data(VALUE_ROLE))

    def _menu(self, pos: QPoint) -> None:
        it = self.list.itemAt(pos)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        if it is not None:
            v = it.data(VALUE_ROLE)
            only = menu.addAction(f"Only “{v}”", lambda: self.only.emit(self.column, v))
            only.setToolTip(f"Untick every other {self._words}")
        every = menu.addAction("Select all", lambda: self.values_chosen.emit(self.column, None))
        every.setToolTip(self.all_button.toolTip())
        nothing = menu.addAction("Select none", lambda: self.values_chosen.emit(self.column, frozenset()))
        nothing.setToolTip(self.none_button.toolTip())
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def _filter_items(self, text: str) -> None:
        needle = text.casefold().strip()
        for i, v in enumerate(self.values):
            self.list.item(i).setHidden(bool(needle) and needle not in v.casefold())

    def show_state(self, selected: frozenset[str] | None, counts: np.ndarray | None, unit: str) -> None:
        """Tick marks from the filter state, counts from the engine; zero-count values greyed. Only the
        items whose tick or count changed are touched."""
        if unit != self._unit:
            self._unit = unit
            self.list.setToolTip(self._list_tip())
            self._counts_text = [""] * len(self.values)
        grey = normal = None
        changed = False
        ticked, shown = self._ticked, self._counts_text
        with QSignalBlocker(self.list):
            for i, v in enumerate(self.values):
                want = selected is None or v in selected
                if ticked[i] != want:
                    ticked[i] = want
                    self.list.item(i).setCheckState(_CHECKED if want else _UNCHECKED)
                    changed = True
                if counts is not None:
                    n = int(counts[i]) if i < len(counts) else 0
                    text = f"{v}  ({n:,})"
                    if text != shown[i]:
                        if grey is None:
                            palette = self.palette()
                            grey = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
                            normal = palette.color(QPalette.ColorRole.Text)
                        shown[i] = text
                        it = self.list.item(i)
                        it.setText(text)
                        it.setForeground(grey if n == 0 else normal)
                        it.setToolTip(self._value_tip(v, n, unit))
                        changed = True
            if changed:
                # A changed item makes the list lay its items out later, on a timer, and only then
                # repaint: laid out now, the list is painted with the rest of the window, once.
                self.list.executeDelayedItemsLayout()
        self.active_mark.setText("•" if selected is not None else "")

    def _value_tip(self, value: str, n: int, unit: str) -> str:
        if n == 0:
            return (f"{value}: none if ticked ({unit}), with the other filters; greyed because the other "
                    "filters leave no rows with this value")
        return f"{value}: {n:,} {unit} if ticked, with the other filters"
