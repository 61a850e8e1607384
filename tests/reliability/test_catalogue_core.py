"""Every catalogue entry through the core: `load_files` (with any mapping), a saved view checked against
the data (`FilterState.load` + `Engine.check`, what the CLI does) or an export. Bad input raises a
YouthDrugsError whose text is exactly the catalogue's message; odd but valid input loads, filters
correctly and tells the user what was done to it."""
from __future__ import annotations

import numpy as np
import pytest

from reliability_catalogue import CATALOGUE, ERRORS, VALID, Entry, expand, listing, prepare
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.errors import YouthDrugsError
from youthdrugs_gui.core.export import export_rows
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import load_files, load_sample


def test_the_catalogue_is_big_enough_and_well_formed():
    names = [e.name for e in CATALOGUE]
    assert len(names) == len(set(names))
    assert len(CATALOGUE) >= 40 and len(ERRORS) >= 40
    assert len([e for e in CATALOGUE if e.gui]) >= 10
    for e in CATALOGUE:
        assert e.how and (e.message is None) != (e.check is None), e.name
        if e.message is not None:
            assert "Traceback" not in e.message and "Error" not in e.message, e.name  # no Python in messages


def run_core(entry: Entry, setup) -> Dataset | None:
    if entry.stage in ("load", "mapping"):
        return load_files(setup.files, mapping=setup.mapping)
    if entry.stage == "view":
        ds = load_sample()
        Engine(ds).check(FilterState.load(setup.view))
        return ds
    ds = load_files(setup.files) if setup.files else load_sample()
    export_rows(ds, np.arange(min(ds.n_rows, 1000)), setup.output)
    return ds


@pytest.mark.parametrize("entry", ERRORS, ids=[e.name for e in ERRORS])
def test_bad_input_gives_the_catalogued_message(entry, tmp_path, monkeypatch):
    setup = prepare(entry, tmp_path, monkeypatch)
    out_before = listing(tmp_path / "out")
    with pytest.raises(YouthDrugsError) as err:
        run_core(entry, setup)
    assert str(err.value) == expand(entry.message, tmp_path)
    assert listing(tmp_path / "out") == out_before  # nothing half-written, no temporary file left


@pytest.mark.parametrize("entry", VALID, ids=[e.name for e in VALID])
def test_odd_but_valid_input_loads_and_filters(entry, tmp_path, monkeypatch):
    setup = prepare(entry, tmp_path, monkeypatch)
    ds = load_files(setup.files)
    assert ds.n_rows == entry.rows
    entry.check(ds)
    notes = [n for s in ds.sources for n in s.notes]
    if entry.note is not None:
        assert entry.note in notes, notes
    for c in ds.categorical_columns:
        assert (ds.codes(c) >= 0).all()
