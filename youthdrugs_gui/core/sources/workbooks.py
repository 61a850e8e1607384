"""Workbooks as tables: Excel (.xlsx, by openpyxl) and OpenDocument (.ods, by odfpy through pandas).
The sheet asked for, or else the one that looks most like a table; numbers and dates stay as stored.
A workbook is a ZIP archive: what its parts would inflate to is checked before they are read."""
from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import as_text, cell_text
from ..errors import LoadError
from . import limits
from ._common import Ticker, plural, quote_list
from .memory import MemoryGuard
from .tables import SCAN_ROWS, ParsedTable, header_index, unique_names


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
    hi = header_index([list(r) for r in rows[:SCAN_ROWS]])
    if hi < 0:
        raise LoadError(f"{p.name}: the sheet is empty: it has no column headings and no data.")
    header = list(rows[hi])
    body = rows[hi + 1:]
    # every column counts, with a heading or not, up to the last cell that holds something
    width = max([_used_len(header)] + [_used_len(r) for r in body[:1000]])
    limits.check_width(p, width)
    header = header[:width] + [None] * (width - len(header))
    names, orig, notes = unique_names(header)
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


def read_xlsx(p: Path, data: bytes, sheet: str | None, ticker: Ticker) -> ParsedTable:
    """An Excel workbook's sheet as a table."""
    with warnings.catch_warnings():  # openpyxl warns about styles and extensions: nothing for the user
        warnings.simplefilter("ignore")
        return _read_xlsx_quietly(p, data, sheet, ticker)


def _read_xlsx_quietly(p: Path, data: bytes, sheet: str | None, ticker: Ticker) -> ParsedTable:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise LoadError("Excel files cannot be read: the openpyxl package is missing. Reinstall the program.") \
            from None
    guard = MemoryGuard(p, len(data))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
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
            return [tuple(r) for r in ws.iter_rows(max_row=SCAN_ROWS, values_only=True)]

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
    except Exception:
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
    return ParsedTable(frame=frame, headers=headers, detail=f"Excel workbook, sheet '{chosen}'",
                       notes=tuple(notes + more))


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
        counted = io.BufferedReader(_CountingReader(member, limits.MAX_ZIP_BYTES))
        for event, el in ET.iterparse(counted, ("start", "end")):
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
                    if total + rows * width > limits.MAX_SPREADSHEET_CELLS:
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
        f"than the {limits.MAX_SPREADSHEET_CELLS:,} this program can read from a spreadsheet, so it was not read. If "
        "it is a real spreadsheet, save the sheet you need as CSV and load that file.")


_ODS_MIMETYPE_BYTES = 1024  # a spreadsheet's 'mimetype' is its 46-byte type; odfpy reads the part whole


def read_ods(p: Path, data: bytes, sheet: str | None, ticker: Ticker) -> ParsedTable:
    """An OpenDocument spreadsheet's sheet as a table; refused before reading when its repeated cells
    would write out too many."""
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
        raise limits.zip_too_big(p, e.inflated) from None
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
        return [tuple(r) for r in frames[s].head(SCAN_ROWS).itertuples(index=False, name=None)]

    if sheet:
        chosen, notes = _pick_named_sheet(p, names, sheet), []
    else:
        chosen, notes = _choose_sheet(p, names, peek)
    rows = [tuple(None if _isna(v) else v for v in r) for r in frames[chosen].itertuples(index=False, name=None)]
    while rows and all(cell_text(v) is None for v in rows[-1]):
        rows.pop()
    frame, headers, more = _frame_from_rows(p, rows, ticker.sub(0.7, 1.0))
    return ParsedTable(frame=frame, headers=headers, detail=f"OpenDocument spreadsheet, sheet '{chosen}'",
                       notes=tuple(notes + more))


def _ods_damaged(p: Path) -> LoadError:
    return LoadError(f"{p.name} looks like an OpenDocument spreadsheet but could not be opened; it may be damaged. "
                     "Open it and save it again, or save the sheet as CSV.")


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


class _ZipTooBig(Exception):
    """A ZIP part inflated past the limit, whatever its header declared."""

    def __init__(self, inflated: int) -> None:
        super().__init__(inflated)
        self.inflated = inflated
