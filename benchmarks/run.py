#!/usr/bin/env python
"""Benchmark of the explorer: the filter engine against idiomatic pandas and DuckDB, the window's update
time, sorting, loading, exporting, memory and start-up, on synthetic data sets of several sizes.

    .venv/bin/python benchmarks/run.py [--rows 100000,1000000,5000000] [--reps 20] [--json OUT.json]
                                        [--markdown OUT.md] [--quick] [--no-duckdb] [--cache DIR]

Data sets come from the sample generator (`generate(rows=N)`) and are cached as Parquet and CSV under
benchmarks/cache/ (git-ignored), reused while the generator is unchanged. Each size is measured in a
fresh child process (so sizes do not share memory or caches); loads, peak memory and start-up are
measured in further fresh processes. The script measures and reports; it never fails on a timing.

Figures are milliseconds unless the key says otherwise (`_s` seconds, `_mb` megabytes). p50 / p95 are
taken over every filter change of `--reps` rounds of a fixed, seeded script of changes (tick a force, move
the age range, change a class, type in search, reset ...), the engine, pandas and DuckDB being timed
interleaved state by state so that load on the machine affects them alike.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from functools import reduce
from operator import and_
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
)
STARTUP_TARGET_S = 1.5


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


# ================================================================================================
# Data sets
# ================================================================================================
def _generator():
    try:
        from youthdrugs_gui.data import generate as g
    except ImportError:  # a checkout without the editable install
        from data import generate as g  # type: ignore[no-redef]
    return g


def generator_tag() -> str:
    g = _generator()
    src = Path(g.__file__).read_bytes()
    return hashlib.sha256(src + str(g.DEFAULT_SEED).encode()).hexdigest()[:10]


def ensure_data(rows: int, cache: Path) -> tuple[Path, Path]:
    """The cached Parquet and CSV copies of generate(rows=N), made when missing or stale."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cache.mkdir(parents=True, exist_ok=True)
    tag = generator_tag()
    pq_path = cache / f"synthetic-{rows}-{tag}.parquet"
    csv_path = cache / f"synthetic-{rows}-{tag}.csv"
    if pq_path.exists() and csv_path.exists():
        return pq_path, csv_path
    g = _generator()
    log(f"[{rows:,}] generating the data set (cached in {cache}) ...")
    t0 = time.perf_counter()
    df = g.generate(rows=rows)
    if not pq_path.exists():
        tmp = pq_path.with_suffix(".parquet.part")
        g.write(df, tmp)  # zstd, dictionaries, and the synthetic marker in the schema metadata
        tmp.replace(pq_path)
    if not csv_path.exists():
        # Plain text as a caseworker's spreadsheet export would have it: ISO dates, labels not codes.
        out = df.assign(date=df["date"].dt.strftime("%Y-%m-%d"))
        table = pa.Table.from_pandas(out, preserve_index=False)
        table = pa.table({c: (table[c].cast(pa.string()) if pa.types.is_dictionary(table[c].type) else table[c])
                          for c in table.column_names})
        tmp = csv_path.with_suffix(".csv.part")
        pacsv.write_csv(table, tmp)
        tmp.replace(csv_path)
    log(f"[{rows:,}] generated and written in {time.perf_counter() - t0:.1f} s")
    return pq_path, csv_path


# ================================================================================================
# The script of filter changes
# ================================================================================================
SEARCH_WORDS = (("sup", "supply"), ("cau", "caution"), ("pos", "possession"), ("yor", "yorkshire"),
                ("whi", "white"), ("con", "conviction"), ("wes", "west"))


