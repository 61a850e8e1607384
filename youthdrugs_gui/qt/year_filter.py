"""The financial-year filter: a From/To pair of boxes."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .facet_list import in_force_mark, titled_head


def _year_box(years: list[str], name: str, tip: str) -> QComboBox:
    box = QComboBox()
    box.addItems(years)
    box.setAccessibleName(name)
    box.setToolTip(tip)
    # narrow enough for the panel whatever the labels: a long one is cut short, its full text in the list
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(7)
    return box


class YearFilter(QWidget):
    """Financial years: a From/To pair."""

    range_chosen = Signal(object)  # (first, last) or None

    def __init__(self, years: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.years = years
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        self.title = QLabel("<b>Financial year</b>")
        self.title.setToolTip(f"Financial years (April to March) held by the data: {years[0]} to {years[-1]}")
        self.active_mark = in_force_mark("Financial year", "financial year")
        lay.addLayout(titled_head(self.title, self.active_mark))
        row = QHBoxLayout()
        self.first = _year_box(years, "First financial year",
                               "The first financial year to include; with both boxes at the ends, no year filter")
        self.last = _year_box(years, "Last financial year",
                              "The last financial year to include; with both boxes at the ends, no year filter")
        self.last.setCurrentIndex(len(years) - 1)
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
        self.active_mark.setText("•" if year_range else "")
