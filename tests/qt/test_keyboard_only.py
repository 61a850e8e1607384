"""A caseworker who uses no mouse: Tab reaches every control of the window in turn and never gets stuck,
and an export can be made from the keyboard alone."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from youthdrugs_gui.qt.export_dialog import ExportDialog


def _focus() -> QWidget | None:
    return QApplication.focusWidget()


def _tab_round(qtbot, start: QWidget, limit: int = 400) -> list[QWidget]:
    """The widgets Tab visits from `start` until it comes back round (or `limit` presses)."""
    seen: list[QWidget] = []
    start.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(limit):
        qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
        w = _focus()
        assert w is not None
        if seen and w is seen[0] and len(seen) > 3:
            break
        seen.append(w)
    return seen


def test_tab_reaches_every_control_and_comes_back_round(win, qtbot):
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    visited = _tab_round(qtbot, win.filters.search)
    panel, chart = win.filters, win.chart
    wanted = {
        "search": panel.search,
        "reset filters": panel.reset_button,
        "police force list": panel.facets["force"].list,
        "drug class list": panel.facets["drug_class"].list,
        "offence type list": panel.facets["offence_type"].list,
        "age slider": panel.age.handles,
        "first year": panel.year.first,
        "last year": panel.year.last,
        "table": win.table,
        "chart grouping": chart.group_combo,
        "save chart": chart.save_button,
        "chart as table": chart.table_button,
    }
    missing = [name for name, w in wanted.items() if w not in visited]
    assert not missing, f"Tab never reaches: {missing}"
    # The table is left with one Tab, not one per cell.
    i = visited.index(win.table)
    assert visited[i + 1] is not win.table
    # It came back round to where it started: no trap anywhere on the way.
    assert len(visited) < 400


def test_an_export_from_the_keyboard_alone(win, qtbot, tmp_path):
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # File > Export
    qtbot.waitUntil(lambda: bool(win.findChildren(ExportDialog)), timeout=5000)
    dlg = win.findChildren(ExportDialog)[-1]
    qtbot.waitUntil(dlg.isVisible, timeout=5000)
    dlg.activateWindow()  # what the window manager does for a new dialog (the offscreen platform has none)
    qtbot.waitUntil(dlg.isActiveWindow, timeout=2000)
    target = tmp_path / "from-the-keyboard.csv"
    # Tab to the file name, replace it, press Enter: Enter exports (it does not open a file chooser).
    for _ in range(40):
        if _focus() is dlg.path:
            break
        qtbot.keyClick(_focus() or dlg, Qt.Key.Key_Tab)
    assert _focus() is dlg.path
    dlg.path.selectAll()
    qtbot.keyClicks(dlg.path, str(target))
    qtbot.waitUntil(lambda: dlg.export_button.isEnabled(), timeout=10000)
    qtbot.keyClick(dlg.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: Path(target).exists() and not dlg.busy, timeout=30000)
    assert Path(target).read_text(encoding="utf-8-sig").startswith(("Financial year", '"Financial year'))
