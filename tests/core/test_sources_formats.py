"""The specialised importers on small files written by the test, so that each is exercised even where
the real files are absent: police.uk, both Home Office shapes (the aggregated children's tables and the
Home Office's own open-data headers) and the YJB table; plus format detection and describe_mapping."""
from __future__ import annotations

from pathlib import Path

import pytest

from youthdrugs_gui.core.errors import LoadError
from youthdrugs_gui.core.schema import NOT_RECORDED
from youthdrugs_gui.core.sources import describe_mapping, detect_format, load_files

POLICEUK_HEADER = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
                   "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
                   "Outcome linked to object of search,Removal of more than just outer clothing")
POLICEUK_ROWS = [
    "Person search,2020-03-31T23:30:00+01:00,,,52.1,-1.2,Male,10-17,White - British,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,False,False",
    "Person search,2020-04-01T00:30:00+01:00,,,52.1,-1.2,Female,,White - British,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False",
    "Person search,2020-04-01T00:30:00+01:00,,,52.1,-1.2,Female,,White - British,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False",
    "Vehicle search,2020-04-02T10:00:00+01:00,,,,,,,,,"
    "Police and Criminal Evidence Act 1984 (section 1),Stolen goods,,,",
]


def notes(ds) -> str:
    return "\n".join(n for s in ds.sources for n in s.notes)


def write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


def test_policeuk_small(tmp_path):
    p = write(tmp_path / "2020-04-west-mercia-stop-and-search.csv", "\n".join([POLICEUK_HEADER] + POLICEUK_ROWS) + "\n")
    assert detect_format(p) == "policeuk"
    ds = load_files(p)
    f = ds.frame
    assert ds.n_rows == 4  # the duplicate row is kept
    assert set(f["force"]) == {"West Mercia"}
    # local time as written; 23:30 on 31 March is still 2019-20
    assert list(f["financial_year"]) == ["2019-20", "2020-21", "2020-21", "2020-21"]
    assert list(f["age_band"]) == ["10-17", NOT_RECORDED, NOT_RECORDED, NOT_RECORDED]
    assert list(f["sex"]) == ["Male", "Female", "Female", NOT_RECORDED]
    assert list(f["outcome"]) == ["No further action", "Arrest", "Arrest", NOT_RECORDED]
    assert list(ds.counts) == [1, 1, 1, 1]
    assert ds.measures == ["Stop and search"]
    assert "3 rows with a blank age range set to Not recorded" in notes(ds)
    assert "1 row repeat" in notes(ds) or "1 row repeats" in notes(ds)
    assert "Object of search" in ds.facet_columns


def test_policeuk_unknown_force_slug_needs_force(tmp_path):
    p = write(tmp_path / "2020-04-atlantis-stop-and-search.csv", "\n".join([POLICEUK_HEADER] + POLICEUK_ROWS))
    with pytest.raises(LoadError, match="which police force"):
        load_files(p)
    assert set(load_files(p, force="warwickshire").frame["force"]) == {"Warwickshire"}


HO_ARRESTS = """end_period_year,gender,ethnicity,reason,count,level,end_period_month,period_length
2016,Boys,White,2015/16 onwards - Drug offences,10,Eng/Wales,March,Year
2016,CHECK THIS VALUE,White,2015/16 onwards - Drug offences,1,Eng/Wales,March,Year
2015,Girls,White,Drug offences,3,Eng/Wales,March,Year
2018,Boys,2019/20 onwards - Other Ethnic group,2015/16 onwards - Drug offences,,Eng/Wales,March,Year
2018,Boys,2019/20 onwards - Other Ethnic Group,2015/16 onwards - Drug offences,2,West Midlands (police),March,Year
2018,Girls,2019/20 onwards - Other Ethnic Group,2015/16 onwards - Robbery,1,West Midlands (region),March,Year
"""


def test_home_office_children_table(tmp_path):
    ds = load_files(write(tmp_path / "arrests.csv", HO_ARRESTS))
    f = ds.frame
    assert ds.sources[0].format == "Home Office arrests"
    assert ds.n_rows == 5
    assert list(f["financial_year"]) == ["2015-16", "2015-16", "2014-15", "2017-18", "2017-18"]
    assert list(f["sex"]) == ["Boys", NOT_RECORDED, "Girls", "Boys", "Girls"]
    assert set(f["offence_group"]) == {"Drug offences", "Robbery"}
    assert set(f["ethnicity"]) == {"White", "Other Ethnic Group"}  # the commoner spelling
    # wider areas have their own level: the force list holds forces only
    assert list(f["force"]) == ["Not applicable"] * 3 + ["West Midlands", "Not applicable"]
    assert list(f["area"]) == ["England and Wales"] * 3 + ["West Midlands", "West Midlands region"]
    assert list(f["area_level"]) == ["England and Wales"] * 3 + ["Police force area", "Region"]
    assert set(f["age_band"]) == {"10-17"}
    assert "end_period_month" not in f.columns and "period_length" not in f.columns
    text = notes(ds)
    # the blank count is kept as not available, never read as 0
    assert "1 row with no count (all of them England and Wales 2017-18)" in text and "not as 0" in text
    assert ds.coverage.status({"area": "England and Wales", "financial_year": "2017-18"}) == "[x]"
    assert ds.coverage.gap_rows == {"[x]": 1}
    assert "CHECK THIS VALUE" in text
    assert "never added together" in text


