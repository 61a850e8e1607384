"""Start-up stays quick: what the first window does not show (the importers of users' files, workbook
readers, the CSV parser, the protection audit, reports, the command line, the dialogs, the chart's table
and image writer, the map's force areas, export writers) is imported when it is first used, not at start."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Modules the window opened on the sample never needs before the user asks for something.
NOT_AT_START = (
    "openpyxl", "odf", "scipy", "pyarrow.csv", "pyarrow.dataset",
    "youthdrugs_gui.core.cli", "youthdrugs_gui.core.report", "youthdrugs_gui.core.protection",
    "youthdrugs_gui.core.svgchart", "youthdrugs_gui.core.sources", "youthdrugs_gui.core.export",
    "youthdrugs_gui.core.forcemap", "youthdrugs_gui.qt.chart.table_dialog", "youthdrugs_gui.qt.chart.image",
    "youthdrugs_gui.qt.export_dialog", "youthdrugs_gui.qt.report_dialog", "youthdrugs_gui.qt.open_dialog",
    "youthdrugs_gui.qt.notes_dialog", "youthdrugs_gui.qt.guide_dialog",
)

_SCRIPT = """
import json, sys
names = json.loads(sys.argv[1])
def loaded():
    return sorted(n for n in names if n in sys.modules)
import youthdrugs_gui.qt.app
after_import = loaded()
from youthdrugs_gui.__main__ import main
code = main(["--exit-after-start"])
print(json.dumps({"after_import": after_import, "after_start": loaded(), "code": code}))
"""


def _start(tmp_path: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(NOT_AT_START)], capture_output=True,
                         text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_window_starts_without_what_it_does_not_show(tmp_path: Path) -> None:
    seen = _start(tmp_path)
    assert seen["code"] == 0
    assert seen["after_import"] == []
    assert seen["after_start"] == []


def test_map_drawn_whole_when_its_tab_is_first_opened(win, qtbot) -> None:
    """The window opens on the Chart tab, so the map's force areas are drawn when the Map tab is first
    opened: then every area is there, coloured, and inside the visible part of the map."""
    from PySide6.QtWidgets import QApplication

    assert win.views.currentWidget() is win.chart
    assert win.map.scene.items() == []  # nothing of the map is built while it is not shown
    win.views.setCurrentWidget(win.map)
    win.controller.flush()
    QApplication.processEvents()
    view = win.map.view
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    areas = [item for item in win.map.scene.items() if hasattr(item, "name")]
    assert len({a.name for a in areas}) == 43  # the police forces of England and Wales
    assert all(visible.contains(a.sceneBoundingRect()) for a in areas)
    assert win.map.area_items("Kent")[0].brush().color().name() != "#000000"
