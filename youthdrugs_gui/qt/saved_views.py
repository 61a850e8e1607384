"""View > Save view and Open view: the current filters as a JSON file, the same file the command line
reads; a view that only partly fits the data open is applied as far as it fits, and the rest is named."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from ..core.errors import YouthDrugsError
from ..core.filter_state import FilterState
from .crash import user_message

if TYPE_CHECKING:
    from .mainwindow import MainWindow

VIEW_FILTER = "Saved views (*.view.json *.json);;All files (*)"


class SavedViews:
    """Saves the window's filters to a view file and applies one."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window

    def _folder(self) -> Path:
        return Path(str(self.window.settings.value("last_folder", str(Path.home()))))

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save view", str(self._folder() / "my-view.view.json"),
                                              VIEW_FILTER)
        if path:
            self.save(path)

    def save(self, path: str) -> None:
        w = self.window
        try:
            w.controller.state.save(path)
            w.statusBar().showMessage(f"Saved the view to {path}", 8000)
        except YouthDrugsError as exc:
            w.show_error(user_message(exc))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open view", str(self._folder()), VIEW_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> None:
        w = self.window
        try:
            state = FilterState.load(path)
        except YouthDrugsError as exc:
            w.show_error(user_message(exc), "Could not open the view")
            return
        notes = w.controller.set_state(state)
        if notes:
            w.show_error("The view was applied, except: " + "; ".join(notes) + ".", "Part of the view did not fit")
        else:
            w.statusBar().showMessage(f"Applied the view {Path(path).name}", 8000)
