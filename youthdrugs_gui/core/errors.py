"""Errors a user can cause. Each carries a message a caseworker can act on; the GUI shows it in a
dialog and the CLI prints it on one line and exits 2. Anything else escaping is a bug."""
from __future__ import annotations


class YouthDrugsError(Exception):
    """Base of every error the user can cause. str(err) is the whole message shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

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