def test_home_office_original_headers(tmp_path):
    arrests = write(tmp_path / "arrests-open-data.csv",
                    "Financial Year,Geocode,Force Name,Region,Gender,Ethnic Group (self-defined),Age group,"
                    "Reason for arrest (offence group),Arrests\n"
                    "2020/21,E23000001,Metropolitan Police,London,Male,White,10 - 17 years,Drug offences,120\n"
                    "2020/21,E23000001,Metropolitan Police,London,Female,White,10 - 17 years,Drug offences,7\n"
                    "2020/21,E23000014,West Midlands,West Midlands,Male,White,18 - 20 years,Drug offences,30\n"
                    "2021/22,E23000014,West Midlands,West Midlands,Female,White,21 and over,Robbery,4\n")
    assert detect_format(arrests) == "homeoffice"
    ds = load_files(arrests)
    f = ds.frame
    assert ds.measures == ["Arrest"]
    assert list(f["age_band"]) == ["10-17", "10-17", "18-20", "21 and over"]
    assert list(f["sex"]) == ["Male", "Female", "Male", "Female"]  # adults are in the table
    assert list(f["force"]) == ["Metropolitan Police", "Metropolitan Police", "West Midlands", "West Midlands"]
    assert int(ds.counts.sum()) == 161

    searches = write(tmp_path / "ss-open-data.csv",
                     "financial_year,financial_year_quarter,police_force_area,region,legislation,"
                     "reason_for_search,outcome,link,self_defined_ethnicity_group,sex,age_group,"
                     "number_of_searches\n"
                     "2020/21,1,Metropolitan Police,London,Section 1 (PACE),Drugs,No Further Action,"
                     "Nothing found,White,Male,10 - 17,55\n"
                     "2020/21,4,Metropolitan Police,London,Section 1 (PACE),Drugs,Arrest,Linked,White,Female,"
                     "10 - 17,3\n")
    ds = load_files(searches)
    assert ds.measures == ["Stop and search"]
    assert list(ds.frame["quarter"]) == ["Q1 (Apr-Jun)", "Q4 (Jan-Mar)"]
    assert list(ds.frame["sex"]) == ["Boys", "Girls"]  # children only
    assert list(ds.frame["outcome"]) == ["No further action", "Arrest"]


YJB = """FY,YJS,Region,PCC,England_Wales,Offence,Gravity,Number,ObjectId
2020-21,Dudley,West Midlands,West Midlands,England,Drugs,01-Apr,3,1
2020-21,Dudley,West Midlands,West Midlands,England,Drugs,1-4,2,2
2020-21,Dudley,West Midlands,West Midlands,England,Breach Of Statutory Order,05-Aug,1,3
2020-21,Dudley,West Midlands,West Midlands,England,Breach of statutory order,Not available,4,4
"""


def test_yjb_small(tmp_path):
    p = write(tmp_path / "yjb.csv", YJB)
    assert detect_format(p) == "yjb"
    ds = load_files(p)
    f = ds.frame
    assert list(f["gravity"]) == ["1-4", "1-4", "5-8", "Not available"]
    assert list(f["offence_group"]) == ["Drugs", "Drugs", "Breach of statutory order", "Breach of statutory order"]
    assert set(f["force"]) == {"West Midlands"}
    assert ds.measures == ["Proven offence"]
    assert "ObjectId" not in f.columns
    assert ds.label("yjs") == "Youth Justice Service"
    text = describe_mapping(ds)
    assert "'Number'" in text and "-> count" in text and "Proven offence: 10" in text


def test_detection_is_by_header_not_name(tmp_path):
    p = write(tmp_path / "2020-01-durham-stop-and-search.csv", "Force,Count\nDurham,1\n")
    assert detect_format(p) == "generic"
    q = write(tmp_path / "anything.txt", YJB)
    assert detect_format(q) == "yjb"
