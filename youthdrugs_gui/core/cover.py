"""The cover of a published table: what a reader needs beside the numbers, in words.

Government Statistical Service guidance on releasing statistics in spreadsheets asks for a cover sheet
before the tables: a title, the source, the date, what is counted, the filters, the key to the
shorthand in the cells and the rule that protected them. The same lines head chart images and the
chart's table, so a figure that leaves the program says where it came from and what it may be used for.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from . import schema

if TYPE_CHECKING:
    from .dataset import Dataset

SYNTHETIC_LINE = ("Synthetic data: made up for trying the program. It describes no real child and must not be "
                  "published or used for decisions.")
SYNTHETIC_SHORT = "Synthetic data: no real children"

MEASURE_MEANINGS: dict[str, str] = {
    "Arrest": "arrests of children aged 10-17 (one per arrest, whatever the number of offences)",
    "Stop and search": "stop and searches (one per person searched)",
    "Recorded offence": "drug offences by children recorded by the police (one per offence)",
    "Proven offence": "offences by children that ended in a caution or a conviction (one per offence)",
}

KEY: tuple[tuple[str, str], ...] = (
    ("[c]", "confidential: a small count suppressed so that no child can be identified (or suppressed in the "
            "source)"),
    ("[x]", "not available: the sources hold no figure for this cell (never the same as 0)"),
    ("[z]", "not applicable"),
    ("[part]", "after a number: a total of the figures available only; some of the cells it spans are not "
               "available"),
    ("0", "a true zero: the sources cover this cell and nothing was counted"),
)


def source_line(ds: "Dataset | None") -> str:
    """'Source: 2020-01-durham-stop-and-search.csv (police.uk stop-and-search), ...' in one line."""
    if ds is None or not ds.sources:
        return "Source: not recorded"
    parts = [f"{_name(s.path)} ({s.format})" for s in ds.sources[:4]]
    more = f" and {len(ds.sources) - 4} more files" if len(ds.sources) > 4 else ""
    return "Source: " + ", ".join(parts) + more


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def measures_line(ds: "Dataset | None") -> str:
    """What the figures count, one phrase per measure present."""
    if ds is None:
        return ""
    ms = ds.measures
    if not ms:
        return "Counts: the count column of the source (or one per row)"
    return "Counts: " + "; ".join(f"{m}: {MEASURE_MEANINGS.get(m, m.lower())}" for m in ms)


def title_of(filters: str, what: str = "Drug offences by children") -> str:
    return what if not filters or filters == "No filters" else f"{what}: {filters}"


def heading_lines(ds: "Dataset | None", filters: str) -> list[str]:
    """The lines a chart image or the chart's table carries above the figures."""
    lines = [title_of(filters)]
    if ds is not None and ds.synthetic:
        lines.insert(0, SYNTHETIC_SHORT)
    lines.append(source_line(ds))
    return lines


def cover_rows(ds: "Dataset | None", *, kind: str, filters: str, suppression: str,
               when: _dt.datetime | None = None, version: str = "") -> list[tuple[str, str]]:
    """(label, text) rows of an XLSX cover sheet. For synthetic data the first row says so."""
    when = when or _dt.datetime.now(_dt.timezone.utc)
    rows: list[tuple[str, str]] = []
    if ds is not None and ds.synthetic:
        rows.append(("SYNTHETIC DATA", SYNTHETIC_LINE))
    what = "the rows selected" if kind == "rows" else "a summary table"
    rows += [
        ("Title", title_of(filters)),
        ("Contents", f"The next sheet holds {what}."),
        ("Date", when.astimezone(_dt.timezone.utc).strftime("%d %B %Y, %H:%M UTC")),
        ("Filters", filters or "No filters"),
        ("What is counted", measures_line(ds).removeprefix("Counts: ")),
    ]
    if ds is not None and schema.AREA_LEVEL in ds.partition_columns:
        rows.append(("Area levels", "Figures for areas at different levels (England and Wales, a region, a police "
                                    "force area) contain one another and are never added together."))
    if ds is not None:
        for i, src in enumerate(ds.sources[:20]):
            rows.append(("Source" if i == 0 else "", f"{_name(src.path)} ({src.format}), SHA-256 {src.sha256}"))
        if len(ds.sources) > 20:
            rows.append(("", f"and {len(ds.sources) - 20} more files (listed in the provenance record)"))
    rows.append(("Protection", suppression if suppression and suppression != "none" else
                 "none: counts are not suppressed (for casework, not for publication)"))
    for i, (mark, meaning) in enumerate(KEY):
        rows.append(("Key to the cells" if i == 0 else "", f"{mark}  {meaning}"))
    rows.append(("Made by", f"youthdrugs-gui {version}".strip()))
    return rows
