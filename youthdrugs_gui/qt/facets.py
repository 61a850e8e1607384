"""The filter panel: one widget per filter. Each only says what the user wants (to the controller) and
shows what the controller publishes; none filters anything itself."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core import schema
from ..core.dataset import Dataset
from ..core.result import Result
from ..core.schema import NOT_RECORDED, Role
from .age_filter import AgeFilter
from .controller import Controller
from .facet_list import FacetList
from .more_filters import MoreFilters
from .year_filter import YearFilter

MAIN_FACETS = (schema.MEASURE, schema.AREA_LEVEL, schema.AREA, schema.FORCE, schema.OFFENCE_TYPE,
               schema.DRUG_CLASS, schema.OUTCOME, schema.SEX, schema.ETHNICITY, schema.AGE_BAND)
EAGER_MORE_FACETS = 40  # up to this many other columns, their lists are built with the panel
FACETS_PER_TURN = 20


def main_facets(ds: Dataset) -> list[str]:
    """The columns listed above 'More filters', in this order: MAIN_FACETS, with any other ethnicity
    column (police.uk's self-defined and officer-defined ethnicity) beside ethnicity."""
    listed = [c for c in ds.facet_columns if c in ds.categorical_columns]
    ethnicities = [c for c in listed if c not in MAIN_FACETS and ds.role(c) is Role.CATEGORY
                   and "ethnic" in schema.normalise_header(ds.label(c))]
    chosen: list[str] = []
    for col in MAIN_FACETS:
        if col in listed:
            chosen.append(col)
        if col == schema.ETHNICITY:
            chosen.extend(ethnicities)
    return chosen


class FilterPanel(QScrollArea):
    """Every filter for the current data set, built anew when the data set changes. Its contents always
    fit its width: nothing scrolls sideways, long names wrap and long values are cut short."""

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
        self.search.setToolTip("Keep only the rows with this text in any column (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(80)
        self.search.textChanged.connect(controller.set_search)
        self.reset_button = QPushButton("Reset filters")
        self.reset_button.setAccessibleName("Reset filters")
        self.reset_button.setToolTip("Clear every filter and the search text (Ctrl+R); the measure and area "
                                     "level shown stay as chosen. Ctrl+Z undoes it")
        self.reset_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.reset_button.clicked.connect(self.reset)
        self.more: MoreFilters | None = None
        self._top: QHBoxLayout | None = None  # the row holding Search and Reset filters
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
        if self._top is not None:
            # Taken out of the old layout through the layout itself: reparenting alone would delete the
            # layout's items behind the bindings' back, leaving wrappers that a later object can alias.
            self._top.removeWidget(self.search)
            self._top.removeWidget(self.reset_button)
        self.search.setParent(None)
        self.reset_button.setParent(None)
        top = self._top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.reset_button)
        lay.addLayout(top)
        self._add_ranges(ds, lay)
        main = main_facets(ds)
        for col in main:
            lay.addWidget(self._facet(ds, col))
        rest = [c for c in ds.facet_columns if c not in main and c in ds.categorical_columns
                and ds.role(c) is Role.CATEGORY]
        if rest:
            self.more = self._more_filters(ds, rest)
            lay.addWidget(self.more)
        lay.addStretch(1)
        body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setWidget(body)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def _add_ranges(self, ds: Dataset, lay: QVBoxLayout) -> None:
        """The financial-year boxes and the age slider, when the data has more than one of each."""
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

    def _facet(self, ds: Dataset, col: str) -> FacetList:
        f = FacetList(col, ds.label(col), ds.categories(col))
        f.toggled.connect(self.controller.toggle)
        f.values_chosen.connect(self.controller.set_values)
        f.only.connect(self.controller.only)
        if col in ds.partition_columns:
            what = "measures" if col == schema.MEASURE else "areas at different levels"
            f.set_single_choice(f"Figures of different {what} are never added together: one is shown at a time.")
        self.facets[col] = f
        return f

    def _more_filters(self, ds: Dataset, rest: list[str]) -> MoreFilters:
        more = MoreFilters(len(rest))
        if len(rest) <= EAGER_MORE_FACETS:
            for col in rest:
                more.add_filter(self._facet(ds, col))
            return more

        # A file with hundreds of other columns: their lists are built when the section is first
        # opened, a few per turn of the event loop, so the window never stops for them.
        def build_some(todo: list[str]) -> None:
            if self.more is not more:  # another data set came meanwhile
                return
            for col in todo[:FACETS_PER_TURN]:
                more.add_filter(self._facet(ds, col))
                if self.controller.result is not None:
                    self._show_facet(col, self.facets[col], self.controller.result)
            if todo[FACETS_PER_TURN:]:
                QTimer.singleShot(0, lambda: build_some(todo[FACETS_PER_TURN:]))

        more.on_first_open = lambda: build_some(list(rest))
        return more

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
