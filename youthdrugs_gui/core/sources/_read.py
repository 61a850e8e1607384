"""Reading a file into a plain table, whatever it is: CSV (any usual encoding and delimiter), Excel
(.xlsx), OpenDocument (.ods) or Parquet. What a file *is* comes from its first bytes, not its name, so a
workbook renamed .csv is still read as a workbook; files that are not tables get a message saying what
they are and what to do.

The result is a RawTable: one column per header, text columns as categoricals of stripped, non-blank
strings (blank cells are missing), numbers and dates as they were stored in a workbook or Parquet file."""
from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import json
import math
import os
import re
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LoadError
from ._common import Ticker, plural, quote_list
from ._normalise import as_text, cell_text, rebuild

_SAMPLE_BYTES = 1 << 16  # the start of a text file looked at for its encoding, delimiter and headings ...
_SAMPLE_LINES = 8  # ... made longer, up to MAX_HEADER_BYTES, until it holds this many whole lines
_BLOCK = 1 << 22  # pyarrow block: progress and cancel are checked after each one
_SCAN_ROWS = 40  # rows looked at to find the header row
_PY_ROWS = 1 << 16  # rows the careful CSV reader holds as text before turning them into codes

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

# Memory needed to load a file: bytes per byte of its size on disk, by how it is read. Measured with
# tests/reliability/test_memory_precheck.py (peak RSS above the start at 1-100 MB, typical and awkward
# shapes, against this estimate); each factor is above the highest ratio measured for its path.
#   streamed: plain UTF-8 text of STREAM_BYTES or more, parsed from disk (the file is not held): 1.6
#   text:     UTF-8 text read whole and parsed by Arrow: 2.3
#   recoded:  text in another encoding (made UTF-8 first, so held twice): 3.3
#   careful:  text Arrow cannot parse (ragged rows, a quoted line break...), read by the csv module: 4.0
#             (plus _CELL_FACTOR per byte of its longest possible cell: the csv module builds a cell at 4
#             bytes a character and it is copied on its way; a 60 MB cell peaked at 7.4 times the file)
#   utf16:    UTF-16 text (half as many characters as bytes, made UTF-8 first): 2.1
#   xml:      per byte of a workbook's XML parts once inflated (their declared sizes): 1.9 (openpyxl)
#   ods_xml:  the same for an OpenDocument spreadsheet, read whole into odfpy's document tree: 22
#   zip:      per byte on disk of a workbook whose parts' sizes cannot be read
#   parquet:  per byte of a Parquet file's fixed-width data once decoded (rows times widths): 2.2;
#             its text pages (uncompressed) count _PARQUET_TEXT_FACTOR per byte: many distinct values
#             each become an Arrow and a Python string on the way (a column of 1M identifiers: 13)
# Text columns whose values are nearly all different (an identifier, free text), judged from the first
# lines, add _DISTINCT_VALUE_COST bytes a value (the Arrow dictionaries, their sorting, and one Python
# string per value in the importer): a 114 MB file with a column of 1M identifiers peaked at 2.5 times
# its size where the same file without it took 1.45.
_MEMORY_FACTOR = {"streamed": 1.8, "text": 3.0, "recoded": 4.0, "careful": 5.0, "utf16": 3.0, "xml": 2.5,
                  "ods_xml": 30.0, "zip": 30.0, "parquet": 3.0}
_CELL_FACTOR = 3.0
_FIXED_NEED = 48 << 20  # what any load takes beyond its data (Arrow's parsing blocks, the frame's building)
_PARQUET_TEXT_FACTOR = 16.0
_DISTINCT_VALUE_COST = 200
MAX_CELL_CHARS = 1 << 26
"""The longest cell the careful CSV reader takes (64M characters; the csv module's own limit is 128K,
and a long free-text cell is still data). The csv module builds each cell at 4 bytes a character and
copies it several times, so a 500 MB cell (or everything after a quotation mark never closed) peaked at
over 5 GB; a longer cell is refused."""
csv.field_size_limit(MAX_CELL_CHARS)

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
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ASCII_CONTROL = tuple(bytes([b]) for b in (*range(1, 9), *range(14, 32), 127))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# a number written with a decimal comma, optionally with '.' between thousands: 12,5  -0,25  1.234,5
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass
class RawTable:
    path: Path
    kind: str  # "csv", "xlsx", "ods", "parquet"
    frame: pd.DataFrame  # unique column names
    headers: dict[str, str]  # column name in frame -> header as written in the file
    sha256: str
    detail: str  # how it was read, e.g. "CSV, UTF-8, comma-separated"
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False  # the file says it holds made-up data (the generator's marker)

    @property
    def name(self) -> str:
        return self.path.name


# ---- entry points --------------------------------------------------------------------------------
def check_path(path: str | Path) -> Path:
    """The path as a Path, or a LoadError saying why it cannot be read."""
    try:
        p = Path(path).expanduser()
    except (TypeError, ValueError, RuntimeError):
        raise LoadError(f"{path!r} is not a file name.") from None
    try:
        if not p.exists():
            raise LoadError(f"{p}: there is no such file. Check the name and the folder, and try again.")
        if p.is_dir():
            raise LoadError(f"{p} is a folder, not a file. Open the data files inside it instead.")
        if not p.is_file():
            raise LoadError(f"{p} is not an ordinary file, so it cannot be read as data.")
    except OSError as e:
        raise LoadError(f"{p}: cannot be opened ({_os_reason(e)}).") from None
    except ValueError:  # e.g. a name with a NUL character in it
        raise LoadError(f"{str(path)!r} is not a file name.") from None
    return p


