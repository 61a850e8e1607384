"""The report: which figures there are and their targets, the machine and the code measured, and the
figures as a plain-text table and as Markdown."""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import numpy as np

from .common import ROOT

REQUIRED_KEYS = (
    "filter_ms_p50", "filter_ms_p95", "pandas_ms_p50", "duckdb_ms_p50", "gui_update_ms_p50",
    "gui_update_ms_p95", "sort_ms_p50", "load_csv_s", "load_parquet_s", "export_csv_s", "rss_mb",
    "ui_stall_filter_ms", "ui_stall_load_ms",
)

# The targets of issue 4: (key, rows the target is for (None: every size), "<=" or ">=", value).
TARGETS = (
    ("filter_ms_p50", 1_000_000, "<=", 15),
    ("gui_update_ms_p50", 1_000_000, "<=", 50),
    ("pandas_over_engine", 1_000_000, ">=", 3),
    ("duckdb_over_engine", 1_000_000, ">=", 1),
    ("filter_ms_p50", 5_000_000, "<=", 75),
    ("gui_update_ms_p95", 5_000_000, "<=", 250),
    ("ui_stall_filter_ms", 5_000_000, "<=", 100),
    ("ui_stall_load_ms", 5_000_000, "<=", 100),
    ("load_parquet_s", 1_000_000, "<=", 1.5),
    ("load_csv_s", 1_000_000, "<=", 4),
    ("export_csv_s", 1_000_000, "<=", 2),
    ("rss_mb", 5_000_000, "<=", 1500),
    ("map_update_ms_p50", 1_000_000, "<=", 16),  # issue 12: the map beyond the chart's own update
    ("report_s", 1_000_000, "<=", 3),  # issue 13: a board paper of the whole data set
    # issue 14: what the user waits for on a real screen, at 1M, 5M and 10M rows
    *((key, rows, "<=", value) for rows, values in (
        (1_000_000, (30, 60, 12, 1.0, 2.0, 400)),
        (5_000_000, (100, 200, 60, 3, 8, 800)),
        (10_000_000, (200, 400, 120, 6, 16, 1400)),
    ) for key, value in zip(("click_to_painted_ms_p50", "click_to_painted_ms_p95", "filter_ms_broad_p50",
                             "open_parquet_to_painted_s", "open_csv_to_painted_s", "window_rss_mb"), values)),
    # issue 14: a column with a distinct value on every row costs at most twice the time without it
    *((key, rows, "<=", 2) for rows in (1_000_000, 5_000_000, 10_000_000)
      for key in ("distinct_info_ratio", "distinct_open_ratio")),
)
STARTUP_TARGET_S = 1.5
STARTUP_PAINTED_TARGET_S = 1.2  # issue 14


def source_state() -> dict:
    """The commit measured and any files changed on top of it (the tree is shared while it is measured)."""
    def git(*a: str) -> str:
        try:
            p = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=20)
            return p.stdout.strip() if p.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            return ""
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": git("rev-parse", "HEAD") or None,
            "changed_files": [c for c in changed if c.startswith("youthdrugs_gui/") or c.startswith("data/")]}


