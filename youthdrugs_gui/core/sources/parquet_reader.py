"""Parquet files as tables: numbers and dates as stored, text columns read as dictionaries (so as
categoricals, never one Python string per row); nested columns and dates pandas cannot hold are refused.
Also the generator's synthetic-data marker in a file's metadata."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import as_text
from ..errors import LoadError
from . import limits
from ._common import Ticker, quote_list
from .column_codes import wide_text
from .tables import ParsedTable, unique_names


def read_parquet(p: Path, data: bytes, ticker: Ticker) -> ParsedTable:
    """A Parquet file as a table: what it says it holds is checked before any of it is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # INT96 timestamps (older Spark and Hive files) read in milliseconds: as nanoseconds, a date after
        # 2262 silently wraps round to one in the past (9999-12-31 became 1816-03-29)
        pf = pq.ParquetFile(pa.BufferReader(data), coerce_int96_timestamp_unit="ms")
        schema, rows = pf.schema_arrow, pf.metadata.num_rows
    except Exception:  # pyarrow raises several kinds of error for a damaged file
        raise limits.parquet_damaged(p) from None
    limits.check_parquet_rows(p, rows)
    limits.check_width(p, len(schema))
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
        raise limits.parquet_damaged(p) from None
    _check_dates(p, table)
    ticker.tick(0.6)
    try:
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        del table
        pa.default_memory_pool().release_unused()  # Arrow's allocator would keep the table's memory
    except Exception:
        raise limits.parquet_damaged(p) from None
    names, orig, notes = unique_names(list(frame.columns))
    frame = frame.set_axis(names, axis=1)
    cols: dict[str, pd.Series] = {}
    for name in names:
        s = frame[name].reset_index(drop=True)
        if isinstance(s.dtype, pd.CategoricalDtype) and len(s.cat.categories) > limits.WIDE_COLUMN_VALUES:
            s = wide_text(s)  # an identifier or free text: by Arrow, no Python string per value
        elif pd.api.types.is_bool_dtype(s.dtype) or not (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype)
        ):
            s = as_text(s)
        cols[name] = s
    return ParsedTable(frame=pd.DataFrame(cols, copy=False), headers=orig, detail="Parquet file",
                       notes=tuple(notes))


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


SYNTHETIC_MARKER_KEY = b"youthdrugs_gui"


def is_marked_synthetic(data: bytes) -> bool:
    """Whether a Parquet file carries the generator's synthetic-data marker in its metadata (a JSON object
    with "synthetic": true under the key youthdrugs_gui), however the file was named or copied."""
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
