"""What happens on an unexpected error: it is written to a log file in the user's data folder, the user
is told where in a dialog, and the window stays alive. A traceback is never shown in the window."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.crashlog import CrashRecord, record_exception


def _message(record: CrashRecord) -> str:
    """What the dialog says: where the details are, or honestly why they could not be saved."""
    text = "Something unexpected went wrong, but your data and filters are still open.\n\n"
    if record.saved:
        text += (f"Details were saved to:\n{record.path}\n\nIf it happens again, please send that file to your "
                 "IT support.")
    else:
        text += f"The details could not be saved: {record.problem}"
    if record.note:
        text += f"\n\nNote: {record.note}"
    return text


def _hook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    record = record_exception(exc_type, exc, tb)
    app = QApplication.instance()
    if app is None:
        where = f"details saved to {record.path}" if record.saved else f"details not saved: {record.problem}"
        sys.stderr.write(f"Unexpected error ({exc_type.__name__}); {where}\n")
        return
    from ..core.errors import YouthDrugsError

    if isinstance(exc, YouthDrugsError):
        QMessageBox.warning(app.activeWindow(), "Youth Drug Offences Explorer", str(exc))
        return
    QMessageBox.critical(app.activeWindow(), "Something went wrong", _message(record))


def install() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a dialog."""
    sys.excepthook = _hook
