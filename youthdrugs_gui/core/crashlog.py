"""Where unexpected errors are written: a log in the user's data folder, readable by the user only."""
from __future__ import annotations

import datetime as _dt
import os
import sys
import traceback
from pathlib import Path


def data_folder() -> Path:
    """The user's data folder for this program (per platform)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "youthdrugs_gui"


def log_exception(exc_type, exc, tb) -> Path:
    """Append the error, with its traceback, to crash.log (mode 0600); return the log's path."""
    folder = data_folder()
    path = folder / "crash.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(f"--- {_dt.datetime.now(_dt.timezone.utc).isoformat()} ---\n")
            f.write("".join(traceback.format_exception(exc_type, exc, tb)))
    except OSError:
        pass
    return path
