"""What a file is, from its first bytes and never its name: a workbook (.xlsx, .ods), a Parquet file,
text, or something else (pictures, archives, Word documents, old or password-protected Office files,
JSON, web pages, running text), refused with a message saying what it is and what to do. For text, which
delimiter separates its cells."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import LoadError
from . import limits
from ._common import quote_list

_OPEN_INSTEAD = "Open a CSV, Excel, OpenDocument or Parquet file."
DELIMITERS: dict[str, str] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF87a", "a GIF picture"),
    (b"GIF89a", "a GIF picture"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program, not a data file"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"BZh", "a compressed (bzip2) file"),
    (b"\xfd7zXZ\x00", "a compressed (xz) file"),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(p: Path, data: bytes) -> str:
    """'xlsx', 'ods', 'parquet' or 'text'; a LoadError for anything else (pictures, archives, old or
    password-protected Office files...)."""
    head = data[:64]
    if head.startswith(_ZIP):
        return _zip_kind(p, data)
    if head.startswith(_OLE):
        _ole_error(p, data)
    if head.startswith(b"PAR1"):
        return "parquet"
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise LoadError(f"{p.name} is {what}, not a table of data. Choose a CSV, Excel (.xlsx), "
                            "OpenDocument (.ods) or Parquet file.")
    return "text"


def plain_text_head(head: bytes) -> bytes | None:
    """The first bytes of a file cut to their last whole line, if they look like plain UTF-8 text (no
    file signature, no NUL byte); else None."""
    if head[:4] in (*_ZIP, b"PAR1") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    if any(head.startswith(magic) for magic, _ in _BINARY_MAGIC) or b"\x00" in head:
        return None
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))  # (Excel's 'CSV (Macintosh)' ends lines with CR)
    if cut < 0:
        return None
    try:
        head[:cut + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return head[:cut + 1]


def _zip_kind(p: Path, data: bytes) -> str:
    try:
        buf = io.BytesIO(data)
        limits.check_zip_entries(p, buf)
        with zipfile.ZipFile(buf) as z:
            infos = z.infolist()
            limits.check_zip_sizes(p, infos)  # before anything is inflated
            names = [i.filename for i in infos]
            mimetype = zip_head(z, "mimetype", 200) if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError, KeyError, zlib.error):
        raise LoadError(
            f"{p.name} looks like an Excel workbook or a ZIP archive, but it is damaged and cannot be opened. "
            "Open it in Excel and save it again, or ask for a new copy.") from None
    if any(n.lower() == "xl/workbook.xml" or n.lower().startswith("xl/workbook") for n in names):
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if b"opendocument" in mimetype or any(n.startswith("word/") for n in names):
        raise LoadError(f"{p.name} is a text document (Word or OpenDocument), not a table. "
                        "Copy the table into a spreadsheet and save it as .xlsx or CSV.")
    if any(n.startswith("ppt/") for n in names):
        raise LoadError(f"{p.name} is a PowerPoint presentation, not a table of data.")
    inner = [n for n in names if not n.endswith("/")]
    listed = f" (it holds {quote_list([Path(n).name for n in inner], 4)})" if inner else " (it is empty)"
    raise LoadError(f"{p.name} is a ZIP archive{listed}. Unzip it first and open the data files inside.")


def zip_head(z: zipfile.ZipFile, name: str, n: int) -> bytes:
    """The first n bytes of a ZIP member, inflating no more of it than that (a 'mimetype' that inflates
    to 6 GB is sniffed from its first bytes)."""
    with z.open(name) as f:
        return f.read(n)


def _ole_error(p: Path, data: bytes) -> None:
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise LoadError(
            f"{p.name} is protected with a password, so it cannot be read. Open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password, then clear it), save it, and "
            "load it again; or save the sheet as CSV.")
    if "WordDocument".encode("utf-16-le") in data:
        raise LoadError(f"{p.name} is a Word document, not a table. Copy the table into a spreadsheet and "
                        "save it as .xlsx or CSV.")
    raise LoadError(
        f"{p.name} is an old-style Excel 97-2003 workbook (.xls), which cannot be read here. Open it in "
        "Excel and save it as an Excel Workbook (.xlsx) or as CSV, then load that file.")


# ---- text --------------------------------------------------------------------------------------------
def refuse_other_text(p: Path, sample: str, body: bytes | None) -> None:
    """LoadError for text that is a JSON file, a web page or an XML file. `body`: the whole file, when it
    is held and small enough to check that it parses as JSON."""
    stripped = sample.lstrip()
    if stripped[:1] in "{[" and body is not None and len(body) < (1 << 24):
        try:
            json.loads(body.decode("utf-8", errors="strict"))
            raise LoadError(f"{p.name} is a JSON file, not a table. (If it is a column mapping, choose it as "
                            "the mapping, not as the data file.)")
        except (ValueError, UnicodeDecodeError, RecursionError):
            pass
    low = stripped[:500].lower()
    if low.startswith("<!doctype html") or low.startswith("<html") or "<table" in low[:300]:
        raise LoadError(f"{p.name} is a web page (HTML), not a table file. Open it in Excel and save it as "
                        "an Excel Workbook (.xlsx) or CSV, then load that file.")
    if low.startswith("<?xml"):
        raise LoadError(f"{p.name} is an XML file, not a table this program can read. Open it in Excel and "
                        "save it as an Excel Workbook (.xlsx) or CSV, then load that file.")


def sniff_delimiter(lines: list[str]) -> str:
    """',', ';', tab or '|': the one that splits the sample into the most consistent number of cells."""
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=d))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        if modal < 2:
            continue
        share = widths.count(modal) / len(widths)
        score = (round(share, 2), modal)
        if score > best_score:
            best, best_score = d, score
    return best


# ---- text that is not a table ------------------------------------------------------------------------
_MIN_ROWS_TO_JUDGE = 3  # lines under the headings needed to judge whether they have the same columns
_MIN_SAME_WIDTH = 0.5  # share of those lines that must have as many cells as the headings
_HEADING_MAX_CHARS = 60
_HEADING_MAX_WORDS = 8
_NOT_A_HEADING = re.compile(r"^(?:#|>|-{2,}|={2,}|`{3}|[*+-]\s)|[.!?]$")


def check_table_shape(p: Path, rows: list[list[str]], header_row: int) -> None:
    """LoadError for text that is not a table, such as a Markdown page, a README or prose: most of the
    lines under the headings do not have as many cells as the headings, or the file is one column whose
    first line, above other lines, is a sentence or a Markdown mark rather than a column heading. `rows`: the first lines of
    the file split at its delimiter; `header_row`: the index of the headings among them."""
    heading = rows[header_row]
    width = len(heading)
    body = [r for r in rows[header_row + 1:] if any(c.strip() for c in r)]
    if len(body) >= _MIN_ROWS_TO_JUDGE:
        same = sum(1 for r in body if _same_width(r, width))
        if same < _MIN_SAME_WIDTH * len(body):
            raise LoadError(f"{p.name} does not look like a table: its lines do not have the same columns. "
                            f"{_OPEN_INSTEAD}")
    filled = [c.strip() for c in heading if c.strip()]
    if body and len(filled) == 1 and not _is_heading(filled[0]):
        raise LoadError(f"{p.name} does not look like a table: its first line is a sentence, not a column "
                        f"heading. {_OPEN_INSTEAD}")


def _same_width(row: list[str], width: int) -> bool:
    """Whether a row has `width` cells, empty cells after them not counted."""
    return len(row) == width or (len(row) > width and not any(c.strip() for c in row[width:]))


def _is_heading(text: str) -> bool:
    """Whether a lone first cell reads as a column heading ('Police force', 'age_band') rather than a
    sentence, a Markdown heading or a rule."""
    return (len(text) <= _HEADING_MAX_CHARS and len(text.split()) <= _HEADING_MAX_WORDS
            and _NOT_A_HEADING.search(text) is None)
