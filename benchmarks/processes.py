"""Measurements in fresh processes: a load (its time and peak memory are its own), start-up, and the
way every child process is run and read."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import GROUP_BY, RUN, STACK_BY, log, median, ms, peak_rss_mb
from .scripted import make_states


def child_load(args) -> dict:
    """One load of `args.file`, the engine built on it and one round of filters: times and peak memory."""
    from youthdrugs_gui.core.engine import Engine
    from youthdrugs_gui.core.sources import load_files

    rss_before = peak_rss_mb()
    t0 = time.perf_counter()
    ds = load_files(args.file)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    eng = Engine(ds)
    build_ms = ms(time.perf_counter() - t0)
    for _, st in make_states(ds, 1):
        eng.apply(st, GROUP_BY, STACK_BY)
    return {"load_s": load_s, "engine_build_ms": build_ms, "rss_mb": peak_rss_mb(),
            "rss_after_imports_mb": rss_before, "rows": ds.n_rows}


def run_child(argv: list[str], timeout: float = 3600, env: dict[str, str] | None = None) -> dict:
    """Run benchmarks/run.py in a fresh interpreter with the given child arguments; its last stdout line is
    JSON. Offscreen unless `env` says otherwise."""
    env = dict(os.environ if env is None else env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    p = subprocess.run([sys.executable, str(RUN), *argv], capture_output=True, text=True,
                       timeout=timeout, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"child {' '.join(argv)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    if p.stderr.strip():
        for line in p.stderr.strip().splitlines():
            if line.startswith("["):
                log(line)
    return json.loads(p.stdout.strip().splitlines()[-1])


def measure_loads(path: Path, runs: int) -> dict:
    """Medians of `runs` fresh-process loads of one file."""
    res = [run_child(["--child", "load", "--file", str(path)]) for _ in range(runs)]
    return {"load_s": median([r["load_s"] for r in res]), "rss_mb": median([r["rss_mb"] for r in res]),
            "engine_build_ms": median([r["engine_build_ms"] for r in res]),
            "rss_after_imports_mb": median([r["rss_after_imports_mb"] for r in res]),
            "all_load_s": [r["load_s"] for r in res]}


def measure_startup(runs: int) -> dict:
    """Wall time of `youthdrugs-gui --exit-after-start` (offscreen, empty settings), process start to exit."""
    exe = Path(sys.executable).parent / "youthdrugs-gui"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "youthdrugs_gui"]
    times = []
    err = ""
    with tempfile.TemporaryDirectory(prefix="ydbench-start-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(Path(tmp) / "config"),
                   XDG_DATA_HOME=str(Path(tmp) / "data"), XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        for i in range(runs + 1):  # the first, uncounted, compiles what an install would have compiled
            t0 = time.perf_counter()
            p = subprocess.run([*cmd, "--exit-after-start"], capture_output=True, text=True, env=env, timeout=300)
            dt = time.perf_counter() - t0
            if p.returncode == 0 and i > 0:
                times.append(dt)
            else:
                err = p.stderr[-500:]
    return {"startup_s": median(times), "startup_runs": times, "startup_command": " ".join(
        [Path(cmd[0]).name, *cmd[1:], "--exit-after-start"]), **({"startup_error": err} if err else {})}



def _window_child(argv: list[str], env: dict[str, str], timeout: float) -> dict:
    """A real-window child on the X server, with empty settings of its own, timed from its start."""
    from .real_window import SPAWNED_ENV

    with tempfile.TemporaryDirectory(prefix="ydbench-window-") as tmp:
        env = dict(env, XDG_CONFIG_HOME=str(Path(tmp) / "config"), XDG_DATA_HOME=str(Path(tmp) / "data"),
                   XDG_CACHE_HOME=str(Path(tmp) / "cache"), HOME=tmp)
        env[SPAWNED_ENV] = repr(time.monotonic())
        try:
            return run_child(argv, timeout=timeout, env=env)
        except (RuntimeError, subprocess.SubprocessError) as exc:  # a benchmark reports and goes on
            return {"notes": [f"the real window did not run: {str(exc)[-600:]}"]}


def measure_real_windows(args, result: dict, runs: int) -> None:
    """startup_to_painted_s (median of `runs`) and, per size, the real window's figures, on an X server."""
    from .datasets import ensure_data
    from .distinct import ensure_distinct_csv
    from .xserver import x_display

    if not args.window:
        return
    with x_display() as (env, how):
        result["x_server"] = how
        if env is None:
            result["notes"].append(how)
            log(how)
            return
        log(f"real window on {how}: start-up, {runs} run(s) ...")
        starts = [_window_child(["--child", "startup"], env, 300) for _ in range(runs + 1)][1:]  # 1st: bytecode
        times = [s["startup_to_painted_s"] for s in starts if s.get("startup_to_painted_s") is not None]
        result["startup_to_painted_s"] = median(times)
        result["startup_to_painted_runs"] = times
        result["notes"].extend(n for s in starts for n in s.get("notes", []))
        for run in result["runs"]:
            n = run["rows"]
            pq_path, csv_path = ensure_data(n, args.cache)
            log(f"[{n:,}] the real window: File > Open, gestures, File > Open of the CSV ...")
            child = ["--child", "window", "--size", str(n), "--parquet", str(pq_path), "--csv", str(csv_path),
                     "--reps", str(args.reps)] + (["--quick"] if args.quick else [])
            figures = _window_child(child, env, 3600)
            run["notes"] += figures.pop("notes", [])
            figures.pop("rows", None)
            figures.pop("startup_to_painted_s", None)  # measured apart, once
            run.update(figures)
            wide = ensure_distinct_csv(csv_path)
            log(f"[{n:,}] the real window: File > Open of the CSV without and with a reference per row, "
                f"a search for one ...")
            figures = _window_child(["--child", "distinct", "--size", str(n), "--csv", str(csv_path),
                                     "--file", str(wide)] + (["--quick"] if args.quick else []), env, 3600)
            run["notes"] += figures.pop("notes", [])
            figures.pop("rows", None)
            run.update(figures)
