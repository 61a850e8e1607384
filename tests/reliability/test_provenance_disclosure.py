"""The provenance record discloses nothing the export hides, and no note quotes free text.

* A protected table (small numbers suppressed, or rounded) goes out with a record that holds no count
  of the data: no rows per source, no rows in the data set, no load notes (which count rows). Four
  police.uk files filtered to girls gave a table with City of London `[c]` beside a record saying
  `rows: 3`; here City of London's 2 searches are also "2 rows with a blank age range" in the notes.
* Load notes name columns and count rows; they quote a value only from a column read as one of the
  program's own categories, with few distinct values, and only a short, label-like value
  (`sources.quoting.quotable`). "Jane Doe DOB 03/03/2009 (care leaver)" once reached the notes, the
  `info` output and the provenance record through merged spellings, unknown values, non-number counts
  and trailing rows.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.disclosure import suppress
from youthdrugs_gui.core.errors import MappingError
from youthdrugs_gui.core.export import export_rows, export_table, sidecar_path
from youthdrugs_gui.core.sources import describe_mapping, load_files
from youthdrugs_gui.core.tables import aggregate

SECRET = "Jane Doe DOB 03/03/2009 (care leaver)"
POLICE_UK_HEADER = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
                    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
                    "Outcome linked to object of search,Removal of more than just outer clothing")


def _search(gender: str, age: str, day: int) -> str:
    return (f"Person search,2020-01-{day:02d}T10:00:00+00:00,,,51.5,-0.1,{gender},{age},White,White,"
            "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,False,False")


def police_uk_files(folder: Path) -> list[Path]:
    """Four forces for January 2020: City of London has 2 searches, both of girls with no age range."""
    rows = {
        "city-of-london": [_search("Female", "", d) for d in (1, 2)],
        "derbyshire": [_search("Female", "10-17", d) for d in range(1, 8)] + [_search("Male", "18-24", 9)] * 6,
        "durham": [_search("Female", "18-24", d) for d in range(1, 10)] + [_search("Male", "10-17", 2)] * 4,
        "leicestershire": [_search("Female", "25-34", d) for d in range(1, 12)] + [_search("Male", "", 5)] * 2,
    }
    made = []
    for slug, lines in rows.items():
        p = folder / f"2020-01-{slug}-stop-and-search.csv"
        p.write_text(POLICE_UK_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        made.append(p)
    return made


def _table(out: Path) -> dict[str, str]:
    with open(out, encoding="utf-8-sig", newline="") as f:
        return {r[0]: r[1] for r in list(csv.reader(f))[1:]}


def _standalone(number: int, text: str) -> bool:
    return re.search(rf"(?<![\w.]){number}(?![\w.])", text) is not None


@pytest.mark.parametrize("rule", [["--suppress-below", "5"], ["--round-to", "5"]], ids=["suppressed", "rounded"])
def test_a_protected_table_goes_out_with_a_record_holding_no_count(tmp_path, capsys, rule):
    files = police_uk_files(tmp_path)
    out = tmp_path / "girls.csv"
    code = run_cli(["export", *map(str, files), "--filter", "Gender=Female", "--group-by", "force", *rule,
                    "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert _table(out)["City of London"] == "[c]"
    text = sidecar_path(out).read_text(encoding="utf-8")
    record = json.loads(text)
    data = record["dataset"]
    assert "rows" not in data and "notes" not in data
    for source in data["sources"]:
        assert set(source) == {"path", "sha256", "format", "mapping"}
    assert "withheld" in data and "\n" not in data["withheld"]
    assert not _standalone(2, text), "the record gives City of London's hidden count"
    assert record["rows_written"] == 5  # the table's lines, as the file shows them


def test_the_api_withholds_the_same_for_a_suppression_result(tmp_path):
    ds = load_files(police_uk_files(tmp_path))
    girls = np.flatnonzero(ds.frame["sex"].astype(str).to_numpy() == "Female")
    table = suppress(aggregate(ds, girls, ["force"]), k=5, by=["force"])
    for name in ("t.csv", "t.xlsx"):
        res = export_table(table, tmp_path / name, dataset=ds)
        text = res.sidecar.read_text(encoding="utf-8")
        assert not _standalone(2, text) and '"rows"' not in text and '"notes"' not in text
    # a caller that protected a plain table itself says so, and is treated the same
    res = export_table(table.table, tmp_path / "own.csv", dataset=ds, provenance={"suppression": "my own rule"})
    text = res.sidecar.read_text(encoding="utf-8")
    assert json.loads(text)["suppression"] == "my own rule" and '"rows"' not in text


def test_casework_exports_keep_the_counts_and_notes(tmp_path):
    ds = load_files(police_uk_files(tmp_path))
    res = export_rows(ds, np.arange(ds.n_rows), tmp_path / "rows.csv")
    data = json.loads(res.sidecar.read_text(encoding="utf-8"))["dataset"]
    assert data["rows"] == ds.n_rows and [s["rows"] for s in data["sources"]] == [2, 13, 13, 13]
    assert any("2 rows with a blank age range" in n for n in data["sources"][0]["notes"])
    res = export_table(aggregate(ds, np.arange(ds.n_rows), ["force"]), tmp_path / "plain.csv", dataset=ds)
    assert json.loads(res.sidecar.read_text(encoding="utf-8"))["dataset"]["rows"] == ds.n_rows


# ---- notes never quote free text ------------------------------------------------------------------
def _lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


HOSTILE = {
    "merged spellings in a column of its own": (
        _lines("Force,Comment,Count", f"Kent,{SECRET},1", f"Essex,{SECRET.lower()},1"), None),
    "merged spellings of an offence type": (
        _lines("Force,Offence type,Count", f"Kent,{SECRET},1", f"Essex,{SECRET.upper()},1"), "'Offence type'"),
    "merged spellings of a drug class": (
        _lines("Force,Drug class,Count", f"Kent,{SECRET},1", f"Essex,{SECRET.lower()},1"), "'Drug class'"),
    "merged spellings of an outcome": (
        _lines("Force,Outcome,Count", f"Kent,{SECRET},1", f"Essex,{SECRET.lower()},1"), "'Outcome'"),
    "merged spellings of an ethnicity": (
        _lines("Force,Ethnicity,Count", f"Kent,{SECRET},1", f"Essex,{SECRET.lower()},1"), None),
    "a force that matches nothing": (
        _lines("Force,Count", "Kent,1", f"{SECRET},2"), "'Force'"),
    "a count that is not a number": (
        _lines("Force,Count", *["Kent,3"] * 10, f"Essex,{SECRET}"), "count is not a number"),
    "a trailing totals row": (
        _lines("Force,Year,Count", "Kent,2020-21,3", "Essex,2020-21,4", f"Total {SECRET},,7"), "totals row"),
    "an age that is not an age": (
        _lines("Force,Age,Count", *["Kent,14,1"] * 20, f"Kent,{SECRET},1"), "'Age'"),
    "a financial year that is not one": (
        _lines("Force,Financial year,Count", *["Kent,2020-21,1"] * 5, f"Kent,{SECRET},1"), "'Financial year'"),
    "a date that is not one": (
        _lines("Force,Date,Count", *["Kent,2020-04-01,1"] * 5, f"Kent,{SECRET},1"), "'Date'"),
    "an area level that is not one": (
        _lines("Force,Area level,Count", "Kent,Police force area,1", f"Essex,{SECRET},1"), "area levels"),
    "a bare date of birth as an age": (
        _lines("Force,Age,Count", *["Kent,14,1"] * 20, "Kent,03/03/2009,1"), "'Age'"),
}


def _everything_said(ds, tmp_path: Path) -> str:
    info = describe_mapping(ds)  # the `info` output: its notes (its totals list the data's own values)
    said = [n for s in ds.sources for n in s.notes] + list(ds.notes) + [info.split("Columns: ")[0]]
    res = export_rows(ds, np.arange(ds.n_rows), tmp_path / "out.csv")
    said.append(res.sidecar.read_text(encoding="utf-8"))
    return "\n".join(said)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_no_note_quotes_free_text(tmp_path, name):
    text, expected = HOSTILE[name]
    p = tmp_path / "hostile.csv"
    p.write_text(text, encoding="utf-8")
    ds = load_files(p)
    notes = "\n".join(n for s in ds.sources for n in s.notes)
    if expected is not None:  # the note is still given, naming the column or the row
        assert expected in notes, notes
    said = _everything_said(ds, tmp_path)
    for piece in ("Jane", "jane", "JANE", "03/03/2009", "care leaver", "CARE LEAVER"):
        assert piece not in said, f"{name}: {piece!r} quoted"


def test_a_count_mapped_to_free_text_does_not_quote_it(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(_lines("Area,Remarks", f"Kent,{SECRET}", "Essex,seen twice"), encoding="utf-8")
    with pytest.raises(MappingError) as e:
        load_files(p, mapping={"Area": "force", "Remarks": "count"})
    assert "Jane" not in str(e.value) and "'Remarks'" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("value, ok", [
    ("Gotham City Police", True), ("Kent", True), ("-3", True), ("12.5", True), ("2020/21", True),
    ("two", True), ("Class A", True), ("10-17", True),
    (SECRET, False), ("Jane Doe DOB 03/03/2009", False), ("03/03/2009", False), ("2009-03-03", False),
    ("jane@example.org", False), ("07700 900123", False), ("AB123456C", False), ("x" * 31, False),
    ("one two three four five", False), ("line\nbreak", False),
])
def test_the_quoting_rule(value, ok):
    from youthdrugs_gui.core.sources.quoting import quotable

    assert quotable(value) is ok
