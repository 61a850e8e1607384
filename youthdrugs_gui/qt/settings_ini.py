"""The settings file's text: the subset of QSettings' INI layout that holds text and bytes, read and
written here, never by Qt. In a QSettings INI file a value `@Variant(...)` is a serialised object that Qt
rebuilds on reading, and PySide6 rebuilds a Python object by unpickling it: such values (and lists,
rectangles ...) are refused, never rebuilt; what is kept is only ever text or bytes, checked against what
the setting it names must look like (qt.settings_values)."""
from __future__ import annotations

import re

from .settings_values import R_DAMAGED, R_KIND, R_OBJECT, R_PLACE, Value, refusal

MAX_LINES = 1000  # real settings are about a dozen

KEY_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{1,100}\Z")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "?": "?",
            "'": "'", "\\": "\\"}
_WRITE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
                  '"': '\\"', "\\": "\\\\"}
_HEX = "0123456789abcdefABCDEF"


class Unreadable(Exception):
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
    Unreadable if the text is not INI at all."""
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
            raise Unreadable("too many lines")
        if s[0] == "[":
            if not s.endswith("]"):
                raise Unreadable(s)
            section = s[1:-1].strip(" \t")
            continue
        if "=" not in s:
            raise Unreadable(s)
        key, raw = s.split("=", 1)
        key = key.strip(" \t")
        if section != "General" or not KEY_PATTERN.match(key):
            refused.append((f"{section}/{key}"[:60], R_PLACE))
            continue
        try:
            value = _decode(raw)
        except _Refused as r:
            refused.append((key, r.args[0]))
            values.pop(key, None)
            continue
        reason = refusal(key, value)
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
    """The [General] section holding these values, as QSettings would read it back."""
    if not values:
        return b""
    lines = ["[General]"] + [f"{k}={encode_value(v)}" for k, v in sorted(values.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")
