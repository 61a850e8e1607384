"""The command line reads filters the way a colleague would: misspellings get "did you mean", text that
could mean several things is refused with them, and the summary line says how every filter was read."""
from __future__ import annotations

import pytest

from youthdrugs_gui.core.cli import run_cli


def _run(capsys, *args) -> tuple[int, str, str]:
    code = run_cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _refused(capsys, tmp_path, *args) -> str:
    code, out, err = _run(capsys, "export", *args, "-o", str(tmp_path / "x.csv"))
    assert code == 2, out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()
    return err


@pytest.mark.parametrize("args, meant", [
    (["--force", "Esex"], "Did you mean 'Essex'?"),
    (["--filter", "ethnicty=White"], "Did you mean 'ethnicity'"),
    (["--group-by", "forse"], "Did you mean 'force'"),
    (["--drug-class", "Class D"], "Values are: "),
    (["--outcome", "convicton"], "Did you mean 'Conviction'?"),
])
def test_a_misspelling_gets_the_closest_values_first(tmp_path, capsys, args, meant):
    err = _refused(capsys, tmp_path, *args)
    assert meant in err


def test_the_list_of_values_starts_with_the_closest_one(tmp_path, capsys):
    err = _refused(capsys, tmp_path, "--force", "Wiltshir")  # the 43rd force of 44: a cut list would lose it
    assert "Did you mean 'Wiltshire'?" in err
    assert err.split("Values are: ")[1].startswith("Wiltshire, ")


@pytest.mark.parametrize("args, reason", [
    (["--year", "2020-21:2022"], "2022 could mean 2021-22 (the year ending March 2022) or 2022-23"),
    (["--year", "2021"], "could mean 2020-21"),
    (["--year", "2020 Q1"], "is a quarter"),
    (["--age", "15-19"], "the data holds ages 10 to 17 only; write 15-17"),
    (["--age", "15-"], "write both ends"),
    (["--year", "2030-31"], "the data holds financial years 2013-14 to 2023-24 only"),
    (["--offence-type", "supply"],
     "could mean either 'Possession with intent to supply' or 'Supply or offering to supply'"),
    (["--outcome", "caution"], "could mean either 'Youth caution' or 'Youth conditional caution'"),
    (["--force", "yorkshire"], "'North Yorkshire', 'South Yorkshire' or 'West Yorkshire'"),
])
def test_ambiguous_or_out_of_range_input_is_refused_with_a_reason(tmp_path, capsys, args, reason):
    assert reason in _refused(capsys, tmp_path, *args)


@pytest.mark.parametrize("args, read_as", [
    (["--outcome", "NFA"], "outcome: no further action: "),
    (["--force", "met"], "Metropolitan Police: "),
    (["--drug-class", "class a"], "class A: "),
    (["--offence-type", "intent to supply"], "possession with intent to supply: "),
    (["--force", "essex,KENT"], "Essex or Kent: "),
])
def test_synonyms_are_read_where_unambiguous_and_said(tmp_path, capsys, args, read_as):
    code, out, err = _run(capsys, "export", *args, "-o", str(tmp_path / "x.csv"))
    assert code == 0, err
    assert read_as in out


def test_the_summary_line_echoes_how_the_filters_were_read(tmp_path, capsys):
    code, out, _ = _run(capsys, "export", "--force", "essex", "--age", "15-17", "--year", "2020-21:2022-23",
                        "--drug-class", "a", "--offence-type", "supply or offering", "-o", str(tmp_path / "x.csv"))
    assert code == 0
    assert ("Essex; ages 15-17; 2020-21 to 2022-23; class A; supply or offering to supply: 100 recorded offences "
            "(synthetic sample") in out


def test_a_table_summary_says_the_filters_too(tmp_path, capsys):
    code, out, _ = _run(capsys, "export", "--force", "Essex", "--group-by", "drug_class",
                        "-o", str(tmp_path / "x.csv"))
    assert code == 0 and "(Drug class) to " in out and ": Essex: " in out


def test_no_filters_is_said(tmp_path, capsys):
    code, out, _ = _run(capsys, "export", "-o", str(tmp_path / "x.csv"))
    assert code == 0 and ": no filters: 100,000 recorded offences" in out


def test_an_unknown_option_points_at_the_command_help(tmp_path, capsys):
    code, _, err = _run(capsys, "export", "--bogus", "-o", str(tmp_path / "x.csv"))
    assert code == 2
    assert "(see: youthdrugs-gui export --help)" in err and "youthdrugs-gui youthdrugs-gui" not in err


def test_grouping_by_date_suggests_month(tmp_path, capsys):
    err = _refused(capsys, tmp_path, "--group-by", "date")
    assert "did you mean month" in err


def test_info_with_no_file_describes_the_sample(capsys):
    code, out, _ = _run(capsys, "info")
    assert code == 0
    first = out.splitlines()[0]
    assert "100,000 rows" in first and "SYNTHETIC" in first and "no row describes a real child" in first
    assert "financial years 2013-14 to 2023-24" in out and "months 2013-04 to 2024-03" in out
    assert "recorded offences" in out and "Month [month, category]" in out


def test_a_saved_view_with_a_misspelt_value_gets_did_you_mean(tmp_path, capsys):
    view = tmp_path / "v.view.json"
    view.write_text('{"filters": {"force": ["Esex"]}}')
    err = _refused(capsys, tmp_path, "--view", str(view))
    assert "has no value 'Esex'. Did you mean 'Essex'?" in err
