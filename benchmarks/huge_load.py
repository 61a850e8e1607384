"""Opening a ~1 GB CSV in the window: does the window keep answering, does the progress bar move, can the
load be cancelled (the data that was open staying open), and how much memory does it take?

    python benchmarks/huge_load.py                 # ~1 GB (10 x 1M synthetic rows) in a temporary folder
    python benchmarks/huge_load.py --copies 2      # ~200 MB, quicker
    python benchmarks/huge_load.py --keep /tmp/big.csv   # reuse (or keep) the generated file

The file is data/generate.py's generate(1M rows) written once and repeated (about 10M rows). The
measuring runs in a fresh process (so the generator's memory does not count), offscreen, with a 5 ms
QTimer on the UI thread: the longest gap between its ticks is the longest the window stops answering.
First a load is cancelled at about 50% (as the Cancel button does) and the sample must still be open;
then the whole file is loaded. Peak RSS is the process's high-water mark (ru_maxrss). A benchmark, not
a test: it prints figures and never fails the test run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_file(path: Path, copies: int, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from data.generate import generate

    t = time.perf_counter()
    text = generate(rows=rows).to_csv(index=False, lineterminator="\n")
    head, _, body = text.partition("\n")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(head + "\n")
        for _ in range(copies):
            f.write(body)
    print(f"wrote {path} ({path.stat().st_size / 1e9:.2f} GB, {copies * rows:,} rows) "
          f"in {time.perf_counter() - t:.0f} s", flush=True)


def _rss_now() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def measure(path: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from youthdrugs_gui.qt.mainwindow import MainWindow

    settings_file = Path(tempfile.mkdtemp()) / "s.ini"
    win = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat))
    win.open_sample()
    win.show()
    app.processEvents()
    sample = win.dataset
    base_rss = _rss_now()
    figures: dict = {"file_bytes": path.stat().st_size, "baseline_rss_bytes": base_rss}

    clock = QElapsedTimer()
    clock.start()
    gaps: list[tuple[int, int]] = []  # (when it ended, how long), ms
    last = [clock.elapsed()]
    ticker = QTimer()
    ticker.setInterval(5)

    def tick() -> None:
        now = clock.elapsed()
        gaps.append((now, now - last[0]))
        last[0] = now

    ticker.timeout.connect(tick)

    def run(cancel_at: float | None) -> dict:
        progress: list[tuple[int, float]] = []
        done = {"loaded": False, "cancelled": False, "failed": None}
        conns = [
            win.loader.progress.connect(lambda f: progress.append((clock.elapsed(), f))),
            win.loader.loaded.connect(lambda *a: done.__setitem__("loaded", clock.elapsed())),
            win.loader.cancelled.connect(lambda: done.__setitem__("cancelled", True)),
            win.loader.failed.connect(lambda m: done.__setitem__("failed", m)),
        ]
        gaps.clear()
        last[0] = clock.elapsed()
        ticker.start()
        t0 = clock.elapsed()
        cancelled_at = None
        win.open_files([str(path)])
        while not (done["loaded"] or done["cancelled"] or done["failed"]):
            app.processEvents()
            if cancel_at is not None and cancelled_at is None and progress and progress[-1][1] >= cancel_at:
                cancelled_at = clock.elapsed()
                win.cancel_button.click()  # what the user does
            time.sleep(0.001)
        end = clock.elapsed()
        # let the worker finish and the window settle before the next run
        while win.loader.busy:
            app.processEvents()
            time.sleep(0.001)
        ticker.stop()
        for signal, conn in zip((win.loader.progress, win.loader.loaded, win.loader.cancelled, win.loader.failed),
                                conns):
            signal.disconnect(conn)
        steps = [b[0] - a[0] for a, b in zip(progress, progress[1:])]
        worst = max(gaps, key=lambda g: g[1]) if gaps else (0, None)
        loaded_at = done["loaded"] if done["loaded"] else None
        return {
            "seconds": (end - t0) / 1000,
            "longest_event_loop_gap_ms": worst[1],
            "longest_gap_ended_at_s": round((worst[0] - t0) / 1000, 2),
            "loaded_signal_at_s": round((loaded_at - t0) / 1000, 2) if loaded_at else None,
            "longest_gap_while_loading_ms": max((g for w, g in gaps if loaded_at is None or w <= loaded_at),
                                                default=None),
            "event_loop_gaps_over_100_ms": sum(1 for _, g in gaps if g > 100),
            "progress_updates": len(progress),
            "distinct_progress_values": len({round(f, 3) for _, f in progress}),
            "longest_time_between_progress_updates_ms": max(steps) if steps else None,
            "cancel_to_cancelled_ms": (end - cancelled_at) if cancelled_at is not None else None,
            "progress_at_cancel": progress[-1][1] if cancelled_at is not None and progress else None,
            "outcome": ("loaded" if done["loaded"] else "cancelled" if done["cancelled"]
                        else f"failed: {done['failed']}"),
        }

    figures["cancel_run"] = run(cancel_at=0.5)
    figures["cancel_run"]["previous_data_still_open"] = win.dataset is sample and win.dataset.synthetic
    figures["full_run"] = run(cancel_at=None)
    ds = win.dataset
    if ds is not None and not ds.synthetic:
        frame_bytes = int(ds.frame.memory_usage(deep=True).sum())
        figures["rows_loaded"] = ds.n_rows
        figures["frame_bytes"] = frame_bytes
    figures["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    figures["rss_after_bytes"] = _rss_now()
    if "frame_bytes" in figures:
        figures["peak_rss_over_baseline_per_frame_byte"] = round(
            (figures["peak_rss_bytes"] - base_rss) / figures["frame_bytes"], 2)
    win.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=10, help="how many times the 1M-row block is written (10: ~1 GB)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in the generated block")
    ap.add_argument("--keep", type=Path, help="write the CSV here and keep it (reused if it exists)")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    opts = ap.parse_args(argv)
    if opts.measure:
        print(json.dumps(measure(opts.measure)), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as d:
        path = opts.keep or Path(d) / "huge.csv"
        if not path.exists():
            make_file(path, opts.copies, opts.rows)
        child = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True,
                               cwd=str(ROOT))
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    mb = 1e6
    print(f"file: {figures['file_bytes'] / mb:,.0f} MB; window and sample before loading: "
          f"{figures['baseline_rss_bytes'] / mb:,.0f} MB RSS")
    for name in ("cancel_run", "full_run"):
        r = figures[name]
        print(f"{name}: {r['outcome']} after {r['seconds']:.1f} s; longest event-loop gap "
              f"{r['longest_event_loop_gap_ms']} ms at {r['longest_gap_ended_at_s']} s, "
              f"{r['longest_gap_while_loading_ms']} ms before the data was handed to the window "
              f"({r['event_loop_gaps_over_100_ms']} gaps over 100 ms); "
              f"{r['progress_updates']} progress updates ({r['distinct_progress_values']} distinct), longest "
              f"{r['longest_time_between_progress_updates_ms']} ms apart")
        if r["cancel_to_cancelled_ms"] is not None:
            print(f"  cancelled at {r['progress_at_cancel']:.0%}: stopped {r['cancel_to_cancelled_ms']} ms after the "
                  f"click; the sample still open: {r['previous_data_still_open']}")
    if "frame_bytes" in figures:
        print(f"loaded {figures['rows_loaded']:,} rows; categorical frame {figures['frame_bytes'] / mb:,.0f} MB; "
              f"peak RSS {figures['peak_rss_bytes'] / mb:,.0f} MB "
              f"({figures['peak_rss_over_baseline_per_frame_byte']}x the frame above the baseline); "
              f"RSS after {figures['rss_after_bytes'] / mb:,.0f} MB")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
