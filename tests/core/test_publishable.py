"""Figures a statistician would sign: area levels never added, gaps never shown as zero, synthetic data
marked in everything made from it, counts that say what they count."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.disclosure import suppress, tabulate
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.result import RefusalReason
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.notes import data_notes_text, part_banner
from youthdrugs_gui.core.sources import load_files
from youthdrugs_gui.core.tables import aggregate

RAW = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"
ARRESTS = RAW / "ho-arrests-children" / \
    "ho_arrests_age10-17_by_reason_sex_ethnicity_ew_and_west_midlands_2006-07_to_2021-22.csv"
POLICEUK = RAW / "police-uk-stop-search"
needs_raw = pytest.mark.skipif(not ARRESTS.exists(), reason="the real files in ../shared/data/raw are not here")


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _read_csv(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


# ---- area levels ---------------------------------------------------------------------------------
AREAS = """Police force area,Year,Offences
England and Wales,2020-21,1000
North West,2020-21,200
Cumbria,2020-21,30
Lancashire,2020-21,70
Merseyside,2020-21,..
England and Wales,2021-22,900
North West,2021-22,180
Cumbria,2021-22,25
Lancashire,2021-22,60
Merseyside,2021-22,0
"""


def test_wider_areas_in_a_force_column_get_their_own_level(tmp_path):
    ds = load_files(_csv(tmp_path, "areas.csv", AREAS))
    assert set(ds.values_present("force")) == {"Cumbria", "Lancashire", "Merseyside", schema.NOT_APPLICABLE}
    assert ds.values_present("area_level") == ["England and Wales", "Region", "Police force area"]
    assert ds.partition_columns == ["area_level"]
    eng = Engine(ds)
    r = eng.apply(FilterState())
    # one total per level, never 1,000 + 200 + 30 ...
    assert r.totals == {"England and Wales": 1900, "Region": 380, "Police force area": 185}
    assert "1,900" in r.totals_text() and "(England and Wales)" in r.totals_text()
    assert str(1900 + 380 + 185) not in r.totals_text().replace(",", "")


def test_the_chart_refuses_to_add_levels_and_the_window_rule_picks_the_most_detailed(tmp_path):
    ds = load_files(_csv(tmp_path, "areas.csv", AREAS))
    eng = Engine(ds)
    r = eng.apply(FilterState(), group_by="financial_year")
    assert r.series is None and r.chart_refusal.reason is RefusalReason.AREA_LEVELS
    assert "different levels" in r.chart_refusal.words
    state = eng.one_part(FilterState())
    assert state.selected("area_level") == {"Police force area"}
    r = eng.apply(state, group_by="financial_year")
    assert r.series is not None and r.series.level == "Police force area"
    assert r.facet_unit == "count"
    banner = part_banner(ds, state)
    assert "Police force area" in banner and "England and Wales" in banner and "never added" in banner


def test_summary_tables_are_per_level(tmp_path):
    ds = load_files(_csv(tmp_path, "areas.csv", AREAS))
    t = tabulate(aggregate(ds, np.arange(ds.n_rows), ["force"]), by=["area_level", "area"])
    rows = {(str(a), str(b)): v for a, b, v in zip(t.table["area_level"], t.table["area"], t.table["count"])}
    assert rows[("Region", "North West")] == 380
    assert rows[("Region", "Total")] == 380
    assert ("Region", "Cumbria") not in rows  # a force is not an area of the regional table
    assert rows[("England and Wales", "Total")] == 1900


@needs_raw
def test_home_office_levels_are_never_added_through_the_cli(tmp_path, capsys):
    out = tmp_path / "by-force.csv"
    assert run_cli(["export", str(ARRESTS), "--filter", "offence_group=Drug offences", "--group-by", "force",
                    "-o", str(out)]) == 0
    rows = _read_csv(out)
    assert rows[0] == ["Area level", "Area", "Count"]
    totals = {r[0]: r[2] for r in rows[1:] if r[1] == "Total"}
    assert totals == {"England and Wales": "156497 [part]", "Region": "8855", "Police force area": "5106"}
    assert "170458" not in out.read_text(encoding="utf-8-sig")
    assert run_cli(["info", str(ARRESTS)]) == 0
    info = capsys.readouterr().out
    assert "Arrest, England and Wales: 2,273,195" in info
    assert "2,522,152" not in info


# ---- not available is not zero -------------------------------------------------------------------
def test_blank_and_shorthand_cells_are_gaps_not_zeros(tmp_path):
    p = _csv(tmp_path, "gaps.csv", "Force,Year,Count\nKent,2020-21,5\nKent,2021-22,..\nEssex,2020-21,[c]\n"
                                   "Essex,2021-22,7\nSurrey,2020-21,0\nSurrey,2021-22,\n")
    ds = load_files(p)
    notes = data_notes_text(ds)
    assert "not as 0" in notes and "[x]" in notes
    assert ds.coverage.gap_rows == {"[x]": 2, "[c]": 1}
    t = tabulate(aggregate(ds, np.arange(ds.n_rows), ["force", "financial_year"]), by=["force", "financial_year"])
    cell = {r["Police force"] if "Police force" in r else r["force"]: r for r in t.table.to_dict("records")}
    assert cell["Kent"]["2021-22"] == "[x]"
    assert cell["Essex"]["2020-21"] == "[c]"  # suppressed at source: said so, not 0
    assert cell["Surrey"]["2020-21"] == 0  # a true zero inside coverage is 0
    assert cell["Surrey"]["2021-22"] == "[x]"
    assert cell["Kent"]["Total"] == "5 [part]"
    assert cell["Total"]["2020-21"] == "5 [part]"


def test_a_year_a_table_lacks_is_not_available_and_years_stay_continuous(tmp_path):
    p = _csv(tmp_path, "years.csv", "Force,Year,Count\nKent,2018-19,5\nKent,2020-21,7\n")
    ds = load_files(p)
    t = tabulate(aggregate(ds, np.arange(ds.n_rows), ["financial_year"]), by=["financial_year"])
    got = dict(zip(t.table["financial_year"], t.table["count"]))
    assert got == {"2018-19": 5, "2019-20": "[x]", "2020-21": 7, "Total": "12 [part]"}
    r = Engine(ds).apply(FilterState(), group_by="financial_year")
    assert r.series is not None
    assert list(r.series.group_status()) == ["full", "[x]", "full"]


@needs_raw
def test_police_uk_month_beside_home_office_years_is_not_zero_elsewhere(tmp_path):
    files = [str(ARRESTS), str(POLICEUK / "2020-01-durham-stop-and-search.csv")]
    out = tmp_path / "by-year.csv"
    assert run_cli(["export", *files, "--group-by", "financial_year", "--stack-by", "measure", "-o", str(out)]) == 0
    rows = [r for r in _read_csv(out) if r[0] == "Stop and search"]
    by_year = {r[2]: r[3] for r in rows}
    assert by_year["2010-11"] == "[x]" and by_year["2021-22"] == "[x]"
    assert by_year["2019-20"] == "161 [part]"  # one month of the financial year
    assert "0" not in by_year.values()


# ---- suppression rules through the CLI -----------------------------------------------------------
def test_rounding_rule_in_the_cli(tmp_path, capsys):
    out = tmp_path / "rounded.csv"
    assert run_cli(["export", "--group-by", "force", "--round-to", "5", "-o", str(out)]) == 0
    rows = _read_csv(out)[1:]
    for r in rows:
        v = r[-1]
        assert v == "[c]" or int(v) % 5 == 0
    prov = json.loads((tmp_path / "rounded.csv.provenance.json").read_text(encoding="utf-8"))
    assert "nearest 5" in prov["suppression"]


def test_suppressed_table_hides_primary_cells_and_reports_the_audit(tmp_path):
    table = pd.DataFrame({"force": ["A", "A", "B", "B", "C", "C"], "sex": ["Boys", "Girls"] * 3,
                          "count": [7, 1, 9, 12, 0, 30]})
    res = suppress(table, k=5, by=["force", "sex"])
    wide = res.table.set_index("force")
    assert wide.loc["A", "Girls"] == "[c]"
    assert wide.loc["C", "Boys"] == 0
    assert res.secondary >= 1


# ---- synthetic data is marked in everything ------------------------------------------------------
def _marked_parquet(path: Path) -> Path:
    df = pd.DataFrame({"force": ["Kent", "Essex"], "financial_year": ["2020-21", "2021-22"], "count": [3, 4]})
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"youthdrugs_gui"] = json.dumps({"synthetic": True}).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)
    return path


def test_the_synthetic_marker_is_recognised_however_the_file_is_opened(tmp_path):
    original = _marked_parquet(tmp_path / "made-up.parquet")
    renamed = tmp_path / "renamed-data.pq"
    shutil.copy(original, renamed)
    assert load_files(original).synthetic
    assert load_files(renamed).synthetic
    plain = _csv(tmp_path, "real.csv", "Force,Year,Count\nKent,2020-21,2\n")
    assert not load_files(plain).synthetic
    assert load_files([plain, renamed]).synthetic  # appended: the whole data set is marked
    unmarked = tmp_path / "unmarked.parquet"
    pq.write_table(pa.Table.from_pandas(pd.read_parquet(original), preserve_index=False).replace_schema_metadata({}),
                   unmarked)
    assert not load_files(unmarked).synthetic


def test_every_kind_of_export_of_synthetic_data_says_so(tmp_path, capsys):
    src = _marked_parquet(tmp_path / "made-up.parquet")
    for args in (["--group-by", "force"], []):
        out = tmp_path / f"out{len(args)}.xlsx"
        assert run_cli(["export", str(src), *args, "-o", str(out)]) == 0
        assert "synthetic" in capsys.readouterr().out
        prov = json.loads(Path(str(out) + ".provenance.json").read_text(encoding="utf-8"))
        assert prov["dataset"]["synthetic"] is True
        wb = openpyxl.load_workbook(out, read_only=True)
        assert wb.sheetnames[0] == "Cover"
        first = next(wb["Cover"].iter_rows(values_only=True))
        assert "Synthetic data" in first[1] and "no real child" in first[1]
        wb.close()


def test_the_cover_sheet_of_real_data_has_no_synthetic_line_and_gives_the_key(tmp_path):
    plain = _csv(tmp_path, "real.csv", "Force,Year,Count\nKent,2020-21,2\nEssex,2020-21,9\n")
    out = tmp_path / "t.xlsx"
    assert run_cli(["export", str(plain), "--group-by", "force", "--suppress-below", "5", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    cover = [r for r in wb["Cover"].iter_rows(values_only=True)]
    text = "\n".join(str(c) for r in cover for c in r if c)
    wb.close()
    assert "Synthetic" not in text
    for needle in ("Title", "Filters", "[c]", "[x]", "[z]", "SHA-256", "Protection"):
        assert needle in text
    if os.name == "posix":
        assert (out.stat().st_mode & 0o777) == 0o600


def test_counts_beside_values_are_in_the_unit_of_the_total(tmp_path):
    p = _csv(tmp_path, "counts.csv", "Force,Year,Measure,Count\nKent,2020-21,Arrest,100\nEssex,2020-21,Arrest,50\n"
                                     "Kent,2020-21,Stop and search,7\n")
    ds = load_files(p)
    eng = Engine(ds)
    state = eng.one_part(FilterState())
    assert state.selected("measure") == {"Arrest"}
    r = eng.apply(state)
    kent = ds.categories("force").index("Kent")
    assert int(r.facet_counts["force"][kent]) == 100  # the sum of the count, like the total
    assert r.totals_text() == "150 arrests"
    assert r.unit_words == "arrests"
