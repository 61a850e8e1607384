"""The engine's figures for one data set size, in a fresh process: the engine, pandas and DuckDB timed
interleaved over the scripted changes, sorting, exporting; then the window's figures (offscreen)."""
from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import (GROUP_BY, SLOW_PATH_ROUNDS, SLOW_PATH_ROWS, STACK_BY, duckdb_available, loadavg, log, median,
                     ms, pct)
from .reference import DuckWay, PandasWay, compare, engine_norm, facet_columns
from .scripted import is_broad, make_states


def child_size(args) -> dict:
    """Every figure of one size but loads and start-up (measured in their own processes)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_SCALE_FACTOR", "1")
    from youthdrugs_gui.core.engine import Engine
    from youthdrugs_gui.core.sources import load_files

    from .window import gui_measurements

    out: dict = {"rows": args.size, "notes": [], "loadavg_start": loadavg()}
    t0 = time.perf_counter()
    ds = load_files(args.parquet)
    out["load_in_process_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    eng = Engine(ds)
    out["engine_build_ms"] = ms(time.perf_counter() - t0)
    states = make_states(ds, args.reps)
    per_round = len(states) // max(args.reps, 1)
    out.update(_engine_against_references(args, ds, eng, states, per_round, out["notes"]))
    gc.collect()
    out.update(_sorting(args, ds, eng, states, per_round))
    out.update(_export(args, ds))
    log(f"[{args.size:,}] sort p50 {out['sort_ms_p50']:.1f} ms, export {out['export_csv_s']:.2f} s")
    gui = gui_measurements(args, ds, states, per_round)
    out["notes"] += gui.pop("notes", [])
    out.update(gui)
    out["loadavg_end"] = loadavg()
    return out


def _references(args, ds, notes: list[str]) -> tuple[PandasWay, DuckWay | None, dict]:
    """The pandas way and (when installed and wanted) the DuckDB way, built untimed."""
    pw = PandasWay(ds)
    dw = None
    out: dict = {}
    if args.duckdb and duckdb_available():
        dw = DuckWay(ds)
        out["duckdb_version"] = dw.duckdb_version
        out["duckdb_threads"] = dw.threads
    elif args.duckdb:
        notes.append("duckdb is not installed (pip install -e '.[bench]'): its figures are null")
    return pw, dw, out


def _verify(ds, eng, pw, dw, states, notes: list[str]) -> dict:
    """Warm-up and check, untimed: pandas and DuckDB must give the engine's rows, counts and series."""
    facets = facet_columns(ds)
    cats = {c: ds.categories(c) for c in facets}
    mism_p, mism_d = [], []
    for what, st in states:
        e = engine_norm(eng.apply(st, GROUP_BY, STACK_BY), cats)
        d = compare(e, PandasWay.norm(pw.apply(st, GROUP_BY, STACK_BY)), facets)
        if d:
            mism_p.append(f"{what}: {d}")
        if dw is not None:
            d = compare(e, DuckWay.norm(dw.apply(st, GROUP_BY, STACK_BY)), facets)
            if d:
                mism_d.append(f"{what}: {d}")
    notes.extend(f"pandas result differs from the engine's ({m})" for m in mism_p[:3])
    notes.extend(f"DuckDB result differs from the engine's ({m})" for m in mism_d[:3])
    log(f"[{ds.n_rows:,}] verified on {len(states)} states: pandas {'same' if not mism_p else 'DIFFERENT'}"
        + ("" if dw is None else f", DuckDB {'same' if not mism_d else 'DIFFERENT'}"))
    return {"pandas_same_counts": not mism_p, "duckdb_same_counts": (not mism_d) if dw is not None else None}


def _engine_against_references(args, ds, eng, states, per_round: int, notes: list[str]) -> dict:
    """filter_ms, pandas_ms, duckdb_ms: the three timed state by state, who goes first rotating, so that
    load on the machine hits them alike; the broad changes also apart."""
    pw, dw, out = _references(args, ds, notes)
    slow_rounds = args.reps
    if args.size > SLOW_PATH_ROWS and not args.quick and args.reps > SLOW_PATH_ROUNDS:
        slow_rounds = SLOW_PATH_ROUNDS
        notes.append(f"pandas and DuckDB ran {slow_rounds} of the {args.reps} rounds at this size "
                     f"({slow_rounds * per_round} filter changes) to keep the run short")
    out["filter_changes"] = len(states)
    out["slow_path_changes"] = slow_rounds * per_round
    out.update(_verify(ds, eng, pw, dw, states[:per_round], notes))

    times: dict[str, list[tuple[bool, float]]] = {"e": [], "p": [], "d": []}
    per_kind: dict[str, list[float]] = {}
    clock = time.perf_counter
    gc.collect()
    for i, (what, st) in enumerate(states):
        jobs = [("e", lambda: eng.apply(st, GROUP_BY, STACK_BY))]
        if i < slow_rounds * per_round:
            jobs.append(("p", lambda: pw.apply(st, GROUP_BY, STACK_BY)))
            if dw is not None:
                jobs.append(("d", lambda: dw.apply(st, GROUP_BY, STACK_BY)))
        k = i % len(jobs)
        for name, fn in jobs[k:] + jobs[:k]:  # rotate who goes first
            t0 = clock()
            fn()
            dt = ms(clock() - t0)
            times[name].append((is_broad(what), dt))
            if name == "e":
                per_kind.setdefault(what.split(" ")[0], []).append(dt)
        if i % per_round == per_round - 1:
            gc.collect()
    out.update(_timing_figures(times, dw is not None))
    out["filter_ms_p50_by_change"] = {k: median(v) for k, v in sorted(per_kind.items())}
    log(f"[{args.size:,}] engine p50 {out['filter_ms_p50']:.1f} ms (broad {out['filter_ms_broad_p50']:.1f} ms), "
        f"pandas p50 {out['pandas_ms_p50']:.1f} ms"
        + ("" if dw is None else f", DuckDB p50 {out['duckdb_ms_p50']:.1f} ms"))
    return out


