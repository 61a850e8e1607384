"""Files a user can wrongly choose: each gives a LoadError (or MappingError) naming the file and saying
what to do, and no other exception ever escapes load_files (a property test feeds it random bytes and
mangled CSVs, with the importers' last-resort safety net switched off so every gap shows)."""
from __future__ import annotations

import io
import random
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import youthdrugs_gui.core.sources as sources
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.errors import LoadError, YouthDrugsError
from youthdrugs_gui.core.sources import detect_format, load_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RAW = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw").resolve()

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({"Force": ["Kent", "Essex"], "Count": [1, 2]}).to_excel(buf, index=False)
    return buf.getvalue()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _ole(marker: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + marker.encode("utf-16-le") + b"\x00" * 600


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"  \r\n\r\n ", "is empty"),
    ("header_only.csv", b"Force,Count\r\n", "no rows of data"),
    ("header_only_blank_rows.csv", b"Force,Count\n,\n,\n", "no rows of data"),
    ("picture.csv", PNG, "PNG picture"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    ("archive.csv", _zip_bytes({"data/arrests.csv": b"Force,Count\nKent,1\n"}), "ZIP archive"),
    ("binary.csv", bytes(range(256)) * 8, "binary data"),
    ("control.csv", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 65, 66]) * 50, "encoded"),
    ("truncated.xlsx", _xlsx_bytes()[:300], "damaged"),
    ("garbled.xlsx", _zip_bytes({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"not xml"}), "damaged"),
    ("protected.xlsx", _ole("EncryptionInfo") + _ole("EncryptedPackage"), "password"),
    ("old.xls", _ole("Workbook"), "Excel 97-2003"),
    ("broken.ods", _zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "damaged"),
    ("letter.docx", _zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "text document"),
    ("mapping.csv", b'{"Police Force Area": "force"}', "JSON file"),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
    ("bad.parquet", b"PAR1" + b"\x00" * 40 + b"PAR1", "Parquet"),
    ("no_headings.csv", b",,,\n,,,\n", "no"),
]


@pytest.mark.parametrize("name, data, expected", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_say_what_is_wrong(tmp_path, name, data, expected):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(LoadError) as err:
        load_files(p)
    msg = str(err.value)
    assert expected.lower() in msg.lower()
    assert name in msg  # names the file
    assert "Traceback" not in msg


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_files(tmp_path / "nope.csv")
    with pytest.raises(LoadError, match="is a folder"):
        load_files(tmp_path)
    with pytest.raises(LoadError, match="No files"):
        load_files([])
    with pytest.raises(LoadError, match="no such file"):
        detect_format(tmp_path / "nope.csv")


def test_bad_counts(tmp_path):
    p = tmp_path / "neg.csv"
    p.write_text("Force,Count\nKent,-1\n", encoding="utf-8")
    with pytest.raises(LoadError, match="negative"):
        load_files(p)
    p.write_text("Force,Count\nKent,1.5\n", encoding="utf-8")
    with pytest.raises(LoadError, match="fractions"):
        load_files(p)
    p.write_text("Force,Count\nKent,[c]\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no row has a count"):
        load_files(p)


NOT_A_TABLE = "does not look like a table"
OPEN_INSTEAD = "Open a CSV, Excel, OpenDocument or Parquet file."
PROJECT = Path(__file__).resolve().parents[2]


def _prose(sentences: int, seed: int = 7) -> str:
    """Running text: sentences of 6-20 words, some with commas, in paragraphs of 3 to 5 lines."""
    rng = random.Random(seed)
    words = ("the children were seen by the service, and most of them had no record before; a caseworker "
             "notes what happened next in plain words, which the team reads each month").replace(",", "").split()
    lines = []
    for i in range(sentences):
        sentence = [rng.choice(words) for _ in range(rng.randint(6, 20))]
        for _ in range(rng.randint(0, 3)):
            sentence.insert(rng.randint(1, len(sentence) - 1), ",")
        lines.append(" ".join(sentence).replace(" ,", ",").capitalize() + ".")
        if i % rng.randint(3, 5) == 0:
            lines.append("")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", [PROJECT / "README.md", PROJECT.parent / "shared" / "DOMAIN.md"],
                         ids=["README", "DOMAIN"])