def make_states(ds, rounds: int, seed: int = SEED) -> list[tuple[str, object]]:
    """(what the user did, FilterState) for `rounds` rounds of a realistic session; fixed by the seed.

    A round starts from no filters: only one force (double-click), tick a second, move the age range,
    only one drug class, change it to another, type a search (two keystrokes' worth), clear the search,
    untick an outcome, move the age range again, reset."""
    from youthdrugs_gui.core.filter_state import FilterState

    rng = random.Random(seed)
    forces = ds.categories("force")
    classes = ds.categories("drug_class")
    outcomes = ds.categories("outcome")
    out: list[tuple[str, object]] = []
    for _ in range(rounds):
        s = FilterState()
        f1, f2 = rng.sample(forces, 2)
        steps = []
        s = s.with_values("force", [f1]); steps.append((f"only force {f1}", s))
        s = s.toggled("force", f2, forces); steps.append((f"tick force {f2}", s))
        lo, hi = rng.randint(10, 13), rng.randint(14, 17)
        s = s.with_age_range((lo, hi)); steps.append((f"age {lo}-{hi}", s))
        c1, c2 = rng.sample(classes, 2)
        s = s.with_values("drug_class", [c1]); steps.append((f"only class {c1}", s))
        s = s.with_values("drug_class", [c2]); steps.append((f"class {c1} -> {c2}", s))
        prefix, word = rng.choice(SEARCH_WORDS)
        s = s.with_search(prefix); steps.append((f"search '{prefix}'", s))
        s = s.with_search(word); steps.append((f"search '{word}'", s))
        s = s.with_search(""); steps.append(("clear search", s))
        o = rng.choice(outcomes)
        s = s.toggled("outcome", o, outcomes); steps.append((f"untick outcome {o}", s))
        lo2, hi2 = rng.randint(10, 12), rng.randint(15, 17)
        if (lo2, hi2) == (lo, hi):
            hi2 = 17 if hi != 17 else 16
        s = s.with_age_range((lo2, hi2)); steps.append((f"age {lo2}-{hi2}", s))
        s = FilterState(); steps.append(("reset", s))
        out.extend(steps)
    return out


# ================================================================================================
# The same work three ways
# ================================================================================================
def facet_columns(ds) -> list[str]:
    return [c for c in ds.facet_columns if c in ds.categorical_columns]  # as the engine chooses them


def engine_norm(res, cats: dict[str, list[str]]) -> dict:
    """An engine Result as plain dicts (zeros dropped) for comparing with pandas and DuckDB."""
    ds_facets = {c: {cat: int(v) for cat, v in zip(col_cats, res.facet_counts[c]) if v}
                 for c, col_cats in cats.items() if c in res.facet_counts}
    series = {}
    s = res.series
    if s is not None:
        for i, g in enumerate(s.groups):
            for j, st in enumerate(s.stacks):
                v = int(s.values[i, j])
                if v:
                    series[(g, st)] = v
    return {"n": int(res.n_rows), "facets": ds_facets, "series": series,
            "totals": {k: int(v) for k, v in res.totals.items() if v}}


class PandasWay:
    """What an analyst would write in pandas: isin / between / str.contains masks, value_counts per
    facet with the other facets' masks, groupby for the chart, on the same categorical frame."""

    def __init__(self, ds) -> None:
        # Age is a categorical of labels in the Dataset; an analyst filters a range on numbers, so the
        # frame gets its ages as integers once, before any timing (the engine gets its lookups once too).
        self.df = ds.frame.assign(age_years=ds.frame["age"].astype(int).astype("int8"))
        self.facets = facet_columns(ds)
        self.text_cols = list(ds.text_columns)
        self.years = ds.categories("financial_year") if ds.has("financial_year") else []

    def masks(self, state):
        df = self.df
        masks: dict[str, object] = {}
        for col, values in state.selections:
            masks[col] = df[col].isin(list(values))
        if state.age_range is not None:
            lo, hi = state.age_range
            m = df["age_years"].between(lo, hi)
            masks["age"] = masks["age"] & m if "age" in masks else m
        if state.year_range is not None:
            a, b = state.year_range
            m = df["financial_year"].isin([y for y in self.years if a <= y <= b])
            masks["financial_year"] = masks["financial_year"] & m if "financial_year" in masks else m
        search = None
        if state.search:
            for c in self.text_cols:
                m = df[c].str.contains(state.search, case=False, regex=False)
                search = m if search is None else (search | m)
        return masks, search

    def apply(self, state, group_by: str, stack_by: str):
        df = self.df
        masks, search = self.masks(state)
        extra = [search] if search is not None else []

        def all_but(col: str | None):
            parts = [m for c, m in masks.items() if c != col] + extra
            return reduce(and_, parts) if parts else None

        full = all_but(None)
        rows = df.index.to_numpy() if full is None else df.index[full].to_numpy()
        facets = {}
        for col in self.facets:
            m = all_but(col) if col in masks else full
            facets[col] = (df[col] if m is None else df.loc[m, col]).value_counts(sort=False)
        gm = all_but(group_by) if group_by in masks else full
        sub = df[[group_by, stack_by, "count"]] if gm is None else df.loc[gm, [group_by, stack_by, "count"]]
        series = sub.groupby([group_by, stack_by], observed=False)["count"].sum().unstack(stack_by)
        tsub = df[["measure", "count"]] if full is None else df.loc[full, ["measure", "count"]]
        totals = tsub.groupby("measure", observed=True)["count"].sum()
        return rows, facets, series, totals

    @staticmethod
    def norm(out) -> dict:
        rows, facets, series, totals = out
        ser = {}
        for (g, s), v in series.stack().items():
            if v:
                ser[(str(g), str(s))] = int(v)
        return {"n": int(len(rows)),
                "facets": {c: {str(k): int(v) for k, v in vc.items() if v} for c, vc in facets.items()},
                "series": ser, "totals": {str(k): int(v) for k, v in totals.items() if v}}


