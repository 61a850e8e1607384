"""Text files as tables: the encoding made UTF-8 (text.py), the delimiter and the heading row found
from the first lines, then the rows parsed by pyarrow a block at a time, or, for files it cannot take
(ragged rows, a quoted line break...), by the csv module. Text that is not a table (a README, prose)
is refused from its first lines."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import categorical_of_texts, rebuild, text_codes
from ..errors import LoadError
from . import limits
from ._common import Ticker, plural, quote_list
from .column_codes import TextCodes, frame_of_codes
from .csv_segments import LineSegments, NotPlainText, parse_segments
from .memory import MemoryGuard, check_more_memory
from .sniff import DELIMITERS, check_table_shape, refuse_other_text, sniff_delimiter
from .tables import SCAN_ROWS, ParsedTable, header_index, unique_names
from .text import decode

# pyarrow block: progress and cancel are checked after each one. Arrow's memory while reading grows with
# the block (1M rows: at most 37 MB with 1 MB blocks, 110 MB with 4 MB ones, in the same time), so the block
# is small unless the first lines are long: a row must fit in one block.
_BLOCK = 1 << 20
_MAX_BLOCK = limits.MAX_HEADER_BYTES
_PY_ROWS = 1 << 16  # rows the careful CSV reader holds as text before turning them into codes
_SHAPE_LINES = 200  # first lines of a file that its delimiter and its shape are judged from
# a number written with a decimal comma, optionally with '.' between thousands: 12,5  -0,25  1.234,5
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")


def read_csv(p: Path, data: bytes, ticker: Ticker, *, stream=None, total: int = 0) -> ParsedTable | None:
    """A text file as a table. With `stream` (the file's LineSegments), `data` is only its first lines
    and the rows are parsed from the stream; None then if the fast parser cannot take them (the caller
    reads the whole file the careful way)."""
    text = decode(p, data)
    body, sample = text.body, text.sample
    ticker.tick(0.05)
    if not sample.strip():
        raise LoadError(f"{p.name} is empty: it holds no data. Check that you chose the right file.")
    refuse_other_text(p, sample, body if stream is None else None)
    lines = sample.splitlines(keepends=True)
    more = stream is not None or len(body) > len(sample.encode("utf-8"))
    if more and stream is None and not any(c in sample for c in "\r\n"):
        _refuse_long_line(p, body)
    if more and len(lines) > 1:
        lines = lines[:-1]  # the last sample line may be cut short
    delim = sniff_delimiter(lines[:_SHAPE_LINES])
    head_rows, line_ends = _first_rows(p, lines, delim)
    hi = header_index(head_rows[:SCAN_ROWS])
    if hi < 0:
        raise LoadError(f"{p.name} has no column headings and no data.")
    limits.check_width(p, len(head_rows[hi]))  # every column counts, with a heading or not
    check_table_shape(p, head_rows[:hi + 1 + _SHAPE_LINES], hi)
    names, orig, notes = unique_names(head_rows[hi])
    notes = list(text.notes) + notes
    if hi > 0:
        notes.append(f"skipped {plural(hi, 'line')} above the column headings (a title)")
    detail = f"CSV, {text.encoding}, {DELIMITERS[delim]}-separated"
    if not text.is_utf8:
        notes.append(f"the text was read as {text.encoding}")
    guard = MemoryGuard(p, total or len(body))
    frame = _csv_arrow(body if stream is None else stream, names, delim, line_ends[hi],
                       ticker.sub(0.05, 0.9), total or len(body), guard, _block_size(lines))
    if frame is None and stream is not None:
        return None
    if frame is None:
        check_more_memory(p, len(body), body)
        frame, more_notes = _csv_python(p, body, names, delim, hi, ticker.sub(0.05, 0.9), guard)
        notes += more_notes
    if delim == ";":
        frame, more_notes = _decimal_commas(frame, orig)
        notes += more_notes
    return ParsedTable(frame=frame, headers=orig, detail=detail, notes=tuple(notes))


def _block_size(lines: list[str]) -> int:
    """Bytes per Arrow block: _BLOCK, or room for many of the longest first lines (up to _MAX_BLOCK)."""
    longest = max((len(line.encode("utf-8")) for line in lines), default=0)
    return min(_MAX_BLOCK, max(_BLOCK, 64 * longest))


def _first_rows(p: Path, lines: list[str], delim: str) -> tuple[list[list[str]], list[int]]:
    """The first rows of the sample split at the delimiter, and the line each ends on."""
    # newline="": lines end with LF, CRLF or a lone CR (Excel's 'CSV (Macintosh)'), mixed or not
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delim)
    rows: list[list[str]] = []
    line_ends: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            line_ends.append(reader.line_num)
            if len(rows) >= SCAN_ROWS + _SHAPE_LINES:
                break
    except csv.Error:
        if len(rows) < SCAN_ROWS:  # (past the rows the headings are looked for in, the parser says more)
            raise LoadError(f"{p.name} could not be read as CSV: its rows are not laid out as CSV expects. Open it "
                            "in Excel and save it as CSV again.") from None
    return rows, line_ends


def _refuse_long_line(p: Path, body) -> None:
    """A text file whose first line is longer than MAX_HEADER_BYTES: refused with its real width if it
    has too many columns (counting its delimiters, a few hundred MB a second), else as not a table."""
    ends = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    eol = min(ends) if ends else len(body)
    limits.check_width(p, 1 + max(body.count(d.encode(), 0, eol) for d in DELIMITERS))
    raise LoadError(f"{p.name}: its first line is {limits.human_size(eol)} long, far too long to be a line of "
                    "column headings, so it is not a table this program can read. Check that it is the right file; "
                    "if it is, open it in Excel and save it as CSV again.")


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
        if len(s.cat.categories) > limits.WIDE_COLUMN_VALUES:
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
               total: int, guard: MemoryGuard | None = None, block: int = _BLOCK) -> pd.DataFrame | None:
    """Fast path: pyarrow, every column read as dictionary-encoded text, from bytes in memory or from
    the file's LineSegments, several blocks at once. None if some row does not fit the header or the file
    holds a NUL byte (the careful reader then takes over). Each segment's columns are turned into
    category codes as it comes (TextCodes), so that neither Arrow's table of the whole file nor 32-bit
    codes for it are ever held: the codes kept are as small as the number of distinct values allows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    dict_type = pa.dictionary(pa.int32(), pa.string())
    # no invalid_row_handler: a row that does not fit raises, and the careful reader takes over
    po = pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True, newlines_in_values=False)
    first_ro = pacsv.ReadOptions(skip_rows=skip_lines, column_names=names, block_size=block, use_threads=True)
    later_ro = pacsv.ReadOptions(skip_rows=0, column_names=names, block_size=block, use_threads=True)
    segments = source if isinstance(source, LineSegments) else LineSegments.of_bytes(source)
    segments.segment = max(segments.segment, 4 * block)  # a line longer than a segment is one Arrow refuses

    def options(first: bool) -> tuple:
        # a column of more distinct values than TextCodes looks up one by one is read as plain text:
        # Arrow would only build a dictionary of nearly every value for it
        types = {n: pa.string() if cols[i].wide else dict_type for i, n in enumerate(names)}
        co = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False,
                                  null_values=[])
        return first_ro if first else later_ro, po, co

    total = max(1, total)
    cols = [TextCodes() for _ in names]

    def add(table) -> None:
        for i in range(table.num_columns):
            cols[i].add(table.column(i))

    def after() -> None:
        ticker.tick(min(0.95, segments.done / total))
        if guard is not None:
            guard.check()

    try:
        n_rows = parse_segments(segments, options, add, after)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, pa.ArrowIndexError,
            pa.ArrowKeyError, pa.ArrowCapacityError, pa.ArrowException, ValueError, UnicodeDecodeError,
            NotPlainText):
        return None
    pa.default_memory_pool().release_unused()  # give Arrow's buffers back: its allocator would keep them
    return frame_of_codes(names, cols, n_rows, ticker)


