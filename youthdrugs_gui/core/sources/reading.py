"""Reading a file into a plain table, whatever it is: CSV (any usual encoding and delimiter), Excel
(.xlsx), OpenDocument (.ods) or Parquet. What a file *is* comes from its first bytes, not its name, so a
workbook renamed .csv is still read as a workbook; files that are not tables get a message saying what
they are and what to do.

The entry points: check_path, then stream_table for a large plain CSV (parsed from disk), else
read_bytes and table_from_bytes."""
from __future__ import annotations

import errno
import hashlib
from pathlib import Path

from ..errors import LoadError
from . import limits
from ._common import Ticker
from .csv_reader import read_csv
from .csv_segments import LineSegments
from .memory import check_memory
from .parquet_reader import is_marked_synthetic, read_parquet
from .sniff import plain_text_head, sniff_kind
from .tables import ParsedTable, RawTable, tidy
from .text import SAMPLE_BYTES
from .workbooks import read_ods, read_xlsx

_SYNTHETIC_NOTE = ("the file is marked as synthetic data: made up for trying the program, it describes no real "
                   "child; everything made from it says so")


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
        raise _read_error(path, e) from None


def _read_error(path: Path, e: OSError) -> LoadError:
    """What to tell the user when reading a file fails part way."""
    if e.errno == errno.ENOENT:
        return LoadError(f"{path} was moved or deleted before it could be read. Check the folder and open it "
                         "again.")
    return LoadError(f"{path}: cannot be read ({_os_reason(e)}).")


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



def stream_table(p: Path, ticker: Ticker) -> RawTable | None:
    """A large, plain UTF-8 CSV parsed straight from the file, so that its bytes are never held in
    memory: each byte is read once, hashed and parsed as it comes. None when the file is small or not
    plainly UTF-8 text (a NUL byte, another encoding, rows the fast parser cannot take): the caller then
    reads it whole, the careful way."""
    try:
        size = p.stat().st_size
    except OSError:
        return None  # the caller's read says what is wrong
    if size < limits.STREAM_BYTES:
        return None
    raw = _stream_table(p, size, ticker)
    if raw is None:
        # It must be read whole after all, which can need more memory than the first check allowed.
        check_memory([p], [size], careful=True)
    return raw


def _stream_table(p: Path, size: int, ticker: Ticker) -> RawTable | None:
    try:
        with open(p, "rb") as f:
            head = f.read(limits.MAX_HEADER_BYTES)  # the most a whole read looks at for its sample
    except OSError:
        return None
    head = plain_text_head(head)
    if head is None:
        return None
    segments = LineSegments.of_file(p)
    try:
        parsed = read_csv(p, head, ticker, stream=segments, total=size)
    except OSError as e:
        raise _read_error(p, e) from None
    if parsed is None:
        return None
    return _raw_table(p, "csv", parsed, segments.sha256, _text_name_notes(p), ticker)


def _text_name_notes(p: Path) -> list[str]:
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".ods", ".parquet"):
        return [f"the file is named '{ext}' but holds plain text (CSV); it was read as CSV"]
    return []


def table_from_bytes(p: Path, data: bytes, sha: str, *, sheet: str | None = None,
                     ticker: Ticker | None = None) -> RawTable:
    """The file's bytes (read by read_bytes, whose SHA-256 is `sha`) as a RawTable; LoadError for
    anything that is not a readable table. `sheet`: the worksheet to read from a workbook."""
    ticker = ticker or Ticker()
    if not data[:SAMPLE_BYTES].strip() and not data.strip():  # (strip copies: only when it may be blank)
        raise LoadError(f"{p.name} is empty: it holds no data. Check that you chose the right file.")
    kind = sniff_kind(p, data)
    ext = p.suffix.lower()
    notes: list[str] = []
    if kind == "xlsx":
        if ext not in (".xlsx", ".xlsm"):
            notes.append(f"the file is named '{ext or 'without an extension'}' but is an Excel workbook; "
                         "it was read as one")
        parsed = read_xlsx(p, data, sheet, ticker)
    elif kind == "ods":
        if ext != ".ods":
            notes.append(f"the file is named '{ext or 'without an extension'}' but is an OpenDocument "
                         "spreadsheet; it was read as one")
        parsed = read_ods(p, data, sheet, ticker)
    elif kind == "parquet":
        parsed = read_parquet(p, data, ticker)
    else:
        notes += _text_name_notes(p)
        parsed = read_csv(p, data, ticker)
    raw = _raw_table(p, "csv" if kind == "text" else kind, parsed, sha, notes, ticker)
    if kind == "parquet" and is_marked_synthetic(data):
        raw.synthetic = True
        raw.notes.append(_SYNTHETIC_NOTE)
    return raw


def _raw_table(p: Path, kind: str, parsed: ParsedTable, sha: str, notes: list[str], ticker: Ticker) -> RawTable:
    """A reader's table with its empty rows and columns left out, checked for width."""
    frame, headers, more = tidy(p, parsed.frame, parsed.headers)
    limits.check_width(p, len(frame.columns))
    ticker.tick(1.0)
    return RawTable(path=p, kind=kind, frame=frame, headers=headers, sha256=sha, detail=parsed.detail,
                    notes=[*notes, *parsed.notes, *more])


def _os_reason(e: OSError) -> str:
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: you may not have access to it, or another program has it open"
    if e.errno == errno.ENOENT:
        return "it does not exist"
    return e.strerror or type(e).__name__