def _sql_text(v: str) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _sql_name(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'


class DuckWay:
    """The same work as SQL in DuckDB, in-process: the same pandas frame is registered (categoricals
    arrive as ENUMs) and copied once, untimed, into a DuckDB table (queries on the registered frame itself
    were about 2.5x slower at 1M rows). Two statements per change: the row numbers, and one UNION ALL of
    every facet's counts, the chart series and the totals."""

    def __init__(self, ds) -> None:
        import duckdb

        self.duckdb_version = duckdb.__version__
        self.con = duckdb.connect()
        self.frame = ds.frame.assign(age_years=ds.frame["age"].astype(int).astype("int8"),
                                     rn=np.arange(ds.n_rows, dtype=np.int64))
        self.con.register("frame", self.frame)
        self.con.execute("CREATE TABLE t AS SELECT * FROM frame")
        self.con.unregister("frame")
        self.facets = facet_columns(ds)
        self.text_cols = list(ds.text_columns)
        self.years = ds.categories("financial_year") if ds.has("financial_year") else []
        self.threads = self.con.execute("SELECT current_setting('threads')").fetchone()[0]

    def where(self, state, skip: str | None = None) -> str:
        conds = []
        for col, values in state.selections:
            if col == skip:
                continue
            conds.append(f"{_sql_name(col)} IN ({', '.join(_sql_text(v) for v in sorted(values))})"
                         if values else "FALSE")
        if state.age_range is not None and skip != "age":
            conds.append(f"age_years BETWEEN {int(state.age_range[0])} AND {int(state.age_range[1])}")
        if state.year_range is not None and skip != "financial_year":
            ys = [y for y in self.years if state.year_range[0] <= y <= state.year_range[1]]
            conds.append(f"financial_year IN ({', '.join(_sql_text(y) for y in ys)})" if ys else "FALSE")
        if state.search:
            pat = _sql_text("%" + state.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            conds.append("(" + " OR ".join(f"{_sql_name(c)} ILIKE {pat} ESCAPE '\\'" for c in self.text_cols) + ")")
        return " AND ".join(conds) if conds else "TRUE"

    def apply(self, state, group_by: str, stack_by: str):
        filtered = {c for c, _ in state.selections}
        if state.age_range is not None:
            filtered.add("age")
        if state.year_range is not None:
            filtered.add("financial_year")
        full = self.where(state)
        rows = self.con.execute(f"SELECT rn FROM t WHERE {full}").fetchnumpy()["rn"]
        parts = []
        for col in self.facets:
            w = self.where(state, col) if col in filtered else full
            parts.append(f"SELECT 'f' AS kind, {_sql_text(col)} AS col, CAST({_sql_name(col)} AS VARCHAR) AS a, "
                         f"NULL AS b, count(*)::BIGINT AS n FROM t WHERE {w} GROUP BY {_sql_name(col)}")
        gw = self.where(state, group_by) if group_by in filtered else full
        parts.append(f"SELECT 's', NULL, CAST({_sql_name(group_by)} AS VARCHAR), CAST({_sql_name(stack_by)} AS VARCHAR), "
                     f"sum(\"count\")::BIGINT FROM t WHERE {gw} GROUP BY {_sql_name(group_by)}, {_sql_name(stack_by)}")
        parts.append(f"SELECT 't', NULL, CAST(measure AS VARCHAR), NULL, sum(\"count\")::BIGINT FROM t "
                     f"WHERE {full} GROUP BY measure")
        agg = self.con.execute(" UNION ALL ".join(parts)).fetchall()
        return rows, agg

    @staticmethod
    def norm(out) -> dict:
        rows, agg = out
        facets: dict[str, dict[str, int]] = {}
        series, totals = {}, {}
        for kind, col, a, b, n in agg:
            if not n:
                continue
            if kind == "f":
                facets.setdefault(col, {})[a] = int(n)
            elif kind == "s":
                series[(a, b)] = int(n)
            else:
                totals[a] = int(n)
        return {"n": int(len(rows)), "facets": facets, "series": series, "totals": totals}


def compare(a: dict, b: dict, facets: list[str]) -> str:
    """'' when two normalised results agree, else what differs first."""
    if a["n"] != b["n"]:
        return f"rows {a['n']} != {b['n']}"
    for c in facets:
        if a["facets"].get(c, {}) != b["facets"].get(c, {}):
            return f"facet counts of {c} differ"
    if a["series"] != b["series"]:
        return "chart series differ"
    if a["totals"] != b["totals"]:
        return "totals differ"
    return ""


# ================================================================================================
# Child: one data set size, in a fresh process
# ================================================================================================
def child_size(args) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_SCALE_FACTOR", "1")
    from youthdrugs_gui.core import export as export_mod
    from youthdrugs_gui.core.engine import Engine
    from youthdrugs_gui.core.sources import load_files

    rows_n = args.size
    out: dict = {"rows": rows_n, "notes": [], "loadavg_start": _loadavg()}
    t0 = time.perf_counter()
    ds = load_files(args.parquet)
    out["load_in_process_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    eng = Engine(ds)
    out["engine_build_ms"] = ms(time.perf_counter() - t0)
    states = make_states(ds, args.reps)
    per_round = len(states) // max(args.reps, 1)
    facets = facet_columns(ds)
    cats = {c: ds.categories(c) for c in facets}

    # ---- engine / pandas / DuckDB, interleaved state by state ---------------------------------
    pw = PandasWay(ds)
    dw = None
    if args.duckdb and duckdb_available():
        dw = DuckWay(ds)
        out["duckdb_version"] = dw.duckdb_version
        out["duckdb_threads"] = dw.threads
    elif args.duckdb:
        out["notes"].append("duckdb is not installed (pip install -e '.[bench]'): its figures are null")
    slow_rounds = args.reps
    if rows_n > SLOW_PATH_ROWS and not args.quick and args.reps > SLOW_PATH_ROUNDS:
        slow_rounds = SLOW_PATH_ROUNDS
        out["notes"].append(f"pandas and DuckDB ran {slow_rounds} of the {args.reps} rounds at this size "
                            f"({slow_rounds * per_round} filter changes) to keep the run short")
    out["filter_changes"] = len(states)
    out["slow_path_changes"] = slow_rounds * per_round

    # warm-up and verification: one round, untimed
    mism_p, mism_d = [], []
    for what, st in states[:per_round]:
        e = engine_norm(eng.apply(st, GROUP_BY, STACK_BY), cats)
        p = PandasWay.norm(pw.apply(st, GROUP_BY, STACK_BY))
        d = compare(e, p, facets)
        if d:
            mism_p.append(f"{what}: {d}")
        if dw is not None:
            q = DuckWay.norm(dw.apply(st, GROUP_BY, STACK_BY))
            d = compare(e, q, facets)
            if d:
                mism_d.append(f"{what}: {d}")
    out["pandas_same_counts"] = not mism_p
    out["duckdb_same_counts"] = (not mism_d) if dw is not None else None
    for m in mism_p[:3]:
        out["notes"].append(f"pandas result differs from the engine's ({m})")
    for m in mism_d[:3]:
        out["notes"].append(f"DuckDB result differs from the engine's ({m})")
    log(f"[{rows_n:,}] verified on {per_round} states: pandas {'same' if not mism_p else 'DIFFERENT'}"
        + ("" if dw is None else f", DuckDB {'same' if not mism_d else 'DIFFERENT'}"))

    t_eng, t_pd, t_dd = [], [], []
    per_kind: dict[str, list[float]] = {}
    clock = time.perf_counter
    gc.collect()
    for i, (what, st) in enumerate(states):
        slow = i < slow_rounds * per_round
        jobs = [("e", lambda: eng.apply(st, GROUP_BY, STACK_BY))]
        if slow:
            jobs.append(("p", lambda: pw.apply(st, GROUP_BY, STACK_BY)))
            if dw is not None:
                jobs.append(("d", lambda: dw.apply(st, GROUP_BY, STACK_BY)))
        k = i % len(jobs)
        jobs = jobs[k:] + jobs[:k]  # rotate who goes first
        for name, fn in jobs:
            t0 = clock()
            fn()
            dt = ms(clock() - t0)
            {"e": t_eng, "p": t_pd, "d": t_dd}[name].append(dt)
            if name == "e":
                per_kind.setdefault(what.split(" ")[0], []).append(dt)
        if i % per_round == per_round - 1:
            gc.collect()
    out["filter_ms_p50"] = median(t_eng)
    out["filter_ms_p95"] = pct(t_eng, 95)
    out["filter_ms_max"] = max(t_eng)
    out["filter_ms_p50_by_change"] = {k: median(v) for k, v in sorted(per_kind.items())}
    out["pandas_ms_p50"] = median(t_pd)
    out["pandas_ms_p95"] = pct(t_pd, 95)
    out["duckdb_ms_p50"] = median(t_dd) if dw is not None else None
    out["duckdb_ms_p95"] = pct(t_dd, 95) if dw is not None else None
    # Ratios of medians over the same states (slow-path rounds only, when reduced).
    n_slow = len(t_pd)
    e_same = median(t_eng[:n_slow]) if n_slow else None
    out["pandas_over_engine"] = (median(t_pd) / e_same) if (n_slow and e_same) else None
    out["duckdb_over_engine"] = (median(t_dd) / e_same) if (dw is not None and t_dd and e_same) else None
    log(f"[{rows_n:,}] engine p50 {out['filter_ms_p50']:.1f} ms, pandas p50 {out['pandas_ms_p50']:.1f} ms"
        + ("" if dw is None else f", DuckDB p50 {out['duckdb_ms_p50']:.1f} ms"))
    del pw, dw
    gc.collect()

    # ---- sorting (engine) -------------------------------------------------------------------
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
    # Every row: the first sort by a column (what a header click costs with no filter), then again
    # (the engine keeps each column's order of every row and picks large selections out of it).
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

    # ---- export -----------------------------------------------------------------------------
    n_export = 1 if (args.quick or rows_n > SLOW_PATH_ROWS) else 3
    t_exp = []
    with tempfile.TemporaryDirectory(prefix="ydbench-") as tmp:
        for i in range(n_export):
            target = Path(tmp) / f"export-{i}.csv"
            t0 = clock()
            export_mod.export_rows(ds, all_rows, target)
            t_exp.append(clock() - t0)
            out["export_csv_mb"] = target.stat().st_size / 1e6
            target.unlink()
    out["export_csv_s"] = median(t_exp)
    out["export_csv_runs"] = n_export
    log(f"[{rows_n:,}] sort p50 {out['sort_ms_p50']:.1f} ms, export {out['export_csv_s']:.2f} s")

    # ---- the window -------------------------------------------------------------------------
    gui = gui_measurements(args, ds, states, per_round)
    out["notes"] += gui.pop("notes", [])
    out.update(gui)
    out["loadavg_end"] = _loadavg()
    return out


def _loadavg() -> list[float] | None:
    """The machine's load average (1, 5, 15 min): it is shared, so this says how busy it was."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


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
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
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

        parts: list[tuple[float, float, float]] = []

        def change(st) -> float | None:
            """Milliseconds from the change to the whole window painted; None if nothing changed."""
            if st == ctrl.state:
                return None
            t0 = clock()
            ctrl.set_state(st)  # the controller's public slot: one new FilterState
            ctrl.flush()  # applies it now if the controller was coalescing a burst
            t1 = clock()
            win.grab()  # paint the whole window: table, chart, facet lists, status bar
            t2 = clock()
            QApplication.processEvents()  # then what the event loop would do next (layouts, the
            t3 = clock()  # on-screen repaint of the dirty regions): reported apart, not in the update
            parts.append((t1 - t0, t2 - t1, t3 - t2))
            return ms(t2 - t0)

        for _, st in states[:per_round]:  # warm-up
            change(st)
        parts.clear()
        t_gui = [t for t in (change(st) for _, st in states) if t is not None]
        out["gui_update_ms_p50"] = median(t_gui)
        out["gui_update_ms_p95"] = pct(t_gui, 95)
        out["gui_update_ms_max"] = max(t_gui)
        # where the time goes: the controller (engine + every view's update), the paint, and (not in
        # gui_update) the posted events the event loop handles afterwards
        out["gui_refresh_ms_p50"] = median([ms(a) for a, _, _ in parts])
        out["gui_paint_ms_p50"] = median([ms(b) for _, b, _ in parts])
        out["gui_events_after_ms_p50"] = median([ms(c) for _, _, c in parts])
        t_idle = []
        for _ in range(max(5, min(args.reps, 10))):
            t0 = clock()
            win.grab()
            t_idle.append(ms(clock() - t0))
        out["gui_paint_unchanged_ms_p50"] = median(t_idle)  # grab() with nothing changed: the floor
        assert win.model.rowCount() == ctrl.result.n_rows
        out.update(_map_update(win, ctrl, ds, states, clock))
        out.update(_report_time(ctrl, ds, tmp, clock))

        # ---- event-loop stalls ------------------------------------------------------------
        ticks: list[float] = []
        ticker = QTimer()
        ticker.setTimerType(Qt.TimerType.PreciseTimer)
        ticker.setInterval(STALL_TICK_MS)
        ticker.timeout.connect(lambda: ticks.append(clock()))

        def run_loop(until) -> None:
            loop = QEventLoop()
            poll = QTimer()
            poll.setInterval(20)
            poll.timeout.connect(lambda: until() and loop.quit())
            poll.start()
            loop.exec()
            poll.stop()

        def max_gap(t_from: float, t_to: float) -> float:
            ts = [t for t in ticks if t_from <= t <= t_to]
            ts = [t_from] + ts + [t_to]
            return ms(max(np.diff(ts))) if len(ts) > 1 else 0.0

        # filter changes, the way gestures arrive: one per event, with the loop running in between
        spacing = 0.3 if ds.n_rows <= 2_000_000 else 0.6
        stall_states = [st for _, st in (states[:per_round] if not args.quick else states[:4])]
        ctrl.reset()
        ctrl.flush()
        ticker.start()
        t_changes: list[float] = []
        start = clock() + 0.1
        for i, st in enumerate(stall_states):
            QTimer.singleShot(int((0.1 + i * spacing) * 1000),
                              lambda st=st: (t_changes.append(clock()), ctrl.set_state(st)))
        end = start + len(stall_states) * spacing + 0.2
        run_loop(lambda: clock() >= end)
        ticker.stop()
        per_change = [max_gap(t, t + spacing) for t in t_changes]
        out["ui_stall_filter_ms"] = max(per_change) if per_change else None
        out["ui_stall_filter_ms_p50"] = median(per_change)

        # ---- the table model's sort path (header click), then updates with a sort active ------
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
        out["sort_view_ms_p50"] = median(t_view)
        t_sorted = [t for t in (change(st) for _, st in states[:per_round * min(args.reps, 3)]) if t is not None]
        out["gui_update_sorted_ms_p50"] = median(t_sorted)
        out["gui_update_sorted_ms_p95"] = pct(t_sorted, 95)
        log(f"[{ds.n_rows:,}] window update p50 {out['gui_update_ms_p50']:.1f} ms, "
            f"p95 {out['gui_update_ms_p95']:.1f} ms (sorted by count: p50 {out['gui_update_sorted_ms_p50']:.1f} ms)")

        # a load through the window's Loader (worker thread), then the swap-in on the UI thread
        ticks.clear()
        loaded: list[float] = []
        failed: list[str] = []
        win.loader.loaded.connect(lambda *a: loaded.append(clock()))  # after the window's own slot
        win.loader.failed.connect(lambda msg: failed.append(msg))
        ticker.start()
        t_open = clock()
        win.open_files([str(args.csv)])
        deadline = t_open + 600
        run_loop(lambda: bool(failed) or clock() > deadline or (bool(loaded) and clock() > loaded[0] + 0.5))
        ticker.stop()
        if failed or not loaded:
            out["ui_stall_load_ms"] = None
            out["notes"].append(f"the load through the window failed: {failed[:1] or 'timed out'}")
        else:
            t_done = loaded[0] + 0.5
            out["ui_stall_load_ms"] = max_gap(t_open, t_done)
            # where the worst gap was: while the worker read the file, or when the UI swapped it in
            before = [t for t in ticks if t < loaded[0]]
            last_tick_before = before[-1] if before else t_open
            out["ui_stall_load_worker_ms"] = max_gap(t_open, last_tick_before)
            out["ui_stall_load_swap_ms"] = max_gap(last_tick_before, t_done)
            out["load_window_s"] = loaded[0] - t_open
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


# ================================================================================================
# Child: load a file in a fresh process (load time, engine, a few filters, peak memory)
# ================================================================================================
def child_load(args) -> dict:
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


def run_child(argv: list[str], timeout: float = 3600) -> dict:
    """Run this script in a fresh interpreter with the given child arguments; its last stdout line is JSON."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    p = subprocess.run([sys.executable, str(Path(__file__).resolve()), *argv], capture_output=True, text=True,
                       timeout=timeout, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"child {' '.join(argv)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    if p.stderr.strip():
        for line in p.stderr.strip().splitlines():
            if line.startswith("["):
                log(line)
    return json.loads(p.stdout.strip().splitlines()[-1])


def measure_loads(path: Path, runs: int) -> dict:
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
        for _ in range(runs):
            t0 = time.perf_counter()
            p = subprocess.run([*cmd, "--exit-after-start"], capture_output=True, text=True, env=env, timeout=300)
            dt = time.perf_counter() - t0
            if p.returncode == 0:
                times.append(dt)
            else:
                err = p.stderr[-500:]
    return {"startup_s": median(times), "startup_runs": times, "startup_command": " ".join(
        [Path(cmd[0]).name, *cmd[1:], "--exit-after-start"]), **({"startup_error": err} if err else {})}


# ================================================================================================
# The parent: sizes, table, JSON
# ================================================================================================
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
    s = result.get("startup_s")
    out.append({"key": "startup_s", "rows": None, "target": f"<= {STARTUP_TARGET_S}", "value": s,
                "met": None if s is None else s <= STARTUP_TARGET_S})
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
    for r in runs:
        for n in r.get("notes", []):
            print(f"note [{r['rows']:,} rows]: {n}")
    print()


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
        for n in r.get("notes", []):
            lines.append(f"\nNote: {n}")
        lines.append("")
    s = result.get("startup_s")
    runs = ", ".join(f"{x:.2f}" for x in result.get("startup_runs", []))
    lines.append(f"### Start-up (once)\n\n`startup_s` = {fmt(s)} s (target <= {STARTUP_TARGET_S}: "
                 f"{'-' if s is None else ('met' if s <= STARTUP_TARGET_S else '**missed**')}); "
                 f"median of {runs} s, `{result.get('startup_command', '')}`\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default=DEFAULT_ROWS, help=f"comma-separated data set sizes (default {DEFAULT_ROWS})")
    ap.add_argument("--reps", type=int, default=DEFAULT_REPS,
                    help="rounds of the script of filter changes (each about a dozen changes; default 20)")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    ap.add_argument("--markdown", type=Path, help="write the figures as Markdown tables to this file")
    ap.add_argument("--quick", action="store_true",
                    help="one run (not 3 or 5) of each subprocess measurement and fewer stall changes: for CI")
    ap.add_argument("--no-duckdb", dest="duckdb", action="store_false", help="leave DuckDB out (figures null)")
    ap.add_argument("--cache", type=Path, default=HERE / "cache", help="where generated data sets are kept")
    # internal: the child processes
    ap.add_argument("--child", choices=("size", "load"), help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "size":
        print(json.dumps(child_size(args)))
        return 0
    if args.child == "load":
        print(json.dumps(child_load(args)))
        return 0

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
    }
    startup_runs = 1 if args.quick else 5
    log(f"start-up: {startup_runs} run(s) of youthdrugs-gui --exit-after-start ...")
    result.update(measure_startup(startup_runs))
    sub_runs = 1 if args.quick else 3
    for n in sizes:
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
        result["runs"].append(run)
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
