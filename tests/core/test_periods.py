"""Months, calendar quarters and calendar years of dated rows: ordinary columns in time order that can
be filtered, grouped and exported; a month no loaded file covers is not available ([x]), never 0."""
from __future__ import annotations

import csv
import shutil

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.periods import months_of, period_columns
from youthdrugs_gui.core.sources import load_files, load_sample


def _table(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def police_uk(tmp_path, shared_raw):
    """The police.uk files of four forces, December 2019 to February 2020, in a folder of their own."""
    folder = tmp_path / "policeuk"
    folder.mkdir()
    for p in (shared_raw / "police-uk-stop-search").glob("*.csv"):
        shutil.copy(p, folder / p.name)
    return folder


def test_the_sample_has_months_quarters_and_calendar_years_in_time_order():
    ds = load_sample()
    assert ds.categories("month")[:3] == ["2013-04", "2013-05", "2013-06"]
    assert ds.categories("month")[-1] == "2024-03" and len(ds.categories("month")) == 132
    assert ds.categories("quarter")[:3] == ["2013 Q2", "2013 Q3", "2013 Q4"]
    assert ds.categories("calendar_year") == [str(y) for y in range(2013, 2025)]
    assert ds.codes("quarter").dtype == np.int8 and "month" in ds.facet_columns
    dates = ds.frame["date"]
    assert (ds.frame["month"].astype(str) == dates.dt.strftime("%Y-%m")).all()
    assert (ds.frame["calendar_year"].astype(str) == dates.dt.year.astype(str)).all()


def test_periods_are_calendar_periods_with_gaps_listed_and_no_date_not_recorded():
    dates = pd.Series(pd.to_datetime(["2020-01-31 23:59", "2020-04-01 00:00", None, "2020-03-15 12:00"]))
    cols = period_columns(dates)
    assert cols["month"].tolist() == ["2020-01", "2020-04", "Not recorded", "2020-03"]
    assert list(cols["month"].cat.categories) == ["2020-01", "2020-02", "2020-03", "2020-04", "Not recorded"]
    assert cols["quarter"].tolist() == ["2020 Q1", "2020 Q2", "Not recorded", "2020 Q1"]
    assert months_of("quarter", "2020 Q2") == ["2020-04", "2020-05", "2020-06"]


def test_a_column_the_file_already_has_is_kept_as_it_is():
    frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-05", "2020-02-05"]), "Month": ["Jan", "Feb"]})
    ds = Dataset.from_frame(frame, name="t")
    assert "month" not in ds.columns and ds.categories("Month") == ["Feb", "Jan"]
    assert ds.categories("quarter") == ["2020 Q1"]


def test_group_by_and_filter_by_period_through_the_cli(tmp_path, capsys):
    out = tmp_path / "q.csv"
    code = run_cli(["export", "--force", "Essex", "--filter", "calendar_year=2020", "--group-by", "quarter",
                    "-o", str(out)])
    stdout = capsys.readouterr().out
    assert code == 0 and "Essex; 2020: " in stdout
    rows = _table(out)
    assert [r[0] for r in rows[1:]] == ["2020 Q1", "2020 Q2", "2020 Q3", "2020 Q4", "Total"]
    ds = load_sample()
    keep = (ds.frame["force"] == "Essex") & (ds.frame["date"].dt.year == 2020)
    assert int(rows[-1][1]) == int(keep.sum())


def test_months_of_the_files_loaded_together(police_uk):
    ds = load_files(sorted(str(p) for p in police_uk.glob("*.csv")))
    assert ds.categories("month") == ["2019-12", "2020-01", "2020-02"]
    assert ds.coverage.complete is False  # three months of the financial year 2019-20


def test_a_month_no_file_covers_is_not_available_never_0(police_uk, tmp_path, capsys):
    (police_uk / "2020-01-derbyshire-stop-and-search.csv").unlink()
    out = tmp_path / "t.csv"
    code = run_cli(["export", *sorted(str(p) for p in police_uk.glob("*.csv")), "--group-by", "force",
                    "--stack-by", "month", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    table = {r[0]: r[1:] for r in _table(out)}
    assert table["Police force"] == ["2019-12", "2020-01", "2020-02", "Total"]
    assert table["Derbyshire"] == ["198", "[x]", "119", "317 [part]"]
    assert table["Durham"] == ["145", "161", "135", "441"]
    assert table["Total"][1] == "848 [part]"

    code = run_cli(["export", *sorted(str(p) for p in police_uk.glob("*.csv")), "--force", "Derbyshire",
                    "--group-by", "month", "-o", str(out)])
    assert code == 0
    assert _table(out)[1:] == [["2019-12", "198"], ["2020-01", "[x]"], ["2020-02", "119"], ["Total", "317 [part]"]]


def test_a_month_a_source_covers_with_nothing_in_it_is_a_true_0():
    frame = pd.DataFrame({"force": ["Derbyshire"] * 3, "measure": ["Stop and search"] * 3,
                          "financial_year": ["2019-20"] * 3,
                          "date": pd.to_datetime(["2019-12-03", "2020-02-10", "2020-02-11"])})
    covered = tuple({"measure": "Stop and search", "force": "Derbyshire", "financial_year": "2019-20", "month": m}
                    for m in ("2019-12", "2020-01", "2020-02"))  # three monthly files, January's empty
    engine = Engine(Dataset.from_frame(frame, name="t", covered=covered))
    series = engine.apply(FilterState(), "month").series
    assert series.groups == ("2019-12", "2020-01", "2020-02")
    assert series.values.ravel().tolist() == [1, 0, 2]
    assert series.group_status() == ["full", "full", "full"]


def test_the_chart_marks_quarters_only_partly_loaded(police_uk):
    (police_uk / "2020-01-derbyshire-stop-and-search.csv").unlink()
    engine = Engine(load_files(sorted(str(p) for p in police_uk.glob("*.csv"))))
    series = engine.apply(FilterState(), "quarter").series
    assert series.groups == ("2019 Q4", "2020 Q1")
    assert series.group_status() == ["partial", "partial"]  # October, November and March were not loaded
    series = engine.apply(FilterState().with_values("force", ["Derbyshire"]), "month").series
    assert series.group_status() == ["full", "[x]", "full"]
    assert series.values.ravel().tolist() == [198, 0, 119]
