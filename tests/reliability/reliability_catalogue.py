"""The catalogue of bad (and odd but valid) input: what a caseworker might hand the program, how the test
makes it, and the EXACT message they are shown (a dialog in the window, `error: <message>` and exit 2
in the CLI), or, for odd but valid input, what loads.

Each entry is run through the core (test_catalogue_core.py), the CLI (test_catalogue_cli.py) and, for
the entries marked `gui`, the window (test_catalogue_gui.py). Messages are templates: `{dir}` is the
test's temporary folder (where the input files are made), `{out}` the output folder.

This module holds data and makers only; it is not a test file.
"""
from __future__ import annotations

import errno
import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import youthdrugs_gui.core.sources as sources
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.export import atomic
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import memory, reading
from test_hostile_files import (claim_rows, declare_size, dimension_bomb, far_dates_parquet, int96_parquet,
                                nested_parquet, ods_members, small_parquet, zip_bytes)

GOOD_CSV = "Force,Age,Drug class,Count\r\nKent,15,A,3\r\nEssex,16,B,2\r\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
SAMPLE_COLUMNS = ("Financial year, Date, Month, Quarter, Calendar year, Police force, Age, Sex, Ethnicity, "
                  "Offence type, Drug class, Outcome, Measure, Count")
POLICEUK_HEADER = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
                   "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
                   "Outcome linked to object of search,Removal of more than just outer clothing")
POLICEUK_ROW = ("Person search,2019-12-01T13:38:10+00:00,,,54.538755,-1.599037,Male,10-17,White,White,"
                "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False")


@dataclass
class Setup:
    """What one catalogue entry hands the program."""

    files: list[Path] = field(default_factory=list)  # data files (none: the built-in sample)
    mapping: Path | None = None  # column mapping file
    view: Path | None = None  # saved view
    output: Path | None = None  # export target (default: <out>/out.csv)
    patch: Callable[[pytest.MonkeyPatch], None] | None = None  # a simulated fault


@dataclass
class Entry:
    name: str
    how: str  # how the input is made, in words
    make: Callable[[Path], Setup]
    message: str | None = None  # exact message (core, CLI after "error: ", window dialog)
    gui_message: str | None = None  # when the window says something else (views are applied in part)
    stage: str = "load"  # "load", "mapping", "view" or "export"
    gui: bool = False  # in the representative set run through the window
    cli: bool = True
    loads: str = ""  # odd but valid input: what loads, in words
    check: Callable[[Dataset], None] | None = None  # ... and the test of it
    note: str | None = None  # ... and the exact note the user is given, if any
    rows: int | None = None  # ... and the rows loaded


def _w(folder: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    p = folder / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return p


def _xlsx_bytes(frame: pd.DataFrame | None = None) -> bytes:
    buf = io.BytesIO()
    (frame if frame is not None else pd.DataFrame({"Force": ["Kent", "Essex"], "Age": [15, 16], "Count": [3, 2]})) \
        .to_excel(buf, index=False)
    return buf.getvalue()


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({"Force": ["Kent", "Essex"] * 3, "Count": [1, 2] * 3}).to_parquet(buf, compression=None)
    return buf.getvalue()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _xlsx_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes())) as z:
        return {n: z.read(n) for n in z.namelist()}