def test_a_markdown_page_is_refused_as_not_a_table(path):
    """Defect 7: a README opened as data gave police forces such as '---' and 'Age range'."""
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    with pytest.raises(LoadError) as err:
        load_files(path)
    assert str(err.value) == (f"{path.name} does not look like a table: its lines do not have the same columns. "
                              f"{OPEN_INSTEAD}")


def test_prose_is_refused_as_not_a_table(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text(_prose(60), encoding="utf-8")
    with pytest.raises(LoadError, match=f"^notes.txt {NOT_A_TABLE}: its lines do not have the same columns"):
        load_files(p)


def test_a_column_of_sentences_under_a_sentence_is_refused(tmp_path):
    """Text with no delimiter at all is one column: its first line is a sentence, not a heading."""
    p = tmp_path / "letter.csv"
    p.write_text("Dear team this is the summary of the month for the youth justice service.\n"
                 + "".join(f"Line {i} of the letter says what happened and what comes next\n" for i in range(20)),
                 encoding="utf-8")
    with pytest.raises(LoadError) as err:
        load_files(p)
    assert str(err.value) == (f"letter.csv {NOT_A_TABLE}: its first line is a sentence, not a column heading. "
                              f"{OPEN_INSTEAD}")
    md = tmp_path / "page.md"
    md.write_text("# Youth justice\n\nSome words here\nand more words there\nthe end\n", encoding="utf-8")
    with pytest.raises(LoadError, match=f"{NOT_A_TABLE}: its first line is a sentence"):
        load_files(md)


def test_real_tables_with_one_column_or_loose_lines_still_load(tmp_path):
    one = tmp_path / "forces.csv"
    one.write_text("Police force\nKent\nEssex\nKent\nDurham\n", encoding="utf-8")
    assert load_files(one).n_rows == 4
    ragged = tmp_path / "ragged.csv"  # a title above, a few short rows and a footnote: still a table
    ragged.write_text("Drug offences by force\nForce,Year,Count\n" + "Kent,2020-21,3\n" * 8 + "Essex,2020-21\n"
                      "Source: Home Office\n", encoding="utf-8")
    assert load_files(ragged).n_rows == 8  # (the short row has no count: a gap, not a row)
    for f in sorted(FIXTURES.glob("*.csv")) + sorted(FIXTURES.glob("*.txt")):
        load_files(f, mapping=FIXTURES / "mapping_example.json" if f.name == "needs_mapping.csv" else None)


def test_detect_format_reports_bad_files_too(tmp_path):
    p = tmp_path / "picture.csv"
    p.write_bytes(PNG)
    with pytest.raises(LoadError, match="PNG"):
        detect_format(p)


# ---- property test: only YouthDrugsError subclasses, whatever the bytes ---------------------------
def _seed_texts() -> list[bytes]:
    seeds = [f.read_bytes() for f in sorted(FIXTURES.glob("*.csv")) + sorted(FIXTURES.glob("*.txt"))]
    if RAW.is_dir():
        for f in sorted(RAW.glob("*/*.csv"))[:6]:
            with open(f, "rb") as fh:
                seeds.append(b"".join(fh.readline() for _ in range(25)))
    return seeds


SEEDS = _seed_texts()
SUFFIXES = [".csv", ".txt", ".xlsx", ".ods", ".parquet", ".tsv", ""]
NAMES = ["data", "2020-01-derbyshire-stop-and-search", "2019-12-nowhere-stop-and-search"]
JUNK = [b",", b";", b"\t", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\xff", b"\xef\xbb\xbf", b"Total", b"[c]",
        b"-1", b"1.5", b"01-Apr", b"2020/21", b"NaN", b"=1+1", b"\xe2\x80\x93", b" ", b"", b"9" * 30]


@st.composite
def mangled_csv(draw) -> tuple[str, bytes]:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "dup_line", "flip"]))
        pos = draw(st.integers(0, max(0, len(data))))
        if op == "insert":
            data[pos:pos] = draw(st.sampled_from(JUNK))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == "replace":
            data[pos:pos + 1] = draw(st.binary(min_size=1, max_size=3))
        elif op == "truncate":
            del data[pos:]
        elif op == "dup_line":
            line_end = data.find(b"\n", pos)
            start = data.rfind(b"\n", 0, pos) + 1
            if line_end > start:
                data[line_end + 1:line_end + 1] = data[start:line_end + 1]
        elif op == "flip" and data:
            i = min(pos, len(data) - 1)
            data[i] ^= draw(st.integers(1, 255))
    encoding = draw(st.sampled_from([None, None, None, "utf-16", "cp1252"]))
    out = bytes(data)
    if encoding:
        out = out.decode("utf-8", errors="replace").encode(encoding, errors="replace")
    name = draw(st.sampled_from(NAMES)) + draw(st.sampled_from(SUFFIXES))
    return name, out


