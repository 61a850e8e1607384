"""The main window: filter panel on the left, table in the centre, chart beside it, status bar below;
menus for every action; files load on a worker thread."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__
from ..core import schema
from ..core.dataset import Dataset
from ..core.errors import YouthDrugsError
from ..core.result import Result
from ..core.filter_state import FilterState
from .chart import ChartPanel, chart_content
from .controller import Controller, TableRows
from .crash import user_message
from .facets import FilterPanel
from .settings import (SettingsStore, UserSettings, bytes_value, last_view_value, make_private,
                       recent_files_value, recent_options_value)
from .table import TableModel, TableView
from .workers import Loader

OPEN_FILTER = ("Data files (*.csv *.txt *.tsv *.xlsx *.xlsm *.ods *.parquet *.pq);;"
               "CSV (*.csv *.txt *.tsv);;Excel (*.xlsx *.xlsm);;OpenDocument (*.ods);;Parquet (*.parquet *.pq);;"
               "All files (*)")
RECENT_OPTION_KEYS = ("fmt", "force", "measure", "sheet", "mapping")  # what Open with options can set
VIEW_FILTER = "Saved views (*.view.json *.json);;All files (*)"
MAX_RECENT = 8
CHART_COLUMNS = (schema.FINANCIAL_YEAR, schema.FORCE, schema.AGE, schema.AGE_BAND, schema.OFFENCE_TYPE,
                 schema.DRUG_CLASS, schema.OUTCOME, schema.SEX, schema.MEASURE, schema.ETHNICITY)


class MainWindow(QMainWindow):
    def __init__(self, settings: SettingsStore | QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else UserSettings.in_memory()  # see qt.app.open_settings
        self.setAcceptDrops(True)
        self.setMinimumSize(1024, 600)
        self.controller = Controller(self)
        self.loader = Loader(self)
        self.dataset: Dataset | None = None
        self._paths: list[str] = []
        self._pending_view: str | None = None
        self._pending_options: dict[str, str] = {}  # how the files being loaded were asked for
        self.open_options = None  # the "Open with options" dialog while it is open

        self.filters = FilterPanel(self.controller)
        self.model = TableModel(self)
        self.table = TableView()
        self.table.setModel(self.model)
        self.chart = ChartPanel()
        from .map_panel import MapPanel

        self.map = MapPanel()
        self.views = QTabWidget()
        self.views.setAccessibleName("Chart and map")
        self.views.addTab(self.chart, "&Chart")
        self.views.addTab(self.map, "&Map")
        self._map_pending = None  # the figures the map will show when its tab is opened
        self.views.currentChanged.connect(self._on_view_tab)
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
        # What is shown, where the user looks: which measure and area level (never added), and the notes
        # on how the data was read, a click away.
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setAccessibleName("What the figures are")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_button = QPushButton("Data &notes…")
        self.notes_button.setAccessibleName("Data notes")
        self.notes_button.setToolTip("How the data was read: columns, spellings merged, area levels, figures "
                                     "not available (Ctrl+Shift+D)")
        self.notes_button.clicked.connect(self.show_data_notes)
        top = QWidget()
        top.setObjectName("banner_bar")
        tl = QHBoxLayout(top)
        tl.setContentsMargins(8, 4, 8, 4)
        tl.addWidget(self.banner, 1)
        tl.addWidget(self.notes_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner_bar = top
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(top)
        cl.addWidget(self.split, 1)
        self.setCentralWidget(central)
        self.notes_dialog = None

        self.summary = QLabel()
        self.summary.setAccessibleName("Summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setToolTip("How many rows match the filters, of all the rows open, and what they add up to")
        self.filters_text = QLabel()
        self.filters_text.setAccessibleName("Active filters")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(200)
        self.progress.setAccessibleName("Loading progress")
        self.progress.setToolTip("How far the files being opened have been read")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.setToolTip("Stop opening the files; the data open now stays open")
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_button.clicked.connect(self.loader.cancel)
        busy = QWidget()
        busy.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        bl = QHBoxLayout(busy)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.progress)
        bl.addWidget(self.cancel_button)
        self.busy = busy
        busy.setVisible(False)
        sb = self.statusBar()
        self.synthetic_badge = QLabel(" Synthetic sample ")
        self.synthetic_badge.setAccessibleName("Synthetic data")
        self.synthetic_badge.setToolTip("This data is made up for trying the program: it describes no real "
                                        "child. Everything exported from it says so.")
        self.synthetic_badge.setStyleSheet("QLabel { background: #F0E442; color: black; border-radius: 3px; "
                                           "font-weight: bold; }")
        self.synthetic_badge.setVisible(False)
        sb.addPermanentWidget(self.synthetic_badge)
        self.summary.setContentsMargins(4, 0, 12, 0)
        sb.addWidget(self.summary)
        sb.addWidget(self.filters_text, 1)
        sb.addPermanentWidget(busy)
        # On large data the engine works off the UI thread; say so if a change takes a noticeable time.
        self.updating = QLabel("Updating…")
        self.updating.setAccessibleName("Updating")
        self.updating.setToolTip("The table, chart and counts are being worked out for the latest change")
        self.updating.setVisible(False)
        sb.addPermanentWidget(self.updating)
        self._updating_timer = QTimer(self)
        self._updating_timer.setSingleShot(True)
        self._updating_timer.setInterval(150)
        self._updating_timer.timeout.connect(lambda: self.updating.setVisible(self.controller.working))

        self._build_menus()
        self.controller.dataset_changed.connect(self._on_dataset)
        self.controller.result_changed.connect(self._on_result)
        self.controller.rows_changed.connect(self._on_rows)
        self.table.sort_requested.connect(self.controller.sort_by)
        self.table.reset_requested.connect(self.filters.reset)
        self.table.undo_requested.connect(self.controller.undo)
        self.controller.history_changed.connect(self._on_history)
        self.controller.busy_changed.connect(self._on_engine_busy)
        self.controller.grouping_changed.connect(self.chart.set_grouping)
        self.chart.grouping_changed.connect(self.controller.set_grouping)
        self.chart.bar_clicked.connect(self.controller.cross_filter)
        self.map.area_clicked.connect(self.controller.cross_filter)
        self.chart.rate_mode_chosen.connect(self.controller.set_rate_mode)
        self.map.rate_mode_chosen.connect(self.controller.set_rate_mode)
        self.controller.rate_mode_changed.connect(self.chart.set_rate_mode)
        self.controller.rate_mode_changed.connect(self.map.set_rate_mode)
        self.loader.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.cancelled.connect(lambda: self.statusBar().showMessage("Loading cancelled; the data "
                                                                           "that was open is still open.", 8000))
        self.loader.busy_changed.connect(self._on_busy)
        self._restore_settings()

    # ---- menus -------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(slot)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.open_action = self._action("&Open…", self.open_dialog, QKeySequence.StandardKey.Open,
                                        "Open CSV, Excel, OpenDocument or Parquet files")
        f.addAction(self.open_action)
        f.addAction(self._action("Open &with options…", self.open_with_options_dialog, "Ctrl+Alt+O",
                                 "Open files, saying their format, police force, worksheet or column mapping"))
        f.addAction(self._action("Open &sample", lambda: self.open_sample(), "Ctrl+Shift+O",
                                 "Open the synthetic sample data set"))
        self.recent_menu = f.addMenu("Open &recent")
        f.addSeparator()
        self.export_action = self._action("&Export…", self.export_dialog, "Ctrl+E",
                                          "Export the filtered rows or the chart's table to CSV or Excel")
        f.addAction(self.export_action)
        self.report_action = self._action("&Report…", self.report_dialog, QKeySequence.StandardKey.Print,
                                          "The current view as a board paper: PDF or HTML, with the chart, map, "
                                          "table and notes")
        f.addAction(self.report_action)
        f.addAction(self._action("Save chart as &PNG…", lambda: self._save_chart("png"), None,
                                 "Save the chart as a picture (PNG)"))
        f.addAction(self._action("Save chart as S&VG…", lambda: self._save_chart("svg"), None,
                                 "Save the chart as a drawing that stays sharp at any size (SVG)"))
        f.addSeparator()
        f.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit,
                                 "Close the window (your filters are kept for next time)"))

        e = mb.addMenu("&Edit")
        self.undo_action = self._action("&Undo filter change", self.controller.undo, QKeySequence.StandardKey.Undo,
                                        "Take back the last filter change (a search typed or a slider dragged "
                                        "is one change)")
        self.redo_action = self._action("&Redo filter change", self.controller.redo, ["Ctrl+Shift+Z", "Ctrl+Y"],
                                        "Make again the filter change just taken back")
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        e.addAction(self.undo_action)
        e.addAction(self.redo_action)
        e.addSeparator()
        copy = self._action("&Copy selected cells", self.table.copy_selection, None,
                            "Copy the cells selected in the table, tab-separated with their headers")
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the table's own Ctrl+C does the work
        e.addAction(copy)
        e.addAction(self._action("Reset &filters", self.filters.reset, "Ctrl+R",
                                 "Clear every filter and show all rows"))
        e.addAction(self._action("&Find…", self._focus_search, QKeySequence.StandardKey.Find,
                                 "Search the text of every column"))

        v = mb.addMenu("&View")
        v.addAction(self._action("&Save view…", self.save_view_dialog, QKeySequence.StandardKey.Save,
                                 "Save the current filters to a file"))
        v.addAction(self._action("&Open view…", self.open_view_dialog, "Ctrl+Shift+V",
                                 "Apply filters saved in a view file"))
        v.addSeparator()
        v.addAction(self._action("Data &notes…", self.show_data_notes, "Ctrl+Shift+D",
                                 "How the data was read, what is not available, what is never added"))
        v.addAction(self._action("Chart as &table", self.chart.show_table, "Ctrl+T",
                                 "The chart's figures as a table you can read, copy or export"))
        v.addAction(self._action("Show all &columns", self.table.show_all_columns, None,
                                 "Show the table's hidden columns again"))

        h = mb.addMenu("&Help")
        h.addAction(self._action("&Guide", self.show_guide, QKeySequence.StandardKey.HelpContents,
                                 "A short guide: the filters, the numbers, the marks, the keyboard"))
        h.addAction(self._action("&About", self.about, None, "The program's version and what it is for"))

    def _focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    # ---- data in -------------------------------------------------------------------------------
    def show_dataset(self, ds: Dataset, paths: list[str] | None = None, state: FilterState | None = None,
                     engine=None) -> None:
        """Swap in a loaded data set (UI thread only)."""
        self._paths = list(paths or [])
        notes = self.controller.set_dataset(ds, state, engine)
        if notes:
            self.statusBar().showMessage("Some filters did not fit this data: " + "; ".join(notes), 10000)

    def open_sample(self, state: FilterState | None = None) -> None:
        from ..core.sources import load_sample

        try:
            self.show_dataset(load_sample(), [], state)
        except YouthDrugsError as exc:
            self._error(user_message(exc))

    def open_files(self, paths: list[str], view: str | None = None, **options) -> None:
        """Load files on the worker thread; the open data stays until the new data is ready. A view
        file, if given, is applied once they are open. Options go to the core's loader (fmt, force,
        measure, sheet, mapping)."""
        if not paths:
            return
        self._pending_view = view
        self._pending_options = {k: v for k, v in options.items() if v is not None}
        self.statusBar().showMessage(f"Opening {', '.join(Path(p).name for p in paths)}…")
        self.loader.load(paths, **options)

    def open_with_options_dialog(self) -> None:
        from .open_dialog import OpenOptionsDialog

        folder = str(self.settings.value("last_folder", str(Path.home())))
        dlg = OpenOptionsDialog(self, folder, OPEN_FILTER)

        def chosen() -> None:
            if dlg.paths:
                self.settings.setValue("last_folder", str(Path(dlg.paths[0]).parent))
                self.open_files(dlg.paths, **dlg.options())

        dlg.accepted.connect(chosen)
        dlg.open()
        self.open_options = dlg

    def open_dialog(self) -> None:
        start = self.settings.value("last_folder", str(Path.home()))
        paths, _ = QFileDialog.getOpenFileNames(self, "Open data files", str(start), OPEN_FILTER)
        if paths:
            self.settings.setValue("last_folder", str(Path(paths[0]).parent))
            self.open_files(paths)

    def _on_loaded(self, ds: Dataset, paths: list[str], engine=None) -> None:
        self.show_dataset(ds, paths, engine=engine)
        self._add_recent(paths, self._pending_options)
        if self._pending_view:
            self.open_view(self._pending_view)
            self._pending_view = None
        self.statusBar().showMessage(_opened_words(ds), 10000)

    def _on_load_failed(self, message: str) -> None:
        self.statusBar().clearMessage()
        self._error(message, "Could not open the file")

    def _on_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.progress.setValue(0)
        self.open_action.setEnabled(True)

    def _error(self, message: str, title: str = APP_NAME) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("error_dialog")
        box.open()

    # ---- results out ---------------------------------------------------------------------------
    def _on_dataset(self, ds: Dataset) -> None:
        self.dataset = ds
        title = f"{ds.name} — {APP_NAME}"
        if ds.synthetic:
            said = "synthetic" in ds.name.casefold()
            title = f"{ds.name} ({'no' if said else 'synthetic:'} no real children) — {APP_NAME}".replace(
                "(no no real", "(no real")
        self.setWindowTitle(title)
        self.synthetic_badge.setVisible(ds.synthetic)
        if self.notes_dialog is not None:
            self.notes_dialog.set_dataset(ds)
        self.model.set_dataset(ds)
        self.table.show_sort(-1)
        self.table.fit_columns()
        cols = [(c, ds.label(c)) for c in CHART_COLUMNS if c in ds.categorical_columns]
        cols += [(c, ds.label(c)) for c in ds.facet_columns if c in ds.categorical_columns and c not in CHART_COLUMNS]
        self.chart.set_columns(cols)

    def _on_rows(self, table: TableRows) -> None:
        self.model.set_rows(table.rows)

    def _show_empty(self, ds: Dataset, result: Result) -> None:
        """Over an empty table, say which filters matched nothing."""
        if result.n_rows or not result.n_total:
            self.table.show_empty(None)
            return
        words = result.state.describe(ds)
        if result.messages:
            words += ". " + " ".join(result.messages)
        self.table.show_empty(words)

    def _on_result(self, result: Result) -> None:
        ds = self.controller.dataset  # the result's own (a widget may ask for a change while the data set swaps)
        assert ds is not None
        synthetic = " (synthetic)" if ds.synthetic else ""
        self.summary.setText(f"Showing {result.n_rows:,} of {result.n_total:,} rows — {result.totals_text()}{synthetic}")
        words = result.state.describe(ds)
        if result.messages:
            words += " — " + " ".join(result.messages)
        self.filters_text.setText(words)
        self.filters_text.setToolTip(words)
        self._show_banner(ds, result)
        self._show_empty(ds, result)
        from ..core.cover import heading_lines

        heading = heading_lines(ds, result.state.describe(ds))
        self.chart.show_content(chart_content(result, heading, ds.synthetic, self.controller.rate_mode))
        self._show_map(ds, result, heading)

    def _show_map(self, ds: Dataset, result: Result, heading: list[str]) -> None:
        """Show the map's figures; while the Map tab is hidden, only remember them (a hidden map is not
        redrawn on every click)."""
        self._map_pending = (ds, result, heading)
        if self.views.currentWidget() is self.map:
            self._draw_map()

    def _on_view_tab(self, _index: int) -> None:
        if self.views.currentWidget() is self.map and self._map_pending is not None:
            self._draw_map()

    def _draw_map(self) -> None:
        from ..core.rates import POPULATION_SOURCE, RATE_HEADER

        if self._map_pending is None:
            return
        ds, result, heading = self._map_pending
        self._map_pending = None

        if result.force_map is None:
            self.map.show_values({}, {}, None, "count", None, tuple(heading),
                                 f"{ds.name} has no police force column to map.")
            return
        counts, rates, reference = result.force_map
        rate_mode = self.controller.rate_mode and bool(rates)
        what = RATE_HEADER.lower() if rate_mode else result.unit_words
        message = result.rate_refusal if self.controller.rate_mode and not rates else ""
        self.map.show_values(counts, rates if rate_mode else {}, reference if rate_mode else None, what,
                             result.state.selected(schema.FORCE), tuple(heading), message,
                             (POPULATION_SOURCE,) if rate_mode else ())

    def _show_banner(self, ds: Dataset, result: Result) -> None:
        from ..core.notes import part_banner

        text = part_banner(ds, result.state)
        n_notes = sum(len(src.notes) for src in ds.sources)
        if not text and n_notes:
            text = f"{n_notes} note{'s' if n_notes != 1 else ''} on how this data was read."
        if ds.synthetic:
            text = ("Synthetic data: made up for trying the program; it describes no real child. " + text).strip()
        self.banner.setText(text)
        self.banner_bar.setVisible(bool(text))

    def show_data_notes(self) -> None:
        """The load notes in full, what is not available, and what is never added (non-modal)."""
        if self.dataset is None:
            return
        from .notes_dialog import DataNotesDialog

        if self.notes_dialog is None:
            self.notes_dialog = DataNotesDialog(self)
        self.notes_dialog.set_dataset(self.dataset)
        self.notes_dialog.show()
        self.notes_dialog.raise_()
        self.notes_dialog.activateWindow()

    def _on_engine_busy(self, busy: bool) -> None:
        if busy:
            if not self._updating_timer.isActive() and not self.updating.isVisible():
                self._updating_timer.start()
        else:
            self._updating_timer.stop()
            self.updating.setVisible(False)

    def _on_history(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)
        self.table.empty_notice.undo_button.setEnabled(can_undo)

    # ---- views -------------------------------------------------------------------------------
    def save_view_dialog(self) -> None:
        start = self.settings.value("last_folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "Save view", str(Path(str(start)) / "my-view.view.json"),
                                              VIEW_FILTER)
        if path:
            self.save_view(path)

    def save_view(self, path: str) -> None:
        try:
            self.controller.state.save(path)
            self.statusBar().showMessage(f"Saved the view to {path}", 8000)
        except YouthDrugsError as exc:
            self._error(user_message(exc))

    def open_view_dialog(self) -> None:
        start = self.settings.value("last_folder", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open view", str(start), VIEW_FILTER)
        if path:
            self.open_view(path)

    def open_view(self, path: str) -> None:
        try:
            state = FilterState.load(path)
        except YouthDrugsError as exc:
            self._error(user_message(exc), "Could not open the view")
            return
        notes = self.controller.set_state(state)
        if notes:
            self._error("The view was applied, except: " + "; ".join(notes) + ".", "Part of the view did not fit")
        else:
            self.statusBar().showMessage(f"Applied the view {Path(path).name}", 8000)

    # ---- export --------------------------------------------------------------------------------
    def export_dialog(self) -> None:
        if self.dataset is None or self.controller.result is None:
            return
        from .export_dialog import ExportDialog

        self.controller.flush()
        dlg = ExportDialog(self, self.settings)
        dlg.exported.connect(lambda res: self.statusBar().showMessage(dlg.done_words(res), 15000))
        dlg.open()

    def report_dialog(self):
        if self.dataset is None or self.controller.result is None:
            return None
        from .report_dialog import ReportDialog

        self.controller.flush()
        dlg = ReportDialog(self, self.settings)
        dlg.open()
        return dlg

    def _save_chart(self, kind: str) -> None:
        path = self.chart.save_dialog(kind, str(self.settings.value("last_folder", str(Path.home()))))
        if path:
            self.statusBar().showMessage(f"Saved the chart to {path}", 8000)

    def show_guide(self) -> None:
        """The short guide, inside the program (non-modal, one window however often F1 is pressed)."""
        from .guide_dialog import GuideDialog, menu_shortcuts

        if getattr(self, "guide_dialog", None) is None:
            self.guide_dialog = GuideDialog(menu_shortcuts(self.menuBar()), self)
        self.guide_dialog.show()
        self.guide_dialog.raise_()
        self.guide_dialog.activateWindow()

    def about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<b>{APP_NAME}</b> {__version__}<p>Explore data on children's drug offences in "
                          "England and Wales: filter, chart and export. Everything stays on this computer.</p>"
                          "<p>The built-in sample is synthetic: no row is a real child.</p>")

    # ---- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)

    # ---- recent files and settings --------------------------------------------------------------
    def recent_files(self) -> list[list[str]]:
        """The files opened lately (each a list of paths); [] if the setting is not that."""
        return (recent_files_value(self.settings.value("recent_files", "[]")) or [])[:MAX_RECENT]

    def _recent_options(self) -> dict[str, dict[str, str]]:
        """Files (their paths joined by newlines) -> the options (format, force, ...) they were last
        opened with, where there were any."""
        table = recent_options_value(self.settings.value("recent_options", "{}")) or {}
        return {key: {k: v for k, v in opts.items() if k in RECENT_OPTION_KEYS} for key, opts in table.items()}

    def _add_recent(self, paths: list[str], options: dict[str, str] | None = None) -> None:
        items = [paths] + [i for i in self.recent_files() if i != paths]
        items = items[:MAX_RECENT]
        self.settings.setValue("recent_files", json.dumps(items))
        old = self._recent_options()
        kept = {key: old[key] for key in ("\n".join(i) for i in items[1:]) if old.get(key)}
        new = {k: v for k, v in (options or {}).items() if k in RECENT_OPTION_KEYS}
        if new:
            kept["\n".join(paths)] = new
        self.settings.setValue("recent_options", json.dumps(kept))
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent_files()
        options = self._recent_options()
        for i, paths in enumerate(items, 1):
            text = " + ".join(Path(p).name for p in paths)
            act = self.recent_menu.addAction(f"&{i} {text}")
            act.setToolTip("\n".join(paths))
            opts = options.get("\n".join(paths), {})
            if opts:
                act.setToolTip("\n".join(paths) + "\nopened with: " + ", ".join(f"{k} {v}" for k, v in opts.items()))
            act.triggered.connect(lambda _=False, p=paths, o=opts: self.open_files(p, **o))
        self.recent_menu.setEnabled(bool(items))

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
        self._fill_recent()

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


def _opened_words(ds: Dataset) -> str:
    """One short line for the status bar after a load; the notes themselves are in View > Data notes."""
    name = ds.name if len(ds.name) <= 60 else ds.name[:45] + "…" + ds.name[-12:]
    text = f"Opened {name}: {ds.n_rows:,} rows"
    n_notes = sum(len(s.notes) for s in ds.sources)
    if n_notes:
        text += f" - {n_notes} note{'s' if n_notes != 1 else ''} on how the data was read: View > Data notes"
    return text + "."
