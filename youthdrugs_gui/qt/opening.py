"""Opening data: the file chooser, Open with options, the recent files (and the options they were opened
with), files dropped on the window. Files are read on a worker thread; the data open stays open until
the new data is ready."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtWidgets import QFileDialog, QMenu

from ..core.dataset import Dataset
from .settings import SettingsStore, recent_files_value, recent_options_value
from .workers import Loader

if TYPE_CHECKING:
    from .mainwindow import MainWindow

OPEN_FILTER = ("Data files (*.csv *.txt *.tsv *.xlsx *.xlsm *.ods *.parquet *.pq);;"
               "CSV (*.csv *.txt *.tsv);;Excel (*.xlsx *.xlsm);;OpenDocument (*.ods);;Parquet (*.parquet *.pq);;"
               "All files (*)")
RECENT_OPTION_KEYS = ("fmt", "force", "measure", "sheet", "mapping")  # what Open with options can set
MAX_RECENT = 8


class RecentFiles:
    """The files opened lately, kept in the settings, and the File > Open recent menu that lists them."""

    def __init__(self, settings: SettingsStore, menu: QMenu, open_files: Callable[..., None]) -> None:
        self.settings = settings
        self.menu = menu
        self._open_files = open_files

    def files(self) -> list[list[str]]:
        """The files opened lately (each a list of paths); [] if the setting is not that."""
        return (recent_files_value(self.settings.value("recent_files", "[]")) or [])[:MAX_RECENT]

    def options(self) -> dict[str, dict[str, str]]:
        """Files (their paths joined by newlines) -> the options (format, force, ...) they were last
        opened with, where there were any."""
        table = recent_options_value(self.settings.value("recent_options", "{}")) or {}
        return {key: {k: v for k, v in opts.items() if k in RECENT_OPTION_KEYS} for key, opts in table.items()}

    def add(self, paths: list[str], options: dict[str, str] | None = None) -> None:
        """Put these files first, with the options they were opened with."""
        items = [paths] + [i for i in self.files() if i != paths]
        items = items[:MAX_RECENT]
        self.settings.setValue("recent_files", json.dumps(items))
        old = self.options()
        kept = {key: old[key] for key in ("\n".join(i) for i in items[1:]) if old.get(key)}
        new = {k: v for k, v in (options or {}).items() if k in RECENT_OPTION_KEYS}
        if new:
            kept["\n".join(paths)] = new
        self.settings.setValue("recent_options", json.dumps(kept))
        self.fill_menu()

    def fill_menu(self) -> None:
        self.menu.clear()
        items = self.files()
        options = self.options()
        for i, paths in enumerate(items, 1):
            text = " + ".join(Path(p).name for p in paths)
            act = self.menu.addAction(f"&{i} {text}")
            act.setToolTip("\n".join(paths))
            opts = options.get("\n".join(paths), {})
            if opts:
                act.setToolTip("\n".join(paths) + "\nopened with: " + ", ".join(f"{k} {v}" for k, v in opts.items()))
            act.triggered.connect(lambda _=False, p=paths, o=opts: self._open_files(p, **o))
        self.menu.setEnabled(bool(items))


class Opener(QObject):
    """Asks which files to open, reads them on the loader's worker thread and hands the data to the window."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.loader = Loader(self)
        self.recent = RecentFiles(window.settings, window.menus.recent_menu, self.open_files)
        self.options_dialog = None  # the "Open with options" dialog while it is open
        self._pending_view: str | None = None
        self._pending_options: dict[str, str] = {}  # how the files being loaded were asked for
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.cancelled.connect(lambda: window.statusBar().showMessage(
            "Loading cancelled; the data that was open is still open.", 8000))

    def _folder(self) -> str:
        return str(self.window.settings.value("last_folder", str(Path.home())))

    def open_files(self, paths: list[str], view: str | None = None, **options) -> None:
        """Load files on the worker thread; a view file, if given, is applied once they are open.
        Options go to the core's loader (fmt, force, measure, sheet, mapping)."""
        if not paths:
            return
        self._pending_view = view
        self._pending_options = {k: v for k, v in options.items() if v is not None}
        self.window.statusBar().showMessage(f"Opening {', '.join(Path(p).name for p in paths)}…")
        self.window.controller.make_room()
        self.loader.load(paths, **options)

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open data files", self._folder(), OPEN_FILTER)
        if paths:
            self.window.settings.setValue("last_folder", str(Path(paths[0]).parent))
            self.open_files(paths)

    def open_with_options_dialog(self) -> None:
        from .open_dialog import OpenOptionsDialog

        dlg = OpenOptionsDialog(self.window, self._folder(), OPEN_FILTER)

        def chosen() -> None:
            if dlg.paths:
                self.window.settings.setValue("last_folder", str(Path(dlg.paths[0]).parent))
                self.open_files(dlg.paths, **dlg.options())

        dlg.accepted.connect(chosen)
        dlg.open()
        self.options_dialog = dlg

    def _on_loaded(self, ds: Dataset, paths: list[str], engine=None) -> None:
        self.window.show_dataset(ds, paths, engine=engine)
        self.recent.add(paths, self._pending_options)
        if self._pending_view:
            self.window.open_view(self._pending_view)
            self._pending_view = None
        self.window.statusBar().showMessage(opened_words(ds), 10000)

    def _on_failed(self, message: str) -> None:
        self.window.statusBar().clearMessage()
        self.window.show_error(message, "Could not open the file")


def dropped_paths(mime: QMimeData) -> list[str]:
    """The local files in a drag, in order; [] when it holds none."""
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []


def opened_words(ds: Dataset) -> str:
    """One short line for the status bar after a load; the notes themselves are in View > Data notes."""
    name = ds.name if len(ds.name) <= 60 else ds.name[:45] + "…" + ds.name[-12:]
    text = f"Opened {name}: {ds.n_rows:,} rows"
    n_notes = sum(len(s.notes) for s in ds.sources)
    if n_notes:
        text += f" - {n_notes} note{'s' if n_notes != 1 else ''} on how the data was read: View > Data notes"
    return text + "."
