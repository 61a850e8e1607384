"""A column with as many distinct values as rows (a case reference on every row): the same CSV with and
without it, through `youthdrugs-gui info` and File > Open in the real window, and a search for one
reference in the window.

- distinct_info_s / distinct_info_plain_s: `youthdrugs-gui info FILE`, process start to exit (median).
- distinct_open_to_painted_s / distinct_open_plain_to_painted_s: File > Open of each in the real window, to
  painted (the plain file first, in the same process).
- distinct_search_ms: typing a whole reference into Search (one key press after another, as a user types),
  from the first key to the last paint.
- distinct_info_ratio, distinct_open_ratio: with the column over without it.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .common import log, median

COLUMN = "case_reference"


def ensure_distinct_csv(csv_path: Path) -> Path:
    """The data set's CSV with a last column of a different reference on every row, made once beside it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out = csv_path.with_name(csv_path.stem + "-references.csv")
    if out.exists():
        return out
    t0 = time.perf_counter()
    table = pacsv.read_csv(csv_path)
    n = table.num_rows
    # Shuffled, so that neither the file's order nor the category order is the order of the rows.
    numbers = np.random.default_rng(7).permutation(n) + 1_000_000
    refs = pa.array(np.char.add("YJ-", numbers.astype("U12")).astype(object), type=pa.string())
    tmp = out.with_suffix(".csv.part")
    pacsv.write_csv(table.append_column(COLUMN, refs), tmp)
    tmp.replace(out)
    log(f"[{n:,}] a CSV with a {COLUMN} column written in {time.perf_counter() - t0:.1f} s")
    return out


def reference_in(path: Path) -> str:
    """One reference from the middle of the file's first rows (what a user would search for)."""
    with open(path, encoding="utf-8") as f:
        f.readline()
        lines = [f.readline() for _ in range(50)]
    return lines[25].rstrip("\n").split(",")[-1].strip('"')


def info_seconds(path: Path, runs: int) -> float | None:
    """Median wall time of `youthdrugs-gui info FILE`."""
    exe = Path(sys.executable).parent / "youthdrugs-gui"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "youthdrugs_gui"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run([*cmd, "info", str(path)], capture_output=True, text=True, timeout=3600)
        if p.returncode == 0:
            times.append(time.perf_counter() - t0)
    return median(times)


def measure_info(csv_path: Path, wide_path: Path, runs: int) -> dict:
    """`info` on the file with and without the reference column, alternated."""
    plain, wide = [], []
    for _ in range(runs):
        plain.append(info_seconds(csv_path, 1))
        wide.append(info_seconds(wide_path, 1))
    p, w = median([t for t in plain if t]), median([t for t in wide if t])
    return {"distinct_info_plain_s": p, "distinct_info_s": w,
            "distinct_info_ratio": None if not p or not w else w / p}


def window_script(args):
    """The real-window part (run in a window child): open the plain CSV, then the one with references
    (alternated twice, once with --quick), then search for one reference."""
    from .common import median
    from .real_window import _activate, _open_file

    def script(win, watch, out) -> None:
        from .common import WINDOW_SIZE

        win.resize(*WINDOW_SIZE)
        win.move(0, 0)
        _activate(win)
        plains, wides, how = [], [], ""
        for _ in range(1 if args.quick else 2):
            plains.append(_open_file(win, str(args.csv))[0])
            seconds, how = _open_file(win, str(args.file))
            wides.append(seconds)
        plain = median([t for t in plains if t])
        wide = None if None in wides else median(wides)
        out["distinct_open_plain_to_painted_s"] = plain
        out["distinct_open_to_painted_s"] = wide
        out["distinct_open_runs"] = {"plain": plains, "references": wides}
        out["distinct_open_ratio"] = None if not plain or not wide else wide / plain
        if wide is None:
            out["notes"].append(f"the file with references did not open: {how}")
            return
        out["distinct_search_ms"] = _search(win, reference_in(args.file), out["notes"])
        out["distinct_table_shows_text"] = _shown_as_text(win)

    return script


def _search(win, reference: str, notes: list[str]) -> float | None:
    """Milliseconds from the first key of the reference typed into Search to the last paint, once the
    table shows the one row."""
    import random

    from . import gestures
    from .common import SEED
    from .session import Session

    session = Session(win, random.Random(SEED))
    session.measure(f"search '{reference}' (typed)", lambda: gestures.type_text(session.search, reference))
    notes.extend(session.notes)
    if not session.clicks:
        return None
    rows = len(win.controller.result.rows) if win.controller.result is not None else -1
    if rows != 1:
        notes.append(f"searching for {reference} left {rows} rows, not 1")
    return session.clicks[-1]["ms"]


def _shown_as_text(win) -> bool:
    """Whether the reference column is a column of the table and not a list of values to tick."""
    from PySide6.QtWidgets import QListWidget

    model = win.table.model() if hasattr(win, "table") else None
    in_table = model is not None and COLUMN in model.column_names()
    listed = any(lw.accessibleName().lower().startswith(COLUMN.replace("_", " "))
                 for lw in win.findChildren(QListWidget))
    return in_table and not listed
