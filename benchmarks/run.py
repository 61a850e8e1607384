#!/usr/bin/env python
"""Benchmark of the explorer: the filter engine against idiomatic pandas and DuckDB, the window's update
time, sorting, loading, exporting, memory and start-up, on synthetic data sets of several sizes; and what
the user waits for in the real window on an X server.

    .venv/bin/python benchmarks/run.py [--rows 100000,1000000,5000000] [--reps 20] [--json OUT.json]
                                        [--markdown OUT.md] [--quick] [--no-duckdb] [--no-window] [--cache DIR]

Data sets come from the sample generator (`generate(rows=N)`) and are cached as Parquet and CSV under
benchmarks/cache/ (git-ignored), reused while the generator is unchanged. Each size is measured in a
fresh child process (so sizes do not share memory or caches); loads, peak memory, start-up and the real
window are measured in further fresh processes. The script measures and reports; it never fails on a
timing.

Figures are milliseconds unless the key says otherwise (`_s` seconds, `_mb` megabytes). p50 / p95 are
taken over every filter change of `--reps` rounds of a fixed, seeded script of changes (tick a force, move
the age range, change a class, type in search, broad changes of several filters at once, reset ...), the
engine, pandas and DuckDB being timed interleaved state by state so that load on the machine affects them
alike. The real-window figures (`click_to_painted_ms`, `paints_per_click`, `open_*_to_painted_s`,
`startup_to_painted_s`, `window_rss_mb`) need an X server: the one in DISPLAY, or Xvfb started for the run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import DEFAULT_REPS, DEFAULT_ROWS, GROUP_BY, STACK_BY, WINDOW_SIZE, log  # noqa: E402
from benchmarks.report import (  # noqa: E402,F401 (REQUIRED_KEYS and TARGETS are read by the tests)
    REQUIRED_KEYS,
    TARGETS,
    machine_info,
    print_table,
    render_markdown,
    source_state,
    verdicts,
)

CHILDREN = ("size", "load", "window", "startup", "distinct")


def make_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default=DEFAULT_ROWS, help=f"comma-separated data set sizes (default {DEFAULT_ROWS})")
    ap.add_argument("--reps", type=int, default=DEFAULT_REPS,
                    help="rounds of the script of filter changes (each about fifteen changes; default 20)")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    ap.add_argument("--markdown", type=Path, help="write the figures as Markdown tables to this file")
    ap.add_argument("--quick", action="store_true",
                    help="one run (not 3 or 5) of each subprocess measurement, fewer stall changes and one round "
                         "of gestures in the real window: for CI")
    ap.add_argument("--no-duckdb", dest="duckdb", action="store_false", help="leave DuckDB out (figures null)")
    ap.add_argument("--no-window", dest="window", action="store_false",
                    help="leave out the real window on an X server (its figures null)")
    ap.add_argument("--cache", type=Path, default=HERE / "cache", help="where generated data sets are kept")
    ap.add_argument("--only-window", action="store_true",
                    help="only the real window's figures (start-up, opens, clicks, paints, memory): to try a change")
    # internal: the child processes
    ap.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    return ap


def run_as_child(args) -> int:
    """The work of one child process; its figures as one JSON line on stdout."""
    if args.child == "size":
        from benchmarks.compute import child_size as work
    elif args.child == "load":
        from benchmarks.processes import child_load as work
    elif args.child == "window":
        from benchmarks.real_window import child_window as work
    elif args.child == "distinct":
        from benchmarks.real_window import child_distinct as work
    else:
        from benchmarks.real_window import child_startup as work
    print(json.dumps(work(args)))
    return 0


def measure_size(args, n: int, sub_runs: int) -> dict:
    """Every figure of one size: its own process, then loads in fresh processes."""
    from benchmarks.datasets import ensure_data
    from benchmarks.distinct import ensure_distinct_csv, measure_info
    from benchmarks.processes import measure_loads, run_child

    pq_path, csv_path = ensure_data(n, args.cache)
    log(f"[{n:,}] measuring in a fresh process ...")
    child = ["--child", "size", "--size", str(n), "--parquet", str(pq_path), "--csv", str(csv_path),
             "--reps", str(args.reps)]
    if args.quick:
        child.append("--quick")
    if not args.duckdb:
        child.append("--no-duckdb")
    run = run_child(child)
    log(f"[{n:,}] loading CSV and Parquet in fresh processes ({sub_runs} each) ...")
    lc = measure_loads(csv_path, sub_runs)
    lp = measure_loads(pq_path, sub_runs)
    run.update({
        "load_csv_s": lc["load_s"], "load_parquet_s": lp["load_s"], "load_runs": sub_runs,
        "load_csv_all_s": lc["all_load_s"], "load_parquet_all_s": lp["all_load_s"],
        "rss_csv_mb": lc["rss_mb"], "rss_parquet_mb": lp["rss_mb"],
        "rss_mb": max(lc["rss_mb"], lp["rss_mb"]),
        "rss_after_imports_mb": lp["rss_after_imports_mb"],
        "csv_mb": csv_path.stat().st_size / 1e6, "parquet_mb": pq_path.stat().st_size / 1e6,
    })
    log(f"[{n:,}] load CSV {run['load_csv_s']:.2f} s, Parquet {run['load_parquet_s']:.2f} s, "
        f"peak RSS {run['rss_mb']:.0f} MB")
    wide = ensure_distinct_csv(csv_path)
    log(f"[{n:,}] youthdrugs-gui info on the CSV with and without a column of {n:,} references ...")
    run.update(measure_info(csv_path, wide, sub_runs))
    log(f"[{n:,}] info {run['distinct_info_plain_s']:.2f} s without, {run['distinct_info_s']:.2f} s with "
        f"({run['distinct_info_ratio']:.2f}x)")
    return run


def _as_installed(cache: Path) -> None:
    """Child processes keep compiled bytecode, as an installed program has (pip compiles it on install),
    in a folder of the cache rather than beside the sources, whatever PYTHONDONTWRITEBYTECODE says."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str((cache / "pycache").resolve())


def main(argv: list[str] | None = None) -> int:
    ap = make_parser()
    args = ap.parse_args(argv)
    if args.child:
        return run_as_child(args)

    from benchmarks.datasets import generator_tag
    from benchmarks.processes import measure_real_windows, measure_startup

    _as_installed(args.cache)
    sizes = [int(s.replace("_", "")) for s in str(args.rows).split(",") if s.strip()]
    if args.reps < 1 or not sizes or any(n < 1000 for n in sizes):
        ap.error("--reps must be at least 1 and every size at least 1000 rows")
    t_start = time.perf_counter()
    result: dict = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": machine_info(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "reps": args.reps,
        "quick": args.quick,
        "group_by": GROUP_BY,
        "stack_by": STACK_BY,
        "window": list(WINDOW_SIZE),
        "generator": generator_tag(),
        "source": source_state(),
        "runs": [],
        "notes": [],
    }
    sub_runs = 1 if args.quick else 3
    if args.only_window:
        result["runs"] = [{"rows": n, "notes": []} for n in sizes]
    else:
        startup_runs = 1 if args.quick else 5
        log(f"start-up: {startup_runs} run(s) of youthdrugs-gui --exit-after-start ...")
        result.update(measure_startup(startup_runs))
        for n in sizes:
            result["runs"].append(measure_size(args, n, sub_runs))
    measure_real_windows(args, result, 1 if args.quick else 5)
    result["targets"] = verdicts(result)
    result["elapsed_s"] = time.perf_counter() - t_start
    print_table(result)
    log(f"done in {result['elapsed_s'] / 60:.1f} min")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(render_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
