"""An export as the user gets it: the file (rows of the data, or an aggregated table) and its
provenance record, checked, written and committed as one pair; a finished report the same way."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from ..cancel import CancelToken
from ..disclosure import SuppressionResult
from ..tables import as_rows
from ..errors import ExportError
from . import writers
from .atomic import Staged, cleanup_stale_temp_files, commit_pair, discarding, stage
from .cells import Column, RowsView, dataset_columns, series_column
from .provenance import program_version, provenance_record, record_bytes
from .targets import check_target, sidecar_path
from .writers import Progress

if TYPE_CHECKING:
    from ..dataset import Dataset

FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header


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
    suppressed: int = 0  # cells and totals written as [c] by the table's suppression or rounding


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


def too_many_for_excel(n: int) -> str:
    """The refusal of an XLSX export of `n` rows (more than a worksheet holds)."""
    return f"{n:,} rows are more than Excel can hold ({XLSX_MAX_ROWS:,} rows under the header): export to CSV instead"


def row_columns(ds: "Dataset", columns: Sequence[str] | None) -> list[str]:
    """The columns a rows export writes, in order, each once: `columns` resolved (canonical names,
    labels or original headers), or every column of the data set."""
    if columns is None:
        return list(ds.columns)
    cols: list[str] = []
    for name in columns:
        col = ds.resolve_column(name)
        if col not in cols:
            cols.append(col)
    return cols


def table_headers(frame: pd.DataFrame, dataset: "Dataset | None") -> list[str]:
    """The headers a table export writes: column names, as `dataset`'s labels where they name its columns."""
    return [dataset.label(name) if dataset is not None and isinstance(name, str) and dataset.has(name) else str(name)
            for name in frame.columns]


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
    cancel: CancelToken | None = None,
    sidecar: bool = True,
    replace_read_only: bool = False,
) -> ExportResult:
    """Write the rows `rows` of `ds` (indices, in the order given: the view's order) to `path`.

    `columns`: columns to write, in order (canonical names, labels or original headers); default all
    of ``ds.columns``. Headers are the labels the user sees. `fmt`: "csv" or "xlsx"; default from the
    file's suffix. `bom`: start a CSV with a UTF-8 byte-order mark. `provenance`: JSON-able facts from
    the caller (e.g. ``{"filter_state": state.to_dict()}``) merged into the provenance record.
    `progress(rows_done, rows_total)` is called between blocks; setting `cancel` stops the export there
    (CancelledError; nothing is written). `replace_read_only`: the user confirmed replacing a read-only
    file (else refused). Raises ExportError with a message for the user."""
    t0 = time.perf_counter()
    target = Path(path)
    f = _fmt_for(target, fmt)
    # the record's name is checked even without a record: an old record there is removed
    check_target(target, inputs=[s.path for s in ds.sources], replace_read_only=replace_read_only)
    idx = as_rows(rows, ds.n_rows)
    cols = row_columns(ds, columns)
    if not cols:
        raise ExportError("Choose at least one column to export.")
    if f == "xlsx" and len(idx) > XLSX_MAX_ROWS:
        raise ExportError(too_many_for_excel(len(idx)) + ", or filter the rows down first.")
    encoders: list[Column] = [RowsView(c, idx) for c in dataset_columns(ds, cols)]
    return _export(kind="rows", ds=ds, target=target, fmt=f, bom=bom, columns=encoders, n=len(idx),
                   column_names=cols, suppression="none", provenance=provenance, progress=progress,
                   cancel=cancel, sidecar=sidecar, t0=t0, sheet_title="Rows", replace_read_only=replace_read_only)


def export_table(
    table: pd.DataFrame | SuppressionResult,
    path: str | Path,
    *,
    dataset: "Dataset | None" = None,
    fmt: str | None = None,
    bom: bool = True,
    provenance: dict | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    sidecar: bool = True,
    replace_read_only: bool = False,
) -> ExportResult:
    """Write an aggregated table (the chart's table: from `tables.aggregate`, or a
    `SuppressionResult`, whose rule then goes into the provenance record) to `path`.

    Headers are the frame's column names, shown as `dataset`'s labels where they name its columns.
    Numeric cells are written as numbers, text (including "[c]") as text, neutralised. Pass `dataset`
    so the provenance record names the data set and its source files; a caller that suppressed the
    table itself can put its rule under ``provenance["suppression"]``; the record of a protected table
    holds no count of the data (see `provenance`)."""
    t0 = time.perf_counter()
    target = Path(path)
    f = _fmt_for(target, fmt)
    sources = [s.path for s in dataset.sources] if dataset is not None else []
    check_target(target, inputs=sources, replace_read_only=replace_read_only)
    suppression, suppressed = "none", 0
    if isinstance(table, SuppressionResult):
        suppression, suppressed = table.rule, table.suppressed
        frame = table.table
    else:
        frame = table
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("export_table needs a pandas DataFrame or a SuppressionResult")
    if f == "xlsx" and len(frame) > XLSX_MAX_ROWS:
        raise ExportError(too_many_for_excel(len(frame)) + ".")
    if len(frame.columns) == 0:
        raise ExportError("The table has no columns to export.")
    encoders = [series_column(header, frame.iloc[:, pos].reset_index(drop=True))
                for pos, header in enumerate(table_headers(frame, dataset))]
    return _export(kind="table", ds=dataset, target=target, fmt=f, bom=bom, columns=encoders, n=len(frame),
                   column_names=[str(c) for c in frame.columns], suppression=suppression, provenance=provenance,
                   progress=progress, cancel=cancel, sidecar=sidecar, t0=t0, sheet_title="Table",
                   replace_read_only=replace_read_only, suppressed=suppressed)


