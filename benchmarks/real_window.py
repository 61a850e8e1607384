"""What the user waits for on a real screen: the program itself (`youthdrugs-gui`'s own entry point) on
an X server, in a child process of its own, timed from input events to the last paint.

- startup_to_painted_s: process start to the first painted window on the sample.
- open_parquet_to_painted_s, open_csv_to_painted_s: File > Open (Ctrl+O, the file name typed into the
  dialog, Return) to the window painted with the new data.
- click_to_painted_ms: a click, drag or key press on the filters to the last paint of the table, the
  chart, the filter lists and the status bar; paints_per_click counts those paints.
- window_rss_mb: the window process's peak resident memory.
"""
from __future__ import annotations

import os
import random
import sys
import time
import traceback

# The program's own import order (its data libraries before Qt, whose import hook slows every later
# import): the paint watch below loads Qt, and the window must start as `youthdrugs-gui` starts.
import youthdrugs_gui.qt.app  # noqa: F401,E402  (isort: skip)

from .common import SEED, WINDOW_SIZE, log, median, pct, peak_rss_mb
from .paints import PaintWatch, wait_until_painted

SPAWNED_ENV = "YDBENCH_SPAWNED"  # time.monotonic() of the parent just before it started this process
OPEN_DIALOG_WAIT_S = 30.0  # how long the file dialog may take to come up
STRAY_DIALOG_S = 60.0  # a dialog open this long is closed (and noted)
LOAD_START_S = 5.0  # a load not under way this long after Return never started


def run_program(script) -> dict:
    """Start the program as `youthdrugs-gui` does with no arguments (the sample) and run `script(win, watch,
    out)` once its event loop runs; returns what the script put in `out`."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    spawned = float(os.environ.get(SPAWNED_ENV) or time.monotonic())
    app = QApplication.instance() or QApplication([sys.argv[0]])
    watch = PaintWatch(app_wide=True)
    out: dict = {"notes": []}

    def start() -> None:
        try:
            win = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "controller") and w.isVisible())
            ctrl = win.controller
            last = wait_until_painted(watch, lambda: watch.first_paint > 0 and ctrl.result is not None, spawned)
            out["startup_to_painted_s"] = None if last is None else last - spawned
            watch.stop()
            script(win, watch, out)
        except Exception:  # a benchmark reports what went wrong and still writes its figures
            out["notes"].append("the real-window run failed: " + traceback.format_exc(limit=3).strip()[-600:])
        finally:
            QApplication.closeAllWindows()
            app.quit()

    QTimer.singleShot(0, start)
    watchdog = _DialogWatch(out["notes"])
    try:
        from youthdrugs_gui.__main__ import main

        main([])
    except Exception:
        out["notes"].append("the program failed: " + traceback.format_exc(limit=3).strip()[-600:])
    watchdog.stop()
    out["window_rss_mb"] = peak_rss_mb()
    return out


class _DialogWatch:
    """Closes a dialog left open (an error message, a file dialog nobody answered) after a while, saying
    so in the notes, so that a run never waits on it for ever."""

    def __init__(self, notes: list[str], patience_s: float = STRAY_DIALOG_S) -> None:
        from PySide6.QtCore import QTimer

        self.notes = notes
        self.patience_s = patience_s
        self.seen: dict[int, float] = {}
        self.timer = QTimer()
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._check)
        self.timer.start()

    def _check(self) -> None:
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        first = self.seen.setdefault(id(dialog), time.monotonic())
        if time.monotonic() - first > self.patience_s:
            text = dialog.text() if hasattr(dialog, "text") else ""
            self.notes.append(f"a dialog stayed open and was closed: {dialog.windowTitle()}: {text}"[:400])
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    def stop(self) -> None:
        self.timer.stop()


def child_startup(args) -> dict:
    """Start-up only: the process's start to its first painted window on the sample."""
    return run_program(lambda win, watch, out: None)


def child_window(args) -> dict:
    """File > Open of the size's Parquet file, the scripted gestures on it, then File > Open of its CSV."""
    def script(win, watch, out) -> None:
        win.resize(*WINDOW_SIZE)
        win.move(0, 0)
        _activate(win)
        out["open_parquet_to_painted_s"], out["open_via"] = _open_file(win, str(args.parquet))
        out.update(_gestures(win, args.reps if not args.quick else 1, out["notes"]))
        out["window_rss_parquet_mb"] = peak_rss_mb()
        out["open_csv_to_painted_s"], _ = _open_file(win, str(args.csv))

    out = run_program(script)
    out["rows"] = args.size
    return out


