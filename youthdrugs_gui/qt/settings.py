"""The user's settings: a small INI file in the layout QSettings writes, but read and written here, never by
Qt. In a QSettings INI file a value `@Variant(...)` is a serialised object that Qt rebuilds on reading, and
PySide6 rebuilds a Python object by unpickling it: a settings file could run any code when the program
starts. Here the file is parsed as text: only text and bytes (`@ByteArray(...)`, for window geometry) are
kept; anything else, and any value of the wrong kind or size for the setting it names, is dropped with a
warning and the file rewritten. The file is written atomically, readable by the user only, and never
through a link (a link in its place is replaced, and what it pointed to is left alone)."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Callable, Protocol

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QTimer

from ..core import safeio
from ..core.errors import YouthDrugsError
from ..core.filter_state import FilterState

MAX_FILE_BYTES = 1024 * 1024  # real settings are a few kilobytes
MAX_LINES = 1000  # real settings are about a dozen
MAX_BYTES_VALUE = 64 * 1024  # window geometry and splitter state are under 100 bytes
MAX_TEXT = 64 * 1024  # any other text setting
MAX_PATH = 32_768  # the longest path Windows allows
MAX_NAME = 200  # a column name
MAX_JSON_VALUE = 512 * 1024  # recent files, the last view
MAX_RECENT_ENTRIES = 100

Value = str | bytes

R_OBJECT = "a stored program object, not opened because opening it could run code"
R_KIND = "the wrong kind of value"
R_LARGE = "too large"
R_DAMAGED = "damaged"
R_PLACE = "not a setting this program uses"


class SettingsStore(Protocol):
    """What the window needs of its settings: QSettings has it, and so does UserSettings."""

    def value(self, key: str, defaultValue: object = None) -> object: ...
    def setValue(self, key: str, value: object) -> None: ...
    def sync(self) -> None: ...
    def fileName(self) -> str: ...


# ---- what each setting must look like -------------------------------------------------------------------
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


def _json(raw: object, limit: int = MAX_JSON_VALUE) -> object:
    """Plain data from a JSON text setting, or _BAD."""
    if not isinstance(raw, str) or len(raw) > limit:
        return _BAD
    try:
        return safeio.load_json(raw, max_bytes=limit)
    except (ValueError, TypeError, RecursionError):
        return _BAD


_BAD = object()


def recent_files_value(raw: object) -> list[list[str]] | None:
    """The recent files (JSON text: a list of lists of paths), or None if `raw` is not that."""
    data = _json(raw)
    if not isinstance(data, list) or len(data) > MAX_RECENT_ENTRIES:
        return None
    for item in data:
        if not (isinstance(item, list) and item and len(item) <= 1000
                and all(isinstance(p, str) and 0 < len(p) <= MAX_PATH for p in item)):
            return None
    return data


def recent_options_value(raw: object) -> dict[str, dict[str, str]] | None:
    """Recent files (their paths joined by newlines) -> the options they were opened with (JSON text), or
    None if `raw` is not that."""
    data = _json(raw)
    if not isinstance(data, dict) or len(data) > MAX_RECENT_ENTRIES:
        return None
    for opts in data.values():
        if not (isinstance(opts, dict) and len(opts) <= 50
                and all(isinstance(v, str) and len(v) <= MAX_TEXT for v in opts.values())):
            return None
    return data


def last_view_value(raw: object) -> FilterState | None:
    """The filters from last time (a saved view's JSON), or None if `raw` is not one."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_JSON_VALUE:
        return None
    try:
        return FilterState.from_json(raw)
    except YouthDrugsError:
        return None


def bytes_value(raw: object, limit: int = MAX_BYTES_VALUE) -> bytes | None:
    """A bytes setting (window geometry, splitter state) as bytes, or None if `raw` is not one."""
    if isinstance(raw, QByteArray):
        raw = raw.data()
    if isinstance(raw, (bytes, bytearray)) and 0 < len(raw) <= limit:
        return bytes(raw)
    return None


def _bytes_check(v: Value) -> str:
    if not isinstance(v, bytes):
        return R_KIND
    return R_LARGE if len(v) > MAX_BYTES_VALUE else ""


def _text_check(limit: int) -> Callable[[Value], str]:
    def check(v: Value) -> str:
        if not isinstance(v, str):
            return R_KIND
        return R_LARGE if len(v) > limit else ""
    return check


def _json_check(parse: Callable[[object], object], empty_ok: bool = False) -> Callable[[Value], str]:
    def check(v: Value) -> str:
        if not isinstance(v, str):
            return R_KIND
        if len(v) > MAX_JSON_VALUE:
            return R_LARGE
        if empty_ok and not v:
            return ""
        return "" if parse(v) is not None else R_DAMAGED
    return check


def _any_check(v: Value) -> str:
    return R_LARGE if len(v) > MAX_TEXT else ""


# name -> (what the user calls it, check giving the reason it is refused or "")
KNOWN: dict[str, tuple[str, Callable[[Value], str]]] = {
    "geometry": ("window size and position", _bytes_check),
    "split": ("panel sizes", _bytes_check),
    "right_split": ("panel sizes", _bytes_check),
    "chart_group_by": ("chart grouping", _text_check(MAX_NAME)),
    "chart_stack_by": ("chart grouping", _text_check(MAX_NAME)),
    "last_folder": ("the last folder used", _text_check(MAX_PATH)),
    "export_folder": ("the last export folder", _text_check(MAX_PATH)),
    "recent_files": ("recent files", _json_check(recent_files_value)),
    "recent_options": ("how recent files were opened", _json_check(recent_options_value)),
    "last_view": ("the filters from last time", _json_check(last_view_value, empty_ok=True)),
}


def _describe(key: str) -> str:
    return KNOWN[key][0] if key in KNOWN else f"the setting {key!r}"


# ---- the INI text (the subset of QSettings' layout that holds text and bytes) ---------------------------
_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,100}\Z")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "?": "?",
            "'": "'", "\\": "\\"}
