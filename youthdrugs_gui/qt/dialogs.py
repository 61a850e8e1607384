"""The dialogs the window opens: data notes and the guide (non-modal, one of each), About, Export and
Report (of what is on screen), and the warning shown for an error the user can act on."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_NAME, __version__

if TYPE_CHECKING:
    from .export_dialog import ExportDialog
    from .guide_dialog import GuideDialog
    from .mainwindow import MainWindow
    from .notes_dialog import DataNotesDialog
    from .report_dialog import ReportDialog


def show_error(parent: QWidget, message: str, title: str = APP_NAME) -> None:
    """A warning the user closes; the window goes on meanwhile."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_dialog")
    box.open()


def _bring_up(dialog: QWidget) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


class WindowDialogs:
    """Opens the window's dialogs; the non-modal ones are made once and shown again."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.notes_dialog: DataNotesDialog | None = None
        self.guide_dialog: GuideDialog | None = None

    def show_data_notes(self) -> None:
        """The load notes in full, what is not available, and what is never added (non-modal)."""
        if self.window.dataset is None:
            return
        from .notes_dialog import DataNotesDialog

        if self.notes_dialog is None:
            self.notes_dialog = DataNotesDialog(self.window)
        self.notes_dialog.set_dataset(self.window.dataset)
        _bring_up(self.notes_dialog)

    def follow_dataset(self) -> None:
        """Show the notes of newly opened data in a notes dialog already made."""
        if self.notes_dialog is not None and self.window.dataset is not None:
            self.notes_dialog.set_dataset(self.window.dataset)

    def show_guide(self) -> None:
        """The short guide, inside the program (non-modal, one window however often F1 is pressed)."""
        from .guide_dialog import GuideDialog, menu_shortcuts

        if self.guide_dialog is None:
            self.guide_dialog = GuideDialog(menu_shortcuts(self.window.menuBar()), self.window)
        _bring_up(self.guide_dialog)

    def about(self) -> None:
        QMessageBox.about(self.window, f"About {APP_NAME}",
                          f"<b>{APP_NAME}</b> {__version__}<p>Explore data on children's drug offences in "
                          "England and Wales: filter, chart and export. Everything stays on this computer.</p>"
                          "<p>The built-in sample is synthetic: no row is a real child.</p>")

    def _ready(self) -> bool:
        """Whether there is a view to export or report: data open and its result shown (worked out now)."""
        w = self.window
        if w.dataset is None or w.controller.result is None:
            return False
        w.controller.flush()
        return True

    def export(self) -> "ExportDialog | None":
        """File > Export; the window says where the file went once it is written."""
        if not self._ready():
            return None
        from .export_dialog import ExportDialog

        w = self.window
        dlg = ExportDialog(w, w.settings)
        dlg.exported.connect(lambda res: w.statusBar().showMessage(dlg.done_words(res), 15000))
        dlg.open()
        return dlg

    def report(self) -> "ReportDialog | None":
        """File > Report: the current view as a board paper."""
        if not self._ready():
            return None
        from .report_dialog import ReportDialog

        dlg = ReportDialog(self.window, self.window.settings)
        dlg.open()
        return dlg
