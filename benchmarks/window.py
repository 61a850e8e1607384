"""The window's figures offscreen, in the size's process: a change through the controller until the
whole window is painted, the map, the report, event-loop stalls, the table's sort and a load."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import GROUP_BY, STACK_BY, STALL_TICK_MS, WINDOW_SIZE, log, median, ms, pct
from .scripted import is_broad


def _report_time(ctrl, ds, tmp, clock) -> dict:
    """report_s: File > Report's work for the whole data set, grouped by year and stacked by drug class
    with suppression: the report made, drawn as an A4 PDF and written (median of three)."""
    from youthdrugs_gui.core.export import write_report
    from youthdrugs_gui.core.filter_state import FilterState
    from youthdrugs_gui.core.report import make_report, to_html
    from youthdrugs_gui.qt.render import html_to_pdf

    times = []
    for i in range(3):
        t0 = clock()
        rep = make_report(ctrl.engine, FilterState(), group_by=GROUP_BY, stack_by=STACK_BY, k=5)
        write_report(Path(tmp) / f"report{i}.pdf", html_to_pdf(to_html(rep, inline_images=False), rep.images),
                     dataset=ds)
        times.append(clock() - t0)
    log(f"[{ds.n_rows:,}] report (PDF) {median(times):.2f} s")
    return {"report_s": median(times)}


def _map_update(win, ctrl, ds, states, clock) -> dict:
    """map_update_ms: after a filter change, the map's own work (recolouring the areas, the legend)
    and the repaint of its view: what the Map tab costs beyond the chart's update. Counts and rates."""
    from youthdrugs_gui.core.cover import heading_lines

    out = {}
    win.views.setCurrentWidget(win.map)
    for mode, key in ((False, "map_update_ms_p50"), (True, "map_update_rates_ms_p50")):
        ctrl.set_rate_mode(mode)
        times = []
        for _, st in states:
            if st == ctrl.state:
                continue
            ctrl.set_state(st)
            ctrl.flush()
            t0 = clock()
            win._show_map(ds, ctrl.result, heading_lines(ds, ctrl.state.describe(ds)))  # the Map tab is open
            win.map.view.viewport().grab()
            times.append(ms(clock() - t0))
        out[key] = median(times)
    ctrl.set_rate_mode(False)
    win.views.setCurrentWidget(win.chart)
    log(f"[{ds.n_rows:,}] map update p50 {out['map_update_ms_p50']:.1f} ms (rates "
        f"{out['map_update_rates_ms_p50']:.1f} ms)")
    return out



