"""A board paper in one click: the current view as a report (HTML here; PDF drawn by Qt from the same).

A report holds what a management board needs on two or three pages: the question (title, filters), the
answer (headline figures per measure, the change from the previous year, the rate beside England and
Wales), the chart and the map, the table behind the chart with the same suppression or rounding as an
export and the key to its shorthand, and notes (what is counted, the filters in full, the protection
rule, the population and map sources, the data notes, the source files with SHA-256). Made from data
that is synthetic, its first line says so.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from . import schema
from .cover import KEY, SYNTHETIC_LINE, measures_line, source_line
from .errors import FilterError


@dataclass
class Report:
    title: str
    made: str  # date and program version
    synthetic: bool
    headlines: list[str]
    table: pd.DataFrame
    table_caption: str
    rule: str
    notes: list[tuple[str, list[str]]]
    images: dict[str, str] = field(default_factory=dict)  # name -> SVG text ("chart", "map")


def default_title(ds, state) -> str:
    """'Drug offences by children aged 10-15, Essex, 2018-19 to 2022-23' from the filters."""
    text = "Drug offences by children"
    if state.age_range is not None:
        lo, hi = state.age_range
        text += f" aged {lo}" if lo == hi else f" aged {lo}-{hi}"
    forces = state.selected(schema.FORCE)
    if forces:
        text += ", " + (", ".join(sorted(forces)) if len(forces) <= 3 else f"{len(forces)} police forces")
    years = state.year_range
    if years is not None:
        text += f", {years[0]}" if years[0] == years[1] else f", {years[0]} to {years[1]}"
    elif state.selected(schema.FINANCIAL_YEAR):
        ys = sorted(state.selected(schema.FINANCIAL_YEAR))
        text += f", {ys[0]}" if len(ys) == 1 else f", {ys[0]} to {ys[-1]}"
    return text


def _year_change(engine, state, result, k: int | None, round_to: int | None) -> str:
    """'2022-23: 1,214, up 86 (7.6%) on 2021-22' for the last two years of the selection."""
    ds = engine.ds
    if not ds.has(schema.FINANCIAL_YEAR) or len(result.totals) != 1:
        return ""
    from .tables import aggregate

    table = aggregate(ds, result.rows, [schema.FINANCIAL_YEAR])
    table = table[table[schema.FINANCIAL_YEAR].astype(str) != schema.NOT_RECORDED]
    if "status" in table.columns:
        table = table[table["status"].isin(["full", "partial"])]
    if len(table) < 2:
        return ""
    (y0, n0), (y1, n1) = [(str(a), int(b)) for a, b in zip(table[schema.FINANCIAL_YEAR].tail(2),
                                                           table["count"].tail(2))]
    small = k or round_to
    if small and (1 <= n0 < small or 1 <= n1 < small):
        return f"{y1} against {y0}: the change is not shown because a count is below {small}."
    if round_to:
        n0 = (2 * n0 + round_to) // (2 * round_to) * round_to
        n1 = (2 * n1 + round_to) // (2 * round_to) * round_to
    diff = n1 - n0
    word = "up" if diff > 0 else "down" if diff < 0 else "no change"
    pct = f" ({abs(diff) / n0 * 100:.1f}%)" if n0 and diff else ""
    tail = f"{word} {abs(diff):,}{pct} on {y0}" if diff else f"no change on {y0}"
    return f"{y1}: {n1:,}, {tail}."


def make_report(engine, state, *, group_by: str, stack_by: str | None = None, rate: bool = False,
                k: int | None = None, round_to: int | None = None, title: str | None = None,
                version: str = "", when: _dt.datetime | None = None) -> Report:
    """The report of a view. Raises FilterError on a view that cannot be reported (as export does)."""
    from . import forcemap, rates, svgchart
    from .disclosure import protect_table
    from .tables import aggregate
    from .notes import data_notes

    ds = engine.ds
    state = engine.check(state)
    result = engine.apply(state, group_by, stack_by)
    if result.chart_refusal:
        raise FilterError(result.chart_refusal.words)
    when = when or _dt.datetime.now(_dt.timezone.utc)
    filters = state.describe(ds)
    headlines = [result.totals_text()[:1].upper() + result.totals_text()[1:] + "."]
    change = _year_change(engine, state, result, k, round_to)
    if change:
        headlines.append(change)
    notes_rates: list[str] = []
    if rate:
        if stack_by:
            raise FilterError("Rates work on a table grouped by one column: leave out the stacking.")
        res, notes_rates = rates.rate_table(engine, state, group_by, k=k, round_to=round_to)
        col = res.table.columns[-3] if len(res.table.columns) >= 3 else res.table.columns[0]
        by_label = dict(zip(res.table[col].astype(str), res.table[rates.RATE_HEADER]))
        headlines.append(f"Per 1,000 children aged 10-17: {by_label.get('Total', '[x]')} "
                         f"(England and Wales: {by_label.get(rates.ENGLAND_AND_WALES, '[x]')}).")
    else:
        table = aggregate(ds, result.rows, [c for c in (group_by, stack_by) if c],
                          allowed=engine.coverage_allowed(state))
        res = protect_table(table, k=k, round_to=round_to)
    shown = res.table.rename(columns={c: ds.label(c) for c in res.table.columns if isinstance(c, str) and ds.has(c)})
    shown = shown.rename(columns={"count": "Count"})
    images: dict[str, str] = {}
    series = result.series
    if series is not None and result.highlight is not None:  # the report shows what the filters keep
        keep = [i for i, g in enumerate(series.groups) if g in result.highlight]
        from dataclasses import replace as _replace

        series = _replace(series, groups=tuple(series.groups[i] for i in keep), values=series.values[keep],
                          status=None if series.status is None else series.status[keep])
        result = _replace(result, series=series)
    reference = None
    value_label = "Count"
    if rate and series is not None:
        sr = rates.series_rates(ds, state, result)
        series, reference, value_label = rates.rated_series(series, sr), sr.reference, rates.RATE_HEADER
    if series is not None and series.groups:
        images["chart"] = svgchart.series_svg(series, title=f"{value_label} by {ds.label(series.group_by)}",
                                              value_label=value_label, labels=ds.labels, reference=reference)
    if ds.has(schema.FORCE):
        try:
            values, what, ref, _ = rates.force_values(engine, state, per_children=rate, k=k, round_to=round_to)
            images["map"] = forcemap.to_svg(forcemap.MapFigure(values=values, what=what, heading=(),
                                                               selected=state.selected(schema.FORCE), reference=ref,
                                                               extra_sources=(rates.POPULATION_SOURCE,) if rate else ()))
        except FilterError:
            pass
    notes = [("What is counted", [measures_line(ds).removeprefix("Counts: ")]),
             ("Filters", [filters]),
             ("Protection", [res.rule if res.rule != "none" else
                             "none: counts are not suppressed (for casework, not for publication)"]),
             ("Key to the table", [f"{m}  {meaning}" for m, meaning in KEY])]
    sources = []
    if rate:
        sources.append(rates.POPULATION_SOURCE)
        notes[0][1].extend(notes_rates)
    if "map" in images:
        sources += list(forcemap.SOURCE_LINES)
    if sources:
        notes.append(("Population and map", sources))
    notes += [(h, lines) for h, lines in data_notes(ds) if h not in ("Synthetic data",)]
    notes.append(("Source files", [f"{s.path.replace(chr(92), '/').rsplit('/', 1)[-1]} ({s.format}), SHA-256 "
                                   f"{s.sha256}" for s in ds.sources] or [source_line(ds)]))
    return Report(title=title or default_title(ds, state),
                  made=f"{when.astimezone(_dt.timezone.utc).strftime('%d %B %Y')} · youthdrugs-gui {version}".strip(),
                  synthetic=ds.synthetic, headlines=headlines, table=shown,
                  table_caption=f"{value_label} by {', '.join(ds.label(c) for c in (group_by, stack_by) if c)}",
                  rule=res.rule, notes=notes, images=images)


_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #111; max-width: 52em; margin: 1em auto; }
h1 { font-size: 16pt; margin: 0.2em 0; } h2 { font-size: 12pt; margin: 1em 0 0.3em; }
.synthetic { background: #F0E442; font-weight: bold; padding: 0.3em 0.5em; }
.made { color: #444; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #999; padding: 2px 6px; } td.n { text-align: right; }
thead th { background: #eee; }
ul { margin: 0.2em 0 0.6em 1.2em; padding: 0; }
"""