def _load_strictly(name: str, data: bytes, **kwargs) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        old = sources._SAFETY_NET
        sources._SAFETY_NET = False  # let any unexpected exception through, so the test sees it
        try:
            ds = load_files(p, **kwargs)
            assert isinstance(ds, Dataset)
            assert ds.n_rows > 0
            for c in ds.categorical_columns:
                assert (ds.codes(c) >= 0).all()
        except YouthDrugsError as e:
            assert str(e).strip()
        finally:
            sources._SAFETY_NET = old


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(SUFFIXES))
def test_random_bytes_only_raise_youthdrugs_errors(data, suffix):
    _load_strictly("random" + suffix, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_csv(), st.sampled_from([None, None, "generic", "policeuk", "homeoffice", "yjb"]))
def test_mangled_csvs_only_raise_youthdrugs_errors(named, fmt):
    name, data = named
    _load_strictly(name, data, fmt=fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_damaged_workbooks_only_raise_youthdrugs_errors(seed, flips):
    rnd = random.Random(seed)
    data = bytearray(_xlsx_bytes())
    for _ in range(flips):
        i = rnd.randrange(len(data))
        data[i] = rnd.randrange(256)
    _load_strictly("book.xlsx", bytes(data))


HEADERS = ["Force", "PFA", "Financial year", "Year", "Date", "Age", "Age group", "Sex", "Gender", "Ethnicity",
           "Offence", "Drug class", "Outcome", "Measure", "Count", "Number", "Total", "Notes", "", "Age range",
           "Object of search", "end_period_year", "level", "reason", "YJS", "FY", "Gravity", "count"]
CELLS = ["", " ", "Kent", "Avon & Somerset Constabulary", "2020/21", "2021", "2020-2021", "20/21", "12", "12.0",
         "12 years", "10-17", "Oct-14", "01-Apr", "under 10", "over 34", "Unknown", "Male", "F", "Class A", "b",
         "Possession", "PWITS", "2015/16 onwards - Drug offences", "Arrests", "[c]", "*", "-1", "1.5", "1e400",
         "0", "7", "1,234", "43922", "2019-12-01T01:48:53+01:00", "31/03/2020", "9999-12-31", "Total",
         "CHECK THIS VALUE", "Eng/Wales", "West Midlands (police)", "=SUM(A1)", "NaN", "None", "True", "\u00e9",
         "x" * 300, "99999999999999999999", "Not recorded", "01/13/2020"]


@st.composite
def generated_table(draw) -> tuple[str, bytes]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7))
    n = draw(st.integers(0, 12))
    body = [[draw(st.sampled_from(CELLS)) for _ in headers] for _ in range(n)]
    delim = draw(st.sampled_from([",", ";", "\t"]))

    def cell(v: str) -> str:
        return f'"{v}"' if any(ch in v for ch in ',;\t"') else v

    text = "\n".join(delim.join(cell(v) for v in row) for row in [headers] + body) + "\n"
    name = draw(st.sampled_from(NAMES)) + ".csv"
    return name, text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])), errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_table(), st.sampled_from([None, None, "generic", "homeoffice", "yjb"]),
       st.sampled_from([None, {"Notes": "age"}, {"Total": "count", "Year": "financial_year"}]))
def test_generated_tables_only_raise_youthdrugs_errors(named, fmt, mapping):
    name, data = named
    _load_strictly(name, data, fmt=fmt, mapping=mapping)
