"""The batch commands: export and info, on the sample and on real files; bad input exits 2 with one
line and leaves no output file."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from youthdrugs_gui.core.cli import run_cli


def _run(capsys, *args) -> tuple[int, str, str]:
    code = run_cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_filters_the_sample_and_says_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "essex.csv"
    code, stdout, _ = _run(capsys, "export", "--force", "essex", "--age", "10-15", "--year", "2018-19:2022-23",
                           "-o", str(out))
    assert code == 0
    assert stdout.count("\n") == 1 and "Wrote 1,214 of 100,000 rows" in stdout and "synthetic" in stdout
    rows = _rows(out)
    assert len(rows) == 1214
    assert {r["Police force"] for r in rows} == {"Essex"}
    assert max(int(r["Age"]) for r in rows) <= 15
    prov = json.loads((tmp_path / "essex.csv.provenance.json").read_text())
    assert prov["filter_state"]["filters"] == {"force": ["Essex"]}
    assert prov["filter_state"]["age"] == [10, 15]


def test_cambridgeshire_offence_figures_through_the_cli(tmp_path, capsys):
    out = tmp_path / "cambs.csv"
    code, _, _ = _run(capsys, "export", "--force", "Cambridgeshire", "--age", "10-15", "--year",
                      "2018-19:2022-23", "--group-by", "offence_type", "--stack-by", "drug_class", "-o", str(out))
    assert code == 0
    table = {r["Offence type"]: r for r in _rows(out)}
    assert table["Possession"]["Total"] == "76"
    assert table["Supply or offering to supply"]["Total"] == "41"
    assert table["Possession with intent to supply"]["Total"] == "83"
    assert table["Possession with intent to supply"]["A"] == "36"


def test_summary_with_suppression(tmp_path, capsys):
    out = tmp_path / "s.csv"
    code, _, _ = _run(capsys, "export", "--force", "Norfolk,Suffolk", "--age", "11-12", "--group-by", "force",
                      "--suppress-below", "5", "-o", str(out))
    assert code == 0
    text = out.read_text(encoding="utf-8-sig")
    for line in text.splitlines()[1:]:
        value = line.split(",")[-1]
        assert value == "[c]" or value == "0" or int(value) >= 5
    assert "suppress" in json.dumps(json.loads((tmp_path / "s.csv.provenance.json").read_text())).lower()


def test_filter_by_original_header_on_real_files(tmp_path, capsys, shared_raw):
    files = sorted(str(p) for p in (shared_raw / "police-uk-stop-search").glob("*.csv"))
    out = tmp_path / "drugs.csv"
    code, stdout, _ = _run(capsys, "export", *files, "--filter", "Object of search=Controlled drugs",
                           "--filter", "age band=10-17", "-o", str(out))
    assert code == 0, stdout
    assert len(_rows(out)) == 19 + 67 + 28 + 71  # SOURCE.md: 10-17 and controlled drugs, per force


def test_saved_view_drives_the_export(tmp_path, capsys):
    view = tmp_path / "v.view.json"
    view.write_text(json.dumps({"filters": {"force": ["West Mercia"], "outcome": [
        "Youth caution", "Youth conditional caution", "Conviction"]}, "financial_year": ["2020-21", "2020-21"]}))
    out = tmp_path / "wm.csv"
    code, _, _ = _run(capsys, "export", "--view", str(view), "-o", str(out))
    assert code == 0
    assert len(_rows(out)) == 52


def test_info_shows_format_and_mapping(capsys, shared_raw):
    f = shared_raw / "yjb-proven-offences-westmids" / "yjb_proven_offences_by_yjs_west_midlands_2013-14_to_2022-23.csv"
    code, out, _ = _run(capsys, "info", str(f))
    assert code == 0
    assert "YJB" in out or "Youth Justice" in out
    assert "financial_year" in out and "Proven offence" in out


@pytest.mark.parametrize("args, message", [
    (["export", "--force", "Narnia", "-o", "{tmp}/x.csv"], "has no value 'Narnia'"),
    (["export", "--filter", "colour=red", "-o", "{tmp}/x.csv"], "no column called 'colour'"),
    (["export", "--age", "ten", "-o", "{tmp}/x.csv"], "not an age range"),
    (["export", "--year", "soon", "-o", "{tmp}/x.csv"], "not a financial year"),
    (["export", "{tmp}/missing.csv", "-o", "{tmp}/x.csv"], "there is no such file"),
    (["export", "-o", "{tmp}/no/such/folder/x.csv"], "does not exist"),
    (["export", "--view", "{tmp}/nope.json", "-o", "{tmp}/x.csv"], "does not exist"),
    (["export", "--suppress-below", "5", "-o", "{tmp}/x.csv"], "--group-by"),
    (["export"], "required"),
])
def test_bad_input_exits_2_with_one_line_and_no_output(tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_binary_garbage_is_refused_in_one_line(tmp_path, capsys):
    bad = tmp_path / "garbage.csv"
    bad.write_bytes(bytes(range(256)) * 40)
    code, _, err = _run(capsys, "export", str(bad), "-o", str(tmp_path / "x.csv"))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_console_script_and_module_are_the_same(tmp_path):
    for cmd in ([sys.executable, "-m", "youthdrugs_gui", "--version"],):
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "youthdrugs-gui" in out.stdout
    out = subprocess.run([sys.executable, "-m", "youthdrugs_gui", "export", "--drug-class", "A", "--outcome",
                          "conviction", "-o", str(tmp_path / "a.csv")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Wrote" in out.stdout