_WRITE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
                  '"': '\\"', "\\": "\\\\"}
_HEX = "0123456789abcdefABCDEF"


class _Unreadable(Exception):
    """The file is not INI text at all."""


class _Refused(Exception):
    """A value that is never kept; args[0] is the reason."""


_SPECIAL = re.compile(r'[\\",]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unescape(raw: str) -> list[str]:
    """A value as QSettings unescapes it: quotes, backslash escapes and (outside quotes) commas, which make
    a list. Follows Qt's iniUnescapedStringList; what it gives is only ever text."""
    items: list[str] = []
    cur: list[str] = []
    size = keep = 0  # characters in cur, and how many of them trailing-space trimming may not touch
    in_quotes = quoted = False
    i, n = 0, len(raw)

    def skip_spaces(j: int) -> int:
        while j < n and raw[j] in " \t":
            j += 1
        return j

    def add(text: str) -> None:
        nonlocal size
        cur.append(text)
        size += len(text)

    i = skip_spaces(i)
    while i < n:
        ch = raw[i]
        if ch == "\\":
            i += 1
            if i >= n:
                break
            e = raw[i]
            i += 1
            if e in _ESCAPES:
                add(_ESCAPES[e])
            elif e == "x" and i < n and raw[i] in _HEX:
                val = 0
                while i < n and raw[i] in _HEX:
                    val = ((val << 4) + int(raw[i], 16)) & 0xFFFF
                    i += 1
                add(chr(val))
            elif "0" <= e <= "7":
                val = int(e)
                while i < n and "0" <= raw[i] <= "7":
                    val = (val * 8 + int(raw[i])) & 0xFFFF
                    i += 1
                add(chr(val))
            keep = size  # anything else after a backslash is dropped, as Qt does
        elif ch == '"':
            i += 1
            quoted = True
            in_quotes = not in_quotes
            if not in_quotes:
                i = skip_spaces(i)
        elif ch == "," and not in_quotes:
            if len(items) >= 100:  # a list is refused whatever it holds: no need to read it all
                raise _Refused(R_KIND)
            items.append(_finish(cur, keep, quoted))
            cur, size, keep, quoted = [], 0, 0, False
            i = skip_spaces(i + 1)
        else:  # a run of ordinary characters (a comma inside quotes is one)
            m = _SPECIAL.search(raw, i + 1)
            j = m.start() if m else n
            add(raw[i:j])
            i = j
    items.append(_finish(cur, keep, quoted))
    return items


def _finish(cur: list[str], keep: int, quoted: bool) -> str:
    s = "".join(cur)
    if not quoted:
        s = s[:keep] + s[keep:].rstrip(" \t")
    if _SURROGATE.search(s):  # \x escapes of UTF-16 halves: join the pairs
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return s


def _to_value(s: str) -> Value:
    """Text or bytes, as QSettings' stringToVariant would read them; _Refused for anything else (a stored
    object, a rectangle, ...), which is never rebuilt."""
    if not s.startswith("@"):
        return s
    if s.startswith(("@Variant(", "@DateTime(")):  # QDataStream: PySide unpickles objects found there
        raise _Refused(R_OBJECT)
    if s.endswith(")"):
        if s.startswith("@ByteArray("):
            inner = s[len("@ByteArray("):-1]
            if any(ord(c) > 0xFF for c in inner):
                raise _Refused(R_DAMAGED)
            return inner.encode("latin-1")
        if s.startswith("@String("):
            return s[len("@String("):-1]
        if s.startswith(("@Rect(", "@Size(", "@Point(")) or s == "@Invalid()":
            raise _Refused(R_KIND)
    if s.startswith("@@"):
        return s[1:]
    return s


def _decode(raw: str) -> Value:
    items = _unescape(raw)
    if len(items) > 1:  # an unquoted comma: Qt reads a list of values, and rebuilds each one
        for item in items:
            if item.startswith(("@Variant(", "@DateTime(")):
                raise _Refused(R_OBJECT)
        raise _Refused(R_KIND)
    return _to_value(items[0])


def parse_ini(text: str) -> tuple[dict[str, Value], list[tuple[str, str]]]:
    """The [General] settings in INI text -> ({name: text or bytes}, [(name, reason)] for values refused).
    _Unreadable if the text is not INI at all."""
    values: dict[str, Value] = {}
    refused: list[tuple[str, str]] = []
    section = "General"
    lines = 0
    for line in re.split(r"\r\n|\n|\r", text):
        s = line.strip(" \t")
        if not s or s[0] in ";#":
            continue
        lines += 1
        if lines > MAX_LINES:
            raise _Unreadable("too many lines")
        if s[0] == "[":
            if not s.endswith("]"):
                raise _Unreadable(s)
            section = s[1:-1].strip(" \t")
            continue
        if "=" not in s:
            raise _Unreadable(s)
        key, raw = s.split("=", 1)
        key = key.strip(" \t")
        if section != "General" or not _KEY.match(key):
            refused.append((f"{section}/{key}"[:60], R_PLACE))
            continue
        try:
            value = _decode(raw)
        except _Refused as r:
            refused.append((key, r.args[0]))
            values.pop(key, None)
            continue
        reason = KNOWN[key][1](value) if key in KNOWN else _any_check(value)
        if reason:
            refused.append((key, reason))
            values.pop(key, None)
        else:
            values[key] = value
    return values, refused


def _escape(s: str, raw_bytes: bool) -> str:
    """Text as QSettings' iniEscapedString writes it (so QSettings reads back the same)."""
    out: list[str] = []
    needs_quotes = False
    escape_next_if_hex = False
    for ch in s:
        o = ord(ch)
        if ch in ";,=":
            needs_quotes = True
        if escape_next_if_hex and ch in _HEX:
            out.append(f"\\x{o:x}")
            continue
        escape_next_if_hex = False
        if ch == "\0":
            out.append("\\0")
            escape_next_if_hex = True
        elif ch in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[ch])
        elif o <= 0x1F or (o >= 0x7F and raw_bytes) or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\x{o:x}")
            escape_next_if_hex = True
        else:
            out.append(ch)
    text = "".join(out)
    if needs_quotes or text[:1] == " " or text[-1:] == " ":
        text = f'"{text}"'
    return text


def encode_value(value: Value) -> str:
    """One value as it appears after `name=` in the file."""
    if isinstance(value, bytes):
        return _escape("@ByteArray(" + value.decode("latin-1") + ")", raw_bytes=True)
    if "\0" in value:
        value = "@String(" + value + ")"
    elif value.startswith("@"):
        value = "@" + value
    return _escape(value, raw_bytes=False)


def format_ini(values: dict[str, Value]) -> bytes:
    if not values:
        return b""
    lines = ["[General]"] + [f"{k}={encode_value(v)}" for k, v in sorted(values.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")


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
        if not _KEY.match(key):
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
    items = list(dict.fromkeys(f"{_describe(key) if '/' not in key else repr(key)} ({reason})"
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
    except (OSError, UnicodeDecodeError, _Unreadable):
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
