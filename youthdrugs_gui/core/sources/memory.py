"""Whether a file fits in the memory that is free: an estimate before a byte of data is read (from
its size, its first bytes, and what a workbook's directory or a Parquet file's metadata declare), a
guard that stops reading when memory runs low all the same, and, while a large file loads, an allocator
that gives freed memory straight back."""
from __future__ import annotations

import csv
import os
import sys
import zipfile
from pathlib import Path

from ..errors import LoadError
from . import limits
from .limits import human_size
from .sniff import plain_text_head, sniff_delimiter
from .text import SAMPLE_BYTES

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
    if size >= limits.STREAM_BYTES:
        return True
    if size >= limits.STREAM_BYTES // 16:
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
            head = f.read(SAMPLE_BYTES)
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
        whole = text if len(head) < SAMPLE_BYTES else text[:-4]  # (the sample may end inside a character)
        kind = "recoded" if "\ufffd" in whole else "text"
        if careful:
            kind = "careful"
        elif kind == "text" and size >= limits.STREAM_BYTES and plain_text_head(head) is not None:
            kind = "streamed"  # parsed from disk (stream_table)
    need = _FIXED_NEED + size * _MEMORY_FACTOR[kind] + _distinct_cost(text, len(head), size)
    if kind == "careful":
        need += _CELL_FACTOR * min(size, limits.MAX_CELL_CHARS)
    return int(need)


def _distinct_cost(text: str, head_bytes: int, size: int) -> float:
    """The memory that columns whose values are nearly all different (an identifier, free text) add,
    judged from the first lines of a text file: _DISTINCT_VALUE_COST bytes for each of their values."""
    lines = text.splitlines()[:-1] if head_bytes < size else text.splitlines()
    if len(lines) < 3:
        return 0.0
    try:
        rows = list(csv.reader(lines[:1000], delimiter=sniff_delimiter(lines[:200])))
    except csv.Error:
        return 0.0
    body = rows[1:]
    est_rows = size * len(lines) / max(1, head_bytes)
    share = 0.0
    for j in range(min(limits.MAX_COLUMNS, max((len(r) for r in body), default=0))):
        vals = [r[j] for r in body if j < len(r) and r[j].strip()]
        if len(vals) >= 2 and len(set(vals)) > 0.5 * len(vals):
            share += len(set(vals)) / len(body)
    return share * est_rows * _DISTINCT_VALUE_COST


def _zip_need(path: Path, size: int) -> int:
    """Memory to read a workbook: the file, plus its XML parts as inflated (from the sizes the ZIP
    directory declares; LoadError for a ZIP bomb), times what the reader makes of each byte."""
    try:
        with open(path, "rb") as f:
            limits.check_zip_entries(path, f)
            with zipfile.ZipFile(f) as z:
                infos = z.infolist()
    except LoadError:
        raise
    except Exception:  # not a readable ZIP: reading it says so (and the file itself is all it holds)
        return int(size * _MEMORY_FACTOR["zip"])
    limits.check_zip_sizes(path, infos)
    ods = any(i.filename == "content.xml" for i in infos) and not any(
        i.filename.lower().startswith("xl/") for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith(".xml"))
    other = sum(i.file_size for i in infos if not i.filename.lower().endswith(".xml"))  # pictures: read as they are
    return int(size + other + xml * _MEMORY_FACTOR["ods_xml" if ods else "xml"])


def _parquet_need(path: Path, size: int) -> int:
    """Memory to read a Parquet file, from its metadata: the file, plus its data once decoded, times
    what reading and typing it makes of each byte. LoadError if it claims more rows than MAX_ROWS."""
    try:
        import pyarrow.parquet as pq

        meta = pq.read_metadata(path)
        schema = meta.schema.to_arrow_schema()
    except Exception:  # a damaged footer: reading the file says so (and the file is all it holds)
        return int(size * _MEMORY_FACTOR["parquet"])
    limits.check_parquet_rows(path, meta.num_rows)
    fixed, text = _decoded_bytes(meta, schema)
    return int(size + fixed * _MEMORY_FACTOR["parquet"] + text * _PARQUET_TEXT_FACTOR)




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


class MemoryGuard:
    """Checked now and then while a file is read: a LoadError saying the file is too large when less
    than MEMORY_RESERVE of memory is still free (or a quarter of what was free when reading began, if
    that is less): the check before reading is an estimate."""

    def __init__(self, p: Path, size: int) -> None:
        self.p, self.size = p, size
        start = available_memory()
        self.floor = None if start is None else min(limits.MEMORY_RESERVE, start // 4)

    def check(self) -> None:
        avail = available_memory() if self.floor is not None else None
        if avail is not None and avail < self.floor:
            raise LoadError(
                f"{self.p.name} ({human_size(self.size)}) is too large to open on this computer: the memory that "
                "was free ran out while reading it. Close other programs and try again, or open a smaller extract of "
                "the data (for example one year or one police force).")


def check_memory(paths: list[Path], sizes: list[int], careful: bool = False) -> None:
    """Refuse, before reading a byte of data, files that cannot fit in the memory that is free (and
    workbooks and Parquet files that claim more than can be read at all, even where the memory that is
    free is not known)."""
    need = sum(memory_needed(p, n, careful) for p, n in zip(paths, sizes))
    avail = available_memory()
    if avail is None or need <= avail:
        return
    total = sum(sizes)
    what = (f"{paths[0].name} ({human_size(total)})" if len(paths) == 1
            else f"These {len(paths)} files ({human_size(total)} together)")
    verb = "is" if len(paths) == 1 else "are"
    raise LoadError(f"{what} {verb} too large to open on this computer: reading {'it' if len(paths) == 1 else 'them'} "
                    f"needs about {human_size(need)} of memory and only about {human_size(avail)} is free. Close "
                    "other programs and try again, or open a smaller extract of the data (for example one year or one "
                    "police force).")


def check_more_memory(p: Path, size: int, body) -> None:
    """Before the careful CSV reader, which needs more memory than the estimate checked before the file
    was read (its bytes, `size`, are held already): refuse if the rest is not free."""
    avail = available_memory()
    if avail is None:
        return
    need = int(_FIXED_NEED + size * _MEMORY_FACTOR["careful"] + _CELL_FACTOR * min(size, limits.MAX_CELL_CHARS)
               + _distinct_cost(bytes(body[:SAMPLE_BYTES]).decode("utf-8", errors="replace"),
                                min(size, SAMPLE_BYTES), size))
    if need - size <= avail:
        return
    raise LoadError(f"{p.name} ({human_size(size)}) is too large to open on this computer: reading it needs "
                    f"about {human_size(need)} of memory and only about {human_size(avail + size)} is free. Close "
                    "other programs and try again, or open a smaller extract of the data (for example one year or one "
                    "police force).")

