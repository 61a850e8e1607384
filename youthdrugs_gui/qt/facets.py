"""The filter panel: one widget per facet. Each only says what the user wants (to the controller)
and shows what the controller publishes; none filters anything itself."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledRangeSlider

from ..core import schema
from ..core.dataset import Dataset
from ..core.engine import Result
from ..core.schema import NOT_RECORDED, Role
from .controller import Controller

MAIN_FACETS = (schema.MEASURE, schema.AREA_LEVEL, schema.AREA, schema.FORCE, schema.OFFENCE_TYPE,
               schema.DRUG_CLASS, schema.OUTCOME, schema.SEX, schema.AGE_BAND)
_VALUE = Qt.ItemDataRole.UserRole
EAGER_MORE_FACETS = 40  # up to this many other columns, their lists are built with the panel
FACETS_PER_TURN = 20


class FacetList(QWidget):
    """A checklist of a column's values with 'if you tick this' counts, search, all/none, only this."""

    toggled = Signal(str, str)  # column, value
    values_chosen = Signal(str, object)  # column, frozenset or None (= all)
    only = Signal(str, str)

    def __init__(self, column: str, label: str, values: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self.values = values
        self.setAccessibleName(f"{label} filter")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(2)
        head = QHBoxLayout()
        self.title = QLabel(f"<b>{label}</b>")
        self.title.setAccessibleName(label)
        head.addWidget(self.title, 1)
        self.all_button = QToolButton(text="All")
        self.all_button.setAccessibleName(f"Select all {label}")
        self.all_button.setToolTip(f"Tick every {label.lower()}")
        self.all_button.clicked.connect(lambda: self.values_chosen.emit(self.column, None))
        self.none_button = QToolButton(text="None")
        self.none_button.setAccessibleName(f"Select no {label}")
        self.none_button.setToolTip(f"Untick every {label.lower()}")
        self.none_button.clicked.connect(lambda: self.values_chosen.emit(self.column, frozenset()))
        head.addWidget(self.all_button)
        head.addWidget(self.none_button)
        lay.addLayout(head)
        self.search: QLineEdit | None = None
        if len(values) > 8:
            self.search = QLineEdit()
            self.search.setPlaceholderText(f"Find a {label.lower()}…")
            self.search.setAccessibleName(f"Find in {label}")
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(self._filter_items)
            lay.addWidget(self.search)
        self.list = QListWidget()
        self.list.setAccessibleName(f"{label} values")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemChanged.connect(self._item_changed)
        self.list.itemDoubleClicked.connect(lambda it: self.only.emit(self.column, it.data(_VALUE)))
        self.list.setUniformItemSizes(True)
        for v in values:
            it = QListWidgetItem(v)
            it.setData(_VALUE, v)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked)
            it.setToolTip(f"{v}: tick or untick; double-click or right-click for 'only this'")
            self.list.addItem(it)
        rows = min(len(values), 8)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4)
        lay.addWidget(self.list)
        only = QAction("Only this", self.list)
        only.setShortcut("Ctrl+Return")
        only.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        only.triggered.connect(self._only_current)
        self.list.addAction(only)
        self._counts_text: list[str] = [""] * len(values)

    def set_single_choice(self, why: str) -> None:
        """One value at a time (a measure, an area level): ticking one shows it instead of the other."""
        self.all_button.setVisible(False)
        self.none_button.setVisible(False)
        self.setToolTip(why)
        with QSignalBlocker(self.list):  # a changed tooltip is an itemChanged too: not a tick
            for i in range(self.list.count()):
                it = self.list.item(i)
                it.setToolTip(f"{it.data(_VALUE)}: show these figures instead. {why}")

    def item(self, value: str) -> QListWidgetItem:
        return self.list.item(self.values.index(value))

    def _item_changed(self, item: QListWidgetItem) -> None:
        self.toggled.emit(self.column, item.data(_VALUE))

    def _only_current(self) -> None:
        it = self.list.currentItem()
        if it is not None:
            self.only.emit(self.column, it.data(_VALUE))

    def _menu(self, pos) -> None:
        it = self.list.itemAt(pos)
        menu = QMenu(self)
        if it is not None:
            v = it.data(_VALUE)
            menu.addAction(f"Only “{v}”", lambda: self.only.emit(self.column, v))
        menu.addAction("Select all", lambda: self.values_chosen.emit(self.column, None))
        menu.addAction("Select none", lambda: self.values_chosen.emit(self.column, frozenset()))
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def _filter_items(self, text: str) -> None:
        needle = text.casefold().strip()
        for i, v in enumerate(self.values):
            self.list.item(i).setHidden(bool(needle) and needle not in v.casefold())

    def show_state(self, selected: frozenset[str] | None, counts: np.ndarray | None, unit: str) -> None:
        """Tick marks from the filter state, counts from the engine; zero-count values greyed."""
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        normal = self.palette().color(QPalette.ColorRole.Text)
        with QSignalBlocker(self.list):
            for i, v in enumerate(self.values):
                it = self.list.item(i)
                want = Qt.CheckState.Checked if selected is None or v in selected else Qt.CheckState.Unchecked
                if it.checkState() != want:
                    it.setCheckState(want)
                if counts is not None:
                    n = int(counts[i]) if i < len(counts) else 0
                    text = f"{v}  ({n:,})"
                    if text != self._counts_text[i]:
                        self._counts_text[i] = text
                        it.setText(text)
                        it.setForeground(grey if n == 0 else normal)
                        it.setToolTip(f"{v}: {n:,} {unit} if ticked, with the other filters")
        active = selected is not None
        self.title.setText(f"<b>{self.title.accessibleName()}</b>" + (" •" if active else ""))


