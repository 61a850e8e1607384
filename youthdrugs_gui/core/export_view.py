"""What to export from a view, said once for the window and the command line alike.

An `ExportRequest` names what goes out (the filtered rows, the rows selected in the table, or the chart's
table), how the table is grouped and protected (suppression or rounding, rates), and where it goes.
`preview(request)` says what would be written (rows, columns, cells hidden, notes, warnings) without
writing; the window shows it as the user changes the choices. `write(request or preview)` writes the file
and its provenance record and returns the `ExportResult`. Building the table (aggregation and audited
suppression) is the slow part: a preview keeps it, so writing a preview does not build it again."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from .cancel import CancelToken
from .disclosure import SuppressionResult, protect_table
from .errors import FilterError
from .export import XLSX_MAX_ROWS, ExportResult, export_rows, export_table
from .export.files import row_columns, table_headers
from .export.writers import Progress
from .filter_state import FilterState
from .tables import aggregate

if TYPE_CHECKING:
    from .engine import Engine

What = Literal["rows", "selected", "table"]
TOO_MANY_FOR_EXCEL = "That is more than Excel can hold: choose CSV."


@dataclass(frozen=True)
class ExportRequest:
    """One export as the user chose it.

    `rows`: the rows it covers, as indices in the order to write them (the filtered rows in the view's
    order, or the rows selected in the table; a table export sums them). `what`: "rows", "selected" or
    "table". `columns`: for rows, the columns to write (default all). `group_by`: for a table, the
    column it counts by, then the one it is stacked by. `suppress_below` or `round_to` (2 or more)
    protect the table for publication; `rate` adds rates per 1,000 children (one grouping column).
    `fmt`: "csv" or "xlsx"; default from the file name, CSV if it says neither."""

    engine: "Engine" = field(compare=False, repr=False)
    state: FilterState
    rows: np.ndarray = field(compare=False, repr=False)
    path: Path | None = None
    what: What = "rows"
    columns: tuple[str, ...] | None = None
    group_by: tuple[str, ...] = ()
    suppress_below: int | None = None
    round_to: int | None = None
    rate: bool = False
    fmt: str | None = None
    bom: bool = True

    @property
    def is_table(self) -> bool:
        return self.what == "table"

    @property
    def format(self) -> str:
        """The file format the export is written in."""
        if self.fmt:
            return self.fmt.lower().lstrip(".")
        suffix = self.path.suffix.lower().lstrip(".") if self.path is not None else ""
        return suffix if suffix in ("csv", "xlsx") else "csv"


@dataclass(frozen=True)
class ExportPreview:
    """What a request would write: `rows` (data rows, the header not counted), the `columns` as headed,
    `hidden` cells and totals written as [c], the protection `rule` ("none" for none), `notes` about the
    figures, and `warnings` about what would stop the export (more rows than Excel holds)."""

    request: ExportRequest
    rows: int
    columns: tuple[str, ...]
    hidden: int = 0
    rule: str = "none"
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    table: SuppressionResult | None = field(default=None, compare=False, repr=False)

    @property
    def ready(self) -> bool:
        """Whether there is something to write: at least one row and one column."""
        return self.rows > 0 and bool(self.columns)


def preview(request: ExportRequest) -> ExportPreview:
    """What `request` would write, worked out without writing (a table is built and protected)."""
    ds = request.engine.ds
    _check(request)
    if not request.is_table:
        cols = row_columns(ds, request.columns)
        n = len(request.rows)
        warnings = (TOO_MANY_FOR_EXCEL,) if request.format == "xlsx" and n > XLSX_MAX_ROWS else ()
        return ExportPreview(request=request, rows=n, columns=tuple(ds.label(c) for c in cols), warnings=warnings)
    table, notes = _table(request)
    n = len(table.table)
    warnings = (TOO_MANY_FOR_EXCEL,) if request.format == "xlsx" and n > XLSX_MAX_ROWS else ()
    return ExportPreview(request=request, rows=n, columns=tuple(table_headers(table.table, ds)),
                         hidden=table.suppressed, rule=table.rule, notes=tuple(notes), warnings=warnings, table=table)


def write(what: ExportRequest | ExportPreview, *, progress: Progress | None = None,
          cancel: CancelToken | None = None, replace_read_only: bool = False) -> ExportResult:
    """Write the export and its provenance record (a preview's table is written as it was built).
    `progress(rows_done, rows_total)` is told between blocks; `cancel` stops the export there
    (CancelledError, nothing written); `replace_read_only`: the user confirmed replacing read-only files."""
    shown = what if isinstance(what, ExportPreview) else None
    request = shown.request if shown is not None else what
    if request.path is None:
        raise FilterError("Choose a file to export to.")
    ds = request.engine.ds
    if not request.is_table:
        _check(request)
        return export_rows(ds, request.rows, request.path, columns=request.columns, fmt=request.format,
                           bom=request.bom, provenance=_provenance(request), progress=progress, cancel=cancel,
                           replace_read_only=replace_read_only)
    if shown is None:
        shown = preview(request)
    return export_table(shown.table, request.path, dataset=ds, fmt=request.format, bom=request.bom,
                        provenance=_provenance(request, shown.notes), progress=progress, cancel=cancel,
                        replace_read_only=replace_read_only)


def _check(request: ExportRequest) -> None:
    """Refuse a request that mixes the choices of rows and of tables, or protects with too small a number."""
    protects = request.suppress_below is not None or request.round_to is not None or request.rate
    if not request.is_table:
        if protects:
            raise FilterError("Suppression, rounding and rates apply to summary tables: choose a column to count by.")
        return
    if not request.group_by:
        raise FilterError("Choose a column to count by for a summary table.")
    for value, what in ((request.suppress_below, "Suppression"), (request.round_to, "Rounding")):
        if value is not None and value < 2:
            raise FilterError(f"{what} needs a number of 2 or more (commonly 5).")
    if request.rate and len(request.group_by) > 1:
        raise FilterError("Rates work on a table counted by one column: leave out the second column.")


def _table(request: ExportRequest) -> tuple[SuppressionResult, list[str]]:
    """The table a request writes, protected as asked, and its notes."""
    engine, state = request.engine, request.state
    ds = engine.ds
    group = [ds.resolve_column(c) for c in request.group_by]
    if request.rate:
        from .rates import rate_table

        return rate_table(engine, state, group[0], k=request.suppress_below, round_to=request.round_to)
    counts = aggregate(ds, request.rows, group, allowed=engine.coverage_allowed(state))
    return protect_table(counts, k=request.suppress_below, round_to=request.round_to), []


def _provenance(request: ExportRequest, notes: tuple[str, ...] = ()) -> dict:
    """The facts the record keeps beside what was written: the filters, and what was chosen from them."""
    ds = request.engine.ds
    facts: dict[str, object] = {"filter_state": request.state.to_dict(),
                                "filters_in_words": request.state.describe(ds)}
    if request.what == "selected":
        facts["selection"] = "rows selected in the table"
    if request.rate:
        from .rates import POPULATION_SOURCE

        facts["population"] = POPULATION_SOURCE
        facts["rate_notes"] = list(notes)
    return facts
