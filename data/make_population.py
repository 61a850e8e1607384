"""Make data/population.csv: children aged 10-17 by police force area, sex and single year of age, from
the ONS mid-year estimates (mid-2019, mid-2021, mid-2022) in ../shared/data/raw/ons-population-10-17/.

    python data/make_population.py [--raw ../shared/data/raw]

Force names are written as the program writes them (`Devon and Cornwall`, `City of London`), sex as
children's tables write it (Boys, Girls). The script checks that the forces add up to the ONS England and
Wales totals before it writes anything.

Source: Office for National Statistics, licensed under the Open Government Licence v3.0.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from youthdrugs_gui.core import schema, spellings  # noqa: E402

ENGLAND_AND_WALES = {2019: 5_466_338, 2021: 5_650_632, 2022: 5_771_720}
SEX = {"Male": "Boys", "Female": "Girls"}


def build(raw: Path) -> list[tuple[int, str, str, int, int]]:
    src = raw / "ons-population-10-17" / "pfa_population_10_17_by_sex_age.csv"
    rows: dict[tuple[int, str, str, int], int] = defaultdict(int)
    with open(src, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            force = spellings.normalise_force(r["pfa_name"])
            if force is None:
                raise SystemExit(f"not a police force: {r['pfa_name']!r}")
            age = int(r["age"])
            if not 10 <= age <= 17:
                raise SystemExit(f"age {age} is not 10-17")
            rows[(int(r["mid_year"]), force, SEX[r["sex"]], age)] += int(r["population"])
    totals: dict[int, int] = defaultdict(int)
    for (year, *_), n in rows.items():
        totals[year] += n
    if dict(totals) != ENGLAND_AND_WALES:
        raise SystemExit(f"the forces add up to {dict(totals)}, not the ONS figures {ENGLAND_AND_WALES}")
    order = {f: i for i, f in enumerate(schema.FORCE_NAMES)}
    return sorted(((y, f, s, a, n) for (y, f, s, a), n in rows.items()),
                  key=lambda t: (t[0], order[t[1]], t[2], t[3]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=HERE.parent.parent / "shared" / "data" / "raw")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "population.csv")
    args = ap.parse_args(argv)
    rows = build(args.raw)
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mid_year", "force", "sex", "age", "population"])
        w.writerows(rows)
    print(f"wrote {len(rows):,} rows to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
