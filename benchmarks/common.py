"""What every part of the benchmark shares: where it lives, the chart it draws, the clock and the
statistics of a list of timings."""
from __future__ import annotations

import os
import resource
import statistics
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUN = HERE / "run.py"

DEFAULT_ROWS = "100000,1000000,5000000"
DEFAULT_REPS = 20
SEED = 4
GROUP_BY = "financial_year"  # the window's default chart grouping ...
STACK_BY = "drug_class"  # ... stacked by drug class
WINDOW_SIZE = (1440, 900)
STALL_TICK_MS = 5
# Above this many rows the (slow) pandas and DuckDB paths run fewer rounds than --reps (said in the
# output). The default sizes stay below it: the whole default run takes about 6 minutes on 2 cores.
SLOW_PATH_ROWS = 10_000_000
SLOW_PATH_ROUNDS = 8


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def pct(values: list[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 / (1024.0 if sys.platform == "darwin" else 1.0)


def duckdb_available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def loadavg() -> list[float] | None:
    """The machine's load average (1, 5, 15 min): it is shared, so this says how busy it was."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
