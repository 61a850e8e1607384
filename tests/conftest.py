"""Test set-up shared by every test: headless Qt, where the real data files are, and the window on the
sample that most window tests start from."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR", "1")
# Tests never touch the user's own settings, crash log or data folder.
_HOME = tempfile.mkdtemp(prefix="youthdrugs-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

SHARED_RAW = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "raw").resolve()


@pytest.fixture
def settings(tmp_path):
    """Window settings in a temporary INI file, never the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def win(qtbot, settings):
    """The window on the synthetic sample, shown: where most window tests start."""
    from youthdrugs_gui.qt.mainwindow import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_sample()
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def shared_raw() -> Path:
    """The real Open Government Licence files beside the project; tests needing them skip without."""
    if not SHARED_RAW.is_dir():
        pytest.skip(f"the real data files are not here ({SHARED_RAW} is absent)")
    return SHARED_RAW


# Property tests draw the same examples on every run (CI must not pass or fail by luck); set
# HYPOTHESIS_PROFILE=explore to search new examples locally.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, print_blob=True)
_hyp_settings.register_profile("explore", derandomize=False)
_hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