def machine_info() -> dict:
    import pandas
    import pyarrow

    info: dict = {"cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0))
                  if hasattr(os, "sched_getaffinity") else os.cpu_count()}
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()
        info["memory_gb"] = round(int(next(m for m in mem if m.startswith("MemTotal")).split()[1]) / 1024 ** 2, 1)
    except (OSError, StopIteration):
        info["memory_gb"] = None
    try:
        cpu = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next((c.split(":", 1)[1].strip() for c in cpu if c.startswith("model name")), platform.processor())
    except OSError:
        info["cpu"] = platform.processor()
    versions = {"numpy": np.__version__, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}
    for mod in ("PySide6", "pyqtgraph", "superqt", "duckdb"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = None
    try:
        from youthdrugs_gui import __version__ as v
        versions["youthdrugs_gui"] = v
    except ImportError:
        pass
    info["versions"] = versions
    return info


def verdicts(result: dict) -> list[dict]:
    out = []
    by_rows = {r["rows"]: r for r in result["runs"]}
    for key, rows, op, target in TARGETS:
        r = by_rows.get(rows)
        if r is None:
            continue
        v = r.get(key)
        met = None if v is None else (v <= target if op == "<=" else v >= target)
        out.append({"key": key, "rows": rows, "target": f"{op} {target}", "value": v, "met": met})
    for key, target in (("startup_s", STARTUP_TARGET_S), ("startup_to_painted_s", STARTUP_PAINTED_TARGET_S)):
        s = result.get(key)
        out.append({"key": key, "rows": None, "target": f"<= {target}", "value": s,
                    "met": None if s is None else s <= target})
    return out


TABLE_KEYS = (
    ("filter_ms_p50", "ms"), ("filter_ms_p95", "ms"), ("pandas_ms_p50", "ms"), ("duckdb_ms_p50", "ms"),
    ("pandas_over_engine", "x"), ("duckdb_over_engine", "x"), ("gui_update_ms_p50", "ms"),
    ("gui_update_ms_p95", "ms"), ("gui_refresh_ms_p50", "ms"), ("gui_paint_ms_p50", "ms"),
    ("gui_events_after_ms_p50", "ms"), ("gui_paint_unchanged_ms_p50", "ms"), ("gui_update_sorted_ms_p50", "ms"),
    ("sort_ms_p50", "ms"),
    ("sort_cat_ms_p50", "ms"), ("sort_count_ms_p50", "ms"), ("sort_view_ms_p50", "ms"),
    ("load_csv_s", "s"), ("load_parquet_s", "s"), ("export_csv_s", "s"), ("rss_mb", "MB"),
    ("rss_parquet_mb", "MB"), ("rss_csv_mb", "MB"), ("ui_stall_filter_ms", "ms"), ("ui_stall_load_ms", "ms"),
    ("ui_stall_load_worker_ms", "ms"), ("ui_stall_load_swap_ms", "ms"), ("engine_build_ms", "ms"),
    ("gui_show_dataset_ms", "ms"),
    ("filter_ms_broad_p50", "ms"), ("filter_ms_broad_p95", "ms"), ("pandas_ms_broad_p50", "ms"),
    ("duckdb_ms_broad_p50", "ms"), ("gui_update_ms_broad_p50", "ms"), ("gui_update_ms_broad_p95", "ms"),
    ("click_to_painted_ms_p50", "ms"), ("click_to_painted_ms_p95", "ms"),
    ("click_to_painted_ms_broad_p50", "ms"), ("click_to_painted_ms_broad_p95", "ms"),
    ("open_parquet_to_painted_s", "s"), ("open_csv_to_painted_s", "s"), ("window_rss_mb", "MB"),
    ("distinct_info_plain_s", "s"), ("distinct_info_s", "s"), ("distinct_info_ratio", "x"),
    ("distinct_open_plain_to_painted_s", "s"), ("distinct_open_to_painted_s", "s"), ("distinct_open_ratio", "x"),
    ("distinct_search_ms", "ms"), ("distinct_table_shows_text", ""),
)


def fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, (int, float)):
        return f"{v:,.0f}" if abs(v) >= 100 else (f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}")
    return str(v)


def target_for(key: str, rows: int) -> str:
    t = [f"{op} {v:g}" for k, r, op, v in TARGETS if k == key and r == rows]
    return t[0] if t else ""