class AgeFilter(QWidget):
    """Exact ages: a labelled range slider."""

    range_chosen = Signal(object)  # (lo, hi) or None

    def __init__(self, ages: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lo, self.hi = min(ages), max(ages)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        self.title = QLabel("<b>Age</b>")
        lay.addWidget(self.title)
        self.slider = QLabeledRangeSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Age range")
        self.slider.setToolTip("Drag either end to choose an age range; rows with no age are left out "
                               "while the range is narrowed")
        self.slider.setRange(self.lo, self.hi)
        self.slider.setValue((self.lo, self.hi))
        self.slider.setSingleStep(1)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self._changed)
        lay.addWidget(self.slider)

    def _changed(self, value) -> None:
        lo, hi = int(value[0]), int(value[1])
        self.range_chosen.emit(None if (lo, hi) == (self.lo, self.hi) else (lo, hi))

    def show_state(self, age_range: tuple[int, int] | None) -> None:
        want = age_range or (self.lo, self.hi)
        want = (max(self.lo, min(self.hi, want[0])), max(self.lo, min(self.hi, want[1])))
        if tuple(int(v) for v in self.slider.value()) != want:
            with QSignalBlocker(self.slider):
                self.slider.setValue(want)
        self.title.setText("<b>Age</b>" + (" •" if age_range else ""))


