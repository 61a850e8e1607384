"""Where unexpected errors are written: a log in the user's data folder, readable by the user only.

What is written is the time and the traceback (where in the program it happened, and the error's message),
never the values of local variables; each line is cut short, so an error quoting a whole column of data
cannot copy it into the log. The log is never written through a link: a link in its place is replaced by
a plain file."""
from __future__ import annotations

import datetime as _dt
import os
import stat
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

MAX_LINE = 500  # characters kept of each line of an entry
MAX_ENTRY = 200  # lines kept of each entry (the last ones: the error itself is at the end)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class CrashRecord:
    """Where an error was logged: `saved` says whether it was, `problem` why not (plain words), `note`
    anything the user should know about the log itself (a link that was replaced)."""
    path: Path
    saved: bool
    problem: str = ""
    note: str = ""


def data_folder() -> Path:
    """The user's data folder for this program (per platform)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "youthdrugs_gui"


def entry_text(exc_type, exc, tb) -> str:
    """One log entry: a time stamp and the traceback (no local variables), each line cut to MAX_LINE
    characters and the whole to its last MAX_ENTRY lines."""
    lines = "".join(traceback.format_exception(exc_type, exc, tb)).splitlines()
    if len(lines) > MAX_ENTRY:
        lines = [f"[{len(lines) - MAX_ENTRY} earlier lines left out]"] + lines[-MAX_ENTRY:]
    cut = [ln if len(ln) <= MAX_LINE else ln[:MAX_LINE] + f" [{len(ln) - MAX_LINE} more characters left out]"
           for ln in lines]
    stamp = _dt.datetime.now(_dt.timezone.utc).isoformat()
    return f"--- {stamp} ---\n" + "\n".join(cut) + "\n"


def record_exception(exc_type, exc, tb) -> CrashRecord:
    """Append the error to crash.log (made 0600 if it was not); never raises, never follows a link."""
    folder = data_folder()
    path = folder / "crash.log"
    note = ""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISLNK(st.st_mode):
            try:
                target = os.readlink(path)
            except OSError:
                target = "another file"
            os.unlink(path)  # removes the link itself, not what it points to
            note = (f"{path} was a link to {target}; it was replaced by a plain file, and {target} was not "
                    "changed.")
        elif st is not None and stat.S_ISREG(st.st_mode) and (
                st.st_nlink > 1 or (hasattr(os, "geteuid") and st.st_uid != os.geteuid())):
            os.unlink(path)  # a hard link to another file, or someone else's file: never appended to
            note = f"{path} was linked to another file or belonged to someone else; it was replaced by a new file."
        elif st is not None and stat.S_ISDIR(st.st_mode):
            return CrashRecord(path, False, f"{path} is a folder, not a file. Move or rename that folder so the "
                                            "details can be saved next time.")
        elif st is not None and not stat.S_ISREG(st.st_mode):
            return CrashRecord(path, False, f"{path} is not an ordinary file.")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:  # changed since it was looked at
                return CrashRecord(path, False, f"{path} is not an ordinary file of its own.", note)
            if os.name == "posix" and stat.S_IMODE(st.st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            if note:
                f.write(f"--- note ---\n{note}\n")
            f.write(entry_text(exc_type, exc, tb))
    except OSError as e:
        return CrashRecord(path, False, f"{path} could not be written ({e.strerror or type(e).__name__}).", note)
    except Exception as e:  # noqa: BLE001 - the crash handler itself must never crash
        return CrashRecord(path, False, f"{path} could not be written ({type(e).__name__}).", note)
    return CrashRecord(path, True, "", note)


def log_exception(exc_type, exc, tb) -> Path:
    """Append the error, with its traceback, to crash.log (mode 0600); return the log's path (see
    record_exception for whether it was saved)."""
    return record_exception(exc_type, exc, tb).path