def to_html(report: Report, *, inline_images: bool = True) -> str:
    """One self-contained HTML file (images inline as SVG); with inline_images=False images are
    <img src="name"> for a renderer that supplies them (the PDF)."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>"]
    if report.synthetic:
        out.append(f'<p class="synthetic">{escape(SYNTHETIC_LINE)}</p>')
    out.append(f"<h1>{escape(report.title)}</h1>")
    out.append(f'<p class="made">{escape(report.made)}</p>')
    out.append("<h2>Headline figures</h2><ul>" + "".join(f"<li>{escape(h)}</li>" for h in report.headlines) + "</ul>")
    for name, heading in (("chart", "Chart"), ("map", "Map")):
        if name in report.images:
            out.append(f"<h2>{heading}</h2>")
            if inline_images:
                svg = report.images[name]
                out.append(svg[svg.index("<svg"):])
            else:
                out.append(f'<p><img src="{name}" width="620"></p>')
    out.append(f"<h2>Table: {escape(report.table_caption)}</h2>")
    out.append(_table_html(report.table))
    out.append("<h2>Notes</h2>")
    for heading, lines in report.notes:
        out.append(f"<p><b>{escape(heading)}</b></p><ul>" + "".join(f"<li>{escape(str(x))}</li>" for x in lines)
                   + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                text = f"{v:,.1f}" if isinstance(v, float) and not v.is_integer() else f"{int(v):,}"
                cells.append(f'<td class="n">{text}</td>')
            else:
                text = "" if v is None or (isinstance(v, float) and v != v) else str(v)
                cls = ' class="n"' if text.startswith("[") or text[:1].isdigit() else ""
                cells.append(f"<td{cls}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table border="1" cellspacing="0" cellpadding="3"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")
