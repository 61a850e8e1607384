"""Rates per 1,000 children aged 10-17 and the map of police force areas."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.forcemap import areas, classify
from youthdrugs_gui.core.population import Span, estimate_year, forces_of_area, population
from youthdrugs_gui.core.rates import RATE_HEADER, force_values, rate_table
from youthdrugs_gui.core.sources import load_files, load_sample

RAW = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"
ARRESTS = RAW / "ho-arrests-children" / \
    "ho_arrests_age10-17_by_reason_sex_ethnicity_ew_and_west_midlands_2006-07_to_2021-22.csv"


# ---- the population table ------------------------------------------------------------------------
def test_forces_add_up_to_the_ons_england_and_wales_figures():
    pop = population()
    totals = pop.groupby("mid_year")["population"].sum().to_dict()
    assert totals == {2019: 5_466_338, 2021: 5_650_632, 2022: 5_771_720}
    assert set(pop["force"]) == set(schema.FORCE_NAMES) - {"British Transport Police"}
    assert set(pop["sex"]) == {"Boys", "Girls"} and set(pop["age"]) == set(range(10, 18))
    assert "Devon and Cornwall" in set(pop["force"]) and "City of London" in set(pop["force"])


@pytest.mark.skipif(not (RAW / "ons-population-10-17").is_dir(), reason="the ONS files are not here")
def test_the_shipped_table_is_what_the_script_makes(tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "data" / "make_population.py"
    spec = importlib.util.spec_from_file_location("make_population", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "population.csv"
    assert mod.main(["--raw", str(RAW), "-o", str(out)]) == 0
    shipped = Path(__file__).resolve().parents[2] / "data" / "population.csv"
    assert out.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


# ---- the denominator rules -----------------------------------------------------------------------
@pytest.mark.parametrize("fy, year", [("2013-14", 2019), ("2019-20", 2019), ("2020-21", 2019), ("2021-22", 2021),
                                      ("2022-23", 2022), ("2023-24", 2022)])
def test_population_year_is_the_latest_estimate_not_after_the_year_starts(fy, year):
    assert estimate_year(fy) == year


def test_denominator_follows_forces_ages_sex_and_years():
    pop = population()

    def ons(year, forces=None, ages=range(10, 18), sexes=("Boys", "Girls")):
        p = pop[(pop["mid_year"] == year) & pop["age"].isin(list(ages)) & pop["sex"].isin(sexes)]
        if forces:
            p = p[p["force"].isin(forces)]
        return int(p["population"].sum())

    assert Span(years=("2022-23",)).children() == 5_771_720
    assert Span(forces=("Essex",), years=("2021-22",)).children() == ons(2021, ["Essex"])
    assert Span(forces=("Essex",), ages=(15, 16, 17), sexes=("Girls",), years=("2020-21",)).children() == \
        ons(2019, ["Essex"], range(15, 18), ("Girls",))
    # two years: children of each year added up
    assert Span(forces=("Kent",), years=("2021-22", "2022-23")).children() == ons(2021, ["Kent"]) + ons(2022, ["Kent"])


def test_areas_are_their_forces():
    assert forces_of_area("West Midlands region") == ["Staffordshire", "Warwickshire", "West Mercia", "West Midlands"]
    assert len(forces_of_area("England and Wales")) == 43
    assert set(forces_of_area("Wales")) == {"Dyfed-Powys", "Gwent", "North Wales", "South Wales"}
    assert forces_of_area("Devon & Cornwall Police") == ["Devon and Cornwall"]


def test_rate_table_of_the_sample_by_force():
    ds = load_sample()
    eng = Engine(ds)
    state = FilterState().with_year_range(("2022-23", "2022-23"))
    res, notes = rate_table(eng, state, "force")
    t = res.table.set_index("force")
    n = int(t.loc["Essex", "count"])
    assert t.loc["Essex", RATE_HEADER] == round(1000 * n / Span(("Essex",), years=("2022-23",)).children(), 1)
    assert t.loc["City of London", RATE_HEADER] == "[z]"
    assert t.loc["British Transport Police", RATE_HEADER] == "[z]"
    ew = t.loc["England and Wales"]
    assert ew["count"] == t.loc["Total", "count"]
    assert ew[RATE_HEADER] == f"{1000 * int(ew['count']) / 5_771_720:.1f}"
    assert any("mid-2022" in x for x in notes)
    assert "Office for National Statistics" in res.rule


def test_a_rate_of_a_suppressed_count_is_suppressed():
    ds = load_sample()
    eng = Engine(ds)
    state = FilterState().with_year_range(("2022-23", "2022-23")).with_values("sex", ["Girls"]).with_age_range((10, 12))
    res, _ = rate_table(eng, state, "force", k=5)
    for count, r in zip(res.table["count"], res.table[RATE_HEADER]):
        if count == "[c]":
            assert r in ("[c]", "[z]")


def test_rates_of_rounded_counts_come_from_the_rounded_count():
    ds = load_sample()
    eng = Engine(ds)
    res, _ = rate_table(eng, FilterState().with_year_range(("2021-22", "2021-22")), "force", round_to=5)
    t = res.table.set_index("force")
    n = t.loc["Kent", "count"]
    assert n % 5 == 0
    assert t.loc["Kent", RATE_HEADER] == round(1000 * n / Span(("Kent",), years=("2021-22",)).children(), 1)


def test_adults_are_refused(tmp_path):
    p = tmp_path / "adults.csv"
    p.write_text("Force,Age range,Count\nKent,18-24,5\nKent,10-17,3\n", encoding="utf-8")
    ds = load_files(p)
    with pytest.raises(Exception, match="children aged 10-17"):
        rate_table(Engine(ds), FilterState(), "force")
    res, _ = rate_table(Engine(ds), FilterState().with_values("age_band", ["10-17"]), "force")
    assert res.table.set_index("force").loc["Kent", "count"] == 3


@pytest.mark.skipif(not ARRESTS.exists(), reason="the real files are not here")
def test_home_office_levels_each_get_their_own_denominator(tmp_path):
    out = tmp_path / "r.csv"
    assert run_cli(["export", str(ARRESTS), "--filter", "offence_group=Drug offences", "--year", "2020-21",
                    "--group-by", "force", "--rate", "-o", str(out)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["Area level", "Area", "Count", RATE_HEADER]
    got = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert got[("England and Wales", "England and Wales")] == f"{1000 * 6135 / 5_466_338:.1f}"
    wm = Span(tuple(forces_of_area("West Midlands region")), years=("2020-21",)).children()
    assert got[("Region", "West Midlands region")] == f"{1000 * 311 / wm:.1f}"


def test_cli_rate_column_and_england_and_wales_row(tmp_path, capsys):
    out = tmp_path / "rates.csv"
    assert run_cli(["export", "--year", "2022-23", "--group-by", "force", "--rate", "--suppress-below", "5",
                    "-o", str(out)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["Police force", "Count", RATE_HEADER]
    assert rows[-1][0] == "England and Wales"
    assert all(re.fullmatch(r"\d+\.\d|\[c\]|\[z\]|\[x\]", r[2]) for r in rows[1:])
    assert run_cli(["export", "--group-by", "force", "--stack-by", "sex", "--rate", "-o", str(out)]) == 2


# ---- the map -------------------------------------------------------------------------------------
def test_geometry_has_every_force_area_and_is_small():
    geo = areas()
    assert set(geo) == set(schema.FORCE_NAMES) - {"British Transport Police"}
    shipped = Path(__file__).resolve().parents[2] / "data" / "force_areas.json"
    assert shipped.stat().st_size < 400_000


def test_five_classes_cover_the_values():
    c = classify([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert c.edges[0] == 1.0 and c.edges[-1] == 10.0
    assert [c.of(v) for v in (1.0, 10.0)] == [0, 4]
    assert classify([]) is None


def test_cli_map_svg_names_every_area(tmp_path):
    out = tmp_path / "map.svg"
    assert run_cli(["map", "--year", "2022-23", "--rate", "--force", "Essex", "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    paths = root.findall(".//s:path", ns)
    ids = {p.get("id") for p in paths}
    assert "force-essex" in ids and "force-metropolitan" in ids and "london-force-metropolitan" in ids
    titles = {p.find("s:title", ns).text.split(":")[0] for p in paths}
    assert set(schema.FORCE_NAMES) - {"British Transport Police"} <= titles
    text = out.read_text(encoding="utf-8")
    assert "Synthetic data: no real children" in text
    assert "Source: Office for National Statistics licensed under the Open Government Licence v3.0" in text
    assert "Contains OS data © Crown copyright and database right 2020" in text
    assert "England and Wales:" in text
    city = next(p for p in paths if p.get("id") == "force-city-of-london")
    assert city.get("fill") == "url(#hatch)"  # no meaningful rate: hatched with a key
    essex = next(p for p in paths if p.get("id") == "force-essex")
    kent = next(p for p in paths if p.get("id") == "force-kent")
    assert essex.get("fill-opacity") is None and kent.get("fill-opacity") == "0.35"  # unselected areas pale


def test_force_values_match_the_rate_table():
    ds = load_sample()
    eng = Engine(ds)
    st = FilterState().with_year_range(("2020-21", "2020-21"))
    values, what, ref, _ = force_values(eng, st, per_children=True)
    res, _ = rate_table(eng, st, "force")
    t = res.table.set_index("force")
    assert values["Essex"] == t.loc["Essex", RATE_HEADER]
    assert what == "per 1,000 children aged 10-17" and ref.startswith("England and Wales:")
    counts, what, _, _ = force_values(eng, st, per_children=False)
    assert counts["Essex"] == t.loc["Essex", "count"] and what == "recorded offences"
