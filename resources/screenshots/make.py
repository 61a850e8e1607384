"""Regenerate the README's screenshots of the main window on the synthetic sample.

    .venv/bin/python resources/screenshots/make.py

Renders offscreen (no display needed) at 1440x900 and writes PNGs beside this script."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from youthdrugs_gui.qt.app import make_app  # noqa: E402
from youthdrugs_gui.qt.export_dialog import ExportDialog  # noqa: E402
from youthdrugs_gui.qt.mainwindow import MainWindow  # noqa: E402

HERE = Path(__file__).resolve().parent


def _settle(win: MainWindow) -> None:
    win.controller.flush()
    for _ in range(5):
        QApplication.processEvents()


def main() -> int:
    app = make_app(sys.argv[:1])
    tmp = tempfile.mkdtemp()
    win = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
    win.resize(1440, 900)
    win.open_sample()
    win.show()
    _settle(win)

    win.controller.set_grouping("financial_year", "drug_class")
    _settle(win)
    win.grab().save(str(HERE / "main-window.png"))

    win.controller.set_grouping("force", "offence_type")
    win.controller.set_values("force", ["Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk",
                                        "Suffolk"])
    win.controller.set_age_range((10, 15))
    win.controller.set_year_range(("2018-19", "2022-23"))
    _settle(win)
    win.grab().save(str(HERE / "east-of-england-under-16s.png"))

    dlg = ExportDialog(win, win.settings)
    dlg.table_button.setChecked(True)
    dlg.suppress.setChecked(True)
    dlg.path.setText(str(Path.home() / "Documents" / "east-of-england-by-force.csv"))
    dlg.show()
    _settle(win)
    dlg.grab().save(str(HERE / "export-dialog.png"))
    dlg.close()
    win.close()
    app.quit()
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
