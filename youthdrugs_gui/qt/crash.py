"""What happens on an unexpected error: it is written to a log file in the user's data folder, the user
is told where in a dialog, and the window stays alive. A traceback is never shown in the window.

`report` is the one place that does this, for errors raised in a Qt slot (through the hook that
`install` sets) and for errors of background jobs (qt.tasks) alike. An error the user can cause
(YouthDrugsError) that reaches it is logged too (it was not caught where it should have been) but
shown as itself."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.crashlog import CrashRecord, record_exception
from ..core.errors import YouthDrugsError

TITLE = "Something went wrong"


def _message(record: CrashRecord, what: str = "") -> str:
    """What the dialog says: what failed if known, where the details are, or honestly why they could
    not be saved."""
    if what:
        text = f"{what} because of an unexpected problem. The data and filters you had open are still open.\n\n"
    else:
        text = "Something unexpected went wrong, but your data and filters are still open.\n\n"
    if record.saved:
        text += (f"Details were saved to:\n{record.path}\n\nIf it happens again, please send that file to your "
                 "IT support.")
    else:
        text += f"The details could not be saved: {record.problem}"
    if record.note:
        text += f"\n\nNote: {record.note}"
    return text


def user_message(exc: YouthDrugsError) -> str:
    """How the window words an error the user can cause (its own wording where the core gives one)."""
    return getattr(exc, "gui_message", "") or str(exc)


def report(exc: BaseException, what: str = "") -> None:
    """Log an unexpected error and tell the user where the details are; show a user error as itself.
    `what` says what failed ("The files could not be opened"); without it the message is general."""
    _show(type(exc), exc, exc.__traceback__, what)


def _show(exc_type, exc, tb, what: str = "") -> None:
    record = record_exception(exc_type, exc, tb)
    app = QApplication.instance()
    if app is None:
        where = f"details saved to {record.path}" if record.saved else f"details not saved: {record.problem}"
        sys.stderr.write(f"Unexpected error ({exc_type.__name__}); {where}\n")
        return
    if isinstance(exc, YouthDrugsError):  # uncaught, so logged; but its message is for the user
        from .. import APP_NAME

        QMessageBox.warning(app.activeWindow(), APP_NAME, user_message(exc))
        return
    QMessageBox.critical(app.activeWindow(), TITLE, _message(record, what))


def _hook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _show(exc_type, exc, tb)


def install() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a dialog."""
    sys.excepthook = _hook
