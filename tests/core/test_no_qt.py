"""The core never imports Qt: it runs where PySide6 is absent or no display exists."""
from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_qt():
    code = (
        "import sys, pkgutil, importlib, youthdrugs_gui.core as core\n"
        "import youthdrugs_gui.core.sources\n"
        "for m in pkgutil.walk_packages(core.__path__, 'youthdrugs_gui.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "from youthdrugs_gui.core.sources import load_sample\n"
        "from youthdrugs_gui.core.engine import Engine\nfrom youthdrugs_gui.core.filter_state import FilterState\n"
        "Engine(load_sample()).apply(FilterState().with_values('force', ['Essex']), 'financial_year')\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt', 'qtpy'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_core_works_when_qt_cannot_be_imported():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt'):\n"
        "            raise ImportError('no Qt here')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from youthdrugs_gui.core.cli import run_cli\n"
        "sys.exit(run_cli(['export', '--force', 'Kent', '-o', sys.argv[1]]))\n"
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([sys.executable, "-c", code, str(Path(d) / "kent.csv")], capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert (Path(d) / "kent.csv").exists()