def _ole(marker: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + marker.encode("utf-16-le") + b"\x00" * 600


def _file(name: str, data: bytes | str | Callable[[], bytes], encoding: str = "utf-8") -> Callable[[Path], Setup]:
    def make(d: Path) -> Setup:
        content = data() if callable(data) else data
        return Setup(files=[_w(d, name, content, encoding)])
    return make


def _notes(ds: Dataset) -> list[str]:
    return [n for s in ds.sources for n in s.notes]


# ---- makers needing more than bytes ----------------------------------------------------------------
def _missing(d: Path) -> Setup:
    return Setup(files=[d / "arrests-2021.csv"])


def _folder(d: Path) -> Setup:
    (d / "exports").mkdir()
    return Setup(files=[d / "exports"])


def _fifo(d: Path) -> Setup:
    p = d / "pipe.csv"
    os.mkfifo(p)
    return Setup(files=[p])


def _deleted_while_loading(d: Path) -> Setup:
    first = _w(d, "first.csv", GOOD_CSV)
    second = _w(d, "second.csv", GOOD_CSV)

    def patch(mp: pytest.MonkeyPatch) -> None:
        real = sources.read_bytes

        def read_then_delete(path, ticker):
            out = real(path, ticker)
            if Path(path).name == "first.csv" and second.exists():
                second.unlink()  # deleted by someone else while the first file was being read
            return out

        mp.setattr(sources, "read_bytes", read_then_delete)

    return Setup(files=[first, second], patch=patch)


def _locked(d: Path) -> Setup:
    p = _w(d, "locked.csv", GOOD_CSV)

    def patch(mp: pytest.MonkeyPatch) -> None:
        import builtins

        def fake_open(file, *args, **kwargs):
            if Path(str(file)) == p:
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return builtins.open(file, *args, **kwargs)

        mp.setattr(reading, "open", fake_open, raising=False)

    return Setup(files=[p], patch=patch)


def _too_big_for_memory(d: Path) -> Setup:
    p = _w(d, "everything.csv", "Force,Age,Count\n" + "Kent,15,1\n" * 199_999)  # 2,000,006 bytes

    def patch(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(memory, "available_memory", lambda: 1_000_000)

    return Setup(files=[p], patch=patch)


def _one_good_one_bad(d: Path) -> Setup:
    return Setup(files=[_w(d, "good.csv", GOOD_CSV), _w(d, "scan.csv", PNG)])


def _five_thousand_columns() -> bytes:
    head = ",".join(f"Q{i}" for i in range(5000))
    rows = "\n".join(",".join(str((i + j) % 7) for j in range(5000)) for i in range(3))
    return (head + "\n" + rows + "\n").encode()


def _policeuk_renamed() -> bytes:
    return (POLICEUK_HEADER + "\n" + POLICEUK_ROW + "\n" + POLICEUK_ROW + "\n").encode()


def _mapping(mapping_text: str | bytes, data: str = "Area,Yr,Kids age,Qty\nEssex,2022-23,12,2\nKent,2021-22,15,3\n",
             name: str = "mapping.json") -> Callable[[Path], Setup]:
    def make(d: Path) -> Setup:
        f = _w(d, "offences.csv", data)
        m = _w(d, name, mapping_text) if name else d / "nowhere.json"
        return Setup(files=[f], mapping=m)
    return make


def _view(text: str | bytes, name: str = "my.view.json") -> Callable[[Path], Setup]:
    def make(d: Path) -> Setup:
        return Setup(view=_w(d, name, text))
    return make


def _view_missing(d: Path) -> Setup:
    return Setup(view=d / "lost.view.json")


def _view_folder(d: Path) -> Setup:
    (d / "views").mkdir()
    return Setup(view=d / "views")


def _out_missing_folder(d: Path) -> Setup:
    return Setup(output=d / "out" / "no-such-folder" / "export.csv")


def _out_is_folder(d: Path) -> Setup:
    (d / "out" / "export.csv").mkdir()
    return Setup(output=d / "out" / "export.csv")


def _out_disk_full(d: Path) -> Setup:
    def patch(mp: pytest.MonkeyPatch) -> None:
        def full(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        mp.setattr(atomic.HashingWriter, "write", full)

    return Setup(output=d / "out" / "export.csv", patch=patch)


def _out_read_only(d: Path) -> Setup:
    def patch(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(atomic.os, "access", lambda *a, **k: False)

    return Setup(output=d / "out" / "export.csv", patch=patch)


def _out_name_too_long(d: Path) -> Setup:
    return Setup(output=d / "out" / ("x" * 300 + ".csv"))


def _out_over_input(d: Path) -> Setup:
    f = _w(d, "offences.csv", GOOD_CSV)
    return Setup(files=[f], output=f)


# ---- checks for odd but valid input ----------------------------------------------------------------
def _col(ds: Dataset, col: str) -> list:
    return list(ds.frame[col])


def _filtered(ds: Dataset, state: FilterState) -> int:
    """Total count of the rows a filter keeps (the data here names no measure)."""
    return sum(Engine(ds).apply(Engine(ds).check(state)).totals.values())


def _check_kent_essex(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Kent", "Essex"]
    assert list(ds.counts) == [3, 2]
    assert _filtered(ds, FilterState().with_values("force", ["Essex"])) == 2


def _check_mixed(ds: Dataset) -> None:
    assert _col(ds, "Note") == ["café", "café"]
    assert _filtered(ds, FilterState().with_values("Note", ["café"])) == 3


def _check_nul(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Kent", "Essex"]
    assert _filtered(ds, FilterState().with_values("force", ["Essex"])) == 2


def _check_big_field(ds: Dataset) -> None:
    assert len(_col(ds, "Comment")[0]) == 10_000_000
    assert _filtered(ds, FilterState().with_search("xxxxx")) == 3


def _check_dup(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Kent"] and _col(ds, "Force (2)") == ["Essex"]


def _check_blank_header(ds: Dataset) -> None:
    assert _col(ds, "Column 2") == ["x", "y"]
    assert _filtered(ds, FilterState().with_values("Column 2", ["y"])) == 2


def _check_ages_blank(ds: Dataset) -> None:
    assert ds.categories("age") == ["Not recorded"]
    assert _filtered(ds, FilterState().with_age_range((10, 17))) == 0
    assert _filtered(ds, FilterState()) == 3


def _check_ages_odd(ds: Dataset) -> None:
    assert ds.categories("age") == ["12", "14", "Not recorded"]
    assert _filtered(ds, FilterState().with_age_range((12, 12))) == 1  # '12 years'
    assert _filtered(ds, FilterState().with_age_range((10, 17))) == 21


def _check_fy(ds: Dataset) -> None:
    assert ds.categories("financial_year") == ["2020-21", "2021-22"]
    assert _filtered(ds, FilterState().with_year_range(("2020-21", "2020-21"))) == 8


def _check_count_text(ds: Dataset) -> None:
    assert list(ds.counts) == [1, 1] and _col(ds, "Count") == ["three", "two"]


def _check_count_some_text(ds: Dataset) -> None:
    assert ds.n_rows == 10 and int(ds.counts.sum()) == 30


def _check_unknown_force(ds: Dataset) -> None:
    assert ds.categories("force") == ["Kent", "Gotham City Police"]
    assert _filtered(ds, FilterState().with_values("force", ["Gotham City Police"])) == 3


def _check_quoted_newlines(ds: Dataset) -> None:
    assert _col(ds, "Comment") == ["seen at\nthe station, twice", 'said "no"']
    assert _filtered(ds, FilterState().with_search("station")) == 1


def _check_decimal_commas(ds: Dataset) -> None:
    assert _col(ds, "Rate per 1,000") == ["12.5", "7.25"]
    assert list(ds.counts) == [3, 2]
    assert _filtered(ds, FilterState().with_values("Rate per 1,000", ["12.5"])) == 3


def _check_totals(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Cambridgeshire", "Cambridgeshire", "Norfolk"]
    assert int(ds.counts.sum()) == 76 + 41 + 12
    assert _filtered(ds, FilterState().with_values("force", ["Norfolk"])) == 12


def _check_serial_dates(ds: Dataset) -> None:
    assert [str(d.date()) for d in ds.frame["date"]] == ["2020-04-01", "2021-03-31", "2021-04-01"]
    assert ds.categories("financial_year") == ["2020-21", "2021-22"]
    assert _filtered(ds, FilterState().with_year_range(("2020-21", "2020-21"))) == 2


def _check_xlsx_serials(ds: Dataset) -> None:
    assert [str(d.date()) for d in ds.frame["date"]] == ["2020-04-01", "2021-04-01"]
    assert ds.categories("financial_year") == ["2020-21", "2021-22"]


def _check_title(ds: Dataset) -> None:
    assert ds.n_rows == 2 and _col(ds, "force") == ["Kent", "Essex"]


def _check_ragged(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Kent", "Surrey"]


def _check_digits(ds: Dataset) -> None:
    assert sorted(ds.categories("Note"), key=len) == ["12", "9" * 10_000]
    assert _filtered(ds, FilterState().with_values("Note", ["12"])) == 2


def _check_superscript(ds: Dataset) -> None:
    assert ds.categories("Population") == ["12", "70³000"]
    assert _filtered(ds, FilterState().with_values("Population", ["70³000"])) == 1


def _check_wide_ok(ds: Dataset) -> None:
    assert len(ds.columns) == 1000  # 999 columns and the count added for them


def _check_dimension_bomb(ds: Dataset) -> None:
    assert _col(ds, "force") == ["Kent", "Essex"] and list(ds.counts) == [1, 2]
    assert len(ds.columns) == 2


def _check_wide_heading(ds: Dataset) -> None:
    assert len(ds.columns) == 901  # 900 columns and the count added for them
    assert ds.label(ds.columns[899]).startswith("Question 900:")


def _wide_heading() -> bytes:
    """900 columns whose heading line is over 64 KB (each heading 100 characters)."""
    heads = [f"Question {i + 1}: " + "how many children were arrested for this offence in each police force area"
             [:86].ljust(86, ".") for i in range(900)]
    return (",".join(heads) + "\n" + ",".join("1" for _ in heads) + "\n").encode()


def _first_line_of(n: int) -> Callable[[], bytes]:
    def make() -> bytes:
        return b"abcdefgh" * (n // 8)
    return make


def _xlsx_with_serial_dates() -> bytes:
    return _xlsx_bytes(pd.DataFrame({"Force": ["Kent", "Kent"], "Date": [43922, 44287], "Count": [1, 1]}))


# ---- the catalogue -----------------------------------------------------------------------------------
CATALOGUE: list[Entry] = [
    # -- not a table at all --
    Entry("empty file", "a .csv file of 0 bytes", _file("empty.csv", b""),
          "empty.csv is empty: it holds no data. Check that you chose the right file.", gui=True),
    Entry("blank lines only", "spaces and blank lines", _file("blank.csv", b"  \r\n\r\n \n"),
          "blank.csv is empty: it holds no data. Check that you chose the right file."),
    Entry("header only", "one line of headings, no rows", _file("header.csv", "Force,Age,Count\r\n"),
          "header.csv has column headings ('Force', 'Age', 'Count') but no rows of data.", gui=True),
    Entry("title line only", "one line of text", _file("title.csv", "Drug offences by children\n"),
          "title.csv has column headings ('Drug offences by children') but no rows of data."),
    Entry("separators only", "commas and line ends, nothing else", _file("commas.csv", ",,,\n,,,\n"),
          "commas.csv has no column headings and no data."),
    Entry("binary garbage", "4 KB of random bytes named .csv",
          _file("garbage.csv", bytes(np.random.default_rng(5).integers(0, 256, 4096, dtype=np.uint8))),
          "garbage.csv holds binary data, not text: it is not a CSV file (is it a renamed file of another kind?). "
          "Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or Parquet file.", gui=True),
    Entry("control characters", "text made of control characters",
          _file("control.csv", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 65, 66]) * 50),
          "control.csv: cannot work out how the text in this file is encoded, or it is not text at all. Open it in "
          "Excel and use Save As > 'CSV UTF-8 (Comma delimited)', then load the new file."),
    Entry("PNG renamed .csv", "a picture's bytes in a .csv", _file("chart.csv", PNG),
          "chart.csv is a PNG picture, not a table of data. Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or "
          "Parquet file.", gui=True),
    Entry("PDF renamed .csv", "a PDF's bytes in a .csv", _file("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
          "report.csv is a PDF document, not a table of data. Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or "
          "Parquet file."),
    Entry("ZIP renamed .csv", "a ZIP holding a CSV, named .csv",
          _file("download.csv", lambda: _zip_bytes({"data/arrests.csv": GOOD_CSV.encode()})),
          "download.csv is a ZIP archive (it holds 'arrests.csv'). Unzip it first and open the data files inside.",
          gui=True),
    Entry("gzip-compressed CSV", "a gzip'd CSV named .csv",
          _file("arrests.csv", lambda: gzip.compress(GOOD_CSV.encode())),
          "arrests.csv is a compressed (gzip) file, not a table of data. Choose a CSV, Excel (.xlsx), OpenDocument "
          "(.ods) or Parquet file."),
    Entry("JSON as the data file", "a column mapping chosen as data",
          _file("mapping.csv", '{"Police Force Area": "force"}'),
          "mapping.csv is a JSON file, not a table. (If it is a column mapping, choose it as the mapping, not as "
          "the data file.)"),
    Entry("web page saved as .xls", "HTML in a .xls",
          _file("table.xls", "<html><body><table><tr><td>1</td></tr></table></body></html>"),
          "table.xls is a web page (HTML), not a table file. Open it in Excel and save it as an Excel Workbook "
          "(.xlsx) or CSV, then load that file."),
    Entry("Word document", "a .docx named .csv",
          _file("letter.csv", lambda: _zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})),
          "letter.csv is a text document (Word or OpenDocument), not a table. Copy the table into a spreadsheet and "
          "save it as .xlsx or CSV."),
    # -- broken workbooks --
    Entry("corrupt XLSX (truncated)", "the first 300 bytes of a workbook",
          _file("book.xlsx", lambda: _xlsx_bytes()[:300]),
          "book.xlsx looks like an Excel workbook or a ZIP archive, but it is damaged and cannot be opened. Open it "
          "in Excel and save it again, or ask for a new copy.", gui=True),
    Entry("corrupt XLSX (bad XML)", "a ZIP with a workbook part that is not XML",
          _file("garbled.xlsx", lambda: _zip_bytes({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"not xml"})),
          "garbled.xlsx looks like an Excel workbook but could not be opened; it may be damaged. Open it in Excel and "
          "save it again, or save the sheet as CSV."),
    Entry("corrupt ODS", "an OpenDocument ZIP with only its mimetype",
          _file("broken.ods", lambda: _zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
          "broken.ods looks like an OpenDocument spreadsheet but could not be opened; it may be damaged. Open it and "
          "save it again, or save the sheet as CSV."),
    Entry("password-protected XLSX", "an encrypted OLE container, as Excel writes",
          _file("protected.xlsx", lambda: _ole("EncryptionInfo") + _ole("EncryptedPackage")),
          "protected.xlsx is protected with a password, so it cannot be read. Open it in Excel, remove the password "
          "(File > Info > Protect Workbook > Encrypt with Password, then clear it), save it, and load it again; or "
          "save the sheet as CSV.", gui=True),
    Entry("old Excel 97-2003 .xls", "an OLE workbook", _file("old.xls", lambda: _ole("Workbook")),
          "old.xls is an old-style Excel 97-2003 workbook (.xls), which cannot be read here. Open it in Excel and "
          "save it as an Excel Workbook (.xlsx) or as CSV, then load that file."),
    Entry("XLSX with no sheet data", "a new, empty workbook",
          _file("blank.xlsx", lambda: _xlsx_bytes(pd.DataFrame())),
          "blank.xlsx: the sheet is empty: it has no column headings and no data."),
    Entry("corrupt Parquet", "magic bytes around zeros", _file("bad.parquet", b"PAR1" + b"\x00" * 40 + b"PAR1"),
          "bad.parquet looks like a Parquet file but could not be read; it may be damaged or from a newer program."),
    Entry("Parquet with damaged text", "a byte of a stored name changed into invalid UTF-8 (crashed before)",
          _file("bad_text.parquet", lambda: _parquet_bytes().replace(b"Kent", b"K\xcdnt")),
          "bad_text.parquet looks like a Parquet file but could not be read; it may be damaged or from a newer "
          "program."),
    # -- hostile files: small ones that claim (or inflate to) something huge --
    Entry("ODS whose mimetype claims 3.9 GB", "a zip bomb's headers: the 'mimetype' part declares 3.9 GB (a real one "
          "inflating to 6 GB took 8 GB of memory before)",
          _file("bomb.ods", lambda: declare_size(zip_bytes(ods_members()), "mimetype", 3_900_000_000)),
          "bomb.ods would unpack to 3.9 GB, far more than a spreadsheet this program can read (at most 1.0 GB), so it "
          "was not opened: it may be damaged or built to harm. If it is a real workbook, save the sheet you need as "
          "CSV and load that file.", gui=True),
    Entry("XLSX whose sheet claims 3.9 GB", "a workbook whose sheet part declares 3.9 GB (a 3 GB cell or 4 GB of "
          "white space took over 8 GB before)",
          _file("sheet.xlsx", lambda: declare_size(zip_bytes(dict(_xlsx_parts())), "xl/worksheets/sheet1.xml",
                                                   3_900_000_000)),
          "sheet.xlsx would unpack to 3.9 GB, far more than a spreadsheet this program can read (at most 1.0 GB), so "
          "it was not opened: it may be damaged or built to harm. If it is a real workbook, save the sheet you need "
          "as CSV and load that file."),
    Entry("Parquet claiming 2^40 rows", "a 2 KB Parquet file whose footer says 1,099,511,627,776 rows (8 GB within "
          "19 s before)", _file("rows.parquet", lambda: claim_rows(small_parquet(compression=None), 1 << 40)),
          "rows.parquet says it holds 1,099,511,627,776 rows, more than the 100,000,000 this program can work with, "
          "so it was not read. If the data is real, save a smaller extract (for example one year or one police "
          "force) and load that.", gui=True),
    Entry("nested Parquet columns", "a struct and a list column (a 33-line traceback on the terminal before)",
          _file("nested.parquet", nested_parquet),
          "nested.parquet: the columns 'Offence', 'Ages' hold a list or a group of values in each cell (nested "
          "Parquet), which this program cannot read. Save the data with one plain value in each cell (for example "
          "as CSV) and load that file.", gui=True),
    Entry("Parquet date in the year 9999", "a timestamp column holding 9999-12-31 (silently 'not recorded' before)",
          _file("dates.parquet", far_dates_parquet),
          "dates.parquet: the column 'Date' holds dates this program cannot work with (outside the years 1678 to "
          "2261, such as 9999-12-31). Clear or correct those dates (9999-12-31 is often written for 'no date') and "
          "save the file again, or save that column as text."),
    Entry("INT96 date in the year 9999", "an INT96 timestamp (older Spark) of 9999-12-31 (read as 1816-03-29 before)",
          _file("spark.parquet", int96_parquet),
          "spark.parquet: the column 'Arrested' holds dates this program cannot work with (outside the years 1678 "
          "to 2261, such as 9999-12-31). Clear or correct those dates (9999-12-31 is often written for 'no date') "
          "and save the file again, or save that column as text."),
    Entry("heading of 100,000 empty columns", "'Force,Count' and 100,000 commas, then rows (a million took 75 s)",
          _file("blanks.csv", lambda: b"Force,Count" + b"," * 100_000 + b"\nKent,1\nEssex,2\n"),
          "blanks.csv has 100,002 columns, more than the 1,000 this program can work with. Check that it is the right "
          "file. If the table is laid out sideways (one column per area or per year), turn it round in Excel (Copy, "
          "then Paste Special > Transpose) and save it again, or delete the columns you do not need."),
    Entry("first line of 5 MB", "5 MB of text with no line break (a 500 MB one took 5.6 GB and minutes)",
          _file("oneline.csv", _first_line_of(5_000_000)),
          "oneline.csv: its first line is 5.0 MB long, far too long to be a line of column headings, so it is not a "
          "table this program can read. Check that it is the right file; if it is, open it in Excel and save it as "
          "CSV again."),
    Entry("heading of 100,000 characters", "one line of 100,000 letters (the message quoted all of it before)",
          _file("long.csv", "x" * 100_000 + "\n"),
          f"long.csv has column headings ('{'x' * 45}…{'x' * 10}') but no rows of data."),
    Entry("line break in the file name", "a PNG named 'chart<line break>ok: 2 rows loaded.csv' (a second line forged "
          "on the terminal before)", _file("chart\nok: 2 rows loaded.csv", PNG),
          "chart\\nok: 2 rows loaded.csv is a PNG picture, not a table of data. Choose a CSV, Excel (.xlsx), "
          "OpenDocument (.ods) or Parquet file.", gui=True),
    Entry("terminal escape in the file name", "a PNG whose name starts with ESC [2J (clears a terminal)",
          _file("\x1b[2Jscan.csv", PNG),
          "\\x1b[2Jscan.csv is a PNG picture, not a table of data. Choose a CSV, Excel (.xlsx), OpenDocument (.ods) "
          "or Parquet file."),
    # -- text that is broken --
    Entry("unbalanced quotes", "a quotation mark opened on line 2 and never closed",
          _file("quotes.csv", 'Force,Comment,Count\nKent,"seen at the station,3\nEssex,fine,2\nSurrey,ok,1\n'),
          'quotes.csv: a quotation mark (") on line 2 is never closed, so everything after it would be read as one '
          "cell. Open the file in a text editor such as Notepad, remove that quotation mark or add the one that "
          "closes it, and load the file again.", gui=True),
    Entry("5,000 columns", "a header of 5,000 names and 3 rows", _file("wide.csv", _five_thousand_columns),
          "wide.csv has 5,000 columns, more than the 1,000 this program can work with. Check that it is the right "
          "file. If the table is laid out sideways (one column per area or per year), turn it round in Excel (Copy, "
          "then Paste Special > Transpose) and save it again, or delete the columns you do not need.", gui=True),
    # -- counts --
    Entry("negative count", "Count -1", _file("neg.csv", "Force,Count\nKent,3\nEssex,-1\n"),
          "neg.csv: the count column holds a negative number (-1); counts cannot be negative. Check the file.",
          gui=True),
    Entry("fractional count", "Count 1.5", _file("frac.csv", "Force,Count\nKent,3\nEssex,1.5\n"),
          "frac.csv: the count column holds fractions; counts must be whole numbers. If it is a rate or a "
          "percentage, map another column to the count."),
    Entry("count too large", "Count 1e400", _file("huge.csv", "Force,Count\nKent,1e400\n"),
          "huge.csv: the count column holds a number too large to be a count. Check the file."),
    Entry("every count suppressed", "Count [c] on every row", _file("supp.csv", "Force,Count\nKent,[c]\nEssex,*\n"),
          "supp.csv: no row has a count that is a number, so there is nothing to show."),
    # -- which file --
    Entry("path that does not exist", "a name in a folder that has no such file", _missing,
          "{dir}/arrests-2021.csv: there is no such file. Check the name and the folder, and try again.", gui=True),
    Entry("folder instead of a file", "a folder", _folder,
          "{dir}/exports is a folder, not a file. Open the data files inside it instead.", gui=True),
    Entry("named pipe", "a FIFO named .csv (reading it would wait for ever)", _fifo,
          "{dir}/pipe.csv is not an ordinary file, so it cannot be read as data."),
    Entry("file deleted while it loads", "second of two files deleted while the first is read",
          _deleted_while_loading,
          "{dir}/second.csv was moved or deleted before it could be read. Check the folder and open it again.",
          gui=True),
    Entry("file locked by another program", "opening it fails with 'permission denied' (simulated)", _locked,
          "{dir}/locked.csv: cannot be read (permission denied: you may not have access to it, or another program "
          "has it open).", gui=True),
    Entry("file too big for memory", "a 2 MB file when 1 MB of memory is free (simulated)", _too_big_for_memory,
          "everything.csv (2.0 MB) is too large to open on this computer: reading it needs about 56.3 MB of memory and "
          "only about 1.0 MB is free. Close other programs and try again, or open a smaller extract of the data (for "
          "example one year or one police force).", gui=True),
    Entry("one good file and one picture", "two files chosen together, the second a PNG", _one_good_one_bad,
          "scan.csv is a PNG picture, not a table of data. Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or "
          "Parquet file."),
    Entry("police.uk file renamed", "a stop-and-search file whose name no longer says the force",
          _file("stops.csv", _policeuk_renamed),
          "stops.csv is a police.uk stop-and-search file, but its name does not say which police force it is from. "
          "Give the file back its police.uk name (such as 2020-01-derbyshire-stop-and-search.csv), or say which "
          "force it is when loading it (in the command line: --police-force Derbyshire)."),
    # -- column mappings --
    Entry("mapping is invalid JSON", "a mapping file with a missing quote",
          _mapping('{"Area": "force", "Yr: "financial_year"}'),
          "The column mapping file mapping.json is not valid JSON (line 1, column 25: Expecting ':' delimiter). It "
          'should look like {"Police Force Area": "force", "Age at offence": "age"}.', stage="mapping"),
    Entry("mapping sends two columns to one", "Area and Yr both to force",
          _mapping('{"Area": "force", "Yr": "force"}'),
          "The column mapping file mapping.json sends both 'Area' and 'Yr' to 'force'; a column can only come from "
          "one header. Remove one of them.", stage="mapping"),
    Entry("mapping to an unknown column", "Area to 'police'", _mapping('{"Area": "police"}'),
          "The column mapping file mapping.json sends 'Area' to 'police', which is not a column this program knows. "
          "Use one of: financial_year, date, month, quarter, calendar_year, force, age, age_band, sex, ethnicity, "
          "offence_type, drug_class, outcome, measure, area_level, area, count (or null to leave the column as it "
          "is).", stage="mapping"),
    Entry("mapping names a missing header", "a header the file does not have",
          _mapping('{"Police Force Area": "force"}'),
          "The column mapping names 'Police Force Area', but offences.csv has no column with that heading. Check the "
          "spelling against the file's first row.", stage="mapping"),
    Entry("mapping makes text the count", "Area mapped to count", _mapping('{"Area": "count"}'),
          "offences.csv: the column mapping makes 'Area' the count, but it holds text such as 'Essex', 'Kent'. Map "
          "a column of numbers to 'count'.", stage="mapping"),
    Entry("mapping file missing", "a mapping path with no file", _mapping("", name=""),
          "The column mapping file {dir}/nowhere.json does not exist.", stage="mapping"),
    Entry("mapping names a missing sheet", "a mapping file choosing the sheet 'Data' of a one-sheet workbook",
          lambda d: Setup(files=[_w(d, "book.xlsx", _xlsx_bytes())],
                          mapping=_w(d, "mapping.json", '{"columns": {"Force": "force"}, "sheet": "Data"}')),
          "book.xlsx has no sheet called 'Data'. Its sheets are: 'Sheet1'.", stage="mapping"),
    Entry("mapping names sheet '³'", "a sheet 'number' that is a superscript digit (crashed int() before)",
          lambda d: Setup(files=[_w(d, "book.xlsx", _xlsx_bytes())],
                          mapping=_w(d, "mapping.json", '{"columns": {"Force": "force"}, "sheet": "³"}')),
          "book.xlsx has no sheet called '³'. Its sheets are: 'Sheet1'.", stage="mapping"),
    # -- saved views --
    Entry("view names a missing column", "a view filtering 'colour'", _view('{"filters": {"colour": ["red"]}}'),
          f"There is no column called 'colour' in Synthetic sample. Columns: {SAMPLE_COLUMNS}.",
          gui_message="The view was applied, except: the data has no column 'colour'; its filter was left out.",
          stage="view", gui=True),
    Entry("view names a missing value", "a view keeping the force 'Gotham'",
          _view('{"filters": {"force": ["Gotham"]}}'),
          "Police force has no value 'Gotham'. Values are: Avon and Somerset, Bedfordshire, Cambridgeshire, "
          "Cheshire, City of London, Cleveland, Cumbria, Derbyshire, Devon and Cornwall, Dorset, Durham, "
          "Dyfed-Powys ... (44 in all)",
          gui_message="The view was applied, except: Police force has no 'Gotham'.", stage="view", gui=True),
    Entry("view is invalid JSON", "a truncated view file", _view('{"filters": {"force": ["Kent"'),
          "This saved view is damaged or is not a view file: it is not valid JSON (Expecting ',' delimiter at line "
          "1, column 30).", stage="view", gui=True),
    Entry("view nested 100,000 deep", "[[[[... : JSON too deep to read (RecursionError escaped before)",
          _view("[" * 100_000), "This saved view is damaged or is not a view file: it is not valid JSON.",
          stage="view", gui=True),
    Entry("view is a picture", "a PNG chosen as the view", _view(PNG, "chart.png"),
          "chart.png is not a saved view (it is not text). Choose a file saved with View > Save view.",
          stage="view"),
    Entry("view is not an object", "a JSON list", _view('["Kent"]'),
          "This saved view is not a view file (expected a JSON object).", stage="view"),
    Entry("view with a bad age range", "age: ['ten', 15]", _view('{"age": ["ten", 15]}'),
          'The saved view\'s "age" must be two whole numbers, e.g. [10, 15].', stage="view"),
    Entry("view with a bad year", "financial_year: ['soon', 'later']",
          _view('{"financial_year": ["soon", "later"]}'),
          "'soon' is not a financial year; write it like 2018-19.", stage="view"),
    Entry("view file missing", "a view path with no file", _view_missing,
          "The view file {dir}/lost.view.json does not exist.", stage="view"),
    Entry("view is a folder", "a folder chosen as the view", _view_folder,
          "{dir}/views is a folder, not a view file.", stage="view"),
    # -- where exports go --
    Entry("output folder does not exist", "export to a folder that is not there", _out_missing_folder,
          "The folder {out}/no-such-folder does not exist: choose another folder.", stage="export"),
    Entry("output is a folder", "export to the name of a folder", _out_is_folder,
          "{out}/export.csv is a folder, not a file: type a file name such as export.csv.", stage="export"),
    Entry("disk full", "every write fails with ENOSPC (simulated)", _out_disk_full,
          "There is not enough space on the disk to save export.csv in {out}: free some space or choose another "
          "drive. Nothing was changed.", stage="export"),
    Entry("output folder read-only", "no permission to write in the folder (simulated)", _out_read_only,
          "You do not have permission to save files in the folder {out}: choose another folder.", stage="export"),
    Entry("output name too long", "a 300-character file name", _out_name_too_long,
          f"The file name '{'x' * 300}.csv' is too long: choose a shorter name.", stage="export"),
    Entry("output over the input file", "export to the very file that was read", _out_over_input,
          "offences.csv is one of the files the data was read from; saving over it would destroy the original. "
          "Choose another name.", stage="export"),

    # ---- odd but valid: what loads ----------------------------------------------------------------
    Entry("XLSX renamed .csv", "a workbook named .csv", _file("book.csv", _xlsx_bytes),
          loads="read as the workbook it is", check=_check_kent_essex, rows=2,
          note="the file is named '.csv' but is an Excel workbook; it was read as one", gui=True),
    Entry("CSV renamed .xlsx", "CSV text named .xlsx", _file("text.xlsx", GOOD_CSV),
          loads="read as the CSV it is", check=_check_kent_essex, rows=2,
          note="the file is named '.xlsx' but holds plain text (CSV); it was read as CSV"),
    Entry("UTF-16 without BOM (LE)", "UTF-16 little-endian, no byte-order mark",
          _file("u16.csv", GOOD_CSV, "utf-16-le"),
          loads="read as UTF-16", check=_check_kent_essex, rows=2, note="the text was read as UTF-16"),
    Entry("UTF-16 without BOM (BE)", "UTF-16 big-endian, no byte-order mark", _file("u16be.csv", GOOD_CSV, "utf-16-be"),
          loads="read as UTF-16", check=_check_kent_essex, rows=2, note="the text was read as UTF-16"),
    Entry("mixed encodings", "one line in UTF-8, the next in Windows cp1252",
          _file("mixed.csv", "Force,Note,Count\nKent,café,1\n".encode() + "Essex,caf\xe9,2\n".encode("cp1252")),
          loads="each line in its own encoding: 'café' both times", check=_check_mixed, rows=2,
          note="some lines were written in UTF-8 and others in the older Windows (cp1252) encoding; each line was "
               "read in its own encoding", gui=True),
    Entry("NUL byte", "a NUL inside a force name", _file("nul.csv", "Force,Age,Count\nKent,15,1\nEs\x00sex,16,2\n"),
          loads="the NUL removed", check=_check_nul, rows=2,
          note="removed 1 NUL character (invisible 'null' bytes that do not belong in a text file)"),
    Entry("ragged rows", "a short row and rows with surplus cells",
          _file("ragged.csv", "Force,Comment,Count\nKent,a,1\nEssex\nSurrey,x,2,,\nDurham,y,3,surplus\n"),
          loads="short rows padded (and left out for lack of a count), surplus rows left out", check=_check_ragged,
          rows=2, note="left out 1 row with more cells than there are column headings (the first at line 5); check "
                       "the file in a spreadsheet"),
    Entry("10 MB single field", "one cell of 10,000,000 characters",
          _file("long.csv", lambda: b"Force,Comment,Count\nKent," + b"x" * 10_000_000 + b",3\nEssex,y,2\n"),
          loads="the long cell kept whole and searchable", check=_check_big_field, rows=2),
    Entry("10,000-digit number", "a cell of 10,000 digits (int() refuses over 4,300: crashed before)",
          _file("digits.csv", "Force,Note,Count\nKent," + "9" * 10_000 + ",1\nEssex,12,2\n"),
          loads="the number kept as text", check=_check_digits, rows=2),
    Entry("superscript digit", "'70³000' in a Windows-1252 file ('³'.isdigit() but not a number: crashed before)",
          _file("super.csv", b"Force,Population,Count\nKent,70\xb3000,1\nEssex,12,2\n"),
          loads="kept as written", check=_check_superscript, rows=2, note="the text was read as Windows (cp1252)"),
    Entry("999 columns", "as wide as allowed",
          _file("wide999.csv", lambda: (",".join(f"Q{i}" for i in range(999)) + "\n"
                                        + ",".join("1" for _ in range(999)) + "\n").encode()),
          loads="every column kept", check=_check_wide_ok, rows=1),
    Entry("duplicate headers", "two columns headed Force", _file("dup.csv", "Force,Force,Count\nKent,Essex,1\n"),
          loads="the second numbered 'Force (2)'", check=_check_dup, rows=1,
          note="more than one column is headed 'Force'; the later ones are numbered (2), (3)..."),
    Entry("blank header", "a column with no heading", _file("blankhdr.csv", "Force,,Count\nKent,x,1\nEssex,y,2\n"),
          loads="the column named 'Column 2'", check=_check_blank_header, rows=2),
    Entry("every age blank", "an Age column with no values",
          _file("noages.csv", "Force,Age,Count\nKent,,1\nEssex,,2\n"),
          loads="age kept as the age column, every row Not recorded", check=_check_ages_blank, rows=2,
          note="2 rows with a blank 'Age' set to Not recorded"),
    Entry("odd ages", "ages '12 years', '-3', '170', '12.5' among 20 ages of 14",
          _file("ages.csv", "Force,Age,Count\n" + "Kent,14,1\n" * 20
                + "Kent,12 years,1\nKent,-3,1\nKent,170,1\nKent,12.5,1\n"),
          loads="'12 years' read as 12; the others Not recorded", check=_check_ages_odd, rows=24,
          note="3 rows whose 'Age' is not a whole number of years ('-3', '170', '12.5') set to Not recorded"),
    Entry("financial years written eight ways", "2020-21, 2020/21, 2020-2021, 2020 to 2021, FY 2020/21, FY20/21, "
          "20/21, 2020–21 and 2022 (a year ending in March)",
          _file("years.csv", "Force,Financial year,Count\n" + "".join(
              f"Kent,{y},1\n" for y in ("2020-21", "2020/21", "2020-2021", "2020 to 2021", "FY 2020/21", "FY20/21",
                                        "20/21", "2020–21", "2022"))),
          loads="all read as 2020-21 (and 2022 as 2021-22)", check=_check_fy, rows=9),
    Entry("count column of words", "Count holds 'three', 'two'",
          _file("words.csv", "Force,Count\nKent,three\nEssex,two\n"),
          loads="not used as the count; each row counts 1", check=_check_count_text, rows=2,
          note="'Count' holds text, so it was not used as the count; each row counts as 1"),
    Entry("count with some text", "one count 'two' among numbers",
          _file("some.csv", "Force,Count\n" + "Kent,3\n" * 10 + "Essex,two\n"),
          loads="that row left out, the user told", check=_check_count_some_text, rows=10,
          note="1 row whose count is not a number ('two') kept as not available ([x]), not as 0"),
    Entry("unknown force", "'Gotham City Police'", _file("gotham.csv", "Force,Count\nKent,1\nGotham City Police,3\n"),
          loads="kept as written", check=_check_unknown_force, rows=2,
          note="'Force': not recognised as a police force of England and Wales, so kept as written: "
               "'Gotham City Police'"),
    Entry("quoted newlines", "a quoted cell with a line break, a comma and quotes",
          _file("newlines.csv", 'Force,Comment,Count\nKent,"seen at\nthe station, twice",1\n'
                                'Essex,"said ""no""",2\n'),
          loads="one cell each, searchable", check=_check_quoted_newlines, rows=2),
    Entry("semicolons and decimal commas", "';'-separated, '12,5' meaning 12.5",
          _file("semi.csv", "Force;Rate per 1,000;Count\nKent;12,5;3\nEssex;7,25;2\n"),
          loads="12,5 read as 12.5", check=_check_decimal_commas, rows=2,
          note="numbers written with a decimal comma (12,5 for 12.5) were read as such in 'Rate per 1,000'"),
    Entry("trailing totals row", "a 'Total' row after the data",
          _file("totals.csv", "Force,Year,Count\nCambridgeshire,2020-21,76\nCambridgeshire,2020-21,41\n"
                              "Norfolk,2020-21,12\nTotal,,129\n"),
          loads="the totals row left out, the user told", check=_check_totals, rows=3,
          note="left out a totals row at the end of the table ('Total'), so nothing is counted twice", gui=True),
    Entry("Excel serial dates in a CSV", "dates written as 43922 (1 April 2020)",
          _file("serial.csv", "Force,Date,Count\nKent,43922,1\nKent,44286,1\nKent,44287,1\n"),
          loads="turned into dates; financial year from them", check=_check_serial_dates, rows=3,
          note="'Date' held Excel date numbers; they were turned into dates"),
    Entry("Excel serial dates in a workbook", "a Date column of numbers in an XLSX",
          _file("serial.xlsx", _xlsx_with_serial_dates),
          loads="turned into dates", check=_check_xlsx_serials, rows=2,
          note="'Date' held Excel date numbers; they were turned into dates"),
    Entry("CR line ends", "Excel's 'CSV (Macintosh)': lines end with CR alone (refused before)",
          _file("mac.csv", GOOD_CSV.replace("\r\n", "\r")), loads="read as any CSV", check=_check_kent_essex,
          rows=2, gui=True),
    Entry("mixed line ends", "CRLF, CR and LF in one file (refused before)",
          _file("mixed_ends.csv", "Force,Age,Drug class,Count\r\nKent,15,A,3\rEssex,16,B,2\n"),
          loads="read as any CSV", check=_check_kent_essex, rows=2),
    Entry("heading line over 64 KB", "900 columns of 100-character headings (refused as 9 columns before)",
          _file("survey.csv", _wide_heading), loads="every column kept", check=_check_wide_heading, rows=1),
    Entry("XLSX declaring A1:XFD1048576", "a 5 KB workbook whose sheet declares the whole grid as used (openpyxl "
          "padded every row to 16,384 cells: 8 s for 3 rows, minutes for more)",
          _file("grid.xlsx", dimension_bomb), loads="the two rows there", check=_check_dimension_bomb, rows=2),
    Entry("title lines above the header", "two lines of title before the headings",
          _file("titled.csv", "Drug offences by children\nSource: a report\n" + GOOD_CSV),
          loads="the title skipped", check=_check_title, rows=2,
          note="skipped 2 lines above the column headings (a title)"),
]

ERRORS = [e for e in CATALOGUE if e.message is not None]
VALID = [e for e in CATALOGUE if e.message is None]


def expand(template: str, tmp_path: Path) -> str:
    return template.replace("{dir}", str(tmp_path)).replace("{out}", str(tmp_path / "out"))


def prepare(entry: Entry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    """Make the entry's input in tmp_path (outputs go to tmp_path/out) and apply its simulated fault."""
    (tmp_path / "out").mkdir(exist_ok=True)
    setup = entry.make(tmp_path)
    if setup.output is None:
        setup.output = tmp_path / "out" / "export.csv"
    if setup.patch is not None:
        setup.patch(monkeypatch)
    return setup


def listing(folder: Path) -> list[str]:
    """Every file under a folder (names relative to it), to show nothing new was left behind."""
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def cli_args(setup: Setup) -> list[str]:
    args = ["export", *[str(f) for f in setup.files]]
    if setup.mapping is not None:
        args += ["--mapping", str(setup.mapping)]
    if setup.view is not None:
        args += ["--view", str(setup.view)]
    return args + ["-o", str(setup.output)]