class YearFilter(QWidget):
    """Financial years: a From/To pair."""

    range_chosen = Signal(object)  # (first, last) or None

    def __init__(self, years: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.years = years
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        self.title = QLabel("<b>Financial year</b>")
        lay.addWidget(self.title)
        row = QHBoxLayout()
        self.first = QComboBox()
        self.first.addItems(years)
        self.first.setAccessibleName("First financial year")
        self.last = QComboBox()
        self.last.addItems(years)
        self.last.setCurrentIndex(len(years) - 1)
        self.last.setAccessibleName("Last financial year")
        from_label = QLabel("From")
        from_label.setBuddy(self.first)
        to_label = QLabel("to")
        to_label.setBuddy(self.last)
        row.addWidget(from_label)
        row.addWidget(self.first, 1)
        row.addWidget(to_label)
        row.addWidget(self.last, 1)
        lay.addLayout(row)
        self.first.currentIndexChanged.connect(self._changed)
        self.last.currentIndexChanged.connect(self._changed)

    def _changed(self) -> None:
        a, b = self.first.currentIndex(), self.last.currentIndex()
        if (a, b) == (0, len(self.years) - 1):
            self.range_chosen.emit(None)
        else:
            self.range_chosen.emit((self.years[min(a, b)], self.years[max(a, b)]))

    def show_state(self, year_range: tuple[str, str] | None) -> None:
        a, b = year_range or (self.years[0], self.years[-1])
        ia = self.years.index(a) if a in self.years else 0
        ib = self.years.index(b) if b in self.years else len(self.years) - 1
        with QSignalBlocker(self.first), QSignalBlocker(self.last):
            self.first.setCurrentIndex(ia)
            self.last.setCurrentIndex(ib)
        self.title.setText("<b>Financial year</b>" + (" •" if year_range else ""))


class Collapsible(QWidget):
    """A titled section the user can fold away ('More filters')."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.button = QToolButton(text=title)
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.setAccessibleName(title)
        self.button.toggled.connect(self._toggle)
        lay.addWidget(self.button)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(8, 0, 0, 0)
        self.body.setVisible(False)
        lay.addWidget(self.body)

    def _toggle(self, on: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
        if on and self.on_first_open is not None:
            first, self.on_first_open = self.on_first_open, None
            first()

    on_first_open = None  # called once, the first time the section is opened


class FilterPanel(QScrollArea):
    """Every filter for the current data set, built anew when the data set changes."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Filters")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(300)
        self.facets: dict[str, FacetList] = {}
        self.age: AgeFilter | None = None
        self.year: YearFilter | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search all text…")
        self.search.setAccessibleName("Search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(controller.set_search)
        self.reset_button = QPushButton("Reset filters")
        self.reset_button.setAccessibleName("Reset filters")
        self.reset_button.clicked.connect(self.reset)
        self.more: Collapsible | None = None
        controller.dataset_changed.connect(self.build)
        controller.result_changed.connect(self.show_result)

    def build(self, ds: Dataset) -> None:
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.facets.clear()
        self.age = self.year = None
        self.more = None  # a lazy build of the old data set's lists stops when it sees this
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(4)
        self.search.setParent(None)
        self.reset_button.setParent(None)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.reset_button)
        lay.addLayout(top)

        def add_facet(col: str, into: QVBoxLayout) -> None:
            f = FacetList(col, ds.label(col), ds.categories(col))
            f.toggled.connect(self.controller.toggle)
            f.values_chosen.connect(self.controller.set_values)
            f.only.connect(self.controller.only)
            if col in ds.partition_columns:
                what = "measures" if col == schema.MEASURE else "areas at different levels"
                f.set_single_choice(f"Figures of different {what} are never added together: one is shown at a time.")
            self.facets[col] = f
            into.addWidget(f)

        if ds.role(schema.FINANCIAL_YEAR) is Role.YEAR:
            years = [y for y in ds.categories(schema.FINANCIAL_YEAR) if y != NOT_RECORDED]
            if len(years) > 1:
                self.year = YearFilter(years)
                self.year.range_chosen.connect(self.controller.set_year_range)
                lay.addWidget(self.year)
        if ds.role(schema.AGE) is Role.AGE:
            ages = [int(float(a)) for a in ds.categories(schema.AGE) if a != NOT_RECORDED]
            if len(ages) > 1:
                self.age = AgeFilter(ages)
                self.age.range_chosen.connect(self.controller.set_age_range)
                lay.addWidget(self.age)
        for col in MAIN_FACETS:
            if col in ds.facet_columns and col in ds.categorical_columns:
                add_facet(col, lay)
        rest = [c for c in ds.facet_columns if c not in MAIN_FACETS and c in ds.categorical_columns
                and ds.role(c) is Role.CATEGORY]
        if rest:
            self.more = Collapsible(f"More filters ({len(rest)})")
            more = self.more
            if len(rest) <= EAGER_MORE_FACETS:
                for col in rest:
                    add_facet(col, more.body_layout)
            else:
                # A file with hundreds of other columns: their lists are built when the section is
                # first opened, a few per turn of the event loop, so the window never stops for them.
                def build_some(todo: list[str]) -> None:
                    if self.more is not more:  # another data set came meanwhile
                        return
                    for col in todo[:FACETS_PER_TURN]:
                        add_facet(col, more.body_layout)
                        if self.controller.result is not None:
                            self._show_facet(col, self.facets[col], self.controller.result)
                    if todo[FACETS_PER_TURN:]:
                        QTimer.singleShot(0, lambda: build_some(todo[FACETS_PER_TURN:]))

                more.on_first_open = lambda: build_some(list(rest))
            lay.addWidget(self.more)
        lay.addStretch(1)
        body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setWidget(body)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def _show_facet(self, col: str, facet: FacetList, result: Result) -> None:
        facet.show_state(self.controller.state.selected(col), result.facet_counts.get(col), result.unit_words)

    def reset(self) -> None:
        """Reset filters: the controller's, and the text typed to find values in the lists (a list still
        showing one force would look filtered)."""
        for facet in self.facets.values():
            if facet.search is not None and facet.search.text():
                facet.search.clear()
        self.controller.reset()

    def show_result(self, result: Result) -> None:
        # Ticks, ranges and the search text show the controller's state, not the result's: on large data
        # a result can arrive for an earlier state while the user is already typing or dragging on.
        state = self.controller.state
        for col, facet in self.facets.items():
            self._show_facet(col, facet, result)
        if self.age is not None:
            self.age.show_state(state.age_range)
        if self.year is not None:
            self.year.show_state(state.year_range)
        if self.search.text().strip() != state.search:
            with QSignalBlocker(self.search):
                self.search.setText(state.search)
