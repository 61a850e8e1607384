"""Cells as a spreadsheet program will read them: text that cannot run as a formula, numbers as numbers.

Spreadsheet programs run text that starts with ``= + - @``, a tab or a carriage return as a formula (CSV
injection). Every piece of text written (cells, headers, table labels) goes through `neutralise`, which
puts a ``'`` in front of such text. Numbers in numeric columns are written as numbers. Category labels
are neutralised once per label, not once per cell, so a million-row export stays fast.

A `Column` turns one column of the data into CSV-ready text (neutralised, quoted by RFC 4180) or into
Python values for an XLSX cell, one block of rows at a time."""
from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..codes import exact_text, is_missing, is_number
from ..errors import ExportError
from ..schema import Role

if TYPE_CHECKING:
    from ..dataset import Dataset

XLSX_MAX_TEXT = 32_767  # Excel's longest cell text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))

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


def csv_field(text: str) -> str:
    """One CSV field by RFC 4180: quoted only if it holds a comma, a quote, CR or LF."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_NEUTRALISE_RE = "^([=+\\-@\t\r])"


def _neutralise_array(arr: pa.Array) -> pa.Array:
    """`neutralise` on every string of an Arrow array, vectorised."""
    return pc.replace_substring_regex(arr, pattern=_NEUTRALISE_RE, replacement="'\\1", max_replacements=1)


def _csv_quote_array(arr: pa.Array) -> pa.Array:
    """`csv_field` on every string of an Arrow array, vectorised."""
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


class XlsxText(str):
    """Marks text that openpyxl would otherwise mistake for an error value (e.g. '#N/A')."""


def xlsx_string(text: str) -> str:
    """Text for an XLSX cell, marked `XlsxText` where openpyxl would read it as an error value or formula."""
    t = _xlsx_text(text)
    return XlsxText(t) if t in _XLSX_ERROR_CODES or t.startswith("=") else t


# ------------------------------------------------------------------------------------------------
# Columns: one encoder per column, preparing labels once and cells per block of rows
# ------------------------------------------------------------------------------------------------
class Column:
    """One column of an export: its header and its cells, block by block of row positions."""

    header: str

    def csv(self, idx: np.ndarray) -> pa.Array:  # CSV-ready large_strings (neutralised, quoted), no nulls
        raise NotImplementedError

    def xlsx(self, idx: np.ndarray) -> list:  # Python values for openpyxl
        raise NotImplementedError

    def marks_text(self) -> bool:
        """Whether `xlsx` may return `XlsxText` values (which need an explicit text cell)."""
        return False


class _CategoryColumn(Column):
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
        self._csv_dict = pa.array([csv_field(neutralise(t)) for t in texts], pa.large_string())
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
                    vals.append(xlsx_string(t))
            arr = np.empty(len(vals), dtype=object)
            arr[:] = vals
            self._xlsx_dict = arr
        return self._xlsx_dict[self.codes[idx]].tolist()


class _NumberColumn(Column):
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


class _DateColumn(Column):
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


class _TextColumn(Column):
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
            self._csv = pa.array([csv_field(_csv_text(v)) for v in vals], pa.large_string())

    def csv(self, idx: np.ndarray) -> pa.Array:
        return self._csv.take(pa.array(idx))

    def marks_text(self) -> bool:
        return True

    def xlsx(self, idx: np.ndarray) -> list:
        return [_xlsx_value(v) for v in self.values[idx].tolist()]


def _csv_text(v: object) -> str:
    """A value of a mixed column as CSV text: numbers as numbers, text neutralised, "" where missing."""
    text = exact_text(v)
    if text is None:
        return ""
    return text if is_number(v) else neutralise(text)


def _xlsx_value(v: object) -> object:
    if is_missing(v):
        return None
    if is_number(v):
        return int(v) if isinstance(v, (int, np.integer)) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.tz_convert("UTC").tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime()
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v
    return xlsx_string(str(v))


def dataset_columns(ds: "Dataset", cols: list[str]) -> list[Column]:
    """One column encoder per column of the data set, headed by its label."""
    out: list[Column] = []
    for col in cols:
        s = ds.frame[col]
        header = ds.label(col)
        if isinstance(s.dtype, pd.CategoricalDtype):
            out.append(_CategoryColumn(header, ds.codes(col), ds.categories(col),
                                       numeric_labels=ds.role(col) is Role.AGE))
        else:
            out.append(series_column(header, s))
    return out


def series_column(header: str, s: pd.Series) -> Column:
    """The encoder for a column of an aggregated table, chosen by its type."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _CategoryColumn(header, s.cat.codes.to_numpy(), list(s.cat.categories))
    if pd.api.types.is_bool_dtype(s.dtype):
        return _TextColumn(header, [None if is_missing(v) else str(bool(v)) for v in s.tolist()])
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _DateColumn(header, s)
    if pd.api.types.is_numeric_dtype(s.dtype):
        if s.hasnans and pd.api.types.is_integer_dtype(s.dtype):  # nullable Int64 with NA
            return _TextColumn(header, s.astype(object).tolist())
        return _NumberColumn(header, s.to_numpy())
    return _TextColumn(header, s.astype(object).tolist())


class RowsView(Column):
    """A column seen through the export's row order: block i..j of the export is rows idx[i:j]."""

    def __init__(self, inner: Column, idx: np.ndarray):
        self.inner = inner
        self.idx = idx
        self.header = inner.header

    def csv(self, block: np.ndarray) -> pa.Array:
        return self.inner.csv(self.idx[block])

    def xlsx(self, block: np.ndarray) -> list:
        return self.inner.xlsx(self.idx[block])

    def marks_text(self) -> bool:
        return self.inner.marks_text()
