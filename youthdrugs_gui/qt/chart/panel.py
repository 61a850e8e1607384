"""The chart panel: the controls, the vertical chart (bars or lines) or bars across for many values,
the key below, and the chart's table and saved images.

The panel only shows what the window hands it (one ChartContent per result, drawn once) and says what
the user wants (`grouping_changed`, `bar_clicked`, `rate_mode_chosen`, `mode_changed`); it never filters
data. Background and text follow the widget palette, so the chart is light or dark with the desktop."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem, QLabel, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from ...core import chart_table
from ...core.result import ChartRefusal, ChartSeries
from . import time_axis
from .controls import ChartControls
from .hbars import HBarChart, goes_across
from .hits import PlotPointer
from .legend import StackColours
from .plot import ChartPlot
from .state import ChartContent

if TYPE_CHECKING:  # the table and the image writer load when first asked for
    from .table_dialog import ChartTableDialog


class ChartPanel(QWidget):
    """Shows one ChartSeries (or why there is none); says what the user wants, never filters anything."""

    grouping_changed = Signal(str, object)  # group_by, stack_by or None
    rate_mode_chosen = Signal(bool)  # counts (False) or rates per 1,000 children aged 10-17 (True)
    bar_clicked = Signal(str, str)  # group-by column, the group value
    mode_changed = Signal(str)  # "bar" or "line"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}
        self._content = ChartContent()
        self._colour = StackColours()
        self._tip = ""
        self._drawn_mode = "bar"
        self._table_dialog: ChartTableDialog | None = None
        self._ready = False
        self.controls = ChartControls()
        c = self.controls
        self.group_combo, self.stack_combo, self.values_combo = c.group_combo, c.stack_combo, c.values_combo
        self.mode_combo, self.sort_combo = c.mode_combo, c.sort_combo
        self.table_button, self.save_button = c.table_button, c.save_button
        self.save_png_action, self.save_svg_action = c.save_png_action, c.save_svg_action
        self.chart_plot = ChartPlot()
        self.pointer = PlotPointer(self.chart_plot)
        p = self.chart_plot
        self.graphics, self.plot, self.vb, self.x_axis, self.y_axis = p.graphics, p.plot, p.vb, p.x_axis, p.y_axis
        self._bars, self._lines = p.bars, p.lines
        # Upright text is slow to draw; cache the axis as a pixmap (it changes only with the groups).
        self.x_axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.hbars = HBarChart()  # many values (44 forces): bars across, whole names, a row each
        self.plot_stack = QStackedWidget()
        self.plot_stack.addWidget(self.graphics)
        self.plot_stack.addWidget(self.hbars)
        self.no_data_label = QLabel()  # the key: no data, part, pale
        self.no_data_label.setAccessibleName("Chart key")
        self.no_data_label.setWordWrap(True)
        self.no_data_label.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.controls)
        lay.addWidget(self.plot_stack, 1)
        lay.addWidget(self.no_data_label)
        self._connect()
        self._update_mode_enabled()
        self._ready = True
        self._apply_style()
        self.show_content(ChartContent())

    def _connect(self) -> None:
        self.graphics.viewport().installEventFilter(self)
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.vb.sigResized.connect(self._on_view_resized)
        self.hbars.bar_clicked.connect(self.bar_clicked)
        self.controls.grouping_changed.connect(self._on_grouping)
        self.controls.rate_mode_chosen.connect(self.rate_mode_chosen)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._draw())
        self.table_button.clicked.connect(self.show_table)
        self.save_png_action.triggered.connect(lambda: self.save_dialog("png"))
        self.save_svg_action.triggered.connect(lambda: self.save_dialog("svg"))

    # ---- what is shown ---------------------------------------------------------------------------
    @property
    def content(self) -> ChartContent:
        return self._content

    @property
    def series(self) -> ChartSeries | None:
        return self._content.series

    @property
    def group_by(self) -> str | None:
        return self.controls.group_by

    @property
    def stack_by(self) -> str | None:
        return self.controls.stack_by

    @property
    def mode(self) -> str:
        """What is drawn: 'line' only when lines are chosen and the groups are years or other periods."""
        s = self._content.series
        group = s.group_by if s is not None else self.group_by
        return "line" if self.mode_combo.currentData() == "line" and time_axis.draws_lines(group) else "bar"

    @property
    def message(self) -> str:
        """The text shown in the plot area instead of a chart ('' when a chart is shown)."""
        m = self.chart_plot.message
        return m.toPlainText() if m.isVisible() else ""

    @property
    def legend(self) -> pg.LegendItem | None:
        """The legend of the view on screen (None when nothing is stacked)."""
        return self._shown_view().legend.item

    @property
    def reference_line(self) -> pg.InfiniteLine:
        """England and Wales' dashed line in the view on screen."""
        return self._shown_view().reference

    def show_content(self, content: ChartContent) -> None:
        """Show one result: drawn once, whatever changed in it."""
        old, self._content = self._content, content
        same_figures = (old.series is content.series and old.refusal == content.refusal
                        and old.reference == content.reference and old.highlight == content.highlight)
        if not same_figures:
            self._draw()
        elif (old.heading, old.synthetic) != (content.heading, content.synthetic):
            self._refresh_table()  # only the words above the figures changed

    def set_series(self, series: ChartSeries | None, refusal: ChartRefusal | None = None) -> None:
        """Draw a series, or with None show why there is none in the plot area."""
        self.show_content(replace(self._content, series=series, refusal=refusal))

    def set_highlighted(self, values: set[str] | None) -> None:
        """Group values kept by a filter on the group-by column: drawn full colour, others pale."""
        new = None if values is None else frozenset(values)
        if new != self._content.highlight:
            self.show_content(replace(self._content, highlight=new))

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        """The columns the user may group or stack by, as (name, label). Emits nothing."""
        self._labels = dict(columns)
        self.controls.set_columns(columns)
        self._update_mode_enabled()

    def set_grouping(self, group_by: str, stack_by: str | None) -> None:
        """Show this grouping in the combos (from the controller). Emits nothing, draws nothing."""
        self.controls.set_grouping(group_by, stack_by)
        self._update_mode_enabled()

    def set_rate_mode(self, on: bool) -> None:
        """Show counts or rates as chosen (from the controller). Emits nothing."""
        self.controls.set_rate_mode(on)

    # ---- drawing ---------------------------------------------------------------------------------
    def _draw(self) -> None:
        c = self._content
        s = c.series
        across = not c.empty and goes_across(s, self.mode)
        self.plot_stack.setCurrentWidget(self.hbars if across else self.graphics)
        self.sort_combo.setVisible(across)
        if c.empty:
            self.chart_plot.show_message(c.message)
            self.hbars.legend.set_entries((), (), False)
        else:
            self._colour.follow(s.stack_by)
            names = tuple(chart_table.value_name(self._labels, s.stack_by, st) for st in s.stacks) \
                if s.stack_by is not None else ()
            if across:
                self.hbars.show_series(s, self._colour, by_value=bool(self.sort_combo.currentData()),
                                       highlight=c.highlight, reference=c.reference, legend=names)
                self._drawn_mode = "bar"
            else:
                self._drawn_mode = self.mode
                self.chart_plot.show_series(s, self._drawn_mode, self._colour, self._labels, c.highlight, c.reference)
                self.chart_plot.legend.set_entries(names, tuple(self._colour(st).name() for st in s.stacks),
                                                   self._drawn_mode == "line")
        self._show_axes(not c.empty)
        key = chart_table.key_lines(None if c.empty else s, c.pale)
        self.no_data_label.setText("   ".join(key))
        self.no_data_label.setVisible(bool(key))
        self._update_mode_enabled()
        self._update_description()
        self._refresh_table()

    def _show_axes(self, show: bool) -> None:
        """Axes round a chart, none round the words that stand in for one. When they come or go, the
        plot is laid out at once, so that the chart is first painted with its new frame rather than
        before and again after its layout."""
        if all(self.plot.getAxis(side).isVisible() == show for side in ("left", "bottom")):
            return
        for side in ("left", "bottom"):
            self.plot.showAxis(side, show)
        self.graphics.ci.layout.activate()
        self.plot.layout.activate()

    def _shown_view(self) -> ChartPlot | HBarChart:
        return self.hbars if self.plot_stack.currentWidget() is self.hbars else self.chart_plot

    def _update_description(self) -> None:
        s = self._content.series
        if self._content.empty or s is None:
            self.graphics.setAccessibleDescription(self.message)
            return
        kind = "Line chart" if self._drawn_mode == "line" else "Bar chart"
        self.graphics.setAccessibleDescription(chart_table.description(s, self._labels, kind))

    def _update_mode_enabled(self) -> None:
        s = self._content.series
        self.controls.set_lines_allowed(time_axis.draws_lines(s.group_by if s is not None else self.group_by))

    # ---- hit testing (data coordinates) -----------------------------------------------------------
    def bar_at(self, x: float, y: float) -> tuple[str, str] | None:
        """(group, stack) of the bar (or line point) at data coordinates; stack '' when not stacked."""
        hit = self.pointer.cell_at(x, y)
        s = self.chart_plot.series
        return (s.groups[hit[0]], s.stacks[hit[1]]) if hit is not None and s is not None else None

    def group_at(self, x: float, y: float | None = None) -> str | None:
        """The group whose column (the bar's width, any height from 0) holds x; for clicks on tiny bars."""
        i = self.pointer.group_at(x, y)
        s = self.chart_plot.series
        return s.groups[i] if i is not None and s is not None else None

    def click_group(self, value: str) -> None:
        """The user clicked this group's bar: ask for it to be toggled as a filter."""
        s = self._content.series
        if s is not None and value in s.groups:
            self.bar_clicked.emit(s.group_by, value)

    def hover_text(self, x: float, y: float) -> str:
        """Tooltip for a point in data coordinates, e.g. 'Essex — Drug class A: 1,214'."""
        return self.pointer.hover_text(x, y, self._labels)

    def tooltip_at(self, scene_pos: QPointF) -> str:
        """Tooltip for a scene position: a bar or point in the plot, or a category name on the x axis."""
        return self.pointer.tooltip_at(scene_pos, self._labels)

    def data_to_viewport(self, x: float, y: float):
        """Where a data point is on the plot's viewport, in widget pixels (for tests and tools)."""
        return self.graphics.mapFromScene(self.vb.mapViewToScene(QPointF(x, y)))

    @property
    def current_tooltip(self) -> str:
        """The tooltip last shown for the mouse position ('' when none)."""
        return self._tip

    # ---- the chart as a table, and as an image ---------------------------------------------------
    def table_frame(self) -> pd.DataFrame:
        """The numbers behind the chart: the group column, one column per stack (or 'Count'), 'Total'."""
        c = self._content
        return chart_table.table_frame(c.series, self._labels, c.reference)

    def image_heading(self) -> list[str]:
        """The lines above a saved chart or the chart's table: synthetic line, title and filters,
        source, what is counted."""
        c = self._content
        return [*c.heading, c.message if c.empty or c.series is None else chart_table.caption(c.series, self._labels)]

    def show_table(self) -> ChartTableDialog:
        """Open (or raise) the non-modal table of the chart's numbers, sized to show it whole; it
        follows later results."""
        if self._table_dialog is None:
            from .table_dialog import ChartTableDialog

            self._table_dialog = ChartTableDialog(self)
        self._table_dialog.set_frame(self.table_frame(), self.image_heading())
        if not self._table_dialog.isVisible():
            self._table_dialog.fit_to_contents()
        self._table_dialog.show()
        self._table_dialog.raise_()
        self._table_dialog.activateWindow()
        return self._table_dialog

    def _refresh_table(self) -> None:
        if self._table_dialog is not None and self._table_dialog.isVisible():
            self._table_dialog.set_frame(self.table_frame(), self.image_heading())

    def export_png(self, path: str | Path, width: int | None = None) -> None:
        """Write the chart as a PNG on white (about 1,600 pixels wide unless told), its heading above it;
        atomically, readable by the user only."""
        from . import image

        with self._print_style():
            data = image.graphics_png(self._shown_view().graphics, self.image_heading(), width)
        image.save(path, data)

    def export_svg(self, path: str | Path) -> None:
        """Write the chart as an SVG on white, with its heading above it and its caption as its title."""
        from . import image

        with self._print_style():
            data = image.graphics_svg(self._shown_view().graphics, self.image_heading(),
                                      self.graphics.accessibleDescription())
        image.save(path, data)

    def save_dialog(self, kind: str, folder: str = "") -> str | None:
        """Ask where to save the chart (kind 'png' or 'svg') and save it; the path written, or None."""
        from . import image

        write = self.export_png if kind == "png" else self.export_svg
        return image.save_image_dialog(self, "chart", kind, folder, self._content.synthetic, write)

    # ---- colours -----------------------------------------------------------------------------------
    def _apply_style(self, background: QColor | None = None, foreground: QColor | None = None) -> None:
        """Background, text and outlines from the widget palette (or the given colours, for export)."""
        pal = self.palette()
        bg = QColor(background or pal.color(QPalette.ColorRole.Window))
        fg = QColor(foreground or pal.color(QPalette.ColorRole.WindowText))
        self.chart_plot.set_colours(bg, fg)
        self.hbars.set_colours(bg, fg)
        if self._content.series is not None:
            self._draw()

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

    # ---- events --------------------------------------------------------------------------------------
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

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.Leave and obj is self.graphics.viewport():
            self._tip = ""
            QToolTip.hideText()
        return super().eventFilter(obj, ev)

    def _on_mouse_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        i = self.pointer.group_clicked(ev.scenePos())
        s = self.chart_plot.series
        if i is not None and s is not None:
            ev.accept()
            self.click_group(s.groups[i])

    def _on_grouping(self, group_by: str, stack_by: str | None) -> None:
        self._update_mode_enabled()
        self.grouping_changed.emit(group_by, stack_by)

    def _on_mode_combo(self, _index: int) -> None:
        self.mode_changed.emit(self.mode_combo.currentData())
        self._draw()

    def _on_view_resized(self) -> None:
        self.chart_plot.place_message()
        self.chart_plot.update_grid()
        self.x_axis.relayout()
        self.chart_plot.legend.fit()

    def closeEvent(self, ev) -> None:
        if self._table_dialog is not None:
            self._table_dialog.close()
        super().closeEvent(ev)
