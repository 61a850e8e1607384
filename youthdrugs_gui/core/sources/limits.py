"""How much the program agrees to read, and the refusals that come with each limit.

The readers look these numbers up on this module (`limits.MAX_ROWS`), so that one place holds them and
a test can lower one for a small file."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from ..errors import LoadError

MAX_COLUMNS = 1000
"""More columns than this is not a table a caseworker can filter (and a sideways or wrong file is far
more likely): refused with a message rather than building thousands of filters. Every column counts,
with a heading or not, so that a heading line of a million commas is refused at once, with its real
width (it took 75 s to load before)."""

MAX_HEADER_BYTES = 1 << 22
"""The longest first line of a text file that is read as its column headings (4 MB: a thousand
headings of 4,000 characters). A longer first line is not a heading line: the file is refused at once,
with its real width if it has too many columns (a 500 MB file of one line took 5.6 GB and minutes)."""

MAX_ROWS = 100_000_000
"""More rows than this are refused before they are read, where a file says how many it has (Parquet):
ten times the largest data set the program is measured with (10M rows), and far beyond what one
computer can filter at the speed of a click. A 1.3 MB Parquet file of 200M rows (run-length encoded)
passed 8 GB within 51 s before; a 2 KB one whose footer claims 2^40 rows, within 19 s."""

MAX_ZIP_MEMBERS = 10_000
"""A workbook (.xlsx, .ods) is a ZIP archive of a few dozen parts; more parts than this is not one.
Checked from the count in the ZIP's end record, before zipfile reads its directory (a Python object
for each entry)."""

MAX_ZIP_BYTES = 1_000_000_000
"""The most a workbook's parts may inflate to, together (1 GB, declared or counted): a workbook of
Excel's full million rows of a dozen columns is a few hundred MB of XML. Checked from each part's
declared size before anything is inflated; Python's zipfile never inflates a part beyond its declared
size (and then fails its CRC check), and the parts this program reads itself are counted as they
inflate. Zip bombs of 3-6 GB (a 6 MB ODS, an XLSX with a 3 GB cell or 4 GB of white space) took over
8 GB and minutes before."""

MAX_SPREADSHEET_CELLS = 50_000_000
"""The most cells an OpenDocument spreadsheet may hold once its repeated rows and columns are written
out, counted from content.xml as it inflates, before the reader writes them out: a 1 KB file can repeat
one cell over all 17 billion cells of a sheet (one of 100M cells took 33 s and 1.7 GB before)."""

WIDE_COLUMN_VALUES = 1 << 16
"""While a text column has at most this many distinct values, its codes are built with a dictionary as
the rows come (and kept as 8- or 16-bit integers). Beyond it (an identifier, free text), the blocks'
own Arrow dictionaries are kept and made into one sorted list at the end, without a Python object per
value: a column of 10M distinct values took 306 s and 6.2 GB before."""

MEMORY_RESERVE = 200 << 20
"""While a file is read, reading stops with the 'too large' message when less memory than this (or a
quarter of what was free when reading began, if that is less) is still free: the estimate checked
before reading cannot know every file's shape."""

MAX_CELL_CHARS = 1 << 26
"""The longest cell the careful CSV reader takes (64M characters; the csv module's own limit is 128K,
and a long free-text cell is still data). The csv module builds each cell at 4 bytes a character and
copies it several times, so a 500 MB cell (or everything after a quotation mark never closed) peaked at
over 5 GB; a longer cell is refused."""
csv.field_size_limit(MAX_CELL_CHARS)

STREAM_BYTES = 1 << 26
"""Plain UTF-8 text files from this size are parsed straight from disk, not from memory."""


def human_size(n: float) -> str:
    """'812 bytes', '64 KB', '1.3 GB'."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit in ("bytes", "KB") else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"  # pragma: no cover


def check_width(p: Path, n: int) -> None:
    """LoadError for a table of more than MAX_COLUMNS columns."""
    if n > MAX_COLUMNS:
        raise LoadError(
            f"{p.name} has {n:,} columns, more than the {MAX_COLUMNS:,} this program can work with. Check that it "
            "is the right file. If the table is laid out sideways (one column per area or per year), turn it "
            "round in Excel (Copy, then Paste Special > Transpose) and save it again, or delete the columns "
            "you do not need.")


# ---- workbooks: ZIP archives -----------------------------------------------------------------------
def check_zip_entries(p: Path, f) -> None:
    """LoadError if the ZIP's end record says it has more than MAX_ZIP_MEMBERS parts, before zipfile
    reads its directory (a Python object for each: a directory of 10M entries would take gigabytes)."""
    try:
        end = zipfile._EndRecData(f)  # (zipfile's own reader of the end record, ZIP64 included)
        count = end[zipfile._ECD_ENTRIES_TOTAL] if end else None
    except Exception:  # another Python's zipfile, or no end record: zipfile itself says it is damaged
        count = None
    finally:
        f.seek(0)
    if count is not None and count > MAX_ZIP_MEMBERS:
        raise _zip_too_many(p, count)


def _zip_too_many(p: Path, count: int) -> LoadError:
    return LoadError(f"{p.name} is a ZIP archive of {count:,} parts, far more than a workbook has, so it was not "
                     "opened. Check that it is the right file.")


def check_zip_sizes(p: Path, infos: list[zipfile.ZipInfo]) -> None:
    """LoadError if a workbook has too many parts, or its parts declare they inflate to more than
    MAX_ZIP_BYTES (a ZIP bomb, or far more than a workbook)."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _zip_too_many(p, len(infos))
    total = sum(max(0, i.file_size) for i in infos)
    if total > MAX_ZIP_BYTES:
        raise zip_too_big(p, total)


def zip_too_big(p: Path, inflated: int) -> LoadError:
    return LoadError(
        f"{p.name} would unpack to {human_size(inflated)}, far more than a spreadsheet this program can read (at "
        f"most {human_size(MAX_ZIP_BYTES)}), so it was not opened: it may be damaged or built to harm. If it is a "
        "real workbook, save the sheet you need as CSV and load that file.")


# ---- Parquet ----------------------------------------------------------------------------------------
def check_parquet_rows(p: Path, rows: int) -> None:
    """LoadError for a Parquet file whose metadata claims a negative row count or more than MAX_ROWS."""
    if rows < 0:
        raise parquet_damaged(p)
    if rows > MAX_ROWS:
        raise LoadError(f"{p.name} says it holds {rows:,} rows, more than the {MAX_ROWS:,} this program can work "
                        "with, so it was not read. If the data is real, save a smaller extract (for example one "
                        "year or one police force) and load that.")


def parquet_damaged(p: Path) -> LoadError:
    return LoadError(f"{p.name} looks like a Parquet file but could not be read; it may be damaged or from a "
                     "newer program.")
