"""One export path: a request previewed (rows, columns, hidden cells, warnings) and written, the same for
the window and the command line; a cancel token stops a running export and keeps the old file."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from youthdrugs_gui.core import export_view
from youthdrugs_gui.core.cancel import CancelToken
from youthdrugs_gui.core.cli import run_cli
from youthdrugs_gui.core.dataset import Dataset
from youthdrugs_gui.core.disclosure import protect_table
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.errors import CancelledError, FilterError
from youthdrugs_gui.core.export import XLSX_MAX_ROWS, export_table, sidecar_path
from youthdrugs_gui.core.export_view import ExportRequest, preview, write
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.sources import load_sample
from youthdrugs_gui.core.tables import aggregate


@pytest.fixture
def engine() -> Engine:
    """Kent 7, Essex 2 and Norfolk 9 offences, spread over drug classes A, B and C."""
    forces = ["Kent"] * 7 + ["Essex"] * 2 + ["Norfolk"] * 9
    frame = pd.DataFrame({"force": forces, "drug_class": ["A", "B", "C"] * 6})
    return Engine(Dataset.from_frame(frame, name="test"))


def _request(engine: Engine, **choices) -> ExportRequest:
    state = FilterState()
    return ExportRequest(engine=engine, state=state, rows=engine.apply(state).rows, **choices)


def test_preview_of_a_suppressed_table_says_what_is_written_and_hidden(engine):
    shown = preview(_request(engine, what="table", group_by=("force",), suppress_below=5))
    assert shown.rows == 4  # Essex, Kent, Norfolk and the total
    assert shown.columns == ("Police force", "Count")
    assert shown.hidden == 2  # Essex's 2, and Kent's 7 so that Essex's cannot be worked out from the total
    assert shown.rule.startswith("counts of 1 to 4 shown as [c]")
    assert shown.ready and shown.warnings == ()


def test_preview_of_rows_names_the_columns_and_warns_of_excel_limit(engine):
    shown = preview(_request(engine, columns=("drug_class", "Police force")))
    assert (shown.rows, shown.columns, shown.hidden) == (18, ("Drug class", "Police force"), 0)
    many = ExportRequest(engine=engine, state=FilterState(), rows=np.zeros(XLSX_MAX_ROWS + 1, dtype=np.int64),
                         fmt="xlsx")
    assert preview(many).warnings == (export_view.TOO_MANY_FOR_EXCEL,)
    assert preview(_request(engine, columns=())).ready is False


def test_writing_the_preview_writes_its_table_without_building_it_again(engine, tmp_path, monkeypatch):
    built = []
    real = export_view.aggregate
    monkeypatch.setattr(export_view, "aggregate", lambda *a, **k: built.append(1) or real(*a, **k))
    request = _request(engine, what="table", group_by=("force", "drug_class"), suppress_below=5,
                       path=tmp_path / "view.csv")
    shown = preview(request)
    res = write(shown)
    assert len(built) == 1
    assert (res.rows, res.suppressed) == (shown.rows, shown.hidden) == (4, 10)
    by_hand = protect_table(aggregate(engine.ds, request.rows, ["force", "drug_class"]), k=5)
    export_table(by_hand, tmp_path / "hand.csv", dataset=engine.ds)
    assert (tmp_path / "view.csv").read_bytes() == (tmp_path / "hand.csv").read_bytes()


def test_the_format_comes_from_the_name_unless_chosen(engine, tmp_path):
    assert _request(engine, path=tmp_path / "a.XLSX").format == "xlsx"
    assert _request(engine, path=tmp_path / "a.txt").format == "csv"
    assert _request(engine, path=tmp_path / "a.csv", fmt="xlsx").format == "xlsx"
    res = write(_request(engine, path=tmp_path / "a.txt"))
    assert res.format == "csv" and (tmp_path / "a.txt").read_bytes().startswith(b"\xef\xbb\xbfPolice force,")


@pytest.mark.parametrize("choices, words", [
    (dict(suppress_below=5), "summary tables"),
    (dict(what="table"), "count by"),
    (dict(what="table", group_by=("force",), suppress_below=1), "2 or more"),
    (dict(what="table", group_by=("force",), round_to=1), "2 or more"),
    (dict(what="table", group_by=("force", "drug_class"), rate=True), "one column"),
])
def test_choices_that_do_not_go_together_are_refused(engine, choices, words):
    with pytest.raises(FilterError, match=words):
        preview(_request(engine, **choices))


def test_selected_rows_say_so_in_the_record(engine, tmp_path):
    res = write(ExportRequest(engine=engine, state=FilterState(), rows=np.array([2, 0]), what="selected",
                              path=tmp_path / "sel.csv", bom=False))
    assert (tmp_path / "sel.csv").read_text().splitlines()[1:] == ["Kent,C,1", "Kent,A,1"]
    record = json.loads(sidecar_path(res.path).read_text())
    assert record["selection"] == "rows selected in the table" and record["filter_state"] is not None


def test_a_cancelled_export_keeps_the_old_file(engine, tmp_path):
    out = tmp_path / "out.csv"
    out.write_bytes(b"old\r\n")
    token = CancelToken()
    assert not token.cancelled
    token.cancel()
    with pytest.raises(CancelledError):
        write(_request(engine, path=out), cancel=token)
    assert out.read_bytes() == b"old\r\n" and not sidecar_path(out).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_the_command_line_writes_what_the_request_writes(tmp_path, capsys):
    cli_out, view_out = tmp_path / "cli.csv", tmp_path / "view.csv"
    assert run_cli(["export", "--group-by", "force", "--stack-by", "drug_class", "--suppress-below", "5",
                    "-o", str(cli_out)]) == 0
    ds = load_sample()
    engine = Engine(ds)
    write(_request(engine, what="table", group_by=("force", "drug_class"), suppress_below=5, path=view_out))
    assert view_out.read_bytes() == cli_out.read_bytes()
    cli_record, view_record = (json.loads(sidecar_path(p).read_text()) for p in (cli_out, view_out))
    for record in (cli_record, view_record):
        for fact in ("created_utc", "seconds"):
            record.pop(fact)
        record["output"].pop("file")
    assert cli_record == view_record
