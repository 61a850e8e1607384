"""The window's background jobs: one at a time, the latest request wins, cancel, progress, and an
unexpected error goes to the crash log and a dialog while the runner goes on working."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from youthdrugs_gui.core.crashlog import data_folder
from youthdrugs_gui.core.errors import LoadError
from youthdrugs_gui.qt.tasks import TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner("test-tasks")
    yield r
    r.shutdown()


def _idle(qtbot, r: TaskRunner) -> None:
    qtbot.waitUntil(lambda: not r.busy, timeout=5000)


def _slow(value, seconds: float = 0.05, threads: list | None = None):
    def work(task):
        if threads is not None:
            threads.append(threading.current_thread().name)
        time.sleep(seconds)
        task.token.check()
        return value
    return work


def test_a_job_runs_off_the_ui_thread_and_its_value_comes_back(qtbot, runner):
    threads, got = [], []
    with qtbot.waitSignals([runner.busy_changed, runner.busy_changed]):
        runner.start(_slow(7, threads=threads), got.append)
    assert got == [7]
    assert threads and threads[0] != threading.current_thread().name


def test_one_job_at_a_time_and_a_later_request_replaces_one_waiting(qtbot, runner):
    got = []
    runner.start(_slow("first", 0.1), got.append)
    runner.start(_slow("second"), got.append)
    runner.start(_slow("third"), got.append)
    _idle(qtbot, runner)
    assert got == ["first", "third"]


def test_cancel_running_stops_the_job_and_says_so(qtbot, runner):
    got, cancelled = [], []
    runner.start(_slow("old", 0.1), got.append, cancelled=lambda: cancelled.append("old"))
    runner.start(_slow("new"), got.append, cancel_running=True)
    _idle(qtbot, runner)
    assert got == ["new"] and cancelled == ["old"]


def test_progress_is_reported_by_signal(qtbot, runner):
    seen = []
    runner.progress.connect(seen.append)

    def work(task):
        for f in (0.25, 0.5, 1.0):
            task.progress(f)
        return None

    runner.start(work, lambda _: None)
    _idle(qtbot, runner)
    qtbot.waitUntil(lambda: seen == [0.25, 0.5, 1.0])


def test_an_expected_error_goes_to_its_callback_and_nothing_is_logged(qtbot, runner):
    failed = []

    def work(task):
        raise LoadError("stops.csv is not a table.")

    runner.start(work, lambda _: None, failed=failed.append)
    _idle(qtbot, runner)
    assert [str(e) for e in failed] == ["stops.csv is not a table."]


def test_an_unexpected_error_is_logged_and_shown_and_the_next_job_runs(qtbot, runner, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append(text))

    def work(task):
        raise ZeroDivisionError("a bug in a background job")

    runner.start(work, lambda _: None, failed=lambda e: shown.append("not this"), what="The chart could not be drawn")
    _idle(qtbot, runner)
    log = data_folder() / "crash.log"
    assert "a bug in a background job" in log.read_text(encoding="utf-8")
    assert len(shown) == 1 and shown[0].startswith("The chart could not be drawn because of an unexpected problem")
    assert str(log) in shown[0]
    got = []
    runner.start(_slow(1), got.append)
    _idle(qtbot, runner)
    assert got == [1]


def test_finish_now_delivers_the_latest_before_returning(qtbot, runner):
    got = []
    runner.start(_slow("first", 0.1), got.append)
    runner.start(_slow("second"), got.append)
    runner.finish_now()
    assert got == ["second"] and not runner.busy
    qtbot.wait(200)
    assert got == ["second"]  # the job it replaced is never delivered


def test_after_shutdown_nothing_is_delivered(qtbot, runner):
    got = []
    runner.start(_slow("late", 0.05), got.append)
    runner.shutdown()
    qtbot.wait(200)
    assert got == [] and runner.start(_slow("again"), got.append) is None
