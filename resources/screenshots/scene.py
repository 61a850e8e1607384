"""Open the window in one of the README's scenes, filling the screen, for a screenshot on a real screen.

    .venv/bin/python resources/screenshots/scene.py by-force

Scenes: main (the sample by year, stacked by drug class), by-force (the sample grouped by police force),
east-of-england (six forces, under-16s, five years), police-uk (the police.uk files beside the project,
with More filters open), export (the export dialog over the East of England scene). `make.sh` runs each
through the screenshot tool at the screen sizes the README shows. Settings go to a temporary folder,
never the user's."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.qt.app import make_app
from youthdrugs_gui.qt.mainwindow import MainWindow

POLICE_UK = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw" / "police-uk-stop-search"
EAST = ["Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk", "Suffolk"]


def _settle(win: MainWindow) -> None:
    win.controller.flush()
    for _ in range(5):
        QApplication.processEvents()


def _east_of_england(win: MainWindow) -> None:
    win.controller.set_grouping("force", "offence_type")
    win.controller.set_values("force", EAST)
    win.controller.set_age_range((10, 15))
    win.controller.set_year_range(("2018-19", "2022-23"))


def _stage(win: MainWindow, scene: str) -> None:
    if scene == "main":
        win.controller.set_grouping("financial_year", "drug_class")
    elif scene == "by-force":
        win.controller.set_grouping("force", None)
    elif scene in ("east-of-england", "export"):
        _east_of_england(win)
    elif scene == "police-uk":
        win.filters.more.expand(animate=False)
    _settle(win)
    if scene == "police-uk":
        win.filters.ensureWidgetVisible(win.filters.more, 0, 0)
        win.filters.verticalScrollBar().setValue(win.filters.more.y() - 40)
    if scene == "export":
        from youthdrugs_gui.qt.export_dialog import ExportDialog

        win.export_action.trigger()
        dlg = win.findChildren(ExportDialog)[-1]
        dlg.table_button.setChecked(True)
        dlg.suppress.setChecked(True)
        dlg.path.setText(str(Path.home() / "Documents" / "east-of-england-by-force.csv"))


def main(argv: list[str]) -> int:
    scene = argv[1] if len(argv) > 1 else "main"
    os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())
    app = make_app(argv[:1])
    win = MainWindow(QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat))
    win.setGeometry(app.primaryScreen().availableGeometry())  # the whole screen, with or without a window manager
    win.show()
    if scene == "police-uk":
        # The files load in the background: stage the scene once they are in.
        win.controller.dataset_changed.connect(lambda _ds: QTimer.singleShot(300, lambda: _stage(win, scene)))
        win.open_files(sorted(str(p) for p in POLICE_UK.glob("*.csv")))
    else:
        win.open_sample()
        QTimer.singleShot(300, lambda: _stage(win, scene))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
