"""Writing what the user sees to CSV or XLSX: safe cells, atomic files, a provenance record.

* **Safe cells.** Spreadsheet programs run text that starts with ``= + - @``, a tab or a carriage return
  as a formula (CSV injection). Every piece of text written (cells, headers, table labels) goes through
  `neutralise`, which puts a ``'`` in front of such text. Numbers in numeric columns are written as
  numbers. Category labels are neutralised once per label, not once per cell, so a million-row export
  stays fast.
* **CSV** is RFC 4180: fields are quoted only when they contain a comma, a double quote, CR or LF;
  embedded quotes are doubled; lines end with CRLF; UTF-8 with a byte-order mark by default (so Excel
  reads accents correctly). The file holds the header and the rows, nothing else.
* **XLSX** goes through openpyxl's write-only mode: text cells are always text (never formulas or
  error values), counts and ages are numbers, dates are dates. Excel's limit of 1,048,576 rows (header
  included) is checked first. openpyxl is slow (about 5,000-6,000 rows of 11 columns a second here,
  against about 1.5 million for CSV), so big exports should be CSV; `progress` reports as it goes.
* **Atomic.** The file is written to ``.<name>.<random>.part`` in the target folder (mode 0600), flushed
  and fsync'ed, then renamed over the target in one step: the target is either the old file or the
  complete new one, never half a file, even if the program is killed. Leftover ``.part`` files of a
  killed export are removed by `cleanup_stale_temp_files` before the next export to that folder.
* **One pair.** The export and its record are committed together (`_commit_pair`). Both targets are
  checked before anything is written (`check_targets`): never a folder, device, pipe, link, read-only
  file (unless the user confirmed), an input file, the column mapping or the saved view. Both are
  written to temporary files; then, holding a lock on the folder, the record is renamed into place
  first and the export second. If the export's rename fails, the old record is put back from a copy
  kept aside, so any failure leaves the old export and the old record as they were. A kill between the
  two renames leaves the old export beside the new record, never a new export beside an old record,
  and the record names the SHA-256 of the export it describes, so the reader's rule (`record_matches`)
  finds the mismatch: a record describes the file beside it only when its ``output.sha256`` is that
  file's SHA-256. The lock makes two exports to one name at once end with one matching pair.
* **Provenance.** Next to each export, ``<file name>.provenance.json`` (``out.csv`` ->
  ``out.csv.provenance.json``, so exports to ``out.csv`` and ``out.xlsx`` keep separate records)
  says what program wrote it, when, from which data set and source files (with SHA-256), with which
  filters, which columns and how many rows, whether small numbers were suppressed and the SHA-256 of
  the export itself. The record of a protected table (suppressed or rounded) holds no count of the
  data: no rows per source or in all, no load notes (they count rows), so it cannot give away a count
  the table hides.
"""
from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .disclosure import SuppressionResult, _as_rows
from .errors import CancelledError, ExportError
from .schema import Role

if TYPE_CHECKING:
    from .dataset import Dataset

PROGRAM = "youthdrugs-gui"
FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header
XLSX_MAX_TEXT = 32_767  # Excel's longest cell text
STALE_AFTER_SECONDS = 60.0
SYNTHETIC_NOTE = ("These figures come from the synthetic sample data set shipped with the program: they are "
                  "made up for demonstration and describe no real child, force or period.")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_PART_RE = re.compile(r"^\..+\.[0-9a-f]{12}\.part$")
_CHUNK_ROWS = 131_072  # rows per CSV block: bounded memory, progress and cancel between blocks
_EOL = "\r\n"

# progress(rows_done, rows_total) -> False to cancel (anything else continues)
Progress = Callable[[int, int], Any]


