"""The chart panel: one ChartSeries drawn as (stacked) bars or, by financial year, as lines.

The panel only shows what the controller publishes and says what the user wants (`grouping_changed`,
`bar_clicked`, `mode_changed`); it never filters data. Bars are one `BarGraphItem` per stack, kept in a
pool and updated in place with `setOpts`, so a new series costs a few milliseconds and no items are
rebuilt. Colours come from the Okabe-Ito palette (safe for colour-blind readers); background and text
follow the widget palette, so the chart is light or dark with the desktop.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QAction, QColor, QFont, QFontMetricsF, QGuiApplication, QKeySequence, QPainter,
                           QPalette, QStandardItem, QStandardItemModel)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QGraphicsItem, QHBoxLayout,
                               QLabel, QMenu, QPushButton, QStackedWidget, QTableView, QToolButton, QToolTip,
                               QVBoxLayout, QWidget)

from ..core import schema
from ..core.engine import ChartSeries
from ..core.schema import NOT_RECORDED

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Black is left out (it vanishes on a dark background); grey is kept for "unknown" stacks.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                            "#8C6D31", "#7F7FBF", "#5FA37B")
UNKNOWN_COLOUR = "#999999"
_UNKNOWN_NAMES = frozenset({NOT_RECORDED.casefold(), "not known", "unknown", "not stated"})
_DIM_ALPHA = 60  # of 255: bars outside the current filter
BAR_WIDTH = 0.8
ELLIPSIS = "…"
_HOVER_PIXELS = 12  # how near a line point the mouse must be to count as on it


def abbreviate(text: str, max_chars: int) -> str:
    """The text cut to max_chars with an ellipsis ('Greater Manchester', 12 -> 'Greater Man…')."""
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + ELLIPSIS


def _fmt(n: int | float) -> str:
    """Counts as whole numbers with separators; rates with one decimal place."""
    if isinstance(n, (float, np.floating)) and not float(n).is_integer():
        return f"{float(n):,.1f}"
    return f"{int(n):,}"


# ---- axes ------------------------------------------------------------------------------------------
class CategoryAxis(pg.AxisItem):
    """Bottom axis with one label per category at x = 0, 1, 2 ...

    Labels are drawn level when they fit, else abbreviated (about 12 characters), else turned upright
    and abbreviated to fit a third of the chart's height; if even upright labels would overlap, only
    every n-th is drawn. The full names stay available (`full_labels`, and the panel's tooltips)."""

    LEVEL_CHARS = 12

    def __init__(self) -> None:
        super().__init__("bottom")
        self._full: tuple[str, ...] = ()
        self._shown: list[str] = []
        self._step = 1
        self._upright = False
        self._text_extent = 0.0  # pixels the labels need below the ticks
        self.setStyle(showValues=False, tickLength=4, autoExpandTextSpace=False)
        self.setTickFont(QFont())

    # -- what is shown (for the panel and the tests) --
    @property
    def full_labels(self) -> tuple[str, ...]:
        return self._full

    @property
    def shown_labels(self) -> list[str]:
        """The text drawn under each category ('' where skipped for lack of room)."""
        return [s if i % self._step == 0 else "" for i, s in enumerate(self._shown)]

    @property
    def upright(self) -> bool:
        return self._upright

    def set_categories(self, labels: Sequence[str]) -> None:
        self._full = tuple(labels)
        self.setTicks([[(float(i), "") for i in range(len(self._full))]])
        self.relayout(force=True)

    # -- layout --
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style["tickFont"] or QFont())

    def relayout(self, force: bool = False) -> None:
        """Choose level/abbreviated/upright labels for the current width; cheap when nothing changes."""
        n = len(self._full)
        fm = self._metrics()
        line = fm.height()
        lo, hi = self.range
        span = abs(hi - lo) or 1.0
        per = self.width() / span if self.width() > 0 else 0.0  # pixels per category
        shown, upright, step = list(self._full), False, 1
        if n and per > 0:
            widest = max(fm.horizontalAdvance(s) for s in self._full)
            if widest + 6 > per:
                short = [abbreviate(s, self.LEVEL_CHARS) for s in self._full]
                if max(fm.horizontalAdvance(s) for s in short) + 6 <= per:
                    shown = short
                else:
                    upright = True
                    parent = self.parentItem()
                    total = parent.size().height() if parent is not None else 300.0
                    room = max(line * 4, total / 3 - line * 2)
                    chars = int(room / max(1.0, fm.averageCharWidth()))
                    chars = max(8, min(24, chars))
                    shown = [abbreviate(s, chars) for s in self._full]
                    step = max(1, math.ceil((line * 1.05) / per))
        extent = 0.0
        if n:
            extent = (max(fm.horizontalAdvance(s) for s in shown) if upright else line) + 2
        changed = (shown != self._shown or upright != self._upright or step != self._step
                   or abs(extent - self._text_extent) > 0.5)
        if not (changed or force):
            return
        self._shown, self._upright, self._step, self._text_extent = shown, upright, step, extent
        label_h = self.label.boundingRect().height() * 0.8 if self.label.isVisible() else 0
        height = int(math.ceil(max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
                               + extent + label_h + 2))
        if self.fixedHeight != height:
            self.setHeight(height)
        self.picture = None
        self.update()

    def resizeEvent(self, ev=None) -> None:
        super().resizeEvent(ev)
        if getattr(self, "_full", None) is not None:
            self.relayout()

    def linkedViewChanged(self, view, newRange=None) -> None:
        super().linkedViewChanged(view, newRange)
        self.relayout()

    # -- drawing --
    def drawPicture(self, p: QPainter, axisSpec, tickSpecs, textSpecs) -> None:
        super().drawPicture(p, axisSpec, tickSpecs, [])
        if not self._shown:
            return
        bounds = self.mapRectFromParent(self.geometry())
        lo, hi = self.range
        if hi == lo:
            return
        scale = bounds.width() / (hi - lo)
        top = bounds.top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        fm = self._metrics()
        line = fm.height()
        per = abs(scale)
        p.setPen(self.textPen())
        for i, text in enumerate(self._shown):
            if i % self._step or not text:
                continue
            x = (i - lo) * scale
            if x < bounds.left() - 1 or x > bounds.right() + 1:
                continue
            if self._upright:
                p.save()
                p.translate(x, top)
                p.rotate(-90)
                width = fm.horizontalAdvance(text) + 2
                p.drawText(QRectF(-width, -line / 2, width, line),
                           int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
                p.restore()
            else:
                p.drawText(QRectF(x - per / 2, top, per, line),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                               | Qt.TextFlag.TextDontClip), text)


