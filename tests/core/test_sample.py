"""The embedded synthetic sample (data/sample.parquet): each published figure it is calibrated to, its
shape, and that its generator is deterministic and reproduces the committed file."""
from __future__ import annotations

import pandas as pd
import pytest

from youthdrugs_gui.core import schema
from youthdrugs_gui.data import generate as gen
from youthdrugs_gui.data import sample_path

EAST_OF_ENGLAND = ("Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk", "Suffolk")
FOI_YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23")


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
    """Youngest arrested in the East of England: an 11-year-old in Norfolk, for supply; no 10-year-olds
    there, and no 11-year-olds in the other East of England forces."""
    assert {f for f in schema.FORCE_NAMES if schema.FORCE_REGION[f] == "East of England"} == set(EAST_OF_ENGLAND)
    eoe = sample[sample["force"].isin(EAST_OF_ENGLAND)]
    assert eoe["age"].min() == 11
    assert set(eoe.loc[eoe["age"] == 11, "force"]) == {"Norfolk"}
    norfolk11 = eoe[(eoe["force"] == "Norfolk") & (eoe["age"] == 11)]
    assert (norfolk11["offence_type"] == "Supply or offering to supply").any()
    assert figures["norfolk_age11_supply"] >= 1
    assert figures["east_of_england_age10"] == 0
    assert figures["east_of_england_age11_outside_norfolk"] == 0


def test_12_year_olds_in_bedfordshire_hertfordshire_essex_and_suffolk(sample, figures):
    """Children aged 12 were arrested in Bedfordshire, Hertfordshire, Essex and Suffolk."""
    for force in ("Bedfordshire", "Hertfordshire", "Essex", "Suffolk"):
        assert ((sample["force"] == force) & (sample["age"] == 12)).any(), force
        assert figures[f"{force.lower()}_age12"] >= 1


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
    assert 0.85 <= (sample["sex"] == "Boys").mean() <= 0.90
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