def _export(*, kind: str, ds: "Dataset | None", target: Path, fmt: str, bom: bool, columns: list[Column],
            n: int, column_names: list[str], suppression: str, provenance: dict | None,
            progress: Progress | None, cancel: CancelToken | None, sidecar: bool, t0: float,
            sheet_title: str, replace_read_only: bool = False, suppressed: int = 0) -> ExportResult:
    """Stage the file, then its record, and commit the two as one pair."""
    headers = [c.header for c in columns]
    cleanup_stale_temp_files(target.parent)
    staged: list[Staged] = []
    with discarding(staged, target):
        if fmt == "csv":
            main = stage(target, lambda w, _f, _tmp: writers.write_csv(w, columns, n, bom=bom, progress=progress,
                                                                       cancel=cancel))
        else:
            from ..cover import cover_rows

            filters = str((provenance or {}).get("filters_in_words") or "No filters")
            cover = cover_rows(ds, kind=kind, filters=filters, suppression=suppression, version=program_version())
            main = stage(target, lambda _w, f, tmp: writers.write_xlsx(f, tmp, columns, n, sheet_title=sheet_title,
                                                                       progress=progress, cancel=cancel,
                                                                       cover=cover), rehash=True)
        staged.append(main)
        side = sidecar_path(target) if sidecar else None
        record = None
        if side is not None:
            record = provenance_record(kind=kind, ds=ds, target=target, fmt=fmt, bom=bom, rows=n, headers=headers,
                                       column_names=column_names, suppression=suppression, size=main.bytes,
                                       sha256=main.sha256, caller=provenance, seconds=time.perf_counter() - t0)
        _commit_with_record(main, record, staged, replace_read_only)
    return ExportResult(path=target, rows=n, columns=headers, sidecar=side, bytes=main.bytes,
                        seconds=time.perf_counter() - t0, sha256=main.sha256, format=fmt, suppressed=suppressed)


def _commit_with_record(main: Staged, record: dict | None, staged: list[Staged], replace_read_only: bool) -> None:
    """Stage the provenance record (if any) beside the staged file and commit the two as one pair."""
    side = None
    if record is not None:
        data = record_bytes(record)
        side = stage(sidecar_path(main.target), lambda w, _f, _tmp: w.write(data))
        staged.append(side)
    commit_pair(main, side, replace_read_only=replace_read_only)


def write_report(path: str | Path, data: bytes, *, dataset: "Dataset | None" = None,
                 provenance: dict | None = None, replace_read_only: bool = False) -> ExportResult:
    """Write a finished report (PDF or HTML bytes) like every export: checked targets, a temporary file
    renamed into place with its provenance record as one pair, readable by the user only."""
    t0 = time.perf_counter()
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".") or "report"
    check_target(target, inputs=[s.path for s in dataset.sources] if dataset is not None else (),
                 replace_read_only=replace_read_only)
    cleanup_stale_temp_files(target.parent)
    staged: list[Staged] = []
    with discarding(staged, target):
        main = stage(target, lambda w, _f, _tmp: w.write(data))
        staged.append(main)
        record = provenance_record(kind="report", ds=dataset, target=target, fmt=fmt, bom=False, rows=0, headers=[],
                                   column_names=[], suppression=str((provenance or {}).get("suppression", "none")),
                                   size=main.bytes, sha256=main.sha256, caller=provenance,
                                   seconds=time.perf_counter() - t0)
        _commit_with_record(main, record, staged, replace_read_only)
    return ExportResult(path=target, rows=0, columns=[], sidecar=sidecar_path(target), bytes=main.bytes,
                        seconds=time.perf_counter() - t0, sha256=main.sha256, format=fmt)