# ------------------------------------------------------------------------------------------------
# Safe text
# ------------------------------------------------------------------------------------------------
def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe: ``=1+1`` -> ``'=1+1``.

    Catches the OWASP CSV-injection starts: ``=``, ``+``, ``-``, ``@``, tab and carriage return. The
    apostrophe stays visible in the cell; that is the accepted price of safety (a text label such as
    ``-5`` is written ``'-5``; numbers in numeric columns are never touched)."""
    if text and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _csv_field(text: str) -> str:
    """One CSV field by RFC 4180: quoted only if it holds a comma, a quote, CR or LF."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_NEUTRALISE_RE = "^([=+\\-@\t\r])"


def _neutralise_array(arr: pa.Array) -> pa.Array:
    """`neutralise` on every string of an Arrow array, vectorised."""
    return pc.replace_substring_regex(arr, pattern=_NEUTRALISE_RE, replacement="'\\1", max_replacements=1)


def _csv_quote_array(arr: pa.Array) -> pa.Array:
    """`_csv_field` on every string of an Arrow array, vectorised."""
    needs = pc.match_substring_regex(arr, pattern='[,"\r\n]')
    q, empty = pa.scalar('"', arr.type), pa.scalar("", arr.type)
    quoted = pc.binary_join_element_wise(q, pc.replace_substring(arr, pattern='"', replacement='""'), q, empty)
    return pc.if_else(needs, quoted, arr)


def _xlsx_text(text: str) -> str:
    """Text as an XLSX cell can hold it: neutralised, characters XML cannot carry replaced by U+FFFD."""
    t = _XLSX_ILLEGAL.sub("\ufffd", neutralise(text))
    if len(t) > XLSX_MAX_TEXT:
        raise ExportError(
            f"A value is {len(t):,} characters long; Excel cells hold at most {XLSX_MAX_TEXT:,}. "
            "Export to CSV instead, or leave that column out."
        )
    return t


class _Text(str):
    """Marks text that openpyxl would otherwise mistake for an error value (e.g. '#N/A')."""


def _xlsx_string(text: str) -> str:
    t = _xlsx_text(text)
    return _Text(t) if t in _XLSX_ERROR_CODES or t.startswith("=") else t


# ------------------------------------------------------------------------------------------------
# Columns: one encoder per column, preparing labels once and cells per block of rows
# ------------------------------------------------------------------------------------------------
class _Column:
    header: str

    def csv(self, idx: np.ndarray) -> pa.Array:  # CSV-ready large_strings (neutralised, quoted), no nulls
        raise NotImplementedError

    def xlsx(self, idx: np.ndarray) -> list:  # Python values for openpyxl
        raise NotImplementedError

    def marks_text(self) -> bool:
        """Whether `xlsx` may return `_Text` values (which need an explicit text cell)."""
        return False


class _CategoryColumn(_Column):
    """Integer codes and their labels: each label is neutralised and quoted once."""

    def __init__(self, header: str, codes: np.ndarray, labels: Sequence[object], *, numeric_labels: bool = False):
        self.header = header
        codes = np.asarray(codes)
        texts = ["" if lab is None else str(lab) for lab in labels]
        if (codes < 0).any():  # missing values of a plain pandas categorical
            codes = np.where(codes < 0, len(texts), codes)
            texts.append("")
        self.codes = codes
        self.texts = texts
        self._csv_dict = pa.array([_csv_field(neutralise(t)) for t in texts], pa.large_string())
        self._numeric_labels = numeric_labels
        self._xlsx_dict: np.ndarray | None = None

    def csv(self, idx: np.ndarray) -> pa.Array:
        return self._csv_dict.take(pa.array(self.codes[idx]))

    def marks_text(self) -> bool:
        return any(neutralise(t) in _XLSX_ERROR_CODES for t in self.texts)

    def xlsx(self, idx: np.ndarray) -> list:
        if self._xlsx_dict is None:
            vals: list[object] = []
            for t in self.texts:
                if t == "":
                    vals.append(None)
                elif self._numeric_labels and re.fullmatch(r"\d{1,4}", t):
                    vals.append(int(t))
                else:
                    vals.append(_xlsx_string(t))
            arr = np.empty(len(vals), dtype=object)
            arr[:] = vals
            self._xlsx_dict = arr
        return self._xlsx_dict[self.codes[idx]].tolist()


class _NumberColumn(_Column):
    def __init__(self, header: str, values: np.ndarray):
        self.header = header
        self.values = values

    def csv(self, idx: np.ndarray) -> pa.Array:
        arr = pa.array(self.values[idx], from_pandas=True)
        return pc.fill_null(pc.cast(arr, pa.large_string()), "")

    def xlsx(self, idx: np.ndarray) -> list:
        v = self.values[idx]
        if v.dtype.kind == "f":
            return [None if x != x else x for x in v.tolist()]
        return v.tolist()


class _DateColumn(_Column):
    """ISO 8601: '2020-04-01' when every value is midnight, else '2020-04-01T13:05:00'. Times with a
    time zone are written in UTC with a 'Z'."""

    def __init__(self, header: str, series: pd.Series):
        self.header = header
        s = series
        self.utc = False
        if getattr(s.dt, "tz", None) is not None:
            wall = s.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            if _all_midnight(wall):
                s = s.dt.tz_localize(None)  # dates, in their own time zone
            else:
                s = s.dt.tz_convert("UTC").dt.tz_localize(None)
                self.utc = True
        self.values = s.to_numpy(dtype="datetime64[ns]")
        self.date_only = not self.utc and _all_midnight(self.values)

    def csv(self, idx: np.ndarray) -> pa.Array:
        v = self.values[idx]
        if self.date_only:
            arr = pa.array(v.astype("datetime64[D]"), from_pandas=True)
            return pc.fill_null(pc.cast(arr, pa.large_string()), "")
        text = np.datetime_as_string(v, unit="s")
        if self.utc:
            text = np.char.add(text, "Z")
        text = np.where(np.isnat(v), "", text)
        return pa.array(text, pa.large_string())

    def xlsx(self, idx: np.ndarray) -> list:
        v = self.values[idx]
        out: list[object] = []
        for x in v.astype("datetime64[us]").tolist():
            if x is None:
                out.append(None)
            elif self.date_only:
                out.append(x.date())
            else:
                out.append(x)
        return out


def _all_midnight(values: np.ndarray) -> bool:
    valid = values[~np.isnat(values)]
    return bool(np.all(valid == valid.astype("datetime64[D]")))


class _TextColumn(_Column):
    """Free text of any kind (str, object with numbers mixed in, e.g. a suppressed table's cells):
    numbers stay numbers, text is neutralised."""

    def __init__(self, header: str, values: Iterable[object]):
        self.header = header
        vals = list(values)
        self.values = np.empty(len(vals), dtype=object)
        self.values[:] = vals
        if all(isinstance(v, str) or v is None or (isinstance(v, float) and v != v) for v in vals):
            arr = pa.array([v if isinstance(v, str) else None for v in vals], pa.large_string())
            self._csv = pc.fill_null(_csv_quote_array(_neutralise_array(arr)), "")
        else:
            self._csv = pa.array([_csv_field(_cell_text(v)) for v in vals], pa.large_string())

    def csv(self, idx: np.ndarray) -> pa.Array:
        return self._csv.take(pa.array(idx))

    def marks_text(self) -> bool:
        return True

    def xlsx(self, idx: np.ndarray) -> list:
        return [_xlsx_value(v) for v in self.values[idx].tolist()]


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and v != v


def _cell_text(v: object) -> str:
    """A value of a mixed column as CSV text: numbers as numbers, text neutralised."""
    if _is_missing(v):
        return ""
    if _is_number(v):
        return str(int(v)) if isinstance(v, (int, np.integer)) else repr(float(v))
    if isinstance(v, (_dt.datetime, pd.Timestamp)):
        return v.isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    return neutralise(str(v))


def _xlsx_value(v: object) -> object:
    if _is_missing(v):
        return None
    if _is_number(v):
        return int(v) if isinstance(v, (int, np.integer)) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.tz_convert("UTC").tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime()
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v
    return _xlsx_string(str(v))


def _dataset_columns(ds: "Dataset", cols: list[str]) -> list[_Column]:
    out: list[_Column] = []
    for col in cols:
        s = ds.frame[col]
        header = ds.label(col)
        if isinstance(s.dtype, pd.CategoricalDtype):
            out.append(_CategoryColumn(header, ds.codes(col), ds.categories(col),
                                       numeric_labels=ds.role(col) is Role.AGE))
        else:
            out.append(_series_column(header, s))
    return out


def _series_column(header: str, s: pd.Series) -> _Column:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _CategoryColumn(header, s.cat.codes.to_numpy(), list(s.cat.categories))
    if pd.api.types.is_bool_dtype(s.dtype):
        return _TextColumn(header, [None if _is_missing(v) else str(bool(v)) for v in s.tolist()])
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _DateColumn(header, s)
    if pd.api.types.is_numeric_dtype(s.dtype):
        if s.hasnans and pd.api.types.is_integer_dtype(s.dtype):  # nullable Int64 with NA
            return _TextColumn(header, s.astype(object).tolist())
        return _NumberColumn(header, s.to_numpy())
    return _TextColumn(header, s.astype(object).tolist())


# ------------------------------------------------------------------------------------------------
# Results and errors
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int  # data rows written (the header not counted)
    columns: list[str]  # headers as written
    sidecar: Path | None  # the provenance record, if written
    bytes: int
    seconds: float
    sha256: str = ""
    format: str = "csv"


def sidecar_path(path: str | Path) -> Path:
    """Where the provenance record of an export goes: next to it, '<file name>.provenance.json'."""
    p = Path(path)
    return p.with_name(p.name + ".provenance.json")


def _fmt_for(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        f = str(fmt).lower().lstrip(".")
        if f not in FORMATS:
            raise ExportError(f"Cannot export as {fmt!r}: choose CSV or XLSX.")
        return f
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ExportError(
        f"Cannot tell which kind of file to write from the name {path.name!r}: "
        "use a name ending in .csv or .xlsx."
    )


def _check_target(path: Path) -> None:
    """Refuse, with a message a caseworker can act on, a target that cannot be written."""
    folder = path.parent
    if path.name in ("", ".", ".."):
        raise ExportError(f"{path} is not a file name: type a name such as export.csv.")
    if "\x00" in str(path):  # would raise ValueError, not OSError, when the file is opened
        raise ExportError(f"{str(path)!r} is not a file name: type a name such as export.csv.")
    try:
        if path.is_dir():
            raise ExportError(f"{path} is a folder, not a file: type a file name such as export.csv.")
        if not folder.exists():
            raise ExportError(f"The folder {folder} does not exist: choose another folder.")
        if not folder.is_dir():
            raise ExportError(f"{folder} is not a folder: choose another folder.")
    except OSError as exc:  # a name too long, a folder that cannot be looked into ...
        raise _explain(exc, path) from None
    if os.name == "posix" and not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"You do not have permission to save files in the folder {folder}: choose another folder.")


def check_targets(path: str | Path, *, inputs: Iterable[str | Path] = (), mapping: str | Path | None = None,
                  view: str | Path | None = None, replace_read_only: bool = False, sidecar: bool = True) -> None:
    """Refuse, before anything is read or written, an export to `path` that would replace what the user
    did not mean to replace: at the export's name or at its record's (`sidecar_path`), a folder, device,
    pipe, socket or link, a read-only file (unless `replace_read_only`: the user confirmed), an input
    file, the column mapping or the saved view. ExportError with a one-line message."""
    target = Path(path)
    _check_target(target)
    names = [(target, None)] + ([(sidecar_path(target), target)] if sidecar else [])
    for p, record_of in names:
        _check_replaceable(p, record_of, replace_read_only)
    kept = [(q, "one of the files the data was read from") for q in inputs]
    kept += [(q, what) for q, what in ((mapping, "the column mapping file"), (view, "the saved view file")) if q]
    for p, record_of in names:
        for q, what in kept:
            if _same_file(p, q):
                raise ExportError(f"{_target_words(p, record_of)} is {what}; saving over it would destroy the "
                                  "original. Choose another name.")


def read_only_targets(path: str | Path) -> list[Path]:
    """The files an export to `path` would replace that are read-only (the export, its record): the
    window asks before replacing them, then passes ``replace_read_only=True``."""
    target = Path(path)
    out = []
    for p in (target, sidecar_path(target)):
        try:
            st = os.lstat(p)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(st.st_mode) and not st.st_mode & 0o222:
            out.append(p)
    return out


def _target_words(p: Path, record_of: Path | None) -> str:
    """How a message names a target: 'out.csv', or 'The provenance record of out.csv (...)'."""
    if record_of is None:
        return p.name
    return f"The provenance record of {record_of.name} would go in {p.name}, which"


def _same_file(p: Path, q: str | Path | None) -> bool:
    try:
        return q is not None and os.path.exists(p) and os.path.samefile(p, q)
    except (OSError, ValueError, TypeError):
        return False


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a link to another file"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def _check_replaceable(p: Path, record_of: Path | None, replace_read_only: bool) -> None:
    """Refuse to replace anything at `p` but an ordinary file, and a read-only one unless confirmed
    (checked on the file's mode bits, so root is refused too, as spreadsheet programs refuse)."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long, a folder that cannot be looked into ...
        raise _explain(exc, p) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((words for test, words in _KINDS if test(st.st_mode)), "not an ordinary file")
        who = _target_words(p, record_of) if record_of is not None else str(p)
        raise ExportError(f"{who} is {kind}, not an ordinary file; it is left as it is. Choose another name.")
    if not replace_read_only and not st.st_mode & 0o222:
        who = f"{_target_words(p, record_of)} is read-only" if record_of else f"{p.name} is read-only"
        raise ExportError(f"{who}; it is left as it is. Choose another name, or make the file writable first.")


def _explain(exc: OSError, path: Path) -> ExportError:
    """An OSError as a message a caseworker can act on."""
    folder = path.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        msg = (f"There is not enough space on the disk to save {path.name} in {folder}: free some space or "
               "choose another drive. Nothing was changed.")
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if os.name == "nt" and path.exists():
            msg = (f"Could not replace {path}: it may be open in another program such as Excel. "
                   "Close it and try again, or choose another name.")
        else:
            msg = f"You do not have permission to save files in the folder {folder}: choose another folder."
    elif code == errno.ENOENT:
        msg = f"The folder {folder} does not exist: choose another folder."
    elif code == errno.EISDIR:
        msg = f"{path} is a folder, not a file: type a file name such as export.csv."
    elif code == errno.ENAMETOOLONG:
        msg = f"The file name {path.name!r} is too long: choose a shorter name."
    else:
        msg = f"Could not save {path}: {exc.strerror or exc}. Nothing was changed."
    return ExportError(msg)


# ------------------------------------------------------------------------------------------------
# Atomic files
# ------------------------------------------------------------------------------------------------
class _HashingWriter:
    """Writes to a file while counting bytes and computing SHA-256."""

    def __init__(self, f: BinaryIO):
        self._f = f
        self.sha = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> int:
        mv = memoryview(data)
        self._f.write(mv)
        self.sha.update(mv)
        self.bytes += mv.nbytes
        return mv.nbytes


@dataclass
class _Staged:
    """A complete temporary file waiting to be renamed onto its target."""

    tmp: Path
    target: Path
    sha256: str = ""
    bytes: int = 0

    def discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")


def _open_private(path: Path) -> int:
    """Create a new file readable and writable by its owner only (0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, 0o600)  # whatever the umask said
        except OSError:
            pass
    return fd


def _stage(target: Path, write: Callable[[_HashingWriter, BinaryIO, Path], None], *,
           rehash: bool = False) -> _Staged:
    """Write a temporary file next to `target` with `write(writer, file, tmp_path)`, flush and fsync it.

    `rehash`: `write` wrote to `file` directly (e.g. openpyxl's zip writer) rather than through
    `writer`, so hash the file afterwards. On any failure the temporary file is removed and the error
    re-raised."""
    tmp = _temp_name(target)
    staged = _Staged(tmp=tmp, target=target)
    fd = _open_private(tmp)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            w = _HashingWriter(f)
            write(w, f, tmp)
            f.flush()
            os.fsync(f.fileno())
        if rehash:
            h = hashlib.sha256()
            n = 0
            with open(tmp, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
                    n += len(block)
            staged.sha256, staged.bytes = h.hexdigest(), n
        else:
            staged.sha256, staged.bytes = w.sha.hexdigest(), w.bytes
        return staged
    except BaseException:
        staged.discard()
        raise


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _commit_pair(main: _Staged, record: _Staged | None, *, replace_read_only: bool) -> None:
    """Put a new export and its record in place as one pair (the protocol is in the module docstring):
    under the folder's lock, check both targets again, keep a copy of the old record aside, rename the
    record, then the export; if that fails, put the old record back. `record` None: no record is written,
    and an old one is removed with the same care (it would describe another file)."""
    side = sidecar_path(main.target)
    with _folder_lock(main.target.parent):
        for p, record_of in ((main.target, None), (side, main.target)):
            _check_replaceable(p, record_of, replace_read_only)
        backup = _keep_aside(side)
        placed = False
        try:
            if record is not None:
                _allow_replacing(side)
                os.replace(record.tmp, side)
                placed = True
            elif backup is not None:
                os.unlink(side)
                placed = True
            _allow_replacing(main.target)
            os.replace(main.tmp, main.target)
        except BaseException:
            if placed and not _put_back(backup, side):
                backup = None  # the copy is all that is left of the old record: never discarded here
            raise
        finally:
            if backup is not None:
                backup.discard()
    _fsync_folder(main.target.parent)


def _keep_aside(side: Path) -> _Staged | None:
    """A staged copy of the old record (same bytes and mode), to put back if the commit fails."""
    try:
        mode = stat.S_IMODE(os.lstat(side).st_mode)
    except FileNotFoundError:
        return None

    def copy(w: _HashingWriter, _f, _tmp) -> None:
        with open(side, "rb") as old:
            for block in iter(lambda: old.read(1 << 20), b""):
                w.write(block)

    kept = _stage(side, copy)
    try:
        os.chmod(kept.tmp, mode)
    except OSError:
        pass
    return kept


def _put_back(backup: _Staged | None, side: Path) -> bool:
    """Undo the record's step of a failed commit: the old record back, or no record if there was none."""
    try:
        if backup is None:
            os.unlink(side)
        else:
            os.replace(backup.tmp, side)
        return True
    except OSError:
        return False


def _allow_replacing(path: Path) -> None:
    """Windows refuses to replace a read-only file (the user confirmed: `_check_replaceable` let it by)."""
    if os.name == "nt":
        try:
            if not os.stat(path).st_mode & stat.S_IWRITE:
                os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
        except OSError:
            pass


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` while a pair is committed, so that two exports to one name (two
    windows, the window and the CLI) never interleave their renames. POSIX: flock on the folder itself
    (nothing is created; the lock goes when the process dies); elsewhere a lock file. Best effort: if no
    lock can be had, the commit goes ahead without one."""
    try:
        import fcntl
    except ImportError:
        with _lock_file(folder):
            yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        fd = -1
    try:
        if fd >= 0:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # releases the lock


@contextmanager
def _lock_file(folder: Path) -> Iterator[None]:
    """Windows: lock '.youthdrugs-export.lock' in the folder with msvcrt (released if the process dies),
    waiting up to 10 s; the file is removed afterwards when no other export holds it."""
    path = folder / ".youthdrugs-export.lock"
    fd, locked = -1, False
    try:
        import msvcrt

        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        for _ in range(100):
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                locked = True
                break
            except OSError:
                time.sleep(0.1)
    except (ImportError, OSError):
        pass
    try:
        yield
    finally:
        if fd >= 0:
            try:
                if locked:
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
                os.close(fd)
                os.unlink(path)
            except OSError:
                pass


def record_matches(path: str | Path) -> bool:
    """The reader's rule: the provenance record beside `path` describes it only if the record's
    ``output.sha256`` is the SHA-256 of `path` (after a kill between the two renames of a commit, the
    record is new and the export old: this says False, and the record must not be trusted for it)."""
    target = Path(path)
    try:
        record = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
        claimed = record["output"]["sha256"]
        h = hashlib.sha256()
        with open(target, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(claimed, str) and claimed == h.hexdigest()


def _commit(*staged: _Staged) -> None:
    """Rename each staged file onto its target (in order), then make the renames durable."""
    replaced = 0
    try:
        for s in staged:
            os.replace(s.tmp, s.target)
            replaced += 1
    except BaseException:
        for s in staged:
            s.discard()
        if replaced:
            # the export itself is in place: a record left from an earlier export would describe the
            # wrong file, so it goes
            for s in staged[replaced:]:
                try:
                    os.unlink(s.target)
                except OSError:
                    pass
        raise
    folders = {s.target.parent for s in staged}
    for folder in folders:
        _fsync_folder(folder)


def cleanup_stale_temp_files(folder: str | Path, *, older_than: float = STALE_AFTER_SECONDS) -> int:
    """Remove temporary files left in `folder` by exports that were killed part-way: names like
    '.<name>.<12 hex digits>.part', regular files, older than `older_than` seconds (so a running
    export's file is left alone) and, on POSIX, owned by this user. Returns how many were removed;
    never raises."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _PART_RE.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            if hasattr(os, "getuid") and st.st_uid != os.getuid():
                continue
            if now - st.st_mtime < older_than:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def _check_not_special(target: Path) -> None:
    """A device, pipe or socket is never replaced by a small file either (a link or a read-only file
    is, as before: settings and views may be links)."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise ExportError(f"{target} is a device or a pipe, not an ordinary file; it is left as it is. "
                          "Choose another name.")


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write a small text file (a saved view, settings) atomically, mode 0600; ExportError if it cannot."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a small file (a chart image, a saved view) atomically, readable by the user only (0600);
    ExportError with a message for the user if it cannot."""
    target = Path(path)
    _check_target(target)
    _check_not_special(target)
    cleanup_stale_temp_files(target.parent)
    try:
        staged = _stage(target, lambda w, _f, _tmp: w.write(data))
        _commit(staged)
    except OSError as exc:
        raise _explain(exc, target) from None


# ------------------------------------------------------------------------------------------------
# Writers
# ------------------------------------------------------------------------------------------------
def _write_csv(w: _HashingWriter, columns: list[_Column], n: int, *, bom: bool,
               progress: Progress | None) -> None:
    header = ",".join(_csv_field(neutralise(c.header)) for c in columns) + _EOL
    w.write((("\ufeff" if bom else "") + header).encode("utf-8"))
    if n == 0 or not columns:
        return
    eol = pa.scalar(_EOL, pa.large_string())
    comma = pa.scalar(",", pa.large_string())
    empty = pa.scalar("", pa.large_string())

    def block(start: int) -> memoryview:
        idx = np.arange(start, min(start + _CHUNK_ROWS, n))
        parts = [c.csv(idx) for c in columns]
        parts[-1] = pc.binary_join_element_wise(parts[-1], eol, empty)
        joined = pc.binary_join_element_wise(*parts, comma) if len(parts) > 1 else parts[0]
        if isinstance(joined, pa.ChunkedArray):
            joined = joined.combine_chunks()
        bufs = joined.buffers()
        width = np.int64 if pa.types.is_large_string(joined.type) else np.int32
        offsets = np.frombuffer(bufs[1], dtype=width)
        a = int(offsets[joined.offset])
        b = int(offsets[joined.offset + len(joined)])
        return memoryview(bufs[2])[a:b]

    starts = list(range(0, n, _CHUNK_ROWS))
    # Build the next blocks on a worker thread while this one is written and hashed: Arrow's
    # kernels, file writes and SHA-256 all release the GIL, so the two cores are both used.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="csv-export") as pool:
        pending: list[Future] = [pool.submit(block, s) for s in starts[:2]]
        nxt = 2
        try:
            done = 0
            while pending:
                data = pending.pop(0).result()
                if nxt < len(starts):
                    pending.append(pool.submit(block, starts[nxt]))
                    nxt += 1
                w.write(data)
                done = min(done + _CHUNK_ROWS, n)
                if progress is not None and progress(done, n) is False:
                    raise CancelledError("Export cancelled: nothing was written.")
        finally:
            for f in pending:
                f.cancel()


def _write_cover(ws, rows: list[tuple[str, str]]) -> None:
    """The cover sheet: a label and a line of text per row, every cell plain text (never a formula)."""
    from openpyxl.cell.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 110
    for label, text in rows:
        cells = []
        for i, value in enumerate((label, text)):
            cell = WriteOnlyCell(ws, value=_xlsx_string(value))
            cell.data_type = "s"
            if i == 0 or label == "SYNTHETIC DATA":
                cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)


def _write_xlsx(f: BinaryIO, tmp: Path, columns: list[_Column], n: int, *, sheet_title: str,
                progress: Progress | None, cover: list[tuple[str, str]] | None = None) -> None:
    """Write the workbook into `f` (the open temporary file `tmp`): a cover sheet, then the data."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    scratch: list[Path | None] = []
    sheets = []
    if cover:
        cover_ws = wb.create_sheet(title="Cover")
        scratch.append(_private_sheet_file(cover_ws, tmp))
        sheets.append(cover_ws)
    ws = wb.create_sheet(title=sheet_title)
    ws.freeze_panes = "A2"  # keep the header in view
    scratch.append(_private_sheet_file(ws, tmp))
    sheets.append(ws)
    try:
        if cover:
            _write_cover(sheets[0], cover)
        def fix(row: list) -> list:
            for i, v in enumerate(row):
                if type(v) is _Text:
                    cell = WriteOnlyCell(ws, value=str(v))
                    cell.data_type = "s"
                    row[i] = cell
            return row

        ws.append(fix([_xlsx_string(c.header) for c in columns]))
        marked = any(c.marks_text() for c in columns)
        done = 0
        for start in range(0, n, 16_384):
            idx = np.arange(start, min(start + 16_384, n))
            cols = [c.xlsx(idx) for c in columns]
            if marked:
                for row in zip(*cols):
                    ws.append(fix(list(row)))
            else:
                for row in zip(*cols):
                    ws.append(row)
            done = idx[-1] + 1 if len(idx) else done
            _touch(tmp)  # a long export's temporary file must not look stale to another export
            if progress is not None and progress(int(done), n) is False:
                raise CancelledError("Export cancelled: nothing was written.")
        wb.save(f)
    finally:
        for sheet in sheets:
            if not getattr(sheet, "closed", True):
                try:
                    sheet.close()  # finish and close openpyxl's scratch file before it is removed
                except Exception:
                    pass
        for path in scratch:
            if path is not None:
                _forget_sheet_file(path)


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _private_sheet_file(ws, tmp: Path) -> Path | None:
    """Make openpyxl keep its sheet scratch file next to the export (mode 0600, a '.part' name that
    `cleanup_stale_temp_files` knows) instead of the system temp folder, so a killed export leaves no
    copy of the data elsewhere. Falls back to openpyxl's default if its internals differ."""
    try:
        from openpyxl.worksheet import _writer as wmod

        if ws._writer is not None:
            return None
        path = _temp_name(tmp.with_name(tmp.name[1:-len(".part")] + ".sheet"))
        os.close(_open_private(path))
        try:
            ws._writer = wmod.WorksheetWriter(ws, out=str(path))
        except Exception:
            os.unlink(path)
            raise
        wmod.ALL_TEMP_FILES.append(str(path))
        return path
    except Exception:
        return None


def _forget_sheet_file(path: Path) -> None:
    try:
        from openpyxl.worksheet import _writer as wmod

        if str(path) in wmod.ALL_TEMP_FILES:
            wmod.ALL_TEMP_FILES.remove(str(path))
    except Exception:
        pass
    try:
        os.unlink(path)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------
# Provenance
# ------------------------------------------------------------------------------------------------
def program_version() -> str:
    try:
        from importlib.metadata import version

        return version("youthdrugs-gui")
    except Exception:
        return "unknown"


def _json_default(o: object) -> object:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=str)
    if isinstance(o, (_dt.datetime, _dt.date)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    return str(o)


WITHHELD = ("Row counts and load notes are not given in the record of a protected table: they count rows of the "
            "data and could give away counts the table hides. The command 'youthdrugs-gui info' shows them.")


def _dataset_provenance(ds: "Dataset | None", *, protected: bool = False) -> dict:
    """The data set's part of the record. `protected` (the table is suppressed or rounded): no count of
    the data at all, only what identifies the sources (path, SHA-256, format, mapping)."""
    if ds is None:
        return {"name": None, "synthetic": None, "sources": []}
    out: dict[str, object] = {
        "name": ds.name,
        "synthetic": bool(ds.synthetic),
    }
    if ds.synthetic:
        out["synthetic_note"] = SYNTHETIC_NOTE
    if protected:
        out["sources"] = [{"path": str(s.path), "sha256": s.sha256, "format": s.format, "mapping": dict(s.mapping)}
                          for s in ds.sources]
        out["withheld"] = WITHHELD
        return out
    out["rows"] = int(ds.n_rows)
    out["sources"] = [
        {"path": str(s.path), "sha256": s.sha256, "format": s.format, "rows": int(s.rows),
         "mapping": dict(s.mapping), "notes": list(s.notes)}
        for s in ds.sources
    ]
    if ds.notes:
        out["notes"] = list(ds.notes)
    return out


def _provenance(*, kind: str, ds: "Dataset | None", target: Path, fmt: str, bom: bool, rows: int,
                headers: list[str], column_names: list[str], suppression: str, staged: _Staged,
                caller: dict | None, seconds: float) -> dict:
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    rule = suppression if suppression != "none" else (caller or {}).get("suppression") or "none"
    facts: dict[str, object] = {
        "program": PROGRAM,
        "version": program_version(),
        "created_utc": now.isoformat().replace("+00:00", "Z"),
        "export_kind": kind,
        "output": {
            "file": target.name,
            "format": fmt,
            "utf8_bom": bool(bom) if fmt == "csv" else None,
            "bytes": staged.bytes,
            "sha256": staged.sha256,
        },
        "dataset": _dataset_provenance(ds, protected=str(rule).strip().lower() not in ("", "none")),
        "rows_written": int(rows),
        "columns_written": list(headers),
        "column_names": list(column_names),
        "suppression": suppression,
        "seconds": round(seconds, 3),
    }
    merged: dict[str, object] = {}
    for key, value in (caller or {}).items():
        merged[str(key)] = value
    # facts about what was written win over anything the caller passed, except a suppression rule the
    # caller applied itself to a plain table
    for key, value in facts.items():
        if key == "suppression" and value == "none" and merged.get("suppression"):
            continue
        merged[key] = value
    merged.setdefault("filter_state", None)
    return merged


# ------------------------------------------------------------------------------------------------
# Public entry points
# ------------------------------------------------------------------------------------------------
def export_rows(
    ds: "Dataset",
    rows: np.ndarray,
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    fmt: str | None = None,
    bom: bool = True,
    provenance: dict | None = None,
    progress: Progress | None = None,
    sidecar: bool = True,
    replace_read_only: bool = False,
) -> ExportResult:
    """Write the rows `rows` of `ds` (indices, in the order given: the view's order) to `path`.

    `columns`: columns to write, in order (canonical names, labels or original headers); default all
    of ``ds.columns``. Headers are the labels the user sees. `fmt`: "csv" or "xlsx"; default from the
    file's suffix. `bom`: start a CSV with a UTF-8 byte-order mark. `provenance`: JSON-able facts from
    the caller (e.g. ``{"filter_state": state.to_dict()}``) merged into the provenance record.
    `progress(rows_done, rows_total)` is called between blocks; returning False cancels
    (CancelledError; nothing is written). `replace_read_only`: the user confirmed replacing a read-only
    file (else refused). Raises ExportError with a message for the user."""
    t0 = time.perf_counter()
    target = Path(path)
    f = _fmt_for(target, fmt)
    # the record's name is checked even without a record: an old record there is removed
    check_targets(target, inputs=[s.path for s in ds.sources], replace_read_only=replace_read_only)
    idx = _as_rows(rows, ds.n_rows)
    if columns is None:
        cols = list(ds.columns)
    else:
        cols = []
        for name in columns:
            col = ds.resolve_column(name)
            if col not in cols:
                cols.append(col)
    if not cols:
        raise ExportError("Choose at least one column to export.")
    if f == "xlsx" and len(idx) > XLSX_MAX_ROWS:
        raise ExportError(
            f"{len(idx):,} rows are more than Excel can hold ({XLSX_MAX_ROWS:,} rows under the header): "
            "export to CSV instead, or filter the rows down first."
        )
    encoders = [_RowsView(c, idx) for c in _dataset_columns(ds, cols)]
    headers = [c.header for c in encoders]
    return _export(kind="rows", ds=ds, target=target, fmt=f, bom=bom, columns=encoders, n=len(idx),
                   headers=headers, column_names=cols, suppression="none", provenance=provenance,
                   progress=progress, sidecar=sidecar, t0=t0, sheet_title="Rows",
                   replace_read_only=replace_read_only)


def export_table(
    table: pd.DataFrame | SuppressionResult,
    path: str | Path,
    *,
    dataset: "Dataset | None" = None,
    fmt: str | None = None,
    bom: bool = True,
    provenance: dict | None = None,
    progress: Progress | None = None,
    sidecar: bool = True,
    replace_read_only: bool = False,
) -> ExportResult:
    """Write an aggregated table (the chart's table: from `disclosure.aggregate`, or a
    `SuppressionResult`, whose rule then goes into the provenance record) to `path`.

    Headers are the frame's column names, shown as `dataset`'s labels where they name its columns.
    Numeric cells are written as numbers, text (including "[c]") as text, neutralised. Pass `dataset`
    so the provenance record names the data set and its source files; a caller that suppressed the
    table itself can put its rule under ``provenance["suppression"]``; the record of a protected table
    holds no count of the data (see the module docstring)."""
    t0 = time.perf_counter()
    target = Path(path)
    f = _fmt_for(target, fmt)
    sources = [s.path for s in dataset.sources] if dataset is not None else []
    check_targets(target, inputs=sources, replace_read_only=replace_read_only)
    suppression = "none"
    if isinstance(table, SuppressionResult):
        suppression = table.rule
        frame = table.table
    else:
        frame = table
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("export_table needs a pandas DataFrame or a SuppressionResult")
    if f == "xlsx" and len(frame) > XLSX_MAX_ROWS:
        raise ExportError(
            f"{len(frame):,} rows are more than Excel can hold ({XLSX_MAX_ROWS:,} rows under the header): "
            "export to CSV instead."
        )
    if len(frame.columns) == 0:
        raise ExportError("The table has no columns to export.")
    names = [str(c) for c in frame.columns]
    encoders: list[_Column] = []
    for pos, name in enumerate(frame.columns):
        header = str(name)
        if dataset is not None and isinstance(name, str) and dataset.has(name):
            header = dataset.label(name)
        encoders.append(_series_column(header, frame.iloc[:, pos].reset_index(drop=True)))
    headers = [c.header for c in encoders]
    return _export(kind="table", ds=dataset, target=target, fmt=f, bom=bom, columns=encoders, n=len(frame),
                   headers=headers, column_names=names, suppression=suppression, provenance=provenance,
                   progress=progress, sidecar=sidecar, t0=t0, sheet_title="Table",
                   replace_read_only=replace_read_only)


class _RowsView(_Column):
    """A column seen through the export's row order: block i..j of the export is rows idx[i:j]."""

    def __init__(self, inner: _Column, idx: np.ndarray):
        self.inner = inner
        self.idx = idx
        self.header = inner.header

    def csv(self, block: np.ndarray) -> pa.Array:
        return self.inner.csv(self.idx[block])

    def xlsx(self, block: np.ndarray) -> list:
        return self.inner.xlsx(self.idx[block])

    def marks_text(self) -> bool:
        return self.inner.marks_text()


def _export(*, kind: str, ds: "Dataset | None", target: Path, fmt: str, bom: bool, columns: list[_Column],
            n: int, headers: list[str], column_names: list[str], suppression: str,
            provenance: dict | None, progress: Progress | None, sidecar: bool, t0: float,
            sheet_title: str, replace_read_only: bool = False) -> ExportResult:
    cleanup_stale_temp_files(target.parent)
    staged: list[_Staged] = []
    with _discarding(staged, target):
        if fmt == "csv":
            main = _stage(target, lambda w, _f, _tmp: _write_csv(w, columns, n, bom=bom, progress=progress))
        else:
            from .cover import cover_rows

            filters = str((provenance or {}).get("filters_in_words") or "No filters")
            cover = cover_rows(ds, kind=kind, filters=filters, suppression=suppression, version=program_version())
            main = _stage(target, lambda _w, f, tmp: _write_xlsx(f, tmp, columns, n, sheet_title=sheet_title,
                                                                progress=progress, cover=cover), rehash=True)
        staged.append(main)
        side = sidecar_path(target) if sidecar else None
        record = None
        if side is not None:
            record = _provenance(kind=kind, ds=ds, target=target, fmt=fmt, bom=bom, rows=n, headers=headers,
                                 column_names=column_names, suppression=suppression, staged=main,
                                 caller=provenance, seconds=time.perf_counter() - t0)
        _commit_with_record(main, record, staged, replace_read_only)
    return ExportResult(path=target, rows=n, columns=headers, sidecar=side, bytes=main.bytes,
                        seconds=time.perf_counter() - t0, sha256=main.sha256, format=fmt)


@contextmanager
def _discarding(staged: list[_Staged], target: Path) -> Iterator[None]:
    """Remove every temporary file staged inside the block if it fails (an OSError becomes the
    user's ExportError)."""
    try:
        yield
    except BaseException as exc:
        for s in staged:
            s.discard()
        if isinstance(exc, OSError):
            raise _explain(exc, target) from None
        raise


def _commit_with_record(main: _Staged, record: dict | None, staged: list[_Staged], replace_read_only: bool) -> None:
    """Stage the provenance record (if any) beside the staged file and commit the two as one pair."""
    side = None
    if record is not None:
        data = (json.dumps(record, indent=2, ensure_ascii=False, default=_json_default) + "\n").encode("utf-8")
        side = _stage(sidecar_path(main.target), lambda w, _f, _tmp: w.write(data))
        staged.append(side)
    _commit_pair(main, side, replace_read_only=replace_read_only)


def write_report(path: str | Path, data: bytes, *, dataset: "Dataset | None" = None,
                 provenance: dict | None = None, replace_read_only: bool = False) -> ExportResult:
    """Write a finished report (PDF or HTML bytes) like every export: checked targets, a temporary file
    renamed into place with its provenance record as one pair, readable by the user only."""
    t0 = time.perf_counter()
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".") or "report"
    check_targets(target, inputs=[s.path for s in dataset.sources] if dataset is not None else (),
                  replace_read_only=replace_read_only)
    cleanup_stale_temp_files(target.parent)
    staged: list[_Staged] = []
    with _discarding(staged, target):
        main = _stage(target, lambda w, _f, _tmp: w.write(data))
        staged.append(main)
        record = _provenance(kind="report", ds=dataset, target=target, fmt=fmt, bom=False, rows=0, headers=[],
                             column_names=[], suppression=str((provenance or {}).get("suppression", "none")),
                             staged=main, caller=provenance, seconds=time.perf_counter() - t0)
        _commit_with_record(main, record, staged, replace_read_only)
    return ExportResult(path=target, rows=0, columns=[], sidecar=sidecar_path(target), bytes=main.bytes,
                        seconds=time.perf_counter() - t0, sha256=main.sha256, format=fmt)
