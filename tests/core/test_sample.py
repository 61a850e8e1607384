"""The embedded synthetic sample (data/sample.parquet): each published figure it is calibrated to, its
shape, that it behaves like real data (force trends, girls' share, outcomes by age, seasons), the synthetic
marker of every file the generator writes, and that its generator is deterministic and reproduces the
committed file."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.data import generate as gen
from youthdrugs_gui.data import sample_path

EAST_OF_ENGLAND = ("Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk", "Suffolk")
FOI_YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23")
YEARS = tuple(schema.fy_label(y) for y in range(2013, 2024))


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_parquet(sample_path())


@pytest.fixture(scope="module")
def figures(sample) -> dict[str, int]:
    return gen.targets(sample)


def _proven(df: pd.DataFrame) -> pd.Series:
    return df["outcome"].isin(schema.PROVEN_OUTCOMES)


def _cambs_under16(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["force"] == "Cambridgeshire") & df["financial_year"].isin(FOI_YEARS) & (df["age"] <= 15)]


# ---- published figures, one test each -------------------------------------------------------------
def test_west_mercia_2020_21_has_52_proven_drug_offences(sample, figures):
    """West Mercia 2020-21: 52 proven drug offences by children (cautions or convictions)."""
    s = sample[(sample["force"] == "West Mercia") & (sample["financial_year"] == "2020-21") & _proven(sample)]
    assert s["count"].sum() == 52
    assert figures["west_mercia_2020_21_proven"] == 52


def test_west_mercia_2013_14_to_2020_21_almost_1000_proven_drug_offences(sample, figures):
    """West Mercia 2013-14 to 2020-21: almost 1,000 proven drug offences by children (950-999 here)."""
    years = [schema.fy_label(y) for y in range(2013, 2021)]
    s = sample[(sample["force"] == "West Mercia") & sample["financial_year"].isin(years) & _proven(sample)]
    assert 950 <= s["count"].sum() <= 999
    assert figures["west_mercia_2013_14_to_2020_21_proven"] == s["count"].sum()


def test_england_and_wales_2020_21_about_4000_proven_drug_offences(sample, figures):
    """England and Wales 2020-21: about 4,000 proven drug offences by children (3,950-4,050 here)."""
    s = sample[(sample["financial_year"] == "2020-21") & _proven(sample)]
    assert 3_950 <= s["count"].sum() <= 4_050
    assert figures["england_wales_2020_21_proven"] == s["count"].sum()


def test_cambridgeshire_under16s_2018_23_76_possession_class_a_or_b(sample, figures):
    """Cambridgeshire FOI, under-16s 2018-2023: 76 possession offences, all class A or B."""
    c = _cambs_under16(sample)
    poss = c[c["offence_type"] == "Possession"]
    assert poss["count"].sum() == 76
    assert poss["drug_class"].isin(["A", "B"]).all()
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_possession"] == 76
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_possession_class_a_or_b"] == 76


def test_cambridgeshire_under16s_2018_23_41_supply(sample, figures):
    """Cambridgeshire FOI, under-16s 2018-2023: 41 supply or offering to supply offences."""
    c = _cambs_under16(sample)
    assert c.loc[c["offence_type"] == "Supply or offering to supply", "count"].sum() == 41
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_supply"] == 41


def test_cambridgeshire_under16s_2018_23_83_pwits_36_class_a(sample, figures):
    """Cambridgeshire FOI, under-16s 2018-2023: 83 possession with intent to supply, 36 of them class A."""
    c = _cambs_under16(sample)
    pwits = c[c["offence_type"] == "Possession with intent to supply"]
    assert pwits["count"].sum() == 83
    assert pwits.loc[pwits["drug_class"] == "A", "count"].sum() == 36
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_pwits"] == 83
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_pwits_class_a"] == 36


def test_cambridgeshire_under16s_2018_23_other_offence_types_are_the_documented_3(sample, figures):
    """Cambridgeshire under-16s 2018-2023, offence types the FOI does not give: 2 production, 1 other."""
    c = _cambs_under16(sample)
    other = c[~c["offence_type"].isin(["Possession", "Supply or offering to supply",
                                       "Possession with intent to supply"])]
    assert other.groupby("offence_type", observed=True)["count"].sum().to_dict() == {
        "Production or cultivation": 2, "Other drug offence": 1}
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_other_types"] == 3
    assert figures["cambridgeshire_under16_2018_19_to_2022_23_total"] == 203


def test_essex_under16s_2018_23_1214_drug_offences(sample, figures):
    """Essex Police: 1,214 drug offences involving under-16s, 2018-2023."""
    e = sample[(sample["force"] == "Essex") & sample["financial_year"].isin(FOI_YEARS) & (sample["age"] <= 15)]
    assert e["count"].sum() == 1_214
    assert figures["essex_under16_2018_19_to_2022_23_total"] == 1_214


def test_youngest_in_east_of_england_is_an_11_year_old_in_norfolk_for_supply(sample, figures):
    """Youngest arrested in the East of England (FOI answers for 2018-19 to 2022-23): an 11-year-old in
    Norfolk, for supply. No 10-year-olds there in any year, and no 11-year-olds in the other East of England
    forces in any year (so none younger than 12 outside Norfolk in the published years either)."""
    assert {f for f in schema.FORCE_NAMES if schema.FORCE_REGION[f] == "East of England"} == set(EAST_OF_ENGLAND)
    eoe = sample[sample["force"].isin(EAST_OF_ENGLAND)]
    assert eoe["age"].min() == 11
    assert set(eoe.loc[eoe["age"] == 11, "force"]) == {"Norfolk"}
    assert (eoe[eoe["force"] != "Norfolk"].groupby("force", observed=True)["age"].min() == 12).all()
    norfolk11 = eoe[(eoe["force"] == "Norfolk") & (eoe["age"] == 11) & eoe["financial_year"].isin(FOI_YEARS)]
    assert (norfolk11["offence_type"] == "Supply or offering to supply").any()
    assert figures["norfolk_age11_supply_2018_19_to_2022_23"] >= 1
    assert figures["east_of_england_age10"] == 0
    assert figures["east_of_england_age11_outside_norfolk"] == 0


def test_12_year_olds_in_bedfordshire_hertfordshire_essex_and_suffolk(sample, figures):
    """Children aged 12 were arrested in Bedfordshire, Hertfordshire, Essex and Suffolk (2018-19 to 2022-23)."""
    foi = sample[sample["financial_year"].isin(FOI_YEARS)]
    for force in ("Bedfordshire", "Hertfordshire", "Essex", "Suffolk"):
        assert ((foi["force"] == force) & (foi["age"] == 12)).any(), force
        assert figures[f"{force.lower()}_age12_2018_19_to_2022_23"] >= 1


# ---- shape -------------------------------------------------------------------------------------
def test_shape_and_values(sample):
    assert list(sample.columns) == list(gen.COLUMNS)
    assert 90_000 <= len(sample) <= 110_000
    assert set(sample["force"].unique()) == set(schema.FORCE_NAMES)
    assert len(schema.FORCE_NAMES) == 44
    years = [schema.fy_label(y) for y in range(2013, 2024)]
    assert sorted(sample["financial_year"].unique()) == years
    assert sorted(sample["age"].unique()) == list(range(10, 18))
    assert set(sample["outcome"].unique()) == set(schema.OUTCOMES)
    assert set(sample["offence_type"].unique()) == set(schema.OFFENCE_TYPES)
    assert set(sample["drug_class"].unique()) == set(schema.DRUG_CLASSES)
    assert set(sample["sex"].unique()) == {"Boys", "Girls"}
    assert set(sample["measure"].unique()) == {"Recorded offence"}
    assert (sample["count"] == 1).all() and sample["count"].dtype == "int64"
    assert sample["date"].dtype == "datetime64[ns]"
    assert sample["date"].is_monotonic_increasing
    assert (sample["date"] == sample["date"].dt.normalize()).all()
    for col in ("financial_year", "force", "sex", "ethnicity", "offence_type", "drug_class", "outcome",
                "measure"):
        assert isinstance(sample[col].dtype, pd.CategoricalDtype), col
    # every force appears in every year
    assert (pd.crosstab(sample["force"], sample["financial_year"]) > 0).all().all()
    # the date falls in the row's financial year
    start = sample["date"].dt.year - (sample["date"].dt.month < 4)
    assert (start.astype(int).map(schema.fy_label) == sample["financial_year"].astype(str)).all()


def test_plausible_mixes(sample):
    by_force = sample.groupby("force", observed=True)["count"].sum()
    assert by_force.idxmax() == "Metropolitan Police"
    assert by_force.idxmin() == "City of London"
    assert 0.91 <= (sample["sex"] == "Boys").mean() <= 0.94
    ages = sample.groupby("age")["count"].sum()
    assert ages.is_monotonic_increasing
    offences = sample.groupby("offence_type", observed=True)["count"].sum()
    assert offences.idxmax() == "Possession"
    assert offences["Possession with intent to supply"] > offences["Production or cultivation"]
    assert offences["Supply or offering to supply"] > offences["Production or cultivation"]
    poss = sample[sample["offence_type"] == "Possession"]["drug_class"].value_counts()
    assert poss.idxmax() == "B"
    share_a = sample.groupby("offence_type", observed=True)["drug_class"].apply(lambda s: (s == "A").mean())
    assert share_a["Supply or offering to supply"] > share_a["Possession"]
    assert share_a["Possession with intent to supply"] > share_a["Possession"]
    per_year = sample.groupby("financial_year", observed=True)["count"].sum()
    assert per_year["2013-14"] > per_year["2017-18"] > per_year["2021-22"]


# ---- behaves like real data ----------------------------------------------------------------------
def _girls_pct(df: pd.DataFrame, by: str) -> pd.Series:
    return (df["sex"] == "Girls").groupby(df[by], observed=True).mean() * 100


def _pooled_girls_pct(df: pd.DataFrame, years) -> float:
    return float((df.loc[df["financial_year"].isin(years), "sex"] == "Girls").mean() * 100)


def test_each_force_has_its_own_trend_and_the_country_the_published_shape(sample):
    by = pd.crosstab(sample["force"], sample["financial_year"]).loc[:, list(YEARS)]
    national = by.sum()
    corr = by.apply(lambda r: np.corrcoef(r, national)[0, 1] if r.std() > 0 else np.nan, axis=1)
    assert (corr < 0.9).sum() >= 20, corr.sort_values()  # the old sample: 1.0 for 41 of 44 forces
    assert (corr < 0.5).sum() >= 8
    assert corr.median() < 0.95
    peaks = by.idxmax(axis=1)
    assert (peaks != "2013-14").sum() >= 12
    assert peaks.nunique() >= 5
    # some forces rise while the country falls
    assert ((by["2021-22"] > by["2013-14"]).sum()) >= 8
    # the national total follows _YEAR_TREND (up to rounding of the force-year cells)
    np.testing.assert_allclose(national / national.sum(), gen._YEAR_TREND / gen._YEAR_TREND.sum(), rtol=0.005)
    # Essex's and West Mercia's calibrated trends: Essex's share of the country doubles, West Mercia's halves
    share = by / national
    assert share.loc["Essex", "2020-21"] > 1.8 * share.loc["Essex", "2013-14"]
    assert share.loc["West Mercia", "2020-21"] < 0.55 * share.loc["West Mercia", "2013-14"]


def test_girls_are_6_to_8_percent_from_2018_19_and_8_to_10_percent_before_2016_17(sample):
    """The Home Office arrests of 10-17s for drug offences: girls 6.5-6.9% in 2018-19 to 2021-22, 8.4-8.9%
    in 2013-14 to 2015-16 (7.5% in 2016-17; 2017-18 missing)."""
    pct = _girls_pct(sample, "financial_year")
    for y in ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23"):
        assert 6.0 <= pct[y] <= 8.0, (y, pct[y])
    assert 6.0 <= _pooled_girls_pct(sample, ("2019-20", "2020-21", "2021-22", "2022-23")) <= 8.0
    for y in ("2013-14", "2014-15", "2015-16"):
        assert 8.0 <= pct[y] <= 10.0, (y, pct[y])
    early = _pooled_girls_pct(sample, YEARS[:5])  # 2013-14 .. 2017-18
    assert 8.0 <= early <= 10.0
    assert early > _pooled_girls_pct(sample, FOI_YEARS) + 1.0


def test_girls_share_follows_the_home_office_arrests_file(sample, shared_raw):
    """Year by year, within 0.2 percentage points of girls / (girls + boys) among the Home Office arrests of
    10-17s for drug offences in England and Wales (the file codes a year by its end: 2014 = 2013-14)."""
    ho = pd.read_csv(next((shared_raw / "ho-arrests-children").glob("*.csv")))
    ho = ho[ho["reason"].str.contains("Drug offences") & (ho["level"] == "Eng/Wales")
            & ho["gender"].isin(["Girls", "Boys"])]
    t = ho.pivot_table(index="end_period_year", columns="gender", values="count", aggfunc="sum")
    t = t[(t["Girls"] + t["Boys"]) > 0]
    pct = _girls_pct(sample, "financial_year")
    checked = 0
    for end, row in t.iterrows():
        fy = schema.fy_label(int(end) - 1)
        if fy in pct.index:
            assert abs(pct[fy] - 100 * row["Girls"] / (row["Girls"] + row["Boys"])) < 0.2, fy
            checked += 1
    assert checked == 8  # 2013-14 .. 2021-22 without 2017-18


def test_girls_share_is_highest_at_13_to_15(sample):
    pct = _girls_pct(sample, "age")
    mid = float((sample.loc[sample["age"].between(13, 15), "sex"] == "Girls").mean() * 100)
    assert mid > 1.3 * pct[17]
    assert pct[14] > pct[16] > pct[17] * 0.99
    assert pct.idxmax() in (13, 14, 15)


def test_outcomes_are_graded_by_age(sample):
    band = pd.cut(sample["age"], [9, 12, 14, 17], labels=["10-12", "13-14", "15-17"])
    share = pd.crosstab(band, sample["outcome"], normalize="index")
    conv = share["Conviction"]
    assert conv["10-12"] < 0.25 * conv["15-17"]
    assert conv["10-12"] < conv["13-14"] < conv["15-17"]
    assert share.loc["10-12", ["No further action", "Community resolution"]].sum() > 0.6
    assert share.loc["10-12"].idxmax() in ("No further action", "Community resolution")
    # convictions mostly at 15-17 ...
    assert (sample.loc[sample["outcome"] == "Conviction", "age"] >= 15).mean() > 0.8
    # ... still graded by offence type, and diversion grows over the years
    by_offence = pd.crosstab(sample["offence_type"], sample["outcome"], normalize="index")["Conviction"]
    assert by_offence["Supply or offering to supply"] > 2 * by_offence["Possession"]
    by_year = pd.crosstab(sample["financial_year"], sample["outcome"], normalize="index")
    first, last = by_year.loc["2013-14"], by_year.loc["2023-24"]
    assert last["Community resolution"] > first["Community resolution"] + 0.05
    assert last["Youth caution"] < first["Youth caution"] - 0.05


def test_months_and_weekdays_have_a_pattern(sample):
    month = sample.groupby(sample["date"].dt.month)["count"].sum()
    assert month[8] < 0.92 * month.mean()
    assert month[12] < 0.92 * month.mean()
    assert month.max() > 1.05 * month.mean()
    weekday = sample.groupby(sample["date"].dt.day_of_week)["count"].sum()  # 0 = Monday
    assert weekday[6] < 0.9 * weekday.mean()
    assert weekday[[5, 6]].sum() / 2 < weekday[[0, 1, 2, 3, 4]].mean()


def test_first_lockdown_dip(sample):
    def between(lo, hi) -> int:
        return int(sample.loc[sample["date"].between(lo, hi), "count"].sum())

    spring_2019 = between("2019-04-01", "2019-06-30")
    spring_2020 = between("2020-04-01", "2020-06-30")
    assert spring_2020 < 0.8 * spring_2019
    # the dip is more than the fall of the year as a whole: the rest of 2020-21 runs above April-June's pace
    rest_2020_21 = between("2020-07-01", "2021-03-31")
    assert spring_2020 / 91 < 0.8 * rest_2020_21 / 274


# ---- the synthetic marker ------------------------------------------------------------------------
def _marker(path) -> dict:
    meta = pq.read_schema(path).metadata
    assert gen.MARKER_KEY == b"youthdrugs_gui"
    return json.loads(meta[gen.MARKER_KEY])


def test_shipped_sample_carries_the_synthetic_marker(sample):
    m = _marker(sample_path())
    assert m["synthetic"] is True
    assert m["generator"] == "youthdrugs_gui.data.generate"
    assert m["seed"] == gen.DEFAULT_SEED
    assert m["rows"] == len(sample)
    assert "synthetic" in m["description"].lower() and "no real child" in m["description"].lower()
    assert gen.read_marker(sample_path()) == m
    # the pandas metadata is untouched: categoricals come back as categoricals
    assert b"pandas" in pq.read_schema(sample_path()).metadata


def test_written_benchmark_file_carries_the_marker(tmp_path):
    df = gen.generate(rows=1000)
    out = gen.write(df, tmp_path / "bench.parquet")
    m = _marker(out)
    assert m["synthetic"] is True and m["rows"] == 1000 and m["seed"] == gen.DEFAULT_SEED
    assert m["generator"] == "youthdrugs_gui.data.generate"
    back = pd.read_parquet(out)
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    assert not back.attrs  # the marker is in the Parquet schema metadata only
    # an explicit seed wins; a frame that did not come from generate() is still marked synthetic
    assert _marker(gen.write(df, tmp_path / "s.parquet", seed=5))["seed"] == 5
    plain = gen.write(df.iloc[:10].reset_index(drop=True).copy(), tmp_path / "p.parquet")
    assert _marker(plain)["synthetic"] is True and _marker(plain)["rows"] == 10


def test_main_marks_the_file_with_its_seed(tmp_path):
    out = tmp_path / "small.parquet"
    assert gen.main(["--rows", "500", "--seed", "11", "-o", str(out)]) == 0
    m = _marker(out)
    assert (m["synthetic"], m["seed"], m["rows"]) == (True, 11, 500)


# ---- the generator -----------------------------------------------------------------------------
def test_regeneration_is_deterministic_and_equals_the_committed_file(sample):
    a = gen.generate()
    b = gen.generate()
    # check_exact: an exact comparison is both the point and fast (the default path compares categoricals
    # element by element).
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(a, sample, check_exact=True)
    assert gen.targets(a) == gen.targets(sample)


def test_other_seed_still_meets_the_exact_targets():
    df = gen.generate(seed=7)
    t = gen.targets(df)
    assert t["west_mercia_2020_21_proven"] == 52
    assert t["essex_under16_2018_19_to_2022_23_total"] == 1_214
    assert t["cambridgeshire_under16_2018_19_to_2022_23_pwits_class_a"] == 36
    assert t["england_wales_2020_21_proven"] == 4_000


def test_rows_option_gives_exact_row_count_and_same_columns(sample):
    df = gen.generate(rows=50_000)
    assert len(df) == 50_000
    assert list(df.columns) == list(sample.columns)
    assert (df.dtypes == sample.dtypes).all()
    pd.testing.assert_frame_equal(df, gen.generate(rows=50_000), check_exact=True)
    assert set(df["force"].unique()) == set(schema.FORCE_NAMES)
    assert df[df["force"].isin(EAST_OF_ENGLAND)]["age"].min() >= 11


def test_main_writes_a_parquet_file(tmp_path):
    out = tmp_path / "small.parquet"
    assert gen.main(["--rows", "1000", "--seed", "3", "-o", str(out)]) == 0
    back = pd.read_parquet(out)
    pd.testing.assert_frame_equal(back, gen.generate(rows=1000, seed=3), check_exact=True)