class CountAxis(pg.AxisItem):
    """Left axis for counts: whole numbers only, with thousands separators, no SI prefixes."""

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)
        self.setStyle(maxTickLevel=1)
        self.setTickFont(QFont())

    whole = True  # counts: whole numbers only; rates: any spacing

    def tickValues(self, minVal, maxVal, size):
        if not self.whole:
            return super().tickValues(minVal, maxVal, size)
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing < 1:
                continue
            levels.append((spacing, [v for v in values if abs(v - round(v)) < 1e-6]))
        if not levels:
            levels = [(1.0, [float(v) for v in range(int(math.ceil(minVal)), int(maxVal) + 1)])]
        return levels

    def tickStrings(self, values, scale, spacing):
        if not self.whole:
            return [f"{v:,.1f}" for v in values]
        return [f"{int(round(v)):,}" for v in values]


class _Swatch(pg.GraphicsWidget):
    """A legend sample that only shows a colour (pyqtgraph's own hides the series when clicked,
    which a caseworker would take for a filter)."""

    sigClicked = Signal(object)  # LegendItem connects to it; never emitted

    def __init__(self, colour: QColor, line: bool, outline: QColor) -> None:
        super().__init__()
        self.colour, self.line, self.outline = QColor(colour), line, QColor(outline)
        self.setFixedWidth(20)
        self.setFixedHeight(20)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, 20, 20)

    def paint(self, p: QPainter, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.line:
            p.setPen(pg.mkPen(self.colour, width=2))
            p.drawLine(QPointF(1, 11), QPointF(19, 11))
            p.setBrush(pg.mkBrush(self.colour))
            p.setPen(pg.mkPen(self.outline))
            p.drawEllipse(QPointF(10, 11), 4, 4)
        else:
            p.setPen(pg.mkPen(self.outline))
            p.setBrush(pg.mkBrush(self.colour))
            p.drawRect(QRectF(3, 4, 14, 14))


# ---- the table dialog --------------------------------------------------------------------------------
class _CopyTableView(QTableView):
    """Table whose Ctrl+C copies the selected block (or everything) as tab-separated text with headers."""

    def keyPressEvent(self, ev) -> None:
        if ev.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            ev.accept()
            return
        super().keyPressEvent(ev)

    def copy_text(self) -> str:
        model = self.model()
        if model is None:
            return ""
        idx = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if idx:
            rows = sorted({i.row() for i in idx})
            cols = sorted({i.column() for i in idx})
        else:
            rows, cols = list(range(model.rowCount())), list(range(model.columnCount()))
        lines = ["\t".join(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in cols)]
        for r in rows:
            lines.append("\t".join(str(model.index(r, c).data(Qt.ItemDataRole.UserRole)) for c in cols))
        return "\n".join(lines) + "\n"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text())


