"""Every catalogue entry through the command line (`run_cli`, in process so the simulated faults apply):
bad input prints exactly one line, `error: <the catalogue's message>`, exits 2 and leaves no output
file (nor a temporary one); odd but valid input exports the rows the core loads."""
from __future__ import annotations

import csv

import pytest

from reliability_catalogue import ERRORS, VALID, cli_args, expand, listing, prepare
from youthdrugs_gui.core.cli import run_cli


@pytest.mark.parametrize("entry", [e for e in ERRORS if e.cli], ids=[e.name for e in ERRORS if e.cli])
def test_bad_input_is_one_line_and_exit_2(entry, tmp_path, monkeypatch, capsys):
    setup = prepare(entry, tmp_path, monkeypatch)
    inputs = {f: f.read_bytes() for f in setup.files if f.is_file()}
    before = listing(tmp_path / "out")
    code = run_cli(cli_args(setup))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == "error: " + expand(entry.message, tmp_path) + "\n"
    assert listing(tmp_path / "out") == before  # no output, no provenance, no .part file
    for f, data in inputs.items():
        assert not f.exists() or f.read_bytes() == data  # what was read is never changed


@pytest.mark.parametrize("entry", VALID, ids=[e.name for e in VALID])
def test_odd_but_valid_input_exports(entry, tmp_path, monkeypatch, capsys):
    setup = prepare(entry, tmp_path, monkeypatch)
    code = run_cli(cli_args(setup))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"Wrote {entry.rows:,} of {entry.rows:,} rows")
    with open(setup.output, encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) == entry.rows + 1
    assert sorted(p.name for p in setup.output.parent.iterdir()) == ["export.csv", "export.csv.provenance.json"]


def test_an_unwritable_output_is_refused_before_any_file_is_read(tmp_path, monkeypatch, capsys):
    import youthdrugs_gui.core.sources as sources

    def must_not_load(*a, **k):
        raise AssertionError("read a (possibly huge) file although the output cannot be written")

    monkeypatch.setattr(sources, "load_files", must_not_load)
    monkeypatch.setattr(sources, "load_sample", must_not_load)
    src = tmp_path / "big.csv"
    src.write_text("Force,Count\nKent,1\n")
    code = run_cli(["export", str(src), "-o", str(tmp_path / "missing" / "out.csv")])
    assert (code, capsys.readouterr().err) == (
        2, f"error: The folder {tmp_path / 'missing'} does not exist: choose another folder.\n")
