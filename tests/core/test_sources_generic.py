"""The generic table importer on small hand-written files: encodings, delimiters, workbooks written by
the test, column mapping, totals rows, banded ages, and the public API's progress and cancel."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.errors import CancelledError, LoadError, MappingError
from youthdrugs_gui.core.schema import NOT_RECORDED
from youthdrugs_gui.core.sources import describe_mapping, detect_format, load_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def notes(ds) -> str:
    return "\n".join(n for s in ds.sources for n in s.notes)


def rows(ds) -> list[dict]:
    return ds.frame.astype(object).to_dict("records")


# ---- text files ----------------------------------------------------------------------------------
def test_semicolon_cp1252():
    ds = load_files(FIXTURES / "semicolon_cp1252.csv")
    f = ds.frame
    assert ds.n_rows == 7
    assert ds.sources[0].format == "generic csv"
    assert "Windows (cp1252)" in notes(ds)
    assert list(f["force"])[:3] == ["Avon and Somerset", "Metropolitan Police", "West Mercia"]
    assert "Gotham City Police" in set(f["force"])  # unmatched names are kept, and listed
    assert "Gotham City Police" in notes(ds)
    assert list(f["financial_year"]) == ["2020-21", "2020-21", "2021-22", "2021-22", "2021-22", "2021-22", "2021-22"]
    assert list(f["sex"])[:4] == ["Boys", "Girls", "Boys", "Girls"]
    assert list(f["drug_class"]) == ["A", "B", "B", "C", "A", "A", "Not known"]
    assert list(f["offence_type"])[:5] == ["Possession with intent to supply", "Possession",
                                           "Possession with intent to supply", "Supply or offering to supply",
                                           "Supply or offering to supply"]
    assert list(f["age"]) == ["15", "16", "17", "14", NOT_RECORDED, NOT_RECORDED, NOT_RECORDED]
    assert "3 rows with a blank 'Age at offence' set to Not recorded" in notes(ds)
    assert set(f["Note"]) == {"seized £40", "café", NOT_RECORDED}
    assert int(ds.counts.sum()) == 18
    assert ds.sources[0].mapping["Police Force Area"] == "force"
    assert ds.sources[0].mapping["Number"] == "count"
    assert ds.roles["age"] is schema.Role.AGE


def test_utf16_tab_separated():
    ds = load_files(FIXTURES / "utf16_tab.txt")
    assert "UTF-16" in notes(ds)
    assert list(ds.frame["force"]) == ["Derbyshire", "Durham", "Leicestershire", "Derbyshire"]
    assert list(ds.frame["age"]) == ["13", "15", "12", "17"]  # '12 years' and '17.0' are exact ages
    assert [c for c in ds.categories("age") if c != NOT_RECORDED] == ["12", "13", "15", "17"]
    assert int(ds.counts.sum()) == 13


def test_title_line_totals_row_and_suppressed_count():
    ds = load_files(FIXTURES / "with_totals.csv")
    text = notes(ds)
    assert ds.n_rows == 3
    assert int(ds.counts.sum()) == 200
    assert "skipped 1 line above the column headings" in text
    assert "left out a totals row at the end of the table ('Total')" in text
    assert "'[c]'" in text
    assert "Total" not in ds.categories("force")
    assert ds.sources[0].mapping == {"Police force": "force", "Year": "financial_year",
                                     "Offence type": "offence_type", "Proven offences": "count"}


def test_banded_ages_go_to_age_band():
    ds = load_files(FIXTURES / "banded_ages.csv")
    f = ds.frame
    assert "age" not in f.columns
    assert list(f["age_band"]) == ["10-14", "15-17", "10-14", "15-17", "under 10", NOT_RECORDED]
    assert "'Oct-14' -> '10-14'" in notes(ds)
    assert ds.measures == ["Arrest"]
    assert list(f["financial_year"].unique()) == ["2019-20", "2020-21"]


def test_age_column_holding_bands_becomes_age_band(tmp_path):
    p = tmp_path / "ages.csv"
    p.write_text("Age,Count\n10-17,4\nunder 10,1\n15-17,3\n", encoding="utf-8")
    ds = load_files(p)
    assert "age" not in ds.frame.columns
    assert list(ds.frame["age_band"]) == ["10-17", "under 10", "15-17"]
    assert "holds age bands" in notes(ds)


def test_exact_ages_unknown_words_and_adults(tmp_path):
    p = tmp_path / "ages.csv"
    p.write_text("Age,Gender,Count\n12,Male,1\n12.0,Female,1\nUnknown,Male,1\n34,Male,2\n,Female,1\n",
                 encoding="utf-8")
    ds = load_files(p)
    assert list(ds.frame["age"]) == ["12", "12", NOT_RECORDED, "34", NOT_RECORDED]
    # the file covers adults, so it does not call them boys and girls
    assert list(ds.frame["sex"]) == ["Male", "Female", "Male", "Male", "Female"]
    assert "covers adults" in notes(ds)


def test_children_only_sex_is_boys_and_girls(tmp_path):
    p = tmp_path / "kids.csv"
    p.write_text("Age,Sex,Count\n12,M,1\n15,female,1\n", encoding="utf-8")
    assert list(load_files(p).frame["sex"]) == ["Boys", "Girls"]


def test_spellings_merged_and_excel_bands_fixed(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text(
        "Offence group,Gravity,Count\n"
        "Breach of statutory order,01-Apr,3\n"
        "Breach Of Statutory Order,05-Aug,1\n"
        "Breach of statutory order,1-4,2\n"
        "2015/16 onwards - Drug offences,5-8,4\n"
        "Drug offences,05-Aug,5\n", encoding="utf-8")
    ds = load_files(p)
    f = ds.frame
    assert ds.categories("offence_type")[:2] == ["Breach of statutory order", "Drug offences"]
    assert list(f["Gravity"]) == ["1-4", "5-8", "1-4", "5-8", "5-8"]
    g = f.groupby("offence_type", observed=True)["count"].sum()
    assert g["Breach of statutory order"] == 6 and g["Drug offences"] == 9


def test_prefix_only_labels_lose_the_prefix(tmp_path):
    p = tmp_path / "later.csv"
    p.write_text("Reason,Count\n2015/16 onwards - Drug offences,4\n2015/16 onwards - Robbery,1\n", encoding="utf-8")
    ds = load_files(p)
    assert set(ds.frame["offence_type"]) == {"Drug offences", "Robbery"}


def test_date_gives_financial_year_and_excel_serials(tmp_path):
    p = tmp_path / "dates.csv"
    p.write_text("Date of offence,Count\n31/03/2020,1\n01/04/2020,1\n2021-01-15,2\n", encoding="utf-8")
    ds = load_files(p)
    assert list(ds.frame["financial_year"]) == ["2019-20", "2020-21", "2020-21"]
    assert list(ds.frame["date"]) == [pd.Timestamp("2020-03-31"), pd.Timestamp("2020-04-01"),
                                      pd.Timestamp("2021-01-15")]
    q = tmp_path / "serials.csv"
    q.write_text("Date,Count\n43921,1\n43922,1\n", encoding="utf-8")  # Excel serials for 31 Mar / 1 Apr 2020
    ds = load_files(q)
    assert list(ds.frame["date"]) == [pd.Timestamp("2020-03-31"), pd.Timestamp("2020-04-01")]
    assert list(ds.frame["financial_year"]) == ["2019-20", "2020-21"]


def test_text_year_column_is_not_forced_into_financial_years(tmp_path):
    p = tmp_path / "year.csv"
    p.write_text("Year,Count\nYear 7,1\nYear 8,2\n", encoding="utf-8")
    ds = load_files(p)
    assert "financial_year" not in ds.frame.columns
    assert set(ds.frame["Year"]) == {"Year 7", "Year 8"}


def test_first_header_wins_and_others_are_kept(tmp_path):
    p = tmp_path / "two_forces.csv"
    p.write_text("Force,PFA,Count\nKent,Essex,1\n", encoding="utf-8")
    ds = load_files(p)
    assert list(ds.frame["force"]) == ["Kent"]
    assert list(ds.frame["PFA"]) == ["Essex"]
    assert "PFA" in ds.facet_columns


def test_measure_and_force_given_by_caller(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("Drug class,Count\nA,2\nB,3\n", encoding="utf-8")
    ds = load_files(p, measure="arrests", force="Essex Police")
    assert ds.measures == ["Arrest"]
    assert set(ds.frame["force"]) == {"Essex"}
    plain = load_files(p)
    assert plain.measures == []
    assert "measure" not in plain.frame.columns


def test_no_count_column_counts_rows(tmp_path):
    p = tmp_path / "records.csv"
    p.write_text("Force,Drug class\nKent,A\nKent,A\nKent,B\n", encoding="utf-8")
    ds = load_files(p)
    assert ds.n_rows == 3 and int(ds.counts.sum()) == 3


def test_quoted_newlines_and_ragged_rows(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text('Force,Comment,Count\nKent,"two\nlines",1\nEssex\nSurrey,x,2,,\nDurham,y,3,surplus\n',
                 encoding="utf-8")
    ds = load_files(p)
    assert list(ds.frame["force"]) == ["Kent", "Surrey"]
    assert list(ds.frame["Comment"]) == ["two\nlines", "x"]
    assert list(ds.counts) == [1, 2]
    text = notes(ds)
    assert "1 row with no count (a blank cell) kept as not available" in text  # Essex: a short row, padded
    assert ds.coverage.status({"force": "Essex"}) == "[x]"
    assert "more cells than there are column headings" in text  # Durham


def test_bom_and_duplicate_headers(tmp_path):
    p = tmp_path / "dups.csv"
    p.write_bytes("Force,Note,Note,Count\nKent,a,b,1\n".encode("utf-8-sig"))
    ds = load_files(p)
    assert list(ds.frame["force"]) == ["Kent"]
    assert {"Note", "Note (2)"} <= set(ds.frame.columns)


# ---- workbooks and Parquet (written by the test) --------------------------------------------------
def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "Police Force Area": ["Essex Police", "Kent Police", "Kent Police"],
        "Financial Year": ["2020/21", "2020/21", "2021/22"],
        "Age at offence": [15, 16, 12],
        "Drug class": ["Class A", "Class B", "Class B"],
        "Number of offences": [3, 4, 5],
    })


def _check_table(ds) -> None:
    assert list(ds.frame["force"]) == ["Essex", "Kent", "Kent"]
    assert list(ds.frame["financial_year"]) == ["2020-21", "2020-21", "2021-22"]
    assert list(ds.frame["age"]) == ["15", "16", "12"]
    assert list(ds.frame["drug_class"]) == ["A", "B", "B"]
    assert list(ds.counts) == [3, 4, 5]


def test_xlsx_first_sheet_with_data_or_named_sheet(tmp_path):
    p = tmp_path / "book.xlsx"
    with pd.ExcelWriter(p, engine="openpyxl") as w:
        pd.DataFrame({"About": ["Figures for 2020-21 and 2021-22"]}).to_excel(w, sheet_name="Cover", index=False)
        _table().to_excel(w, sheet_name="Data", index=False)
        _table().head(1).to_excel(w, sheet_name="Other", index=False)
    assert detect_format(p) == "generic"
    ds = load_files(p)
    _check_table(ds)
    assert ds.sources[0].format == "generic xlsx"
    assert "read the sheet 'Data'" in notes(ds)
    one = load_files(p, sheet="Other")
    assert one.n_rows == 1
    with pytest.raises(LoadError, match="no sheet called 'Nope'"):
        load_files(p, sheet="Nope")


def test_xlsx_title_rows_dates_and_totals(tmp_path):
    import openpyxl

    p = tmp_path / "titled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.worksheets[-1]  # the data (the cover sheet comes first)
    ws.append(["Table 1: drug offences by children"])
    ws.append([])
    ws.append(["Force", "Date", "Age", "Count"])
    ws.append(["Durham", pd.Timestamp("2020-03-31").to_pydatetime(), 14, 2])
    ws.append(["Durham", pd.Timestamp("2020-04-02").to_pydatetime(), 15.0, 1])
    ws.append(["Grand total", None, None, 3])
    wb.save(p)
    ds = load_files(p)
    assert ds.n_rows == 2
    assert list(ds.frame["financial_year"]) == ["2019-20", "2020-21"]
    assert list(ds.frame["age"]) == ["14", "15"]
    assert "Grand total" in notes(ds)


def test_ods(tmp_path):
    p = tmp_path / "book.ods"
    _table().to_excel(p, engine="odf", index=False)
    ds = load_files(p)
    _check_table(ds)
    assert ds.sources[0].format == "generic ods"


def test_parquet(tmp_path):
    p = tmp_path / "t.parquet"
    _table().to_parquet(p)
    ds = load_files(p)
    _check_table(ds)


def test_xlsx_renamed_csv_and_csv_renamed_xlsx(tmp_path):
    book = tmp_path / "book.xlsx"
    _table().to_excel(book, index=False)
    renamed = tmp_path / "really_a_workbook.csv"
    renamed.write_bytes(book.read_bytes())
    ds = load_files(renamed)
    _check_table(ds)
    assert "is an Excel workbook" in notes(ds)
    text = tmp_path / "really_text.xlsx"
    _table().to_csv(text, index=False)
    ds = load_files(text)
    _check_table(ds)
    assert "holds plain text (CSV)" in notes(ds)


# ---- column mapping ------------------------------------------------------------------------------
def test_mapping_file():
    ds = load_files(FIXTURES / "needs_mapping.csv", mapping=FIXTURES / "mapping_example.json")
    assert ds.sources[0].mapping == {"Area served": "force", "Yr": "financial_year", "Kid's age": "age",
                                     "Substance class": "drug_class", "Qty": "count"}
    assert list(ds.frame["force"]) == ["Essex", "Essex", "Kent", "Kent"]
    assert int(ds.counts.sum()) == 13
    assert "Caseworker team" in ds.facet_columns
    text = describe_mapping(ds)
    assert "'Area served'" in text and "-> force" in text


def test_mapping_dict_and_labels(tmp_path):
    ds = load_files(FIXTURES / "needs_mapping.csv",
                    mapping={"area served": "Police force", "Qty": "count", "Yr": "financial_year"})
    assert set(ds.frame["force"]) == {"Essex", "Kent"}
    assert "Kid's age" in ds.frame.columns


def test_mapping_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"Area served": "force",}', encoding="utf-8")
    with pytest.raises(MappingError, match="not valid JSON"):
        load_files(FIXTURES / "needs_mapping.csv", mapping=bad)
    with pytest.raises(MappingError, match="both 'Area served' and 'Yr'"):
        load_files(FIXTURES / "needs_mapping.csv", mapping={"Area served": "force", "Yr": "force"})
    with pytest.raises(MappingError, match="financial_year, date, month, quarter, calendar_year, force"):
        load_files(FIXTURES / "needs_mapping.csv", mapping={"Area served": "forse"})
    with pytest.raises(MappingError, match="no column with that heading"):
        load_files(FIXTURES / "needs_mapping.csv", mapping={"Area srved": "force"})
    with pytest.raises(MappingError, match="holds text"):
        load_files(FIXTURES / "needs_mapping.csv", mapping={"Caseworker team": "count"})
    with pytest.raises(MappingError, match="does not exist"):
        load_files(FIXTURES / "needs_mapping.csv", mapping=tmp_path / "missing.json")
    lst = tmp_path / "list.json"
    lst.write_text(json.dumps(["force"]), encoding="utf-8")
    with pytest.raises(MappingError, match="JSON object"):
        load_files(FIXTURES / "needs_mapping.csv", mapping=lst)


# ---- the API -------------------------------------------------------------------------------------
def test_progress_and_cancel():
    seen: list[float] = []
    ds = load_files([FIXTURES / "semicolon_cp1252.csv", FIXTURES / "banded_ages.csv"], progress=seen.append)
    assert ds.n_rows == 13
    assert seen[-1] == 1.0
    assert all(0.0 <= x <= 1.0 for x in seen)
    assert seen == sorted(seen)
    calls = {"n": 0}

    def cancel_soon() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(CancelledError):
        load_files([FIXTURES / "semicolon_cp1252.csv", FIXTURES / "banded_ages.csv"], cancelled=cancel_soon)


def test_several_files_append_with_union_of_columns():
    ds = load_files([FIXTURES / "semicolon_cp1252.csv", FIXTURES / "banded_ages.csv"])
    assert ds.n_rows == 13
    assert len(ds.sources) == 2
    f = ds.frame
    assert (f["age_band"] == NOT_RECORDED).sum() == 7 + 1
    assert set(ds.categories("measure")) == {"Arrest", NOT_RECORDED}
    assert ds.notes and all(":" in n for n in ds.notes)


def test_fmt_option(tmp_path):
    ds = load_files(FIXTURES / "banded_ages.csv", fmt="generic")
    assert ds.n_rows == 6
    with pytest.raises(LoadError, match="not a file format"):
        load_files(FIXTURES / "banded_ages.csv", fmt="spreadsheet-ish")
    with pytest.raises(LoadError, match="police.uk"):
        load_files(FIXTURES / "banded_ages.csv", fmt="policeuk")
    with pytest.raises(LoadError, match="Home Office"):
        load_files(FIXTURES / "needs_mapping.csv", fmt="homeoffice")
    with pytest.raises(LoadError, match="not a police force"):
        load_files(FIXTURES / "banded_ages.csv", force="Gotham")


def test_large_file_is_read_quickly(tmp_path):
    n = 200_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "Force": rng.choice(list(schema.FORCE_NAMES), n),
        "Financial year": rng.choice(["2019/20", "2020/21"], n),
        "Age": rng.integers(10, 18, n),
        "Drug class": rng.choice(["Class A", "Class B"], n),
        "Count": rng.integers(1, 4, n),
    })
    p = tmp_path / "big.csv"
    df.to_csv(p, index=False)
    import time

    t = time.perf_counter()
    ds = load_files(p)
    took = time.perf_counter() - t
    assert ds.n_rows == n
    assert int(ds.counts.sum()) == int(df["Count"].sum())
    assert took < 5.0


# ---- silent reinterpretations become notes or refusals -------------------------------------------
def _one(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_bare_year_read_as_a_financial_year_says_so(tmp_path):
    ds = load_files(_one(tmp_path, "y.csv", "Force,Year,Count\nKent,2019,3\nEssex,2020,4\n"))
    assert ds.categories("financial_year") == ["2018-19", "2019-20"]
    assert "read as the financial year ending in March" in notes(ds)


def test_dates_month_first_are_detected_and_mixed_ones_refused(tmp_path):
    us = load_files(_one(tmp_path, "us.csv", "Force,Date,Count\nKent,12/25/2021,1\nKent,03/04/2021,1\n"))
    assert list(us.frame["date"].dt.strftime("%Y-%m-%d")) == ["2021-12-25", "2021-03-04"]
    assert "month first" in notes(us)
    uk = load_files(_one(tmp_path, "uk.csv", "Force,Date,Count\nKent,25/12/2021,1\nKent,03/04/2021,1\n"))
    assert list(uk.frame["date"].dt.strftime("%Y-%m-%d")) == ["2021-12-25", "2021-04-03"]
    amb = load_files(_one(tmp_path, "amb.csv", "Force,Date,Count\nKent,03/04/2021,1\nKent,05/06/2021,1\n"))
    assert "read day first" in notes(amb)
    from youthdrugs_gui.core.errors import LoadError

    with pytest.raises(LoadError, match="day first .* and month first"):
        load_files(_one(tmp_path, "mixed.csv", "Force,Date,Count\nKent,25/12/2021,1\nKent,12/25/2021,1\n"))


def test_ages_in_months_are_refused_not_banded(tmp_path):
    from youthdrugs_gui.core.errors import LoadError

    with pytest.raises(LoadError, match="ages in months"):
        load_files(_one(tmp_path, "m.csv", "Force,Age,Count\nKent,150,3\nEssex,204,4\nKent,180,1\n"))
