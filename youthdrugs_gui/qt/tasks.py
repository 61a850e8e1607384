"""Background work for the window: one job at a time per TaskRunner, on the runner's own worker thread.

A job is a function of its Task: it may report progress (`task.progress`, shown through the runner's
`progress` signal) and should look at `task.token` between blocks of work, stopping with CancelledError
when asked to. Its outcome comes back on the UI thread, to the callbacks the job was started with:
`done` with its value, `failed` with an error of an expected kind (one the user can act on), `cancelled`
if it was cancelled. Any other error is a bug: it goes to the crash log and the user is told (qt.crash).

A job started while another runs waits for it; a later one takes its place in the queue, since only the
latest request matters. `cancel_running=True` also asks the running job to stop (a new load replaces
the one being read).
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from ..core.cancel import CancelToken
from ..core.errors import CancelledError, YouthDrugsError


class Task:
    """One job: its work, its cancel token, and what to call with its outcome (on the UI thread)."""

    def __init__(self, runner: "TaskRunner", work: Callable[["Task"], Any], done: Callable[[Any], None],
                 failed: Callable[[BaseException], None] | None, cancelled: Callable[[], None] | None,
                 expected: tuple[type[BaseException], ...], what: str) -> None:
        self.token = CancelToken()
        self.work = work
        self.what = what
        self._emit_progress = runner.progress.emit
        self._done, self._failed, self._cancelled = done, failed, cancelled
        self._expected = expected

    def progress(self, fraction: float) -> None:
        """Report how far the job is, 0 to 1 (from the worker thread); nothing once it is cancelled."""
        if not self.token.cancelled:
            self._emit_progress(float(fraction))

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def _run(self) -> tuple[Any, BaseException | None]:
        try:
            return self.work(self), None
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which says what happened
            return None, exc

    def _deliver(self, value: Any, error: BaseException | None) -> None:
        """Call the callback for this outcome (UI thread)."""
        if self.token.cancelled or isinstance(error, CancelledError):
            if self._cancelled is not None:
                self._cancelled()
        elif error is None:
            self._done(value)
        elif self._failed is not None and isinstance(error, self._expected):
            self._failed(error)
        else:
            from . import crash

            crash.report(error, self.what)


class TaskRunner(QObject):
    """Runs jobs one at a time on one worker thread; outcomes are delivered on the UI thread."""

    progress = Signal(float)  # 0..1, from the job running
    busy_changed = Signal(bool)  # a job is running or waiting
    _finished = Signal(object)  # (task, value, error), from the worker thread

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._running: tuple[Task, Future] | None = None
        self._waiting: Task | None = None
        self._closed = False
        self._said_busy = False
        self._finished.connect(self._on_finished)

    @property
    def waiting(self) -> bool:
        """Whether a job waits for the one in hand (a newer request than the one being worked on)."""
        return self._waiting is not None

    @property
    def busy(self) -> bool:
        """Whether a job is running or waiting for its turn."""
        return self._running is not None or self._waiting is not None

    def start(self, work: Callable[[Task], Any], done: Callable[[Any], None], *,
              failed: Callable[[BaseException], None] | None = None, cancelled: Callable[[], None] | None = None,
              expected: tuple[type[BaseException], ...] = (YouthDrugsError,), what: str = "",
              cancel_running: bool = False) -> Task | None:
        """Run `work(task)` as soon as the job in hand (if any) is over; a job still waiting is dropped
        for this one. `what` says what the job does, for the message about an unexpected error ("The
        files could not be opened"). None once the runner is shut down."""
        if self._closed:
            return None
        task = Task(self, work, done, failed, cancelled, expected, what)
        if self._waiting is not None:
            self._waiting.token.cancel()  # never started: dropped without a word
        if self._running is None:
            self._waiting = None
            self._launch(task)
        else:
            self._waiting = task
            if cancel_running:
                self._running[0].token.cancel()
        return task

    def cancel(self) -> None:
        """Ask the running job to stop and drop the one waiting."""
        if self._waiting is not None:
            self._waiting.token.cancel()
            self._waiting = None
        if self._running is not None:
            self._running[0].token.cancel()

    def finish_now(self) -> None:
        """Finish the jobs in hand before returning: wait for the running one and, if another waits,
        run that one here instead of delivering the one it replaces (UI thread)."""
        if self._running is None:
            return
        task, future = self._running
        value, error = future.result()
        self._running = None  # its queued delivery is then ignored
        waiting, self._waiting = self._waiting, None
        if waiting is None:
            task._deliver(value, error)
        else:
            waiting._deliver(*waiting._run())
        self._say_busy()

    def shutdown(self) -> None:
        """Stop for good (the window is closing): cancel everything; no outcome is delivered any more."""
        self._closed = True
        self.cancel()
        self._running = None
        self._said_busy = False
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _launch(self, task: Task) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        emit = self._finished.emit

        def job() -> tuple[Any, BaseException | None]:
            outcome = task._run()
            emit((task, *outcome))
            return outcome

        self._running = (task, self._pool.submit(job))
        self._say_busy()

    def _on_finished(self, payload: tuple[Task, Any, BaseException | None]) -> None:
        task, value, error = payload
        if self._closed or self._running is None or self._running[0] is not task:
            return  # finish_now already handled it, or the runner was shut down
        self._running = None
        task._deliver(value, error)
        if self._closed:
            return
        if self._running is None and self._waiting is not None:  # the callback may have started one
            waiting, self._waiting = self._waiting, None
            self._launch(waiting)
        self._say_busy()

    def _say_busy(self) -> None:
        """Emit busy_changed when busy changes (not on every job)."""
        if self.busy != self._said_busy and not self._closed:
            self._said_busy = self.busy
            self.busy_changed.emit(self._said_busy)