def available_memory() -> int | None:
    """Bytes of memory this process can still use (free RAM, or what is left under a container's
    limit, whichever is less); None when the system does not say."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    if not found and sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes

            class _Status(ctypes.Structure):
                _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                            ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                            ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                            ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                            ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

            st = _Status()
            st.dwLength = ctypes.sizeof(_Status)
            if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(st)):
                found.append(int(st.ullAvailPhys))
        except Exception:
            pass
    if not found and hasattr(os, "sysconf"):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError):
            pass
    return min(found) if found else None


def is_large(path: Path, size: int) -> bool:
    """Whether loading this file makes column-sized temporaries worth giving back at once: text from
    STREAM_BYTES, and compressed Parquet from a sixteenth of that."""
    if size >= STREAM_BYTES:
        return True
    if size >= STREAM_BYTES // 16:
        try:
            with open(path, "rb") as f:
                return f.read(4) == b"PAR1"
        except OSError:
            return False
    return False


class lean_memory:
    """While a large file loads, have the C allocator give freed memory straight back to the system.

    glibc raises its threshold for serving large blocks from fresh pages as a program frees them, so the
    many column-sized temporaries of a load end up on its heap, which it keeps: a 1 GB CSV then peaked at
    several times the memory of the data loaded. Inside this block, blocks of 1 MB or more come from
    (and go back to) the system. After it, the heap is trimmed, blocks of up to 32 MB come from the heap
    again (where glibc's own adjustment ends up) and up to 128 MB of freed heap is kept for reuse, so
    that filtering reuses its masks rather than faulting fresh pages in. Elsewhere than glibc, nothing."""

    _M_MMAP_THRESHOLD = -3
    _M_TRIM_THRESHOLD = -1
    _depth = 0

    def __init__(self, active: bool = True) -> None:
        self.active = active

    @staticmethod
    def _libc():
        if not sys.platform.startswith("linux"):
            return None
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6")
            return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
        except OSError:
            return None

    def __enter__(self) -> "lean_memory":
        libc = self._libc() if self.active else None
        if libc is not None:
            lean_memory._depth += 1
            libc.mallopt(self._M_MMAP_THRESHOLD, 1 << 20)
            libc.mallopt(self._M_TRIM_THRESHOLD, 128 << 10)  # glibc's default: give freed memory back
        self._used = libc
        return self

    def __exit__(self, *exc) -> None:
        libc = self._used
        if libc is not None:
            lean_memory._depth -= 1
            if lean_memory._depth == 0:
                # Blocks of up to 32 MB from glibc's heap (where its own adjustment ends up), and freed
                # memory kept for reuse. Setting a threshold by hand turns that adjustment off; with the
                # trim threshold left at its 128 KB default, every filter change would give its masks
                # back and fault them in again (filtering at 5M rows took 1.7 times as long).
                libc.mallopt(self._M_MMAP_THRESHOLD, 32 << 20)
                libc.mallopt(self._M_TRIM_THRESHOLD, 128 << 20)
                libc.malloc_trim(0)


def memory_needed(path: Path, size: int, careful: bool = False) -> int:
    """A generous estimate of the memory loading this file takes, from its size and first bytes, and for
    workbooks and Parquet files from what their directories and metadata say they hold (`careful`: the
    file is known to need reading whole, by the csv module). A LoadError, before a byte of data is read,
    for a workbook or Parquet file that claims more than the program can read at all."""
    try:
        with open(path, "rb") as f:
            head = f.read(_SAMPLE_BYTES)
    except OSError:
        head = b""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _FIXED_NEED + _zip_need(path, size)
    if head.startswith(b"PAR1"):
        return _FIXED_NEED + _parquet_need(path, size)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 4:
        kind, text = "utf16", head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="replace")
        whole = text if len(head) < _SAMPLE_BYTES else text[:-4]  # (the sample may end inside a character)
        kind = "recoded" if "\ufffd" in whole else "text"
        if careful:
            kind = "careful"
        elif kind == "text" and size >= STREAM_BYTES and _plain_text_head(head) is not None:
            kind = "streamed"  # parsed from disk (stream_table)
    need = _FIXED_NEED + size * _MEMORY_FACTOR[kind] + _distinct_cost(text, len(head), size)
    if kind == "careful":
        need += _CELL_FACTOR * min(size, MAX_CELL_CHARS)
    return int(need)


def _distinct_cost(text: str, head_bytes: int, size: int) -> float:
    """The memory that columns whose values are nearly all different (an identifier, free text) add,
    judged from the first lines of a text file: _DISTINCT_VALUE_COST bytes for each of their values."""
    lines = text.splitlines()[:-1] if head_bytes < size else text.splitlines()
    if len(lines) < 3:
        return 0.0
    try:
        rows = list(csv.reader(lines[:1000], delimiter=_sniff_delimiter(lines[:200])))
    except csv.Error:
        return 0.0
    body = rows[1:]
    est_rows = size * len(lines) / max(1, head_bytes)
    share = 0.0
    for j in range(min(MAX_COLUMNS, max((len(r) for r in body), default=0))):
        vals = [r[j] for r in body if j < len(r) and r[j].strip()]
        if len(vals) >= 2 and len(set(vals)) > 0.5 * len(vals):
            share += len(set(vals)) / len(body)
    return share * est_rows * _DISTINCT_VALUE_COST


def _zip_need(path: Path, size: int) -> int:
    """Memory to read a workbook: the file, plus its XML parts as inflated (from the sizes the ZIP
    directory declares; LoadError for a ZIP bomb), times what the reader makes of each byte."""
    try:
        with open(path, "rb") as f:
            _check_zip_entries(path, f)
            with zipfile.ZipFile(f) as z:
                infos = z.infolist()
    except LoadError:
        raise
    except Exception:  # not a readable ZIP: reading it says so (and the file itself is all it holds)
        return int(size * _MEMORY_FACTOR["zip"])
    _check_zip_sizes(path, infos)
    ods = any(i.filename == "content.xml" for i in infos) and not any(
        i.filename.lower().startswith("xl/") for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith(".xml"))
    other = sum(i.file_size for i in infos if not i.filename.lower().endswith(".xml"))  # pictures: read as they are
    return int(size + other + xml * _MEMORY_FACTOR["ods_xml" if ods else "xml"])


def _check_zip_entries(p: Path, f) -> None:
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


def _check_zip_sizes(p: Path, infos: list[zipfile.ZipInfo]) -> int:
    """The total size a workbook's parts declare they inflate to; LoadError if there are too many parts
    or they would inflate to more than MAX_ZIP_BYTES (a ZIP bomb, or far more than a workbook)."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _zip_too_many(p, len(infos))
    total = sum(max(0, i.file_size) for i in infos)
    if total > MAX_ZIP_BYTES:
        raise _zip_too_big(p, total)
    return total


def _zip_too_big(p: Path, inflated: int) -> LoadError:
    return LoadError(
        f"{p.name} would unpack to {_human(inflated)}, far more than a spreadsheet this program can read (at most "
        f"{_human(MAX_ZIP_BYTES)}), so it was not opened: it may be damaged or built to harm. If it is a real "
        "workbook, save the sheet you need as CSV and load that file.")


def _parquet_need(path: Path, size: int) -> int:
    """Memory to read a Parquet file, from its metadata: the file, plus its data once decoded, times
    what reading and typing it makes of each byte. LoadError if it claims more rows than MAX_ROWS."""
    try:
        import pyarrow.parquet as pq

        meta = pq.read_metadata(path)
        schema = meta.schema.to_arrow_schema()
    except Exception:  # a damaged footer: reading the file says so (and the file is all it holds)
        return int(size * _MEMORY_FACTOR["parquet"])
    _check_parquet_rows(path, meta.num_rows)
    fixed, text = _decoded_bytes(meta, schema)
    return int(size + fixed * _MEMORY_FACTOR["parquet"] + text * _PARQUET_TEXT_FACTOR)


def _check_parquet_rows(p: Path, rows: int) -> None:
    if rows < 0:
        raise _parquet_damaged(p)
    if rows > MAX_ROWS:
        raise LoadError(f"{p.name} says it holds {rows:,} rows, more than the {MAX_ROWS:,} this program can work "
                        "with, so it was not read. If the data is real, save a smaller extract (for example one "
                        "year or one police force) and load that.")


def _parquet_damaged(p: Path) -> LoadError:
    return LoadError(f"{p.name} looks like a Parquet file but could not be read; it may be damaged or from a "
                     "newer program.")


def _decoded_bytes(meta, schema) -> tuple[int, int]:
    """What a Parquet file's data takes once decoded into Arrow columns: rows times each column's width
    (a 4-byte dictionary index for text), and the text itself (its pages' uncompressed sizes, which for
    dictionary-encoded text is about its distinct values)."""
    import pyarrow as pa

    rows = max(0, meta.num_rows)
    width = 0
    for f in schema:
        t = f.type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t):
            width += 4
        elif pa.types.is_primitive(t):
            width += max(1, t.bit_width // 8)
        else:
            width += 8
    text = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        for c in range(rg.num_columns):
            col = rg.column(c)
            if col.physical_type == "BYTE_ARRAY":
                text += max(0, col.total_uncompressed_size)
    return rows * width, text


class _MemoryGuard:
    """Checked now and then while a file is read: a LoadError saying the file is too large when less
    than MEMORY_RESERVE of memory is still free (or a quarter of what was free when reading began, if
    that is less): the check before reading is an estimate."""

    def __init__(self, p: Path, size: int) -> None:
        self.p, self.size = p, size
        start = available_memory()
        self.floor = None if start is None else min(MEMORY_RESERVE, start // 4)

    def check(self) -> None:
        avail = available_memory() if self.floor is not None else None
        if avail is not None and avail < self.floor:
            raise LoadError(
                f"{self.p.name} ({_human(self.size)}) is too large to open on this computer: the memory that was "
                "free ran out while reading it. Close other programs and try again, or open a smaller extract of "
                "the data (for example one year or one police force).")


def _plain_text_head(head: bytes) -> bytes | None:
    """The first bytes of a file cut to their last whole line, if they look like plain UTF-8 text (no
    file signature, no NUL byte); else None."""
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PAR1") or head.startswith(b"\xd0\xcf\x11\xe0"):
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


def _human(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit in ("bytes", "KB") else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"  # pragma: no cover


def check_memory(paths: list[Path], sizes: list[int], careful: bool = False) -> None:
    """Refuse, before reading a byte of data, files that cannot fit in the memory that is free (and
    workbooks and Parquet files that claim more than can be read at all, even where the memory that is
    free is not known)."""
    need = sum(memory_needed(p, n, careful) for p, n in zip(paths, sizes))
    avail = available_memory()
    if avail is None or need <= avail:
        return
    total = sum(sizes)
    what = (f"{paths[0].name} ({_human(total)})" if len(paths) == 1
            else f"These {len(paths)} files ({_human(total)} together)")
    verb = "is" if len(paths) == 1 else "are"
    raise LoadError(f"{what} {verb} too large to open on this computer: reading {'it' if len(paths) == 1 else 'them'} "
                    f"needs about {_human(need)} of memory and only about {_human(avail)} is free. Close other "
                    "programs and try again, or open a smaller extract of the data (for example one year or one "
                    "police force).")


def _blocks(path: Path, ticker: Ticker):
    """The file's bytes, a few MB at a time, with progress and cancelling between blocks; a LoadError
    the user understands if it cannot be read."""
    try:
        size = path.stat().st_size
        done = 0
        with open(path, "rb") as f:
            while True:
                ticker.check()
                block = f.read(1 << 23)
                if not block:
                    break
                yield block
                done += len(block)
                if size:
                    ticker.tick(done / size)
    except OSError as e:
        if e.errno == errno.ENOENT:
            raise LoadError(f"{path} was moved or deleted before it could be read. Check the folder and open "
                            "it again.") from None
        raise LoadError(f"{path}: cannot be read ({_os_reason(e)}).") from None


def read_bytes(path: Path, ticker: Ticker) -> tuple[bytearray, str]:
    """The whole file and its SHA-256, read in blocks so a large file can be cancelled. Each block is
    appended to one buffer as it comes: joining the blocks afterwards would hold two copies of a large
    file at once, and zero-filling a buffer of the file's size first stops the window for the fill."""
    h = hashlib.sha256()
    buf = bytearray()
    try:
        for block in _blocks(path, ticker):
            h.update(block)
            buf += block
            del block
    except MemoryError:
        raise LoadError(f"{path} is too large to load on this computer.") from None
    return buf, h.hexdigest()


def read_table(path: str | Path, *, sheet: str | None = None, ticker: Ticker | None = None) -> RawTable:
    """Read any supported file into a RawTable (LoadError for anything that is not a readable table)."""
    ticker = ticker or Ticker()
    p = check_path(path)
    raw = stream_table(p, ticker)
    if raw is not None:
        return raw
    data, sha = read_bytes(p, ticker.sub(0.0, 0.15))
    return table_from_bytes(p, data, sha, sheet=sheet, ticker=ticker.sub(0.15, 1.0))


STREAM_BYTES = 1 << 26  # plain UTF-8 text files from this size are parsed from disk, not from memory


def stream_table(p: Path, ticker: Ticker) -> RawTable | None:
    """A large, plain UTF-8 CSV parsed straight from the file, so that its bytes are never held in
    memory: it is read twice (once for its SHA-256, once by the parser), and the second read comes from
    the system's file cache. None when the file is small or not plainly UTF-8 text (a NUL byte, another
    encoding, rows the fast parser cannot take): the caller then reads it whole, the careful way."""
    try:
        size = p.stat().st_size
    except OSError:
        return None  # the caller's read says what is wrong
    if size < STREAM_BYTES:
        return None
    raw = _stream_table(p, size, ticker)
    if raw is None:
        # It must be read whole after all, which can need more memory than the first check allowed.
        check_memory([p], [size], careful=True)
    return raw


def _stream_table(p: Path, size: int, ticker: Ticker) -> RawTable | None:
    import pyarrow as pa

    try:
        with open(p, "rb") as f:
            head = f.read(MAX_HEADER_BYTES)  # the most a whole read looks at for its sample (_sample_end)
    except OSError:
        return None
    head = _plain_text_head(head)
    if head is None:
        return None
    sha, clean = _hash_file(p, ticker.sub(0.0, 0.15))
    if not clean:
        return None
    try:
        stream = pa.input_stream(str(p))
    except (OSError, pa.ArrowException, UnicodeError, ValueError):  # e.g. a file name that is not UTF-8
        return None
    with stream:
        out = _read_csv(p, head, ticker.sub(0.15, 1.0), stream=stream, total=size)
    if out is None:
        return None
    frame, headers, detail, more = out
    notes = _text_name_notes(p) + more
    frame, headers, more = _tidy(p, frame, headers)
    _check_width(p, len(frame.columns))
    ticker.tick(1.0)
    return RawTable(path=p, kind="csv", frame=frame, headers=headers, sha256=sha, detail=detail,
                    notes=notes + more)


def _text_name_notes(p: Path) -> list[str]:
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".ods", ".parquet"):
        return [f"the file is named '{ext}' but holds plain text (CSV); it was read as CSV"]
    return []


def _hash_file(p: Path, ticker: Ticker) -> tuple[str, bool]:
    """The file's SHA-256, and whether it is free of NUL bytes, read a block at a time."""
    h = hashlib.sha256()
    clean = True
    for block in _blocks(p, ticker):
        h.update(block)
        clean = clean and b"\x00" not in block
    return h.hexdigest(), clean


def table_from_bytes(p: Path, data: bytes, sha: str, *, sheet: str | None = None,
                     ticker: Ticker | None = None) -> RawTable:
    ticker = ticker or Ticker()
    if not data[:_SAMPLE_BYTES].strip() and not data.strip():  # (strip copies: only when it may be blank)
        raise LoadError(f"{p.name} is empty: it holds no data. Check that you chose the right file.")
    kind = sniff_kind(p, data)
    ext = p.suffix.lower()
    notes: list[str] = []
    if kind == "xlsx":
        if ext not in (".xlsx", ".xlsm"):
            notes.append(f"the file is named '{ext or 'without an extension'}' but is an Excel workbook; "
                         "it was read as one")
        frame, headers, detail, more = _read_xlsx(p, data, sheet, ticker)
    elif kind == "ods":
        if ext != ".ods":
            notes.append(f"the file is named '{ext or 'without an extension'}' but is an OpenDocument "
                         "spreadsheet; it was read as one")
        frame, headers, detail, more = _read_ods(p, data, sheet, ticker)
    elif kind == "parquet":
        frame, headers, detail, more = _read_parquet(p, data, ticker)
    else:
        notes += _text_name_notes(p)
        frame, headers, detail, more = _read_csv(p, data, ticker)
    notes += more
    frame, headers, more = _tidy(p, frame, headers)
    notes += more
    _check_width(p, len(frame.columns))
    ticker.tick(1.0)
    synthetic = kind == "parquet" and is_marked_synthetic(data)
    if synthetic:
        notes.append("the file is marked as synthetic data: made up for trying the program, it describes no real "
                     "child; everything made from it says so")
    return RawTable(path=p, kind=kind if kind != "text" else "csv", frame=frame, headers=headers, sha256=sha,
                    detail=detail, notes=notes, synthetic=synthetic)


SYNTHETIC_MARKER_KEY = b"youthdrugs_gui"


def is_marked_synthetic(data: bytes) -> bool:
    """Whether a Parquet file carries the generator's synthetic-data marker in its metadata (a JSON object
    with "synthetic": true under the key youthdrugs_gui), however the file was named or copied."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(pa.BufferReader(data)).schema_arrow.metadata or {}
        raw = meta.get(SYNTHETIC_MARKER_KEY)
        if raw is None or len(raw) > 65536:
            return False
        value = json.loads(raw.decode("utf-8"))
    except Exception:  # a damaged footer or marker: not marked
        return False
    return isinstance(value, dict) and value.get("synthetic") is True


# ---- what is this file? --------------------------------------------------------------------------
def sniff_kind(p: Path, data: bytes) -> str:
    """'xlsx', 'ods', 'parquet' or 'text'; a LoadError for anything else (pictures, archives, old or
    password-protected Office files...)."""
    head = data[:64]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(p, data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _ole_error(p, data)
    if head.startswith(b"PAR1"):
        return "parquet"
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise LoadError(f"{p.name} is {what}, not a table of data. Choose a CSV, Excel (.xlsx), "
                            "OpenDocument (.ods) or Parquet file.")
    return "text"


def _zip_kind(p: Path, data: bytes) -> str:
    try:
        buf = io.BytesIO(data)
        _check_zip_entries(p, buf)
        with zipfile.ZipFile(buf) as z:
            infos = z.infolist()
            _check_zip_sizes(p, infos)  # before anything is inflated
            names = [i.filename for i in infos]
            mimetype = _zip_head(z, "mimetype", 200) if "mimetype" in names else b""
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


def _zip_head(z: zipfile.ZipFile, name: str, n: int) -> bytes:
    """The first n bytes of a ZIP member, inflating no more of it than that (a 'mimetype' that inflates
    to 6 GB is sniffed from its first bytes)."""
    with z.open(name) as f:
        return f.read(n)


def _zip_member(z: zipfile.ZipFile, name: str, limit: int = MAX_ZIP_BYTES) -> bytes:
    """A ZIP member inflated whole, counting the bytes as they come: _ZipTooBig past `limit`, whatever
    its header declared."""
    out = bytearray()
    with z.open(name) as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                return bytes(out)
            out += block
            if len(out) > limit:
                raise _ZipTooBig(len(out))


class _ZipTooBig(Exception):
    def __init__(self, inflated: int) -> None:
        super().__init__(inflated)
        self.inflated = inflated


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


# ---- text: encoding, delimiter, header ----------------------------------------------------------
def _decode(p: Path, data: bytes) -> tuple[bytes, str, str, list[str]]:
    """The file as UTF-8 bytes without a BOM, the encoding's name for the user, the sample text and
    notes (stray NUL characters removed, lines in two encodings)."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        body, enc = data[3:], "UTF-8 (with BOM)"
    elif data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _encoding_error(p) from None
        body, enc = text.encode("utf-8"), "UTF-16"
    else:
        sample = data[:_SAMPLE_BYTES]
        nul = sample.count(b"\x00")
        utf16 = _utf16_without_bom(sample) if nul else None
        if utf16 is not None:
            try:
                text = data.decode(utf16)
            except UnicodeDecodeError:
                raise _encoding_error(p) from None
            body, enc = text.encode("utf-8"), "UTF-16"
        else:
            if nul:
                ctrl = sum(sample.count(c) for c in _ASCII_CONTROL)
                if nul / len(sample) > 0.05 or ctrl / len(sample) > 0.01:
                    raise LoadError(
                        f"{p.name} holds binary data, not text: it is not a CSV file (is it a renamed file of "
                        "another kind?). Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or Parquet file.")
            if nul or b"\x00" in data:
                k = data.count(b"\x00")
                data = data.replace(b"\x00", b"")
                notes.append(f"removed {plural(k, 'NUL character')} (invisible 'null' bytes that do not belong "
                             "in a text file)")
            try:
                _check_utf8(data)
                body, enc = data, "UTF-8"
            except UnicodeDecodeError:
                if _UTF8_MULTIBYTE.search(data):
                    body, enc = _decode_lines(data), "UTF-8 and Windows (cp1252)"
                    notes.append("some lines were written in UTF-8 and others in the older Windows (cp1252) "
                                 "encoding; each line was read in its own encoding")
                elif any(b in data for b in _CP1252_UNDEFINED):
                    body, enc = data.decode("latin-1").encode("utf-8"), "Latin-1"
                else:
                    body, enc = data.decode("cp1252").encode("utf-8"), "Windows (cp1252)"
    sample_text = body[:_sample_end(body)].decode("utf-8", errors="ignore")
    if sample_text[:1] == "\ufeff":
        sample_text = sample_text[1:]
        body = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    bad = len(_CONTROL.findall(sample_text))
    if sample_text and bad / len(sample_text) > 0.01:
        raise _encoding_error(p)
    return body, enc, sample_text, notes


def _sample_end(body) -> int:
    """How much of the start of a text file to look at for its delimiter and headings: _SAMPLE_BYTES,
    or more while that holds fewer than _SAMPLE_LINES line ends (a heading line of 900 long headings is
    over 64 KB), up to MAX_HEADER_BYTES."""
    end = min(len(body), _SAMPLE_BYTES)
    cap = min(len(body), MAX_HEADER_BYTES)
    while end < cap and max(body.count(b"\n", 0, end), body.count(b"\r", 0, end)) < _SAMPLE_LINES:
        end = min(cap, end * 4)
    return end


def _check_utf8(data: bytes) -> None:
    """UnicodeDecodeError unless the bytes are UTF-8. Checked a few MB at a time: decoding a large file
    in one call would hold a second, bigger copy of it and stop the window until done."""
    dec = codecs.getincrementaldecoder("utf-8")()
    with memoryview(data) as view:
        for i in range(0, len(view), 1 << 22):
            dec.decode(view[i:i + (1 << 22)])
    dec.decode(b"", final=True)


def _decode_lines(data: bytes) -> bytes:
    """A file whose lines are in different encodings (rows pasted from two systems): each line as UTF-8
    if it is valid UTF-8, else as Windows cp1252 (Latin-1 for the few bytes cp1252 leaves undefined)."""
    out: list[bytes] = []
    for line in data.splitlines(keepends=True):
        try:
            line.decode("utf-8")
            out.append(line)
        except UnicodeDecodeError:
            enc = "latin-1" if any(b in line for b in _CP1252_UNDEFINED) else "cp1252"
            out.append(line.decode(enc).encode("utf-8"))
    return b"".join(out)


def _utf16_without_bom(sample: bytes) -> str | None:
    even = sample[0::2].count(b"\x00")
    odd = sample[1::2].count(b"\x00")
    half = max(1, len(sample) // 2)
    if odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le"
    if even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be"
    return None


def _encoding_error(p: Path) -> LoadError:
    return LoadError(
        f"{p.name}: cannot work out how the text in this file is encoded, or it is not text at all. "
        "Open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)', then load the new file.")


def _sniff_delimiter(lines: list[str]) -> str:
    """',', ';', tab or '|': the one that splits the sample into the most consistent number of cells."""
    best, best_score = ",", (-1.0, 0)
    for d in (",", ";", "\t", "|"):
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


def _header_index(rows: list[list]) -> int:
    """Row index of the header: the first row as long as most rows near the top (CSV title lines have
    fewer fields) with at least half as many filled cells as the widest row (title rows padded with
    empty cells are skipped too)."""
    rows = rows[:_SCAN_ROWS]
    filled = [sum(1 for v in r if cell_text(v) is not None) for r in rows]
    widest = max(filled, default=0)
    if widest == 0:
        return -1
    need = max(min(2, widest), math.ceil(widest / 2))
    lengths = [len(r) for r, f in zip(rows, filled) if f]
    modal = max(set(lengths), key=lambda n: (lengths.count(n), n))
    for i, (r, f) in enumerate(zip(rows, filled)):
        if f >= need and len(r) >= modal:
            return i
    for i, f in enumerate(filled):
        if f >= need:
            return i
    return -1


def _unique_names(headers: list[object]) -> tuple[list[str], dict[str, str], list[str]]:
    """Column names from header cells: blanks become 'Column 3', repeats get ' (2)'."""
    names: list[str] = []
    orig: dict[str, str] = {}
    seen: set[str] = set()
    repeats: list[str] = []
    for i, h in enumerate(headers):
        text = cell_text(h)
        text = re.sub(r"\s+", " ", text) if text is not None else None
        base = text if text is not None else f"Column {i + 1}"
        name = base
        k = 2
        while name in seen:
            name = f"{base} ({k})"
            k += 1
        if name != base:
            repeats.append(base)
        seen.add(name)
        names.append(name)
        orig[name] = text if text is not None else ""
    notes = []
    if repeats:
        notes.append(f"more than one column is headed {quote_list(sorted(set(repeats)), 3)}; "
                     "the later ones are numbered (2), (3)...")
    return names, orig, notes


def _check_width(p: Path, n: int) -> None:
    if n > MAX_COLUMNS:
        raise LoadError(
            f"{p.name} has {n:,} columns, more than the {MAX_COLUMNS:,} this program can work with. Check that it "
            "is the right file. If the table is laid out sideways (one column per area or per year), turn it "
            "round in Excel (Copy, then Paste Special > Transpose) and save it again, or delete the columns "
            "you do not need.")


def _refuse_long_line(p: Path, body) -> None:
    """A text file whose first line is longer than MAX_HEADER_BYTES: refused with its real width if it
    has too many columns (counting its delimiters, a few hundred MB a second), else as not a table."""
    ends = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    eol = min(ends) if ends else len(body)
    _check_width(p, 1 + max(body.count(d, 0, eol) for d in (b",", b";", b"\t", b"|")))
    raise LoadError(f"{p.name}: its first line is {_human(eol)} long, far too long to be a line of column "
                    "headings, so it is not a table this program can read. Check that it is the right file; if "
                    "it is, open it in Excel and save it as CSV again.")


def _check_more_memory(p: Path, size: int, body) -> None:
    """Before the careful CSV reader, which needs more memory than the estimate checked before the file
    was read (its bytes, `size`, are held already): refuse if the rest is not free."""
    avail = available_memory()
    if avail is None:
        return
    need = int(_FIXED_NEED + size * _MEMORY_FACTOR["careful"] + _CELL_FACTOR * min(size, MAX_CELL_CHARS)
               + _distinct_cost(bytes(body[:_SAMPLE_BYTES]).decode("utf-8", errors="replace"),
                                min(size, _SAMPLE_BYTES), size))
    if need - size <= avail:
        return
    raise LoadError(f"{p.name} ({_human(size)}) is too large to open on this computer: reading it needs about "
                    f"{_human(need)} of memory and only about {_human(avail + size)} is free. Close other programs "
                    "and try again, or open a smaller extract of the data (for example one year or one police "
                    "force).")


def _read_csv(p: Path, data: bytes, ticker: Ticker, stream=None, total: int = 0):
    """A text file as a table. With `stream` (an Arrow input stream of the whole file), `data` is only
    its first lines and the rows are parsed from the stream."""
    body, enc, sample, decode_notes = _decode(p, data)
    ticker.tick(0.05)
    if not sample.strip():
        raise LoadError(f"{p.name} is empty: it holds no data. Check that you chose the right file.")
    stripped = sample.lstrip()
    if stripped[:1] in "{[" and stream is None and len(body) < (1 << 24):
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
    lines = sample.splitlines(keepends=True)
    more = stream is not None or len(body) > len(sample.encode("utf-8"))
    if more and stream is None and not any(c in sample for c in "\r\n"):
        _refuse_long_line(p, body)
    if more and len(lines) > 1:
        lines = lines[:-1]  # the last sample line may be cut short
    delim = _sniff_delimiter([ln for ln in lines[:200]])
    try:
        # newline="": lines end with LF, CRLF or a lone CR (Excel's 'CSV (Macintosh)'), mixed or not
        reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delim)
        head_rows: list[list[str]] = []
        line_ends: list[int] = []
        for row in reader:
            head_rows.append(row)
            line_ends.append(reader.line_num)
            if len(head_rows) >= _SCAN_ROWS:
                break
    except csv.Error:
        raise LoadError(f"{p.name} could not be read as CSV: its rows are not laid out as CSV expects. Open it in "
                        "Excel and save it as CSV again.") \
            from None
    hi = _header_index(head_rows)
    if hi < 0:
        raise LoadError(f"{p.name} has no column headings and no data.")
    _check_width(p, len(head_rows[hi]))  # every column counts, with a heading or not
    names, orig, notes = _unique_names(head_rows[hi])
    notes = decode_notes + notes
    if hi > 0:
        notes.append(f"skipped {plural(hi, 'line')} above the column headings (a title)")
    skip_lines = line_ends[hi]
    dname = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[delim]
    detail = f"CSV, {enc}, {dname}-separated"
    if enc not in ("UTF-8", "UTF-8 (with BOM)", "UTF-8 and Windows (cp1252)"):
        notes.append(f"the text was read as {enc}")
    guard = _MemoryGuard(p, total or len(body))
    frame = _csv_arrow(body if stream is None else stream, names, delim, skip_lines,
                       ticker.sub(0.05, 0.9), total or len(body), guard)
    if frame is None and stream is not None:
        return None  # rows the fast reader cannot take: the caller reads the whole file the careful way
    if frame is None:
        _check_more_memory(p, len(body), body)
        frame, more = _csv_python(p, body, names, delim, hi, ticker.sub(0.05, 0.9), guard)
        notes += more
    if delim == ";":
        frame, more = _decimal_commas(frame, orig)
        notes += more
    return frame, orig, detail, notes


def _decimal_commas(frame: pd.DataFrame, headers: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Semicolon-separated files come from spreadsheets set up for countries that write 12,5 for
    twelve and a half: in a column whose every number is written that way (and at least one has a
    comma), the numbers are rewritten with a decimal point, so 12,5 is 12.5 and never 125."""
    changed: list[str] = []
    cols: dict[str, pd.Series] = {}
    for name in frame.columns:
        s = frame[name]
        if not isinstance(s.dtype, pd.CategoricalDtype):
            continue
        if len(s.cat.categories) > WIDE_COLUMN_VALUES:
            fixed_wide = _decimal_commas_wide(s)
            if fixed_wide is not None:
                cols[name] = fixed_wide
                changed.append(headers.get(name) or name)
            continue
        cats = [str(c) for c in s.cat.categories]
        numeric = [c for c in cats if any(ch.isdigit() for ch in c)]
        if not numeric or not any("," in c for c in numeric) or not all(_DECIMAL_COMMA.match(c) for c in numeric):
            continue
        fixed = [c.replace(".", "").replace(",", ".") if _DECIMAL_COMMA.match(c) else c for c in cats]
        cols[name] = rebuild(s.cat.codes.to_numpy(), fixed, s.index, name)
        changed.append(headers.get(name) or name)
    if not changed:
        return frame, []
    frame = frame.assign(**cols)
    return frame, [f"numbers written with a decimal comma (12,5 for 12.5) were read as such in {quote_list(changed)}"]


def _decimal_commas_wide(s: pd.Series) -> pd.Series | None:
    """_decimal_commas for a column of many distinct values, by Arrow (digits here are 0-9 only); None
    if the column is not one of numbers written with decimal commas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..dataset import categorical_of_texts, text_codes

    cats = pa.array(s.cat.categories, from_pandas=True)
    if not (pa.types.is_string(cats.type) or pa.types.is_large_string(cats.type)):
        return None
    numeric = pc.match_substring_regex(cats, r"[0-9]")
    shaped = pc.match_substring_regex(cats, _DECIMAL_COMMA.pattern)
    comma = pc.match_substring(cats, ",")
    if not pc.any(numeric).as_py() or not pc.any(pc.and_(numeric, comma)).as_py() \
            or not pc.all(pc.or_(pc.invert(numeric), shaped)).as_py():
        return None
    swapped = pc.replace_substring(pc.replace_substring(cats, ".", ""), ",", ".")
    lut, texts = text_codes(pc.if_else(shaped, swapped, cats))  # 1.234,5 and 1234,5 become one value
    codes = np.append(lut, -1).astype(np.int32)[s.array.codes]
    return pd.Series(categorical_of_texts(codes, texts), index=s.index, name=s.name)


def _csv_arrow(source, names: list[str], delim: str, skip_lines: int, ticker: Ticker,
               total: int, guard: _MemoryGuard | None = None) -> pd.DataFrame | None:
    """Fast path: pyarrow, every column read as dictionary-encoded text, from bytes in memory or
    straight from the file. None if some row does not fit the header (the careful reader then takes
    over). Each block's columns are turned into category codes as it comes (`_Codes`), so that neither
    Arrow's table of the whole file nor 32-bit codes for it are ever held: the codes kept are as small as
    the number of distinct values allows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    dict_type = pa.dictionary(pa.int32(), pa.string())
    ro = pacsv.ReadOptions(skip_rows=skip_lines, column_names=names, block_size=_BLOCK, use_threads=True)
    # no invalid_row_handler: a row that does not fit raises, and the careful reader takes over
    po = pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True, newlines_in_values=False)
    co = pacsv.ConvertOptions(column_types={n: dict_type for n in names}, strings_can_be_null=False,
                              quoted_strings_can_be_null=False, null_values=[])
    total = max(1, total)
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = pa.BufferReader(source)
    cols = [_Codes() for _ in names]
    n_rows = 0
    pool = pa.default_memory_pool()
    try:
        reader = pacsv.open_csv(source, read_options=ro, parse_options=po, convert_options=co)
        avg = None
        for batch in reader:
            for i in range(batch.num_columns):
                cols[i].add(batch.column(i))
            n_rows += batch.num_rows
            del batch
            if avg is None and n_rows:
                avg = max(1.0, min(total, _BLOCK) / n_rows)
            ticker.tick(min(0.95, n_rows * (avg or 1.0) / total))
            if guard is not None:
                guard.check()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, pa.ArrowIndexError,
            pa.ArrowKeyError, pa.ArrowCapacityError, pa.ArrowException, ValueError, UnicodeDecodeError):
        return None
    pool.release_unused()  # give Arrow's buffers back to the system: its allocator would keep them
    return _frame_of(names, cols, n_rows, ticker)


def _frame_of(names: list[str], cols: list["_Codes"], n_rows: int, ticker: Ticker) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for i, name in enumerate(names):
        ticker.tick(0.95 + 0.05 * i / max(1, len(names)))
        out[name] = cols[i].series(name)
        cols[i] = _Codes()  # let its parts go
    ticker.tick(1.0)
    return pd.DataFrame(out) if out else pd.DataFrame(index=range(n_rows))


class _Codes:
    """One text column's category codes, built a block of rows at a time.

    While the column has at most WIDE_COLUMN_VALUES distinct values, each block's values are looked up
    in a dict as they come and the codes kept in the smallest integer type that holds them. Past that
    (an identifier, free text), each block's own Arrow dictionary and 32-bit indices are kept instead,
    and made into one sorted list of distinct texts at the end by Arrow (dataset.text_codes), with no
    Python object per value."""

    def __init__(self) -> None:
        self.seen: dict[str, int] | None = {}  # value -> code, in order of appearance (None: wide)
        self.parts: list[np.ndarray] = []  # codes into `seen`; wide: each block's indices into its dict
        self.dicts: list = []  # wide: each block's dictionary (Arrow strings)
        self.rows = 0

    def add(self, arr) -> None:
        """One block: an Arrow dictionary array of strings (no nulls)."""
        import pyarrow as pa

        if isinstance(arr, pa.ChunkedArray):
            for chunk in arr.chunks:
                self.add(chunk)
            return
        self.rows += len(arr)
        dictionary, idx = arr.dictionary, arr.indices
        if idx.null_count:  # (never, as the readers are set up; a null cell would be a blank one)
            idx = idx.fill_null(len(dictionary))
            dictionary = pa.concat_arrays([dictionary, pa.array([""], type=dictionary.type)])
        if self.seen is not None and len(self.seen) + len(dictionary) > WIDE_COLUMN_VALUES:
            self._widen()
        if self.seen is None:
            self.dicts.append(dictionary)
            self.parts.append(idx.to_numpy(zero_copy_only=False).astype(np.int32, copy=False))
            return
        seen = self.seen
        values = dictionary.to_pylist()
        lut = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
        width = np.int8 if len(seen) < (1 << 7) else np.int16 if len(seen) < (1 << 15) else np.int32
        self.parts.append(lut.astype(width)[idx.to_numpy(zero_copy_only=False)])

    def add_values(self, values: list[str]) -> None:
        """One block of Python strings (the careful reader's): looked up in the dict as they are, with no
        copy, while the column is narrow."""
        if self.seen is None or (len(self.seen) + len(values) > WIDE_COLUMN_VALUES
                                 and len(self.seen) + len(set(values) - self.seen.keys()) > WIDE_COLUMN_VALUES):
            import pyarrow as pa
            import pyarrow.compute as pc

            self.add(pc.dictionary_encode(pa.array(values, type=pa.string())))
            return
        seen = self.seen
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64, count=len(values))
        width = np.int8 if len(seen) < (1 << 7) else np.int16 if len(seen) < (1 << 15) else np.int32
        self.parts.append(codes.astype(width))
        self.rows += len(values)

    def _widen(self) -> None:
        import pyarrow as pa

        assert self.seen is not None
        first = pa.array(list(self.seen), type=pa.string())
        codes = np.concatenate(self.parts).astype(np.int32) if self.parts else np.empty(0, dtype=np.int32)
        self.seen, self.parts, self.dicts = None, [codes], [first]

    def series(self, name: str) -> pd.Series:
        if self.seen is not None:
            codes = np.concatenate(self.parts) if self.parts else np.empty(0, dtype=np.int8)
            self.parts = []
            return rebuild(codes, [cell_text(v) for v in self.seen], None, name)
        import pyarrow as pa

        from ..dataset import categorical_of_texts, text_codes

        sizes = [len(d) for d in self.dicts]
        values = pa.concat_arrays([d.cast(pa.large_string()) for d in self.dicts]) if self.dicts \
            else pa.array([], type=pa.large_string())
        self.dicts = []
        lut, texts = text_codes(values)
        del values
        codes = np.empty(self.rows, dtype=np.int32)
        at = start = 0
        for size, part in zip(sizes, self.parts):
            codes[at:at + len(part)] = lut[start:start + size][part]
            at += len(part)
            start += size
        self.parts = []
        return pd.Series(categorical_of_texts(codes, texts), name=name)


def _unclosed_quote(p: Path, line: int) -> LoadError:
    return LoadError(
        f"{p.name}: a quotation mark (\") on line {line} is never closed, so everything after it would "
        "be read as one cell. Open the file in a text editor such as Notepad, remove that quotation mark or "
        "add the one that closes it, and load the file again.")


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_python(p: Path, body: bytes, names: list[str], delim: str, header_row: int, ticker: Ticker,
                guard: _MemoryGuard | None = None):
    """Careful path for odd files: the csv module, short rows padded, rows with surplus cells left out.
    The file is decoded a line at a time and the rows turned into category codes _PY_ROWS at a time, so
    that neither a second copy of the file as text nor a Python string per cell is ever held (it took
    ten times the file's size before: a 500 MB file peaked at 5.4 GB)."""
    n = len(names)
    cols = [_Codes() for _ in names]
    chunk: list[list[str]] = []
    long_rows = 0
    first_long = None
    total = max(1, len(body))
    done = [0]
    last_row: list[str] = []  # the last row read, and the line it starts on (for unclosed quotes)
    last_start = prev_end = 0

    def lines():
        for m in _LINE.finditer(body):
            done[0] = m.end()
            yield m.group().decode("utf-8", errors="replace")

    def flush() -> None:
        for j in range(n):
            cols[j].add_values([r[j] for r in chunk])
        chunk.clear()
        ticker.tick(min(0.9, done[0] / total))
        if guard is not None:
            guard.check()

    try:
        reader = csv.reader(lines(), delimiter=delim, strict=False)
        for i, row in enumerate(reader):
            last_start, last_row, prev_end = prev_end + 1, row, reader.line_num
            if i <= header_row:
                continue
            if len(row) < n:
                row = row + [""] * (n - len(row))
            elif len(row) > n:
                extra = row[n:]
                if any(c.strip() for c in extra):
                    long_rows += 1
                    first_long = first_long or reader.line_num
                    continue
                row = row[:n]
            chunk.append(row)
            if len(chunk) >= _PY_ROWS:
                flush()
        if chunk:
            flush()
    except csv.Error as e:
        if "field larger than field limit" not in str(e):
            raise LoadError(f"{p.name} could not be read as CSV: its rows are not laid out as CSV expects. Open it "
                            "in Excel and save it as CSV again.") from None
        if body.count(b'"') % 2:
            raise _unclosed_quote(p, prev_end + 1) from None
        raise LoadError(f"{p.name}: a cell in the row starting on line {prev_end + 1:,} is longer than "
                        f"{MAX_CELL_CHARS:,} characters, far too long for a table this program can read. Check that it "
                        "is the right file.") from None
    if body.count(b'"') % 2 and any("\n" in c or "\r" in c for c in last_row):
        raise _unclosed_quote(p, last_start)
    notes = []
    if long_rows:
        notes.append(f"left out {plural(long_rows, 'row')} with more cells than there are column headings "
                     f"(the first at line {first_long}); check the file in a spreadsheet")
    rows = cols[0].rows if cols else 0
    if not rows:
        return pd.DataFrame({nm: pd.Series([], dtype=object) for nm in names}), notes
    return _frame_of(names, cols, rows, ticker.sub(0.9, 1.0)), notes


# ---- workbooks and Parquet -----------------------------------------------------------------------
def _choose_sheet(p: Path, sheets: list[str], peek) -> tuple[str, list[str]]:
    """The sheet asked for, else the one that looks most like a table (most filled cells near the top)."""
    notes: list[str] = []
    if not sheets:
        raise LoadError(f"{p.name} has no worksheets.")
    if len(sheets) == 1:
        return sheets[0], notes
    best, best_score = None, 0
    for s in sheets:
        rows = peek(s)
        score = sum(1 for r in rows for v in r if cell_text(v) is not None)
        width = max((sum(1 for v in r if cell_text(v) is not None) for r in rows), default=0)
        if width >= 2 and score > best_score:
            best, best_score = s, score
    if best is None:
        best = sheets[0]
    others = [s for s in sheets if s != best]
    notes.append(f"read the sheet '{best}' (the workbook also has {quote_list(others, 5)}; "
                 "choose another sheet if that is not the one you wanted)")
    return best, notes


def _pick_named_sheet(p: Path, sheets: list[str], sheet: str) -> str:
    if sheet in sheets:
        return sheet
    low = {s.strip().casefold(): s for s in sheets}
    if sheet.strip().casefold() in low:
        return low[sheet.strip().casefold()]
    if sheet.strip().isdecimal() and len(sheet.strip()) < 6 and 1 <= int(sheet) <= len(sheets):
        return sheets[int(sheet) - 1]
    raise LoadError(f"{p.name} has no sheet called '{sheet}'. Its sheets are: {quote_list(sheets, 20)}.")


def _frame_from_rows(p: Path, rows: list[tuple], ticker: Ticker) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    hi = _header_index([list(r) for r in rows[:_SCAN_ROWS]])
    if hi < 0:
        raise LoadError(f"{p.name}: the sheet is empty: it has no column headings and no data.")
    header = list(rows[hi])
    body = rows[hi + 1:]
    # every column counts, with a heading or not, up to the last cell that holds something
    width = max([_used_len(header)] + [_used_len(r) for r in body[:1000]])
    _check_width(p, width)
    header = header[:width] + [None] * (width - len(header))
    names, orig, notes = _unique_names(header)
    if hi > 0:
        notes.append(f"skipped {plural(hi, 'row')} above the column headings (a title)")
    cols: dict[str, pd.Series] = {}
    for j, name in enumerate(names):
        ticker.check()
        vals = [r[j] if j < len(r) else None for r in body]
        cols[name] = _typed_column(vals, name)
    frame = pd.DataFrame(cols) if cols else pd.DataFrame()
    return frame, orig, notes


def _used_len(row) -> int:
    """The length of a row without the empty cells at its end."""
    n = len(row)
    while n and cell_text(row[n - 1]) is None:
        n -= 1
    return n


def _typed_column(vals: list, name: str) -> pd.Series:
    """A workbook column: numbers stay numbers, dates stay dates, anything else becomes text."""
    kinds = set()
    for v in vals:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, bool):
            kinds.add("text")
        elif isinstance(v, int | float):
            kinds.add("num")
        elif isinstance(v, pd.Timestamp) or hasattr(v, "year") and hasattr(v, "month") and hasattr(v, "day"):
            kinds.add("date")
        else:
            kinds.add("text")
        if len(kinds) > 1:
            break
    if kinds == {"num"}:
        arr = np.array([np.nan if (v is None or isinstance(v, str)) else float(v) for v in vals], dtype=float)
        return pd.Series(arr, name=name)
    if kinds == {"date"}:
        conv = pd.to_datetime(pd.Series([None if isinstance(v, str) else v for v in vals], dtype=object),
                              errors="coerce")
        return pd.Series(conv.to_numpy(dtype="datetime64[ns]"), name=name)
    return as_text(pd.Series(vals, dtype=object, name=name))


def _read_xlsx(p: Path, data: bytes, sheet: str | None, ticker: Ticker):
    with warnings.catch_warnings():  # openpyxl warns about styles and extensions: nothing for the user
        warnings.simplefilter("ignore")
        return _read_xlsx_quietly(p, data, sheet, ticker)


def _read_xlsx_quietly(p: Path, data: bytes, sheet: str | None, ticker: Ticker):
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise LoadError("Excel files cannot be read: the openpyxl package is missing. Reinstall the program.") \
            from None
    guard = _MemoryGuard(p, len(data))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds of error for a damaged file
        raise LoadError(
            f"{p.name} looks like an Excel workbook but could not be opened; it may be "
            "damaged. Open it in Excel and save it again, or save the sheet as CSV.") from None
    try:
        names = list(wb.sheetnames)

        def sheet_of(s: str):
            """The sheet, its declared size ignored: openpyxl pads every row to the declared width and
            fills in every declared row, so a 2 KB file declaring A1:XFD1048576 was 17 billion cells."""
            ws = wb[s]
            declared = ws.max_row if hasattr(ws, "reset_dimensions") else None
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            return ws, declared

        def peek(s: str) -> list[tuple]:
            ws, _ = sheet_of(s)
            return [tuple(r) for r in ws.iter_rows(max_row=_SCAN_ROWS, values_only=True)]

        if sheet:
            chosen, notes = _pick_named_sheet(p, names, sheet), []
        else:
            chosen, notes = _choose_sheet(p, names, peek)
        ws, declared = sheet_of(chosen)
        rows: list[tuple] = []
        total = declared if isinstance(declared, int) and 0 < declared <= 1_048_576 else 0  # (progress only)
        for i, r in enumerate(ws.iter_rows(values_only=True)):
            rows.append(tuple(r))
            if i % 5000 == 0:
                ticker.tick(min(0.8, i / total) if total else 0.0)
                guard.check()
    except LoadError:
        raise
    except Exception as e:
        raise LoadError(
            f"{p.name} looks like an Excel workbook but could not be read; it may be "
            "damaged. Open it in Excel and save it again, or save the sheet as CSV.") from None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    while rows and all(cell_text(v) is None for v in rows[-1]):
        rows.pop()
    frame, headers, more = _frame_from_rows(p, rows, ticker.sub(0.8, 1.0))
    return frame, headers, f"Excel workbook, sheet '{chosen}'", notes + more


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class _CountingReader(io.RawIOBase):
    """A file-like view of a ZIP member that counts the bytes inflated: _ZipTooBig past `limit`."""

    def __init__(self, f, limit: int) -> None:
        self.f, self.limit, self.n = f, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.f.read(len(b))
        self.n += len(data)
        if self.n > self.limit:
            raise _ZipTooBig(self.n)
        b[:len(data)] = data
        return len(data)


def _ods_cells(p: Path, data: bytes) -> int:
    """How many cells the spreadsheet's sheets hold once their repeated rows and columns are written out
    as the reader writes them (trailing empty cells and rows not counted), read from content.xml as it
    inflates; LoadError past MAX_SPREADSHEET_CELLS (one cell repeated over a whole sheet is 17 billion)."""
    import xml.etree.ElementTree as ET

    row_tag, table_tag = _ODS_TABLE + "table-row", _ODS_TABLE + "table"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    col_rep, row_rep = _ODS_TABLE + "number-columns-repeated", _ODS_TABLE + "number-rows-repeated"
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("content.xml") as member:
        rows = empty_rows = width = 0
        row_len = empty_cells = 0
        for event, el in ET.iterparse(io.BufferedReader(_CountingReader(member, MAX_ZIP_BYTES)), ("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == row_tag:
                    row_len = empty_cells = 0
                elif tag == table_tag:
                    rows = empty_rows = width = 0
                continue
            if tag in cell_tags:
                rep = _repeat(el.get(col_rep))
                filled = el.get(_ODS_OFFICE + "value-type") is not None or el.get(_ODS_OFFICE + "value") is not None \
                    or (tag == cell_tags[0] and any(t.strip() for t in el.itertext()))
                if filled:
                    row_len += empty_cells + rep
                    empty_cells = 0
                else:
                    empty_cells += rep
                el.clear()
            elif tag == row_tag:
                rep = _repeat(el.get(row_rep))
                if row_len == 0:
                    empty_rows += rep
                else:
                    rows += empty_rows + rep
                    empty_rows = 0
                    width = max(width, row_len)
                    if total + rows * width > MAX_SPREADSHEET_CELLS:
                        raise _too_many_cells(p, total + rows * width)
                el.clear()
            elif tag == table_tag:
                total += rows * width
                el.clear()
    return total


def _repeat(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


def _too_many_cells(p: Path, n: int) -> LoadError:
    return LoadError(
        f"{p.name}: its sheets would hold {n:,} cells once their repeated rows and columns are written out, more "
        f"than the {MAX_SPREADSHEET_CELLS:,} this program can read from a spreadsheet, so it was not read. If it is "
        "a real spreadsheet, save the sheet you need as CSV and load that file.")


_ODS_MIMETYPE_BYTES = 1024  # a spreadsheet's 'mimetype' is its 46-byte type; odfpy reads the part whole


def _read_ods(p: Path, data: bytes, sheet: str | None, ticker: Ticker):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            genuine = z.getinfo("mimetype").file_size <= _ODS_MIMETYPE_BYTES
    except Exception:  # (sniff_kind read it: it is there)
        genuine = False
    if not genuine:
        raise _ods_damaged(p)
    try:
        _ods_cells(p, data)
    except LoadError:
        raise
    except _ZipTooBig as e:
        raise _zip_too_big(p, e.inflated) from None
    except Exception:  # no content.xml, XML that is not well formed...: the reader below says it is damaged
        pass
    ticker.tick(0.1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="odf", dtype=object)
    except ImportError:  # pragma: no cover - a declared dependency
        raise LoadError("OpenDocument files cannot be read: the odfpy package is missing. Reinstall the program.") \
            from None
    except Exception:
        raise _ods_damaged(p) from None
    ticker.tick(0.7)
    names = [str(s) for s in book]
    frames = {str(k): v for k, v in book.items()}

    def peek(s: str) -> list[tuple]:
        return [tuple(r) for r in frames[s].head(_SCAN_ROWS).itertuples(index=False, name=None)]

    if sheet:
        chosen, notes = _pick_named_sheet(p, names, sheet), []
    else:
        chosen, notes = _choose_sheet(p, names, peek)
    rows = [tuple(None if _isna(v) else v for v in r) for r in frames[chosen].itertuples(index=False, name=None)]
    while rows and all(cell_text(v) is None for v in rows[-1]):
        rows.pop()
    frame, headers, more = _frame_from_rows(p, rows, ticker.sub(0.7, 1.0))
    return frame, headers, f"OpenDocument spreadsheet, sheet '{chosen}'", notes + more


def _ods_damaged(p: Path) -> LoadError:
    return LoadError(f"{p.name} looks like an OpenDocument spreadsheet but could not be opened; it may be damaged. "
                     "Open it and save it again, or save the sheet as CSV.")


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _read_parquet(p: Path, data: bytes, ticker: Ticker):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # INT96 timestamps (older Spark and Hive files) read in milliseconds: as nanoseconds, a date after
        # 2262 silently wraps round to one in the past (9999-12-31 became 1816-03-29)
        pf = pq.ParquetFile(pa.BufferReader(data), coerce_int96_timestamp_unit="ms")
        schema, rows = pf.schema_arrow, pf.metadata.num_rows
    except Exception:  # pyarrow raises several kinds of error for a damaged file
        raise _parquet_damaged(p) from None
    # What the file says it holds is checked before any of it is read.
    _check_parquet_rows(p, rows)
    _check_width(p, len(schema))
    nested = [f.name for f in schema if pa.types.is_nested(f.type)]
    if nested:
        raise LoadError(f"{p.name}: {_the_columns(nested)} {'holds' if len(nested) == 1 else 'hold'} a list or a "
                        "group of values in each cell (nested Parquet), which this program cannot read. Save the "
                        "data with one plain value in each cell (for example as CSV) and load that file.")
    try:
        # Text columns come as dictionaries, and so as categoricals: never one Python string per row.
        text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        table = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text, coerce_int96_timestamp_unit="ms").read()
        table.validate(full=True)  # damaged text (invalid UTF-8) shows here, not later as a crash
    except Exception:
        raise _parquet_damaged(p) from None
    _check_dates(p, table)
    ticker.tick(0.6)
    try:
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        del table
        pa.default_memory_pool().release_unused()  # Arrow's allocator would keep the table's memory
    except Exception:
        raise _parquet_damaged(p) from None
    names, orig, notes = _unique_names(list(frame.columns))
    frame = frame.set_axis(names, axis=1)
    cols: dict[str, pd.Series] = {}
    for name in names:
        s = frame[name].reset_index(drop=True)
        if isinstance(s.dtype, pd.CategoricalDtype) and len(s.cat.categories) > WIDE_COLUMN_VALUES:
            s = _wide_text(s)  # an identifier or free text: by Arrow, no Python string per value
        elif pd.api.types.is_bool_dtype(s.dtype) or not (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype)
        ):
            s = as_text(s)
        cols[name] = s
    return pd.DataFrame(cols, copy=False), orig, "Parquet file", notes


def _wide_text(s: pd.Series) -> pd.Series:
    """A categorical of many distinct strings as clean text (stripped, blanks missing), the way _Codes
    does it: sorted and merged by Arrow."""
    import pyarrow as pa

    from ..dataset import categorical_of_texts, text_codes

    try:
        values = pa.array(s.cat.categories, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return as_text(s)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return as_text(s)
    lut, texts = text_codes(values)
    codes = np.append(lut, -1).astype(np.int32)[s.array.codes]
    return pd.Series(categorical_of_texts(codes, texts), index=s.index, name=s.name)


def _the_columns(names: list[str]) -> str:
    return f"the column {quote_list(names)}" if len(names) == 1 else f"the columns {quote_list(names, 4)}"


# Dates pandas can hold (nanoseconds from 1970 in 64 bits): about 1677-09-22 to 2262-04-11.
_NS_MIN, _NS_MAX = -(2**63) + 1, 2**63 - 1
_NS_PER = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _check_dates(p: Path, table) -> None:
    """LoadError for a date or time column holding a value pandas cannot hold (such as 9999-12-31, often
    written for 'no end date'): converted, it would fail or wrap round to another date."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_timestamp(t):
            unit = t.unit
        elif pa.types.is_date32(t):
            unit = "D"
        elif pa.types.is_date64(t):
            unit = "ms"
        else:
            continue
        if col.null_count == len(col):
            continue
        ints = col.cast(pa.int32() if unit == "D" else pa.int64())
        lo, hi = (v.as_py() for v in pc.min_max(ints).values())
        per = 86_400 * 10**9 if unit == "D" else _NS_PER[unit]
        bad = [v for v in (lo, hi) if v is not None and not _NS_MIN <= v * per <= _NS_MAX]
        if bad:
            shown = str(np.datetime64(int(bad[0]), unit))[:10]
            raise LoadError(
                f"{p.name}: {_the_columns([name])} holds dates this program cannot work with (outside the years "
                f"1678 to 2261, such as {shown}). Clear or correct those dates (9999-12-31 is often written for "
                "'no date') and save the file again, or save that column as text.")


# ---- tidy: empty rows and columns ----------------------------------------------------------------
def _tidy(p: Path, frame: pd.DataFrame, headers: dict[str, str]):
    notes: list[str] = []
    if len(frame.columns) == 0:
        raise LoadError(f"{p.name} has no columns that can be used.")
    empty = np.ones(len(frame), dtype=bool)
    empty_cols = []
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            miss = s.cat.codes.to_numpy() < 0
        else:
            miss = s.isna().to_numpy()
        empty &= miss
        if miss.all() and not headers.get(name):
            empty_cols.append(name)
    if empty_cols:
        frame = frame.drop(columns=empty_cols)
        headers = {k: v for k, v in headers.items() if k not in empty_cols}
    if len(frame.columns) == 0:
        raise LoadError(f"{p.name} has no columns that can be used: every column is empty and has no heading.")
    n_empty = int(empty.sum())
    if n_empty == len(frame):
        shown = quote_list(list(headers.values()) or list(frame.columns), 4)
        raise LoadError(f"{p.name} has column headings ({shown}) but no rows of data.")
    if n_empty:
        frame = frame.loc[~empty].reset_index(drop=True)
        notes.append(f"left out {plural(n_empty, 'empty row')}")
    return frame, headers, notes


def _os_reason(e: OSError) -> str:
    import errno

    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: you may not have access to it, or another program has it open"
    if e.errno == errno.ENOENT:
        return "it does not exist"
    return e.strerror or type(e).__name__
