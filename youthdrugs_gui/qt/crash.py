"""What happens on an unexpected error: it is written to a log file in the user's data folder, the user
is told where in a dialog, and the window stays alive. A traceback is never shown in the window."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.crashlog import log_exception


def _hook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    path = log_exception(exc_type, exc, tb)
    app = QApplication.instance()
    if app is None:
        sys.stderr.write(f"Unexpected error ({exc_type.__name__}); details saved to {path}\n")
        return
    from ..core.errors import YouthDrugsError

    if isinstance(exc, YouthDrugsError):
        QMessageBox.warning(app.activeWindow(), "Youth Drug Offences Explorer", str(exc))
        return
    QMessageBox.critical(
        app.activeWindow(),
        "Something went wrong",
        "Something unexpected went wrong, but your data and filters are still open.\n\n"
        f"Details were saved to:\n{path}\n\nIf it happens again, please send that file to your IT support.",
    )


def install() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a dialog."""
    sys.excepthook = _hook
