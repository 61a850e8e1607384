"""A chart series drawn as SVG without Qt, for reports made anywhere (the command line has no display).

Bars up for a few groups (years, ages), bars across for many (44 forces), stacked where the series is;
the colour-blind-safe Okabe-Ito palette the window uses; groups with no figure get a cross and 'no data',
never a bar of 0; England and Wales' rate, when given, a dashed line."""
from __future__ import annotations

from html import escape

import numpy as np

from . import schema

PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                            "#8C6D31", "#7F7FBF", "#5FA37B")
UNKNOWN = "#999999"
ACROSS_FROM = 13  # groups from which bars go across
_ORDERED = (schema.FINANCIAL_YEAR, schema.AGE, schema.AGE_BAND)


def _fmt(v: float) -> str:
    return f"{v:,.1f}" if not float(v).is_integer() else f"{int(v):,}"


def _colours(stacks) -> list[str]:
    out, k = [], 0
    for s in stacks:
        if str(s).casefold() in ("not recorded", "not known", "unknown", "not stated"):
            out.append(UNKNOWN)
        else:
            out.append(PALETTE[k % len(PALETTE)])
            k += 1
    return out


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / 5
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    return [i * step for i in range(int(top // step) + 1)]


def series_svg(s, *, title: str, value_label: str, labels: dict[str, str] | None = None,
               reference: float | None = None, width: int = 720) -> str:
    """The series as an SVG document (a title, the bars, a legend for stacks, a key for marks)."""
    labels = labels or {}
    across = len(s.groups) >= ACROSS_FROM and s.group_by not in _ORDERED
    vals = np.asarray(s.values, dtype=float)
    status = s.group_status()
    colours = _colours(s.stacks)
    totals = vals.sum(axis=1)
    top = float(max(totals.max() if len(totals) else 0.0, reference or 0.0)) or 1.0
    out: list[str] = []
    if across:
        body, height = _across(s, vals, totals, status, colours, top, reference, width)
    else:
        body, height = _upright(s, vals, totals, status, colours, top, reference, width, labels)
    legend, lh = _legend(s, colours, status, width, height, labels)
    total_h = height + lh + 30
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
               f'viewBox="0 0 {width} {total_h}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">')
    out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect width="{width}" height="{total_h}" fill="white"/>')
    out.append(f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>')
    out.append('<g transform="translate(0,26)">')
    out += body
    out.append(f'<text x="{width / 2:.0f}" y="{height - 2}" text-anchor="middle">{escape(value_label if across else labels.get(s.group_by, s.group_by))}</text>')
    out += legend
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _upright(s, vals, totals, status, colours, top, reference, width, labels):
    left, right, plot_h = 64.0, 12.0, 220.0
    n = len(s.groups)
    slot = (width - left - right) / max(n, 1)
    body = []
    for t in _ticks(top):
        y = plot_h - t / top * plot_h
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
    for i, g in enumerate(s.groups):
        x = left + i * slot + slot * 0.1
        y0 = plot_h
        if status[i] not in ("full", "partial"):
            body.append(f'<text x="{x + slot * 0.4:.1f}" y="{plot_h - 4:.1f}" text-anchor="middle" fill="#666">'
                        f'× <tspan font-size="9">no data</tspan></text>')
        for j, c in enumerate(colours):
            h = vals[i, j] / top * plot_h
            if h > 0:
                body.append(f'<rect x="{x:.1f}" y="{y0 - h:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}" '
                            f'fill="{c}"><title>{escape(g)}: {_fmt(vals[i, j])}</title></rect>')
                y0 -= h
        if status[i] == "partial":
            body.append(f'<text x="{x + slot * 0.4:.1f}" y="{y0 - 3:.1f}" text-anchor="middle" fill="#666">▼</text>')
        label = g if len(g) * 6 < slot else g[: max(3, int(slot / 6) - 1)] + "…"
        body.append(f'<text x="{x + slot * 0.4:.1f}" y="{plot_h + 14}" text-anchor="middle">{escape(label)}</text>')
    if reference is not None:
        y = plot_h - reference / top * plot_h
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#333" '
                    'stroke-dasharray="6,4"/>')
        body.append(f'<text x="{width - right}" y="{y - 4:.1f}" text-anchor="end">England and Wales '
                    f'{reference:.1f}</text>')
    return body, plot_h + 34


def _across(s, vals, totals, status, colours, top, reference, width):
    order = sorted(range(len(s.groups)), key=lambda i: (-totals[i], s.groups[i]))
    name_w = 8 + 6.5 * max((len(g) for g in s.groups), default=6)
    left, right, row = name_w, 40.0, 15.0
    plot_w = width - left - right
    body = []
    for t in _ticks(top):
        x = left + t / top * plot_w
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{row * len(order):.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{x:.1f}" y="{row * len(order) + 12:.1f}" text-anchor="middle">{_fmt(t)}</text>')
    for r, i in enumerate(order):
        y = r * row
        body.append(f'<text x="{left - 4:.1f}" y="{y + 11:.1f}" text-anchor="end">{escape(s.groups[i])}</text>')
        x0 = left
        for j, c in enumerate(colours):
            w = vals[i, j] / top * plot_w
            if w > 0:
                body.append(f'<rect x="{x0:.1f}" y="{y + 2:.1f}" width="{w:.1f}" height="{row - 4:.1f}" fill="{c}">'
                            f'<title>{escape(s.groups[i])}: {_fmt(vals[i, j])}</title></rect>')
                x0 += w
        if status[i] not in ("full", "partial"):
            body.append(f'<text x="{left + 4:.1f}" y="{y + 11:.1f}" fill="#666">× no data</text>')
    if reference is not None:
        x = left + reference / top * plot_w
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{row * len(order):.1f}" stroke="#333" '
                    'stroke-dasharray="6,4"/>')
    return body, row * len(order) + 34


def _legend(s, colours, status, width, top, labels):
    out, y = [], top + 4
    if s.stack_by is not None:
        x = 8.0
        for st, c in zip(s.stacks, colours):
            name = st if s.stack_by != schema.DRUG_CLASS or st == "Not known" else f"Class {st}"
            out.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{c}"/>')
            out.append(f'<text x="{x + 14:.0f}" y="{y + 9}">{escape(name)}</text>')
            x += 24 + 6.5 * len(name)
        y += 16
    if any(v not in ("full", "partial") for v in status):
        out.append(f'<text x="8" y="{y + 9}" fill="#444">× no data: the sources hold no figure here (not 0)</text>')
        y += 16
    return out, y - top
