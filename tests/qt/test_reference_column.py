"""A column with a different value on nearly every row, in the window: shown as text in the table,
found by Search, never offered as a list of values to tick."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from youthdrugs_gui.core.sources import load_files

N = 60_000


def _refs(tmp_path):
    lines = "".join(f"YJ-{i:06d},{'Kent' if i % 3 else 'Essex'},{10 + i % 8},1\n" for i in range(N))
    p = tmp_path / "refs.csv"
    p.write_text("Case reference,Force,Age,Count\n" + lines, encoding="utf-8")
    return load_files(p)


def _idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.controller.working and win.controller.result is not None, timeout=10_000)
    win.controller.flush()


def test_references_are_text_in_the_table_and_found_by_search(qtbot, win, tmp_path):
    win.show_dataset(_refs(tmp_path))
    _idle(qtbot, win)
    model = win.table.model()
    col = model.column_names().index("Case reference")
    assert model.data(model.index(0, col), Qt.ItemDataRole.DisplayRole) == "YJ-000000"
    names = [lw.accessibleName() for lw in win.findChildren(QListWidget)]
    assert not any(n.lower().startswith("case reference") for n in names)
    win.controller.set_search("yj-004321")
    _idle(qtbot, win)
    assert model.rowCount() == 1
    assert model.data(model.index(0, col), Qt.ItemDataRole.DisplayRole) == "YJ-004321"
    assert win.summary.text().startswith("Showing 1 of 60,000 rows")
