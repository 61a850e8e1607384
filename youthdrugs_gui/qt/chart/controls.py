"""The row of chart controls above the plot: Group by, Stack by, bars or lines, counts or rates, the
order of bars drawn across, the table and Save chart. Every control says what it does in its tooltip,
and a greyed-out one says why it is greyed."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

GROUP_TIP = "The column whose values become the bars (or, in the line view, the points along the bottom)"
STACK_TIP = "Split each bar by this column's values, one colour each; '(none)' for one bar per value"
VALUES_TIP = ("Counts, or rates per 1,000 children aged 10-17 (ONS mid-year estimates) with England and Wales "
              "as a dashed line")
MODE_TIP = "Bars, or lines over time (when grouping by financial year, calendar year, quarter or month)"
MODE_GREYED = ("Lines are for time: choose Financial year (or a calendar year, quarter or month) under "
               "Group by to draw lines")
SORT_TIP = "With many values the bars go across: largest first (By value), or in alphabetical order (A-Z)"
TABLE_TIP = "The chart's numbers in a table you can read and copy, with the filters above it (Ctrl+T)"
SAVE_TIP = "Save the chart as a PNG picture or an SVG drawing, with its title, filters and source above it"


def _select(combo: QComboBox, value) -> None:
    """Choose the item holding value (the first item for None); leave the combo be if there is none."""
    i = combo.findData(value)
    if i < 0 and value is not None:
        return
    combo.setCurrentIndex(max(i, 0))


def set_enabled_saying_why(widget: QWidget, enabled: bool, tip: str, why: str) -> None:
    """Enable or grey a control; its tooltip says what it does, or why it is greyed."""
    widget.setEnabled(enabled)
    widget.setToolTip(tip if enabled else f"{why}.\n\n{tip}")


class ChartControls(QWidget):
    """The controls only; the panel listens to them. The choices they report are the user's: setting
    them from the program (`set_columns`, `set_grouping`, `set_rate_mode`) emits nothing."""

    grouping_changed = Signal(str, object)  # group_by, stack_by or None
    rate_mode_chosen = Signal(bool)  # counts (False) or rates per 1,000 children aged 10-17 (True)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group_combo = self._combo("Group chart by", GROUP_TIP)
        self.stack_combo = self._combo("Stack chart by", STACK_TIP)
        self.values_combo = self._combo("Chart shows", VALUES_TIP)
        self.values_combo.addItem("Counts", False)
        self.values_combo.addItem("Per 1,000 children", True)
        self.values_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.values_combo.setMinimumContentsLength(3)
        self.mode_combo = self._combo("Chart type", MODE_TIP)
        self.mode_combo.addItem("Bars", "bar")
        self.mode_combo.addItem("Lines", "line")
        self.sort_combo = self._combo("Order of the bars", SORT_TIP)
        self.sort_combo.addItem("By value", True)
        self.sort_combo.addItem("A-Z", False)
        self.sort_combo.setVisible(False)
        self.table_button = QPushButton("&Table")
        self.table_button.setAccessibleName("Show chart as table")
        self.table_button.setToolTip(TABLE_TIP)
        self.save_button = self._save_button()
        group_label = QLabel("&Group by")
        group_label.setBuddy(self.group_combo)
        group_label.setToolTip(GROUP_TIP)
        stack_label = QLabel("&Stack by")
        stack_label.setBuddy(self.stack_combo)
        stack_label.setToolTip(STACK_TIP)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(group_label)
        bar.addWidget(self.group_combo, 1)
        bar.addWidget(stack_label)
        bar.addWidget(self.stack_combo, 1)
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.values_combo)
        bar.addWidget(self.sort_combo)
        bar.addStretch(0)
        bar.addWidget(self.table_button)
        bar.addWidget(self.save_button)
        self.group_combo.currentIndexChanged.connect(self._on_group_combo)
        self.stack_combo.currentIndexChanged.connect(self._on_stack_combo)
        self.values_combo.currentIndexChanged.connect(
            lambda _i: self.rate_mode_chosen.emit(bool(self.values_combo.currentData())))

    @property
    def group_by(self) -> str | None:
        return self.group_combo.currentData()

    @property
    def stack_by(self) -> str | None:
        return self.stack_combo.currentData()

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        """The columns the user may group or stack by, as (name, label); the choices kept where they can be."""
        group, stack = self.group_by, self.stack_by
        for combo in (self.group_combo, self.stack_combo):
            combo.blockSignals(True)
            combo.clear()
        self.stack_combo.addItem("(none)", None)
        for name, label in columns:
            self.group_combo.addItem(label, name)
            self.stack_combo.addItem(label, name)
        _select(self.group_combo, group)
        _select(self.stack_combo, stack)
        for combo in (self.group_combo, self.stack_combo):
            combo.blockSignals(False)

    def set_grouping(self, group_by: str, stack_by: str | None) -> None:
        for combo, value in ((self.group_combo, group_by or None), (self.stack_combo, stack_by)):
            combo.blockSignals(True)
            _select(combo, value)
            combo.blockSignals(False)

    def set_rate_mode(self, on: bool) -> None:
        i = 1 if on else 0
        if self.values_combo.currentIndex() != i:
            self.values_combo.blockSignals(True)
            self.values_combo.setCurrentIndex(i)
            self.values_combo.blockSignals(False)

    def _on_group_combo(self, _index: int) -> None:
        group = self.group_by
        if group is None:
            return
        if self.stack_by == group:  # grouping by the stack column unstacks
            self.stack_combo.blockSignals(True)
            _select(self.stack_combo, None)
            self.stack_combo.blockSignals(False)
        self.grouping_changed.emit(group, self.stack_by)

    def _on_stack_combo(self, _index: int) -> None:
        group, stack = self.group_by, self.stack_by
        if group is not None:
            self.grouping_changed.emit(group, None if stack == group else stack)

    @staticmethod
    def _combo(name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        return combo

    def _save_button(self) -> QPushButton:
        """'Save chart' with a menu of PNG and SVG. A push button makes room for its menu arrow beside
        the text (a tool button draws the arrow over the text's end)."""
        button = QPushButton("Save chart")
        button.setAccessibleName("Save chart")
        button.setToolTip(SAVE_TIP)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu = QMenu(button)
        self.save_png_action = QAction("Save chart as PNG…", self)
        self.save_svg_action = QAction("Save chart as SVG…", self)
        self.save_png_action.setToolTip("A picture, about 1,600 pixels wide, for documents and slides")
        self.save_svg_action.setToolTip("A drawing that stays sharp at any size, for print")
        menu.addAction(self.save_png_action)
        menu.addAction(self.save_svg_action)
        menu.setToolTipsVisible(True)
        button.setMenu(menu)
        return button

    def set_lines_allowed(self, allowed: bool) -> None:
        """Lines only for groupings by time; greyed, the choice says why."""
        set_enabled_saying_why(self.mode_combo, allowed, MODE_TIP, MODE_GREYED)
