"""Loading files off the UI thread, with progress and cancel; results come back on the UI thread."""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from superqt.utils import create_worker

from ..core.errors import CancelledError, YouthDrugsError


class Loader(QObject):
    """Loads one set of files at a time. Starting a new load cancels the one running."""

    progress = Signal(float)  # 0..1
    loaded = Signal(object, object, object)  # Dataset, list of paths, its Engine (built and warmed)
    failed = Signal(str)  # message for the user
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel: threading.Event | None = None
        self._worker = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def load(self, paths: list[str | Path], **options) -> None:
        self.cancel()
        flag = threading.Event()
        self._cancel = flag
        paths = [str(p) for p in paths]

        def job():
            from ..core.engine import Engine
            from ..core.sources import load_files

            emit = self.progress.emit
            ds = load_files(paths, progress=lambda f: emit(0.96 * f), cancelled=flag.is_set, **options)
            if flag.is_set():
                raise CancelledError("Loading was cancelled.")
            # The first filter's groundwork (codes, whole-data counts) is done here, not on the UI thread.
            engine = Engine(ds).warm(progress=lambda f: emit(0.96 + 0.04 * f))
            emit(1.0)
            return ds, engine

        worker = create_worker(job, _ignore_errors=True)
        worker.returned.connect(lambda out, f=flag: self._done(f, *out, paths))
        worker.errored.connect(lambda exc, f=flag: self._error(f, exc))
        worker.finished.connect(lambda w=worker: self._finished(w))
        self._worker = worker
        self.busy_changed.emit(True)
        worker.start()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _done(self, flag: threading.Event, ds, engine, paths) -> None:
        if flag.is_set():
            self.cancelled.emit()
        else:
            self.loaded.emit(ds, paths, engine)

    def _error(self, flag: threading.Event, exc: BaseException) -> None:
        if isinstance(exc, CancelledError) or flag.is_set():
            self.cancelled.emit()
        elif isinstance(exc, YouthDrugsError):
            self.failed.emit(str(exc))
        elif isinstance(exc, MemoryError):
            self.failed.emit("There is not enough memory to open this file. Close other programs, or open a "
                             "smaller extract of the data.")
        else:
            from ..core.crashlog import where_words

            where = where_words(type(exc), exc, exc.__traceback__)
            self.failed.emit(f"The file could not be opened because of an unexpected problem "
                             f"({type(exc).__name__}); {where}.")

    def _finished(self, worker) -> None:
        if self._worker is worker:
            self._worker = None
            self._cancel = None
            self.busy_changed.emit(False)