def _unclosed_quote(p: Path, line: int) -> LoadError:
    return LoadError(
        f"{p.name}: a quotation mark (\") on line {line} is never closed, so everything after it would "
        "be read as one cell. Open the file in a text editor such as Notepad, remove that quotation mark or "
        "add the one that closes it, and load the file again.")


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_python(p: Path, body: bytes, names: list[str], delim: str, header_row: int, ticker: Ticker,
                guard: MemoryGuard | None = None):
    """Careful path for odd files: the csv module, short rows padded, rows with surplus cells left out.
    The file is decoded a line at a time and the rows turned into category codes _PY_ROWS at a time, so
    that neither a second copy of the file as text nor a Python string per cell is ever held (it took
    ten times the file's size before: a 500 MB file peaked at 5.4 GB)."""
    n = len(names)
    cols = [TextCodes() for _ in names]
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
                        f"{limits.MAX_CELL_CHARS:,} characters, far too long for a table this program can read. Check "
                        "that it is the right file.") from None
    if body.count(b'"') % 2 and any("\n" in c or "\r" in c for c in last_row):
        raise _unclosed_quote(p, last_start)
    notes = []
    if long_rows:
        notes.append(f"left out {plural(long_rows, 'row')} with more cells than there are column headings "
                     f"(the first at line {first_long}); check the file in a spreadsheet")
    rows = cols[0].rows if cols else 0
    if not rows:
        return pd.DataFrame({nm: pd.Series([], dtype=object) for nm in names}), notes
    return frame_of_codes(names, cols, rows, ticker.sub(0.9, 1.0)), notes


