"""The benchmark still runs: a tiny data set, few repetitions, every figure present. No timing is
asserted here; benchmarks/run.py only measures (BENCHMARKS.md has the figures and the targets)."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"

try:
    import duckdb  # noqa: F401
    HAVE_DUCKDB = True
except ImportError:  # CI installs only .[test]; DuckDB is in the bench extra
    HAVE_DUCKDB = False


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "figures.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    p = subprocess.run(
        [sys.executable, str(RUN), "--rows", "20000", "--reps", "3", "--quick", "--json", str(out),
         "--cache", str(tmp / "cache")],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env,
    )
    assert p.returncode == 0, p.stderr[-4000:]
    return json.loads(out.read_text())


def test_the_json_names_the_machine(figures):
    assert isinstance(figures["python"], str) and figures["python"]
    assert isinstance(figures["platform"], str) and figures["platform"]
    machine = figures["machine"]
    assert _is_number(machine["cores"])
    assert "memory_gb" in machine and "cpu" in machine and "versions" in machine
    assert _is_number(figures["startup_s"])


def test_every_figure_is_a_number(figures):
    from importlib import util

    spec = util.spec_from_file_location("bench_run", RUN)
    run = util.module_from_spec(spec)
    before, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in benchmarks/
    try:
        spec.loader.exec_module(run)
    finally:
        sys.dont_write_bytecode = before
    [r] = figures["runs"]
    assert r["rows"] == 20000
    for key in run.REQUIRED_KEYS:
        assert key in r, key
        if key == "duckdb_ms_p50" and not HAVE_DUCKDB:
            assert r[key] is None
        else:
            assert _is_number(r[key]), (key, r[key])


def test_pandas_and_duckdb_agree_with_the_engine(figures):
    [r] = figures["runs"]
    assert r["pandas_same_counts"] is True, r["notes"]
    assert r["duckdb_same_counts"] is (True if HAVE_DUCKDB else None), r["notes"]
    assert r["filter_changes"] >= 3 * 11


def test_broad_changes_are_reported_apart(figures):
    [r] = figures["runs"]
    assert r["filter_changes"] == 3 * 15  # eleven narrow changes, four broad ones, per round
    for key in ("filter_ms_broad_p50", "filter_ms_broad_p95", "pandas_ms_broad_p50", "gui_update_ms_broad_p50"):
        assert _is_number(r[key]), (key, r[key])
    assert "broad" in r["filter_ms_p50_by_change"]


HAVE_X = bool(os.environ.get("DISPLAY")) or shutil.which("Xvfb") is not None


@pytest.mark.skipif(not HAVE_X, reason="no X server and no Xvfb: the real-window figures are null")
def test_the_real_window_is_timed_from_input_to_paint(figures):
    [r] = figures["runs"]
    for key in ("click_to_painted_ms_p50", "click_to_painted_ms_p95", "click_to_painted_ms_broad_p50",
                "open_parquet_to_painted_s", "open_csv_to_painted_s", "window_rss_mb"):
        assert _is_number(r[key]), (key, r[key], r["notes"])
    assert _is_number(figures["startup_to_painted_s"]), figures["notes"]
    paints = r["paints_per_click"]
    assert paints["table"] > 0 and paints["chart"] > 0, paints
    assert any(name.startswith("filter: ") and n > 0 for name, n in paints.items()), paints
    assert r["clicks"] == 11 + 6, r["notes"]  # one round: every gesture changed the filters


def test_a_column_of_references_is_timed_through_info(figures):
    [r] = figures["runs"]
    for key in ("distinct_info_plain_s", "distinct_info_s", "distinct_info_ratio"):
        assert _is_number(r[key]), (key, r[key])


@pytest.mark.skipif(not HAVE_X, reason="no X server and no Xvfb: the real-window figures are null")
def test_a_column_of_references_is_opened_and_searched_in_the_real_window(figures):
    [r] = figures["runs"]
    for key in ("distinct_open_plain_to_painted_s", "distinct_open_to_painted_s", "distinct_open_ratio",
                "distinct_search_ms"):
        assert _is_number(r[key]), (key, r[key], r["notes"])
    assert r["distinct_table_shows_text"] is True
    assert not any(n.startswith("searching for") or "did not open" in n for n in r["notes"]), r["notes"]
