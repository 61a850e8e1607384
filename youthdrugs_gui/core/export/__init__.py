"""Writing what the user sees to CSV or XLSX: safe cells, atomic files, a provenance record.

`cells` keeps text from running as a formula, `writers` streams CSV and XLSX, `targets` refuses a name
that must not be replaced, `atomic` puts a file and its record in place as one pair (or leaves the old
pair), `provenance` says what was written from what, and `files` joins them into `export_rows`,
`export_table` and `write_report`. What to export from a view (the filtered rows, the selected rows or
the chart's table, with suppression) is `core.export_view`."""
from __future__ import annotations

from .atomic import cleanup_stale_temp_files, record_matches, write_bytes_atomic, write_text_atomic
from .cells import neutralise
from .files import FORMATS, XLSX_MAX_ROWS, ExportResult, export_rows, export_table, write_report
from .provenance import program_version
from .targets import check_target, read_only_targets, sidecar_path

__all__ = [
    "FORMATS", "XLSX_MAX_ROWS", "ExportResult", "check_target", "cleanup_stale_temp_files", "export_rows",
    "export_table", "neutralise", "program_version", "read_only_targets", "record_matches", "sidecar_path",
    "write_bytes_atomic", "write_report", "write_text_atomic",
]
