"""The user's settings: a small INI file in the layout QSettings writes, but read and written here, never by
Qt (qt.settings_ini says why). Only text and bytes are kept; anything else, and any value of the wrong kind
or size for the setting it names (qt.settings_values), is dropped with a warning and the file rewritten.
The file is written atomically, readable by the user only, and never through a link (a link in its place
is replaced, and what it pointed to is left alone)."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QTimer

from ..core import safeio
from .settings_ini import KEY_PATTERN, Unreadable, format_ini, parse_ini
from .settings_values import (Value, bytes_value, describe, last_view_value, recent_files_value,
                              recent_options_value)

__all__ = ["SettingsStore", "UserSettings", "bytes_value", "format_ini", "last_view_value", "make_private",
           "open_user_settings", "parse_ini", "recent_files_value", "recent_options_value", "unreadable_message"]

MAX_FILE_BYTES = 1024 * 1024  # real settings are a few kilobytes


class SettingsStore(Protocol):
    """What the window needs of its settings: QSettings has it, and so does UserSettings."""

    def value(self, key: str, defaultValue: object = None) -> object: ...
    def setValue(self, key: str, value: object) -> None: ...
    def sync(self) -> None: ...
    def fileName(self) -> str: ...


def make_private(settings: SettingsStore) -> None:
    """Owner-only permissions on the settings file and its folder (POSIX); never fails, and never changes
    a mode through a link (a linked folder or file is left as it is)."""
    if os.name != "posix" or not settings.fileName():
        return
    path = Path(settings.fileName())
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return
    safeio.make_private(path.parent, folder=True)
    safeio.make_private(path)


def _plain(value: object) -> Value:
    """What may be stored: text, numbers (as text, as QSettings stores them), bytes. Nothing else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, QByteArray):
        return value.data()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"settings hold only text, numbers and bytes, not {type(value).__name__}")


# ---- the store ------------------------------------------------------------------------------------------
class UserSettings:
    """The user's settings, with the part of QSettings' interface the window uses (value, setValue, sync,
    fileName, allKeys ...). Changes are written soon after they are made (once per burst) and on sync()."""

    def __init__(self, path: Path | None = None, values: dict[str, Value] | None = None,
                 writable: bool = True) -> None:
        self._path = path
        self._values: dict[str, Value] = dict(values or {})
        self._writable = writable and path is not None
        self._dirty = False
        self._scheduled = False
        self.problem = ""  # why the last write failed, in plain words ("" if it did not)

    @classmethod
    def in_memory(cls) -> "UserSettings":
        """Settings kept for this session only (nothing is read or written)."""
        return cls(None)

    def fileName(self) -> str:  # noqa: N802 - QSettings' name
        return str(self._path) if self._path is not None else ""

    def value(self, key: str, defaultValue: object = None, type: object = None) -> object:  # noqa: N803, A002
        v = self._values.get(key)
        if v is None:
            return defaultValue
        return QByteArray(v) if isinstance(v, bytes) else v

    def setValue(self, key: str, value: object) -> None:  # noqa: N802
        if not KEY_PATTERN.match(key):
            raise ValueError(f"{key!r} is not a settings name (letters, digits, _ . - only)")
        self._values[key] = _plain(value)
        self._changed()

    def remove(self, key: str) -> None:
        if self._values.pop(key, None) is not None:
            self._changed()

    def contains(self, key: str) -> bool:
        return key in self._values

    def allKeys(self) -> list[str]:  # noqa: N802
        return sorted(self._values)

    def clear(self) -> None:
        self._values.clear()
        self._changed()

    def status(self) -> QSettings.Status:
        return QSettings.Status.AccessError if self.problem else QSettings.Status.NoError

    def sync(self) -> None:
        """Write the settings now if they changed; never raises (a failure is kept in `problem`)."""
        if not self._dirty or not self._writable or self._path is None:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            safeio.write_private(self._path, format_ini(self._values))
            self._dirty = False
            self.problem = ""
        except OSError as e:
            self.problem = f"Your settings could not be saved to {self._path} ({e.strerror or type(e).__name__})."

    def _changed(self) -> None:
        self._dirty = True
        if self._writable and not self._scheduled and QCoreApplication.instance() is not None:
            self._scheduled = True
            QTimer.singleShot(0, self._write_soon)

    def _write_soon(self) -> None:
        self._scheduled = False
        self.sync()


def _refused_message(path: Path, refused: list[tuple[str, str]]) -> str:
    items = list(dict.fromkeys(f"{describe(key) if '/' not in key else repr(key)} ({reason})"
                               for key, reason in refused))
    shown = "; ".join(items[:8]) + (f"; and {len(items) - 8} more" if len(items) > 8 else "")
    return f"Some of your saved settings ({path}) could not be used and were removed: {shown}. The rest were kept."


def unreadable_message(path: Path) -> str:
    return f"Your saved settings ({path}) could not be read and were reset."


def open_user_settings(path: Path) -> tuple[UserSettings, str]:
    """The settings in `path`, checked, and a warning for the user ("" if none). Never raises: a file that
    cannot be used is reset (or, if it cannot be replaced, the program runs on defaults), with a warning."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        safeio.make_private(folder, folder=True)
        st = os.lstat(path)
    except FileNotFoundError:
        return UserSettings(path), ""
    except OSError as e:
        return (UserSettings(path, writable=False),
                f"Your settings could not be read from {path} ({e.strerror or type(e).__name__}). The program "
                "starts with its usual settings and will not save them this time.")
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "another file"
        store = UserSettings(path)
        try:
            os.unlink(path)  # the link itself; what it points to is not touched
        except OSError as e:
            return (UserSettings(path, writable=False),
                    f"Your settings file {path} is a link to {target}, so it was not read, and it could not be "
                    f"replaced ({e.strerror or type(e).__name__}). The program starts with its usual settings and "
                    "will not save them until the link is removed.")
        return store, _rewrite(store, f"Your settings file {path} was a link to {target}, so it was not read; it "
                                      f"was replaced by a new settings file, and {target} was not changed.")
    if not stat.S_ISREG(st.st_mode):
        kind = "folder" if stat.S_ISDIR(st.st_mode) else "pipe or device"
        return (UserSettings(path, writable=False),
                f"Your settings could not be read: {path} is a {kind}, not a settings file. The program starts with "
                f"its usual settings and will not save them until that {kind} is moved or renamed.")
    store = UserSettings(path)
    try:
        data = safeio.read_bounded(path, MAX_FILE_BYTES, follow_links=False)
        values, refused = parse_ini(data.decode("utf-8-sig"))
    except safeio.TooLarge as e:
        warning = (f"Your saved settings ({path}) were too large to be settings ({safeio.size_text(e.size)}) and "
                   "were reset.")
    except (OSError, UnicodeDecodeError, Unreadable):
        warning = unreadable_message(path)
    else:
        store._values = values
        if not refused:
            safeio.make_private(path)
            return store, ""
        warning = _refused_message(path, refused)
    return store, _rewrite(store, warning)


def _rewrite(store: UserSettings, warning: str) -> str:
    """Write the checked settings over the file now; the warning, and why the writing failed if it did."""
    store._dirty = True
    store.sync()
    return f"{warning}\n\n{store.problem}" if store.problem else warning
