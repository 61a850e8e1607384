"""Make data/force_areas.json: the 43 police force areas of England and Wales as polygons in kilometres,
from the ONS boundaries (December 2020, ultra generalised, clipped to the coastline) in
../shared/data/raw/ons-police-force-areas/.

    python data/make_geometry.py [--raw ../shared/data/raw]

Longitude and latitude are projected so that areas look the right size: x = (longitude + 2) *
111.32 * cos(52.5 degrees), y = latitude * 110.57, in kilometres rounded to 0.1 km (a sinusoidal-like
projection about the middle of England and Wales; distortion under 5% across it). Rings keep every ONS
vertex, only points closer than 0.2 km to the one before are dropped.

Source: Office for National Statistics licensed under the Open Government Licence v3.0.
Contains OS data © Crown copyright and database right 2020.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from youthdrugs_gui.core import spellings  # noqa: E402

KX = 111.32 * math.cos(math.radians(52.5))
KY = 110.57
MIN_STEP_KM = 0.2


def _project(lon: float, lat: float) -> tuple[float, float]:
    return round((lon + 2.0) * KX, 1), round(lat * KY, 1)


def _ring(coords: list) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat, *_ in coords:
        x, y = _project(lon, lat)
        if out and math.hypot(x - out[-1][0], y - out[-1][1]) < MIN_STEP_KM:
            continue
        out.append([x, y])
    return out


def build(raw: Path) -> dict:
    src = raw / "ons-police-force-areas" / "police_force_areas_2020_buc.geojson"
    data = json.loads(src.read_text(encoding="utf-8"))
    areas: dict[str, list] = {}
    for feat in data["features"]:
        force = spellings.normalise_force(feat["properties"]["PFA20NM"])
        if force is None:
            raise SystemExit(f"not a police force: {feat['properties']['PFA20NM']!r}")
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = [_ring(ring) for poly in polys for ring in poly[:1]]  # outer rings (no holes at this scale)
        areas[force] = [r for r in rings if len(r) >= 3]
    if len(areas) != 43:
        raise SystemExit(f"{len(areas)} force areas, not 43")
    return {
        "projection": "x = (longitude + 2) * 111.32 * cos(52.5 deg), y = latitude * 110.57, kilometres",
        "source": "Office for National Statistics licensed under the Open Government Licence v3.0",
        "copyright": "Contains OS data © Crown copyright and database right 2020",
        "areas": areas,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=HERE.parent.parent / "shared" / "data" / "raw")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "force_areas.json")
    args = ap.parse_args(argv)
    out = build(args.raw)
    args.output.write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    n = sum(len(r) for rings in out["areas"].values() for r in rings)
    print(f"wrote {len(out['areas'])} areas, {n:,} points, {args.output.stat().st_size:,} bytes to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
