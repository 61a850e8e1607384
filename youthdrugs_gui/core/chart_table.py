"""The chart's numbers and words without Qt: the table behind the chart (rows and columns as text,
status marks, totals), its caption, and the words of its tooltips and key.

The chart panel, its table dialog and its image export all read these, so a figure is named the same
way on screen, in the table and in a saved picture.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from . import schema
from .result import ChartSeries

STATUS_WORDS: dict[str, str] = {"[x]": "no data (not available in the sources)", "[c]": "suppressed in the source",
                                "[z]": "not applicable", "partial": "part only (some figures not available):"}
MARKS = ("[x]", "[c]", "[z]")
RATE_PREFIX = "per 1,000"
REFERENCE_NAME = "England and Wales"
NO_DATA_KEY = "× no data: the sources hold no figure here (not 0)"
PART_KEY = "▼ part: some of the figures here are not available"
PALE_KEY = "Pale: not ticked - what ticking it would add"


def fmt(n: int | float) -> str:
    """Counts as whole numbers with separators; rates with one decimal place."""
    if isinstance(n, (float, np.floating)) and not float(n).is_integer():
        return f"{float(n):,.1f}"
    return f"{int(n):,}"


def status_cell(value: object, status: str) -> object:
    """A table cell: the number, '[x]'-style marks where the sources have no figure, and '12 [part]'
    where a figure leaves some out."""
    if status in MARKS:
        return status
    if status == "partial":
        return f"{int(value):,} [part]"
    return value


def is_rate(s: ChartSeries) -> bool:
    """Whether the series holds rates per 1,000 children rather than counts."""
    return bool(s.measure) and s.measure.startswith(RATE_PREFIX)


def value_label(s: ChartSeries) -> str:
    """What the values are, for the value axis: 'Count (Recorded offence)', 'Per 1,000 children ...'."""
    if is_rate(s):
        return s.measure[:1].upper() + s.measure[1:]
    return f"Count ({s.measure})" if s.measure else "Count"


def column_label(labels: Mapping[str, str], column: str | None) -> str:
    """The name the user knows a column by."""
    if column is None:
        return ""
    spec = schema.CANONICAL.get(column)
    return labels.get(column, spec.label if spec is not None else column)


def value_name(labels: Mapping[str, str], column: str | None, value: str) -> str:
    """A value with its column's name when the value alone says little: 'A' -> 'Drug class A'."""
    if column is None or not value:
        return value
    if len(value) <= 2 or value.isdigit():
        return f"{column_label(labels, column)} {value}"
    return value


def caption(s: ChartSeries, labels: Mapping[str, str]) -> str:
    """'Count (Recorded offence) by Police force and Drug class'."""
    text = f"{value_label(s)} by {column_label(labels, s.group_by)}"
    if s.stack_by:
        text += f" and {column_label(labels, s.stack_by)}"
    return text


def group_total_text(s: ChartSeries, labels: Mapping[str, str], group: str) -> str:
    """A group's total in words ('Essex: 1,214'; 'Essex\\nTotal: 1,524' when stacked), or why it has none."""
    i = s.groups.index(group)
    name = value_name(labels, s.group_by, group)
    status = s.group_status()[i]
    total = s.values[i].sum()
    if status != "full":
        return f"{name}: {STATUS_WORDS.get(status, status)}" + (f" {fmt(total)}" if status == "partial" else "")
    if s.stack_by is None:
        return f"{name}: {fmt(total)}"
    return f"{name}\nTotal: {fmt(total)}"


def cell_text(s: ChartSeries, labels: Mapping[str, str], i: int, j: int) -> str:
    """One bar segment or line point in words: 'Essex — Drug class A: 1,214\\nTotal for Essex: 1,524'."""
    group, stack = s.groups[i], s.stacks[j]
    value = s.values[i, j]
    gname = value_name(labels, s.group_by, group)
    if s.status is not None and s.status[i, j] != "full":
        status = s.status[i, j]
        return f"{gname}: {STATUS_WORDS.get(status, '')}" + ("" if status != "partial" else f" {fmt(value)}")
    if s.stack_by is None:
        return f"{gname}: {fmt(value)}"
    text = f"{gname} — {value_name(labels, s.stack_by, stack)}: {fmt(value)}"
    return text + f"\nTotal for {gname}: {fmt(s.values[i].sum())}"


def description(s: ChartSeries, labels: Mapping[str, str], kind: str) -> str:
    """What a screen reader says about the chart: its kind, what it counts, its highest group."""
    totals = s.totals
    i = int(np.argmax(totals))
    return (f"{kind}: {caption(s, labels)}; {len(s.groups)} groups; highest {s.groups[i]} with {fmt(totals[i])}. "
            "Use 'Table' (Ctrl+T) to read every value.")


def key_lines(s: ChartSeries | None, pale: bool) -> list[str]:
    """The chart's key: what a cross, a triangle and a pale bar mean, for those on screen."""
    lines = []
    if s is not None:
        status = s.group_status()
        if any(v not in ("full", "partial") for v in status):
            lines.append(NO_DATA_KEY)
        if "partial" in status:
            lines.append(PART_KEY)
    if pale:
        lines.append(PALE_KEY)
    return lines


def table_frame(s: ChartSeries | None, labels: Mapping[str, str], reference: float | None = None) -> pd.DataFrame:
    """The numbers behind the chart: the group column, one column per stack (or 'Count'), 'Total';
    marks where the sources have no figure, and England and Wales' rate as a last row when given."""
    if s is None:
        return pd.DataFrame()
    data: dict[str, object] = {column_label(labels, s.group_by): list(s.groups)}
    if s.stack_by is None:
        data["Count"] = s.values[:, 0] if s.values.shape[1] else np.zeros(len(s.groups), dtype=np.int64)
    else:
        for j, stack in enumerate(s.stacks):
            name = value_name(labels, s.stack_by, stack)
            if name in data:
                name = f"{name} ({column_label(labels, s.stack_by)})"
            data[name] = s.values[:, j]
    data["Total"] = s.totals
    frame = pd.DataFrame(data)
    if s.status is not None:  # cells the sources lack say so; figures over some of them are marked
        for j, col in enumerate(frame.columns[1:-1]):
            frame[col] = [status_cell(v, st) for v, st in zip(frame[col], s.status[:, j])]
        frame["Total"] = [status_cell(v, st) for v, st in zip(frame["Total"], s.group_status())]
    if reference is not None:  # rates: England and Wales under the same filters
        row: dict[str, object] = {c: "" for c in frame.columns}
        row[frame.columns[0]] = REFERENCE_NAME
        row["Total"] = reference
        frame = pd.concat([frame.astype(object), pd.DataFrame([row])], ignore_index=True)
    return frame


def cell_texts(frame: pd.DataFrame) -> list[list[tuple[str, object]]]:
    """Each table cell as (text shown, value copied): numbers with separators, marks as they are."""
    rows = []
    for row in frame.itertuples(index=False):
        cells: list[tuple[str, object]] = []
        for j, v in enumerate(row):
            if j == 0 or isinstance(v, str):  # the group's name, '[x]' not available, '12 [part]'
                cells.append((str(v), str(v)))
            else:
                cells.append((fmt(v), float(v) if isinstance(v, (float, np.floating)) else int(v)))
        rows.append(cells)
    return rows