def _timing_figures(times: dict[str, list[tuple[bool, float]]], with_duckdb: bool) -> dict:
    """Percentiles over every change and over the broad ones, and the ratios of the medians."""
    every = {k: [t for _, t in v] for k, v in times.items()}
    broad = {k: [t for b, t in v if b] for k, v in times.items()}
    t_eng, t_pd, t_dd = every["e"], every["p"], every["d"]
    out = {"filter_ms_p50": median(t_eng), "filter_ms_p95": pct(t_eng, 95), "filter_ms_max": max(t_eng),
           "filter_ms_broad_p50": median(broad["e"]), "filter_ms_broad_p95": pct(broad["e"], 95),
           "pandas_ms_p50": median(t_pd), "pandas_ms_p95": pct(t_pd, 95),
           "pandas_ms_broad_p50": median(broad["p"]),
           "duckdb_ms_p50": median(t_dd) if with_duckdb else None,
           "duckdb_ms_p95": pct(t_dd, 95) if with_duckdb else None,
           "duckdb_ms_broad_p50": median(broad["d"]) if with_duckdb else None}
    # Ratios of medians over the same states (slow-path rounds only, when reduced).
    n_slow = len(t_pd)
    e_same = median(t_eng[:n_slow]) if n_slow else None
    out["pandas_over_engine"] = (median(t_pd) / e_same) if (n_slow and e_same) else None
    out["duckdb_over_engine"] = (median(t_dd) / e_same) if (with_duckdb and t_dd and e_same) else None
    return out


def _sorting(args, ds, eng, states, per_round: int) -> dict:
    """Engine.sort_rows of the filtered rows by a category and by count; then every row, first on a new
    engine (a header click with no filter) and half of them once that order is kept."""
    from youthdrugs_gui.core.engine import Engine

    clock = time.perf_counter
    out: dict = {}
    results = [eng.apply(st, GROUP_BY, STACK_BY).rows for _, st in states[:per_round]]
    t_cat, t_cnt = [], []
    for i in range(max(args.reps, 3)):
        rows = results[i % len(results)]
        t0 = clock()
        eng.sort_rows(rows, "force")
        t_cat.append(ms(clock() - t0))
        t0 = clock()
        eng.sort_rows(rows, "count", descending=True)
        t_cnt.append(ms(clock() - t0))
    out["sort_ms_p50"] = median(t_cat + t_cnt)
    out["sort_cat_ms_p50"] = median(t_cat)
    out["sort_count_ms_p50"] = median(t_cnt)
    all_rows = np.arange(ds.n_rows, dtype=np.int64)
    cold = Engine(ds)
    for key, col, desc in (("cat", "force", False), ("count", "count", True)):
        t0 = clock()
        cold.sort_rows(all_rows, col, descending=desc)
        out[f"sort_all_rows_{key}_ms"] = ms(clock() - t0)
        half = all_rows[::2]
        t0 = clock()
        cold.sort_rows(half, col, descending=desc)
        out[f"sort_half_rows_{key}_cached_ms"] = ms(clock() - t0)
    return out


def _export(args, ds) -> dict:
    """export_csv_s: every row written to CSV with its provenance file, in a temporary folder."""
    from youthdrugs_gui.core import export as export_mod

    all_rows = np.arange(ds.n_rows, dtype=np.int64)
    n_export = 1 if (args.quick or args.size > SLOW_PATH_ROWS) else 3
    out: dict = {"export_csv_runs": n_export}
    t_exp = []
    with tempfile.TemporaryDirectory(prefix="ydbench-") as tmp:
        for i in range(n_export):
            target = Path(tmp) / f"export-{i}.csv"
            t0 = time.perf_counter()
            export_mod.export_rows(ds, all_rows, target)
            t_exp.append(time.perf_counter() - t0)
            out["export_csv_mb"] = target.stat().st_size / 1e6
            target.unlink()
    out["export_csv_s"] = median(t_exp)
    return out
