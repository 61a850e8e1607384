"""Errors a user can cause. Each carries a message a caseworker can act on; the GUI shows it in a
dialog and the CLI prints it on one line and exits 2. Anything else escaping is a bug.

A message is always one line of plain text of at most MAX_MESSAGE_CHARS characters, whatever it
quotes: file names, headings and cells come from the user's files, and a line break or a terminal
control character in one of them could otherwise split the message or forge a second line of output
(see `one_line`)."""
from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 600
"""The longest message shown to the user (characters). The longest written on purpose (an output name
of 300 characters) has 356; anything longer quotes too much of a file, so the quotations in it are
shortened, and if that is not enough its middle is left out (its start says what, its end what to do)."""

MAX_QUOTED_CHARS = 60
"""How much of one quoted value ('...') a message keeps when the message is too long."""

# C0 and C1 control characters, and the Unicode ones that break or reorder a line (line and paragraph
# separators, the bidirectional overrides and isolates, which can make text read back to front).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_QUOTED = re.compile(r"'([^']{%d,})'" % (MAX_QUOTED_CHARS + 1))


def _escape(ch: str) -> str:
    c = ch.group(0)
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def _shorten(m: re.Match) -> str:
    text = m.group(1)
    return f"'{text[:MAX_QUOTED_CHARS - 15]}…{text[-10:]}'"


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The text as one line the user can read: control characters escaped (a line break in a file name
    shows as \\n), and at most `limit` characters (long quotations shortened, then the middle left out)."""
    text = _UNSAFE.sub(_escape, str(text))
    if len(text) <= limit:
        return text
    text = _QUOTED.sub(_shorten, text)
    if len(text) <= limit:
        return text
    tail = min(200, limit // 3)
    return text[:limit - tail - 3] + " … " + text[-tail:]


class YouthDrugsError(Exception):
    """Base of every error the user can cause. str(err) is the whole message shown to the user: one
    line (see `one_line`). `gui_message`, when given, is how the window says it instead, where the
    advice differs (a menu in place of a command-line option)."""

    def __init__(self, message: str, gui_message: str = "") -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.gui_message = one_line(gui_message) if gui_message else message

    def __str__(self) -> str:
        return self.message


class LoadError(YouthDrugsError):
    """A file could not be read as data (missing, unreadable, wrong format, no rows ...)."""


class MappingError(YouthDrugsError):
    """A column mapping (automatic or from a mapping file) does not fit the file."""


class FilterError(YouthDrugsError):
    """A filter or saved view names a column or value the data does not have, or is malformed."""


class ExportError(YouthDrugsError):
    """An export could not be written (folder missing, no permission, disk full ...)."""


class CancelledError(YouthDrugsError):
    """The user cancelled a long operation."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)