class ChartTableDialog(QDialog):
    """The chart's numbers as a table (non-modal): for reading exact values, for screen readers and
    for pasting into a report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chart as table")
        self.setAccessibleName("Chart as table")
        self.setModal(False)
        self.model = QStandardItemModel(self)
        self.view = _CopyTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Chart numbers")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.caption = QLabel()
        self.caption.setAccessibleName("Chart table caption")
        self.caption.setWordWrap(True)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy the chart table")
        self.copy_button.setToolTip("Copy the selected cells, or the whole table, with headers, "
                                    "to paste into a spreadsheet or report")
        self.copy_button.clicked.connect(self.view.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close the chart table")
        lay = QVBoxLayout(self)
        lay.addWidget(self.caption)
        lay.addWidget(self.view)
        lay.addWidget(buttons)
        self.resize(760, 560)

    def set_frame(self, frame: pd.DataFrame, caption: str = "") -> None:
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self.model.clear()
        self.model.setHorizontalHeaderLabels([str(c) for c in frame.columns])
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row in frame.itertuples(index=False):
            items = []
            for j, v in enumerate(row):
                if j == 0:
                    it = QStandardItem(str(v))
                    it.setData(str(v), Qt.ItemDataRole.UserRole)
                elif isinstance(v, str):  # '[x]' not available, '12 [part]'
                    it = QStandardItem(v)
                    it.setData(v, Qt.ItemDataRole.UserRole)
                    it.setTextAlignment(right)
                else:
                    it = QStandardItem(_fmt(v))
                    it.setData(float(v) if isinstance(v, (float, np.floating)) else int(v), Qt.ItemDataRole.UserRole)
                    it.setTextAlignment(right)
                it.setEditable(False)
                items.append(it)
            self.model.appendRow(items)
        self.view.resizeColumnsToContents()


_STATUS_WORDS = {"[x]": "no data (not available in the sources)", "[c]": "suppressed in the source",
                 "[z]": "not applicable", "partial": "part only (some figures not available):"}


def _status_cell(value, status: str):
    """A chart-table cell: the number, '[x]'-style marks where the sources have no figure, and
    '12 [part]' where a figure leaves some out."""
    if status in ("[x]", "[c]", "[z]"):
        return status
    if status == "partial":
        return f"{int(value):,} [part]"
    return value


# ---- the panel ---------------------------------------------------------------------------------------
class ChartPanel(QWidget):
    """Shows one ChartSeries; says what the user wants, never filters anything itself."""

    grouping_changed = Signal(str, object)  # group_by, stack_by or None
    rate_mode_chosen = Signal(bool)  # counts (False) or rates per 1,000 children aged 10-17 (True)
    bar_clicked = Signal(str, str)  # group-by column, the group value
    mode_changed = Signal(str)  # "bar" or "line"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}
        self._series: ChartSeries | None = None
        self._message = ""
        self._highlight: frozenset[str] | None = None
        self._groups: tuple[str, ...] | None = None
        self._x = np.zeros(0)
        self._colours: dict[str, QColor] = {}
        self._colour_key: str | None = None
        self._bar_style: list[tuple] = []
        self._legend_key: tuple | None = None
        self._ylabel: str | None = None
        self._tip = ""
        self._drawn_mode = "bar"
        self._table_dialog: ChartTableDialog | None = None
        self._context: list[str] = []  # heading lines: synthetic, title with filters, source
        self._synthetic = False
        self._ready = False

        # controls
        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Group chart by")
        self.group_combo.setToolTip("The column whose values become the bars")
        self.stack_combo = QComboBox()
        self.stack_combo.setAccessibleName("Stack chart by")
        self.stack_combo.setToolTip("Split each bar by this column's values")
        self.values_combo = QComboBox()
        self.values_combo.addItem("Counts", False)
        self.values_combo.addItem("Per 1,000 children", True)
        self.values_combo.setAccessibleName("Chart shows")
        self.values_combo.setToolTip("Counts, or rates per 1,000 children aged 10-17 (ONS mid-year estimates) "
                                     "with England and Wales as a dashed line")
        for combo in (self.values_combo,):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
        self.values_combo.currentIndexChanged.connect(
            lambda _i: self.rate_mode_chosen.emit(bool(self.values_combo.currentData())))
        self.mode_combo = QComboBox()
        self.mode_combo.setAccessibleName("Chart type")
        self.mode_combo.setToolTip("Bars, or lines over the financial years (only when grouping by year)")
        self.mode_combo.addItem("Bars", "bar")
        self.mode_combo.addItem("Lines", "line")
        self.table_button = QPushButton("&Table")
        self.table_button.setAccessibleName("Show chart as table")
        self.table_button.setToolTip("The chart's numbers in a table you can copy")
        self.save_button = QToolButton()
        self.save_button.setText("Save chart")
        self.save_button.setAccessibleName("Save chart")
        self.save_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.save_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu = QMenu(self.save_button)
        self.save_png_action = QAction("Save chart as PNG…", self)
        self.save_svg_action = QAction("Save chart as SVG…", self)
        menu.addAction(self.save_png_action)
        menu.addAction(self.save_svg_action)
        self.save_button.setMenu(menu)
        group_label = QLabel("&Group by")
        group_label.setBuddy(self.group_combo)
        stack_label = QLabel("&Stack by")
        stack_label.setBuddy(self.stack_combo)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(group_label)
        bar.addWidget(self.group_combo, 1)
        bar.addWidget(stack_label)
        bar.addWidget(self.stack_combo, 1)
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.values_combo)
        self.sort_combo = QComboBox()
        self.sort_combo.addItem("By value", True)
        self.sort_combo.addItem("A-Z", False)
        self.sort_combo.setAccessibleName("Order of the bars")
        self.sort_combo.setToolTip("With many values the bars go across: largest first, or in alphabetical order")
        self.sort_combo.setVisible(False)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._redraw())
        bar.addWidget(self.sort_combo)
        bar.addStretch(0)
        bar.addWidget(self.table_button)
        bar.addWidget(self.save_button)

        # the plot: a layout holding the legend (top) and the plot item
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName("Chart")
        self.graphics.setMinimumHeight(180)
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.x_axis = CategoryAxis()
        # Upright text is slow to draw; cache the axis as a pixmap (it changes only with the groups).
        self.x_axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.y_axis = CountAxis()
        self.legend: pg.LegendItem | None = None  # above the plot, outside it: it never covers bars
        self._legend_entries: tuple[tuple[str, str], ...] = ()
        self._legend_columns = 0
        self._fitting_legend = False
        self.plot: pg.PlotItem = self.graphics.ci.addPlot(row=1, col=0, axisItems={"bottom": self.x_axis,
                                                                                  "left": self.y_axis})
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        # Horizontal grid lines as one item of line pairs: pyqtgraph's axis grid repaints the whole
        # axis with the view on every update and doubled the cost of a new series.
        self._grid = pg.PlotCurveItem(connect="pairs")
        self._grid.setZValue(-100)
        self.plot.addItem(self._grid)
        self._view_top = 1.0
        self._view_x = (0.0, 1.0)
        self.vb: pg.ViewBox = self.plot.getViewBox()
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setMenuEnabled(False)
        self.vb.disableAutoRange()
        # ViewBox keeps mkPen(None) as its border and still paints that invisible path on every repaint.
        self.vb.border = None
        self.vb.sigResized.connect(self._on_view_resized)
        self.plot.setLabel("left", "Count")
        self._bars: list[pg.BarGraphItem] = []
        self._lines: list[pg.PlotDataItem] = []
        # groups with no figure (not available) or only part of one: a mark on the axis, never a bar of 0
        self._marks = pg.ScatterPlotItem(pxMode=True, size=11)
        self._marks.setZValue(50)
        self.plot.addItem(self._marks)
        self.no_data_label = QLabel()
        self.no_data_label.setAccessibleName("Chart key")
        self.no_data_label.setWordWrap(True)
        self.no_data_label.setVisible(False)
        # England and Wales' rate under the same filters, when rates are shown
        self._reference = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#444444", width=1.5,
                                                                               style=Qt.PenStyle.DashLine),
                                          label="", labelOpts={"position": 0.02, "anchors": [(0, 1), (0, 1)]})
        self._reference.setZValue(60)
        self._reference.setVisible(False)
        self.plot.addItem(self._reference)
        self._reference_value: float | None = None
        self._message_item = pg.TextItem("", anchor=(0.5, 0.5))
        self._message_item.setParentItem(self.vb)
        self._message_item.setTextWidth(360)
        self._message_item.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        # many values (44 forces): bars across, with whole names and a row each (see hbar_chart.py)
        from .hbar_chart import HBarChart

        self.hbars = HBarChart()
        self.hbars.bar_clicked.connect(self.bar_clicked)
        self.plot_stack = QStackedWidget()
        self.plot_stack.addWidget(self.graphics)
        self.plot_stack.addWidget(self.hbars)
        lay.addWidget(self.plot_stack, 1)
        lay.addWidget(self.no_data_label)

        self.graphics.viewport().installEventFilter(self)
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.group_combo.currentIndexChanged.connect(self._on_group_combo)
        self.stack_combo.currentIndexChanged.connect(self._on_stack_combo)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo)
        self.table_button.clicked.connect(self.show_table)
        self.save_png_action.triggered.connect(lambda: self.save_dialog("png"))
        self.save_svg_action.triggered.connect(lambda: self.save_dialog("svg"))
        self._update_mode_enabled()
        self._ready = True
        self._apply_style()
        self.set_series(None)

    # ---- public API ---------------------------------------------------------------------------------
    @property
    def series(self) -> ChartSeries | None:
        return self._series

    @property
    def group_by(self) -> str | None:
        return self.group_combo.currentData()

    @property
    def stack_by(self) -> str | None:
        return self.stack_combo.currentData()

    @property
    def mode(self) -> str:
        """What is drawn: 'line' only when lines are chosen and the groups are financial years."""
        s = self._series
        group = s.group_by if s is not None else self.group_by
        if self.mode_combo.currentData() == "line" and group == schema.FINANCIAL_YEAR:
            return "line"
        return "bar"

    @property
    def message(self) -> str:
        """The text shown in the plot area instead of a chart ('' when a chart is shown)."""
        return self._message_item.toPlainText() if self._message_item.isVisible() else ""

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        """The columns the user may group or stack by, as (name, label). Emits nothing."""
        self._labels = dict(columns)
        group, stack = self.group_by, self.stack_by
        for combo in (self.group_combo, self.stack_combo):
            combo.blockSignals(True)
            combo.clear()
        self.stack_combo.addItem("(none)", None)
        for name, label in columns:
            self.group_combo.addItem(label, name)
            self.stack_combo.addItem(label, name)
        self._select(self.group_combo, group)
        self._select(self.stack_combo, stack)
        for combo in (self.group_combo, self.stack_combo):
            combo.blockSignals(False)
        self._update_mode_enabled()

    def set_grouping(self, group_by: str, stack_by: str | None) -> None:
        """Show this grouping in the combos (from the controller). Emits nothing."""
        for combo, value in ((self.group_combo, group_by or None), (self.stack_combo, stack_by)):
            combo.blockSignals(True)
            self._select(combo, value)
            combo.blockSignals(False)
        self._update_mode_enabled()

    def set_mode(self, mode: str) -> None:
        """Choose bars ('bar') or lines ('line'; used when grouping by financial year). Emits nothing."""
        self.mode_combo.blockSignals(True)
        self._select(self.mode_combo, "line" if mode == "line" else "bar")
        self.mode_combo.blockSignals(False)
        self._redraw()

    def set_series(self, series: ChartSeries | None, message: str = "") -> None:
        """Draw a series, or with None show the message in the plot area and no bars."""
        self._series = series
        self._message = message
        empty = series is None or not series.groups or series.values.size == 0
        across = not empty and self._across(series)
        self.plot_stack.setCurrentWidget(self.hbars if across else self.graphics)
        self.sort_combo.setVisible(across)
        if empty:
            text = message or ("Nothing to chart: no rows match these filters." if series is not None
                               else "Nothing to chart yet.")
            self._show_nothing(text)
        elif across:
            self._draw_across(series)
        else:
            self._draw(series)
        self._update_mode_enabled()
        self._update_description()
        if self._table_dialog is not None and self._table_dialog.isVisible():
            self._table_dialog.set_frame(self.table_frame(), self._table_caption())

    def set_rate_mode(self, on: bool) -> None:
        i = 1 if on else 0
        if self.values_combo.currentIndex() != i:
            self.values_combo.blockSignals(True)
            self.values_combo.setCurrentIndex(i)
            self.values_combo.blockSignals(False)

    def _across(self, s: ChartSeries) -> bool:
        """Bars across for groupings with many values that have no order of their own."""
        from .hbar_chart import MIN_GROUPS

        ordered = (schema.FINANCIAL_YEAR, schema.AGE, schema.AGE_BAND)
        return len(s.groups) >= MIN_GROUPS and s.group_by not in ordered and self.mode == "bar"

    def _draw_across(self, s: ChartSeries) -> None:
        self._message_item.hide()
        colours = [self._colour(st) for st in s.stacks]
        self.hbars.show_series(s, colours, by_value=bool(self.sort_combo.currentData()), highlight=self._highlight,
                               status=s.group_status(), reference=self._reference_value, dim=self._dim)
        self._set_legend(tuple(s.stacks) if s.stack_by is not None else (), "bar")
        self._drawn_mode = "bar"

    def set_reference(self, value: float | None) -> None:
        """Draw England and Wales' rate as a dashed line (None: no line)."""
        self._reference_value = value
        s = self._series
        if s is not None and self.plot_stack.currentWidget() is self.hbars:
            self._draw_across(s)
        if self._table_dialog is not None and self._table_dialog.isVisible():
            self._table_dialog.set_frame(self.table_frame(), self._table_caption())
        if value is None:
            self._reference.setVisible(False)
            return
        self._reference.setValue(value)
        self._reference.label.setFormat(f"England and Wales {value:.1f}")
        self._reference.setVisible(True)
        if value * 1.08 > self._view_top:
            self._set_view(self._view_x, value * 1.12)

    def set_context(self, lines: list[str], synthetic: bool = False) -> None:
        """The heading a saved image and the chart's table carry: the synthetic-data line where it
        applies, the title with the filters in words, the source."""
        self._context = list(lines)
        self._synthetic = synthetic
        if self._table_dialog is not None and self._table_dialog.isVisible():
            self._table_dialog.set_frame(self.table_frame(), self._table_caption())

    def _table_caption(self) -> str:
        return "\n".join(self._context + [self._caption()])

    def set_highlighted(self, values: set[str] | None) -> None:
        """Group values selected as a filter on the group-by column: drawn full colour, others dimmed."""
        new = None if values is None else frozenset(values)
        if new == self._highlight:
            return
        self._highlight = new
        s = self._series
        if s is not None and s.groups and s.values.size:
            if self.plot_stack.currentWidget() is self.hbars:
                self._draw_across(s)
            elif self._drawn_mode == "bar":
                self._style_bars(s, force=True)
            else:
                self._draw(s)

    # ---- hit testing (data coordinates) -----------------------------------------------------------
    def bar_at(self, x: float, y: float) -> tuple[str, str] | None:
        """(group, stack) of the bar (or line point) at data coordinates; stack '' when not stacked."""
        s = self._series
        if s is None or not s.groups or s.values.size == 0:
            return None
        i = int(round(x))
        if not 0 <= i < len(s.groups):
            return None
        if self._drawn_mode == "line":
            if abs(x - i) > 0.5:
                return None
            px_x, px_y = self.vb.viewPixelSize()
            row = s.values[i]
            dist = np.hypot((x - i) / (px_x or 1), (row - y) / (px_y or 1))
            j = int(np.argmin(dist))
            return (s.groups[i], s.stacks[j]) if dist[j] <= _HOVER_PIXELS else None
        if abs(x - i) > BAR_WIDTH / 2 or y < 0:
            return None
        row = s.values[i]
        tops = np.cumsum(row)
        j = int(np.searchsorted(tops, y, side="right"))
        if j >= len(row):
            return None
        while j < len(row) and row[j] == 0:  # a zero-height segment has no area
            j += 1
        return (s.groups[i], s.stacks[j]) if j < len(row) else None

    def group_at(self, x: float, y: float | None = None) -> str | None:
        """The group whose column (the bar's width, any height from 0) holds x; for clicks on tiny bars."""
        s = self._series
        if s is None or not s.groups or s.values.size == 0:
            return None
        i = int(round(x))
        if not 0 <= i < len(s.groups) or abs(x - i) > BAR_WIDTH / 2:
            return None
        if y is not None and y < 0:
            return None
        return s.groups[i]

    def click_group(self, value: str) -> None:
        """The user clicked this group's bar: ask for it to be toggled as a filter."""
        s = self._series
        if s is not None and value in s.groups:
            self.bar_clicked.emit(s.group_by, value)

    def hover_text(self, x: float, y: float) -> str:
        """Tooltip for a point in data coordinates, e.g. 'Essex — Drug class A: 1,214'."""
        s = self._series
        hit = self.bar_at(x, y)
        if hit is not None and s is not None:
            group, stack = hit
            i, j = s.groups.index(group), s.stacks.index(stack)
            value = s.values[i, j]
            if s.status is not None and s.status[i, j] != "full":
                return f"{self._value_name(s.group_by, group)}: {_STATUS_WORDS.get(s.status[i, j], '')}" \
                    + ("" if s.status[i, j] != "partial" else f" {_fmt(value)}")
            gname = self._value_name(s.group_by, group)
            if s.stack_by is None:
                return f"{gname}: {_fmt(value)}"
            text = f"{gname} — {self._value_name(s.stack_by, stack)}: {_fmt(value)}"
            return text + f"\nTotal for {gname}: {_fmt(s.values[i].sum())}"
        group = self.group_at(x, y) if self._drawn_mode == "bar" else None
        if group is not None and s is not None:
            return self._group_total_text(group)
        return ""

    def tooltip_at(self, scene_pos: QPointF) -> str:
        """Tooltip for a scene position: a bar or point in the plot, or a category name on the x axis."""
        if self.vb.sceneBoundingRect().contains(scene_pos):
            p = self.vb.mapSceneToView(scene_pos)
            return self.hover_text(p.x(), p.y())
        if self.x_axis.isVisible() and self.x_axis.sceneBoundingRect().contains(scene_pos):
            p = self.vb.mapSceneToView(scene_pos)
            i = int(round(p.x()))
            s = self._series
            if s is not None and s.values.size and 0 <= i < len(s.groups) and abs(p.x() - i) <= 0.5:
                return self._group_total_text(s.groups[i])
        return ""

    def data_to_viewport(self, x: float, y: float):
        """Where a data point is on the plot's viewport, in widget pixels (for tests and tools)."""
        scene_pt = self.vb.mapViewToScene(QPointF(x, y))
        return self.graphics.mapFromScene(scene_pt)

    # ---- the chart as a table ------------------------------------------------------------------------
    def table_frame(self) -> pd.DataFrame:
        """The numbers behind the chart: the group column, one column per stack (or 'Count'), 'Total'."""
        s = self._series
        if s is None:
            return pd.DataFrame()
        glabel = self._labels.get(s.group_by, s.group_by)
        data: dict[str, object] = {glabel: list(s.groups)}
        if s.stack_by is None:
            data["Count"] = s.values[:, 0] if s.values.shape[1] else np.zeros(len(s.groups), dtype=np.int64)
        else:
            for j, stack in enumerate(s.stacks):
                name = self._value_name(s.stack_by, stack)
                if name in data:
                    name = f"{name} ({self._labels.get(s.stack_by, s.stack_by)})"
                data[name] = s.values[:, j]
        data["Total"] = s.totals
        frame = pd.DataFrame(data)
        if s.status is not None:  # cells the sources lack say so; figures over some of them are marked
            cols = list(frame.columns[1:-1])
            for j, col in enumerate(cols):
                frame[col] = [_status_cell(v, st) for v, st in zip(frame[col], s.status[:, j])]
            frame["Total"] = [_status_cell(v, st) for v, st in zip(frame["Total"], s.group_status())]
        if self._reference_value is not None:  # rates: England and Wales under the same filters
            row = {c: "" for c in frame.columns}
            row[frame.columns[0]] = "England and Wales"
            row["Total"] = self._reference_value
            frame = pd.concat([frame.astype(object), pd.DataFrame([row])], ignore_index=True)
        return frame

    def show_table(self) -> ChartTableDialog:
        """Open (or raise) the non-modal table of the chart's numbers; it follows later series."""
        if self._table_dialog is None:
            self._table_dialog = ChartTableDialog(self)
        self._table_dialog.set_frame(self.table_frame(), self._table_caption())
        self._table_dialog.show()
        self._table_dialog.raise_()
        self._table_dialog.activateWindow()
        return self._table_dialog

    @property
    def table_dialog(self) -> ChartTableDialog | None:
        return self._table_dialog

    # ---- export ------------------------------------------------------------------------------------
    def _shown_graphics(self):
        return self.hbars.graphics if self.plot_stack.currentWidget() is self.hbars else self.graphics

    def image_heading(self) -> list[str]:
        """The lines above a saved chart: synthetic line, title and filters, source, what is counted."""
        return [*self._context, self._caption()]

    def export_png(self, path: str | Path, width: int | None = None) -> None:
        """Write the chart as a PNG on white (about 1,600 pixels wide unless told), its heading above it;
        atomically, readable by the user only."""
        from . import chart_image

        with self._print_style():
            g = self._shown_graphics()
            data = chart_image.render_png(g.scene(), g.ci.sceneBoundingRect(),
                                          self.image_heading(), int(width or max(1600, g.width())))
        chart_image.save(path, data)

    def export_svg(self, path: str | Path) -> None:
        """Write the chart as an SVG on white, with its heading above it and its caption as its title.

        Drawn with Qt's QSvgGenerator: pyqtgraph 0.14's SVGExporter fails on every plot with Qt 6.11,
        whose SVG paths end in 'Z' (pyqtgraph issue #3495)."""
        from . import chart_image

        with self._print_style():
            g = self._shown_graphics()
            data = chart_image.render_svg(g.scene(), g.ci.sceneBoundingRect(),
                                          self.image_heading(), " — ".join(self.image_heading()),
                                          self.graphics.accessibleDescription())
        chart_image.save(path, data)

    def save_dialog(self, kind: str, folder: str = "") -> str | None:
        """Ask where to save the chart (kind 'png' or 'svg') and save it; the path written, or None."""
        from .chart_image import save_image_dialog

        write = self.export_png if kind == "png" else self.export_svg
        return save_image_dialog(self, "chart", kind, folder, self._synthetic, write)

    # ---- drawing -------------------------------------------------------------------------------------
    def _draw_marks(self, s: ChartSeries, top: float) -> None:
        """A cross where a group has no figure, a triangle where its figure leaves some cells out."""
        st = s.group_status()
        na = [i for i, v in enumerate(st) if v not in ("full", "partial")]
        part = [i for i, v in enumerate(st) if v == "partial"]
        if not na and not part:
            self._marks.setData([], [])
            self._marks.setVisible(False)
            self.no_data_label.setVisible(False)
            return
        y_na = (top if top > 0 else 1.0) * 0.03
        totals = s.values.sum(axis=1)
        spots = [{"pos": (float(i), y_na), "symbol": "x", "brush": pg.mkBrush("#666666"),
                  "pen": pg.mkPen("#666666")} for i in na]
        spots += [{"pos": (float(i), float(totals[i]) + (top or 1.0) * 0.03), "symbol": "t",
                   "brush": pg.mkBrush("#666666"), "pen": pg.mkPen("#666666")} for i in part]
        self._marks.setData(spots)
        self._marks.setVisible(True)
        words = []
        if na:
            words.append("× no data: the sources hold no figure here (not 0)")
        if part:
            words.append("▼ part: some of the figures here are not available")
        self.no_data_label.setText("   ".join(words))
        self.no_data_label.setVisible(True)

    def _show_nothing(self, text: str) -> None:
        self._marks.setVisible(False)
        self.no_data_label.setVisible(False)
        for item in self._bars + self._lines:
            item.setVisible(False)
        self._set_legend((), "bar")
        self._groups = ()
        self.x_axis.set_categories(())
        self.x_axis.setLabel("")
        self._set_ylabel("Count")
        self._message_item.setText(text)
        self._message_item.show()
        self._place_message()
        self._set_view((0.0, 1.0), 1.0)

    def _redraw(self) -> None:
        self.set_series(self._series, self._message)

    def _draw(self, s: ChartSeries) -> None:
        self._message_item.hide()
        n = len(s.groups)
        if s.groups != self._groups:
            self._groups = s.groups
            self._x = np.arange(n, dtype=np.float64)
            self.x_axis.set_categories(s.groups)
        label = self._labels.get(s.group_by, s.group_by)
        if self.x_axis.labelText != label:
            self.x_axis.setLabel(label)
        rates = bool(s.measure) and s.measure.startswith("per 1,000")
        self.y_axis.whole = not rates
        self._set_ylabel(s.measure[:1].upper() + s.measure[1:] if rates else
                         (f"Count ({s.measure})" if s.measure else "Count"))
        colour_key = s.stack_by or ""
        if colour_key != self._colour_key:
            self._colour_key, self._colours = colour_key, {}
        mode = self.mode
        if mode == "line":
            for b in self._bars:
                b.setVisible(False)
            top = self._draw_lines(s)
        else:
            for ln in self._lines:
                ln.setVisible(False)
            top = self._draw_bars(s)
        self._drawn_mode = mode
        self._draw_marks(s, top)
        stacked = s.stack_by is not None
        self._set_legend(tuple(s.stacks) if stacked else (), mode)
        pad = 0.6 if mode == "bar" else 0.4
        self._set_view((-pad, n - 1 + pad), top * 1.06 if top > 0 else 1.0)

    def _set_view(self, x_range: tuple[float, float], top: float) -> None:
        """Show exactly the data (y from 0): the user cannot pan or zoom, so this is the whole view."""
        self._view_x, self._view_top = x_range, top
        self.vb.setRange(xRange=x_range, yRange=(0, top), padding=0)
        self._update_grid()

    def _update_grid(self) -> None:
        height = self.vb.height()
        if self._message_item.isVisible() or height <= 0:
            self._grid.setVisible(False)
            return
        levels = self.y_axis.tickValues(0.0, self._view_top, height)
        # major and minor levels: the axis labels both when there is room, so every label gets a line
        ys = np.asarray(sorted({v for _, values in levels[:2] for v in values if 0 < v <= self._view_top}),
                        dtype=float)
        x0, x1 = self._view_x
        self._grid.setData(x=np.tile([x0, x1], len(ys)), y=np.repeat(ys, 2))
        self._grid.setVisible(len(ys) > 0)

    def _draw_bars(self, s: ChartSeries) -> float:
        values = s.values
        k = values.shape[1]
        while len(self._bars) < k:
            item = pg.BarGraphItem(x=self._x[:0], height=self._x[:0], width=BAR_WIDTH)
            self.plot.addItem(item)
            self._bars.append(item)
            self._bar_style.append(())
        y0 = np.cumsum(values, axis=1) - values if k > 1 else None
        for j in range(k):
            item = self._bars[j]
            opts = {"x": self._x, "height": values[:, j], "width": BAR_WIDTH}
            opts["y0"] = y0[:, j] if y0 is not None else 0
            item.setOpts(**opts)
            item.setVisible(True)
        for item in self._bars[k:]:
            item.setVisible(False)
        self._style_bars(s)
        totals = values.sum(axis=1)
        return float(totals.max()) if len(totals) else 0.0

    def _style_bars(self, s: ChartSeries, force: bool = False) -> None:
        """Brushes per stack; per-bar brushes only while a filter is highlighted."""
        mask = None
        if self._highlight is not None:
            mask = tuple(g in self._highlight for g in s.groups)
            if all(mask):
                mask = None
        for j, stack in enumerate(s.stacks):
            colour = self._colour(stack)
            key = (colour.name(), mask, self._outline.name())
            if not force and self._bar_style[j] == key:
                continue
            self._bar_style[j] = key
            pen = pg.mkPen(self._outline, width=1)
            if mask is None:
                self._bars[j].setOpts(brush=pg.mkBrush(colour), brushes=None, pen=pen)
            else:
                full, dim = pg.mkBrush(colour), pg.mkBrush(self._dim(colour))
                self._bars[j].setOpts(brush=full, brushes=[full if m else dim for m in mask], pen=pen)

    def _draw_lines(self, s: ChartSeries) -> float:
        values = s.values
        k = values.shape[1]
        while len(self._lines) < k:
            item = pg.PlotDataItem()
            self.plot.addItem(item)
            self._lines.append(item)
        hl = self._highlight
        for j, stack in enumerate(s.stacks):
            colour = self._colour(stack)
            if hl is None:
                brushes = pg.mkBrush(colour)
            else:
                full, dim = pg.mkBrush(colour), pg.mkBrush(self._dim(colour))
                brushes = [full if g in hl else dim for g in s.groups]
            y = values[:, j].astype(float)
            if s.status is not None:  # a gap, not a drop to zero, where the sources have no figure
                y = np.where(np.isin(s.status[:, j], ("full", "partial")), y, np.nan)
            self._lines[j].setData(x=self._x, y=y, pen=pg.mkPen(colour, width=2), symbol="o", connect="finite",
                                   symbolSize=8, symbolBrush=brushes, symbolPen=pg.mkPen(self._outline))
            self._lines[j].setVisible(True)
        for item in self._lines[k:]:
            item.setVisible(False)
        return float(values.max()) if values.size else 0.0

    def _set_legend(self, stacks: tuple[str, ...], mode: str) -> None:
        s = self._series
        names = tuple(self._value_name(s.stack_by, st) if s is not None and s.stack_by else st for st in stacks)
        colours = tuple(self._colour(st).name() for st in stacks)
        key = (names, colours, mode)
        if key == self._legend_key:
            return
        self._legend_key = key
        self._legend_entries = tuple(zip(names, colours))
        self._legend_columns = -1
        self._fit_legend_columns()

    def _fit_legend_columns(self) -> None:
        """(Re)build the legend with as many columns as fit the width. A new LegendItem each time:
        pyqtgraph's keeps empty layout rows after clear(), which leaves a growing gap."""
        entries = self._legend_entries
        if not entries:
            cols = 0
        else:
            fm = QFontMetricsF(self.font())
            widest = max(fm.horizontalAdvance(name) for name, _ in entries) + 20 + 24
            avail = max(1.0, self.graphics.width() - 40)
            cols = max(1, min(len(entries), int(avail // widest)))
        if (self.legend is not None or not entries) and cols == self._legend_columns or self._fitting_legend:
            return
        self._legend_columns = cols
        self._fitting_legend = True  # removing/adding resizes the view, which calls back here
        try:
            self._rebuild_legend(entries, cols)
        finally:
            self._fitting_legend = False

    def _rebuild_legend(self, entries: tuple[tuple[str, str], ...], cols: int) -> None:
        old, self.legend = self.legend, None
        if old is not None:
            self.graphics.ci.removeItem(old)
        if not entries:
            return
        size = f"{max(7.0, self.font().pointSizeF()):g}pt"
        legend = pg.LegendItem(offset=None, horSpacing=10, verSpacing=0, sampleType=_Swatch, pen=None,
                               brush=None, frame=False, labelTextColor=self._text_colour,
                               labelTextSize=size, colCount=cols)
        line = self._drawn_mode == "line"
        for name, colour in entries:
            legend.addItem(_Swatch(QColor(colour), line, self._outline), name)
        legend.layout.setContentsMargins(4, 0, 4, 2)
        self.graphics.ci.addItem(legend, row=0, col=0)
        legend.setMaximumSize(legend.effectiveSizeHint(Qt.SizeHint.PreferredSize))
        self.graphics.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignHCenter)
        self.graphics.ci.layout.activate()  # lay out now: an export may follow before any event
        self.legend = legend

    def _set_ylabel(self, text: str) -> None:
        if text != self._ylabel:
            self._ylabel = text
            self.plot.setLabel("left", text)

    # ---- colours and styles --------------------------------------------------------------------------
    def _colour(self, stack: str) -> QColor:
        """One colour per stack value, kept while the stack column stays the same (so a stack keeps its
        colour when a filter removes another); 'not known'-like values are grey."""
        c = self._colours.get(stack)
        if c is None:
            if stack.casefold() in _UNKNOWN_NAMES:
                c = QColor(UNKNOWN_COLOUR)
            else:
                used = sum(1 for v in self._colours if v.casefold() not in _UNKNOWN_NAMES)
                c = QColor(PALETTE[used % len(PALETTE)])
            self._colours[stack] = c
        return c

    @staticmethod
    def _dim(colour: QColor) -> QColor:
        c = QColor(colour)
        c.setAlpha(_DIM_ALPHA)
        return c

    def _apply_style(self, background: QColor | None = None, foreground: QColor | None = None) -> None:
        """Background, text and outlines from the widget palette (or the given colours, for export)."""
        pal = self.palette()
        bg = QColor(background or pal.color(QPalette.ColorRole.Window))
        fg = QColor(foreground or pal.color(QPalette.ColorRole.WindowText))
        self._outline = bg
        self._text_colour = fg
        self.graphics.setBackground(bg)
        if getattr(self, "hbars", None) is not None:
            self.hbars.set_colours(bg, fg)
        for axis in (self.x_axis, self.y_axis):
            axis.setPen(pg.mkPen(fg))
            axis.setTextPen(pg.mkPen(fg))
            axis.label.setDefaultTextColor(fg)
            axis.picture = None
            axis.update()
        self._message_item.setColor(fg)
        grid = QColor(fg)
        grid.setAlpha(45)
        self._grid.setPen(pg.mkPen(grid, width=1))
        if self.legend is not None:
            for swatch, label in self.legend.items:
                swatch.outline = QColor(bg)
                swatch.update()
                label.setText(label.text, color=fg)
        self._bar_style = [()] * len(self._bars)
        if self._series is not None:
            self._redraw()

    @contextmanager
    def _print_style(self) -> Iterator[None]:
        """Black on white while exporting; the screen colours again afterwards. The axis cache is off
        meanwhile: export paints the scene again at another size, and a cached axis would come out
        blurred (and, in SVG, as a raster picture)."""
        self.x_axis.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self._apply_style(QColor("white"), QColor("black"))
        try:
            yield
        finally:
            self._apply_style()
            self.x_axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def changeEvent(self, ev: QEvent) -> None:
        super().changeEvent(ev)
        palette_events = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if ev.type() in palette_events and getattr(self, "_ready", False):
            self._apply_style()

    # ---- words -------------------------------------------------------------------------------------------
    def _value_name(self, column: str | None, value: str) -> str:
        """A value with its column's name when the value alone says little: 'A' -> 'Drug class A'."""
        if column is None or not value:
            return value
        if len(value) <= 2 or value.isdigit():
            spec = schema.CANONICAL.get(column)
            return f"{self._labels.get(column, spec.label if spec is not None else column)} {value}"
        return value

    def _group_total_text(self, group: str) -> str:
        s = self._series
        assert s is not None
        i = s.groups.index(group)
        name = self._value_name(s.group_by, group)
        st = s.group_status()[i]
        if st != "full":
            return f"{name}: {_STATUS_WORDS.get(st, st)}" + (f" {_fmt(s.values[i].sum())}" if st == "partial" else "")
        if s.stack_by is None:
            return f"{name}: {_fmt(s.values[i].sum())}"
        return f"{name}\nTotal: {_fmt(s.values[i].sum())}"

    def _caption(self) -> str:
        s = self._series
        if s is None:
            return self._message
        what = (s.measure[:1].upper() + s.measure[1:] if s.measure.startswith("per 1,000") else f"Count ({s.measure})") \
            if s.measure else "Count"
        text = f"{what} by {self._labels.get(s.group_by, s.group_by)}"
        if s.stack_by:
            text += f" and {self._labels.get(s.stack_by, s.stack_by)}"
        return text

    def _update_description(self) -> None:
        s = self._series
        if s is None or not s.groups or s.values.size == 0:
            self.graphics.setAccessibleDescription(self.message)
            return
        totals = s.totals
        i = int(np.argmax(totals))
        kind = "Line chart" if self._drawn_mode == "line" else "Bar chart"
        self.graphics.setAccessibleDescription(
            f"{kind}: {self._caption()}; {len(s.groups)} groups; highest {s.groups[i]} with {_fmt(totals[i])}. "
            f"Use 'Table' (Ctrl+T) to read every value.")

    # ---- events --------------------------------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        text = self.tooltip_at(scene_pos)
        if text == self._tip:
            return
        self._tip = text
        if text:
            view_pt = self.graphics.mapFromScene(scene_pos)
            QToolTip.showText(self.graphics.viewport().mapToGlobal(view_pt), text, self.graphics.viewport())
        else:
            QToolTip.hideText()

    @property
    def current_tooltip(self) -> str:
        """The tooltip last shown for the mouse position ('' when none)."""
        return self._tip

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.Leave and obj is self.graphics.viewport():
            self._tip = ""
            QToolTip.hideText()
        return super().eventFilter(obj, ev)

    def _on_mouse_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        pos = ev.scenePos()
        group = None
        if self.vb.sceneBoundingRect().contains(pos):
            p = self.vb.mapSceneToView(pos)
            hit = self.bar_at(p.x(), p.y())
            group = hit[0] if hit is not None else (self.group_at(p.x(), p.y()) if self._drawn_mode == "bar" else None)
        elif self.x_axis.sceneBoundingRect().contains(pos):
            p = self.vb.mapSceneToView(pos)
            group = self.group_at(p.x())
        if group is not None:
            ev.accept()
            self.click_group(group)

    def _on_group_combo(self, _index: int) -> None:
        group = self.group_by
        if group is None:
            return
        if self.stack_by == group:
            self.stack_combo.blockSignals(True)
            self._select(self.stack_combo, None)
            self.stack_combo.blockSignals(False)
        self._update_mode_enabled()
        self.grouping_changed.emit(group, self.stack_by)

    def _on_stack_combo(self, _index: int) -> None:
        group, stack = self.group_by, self.stack_by
        if group is None:
            return
        if stack == group:
            stack = None
        self.grouping_changed.emit(group, stack)

    def _on_mode_combo(self, _index: int) -> None:
        self.mode_changed.emit(self.mode_combo.currentData())
        self._redraw()

    def _on_view_resized(self) -> None:
        self._place_message()
        self._update_grid()
        self.x_axis.relayout()
        self._fit_legend_columns()

    def _place_message(self) -> None:
        r = self.vb.rect()
        self._message_item.setTextWidth(max(120.0, min(480.0, r.width() - 40)))
        self._message_item.setPos(r.center())

    def _update_mode_enabled(self) -> None:
        s = self._series
        group = s.group_by if s is not None else self.group_by
        self.mode_combo.setEnabled(group == schema.FINANCIAL_YEAR)

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        i = combo.findData(value)
        if i < 0 and value is not None:
            return
        combo.setCurrentIndex(max(i, 0))

    def closeEvent(self, ev) -> None:
        if self._table_dialog is not None:
            self._table_dialog.close()
        super().closeEvent(ev)