def child_distinct(args) -> dict:
    """File > Open of the size's CSV, then of the same CSV with a column of a reference per row, then a
    search for one reference (benchmarks/distinct.py)."""
    from .distinct import window_script

    out = run_program(window_script(args))
    out.pop("window_rss_mb", None)  # two data sets were open: not the window's memory for one
    out.pop("startup_to_painted_s", None)
    out["rows"] = args.size
    return out


def _activate(win) -> None:
    from PySide6.QtTest import QTest

    win.raise_()
    win.activateWindow()
    QTest.qWaitForWindowActive(win, 3000)


def _open_file(win, path: str) -> tuple[float | None, str]:
    """File > Open through its shortcut and dialog: seconds from Return in the dialog to the window
    painted with the file's data, and how the file was opened."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    from . import gestures

    path = os.path.abspath(path)
    loaded: list[float] = []
    failed: list[str] = []
    win.loader.loaded.connect(lambda *a: loaded.append(time.monotonic()))
    win.loader.failed.connect(lambda msg: failed.append(msg))
    typed: list[float] = []
    asked = time.monotonic()

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, QFileDialog):
            edit = dlg.findChild(QLineEdit, "fileNameEdit") or dlg.findChild(QLineEdit)
            edit.setText(path)
            typed.append(gestures.keys(edit, Qt.Key.Key_Return))
        elif time.monotonic() - asked < OPEN_DIALOG_WAIT_S:
            QTimer.singleShot(50, answer)

    QTimer.singleShot(50, answer)
    gestures.keys(win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # returns once the dialog closed
    how = "File > Open (Ctrl+O, file name typed, Return)"
    if not typed:  # no dialog came up: the path the dialog hands over
        typed.append(time.monotonic())
        win.open_files([path])
        how = "MainWindow.open_files (the file dialog did not open)"
    t = typed[0]

    def done() -> bool:  # loaded, refused, or never started (the dialog was closed unanswered)
        idle = not getattr(win.loader, "busy", True) and time.monotonic() - t > LOAD_START_S
        return bool(loaded or failed) or idle

    last = wait_until_painted(_everything(win), done, t, max_wait_s=1800)
    if failed or not loaded or last is None:
        return None, how + f" - not opened: {failed[0] if failed else 'no data arrived'}"
    return last - t, how


def _everything(win) -> PaintWatch:
    """A watch on the window and all its widgets, for the paints after a load."""
    from PySide6.QtWidgets import QWidget

    watch = PaintWatch()
    watch.watch("window", win, *win.findChildren(QWidget))
    return watch


def _gestures(win, rounds: int, notes: list[str]) -> dict:
    """click_to_painted_ms and paints_per_click over `rounds` rounds of the scripted gestures."""
    from .session import Session

    session = Session(win, random.Random(SEED))
    for _ in range(rounds):
        session.play_round()
    clicks = session.clicks
    notes.extend(sorted(set(session.notes))[:8])
    every = [c["ms"] for c in clicks if c["ms"] is not None]
    broad = [c["ms"] for c in clicks if c["ms"] is not None and c["broad"]]
    paints: dict[str, float] = {}
    for c in clicks:
        for name, n in c["paints"].items():
            paints[name] = paints.get(name, 0) + n
    n = max(len(clicks), 1)
    log(f"[{win.controller.dataset.n_rows:,}] real window: click to painted p50 {median(every) or float('nan'):.1f} ms "
        f"(broad {median(broad) or float('nan'):.1f} ms) over {len(every)} gestures")
    return {"click_to_painted_ms_p50": median(every), "click_to_painted_ms_p95": pct(every, 95),
            "click_to_painted_ms_broad_p50": median(broad), "click_to_painted_ms_broad_p95": pct(broad, 95),
            "paints_per_click": {k: round(v / n, 2) for k, v in sorted(paints.items())},
            "click_to_painted_by_gesture": {c["what"]: c["ms"] for c in clicks[:20]},
            "click_to_result_by_gesture": {c["what"]: [c["result_ms"], c["results"]] for c in clicks[:20]},
            "click_to_result_ms_p50": median([c["result_ms"] for c in clicks if c["result_ms"] is not None]),
            "clicks": len(clicks)}
