"""A column with a different value on nearly every row (a case reference): searchable text, never a list
of values to tick, and never turned into millions of Python strings by the engine."""
from __future__ import annotations

from pathlib import Path

import pytest

from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.schema import Role
from youthdrugs_gui.core.sources import load_files

N = 60_000


@pytest.fixture(scope="module")
def refs(tmp_path_factory) -> Dataset:
    lines = "".join(f"YJ-{i:06d},{'Kent' if i % 3 else 'Essex'},{10 + i % 8},1\n" for i in range(N))
    p: Path = tmp_path_factory.mktemp("refs") / "refs.csv"
    p.write_text("Case reference,Force,Age,Count\n" + lines, encoding="utf-8")
    return load_files(p)


def test_the_reference_column_is_searchable_text_not_a_filter_list(refs):
    assert refs.role("Case reference") is Role.TEXT
    assert "Case reference" not in refs.facet_columns
    assert "Case reference" in refs.text_columns


def test_the_engine_never_lists_the_references_to_filter_or_search(refs, monkeypatch):
    listed: list[str] = []
    real = Dataset.categories

    def listing(self, col):
        listed.append(col)
        return real(self, col)

    monkeypatch.setattr(Dataset, "categories", listing)
    engine = Engine(refs).warm()
    for state in (FilterState(), FilterState().with_search("yj-01234"),
                  FilterState().with_values("force", ["Kent"]).with_search("YJ-0599")):
        engine.apply(state, "force")
    assert "Case reference" not in listed
    assert "force" in listed  # the tick-lists are listed as before


def test_a_reference_is_found_whatever_its_case(refs):
    engine = Engine(refs)
    one = engine.apply(FilterState().with_search("yj-012345"))
    assert list(refs.frame["Case reference"].iloc[one.rows]) == ["YJ-012345"]
    some = engine.apply(FilterState().with_search("  YJ-0599 "))  # spaces round a pasted reference
    assert len(some.rows) == 100
    assert set(refs.frame["Case reference"].iloc[some.rows].str[:7]) == {"YJ-0599"}
    kent = engine.apply(FilterState().with_values("force", ["Kent"]).with_search("YJ-0599"))
    assert len(kent.rows) == 66 or len(kent.rows) == 67
    assert set(refs.frame["force"].iloc[kent.rows]) == {"Kent"}


def test_search_matches_other_text_columns_as_before(refs):
    engine = Engine(refs)
    essex = engine.apply(FilterState().with_search("ESS"))
    assert len(essex.rows) == N // 3
    assert len(engine.apply(FilterState().with_search("no such thing")).rows) == 0