def gui_measurements(args, ds, states, per_round) -> dict:
    """Every offscreen window figure of one size (`gui_*`, `map_*`, `report_s`, `ui_stall_*`, `sort_view_*`)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from youthdrugs_gui.qt.app import make_app
    from youthdrugs_gui.qt.mainwindow import MainWindow

    out: dict = {"notes": []}
    app = make_app()
    clock = time.perf_counter
    tmp = tempfile.mkdtemp(prefix="ydbench-qt-")
    try:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(settings)
        win.resize(*WINDOW_SIZE)
        win.show()
        t0 = clock()
        win.show_dataset(ds)
        ctrl = win.controller
        ctrl.set_grouping(GROUP_BY, STACK_BY)
        ctrl.flush()
        QApplication.processEvents()
        win.grab()
        out["gui_show_dataset_ms"] = ms(clock() - t0)
        changer = _Changer(win)
        out.update(_update_times(args, win, changer, states, per_round))
        assert win.model.rowCount() == ctrl.result.n_rows
        out.update(_map_update(win, ctrl, ds, states, clock))
        out.update(_report_time(ctrl, ds, tmp, clock))
        stalls = _Stalls()
        out.update(_filter_stalls(args, ctrl, stalls, states, per_round))
        out.update(_sort_view(args, win, changer, states, per_round))
        log(f"[{ds.n_rows:,}] window update p50 {out['gui_update_ms_p50']:.1f} ms, "
            f"p95 {out['gui_update_ms_p95']:.1f} ms (sorted by count: p50 {out['gui_update_sorted_ms_p50']:.1f} ms)")
        out.update(_load_stall(args, win, stalls, out["notes"]))
        log(f"[{ds.n_rows:,}] stalls: filter {out['ui_stall_filter_ms']:.0f} ms, load "
            f"{(out['ui_stall_load_ms'] or float('nan')):.0f} ms")
        win.loader.cancel()
        win.close()
        win.deleteLater()
        QApplication.processEvents()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    del app
    return out


class _Changer:
    """One filter change through the controller, timed until the whole window is painted."""

    def __init__(self, win) -> None:
        self.win = win
        self.parts: list[tuple[float, float, float]] = []

    def __call__(self, st) -> float | None:
        """Milliseconds from the change to the whole window painted; None if nothing changed."""
        from PySide6.QtWidgets import QApplication

        ctrl = self.win.controller
        if st == ctrl.state:
            return None
        clock = time.perf_counter
        t0 = clock()
        ctrl.set_state(st)  # the controller's public slot: one new FilterState
        ctrl.flush()  # applies it now if the controller was coalescing a burst
        t1 = clock()
        self.win.grab()  # paint the whole window: table, chart, facet lists, status bar
        t2 = clock()
        QApplication.processEvents()  # then what the event loop would do next (layouts, the
        t3 = clock()  # on-screen repaint of the dirty regions): reported apart, not in the update
        self.parts.append((t1 - t0, t2 - t1, t3 - t2))
        return ms(t2 - t0)


def _update_times(args, win, change: _Changer, states, per_round: int) -> dict:
    """gui_update_ms over every scripted change and over the broad ones; where the time goes; the floor."""
    for _, st in states[:per_round]:  # warm-up
        change(st)
    change.parts.clear()
    timed = [(is_broad(what), t) for what, t in ((w, change(st)) for w, st in states) if t is not None]
    t_gui = [t for _, t in timed]
    t_broad = [t for b, t in timed if b]
    parts = change.parts
    out = {"gui_update_ms_p50": median(t_gui), "gui_update_ms_p95": pct(t_gui, 95), "gui_update_ms_max": max(t_gui),
           "gui_update_ms_broad_p50": median(t_broad), "gui_update_ms_broad_p95": pct(t_broad, 95),
           # the controller (engine + every view's update), the paint, and (not in gui_update) the
           # posted events the event loop handles afterwards
           "gui_refresh_ms_p50": median([ms(a) for a, _, _ in parts]),
           "gui_paint_ms_p50": median([ms(b) for _, b, _ in parts]),
           "gui_events_after_ms_p50": median([ms(c) for _, _, c in parts])}
    t_idle = []
    for _ in range(max(5, min(args.reps, 10))):
        t0 = time.perf_counter()
        win.grab()
        t_idle.append(ms(time.perf_counter() - t0))
    out["gui_paint_unchanged_ms_p50"] = median(t_idle)  # grab() with nothing changed: the floor
    return out


class _Stalls:
    """A 5 ms timer on the UI thread: the longest gap between its ticks is the longest the window
    stopped answering."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.ticker = QTimer()
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self.ticker.setInterval(STALL_TICK_MS)
        self.ticker.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    @staticmethod
    def run_loop(until) -> None:
        """Run the event loop until `until()` is true (checked every 20 ms)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start()
        loop.exec()
        poll.stop()

    def max_gap(self, t_from: float, t_to: float) -> float:
        ts = [t_from] + [t for t in self.ticks if t_from <= t <= t_to] + [t_to]
        return ms(max(np.diff(ts))) if len(ts) > 1 else 0.0


def _filter_stalls(args, ctrl, stalls: _Stalls, states, per_round: int) -> dict:
    """ui_stall_filter_ms: filter changes the way gestures arrive, one per event with the loop running."""
    from PySide6.QtCore import QTimer

    clock = time.perf_counter
    spacing = 0.3 if ctrl.dataset.n_rows <= 2_000_000 else 0.6
    stall_states = [st for _, st in (states[:per_round] if not args.quick else states[:4])]
    ctrl.reset()
    ctrl.flush()
    stalls.ticker.start()
    t_changes: list[float] = []
    start = clock() + 0.1
    for i, st in enumerate(stall_states):
        QTimer.singleShot(int((0.1 + i * spacing) * 1000),
                          lambda st=st: (t_changes.append(clock()), ctrl.set_state(st)))
    end = start + len(stall_states) * spacing + 0.2
    stalls.run_loop(lambda: clock() >= end)
    stalls.ticker.stop()
    per_change = [stalls.max_gap(t, t + spacing) for t in t_changes]
    return {"ui_stall_filter_ms": max(per_change) if per_change else None,
            "ui_stall_filter_ms_p50": median(per_change)}


def _sort_view(args, win, change: _Changer, states, per_round: int) -> dict:
    """sort_view_ms: a header click's sort and the table's repaint; then updates with the sort active."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    clock = time.perf_counter
    ctrl = win.controller
    names = win.model.column_names()
    t_view = []
    for _, st in states[:per_round]:
        change(st)
        for col, order in (("force", Qt.SortOrder.AscendingOrder), ("count", Qt.SortOrder.DescendingOrder)):
            t0 = clock()
            win.table.sortByColumn(names.index(col), order)  # as a header click does
            while ctrl.sorting:  # on large data the sort runs on the worker thread: wait for it
                QApplication.processEvents()
                time.sleep(0.0005)
            win.table.viewport().grab()
            t_view.append(ms(clock() - t0))
            QApplication.processEvents()
    t_sorted = [t for t in (change(st) for _, st in states[:per_round * min(args.reps, 3)]) if t is not None]
    return {"sort_view_ms_p50": median(t_view), "gui_update_sorted_ms_p50": median(t_sorted),
            "gui_update_sorted_ms_p95": pct(t_sorted, 95)}


def _load_stall(args, win, stalls: _Stalls, notes: list[str]) -> dict:
    """ui_stall_load_ms: a load through the window's Loader (worker thread), then the swap-in on the UI
    thread, split into the two."""
    clock = time.perf_counter
    stalls.ticks.clear()
    loaded: list[float] = []
    failed: list[str] = []
    win.loader.loaded.connect(lambda *a: loaded.append(clock()))  # after the window's own slot
    win.loader.failed.connect(lambda msg: failed.append(msg))
    stalls.ticker.start()
    t_open = clock()
    win.open_files([str(args.csv)])
    deadline = t_open + 600
    stalls.run_loop(lambda: bool(failed) or clock() > deadline or (bool(loaded) and clock() > loaded[0] + 0.5))
    stalls.ticker.stop()
    if failed or not loaded:
        notes.append(f"the load through the window failed: {failed[:1] or 'timed out'}")
        return {"ui_stall_load_ms": None}
    t_done = loaded[0] + 0.5
    # where the worst gap was: while the worker read the file, or when the UI swapped it in
    before = [t for t in stalls.ticks if t < loaded[0]]
    last_tick_before = before[-1] if before else t_open
    return {"ui_stall_load_ms": stalls.max_gap(t_open, t_done),
            "ui_stall_load_worker_ms": stalls.max_gap(t_open, last_tick_before),
            "ui_stall_load_swap_ms": stalls.max_gap(last_tick_before, t_done),
            "load_window_s": loaded[0] - t_open}
