"""The main window: filter panel on the left, table in the centre, chart and map beside it, status bar
below; menus for every action; files load on a worker thread.

The window builds its parts and wires them to the controller: the menus (qt.menus), the status bar
(qt.status_bar), opening files (qt.opening), the line about what the figures are (qt.banner), the chart
and map tabs (qt.figures), the dialogs (qt.dialogs) and saved views (qt.saved_views)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (QDialog, QLabel, QMainWindow, QMenu, QProgressBar, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from .. import APP_NAME
from ..core import schema
from ..core.dataset import Dataset
from ..core.errors import YouthDrugsError
from ..core.filter_state import FilterState
from ..core.result import Result
from .banner import Banner
from .controller import Controller, TableRows
from .crash import user_message
from .dialogs import WindowDialogs, show_error
from .facets import FilterPanel
from .figures import FigureTabs
from .menus import Menus
from .opening import Opener, dropped_paths
from .saved_views import SavedViews
from .settings import SettingsStore, UserSettings, bytes_value, last_view_value, make_private
from .status_bar import StatusArea
from .table import TableModel, TableView

CHART_COLUMNS = (schema.FINANCIAL_YEAR, schema.FORCE, schema.AGE, schema.AGE_BAND, schema.OFFENCE_TYPE,
                 schema.DRUG_CLASS, schema.OUTCOME, schema.SEX, schema.MEASURE, schema.ETHNICITY)


class MainWindow(QMainWindow):
    """One data set explored: widgets say what the user wants, the controller publishes what to show."""

    def __init__(self, settings: SettingsStore | QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else UserSettings.in_memory()  # see qt.app.open_settings
        self.setAcceptDrops(True)
        self.setMinimumSize(1024, 600)
        self.controller = Controller(self)
        self.dataset: Dataset | None = None
        self._paths: list[str] = []
        self.dialogs = WindowDialogs(self)
        self.saved_views = SavedViews(self)
        self._build_central()
        self.status_area = StatusArea(lambda: self.loader.cancel(), lambda: self.controller.working, self)
        self.setStatusBar(self.status_area)
        self.menus = Menus(self)
        self.opener = Opener(self)
        self.loader = self.opener.loader
        self._connect()
        self._restore_settings()

    def _build_central(self) -> None:
        self.filters = FilterPanel(self.controller)
        self.model = TableModel(self)
        self.table = TableView()
        self.table.setModel(self.model)
        self.views = FigureTabs(lambda: self.controller.rate_mode)
        self.chart, self.map = self.views.chart, self.views.map
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.table)
        self.right.addWidget(self.views)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.filters)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([330, 1070])
        self.right.setSizes([380, 460])
        self.split.setChildrenCollapsible(False)
        self.right.setChildrenCollapsible(False)
        self.banner_bar = Banner(self.show_data_notes)
        self.banner, self.notes_button = self.banner_bar.text, self.banner_bar.notes_button
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner_bar)
        layout.addWidget(self.split, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        c, status = self.controller, self.status_area
        c.dataset_changed.connect(self._on_dataset)
        c.result_changed.connect(self._on_result)
        c.rows_changed.connect(self._on_rows)
        c.history_changed.connect(self._on_history)
        c.busy_changed.connect(status.set_updating)
        c.grouping_changed.connect(self.chart.set_grouping)
        c.rate_mode_changed.connect(self.chart.set_rate_mode)
        c.rate_mode_changed.connect(self.map.set_rate_mode)
        self.table.sort_requested.connect(c.sort_by)
        self.table.reset_requested.connect(self.filters.reset)
        self.table.undo_requested.connect(c.undo)
        self.chart.grouping_changed.connect(c.set_grouping)
        self.chart.bar_clicked.connect(c.cross_filter)
        self.map.area_clicked.connect(c.cross_filter)
        self.chart.rate_mode_chosen.connect(c.set_rate_mode)
        self.map.rate_mode_chosen.connect(c.set_rate_mode)
        self.loader.progress.connect(status.set_progress)
        self.loader.busy_changed.connect(self._on_loading)

    # ---- the parts' widgets and actions, as tests and tools reach them ----------------------------
    @property
    def summary(self) -> QLabel:
        return self.status_area.summary

    @property
    def filters_text(self) -> QLabel:
        return self.status_area.filters_text

    @property
    def progress(self) -> QProgressBar:
        return self.status_area.progress

    @property
    def cancel_button(self) -> QPushButton:
        return self.status_area.cancel_button

    @property
    def busy(self) -> QWidget:
        """The progress bar and Cancel, shown while files are read."""
        return self.status_area.busy

    @property
    def updating(self) -> QLabel:
        return self.status_area.updating

    @property
    def synthetic_badge(self) -> QLabel:
        return self.status_area.synthetic_badge

    @property
    def open_action(self) -> QAction:
        return self.menus.open_action

    @property
    def export_action(self) -> QAction:
        return self.menus.export_action

    @property
    def report_action(self) -> QAction:
        return self.menus.report_action

    @property
    def undo_action(self) -> QAction:
        return self.menus.undo_action

    @property
    def redo_action(self) -> QAction:
        return self.menus.redo_action

    @property
    def recent_menu(self) -> QMenu:
        return self.menus.recent_menu

    @property
    def open_options(self) -> QDialog | None:
        """The "Open with options" dialog while it is open."""
        return self.opener.options_dialog

    @property
    def notes_dialog(self) -> QDialog | None:
        return self.dialogs.notes_dialog

    @property
    def guide_dialog(self) -> QDialog | None:
        return self.dialogs.guide_dialog

    # ---- what the menus do ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        self.opener.open_dialog()

    def open_with_options_dialog(self) -> None:
        self.opener.open_with_options_dialog()

    def open_files(self, paths: list[str], view: str | None = None, **options) -> None:
        """Load files on the worker thread; the open data stays until the new data is ready. A view
        file, if given, is applied once they are open."""
        self.opener.open_files(paths, view, **options)

    def open_sample(self, state: FilterState | None = None) -> None:
        from ..core.sample import load_sample

        try:
            self.show_dataset(load_sample(), [], state)
        except YouthDrugsError as exc:
            self.show_error(user_message(exc))

    def export_dialog(self) -> None:
        self.dialogs.export()

    def report_dialog(self) -> QDialog | None:
        return self.dialogs.report()

    def save_chart(self, kind: str) -> None:
        path = self.chart.save_dialog(kind, str(self.settings.value("last_folder", str(Path.home()))))
        if path:
            self.statusBar().showMessage(f"Saved the chart to {path}", 8000)

    def save_view_dialog(self) -> None:
        self.saved_views.save_dialog()

    def save_view(self, path: str) -> None:
        self.saved_views.save(path)

    def open_view_dialog(self) -> None:
        self.saved_views.open_dialog()

    def open_view(self, path: str) -> None:
        self.saved_views.open(path)

    def show_data_notes(self) -> None:
        self.dialogs.show_data_notes()

    def show_guide(self) -> None:
        self.dialogs.show_guide()

    def about(self) -> None:
        self.dialogs.about()

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def show_error(self, message: str, title: str = APP_NAME) -> None:
        show_error(self, message, title)

    # ---- data in ----------------------------------------------------------------------------------
    def show_dataset(self, ds: Dataset, paths: list[str] | None = None, state: FilterState | None = None,
                     engine=None) -> None:
        """Swap in a loaded data set (UI thread only)."""
        self._paths = list(paths or [])
        notes = self.controller.set_dataset(ds, state, engine)
        if notes:
            self.statusBar().showMessage("Some filters did not fit this data: " + "; ".join(notes), 10000)

    def _on_loading(self, loading: bool) -> None:
        self.status_area.set_loading(loading)
        self.open_action.setEnabled(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)

    # ---- results out ------------------------------------------------------------------------------
    def _on_dataset(self, ds: Dataset) -> None:
        self.dataset = ds
        title = f"{ds.name} — {APP_NAME}"
        if ds.synthetic:
            said = "synthetic" in ds.name.casefold()
            title = f"{ds.name} ({'no' if said else 'synthetic:'} no real children) — {APP_NAME}".replace(
                "(no no real", "(no real")
        self.setWindowTitle(title)
        self.status_area.set_synthetic(ds.synthetic)
        self.dialogs.follow_dataset()
        self.model.set_dataset(ds)
        self.table.show_sort(-1)
        self.table.forget_row_numbers_width()
        self.table.fit_columns()
        cols = [(c, ds.label(c)) for c in CHART_COLUMNS if c in ds.categorical_columns]
        cols += [(c, ds.label(c)) for c in ds.facet_columns if c in ds.categorical_columns and c not in CHART_COLUMNS]
        self.chart.set_columns(cols)

    def _on_rows(self, table: TableRows) -> None:
        self.model.set_rows(table.rows)
        self.table.lay_out_rows()

    def _on_result(self, result: Result) -> None:
        ds = self.controller.dataset  # the result's own (a widget may ask for a change while the data set swaps)
        assert ds is not None
        self.status_area.show_result(ds, result)
        self.banner_bar.show_for(ds, result.state)
        self._show_empty(ds, result)
        self.views.show_result(ds, result)

    def _show_empty(self, ds: Dataset, result: Result) -> None:
        """Over an empty table, say which filters matched nothing."""
        if result.n_rows or not result.n_total:
            self.table.show_empty(None)
            return
        words = result.state.describe(ds)
        if result.messages:
            words += ". " + " ".join(result.messages)
        self.table.show_empty(words)

    def _show_map(self, ds: Dataset, result: Result, heading: list[str]) -> None:
        """The map's figures (drawn now if the Map tab is open)."""
        self.views.show_map(ds, result, heading)

    def _on_history(self, can_undo: bool, can_redo: bool) -> None:
        self.menus.set_history(can_undo, can_redo)
        self.table.empty_notice.undo_button.setEnabled(can_undo)

    # ---- recent files and settings ----------------------------------------------------------------
    def recent_files(self) -> list[list[str]]:
        """The files opened lately (each a list of paths); [] if the setting is not that."""
        return self.opener.recent.files()

    def _recent_options(self) -> dict[str, dict[str, str]]:
        return self.opener.recent.options()

    def _add_recent(self, paths: list[str], options: dict[str, str] | None = None) -> None:
        self.opener.recent.add(paths, options)

    def _restore_settings(self) -> None:
        s = self.settings
        geo = bytes_value(s.value("geometry"))
        if not (geo and self.restoreGeometry(QByteArray(geo))):
            screen = self.screen().availableGeometry()
            self.resize(min(1400, int(screen.width() * 0.95)), min(860, int(screen.height() * 0.92)))
        for key, splitter in (("split", self.split), ("right_split", self.right)):
            val = bytes_value(s.value(key))
            if val:
                splitter.restoreState(QByteArray(val))
        group = s.value("chart_group_by")
        stack = s.value("chart_stack_by")
        if isinstance(group, str) and group and len(group) <= 200:
            self.controller.group_by = group
            self.controller.stack_by = stack if isinstance(stack, str) and stack else None
        self.opener.recent.fill_menu()

    def last_view(self) -> FilterState | None:
        """The filters from last time, or None if there are none or the setting is not a view."""
        return last_view_value(self.settings.value("last_view"))

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("split", self.split.saveState())
        s.setValue("right_split", self.right.saveState())
        s.setValue("chart_group_by", self.controller.group_by or "")
        s.setValue("chart_stack_by", self.controller.stack_by or "")
        s.setValue("last_view", self.controller.state.to_json())
        s.sync()  # UserSettings: written atomically, 0600, never through a link
        if isinstance(s, QSettings):  # a QSettings handed in (tests, benchmarks): at least make it private
            make_private(s)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.loader.cancel()
        self.controller.shutdown()
        self.save_settings()
        super().closeEvent(event)
