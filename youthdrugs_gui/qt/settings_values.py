"""What each user setting must look like, and the readers that turn a stored value into what the window
uses (recent files, the last view, window geometry), giving None for anything else. A value of the wrong
kind or size for the setting it names is refused with a reason the user is told."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QByteArray

from ..core import safeio
from ..core.errors import YouthDrugsError
from ..core.filter_state import FilterState

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


def describe(key: str) -> str:
    """What the user calls a setting."""
    return KNOWN[key][0] if key in KNOWN else f"the setting {key!r}"



def refusal(key: str, value: Value) -> str:
    """Why `value` cannot be kept as the setting `key` ("" if it can)."""
    return KNOWN[key][1](value) if key in KNOWN else _any_check(value)
