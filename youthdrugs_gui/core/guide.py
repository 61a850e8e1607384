"""The short guide a caseworker reads inside the program (Help > Guide, F1): what each filter does, what
the numbers mean, why some figures are never added, the key to the marks, the synthetic sample, how to
open a police.uk file, and the keyboard shortcuts.

Plain HTML with no links out and no images: it is shown offline, in the program's own text viewer. The
key to the marks and the measure meanings come from the same tables the exports use, so the guide and an
exported cover sheet always say the same thing.
"""
from __future__ import annotations

from html import escape
from typing import Iterable

from .cover import KEY, MEASURE_MEANINGS, SYNTHETIC_LINE

# (anchor, heading, paragraphs). Paragraphs are HTML written here, never user text.
_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("start", "Getting started", (
        "The program opens on a built-in <b>synthetic sample</b> of 100,000 made-up offences. Open your own "
        "files with <b>File &gt; Open</b> (Ctrl+O) or by dropping them on the window. Several files are "
        "added together when they count the same thing.",
        "Everything stays on this computer: the program never opens a network connection.",
    )),
    ("filters", "Filters", (
        "The lists on the left narrow the data. Tick the values you want to keep; a list with every value "
        "ticked does not filter at all. <b>All</b> and <b>None</b> tick or untick a whole list; "
        "double-click a value (or right-click &gt; Only) to keep that value alone.",
        "The <b>age slider</b> keeps children whose age lies in the range. With data in age bands (such as "
        "police.uk's \"10-17\"), a band is kept only when it lies wholly inside the range.",
        "<b>Financial year</b> keeps the years from the first box to the last. <b>Search</b> keeps rows where "
        "any text column contains what you type (capitals do not matter).",
        "<b>More filters</b> holds every other column of your file. <b>Reset filters</b> (Ctrl+R) clears "
        "them all; <b>Undo</b> (Ctrl+Z) steps back one change.",
        "Clicking a bar in the chart ticks or unticks that value in its list, like clicking the list.",
    )),
    ("numbers", "The numbers beside values", (
        "The number beside each value is what you would get if you ticked it, with all the other filters "
        "as they are. It counts in the unit the status bar names: recorded offences, arrests, stop and "
        "searches, proven offences, or rows when the data names no measure.",
        "Values that would give nothing are greyed but kept in the list, so you can see that they exist.",
    )),
    ("measures", "Measures and area levels: never added", (
        "A <b>measure</b> is what a row counts. Different measures count different things, so they are "
        "never added together: the window shows one measure at a time (pick it under Measure), and every "
        "total, chart and export is per measure.",
        "An <b>area level</b> is the size of area a figure is about: a police force area, a region, or "
        "England and Wales. A region's figure already includes its forces, so levels are never added "
        "either: pick one under Area level. The banner above the table says which measure and level are "
        "shown and what else the data holds.",
    )),
    ("marks", "What the marks mean", ()),
    ("publishing", "Publishing figures about children", (
        "Before a table leaves the program, small counts can be hidden (<b>suppression</b>: counts from 1 "
        "to one below the threshold become [c], and enough other cells are hidden that the small ones "
        "cannot be worked out from the totals) or every count can be rounded to the nearest 5. Both are "
        "in the export dialog and the report.",
        "Suppression applies to summary tables (grouped counts), not to rows: an export of rows is for "
        "your own work, not for publication.",
        "Every export has a record beside it saying where the figures came from, the filters, and the rule "
        "applied; Excel files open on a cover sheet saying the same.",
    )),
    ("synthetic", "The synthetic sample", ()),
    ("policeuk", "Opening police.uk files", (
        "Download stop-and-search files from police.uk's data page. Each monthly file is named like "
        "<code>2020-01-durham-stop-and-search.csv</code>; the program takes the police force from that "
        "name. Open several months or forces at once: they are added together.",
        "If you renamed a file, use <b>File &gt; Open with options</b> (Ctrl+Alt+O) and choose its police "
        "force there. The same dialog reads files the program cannot read alone: say the format, what each "
        "row counts, the worksheet, or give a column mapping.",
        "A month of a force that was not loaded is shown as [x] (not available), never as 0.",
    )),
    ("time", "Months, quarters and years", (
        "Financial years run from April to March (2022-23 is April 2022 to March 2023). When your data has "
        "dates, the chart can also be grouped by month, quarter or calendar year: choose it in Group by, "
        "and the line view puts them on a time axis.",
    )),
    ("keys", "Keyboard", ()),
)

# Keys that work inside widgets rather than through a menu.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "move between the lists, the slider, the table and the chart's controls"),
    ("Up / Down", "move within a list or the table"),
    ("Space", "tick or untick the value in a list"),
    ("Left / Right, Page Up / Page Down, Home / End", "move the age slider"),
    ("Ctrl+C", "copy the selected table cells, with headers"),
    ("Enter", "in a dialog, do what its main button says"),
    ("Escape", "close a dialog without doing anything"),
)


def guide_sections() -> list[tuple[str, str]]:
    """(anchor, heading) of each section, in order: the guide's contents."""
    return [(anchor, heading) for anchor, heading, _ in _SECTIONS]


def guide_html(shortcuts: Iterable[tuple[str, str]] = ()) -> str:
    """The guide as one HTML page. `shortcuts` are (keys, what they do) from the window's menus, so the
    list of shortcuts is always the one the window really has."""
    out = ["<h1>Youth Drug Offences Explorer: a short guide</h1>"]
    out.append("<p>" + " · ".join(f'<a href="#{a}">{escape(h)}</a>' for a, h in guide_sections()) + "</p>")
    for anchor, heading, paragraphs in _SECTIONS:
        out.append(f'<h2><a name="{anchor}"></a>{escape(heading)}</h2>')
        out.extend(f"<p>{p}</p>" for p in paragraphs)
        if anchor == "marks":
            out.append(_table(KEY, "Mark", "Meaning"))
            out.append("<p>A blank or 0 is never used for a figure that is missing: 0 means the sources "
                       "say there were none.</p>")
        elif anchor == "synthetic":
            out.append(f"<p><b>{escape(SYNTHETIC_LINE)}</b></p>")
            out.append("<p>It is calibrated to published Home Office and Youth Justice Board figures, so the "
                       "shapes look real, but no row is a real child. Whenever it is open, the window says "
                       "\"Synthetic sample\", and every export, image and report made from it says so "
                       "first. The measures a file can hold are:</p>")
            out.append(_table(MEASURE_MEANINGS.items(), "Measure", "What one counts"))
        elif anchor == "keys":
            out.append(_table(list(shortcuts) + list(WIDGET_KEYS), "Keys", "What they do"))
    return "\n".join(out)


def _table(rows: Iterable[tuple[str, str]], left: str, right: str) -> str:
    body = "".join(f"<tr><td><b>{escape(a)}</b></td><td>{escape(b)}</td></tr>" for a, b in rows)
    return (f'<table cellpadding="4"><tr><th align="left">{escape(left)}</th>'
            f'<th align="left">{escape(right)}</th></tr>{body}</table>')
