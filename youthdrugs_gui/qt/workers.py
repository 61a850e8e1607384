"""Loading files off the UI thread, with progress and cancel; results come back on the UI thread."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..core.errors import YouthDrugsError
from .crash import user_message
from .tasks import Task, TaskRunner

NO_MEMORY = ("There is not enough memory to open this file. Close other programs, or open a smaller extract "
             "of the data.")


class Loader(QObject):
    """Loads one set of files at a time. Starting a new load cancels the one running."""

    progress = Signal(float)  # 0..1
    loaded = Signal(object, object, object)  # Dataset, list of paths, its Engine (built and warmed)
    failed = Signal(str)  # message for the user
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner("youthdrugs-load", self)
        self._tasks.progress.connect(self.progress)
        self._tasks.busy_changed.connect(self.busy_changed)

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def load(self, paths: list[str | Path], **options) -> None:
        """Read the files (and build the engine's groundwork) on the worker thread."""
        paths = [str(p) for p in paths]

        def work(task: Task):
            from ..core.engine import Engine
            from ..core.sources import load_files

            ds = load_files(paths, progress=lambda f: task.progress(0.96 * f),
                            cancelled=lambda: task.cancelled, **options)
            task.token.check("Loading was cancelled.")
            # The first filter's groundwork (codes, whole-data counts) is done here, not on the UI thread.
            engine = Engine(ds).warm(progress=lambda f: task.progress(0.96 + 0.04 * f))
            task.progress(1.0)
            return ds, engine

        self._tasks.start(work, lambda out: self.loaded.emit(out[0], paths, out[1]), failed=self._failed,
                          cancelled=self.cancelled.emit, expected=(YouthDrugsError, MemoryError),
                          what="The files could not be opened", cancel_running=True)

    def cancel(self) -> None:
        self._tasks.cancel()

    def shutdown(self) -> None:
        """Stop for good (the window is closing)."""
        self._tasks.shutdown()

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(NO_MEMORY if isinstance(exc, MemoryError) else user_message(exc))
