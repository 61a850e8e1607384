"""Each importer against the real Open Government Licence files in ../shared/data/raw, checked against
the figures their SOURCE.md files give. Skipped where that folder is absent."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.sources import describe_mapping, detect_format, load_files

RAW = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw").resolve()

pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason=f"the real data files are not here ({RAW} is absent)")

POLICEUK = RAW / "police-uk-stop-search"
ARRESTS = RAW / "ho-arrests-children" / \
    "ho_arrests_age10-17_by_reason_sex_ethnicity_ew_and_west_midlands_2006-07_to_2021-22.csv"
SEARCHES = RAW / "ho-stop-search-children" / \
    "ho_stop_search_age10-17_quarterly_ew_and_west_midlands_2020-21_to_2021-22.csv"
YJB = RAW / "yjb-proven-offences-westmids" / "yjb_proven_offences_by_yjs_west_midlands_2013-14_to_2022-23.csv"


def total(ds: Dataset, **where: str) -> int:
    f = ds.frame
    mask = np.ones(len(f), dtype=bool)
    for col, value in where.items():
        mask &= (f[col] == value).to_numpy()
    return int(f.loc[mask, schema.COUNT].sum())


def notes_text(ds: Dataset) -> str:
    return "\n".join(n for s in ds.sources for n in s.notes)


# ---- police.uk -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def policeuk() -> Dataset:
    return load_files(sorted(POLICEUK.glob("*-stop-and-search.csv")))


def test_policeuk_detected_by_header():
    for f in POLICEUK.glob("*-stop-and-search.csv"):
        assert detect_format(f) == "policeuk"


def test_policeuk_all_records_kept(policeuk):
    assert policeuk.n_rows == 2527
    assert len(policeuk.sources) == 12
    assert sum(s.rows for s in policeuk.sources) == 2527
    assert policeuk.measures == ["Stop and search"]
    assert int(policeuk.counts.sum()) == 2527
    assert all(s.format == "police.uk stop-and-search" for s in policeuk.sources)


@pytest.mark.parametrize("force, rows, children, child_drugs, child_drug_arrests", [
    ("City of London", 879, 48, 19, 0),
    ("Derbyshire", 506, 116, 67, 7),
    ("Durham", 441, 67, 28, 1),
    ("Leicestershire", 701, 124, 71, 8),
])
def test_policeuk_figures_per_force(policeuk, force, rows, children, child_drugs, child_drug_arrests):
    f = policeuk.frame
    assert (f["force"] == force).sum() == rows
    assert total(policeuk, force=force, age_band="10-17") == children
    assert total(policeuk, force=force, age_band="10-17", **{"Object of search": "Controlled drugs"}) == child_drugs
    assert total(policeuk, force=force, age_band="10-17", outcome="Arrest",
                 **{"Object of search": "Controlled drugs"}) == child_drug_arrests


def test_policeuk_derbyshire_december_blank_ages_and_duplicates():
    ds = load_files(POLICEUK / "2019-12-derbyshire-stop-and-search.csv")
    assert ds.n_rows == 198
    assert (ds.frame["age_band"] == schema.NOT_RECORDED).sum() == 13
    assert "13 rows with a blank age range set to Not recorded" in notes_text(ds)
    # the 12 exact duplicates are separate searches: kept
    raw = pd.read_csv(POLICEUK / "2019-12-derbyshire-stop-and-search.csv", dtype=str)
    assert raw.duplicated().sum() == 12
    assert ds.frame.drop(columns=["count"]).duplicated().sum() >= 12
    assert "12 rows repeat an earlier row exactly; they were kept" in notes_text(ds)
    assert set(ds.frame["force"].unique()) == {"Derbyshire"}


def test_policeuk_columns(policeuk):
    f = policeuk.frame
    assert set(f["financial_year"].unique()) == {"2019-20"}
    assert f["date"].min() == pd.Timestamp("2019-12-01 01:48:53")
    assert f["date"].max() < pd.Timestamp("2020-03-01")
    assert set(policeuk.categories("sex")) == {"Male", "Female", schema.NOT_RECORDED}
    assert "No further action" in policeuk.categories("outcome")
    assert "A no further action disposal" not in policeuk.categories("outcome")
    bands = set(policeuk.categories("age_band"))
    assert {"10-17", "18-24", "25-34", "over 34", schema.NOT_RECORDED} <= bands
    assert bands <= {"under 10", "10-17", "18-24", "25-34", "over 34", schema.NOT_RECORDED}
    for kept in ("Object of search", "Legislation", "Type", "Self-defined ethnicity", "Officer-defined ethnicity",
                 "Latitude", "Longitude"):
        assert kept in f.columns
    assert "Object of search" in policeuk.facet_columns
    src = policeuk.sources[0]
    assert src.mapping == {"Date": "date", "Age range": "age_band", "Gender": "sex", "Outcome": "outcome"}
    assert len(src.sha256) == 64


def test_policeuk_renamed_file_needs_force(tmp_path):
    data = (POLICEUK / "2020-01-durham-stop-and-search.csv").read_bytes()
    renamed = tmp_path / "searches.csv"
    renamed.write_bytes(data)
    from youthdrugs_gui.core.errors import LoadError

    with pytest.raises(LoadError, match="force"):
        load_files(renamed)
    ds = load_files(renamed, force="Durham Constabulary")
    assert set(ds.frame["force"].unique()) == {"Durham"}
    assert ds.n_rows == 161


# ---- Home Office arrests ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def arrests() -> Dataset:
    return load_files(ARRESTS)


def test_arrests_detected(arrests):
    assert detect_format(ARRESTS) == "homeoffice"
    assert arrests.sources[0].format == "Home Office arrests"
    assert arrests.measures == ["Arrest"]


@pytest.mark.parametrize("fy, ew, region, wmp", [
    ("2006-07", 12744, 918, 501),
    ("2013-14", 10190, 416, 232),
    ("2019-20", 7297, 498, 275),
    ("2020-21", 6135, 311, 170),
    ("2021-22", 4913, 283, 167),
])
def test_arrests_for_drug_offences(arrests, fy, ew, region, wmp):
    drug = dict(offence_group="Drug offences", financial_year=fy)
    assert total(arrests, area="England and Wales", **drug) == ew
    assert total(arrests, area="West Midlands region", **drug) == region
    assert total(arrests, area="West Midlands", **drug) == wmp
    assert total(arrests, force="West Midlands", **drug) == wmp
    assert total(arrests, area_level="Region", **drug) == region


def test_arrests_cleaning(arrests):
    f = arrests.frame
    assert "2015/16 onwards - Drug offences" not in arrests.categories("offence_group")
    assert not any("onwards" in c for c in arrests.categories("ethnicity"))
    assert set(arrests.categories("sex")) == {"Boys", "Girls", "Unknown", schema.NOT_RECORDED}
    assert (f["sex"] == schema.NOT_RECORDED).sum() == 360  # the 'CHECK THIS VALUE' rows
    assert set(f["age_band"].unique()) == {"10-17"}
    notes = notes_text(arrests)
    assert "CHECK THIS VALUE" in notes
    assert "120 rows with no count (all of them England and Wales 2017-18)" in notes
    assert "never added together" in notes
    assert "Drug offences" in notes and "no Class A/B/C split" in notes
    assert arrests.n_rows == 6276 - 120
    # England and Wales 2017-18 is blank in the source: not available, never 0
    assert total(arrests, area="England and Wales", financial_year="2017-18") == 0
    assert arrests.coverage.status({"area": "England and Wales", "financial_year": "2017-18"}) == "[x]"
    assert arrests.coverage.gap_rows == {"[x]": 120}
    assert arrests.label("offence_group") == "Offence group"
    assert arrests.label("area_level") == "Area level"
    assert set(arrests.categories("force")) == {"West Midlands", schema.NOT_APPLICABLE}


# ---- Home Office stop and search -----------------------------------------------------------------
@pytest.fixture(scope="module")
def searches() -> Dataset:
    return load_files(SEARCHES)


def test_searches_for_drugs(searches):
    assert detect_format(SEARCHES) == "homeoffice"
    assert searches.sources[0].format == "Home Office stop and search"
    assert searches.measures == ["Stop and search"]
    assert searches.n_rows == 10260
    drugs = dict(reason_for_search="Drugs")
    assert total(searches, area="England and Wales", financial_year="2020-21", **drugs) == 60548
    assert total(searches, area="England and Wales", financial_year="2021-22", **drugs) == 41748
    assert total(searches, force="West Midlands", financial_year="2020-21", **drugs) == 1219
    assert total(searches, force="West Midlands", financial_year="2021-22", **drugs) == 1351


def test_searches_quarters_and_outcomes(searches):
    assert searches.categories("quarter")[:4] == ["Q1 (Apr-Jun)", "Q2 (Jul-Sep)", "Q3 (Oct-Dec)", "Q4 (Jan-Mar)"]
    assert "No further action" in searches.categories("outcome")
    assert "No Further Action" not in searches.categories("outcome")
    assert (searches.frame["sex"] == schema.NOT_RECORDED).sum() == 53


# ---- YJB proven offences -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def yjb() -> Dataset:
    return load_files(YJB)


def test_yjb(yjb):
    assert detect_format(YJB) == "yjb"
    assert yjb.sources[0].format == "YJB proven offences"
    assert yjb.measures == ["Proven offence"]
    assert yjb.n_rows == 2794
    assert total(yjb, offence_group="Drugs", financial_year="2020-21") == 176
    assert total(yjb, financial_year="2020-21") == 2201
    assert total(yjb, offence_group="Drugs", financial_year="2013-14") == 305
    assert total(yjb, financial_year="2013-14") == 4804
    assert set(yjb.frame["force"].unique()) == {"West Midlands"}
    assert set(yjb.frame["age_band"].unique()) == {"10-17"}
    assert "ObjectId" not in yjb.frame.columns
    assert "ObjectId" in notes_text(yjb)


def test_yjb_labels_fixed(yjb):
    gravity = set(yjb.categories("gravity"))
    assert {"1-4", "5-8", "3-4", "7-8", "1-2", "5-6", "Not available", "Unknown"} <= gravity
    assert not any(m in g for g in gravity for m in ("Apr", "Aug", "Feb", "Jun"))
    groups = yjb.categories("offence_group")
    assert "Breach of statutory order" in groups and "Breach Of Statutory Order" not in groups
    assert "Violence Against The Person" not in groups


def test_yjb_case_merge_keeps_counts(yjb):
    raw = pd.read_csv(YJB)
    low = raw["Offence"].str.lower()
    assert total(yjb, offence_group="Breach of statutory order") == int(raw.loc[low == "breach of statutory order",
                                                                              "Number"].sum())
    assert total(yjb, gravity="1-4") == int(raw.loc[raw["Gravity"].isin(["01-Apr", "1-4"]), "Number"].sum())


# ---- all together --------------------------------------------------------------------------------
def test_files_of_different_formats_append(policeuk):
    ds = load_files([ARRESTS, YJB, POLICEUK / "2019-12-derbyshire-stop-and-search.csv"])
    assert ds.n_rows == 6156 + 2794 + 198
    assert ds.measures == ["Arrest", "Stop and search", "Proven offence"]
    assert [s.format for s in ds.sources] == ["Home Office arrests", "YJB proven offences",
                                              "police.uk stop-and-search"]
    text = describe_mapping(ds)
    assert "Home Office arrests" in text and "'end_period_year' -> financial_year" in text
    # England and Wales alone: its region and force are inside it, never added to it
    assert "Arrest, England and Wales: 2,273,195" in text and "2,522,152" not in text


def test_forces_lookup_file_is_a_generic_table():
    f = RAW / "police-uk-forces" / "forces.csv"
    assert detect_format(f) == "generic"
    ds = load_files(f)
    assert ds.n_rows == 44
