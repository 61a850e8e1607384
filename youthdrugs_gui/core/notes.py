"""What the user should know about the data on screen, in words: the load notes in full, what is not
available, and which kind of figure (measure, area level) the window is showing and why only one."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import schema
from .cover import SYNTHETIC_LINE

if TYPE_CHECKING:
    from .dataset import Dataset
    from .filter_state import FilterState


def data_notes(ds: "Dataset") -> list[tuple[str, list[str]]]:
    """Sections (heading, lines) of the Data notes: per source file what was read and how, then what is
    not available, then the rule on measures and levels."""
    sections: list[tuple[str, list[str]]] = []
    if ds.synthetic:
        sections.append(("Synthetic data", [SYNTHETIC_LINE]))
    for src in ds.sources:
        lines = [f"Read as: {src.format}; {src.rows:,} rows kept."]
        if src.mapping:
            lines.append("Columns: " + "; ".join(f"'{h}' as {ds.label(c) if c in ds.labels else c}"
                                                 for h, c in src.mapping.items()))
        lines += [n[:1].upper() + n[1:] for n in src.notes]
        sections.append((Path(src.path).name, lines))
    cov = ds.coverage
    if cov is not None:
        gaps = cov.describe()
        if gaps:
            sections.append(("Not available", gaps + ["Cells with no figure are shown as [x] in tables and "
                                                      "exports and as a 'no data' mark in the chart, never as 0."]))
    parts = ds.partition_totals()
    if len(parts) > 1:
        sections.append(("Never added together",
                         ["Different measures, and areas at different levels (England and Wales contains the "
                          "regions, a region its police forces), are never added together. The window shows "
                          "one at a time; choose under Measure or Area level."]
                         + [f"{name}: {value:,}" for name, value in parts]))
    return sections


def data_notes_text(ds: "Dataset") -> str:
    out = []
    for heading, lines in data_notes(ds):
        out.append(heading)
        out += [f"  - {ln}" for ln in lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def part_banner(ds: "Dataset", state: "FilterState") -> str:
    """One or two sentences saying which kind of figure is shown where the data has several, e.g.
    'Showing arrests at the level of police force areas. This data also has figures for England and
    Wales and Region: choose under Area level. They are never added together.'"""
    multi = ds.partition_columns
    if not multi:
        return ""

    def shown(col: str) -> str | None:
        sel = state.selected(col)
        if sel is not None and len(sel) == 1:
            return next(iter(sel))
        present = ds.values_present(col) if ds.has(col) and col in ds.categorical_columns else []
        return present[0] if len(present) == 1 else None

    measure = shown(schema.MEASURE)
    what = schema.MEASURE_NOUNS.get(measure, (measure, measure))[1] if measure else "figures"
    text = f"Showing {what}"
    level = shown(schema.AREA_LEVEL)
    if level:
        text += f", area level: {level}"
    others = []
    for col, word in ((schema.MEASURE, "Measure"), (schema.AREA_LEVEL, "Area level")):
        if col in multi:
            rest = [v for v in ds.values_present(col) if v != shown(col)]
            if rest:
                others.append(f"{', '.join(rest)} (choose under {word})")
    if others:
        text += ". This data also has " + "; ".join(others) + ": they are never added together."
    else:
        text += "."
    return text
