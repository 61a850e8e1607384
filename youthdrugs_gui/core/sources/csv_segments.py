"""The fast CSV path: a text handed on a segment of whole lines at a time (from a file, hashed as it is
read, or from bytes in memory), each segment parsed by Arrow several blocks at once, and each column's
text turned into category codes once a segment.

Arrow's parser reads a quoted line break inside a block but not across the place a text is cut, so a
segment whose cells hold a line break (or one Arrow refuses) is read again, with the rest of the text,
by Arrow's reader of one block after another, which carries a row across blocks: the rows are the same
as reading the whole text that way."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SEGMENT_BYTES = 8 << 20  # bytes parsed at once: several of Arrow's blocks for each core
_BOM = b"\xef\xbb\xbf"
_QUOTE_SEARCH = re.compile(b'"')


class NotPlainText(Exception):
    """The file holds bytes the fast path does not take (a NUL byte): it is read whole instead."""


class LineSegments:
    """A text's bytes, a segment of whole lines at a time; each segment is valid until the next one.

    From a file, each byte is read once: its SHA-256 is worked out and NUL bytes looked for as it comes
    (NotPlainText at the first NUL byte), so no second pass over the file is needed. A failing read
    raises its OSError."""

    def __init__(self, segment: int | None = None) -> None:
        self.segment = segment or SEGMENT_BYTES
        self.done = 0  # bytes handed on so far
        self._hash = hashlib.sha256()
        self._path: Path | None = None
        self._body = None

    @classmethod
    def of_file(cls, path: Path, segment: int | None = None) -> "LineSegments":
        seg = cls(segment)
        seg._path = path
        return seg

    @classmethod
    def of_bytes(cls, body, segment: int | None = None) -> "LineSegments":
        seg = cls(segment)
        seg._body = body
        return seg

    @property
    def sha256(self) -> str:
        """The SHA-256 of the file, once every segment has been handed on."""
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[memoryview]:
        return self._from_bytes() if self._path is None else self._from_file()

    def _from_bytes(self) -> Iterator[memoryview]:
        body = self._body
        with memoryview(body) as view:
            start = 0
            while start < len(body):
                end = min(len(body), start + self.segment)
                cut = end if end == len(body) else _line_end(body, start, end)
                if cut <= start:  # a line longer than a segment: no block of Arrow's could hold it
                    raise NotPlainText
                yield view[start:cut]
                self.done = cut
                start = cut

    def _from_file(self) -> Iterator[memoryview]:
        buf = bytearray(self.segment)
        held = 0  # bytes at the start of buf carried over from the last read: the start of a line
        with ThreadPoolExecutor(1, thread_name_prefix="hash") as pool, open(self._path, "rb") as f:
            while True:
                end = held + _fill(f, buf, held)
                nul = pool.submit(self._take, buf, held, end)  # hashed while Arrow parses
                last = end < len(buf)  # the end of the file
                cut = end if last else _line_end(buf, 0, end)
                if cut <= 0 and not last:
                    nul.result()
                    raise NotPlainText
                if cut:
                    yield memoryview(buf)[:cut]
                if nul.result():
                    raise NotPlainText
                self.done += cut
                if last:
                    return
                held = end - cut
                buf[:held] = buf[cut:end]

    def _take(self, buf: bytearray, start: int, end: int) -> bool:
        """Hash buf[start:end], the next bytes of the file; whether they hold a NUL byte."""
        with memoryview(buf) as view:
            self._hash.update(view[start:end])
        return buf.find(b"\x00", start, end) >= 0


def _fill(f, buf: bytearray, held: int) -> int:
    """Fill buf after its first `held` bytes from the file, as far as the file goes."""
    got = 0
    with memoryview(buf) as view:
        while held + got < len(buf):
            n = f.readinto(view[held + got:])
            if not n:
                break
            got += n
    return got


def _line_end(data, start: int, end: int) -> int:
    """Where the last whole line of data[start:end] ends (after its LF, CRLF or lone CR), or -1. A CR
    at `end - 1` is not taken: its LF may follow. A line that starts with a byte-order mark is not cut
    before: Arrow would drop that mark at the start of a segment, where it is text within the file."""
    stop = end
    while True:
        lf = data.rfind(b"\n", start, stop)
        cr = data.rfind(b"\r", start, stop - 1)
        cut = max(lf, cr) + 1
        if cut <= start:
            return -1
        if data[cut:cut + 3] != _BOM:
            return cut
        stop = cut - 1


class _Rest:
    """The segments from one on, as a file Arrow's reader of one block after another can read."""

    closed = False

    def __init__(self, first: memoryview, rest: Iterator[memoryview]) -> None:
        self._part = bytes(first)
        self._at = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        out: list[bytes] = []
        want = n if n is not None and n >= 0 else None
        while want is None or want > 0:
            if self._at >= len(self._part):
                nxt = next(self._rest, None)
                if nxt is None:
                    break
                self._part, self._at = bytes(nxt), 0
            take = len(self._part) - self._at if want is None else min(want, len(self._part) - self._at)
            out.append(self._part[self._at:self._at + take])
            self._at += take
            if want is not None:
                want -= take
        return b"".join(out)

    def close(self) -> None:
        self.closed = True


def parse_segments(segments: LineSegments, options: Callable[[bool], tuple], add: Callable[[object], None],
                   after: Callable[[], None]) -> int:
    """Parse every segment, handing each parsed table (or batch) to `add` and calling `after` between
    them; the rows read. `options(first)` gives Arrow's read, parse and convert options for the first
    segment or a later one. Arrow's errors are raised as they are."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rows = 0
    first = True
    parts = iter(segments)
    for seg in parts:
        ro, po, co = options(first)
        table = None
        if first or seg[:3] != _BOM:
            try:
                table = pacsv.read_csv(pa.py_buffer(seg), read_options=ro, parse_options=po, convert_options=co)
                table = table.combine_chunks()
            except pa.ArrowInvalid:
                table = None
        if table is None or _line_break_in_cells(seg, table):
            del table
            return rows + _parse_serially(seg, parts, (ro, po, co), add, after)
        rows += table.num_rows
        add(table)
        del table
        after()
        first = False
    return rows


def _line_break_in_cells(seg: memoryview, table) -> bool:
    """Whether a cell of the parsed segment holds a line break: where a segment or one of Arrow's blocks
    was cut inside a quoted cell, that cell runs on to the cut, line end and all."""
    import pyarrow as pa

    if _QUOTE_SEARCH.search(seg) is None:
        return False
    for column in table.columns:
        for chunk in column.chunks:
            texts = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            chars = _text_bytes(texts)
            if chars.find(b"\n") >= 0 or chars.find(b"\r") >= 0:
                return True
    return False


def _text_bytes(texts) -> bytes:
    """The characters of an Arrow array of strings, one value after another."""
    import numpy as np
    import pyarrow as pa

    data = texts.buffers()[2]
    if len(texts) == 0 or data is None:
        return b""
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    offsets = np.frombuffer(texts.buffers()[1], dtype=width, count=len(texts) + 1,
                            offset=texts.offset * np.dtype(width).itemsize)
    return data.slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()


def _parse_serially(seg: memoryview, parts: Iterator[memoryview], options: tuple, add: Callable[[object], None],
                    after: Callable[[], None]) -> int:
    """This segment and the rest by Arrow's reader of one block after another."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ro, po, co = options
    rows = 0
    with pa.PythonFile(_Rest(seg, parts), mode="r") as stream:
        for batch in pacsv.open_csv(stream, read_options=ro, parse_options=po, convert_options=co):
            rows += batch.num_rows
            add(batch)
            del batch
            after()
    return rows