def print_table(result: dict) -> None:
    runs = result["runs"]
    head = ["", *[f"{r['rows']:,} rows" for r in runs]]
    lines = [head]
    for key, unit in TABLE_KEYS:
        if key not in REQUIRED_KEYS and all(r.get(key) is None for r in runs):
            continue
        row = [f"{key} ({unit})"]
        for r in runs:
            cell = fmt(r.get(key))
            t = target_for(key, r["rows"])
            if t and r.get(key) is not None:
                met = r[key] <= float(t.split()[1]) if t.startswith("<=") else r[key] >= float(t.split()[1])
                cell += f" [{t}: {'met' if met else 'MISSED'}]"
            row.append(cell)
        lines.append(row)
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    print()
    for i, l in enumerate(lines):
        print("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(l, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    s = result.get("startup_s")
    print(f"\nstartup_s: {fmt(s)} [<= {STARTUP_TARGET_S}: {'met' if s is not None and s <= STARTUP_TARGET_S else 'MISSED'}]"
          f"  (median of {len(result.get('startup_runs', []))} runs of {result.get('startup_command', '')})")
    sp = result.get("startup_to_painted_s")
    print(f"startup_to_painted_s: {fmt(sp)} [<= {STARTUP_PAINTED_TARGET_S}: "
          f"{'met' if sp is not None and sp <= STARTUP_PAINTED_TARGET_S else 'MISSED'}]  (on an X server, median of "
          f"{len(result.get('startup_to_painted_runs') or [])} runs)")
    for r in runs:
        if r.get("paints_per_click"):
            print(f"paints_per_click [{r['rows']:,} rows]: {paints_text(r['paints_per_click'])}")
    for note in result.get("notes", []):
        print(f"note: {note}")
    for r in runs:
        for n in r.get("notes", []):
            print(f"note [{r['rows']:,} rows]: {n}")
    print()


def paints_text(paints: dict[str, float]) -> str:
    """Paint events per click, widget by widget, most first."""
    return ", ".join(f"{name} {n:.1f}" for name, n in sorted(paints.items(), key=lambda kv: -kv[1]))


def render_markdown(result: dict) -> str:
    """The figures as Markdown: the targets with their verdicts, then one table per size with every key
    (target and verdict beside the figures that have one), then start-up."""
    lines = ["| target | rows | measured | |", "|---|---:|---:|---|"]
    for t in result.get("targets", []):
        verdict = "-" if t["met"] is None else ("met" if t["met"] else "**missed**")
        rows = f"{t['rows']:,}" if t["rows"] else "-"
        lines.append(f"| `{t['key']}` {t['target']} | {rows} | {fmt(t['value'])} | {verdict} |")
    lines.append("")
    for r in result["runs"]:
        lines.append(f"### {r['rows']:,} rows\n")
        lines.append("| key | value | target | |")
        lines.append("|---|---:|---|---|")
        for key, unit in TABLE_KEYS:
            v = r.get(key)
            t = target_for(key, r["rows"])
            verdict = ""
            if t and v is not None:
                met = v <= float(t.split()[1]) if t.startswith("<=") else v >= float(t.split()[1])
                verdict = "met" if met else "**missed**"
            lines.append(f"| `{key}` ({unit}) | {fmt(v)} | {t} | {verdict} |")
        if r.get("paints_per_click"):
            lines.append(f"\n`paints_per_click`: {paints_text(r['paints_per_click'])}")
        for n in r.get("notes", []):
            lines.append(f"\nNote: {n}")
        lines.append("")
    s = result.get("startup_s")
    runs = ", ".join(f"{x:.2f}" for x in result.get("startup_runs", []))
    lines.append(f"### Start-up (once)\n\n`startup_s` = {fmt(s)} s (target <= {STARTUP_TARGET_S}: "
                 f"{'-' if s is None else ('met' if s <= STARTUP_TARGET_S else '**missed**')}); "
                 f"median of {runs} s, `{result.get('startup_command', '')}`\n")
    painted = ", ".join(f"{x:.2f}" for x in result.get("startup_to_painted_runs") or [])
    sp = result.get("startup_to_painted_s")
    lines.append(f"`startup_to_painted_s` = {fmt(sp)} s on an X server (target <= {STARTUP_PAINTED_TARGET_S}: "
                 f"{'-' if sp is None else ('met' if sp <= STARTUP_PAINTED_TARGET_S else '**missed**')}) "
                 f"(runs: {painted or '-'})\n")
    lines.extend(f"Note: {n}\n" for n in result.get("notes", []))
    return "\n".join(lines)

