"""The map of the 43 police force areas: geometry, five classes, and the map as an SVG file.

Geometry is package data (`force_areas.json`, made by `data/make_geometry.py` from the ONS boundaries),
already projected to kilometres so areas look their true size. Values (counts or rates per force) are
put into five classes with bounds at the quintiles of the values shown, coloured with a sequential
palette that readers with any common colour-vision deficiency can tell apart (ColorBrewer "YlGnBu").
Areas with no figure (not available, suppressed, not applicable) are grey and hatched, with a key.
London is enlarged in an inset: the Metropolitan Police and City of London areas are tiny at national
scale.

The SVG is written without Qt (each force area is its own `<path>` with an `id` and a `<title>` naming the
force), so the command line makes it with no display; the window draws the same geometry and classes.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources

from . import schema

PALETTE: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu, 5
NO_DATA = "#d9d9d9"
SOURCE_LINES: tuple[str, ...] = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0",
    "Contains OS data © Crown copyright and database right 2020",
)
LONDON: tuple[str, ...] = ("Metropolitan Police", "City of London")
MAP_SHARE = 0.64  # of the width: the map; the rest holds the London inset and the legend


@lru_cache(maxsize=1)
def areas() -> dict[str, list[list[tuple[float, float]]]]:
    """Force name -> its rings of (x, y) kilometres (y grows northwards)."""
    from .. import data as _data

    with resources.files(_data.__name__).joinpath("force_areas.json").open("r", encoding="utf-8") as f:
        raw = json.load(f)
    return {name: [[(float(x), float(y)) for x, y in ring] for ring in rings] for name, rings in raw["areas"].items()}


def bounds(names=None) -> tuple[float, float, float, float]:
    pts = [p for n, rings in areas().items() if names is None or n in names for r in rings for p in r]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Classes:
    """Five classes: `edges` has six numbers (lowest value, four inner bounds, highest value)."""

    edges: tuple[float, ...]

    def of(self, value: float) -> int:
        for i in range(5):
            if value <= self.edges[i + 1]:
                return i
        return 4

    def labels(self, fmt) -> list[str]:
        """'1.3 to 1.4' per class; with two decimals when one would make two classes look the same."""
        e = self.edges
        out = [f"{fmt(e[i])} to {fmt(e[i + 1])}" for i in range(5)]
        if len(set(out)) < 5 and not all(float(x).is_integer() for x in e):
            out = [f"{e[i]:,.2f} to {e[i + 1]:,.2f}" for i in range(5)]
        return out


def classify(values: list[float]) -> Classes | None:
    """Quintile bounds of the values (None when there are none)."""
    vals = sorted(v for v in values if v is not None and math.isfinite(v))
    if not vals:
        return None
    q = [vals[min(len(vals) - 1, int(round(i * (len(vals) - 1) / 5)))] for i in range(6)]
    q[0], q[-1] = vals[0], vals[-1]
    for i in range(1, 6):  # bounds never go down (several equal values)
        q[i] = max(q[i], q[i - 1])
    return Classes(tuple(float(x) for x in q))


def colour_of(value, classes: Classes | None) -> str:
    if not isinstance(value, (int, float)) or classes is None:
        return NO_DATA
    return PALETTE[classes.of(float(value))]


def slug(name: str) -> str:
    for canon, s, _ in schema.FORCES:
        if canon == name:
            return s
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


# ---- the SVG ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapFigure:
    """What the map shows: per force its value (number) or mark ('[x]', '[c]', '[z]'), the words for
    the hover text, which forces the filters keep (the others pale), and the heading lines."""

    values: dict[str, object]
    what: str  # "recorded offences" or "per 1,000 children aged 10-17"
    heading: tuple[str, ...] = ()
    selected: frozenset[str] | None = None
    reference: str = ""  # "England and Wales: 1.3 per 1,000 children aged 10-17"
    extra_sources: tuple[str, ...] = ()


def _fmt(v: float) -> str:
    return f"{v:,.1f}" if not float(v).is_integer() else f"{int(v):,}"


def _path(rings, tx) -> str:
    parts = []
    for ring in rings:
        pts = [tx(x, y) for x, y in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
    return " ".join(parts)


def to_svg(fig: MapFigure, width: int = 960) -> str:
    """The map as a standalone SVG document."""
    geo = areas()
    x0, y0, x1, y1 = bounds()
    head_h = 22 * len(fig.heading) + 14
    map_w = width * MAP_SHARE
    scale = map_w / (x1 - x0)
    map_h = (y1 - y0) * scale
    height = int(head_h + map_h + 40 + 18 * (len(SOURCE_LINES) + len(fig.extra_sources)))
    classes = classify([v for v in fig.values.values() if isinstance(v, (int, float))])

    def tx(x: float, y: float) -> tuple[float, float]:
        return 10 + (x - x0) * scale, head_h + (y1 - y) * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
           f"<title>{escape(' — '.join(fig.heading) or 'Map of police force areas')}</title>",
           '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9d9d9"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern></defs>',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for i, line in enumerate(fig.heading):
        weight = "bold" if i == 0 else "normal"
        out.append(f'<text x="10" y="{22 + 22 * i}" font-size="{16 if i == 0 else 13}" '
                   f'font-weight="{weight}">{escape(line)}</text>')
    out += _areas_svg(geo, fig, classes, tx, "")
    out += _inset_svg(geo, fig, classes, width, head_h)
    out += _legend_svg(fig, classes, width, head_h + 190)
    y = head_h + map_h + 24
    for line in (*fig.extra_sources, *SOURCE_LINES):
        out.append(f'<text x="10" y="{y:.0f}" font-size="11" fill="#333">{escape(line)}</text>')
        y += 18
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _area_title(name: str, value, fig: MapFigure) -> str:
    shown = _fmt(value) if isinstance(value, (int, float)) else {"[x]": "not available", "[c]": "suppressed",
                                                                 "[z]": "not applicable"}.get(str(value), "no data")
    return f"{name}: {shown} {fig.what}" if isinstance(value, (int, float)) else f"{name}: {shown}"


def _areas_svg(geo, fig: MapFigure, classes, tx, prefix: str) -> list[str]:
    out = []
    for name in sorted(geo):
        if prefix and name not in LONDON:
            continue
        value = fig.values.get(name, "[x]")
        fill = colour_of(value, classes)
        if fill == NO_DATA:
            fill = "url(#hatch)"
        pale = fig.selected is not None and name not in fig.selected
        opacity = ' fill-opacity="0.35"' if pale else ""
        out.append(f'<path id="{prefix}force-{slug(name)}" d="{_path(geo[name], tx)}" fill="{fill}"{opacity} '
                   f'stroke="#555" stroke-width="0.6"><title>{escape(_area_title(name, value, fig))}</title></path>')
    return out


def _inset_svg(geo, fig: MapFigure, classes, width: int, top: float) -> list[str]:
    lx0, ly0, lx1, ly1 = bounds(LONDON)
    box = 170.0
    s = (box - 16) / max(lx1 - lx0, ly1 - ly0)
    left = width * MAP_SHARE + 30

    def tx(x: float, y: float) -> tuple[float, float]:
        return left + 8 + (x - lx0) * s, top + 8 + (ly1 - y) * s

    out = [f'<rect x="{left}" y="{top}" width="{box}" height="{box}" fill="none" stroke="#999"/>',
           f'<text x="{left}" y="{top - 4}" font-size="11">London (enlarged)</text>']
    return out + _areas_svg(geo, fig, classes, tx, "london-")


def _legend_svg(fig: MapFigure, classes, width: int, top: float) -> list[str]:
    left = width * MAP_SHARE + 30
    out = [f'<text x="{left}" y="{top}" font-size="12" font-weight="bold">{escape(fig.what.capitalize())}</text>']
    y = top + 8
    if classes is not None:
        for colour, label in zip(PALETTE, classes.labels(_fmt)):
            out.append(f'<rect x="{left}" y="{y}" width="16" height="12" fill="{colour}" stroke="#555" '
                       'stroke-width="0.5"/>')
            out.append(f'<text x="{left + 22}" y="{y + 11}" font-size="11">{escape(label)}</text>')
            y += 18
    out.append(f'<rect x="{left}" y="{y}" width="16" height="12" fill="url(#hatch)" stroke="#555" '
               'stroke-width="0.5"/>')
    out.append(f'<text x="{left + 22}" y="{y + 11}" font-size="11">no figure: not available,</text>')
    out.append(f'<text x="{left + 22}" y="{y + 25}" font-size="11">suppressed or not applicable</text>')
    y += 44
    if fig.reference:
        head, _, tail = fig.reference.partition(": ")
        out.append(f'<text x="{left}" y="{y}" font-size="11" font-weight="bold">{escape(head)}:</text>')
        out.append(f'<text x="{left}" y="{y + 15}" font-size="11">{escape(tail)}</text>')
    return out
