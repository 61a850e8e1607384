"""A request to stop a long job (an export, a load), shared by the thread that asks and the one working.

The working thread looks at the token between blocks of work and stops there with CancelledError, so a
job stops at a safe point: an export removes its temporary file and leaves the old file as it was."""
from __future__ import annotations

import threading

from .errors import CancelledError


class CancelToken:
    """Set once by `cancel` (from any thread); the job checks `cancelled` or calls `check`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next safe point."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, message: str = "Cancelled.") -> None:
        """Raise CancelledError(`message`) if the job was asked to stop."""
        if self._event.is_set():
            raise CancelledError(message)
