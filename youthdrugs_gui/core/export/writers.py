"""The two file formats an export is written in, streamed block by block into a staged file.

* **CSV** is RFC 4180: fields are quoted only when they contain a comma, a double quote, CR or LF;
  embedded quotes are doubled; lines end with CRLF; UTF-8 with a byte-order mark by default (so Excel
  reads accents correctly). The file holds the header and the rows, nothing else.
* **XLSX** goes through openpyxl's write-only mode: a cover sheet, then the data; text cells are always
  text (never formulas or error values), counts and ages are numbers, dates are dates. openpyxl is slow
  (about 5,000-6,000 rows of 11 columns a second here, against about 1.5 million for CSV), so big exports
  should be CSV.

Between blocks each writer reports `progress(rows_done, rows_total)` and stops with CancelledError if
its `cancel` token is set."""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..cancel import CancelToken
from .atomic import HashingWriter, open_private, temp_name
from .cells import Column, XlsxText, csv_field, neutralise, xlsx_string

_CHUNK_ROWS = 131_072  # rows per CSV block: bounded memory, progress and cancel between blocks
_EOL = "\r\n"

CANCELLED = "Export cancelled: nothing was written."

Progress = Callable[[int, int], object]  # progress(rows_done, rows_total); what it returns is ignored


def write_csv(w: HashingWriter, columns: list[Column], n: int, *, bom: bool,
              progress: Progress | None = None, cancel: CancelToken | None = None) -> None:
    """The header and `n` rows of `columns` as CSV into `w`, in blocks of `_CHUNK_ROWS` rows."""
    header = ",".join(csv_field(neutralise(c.header)) for c in columns) + _EOL
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
                if progress is not None:
                    progress(done, n)
                if cancel is not None:
                    cancel.check(CANCELLED)
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
            cell = WriteOnlyCell(ws, value=xlsx_string(value))
            cell.data_type = "s"
            if i == 0 or label == "SYNTHETIC DATA":
                cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)


def write_xlsx(f: BinaryIO, tmp: Path, columns: list[Column], n: int, *, sheet_title: str,
               progress: Progress | None = None, cancel: CancelToken | None = None,
               cover: list[tuple[str, str]] | None = None) -> None:
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
                if type(v) is XlsxText:
                    cell = WriteOnlyCell(ws, value=str(v))
                    cell.data_type = "s"
                    row[i] = cell
            return row

        ws.append(fix([xlsx_string(c.header) for c in columns]))
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
            if progress is not None:
                progress(int(done), n)
            if cancel is not None:
                cancel.check(CANCELLED)
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
        path = temp_name(tmp.with_name(tmp.name[1:-len(".part")] + ".sheet"))
        os.close(open_private(path))
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
