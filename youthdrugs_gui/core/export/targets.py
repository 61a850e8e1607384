"""Where an export may go: refused, before anything is written, when it would replace what the user did
not mean to replace (a folder, device, pipe, link, read-only file, an input file, the column mapping or
the saved view), at the export's name or at its provenance record's; and system errors as messages a
caseworker can act on."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable

from ..errors import ExportError


def sidecar_path(path: str | Path) -> Path:
    """Where the provenance record of an export goes: next to it, '<file name>.provenance.json'."""
    p = Path(path)
    return p.with_name(p.name + ".provenance.json")


def check_name_and_folder(path: Path) -> None:
    """Refuse, with a message a caseworker can act on, a target that cannot be written."""
    folder = path.parent
    if path.name in ("", ".", ".."):
        raise ExportError(f"{path} is not a file name: type a name such as export.csv.")
    if "\x00" in str(path):  # would raise ValueError, not OSError, when the file is opened
        raise ExportError(f"{str(path)!r} is not a file name: type a name such as export.csv.")
    try:
        if path.is_dir():
            raise ExportError(f"{path} is a folder, not a file: type a file name such as export.csv.")
        if not folder.exists():
            raise ExportError(f"The folder {folder} does not exist: choose another folder.")
        if not folder.is_dir():
            raise ExportError(f"{folder} is not a folder: choose another folder.")
    except OSError as exc:  # a name too long, a folder that cannot be looked into ...
        raise explain(exc, path) from None
    if os.name == "posix" and not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"You do not have permission to save files in the folder {folder}: choose another folder.")


def check_target(path: str | Path, *, inputs: Iterable[str | Path] = (), mapping: str | Path | None = None,
                 view: str | Path | None = None, replace_read_only: bool = False, sidecar: bool = True) -> None:
    """Refuse, before anything is read or written, an export to `path` that would replace what the user
    did not mean to replace: at the export's name or at its record's (`sidecar_path`), a folder, device,
    pipe, socket or link, a read-only file (unless `replace_read_only`: the user confirmed), an input
    file, the column mapping or the saved view. ExportError with a one-line message."""
    target = Path(path)
    check_name_and_folder(target)
    names = [(target, None)] + ([(sidecar_path(target), target)] if sidecar else [])
    for p, record_of in names:
        check_replaceable(p, record_of, replace_read_only)
    kept = [(q, "one of the files the data was read from") for q in inputs]
    kept += [(q, what) for q, what in ((mapping, "the column mapping file"), (view, "the saved view file")) if q]
    for p, record_of in names:
        for q, what in kept:
            if _same_file(p, q):
                raise ExportError(f"{_target_words(p, record_of)} is {what}; saving over it would destroy the "
                                  "original. Choose another name.")


def read_only_targets(path: str | Path) -> list[Path]:
    """The files an export to `path` would replace that are read-only (the export, its record): the
    window asks before replacing them, then passes ``replace_read_only=True``."""
    target = Path(path)
    out = []
    for p in (target, sidecar_path(target)):
        try:
            st = os.lstat(p)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(st.st_mode) and not st.st_mode & 0o222:
            out.append(p)
    return out


def _target_words(p: Path, record_of: Path | None) -> str:
    """How a message names a target: 'out.csv', or 'The provenance record of out.csv (...)'."""
    if record_of is None:
        return p.name
    return f"The provenance record of {record_of.name} would go in {p.name}, which"


def _same_file(p: Path, q: str | Path | None) -> bool:
    try:
        return q is not None and os.path.exists(p) and os.path.samefile(p, q)
    except (OSError, ValueError, TypeError):
        return False


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a link to another file"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def check_replaceable(p: Path, record_of: Path | None, replace_read_only: bool) -> None:
    """Refuse to replace anything at `p` but an ordinary file, and a read-only one unless confirmed
    (checked on the file's mode bits, so root is refused too, as spreadsheet programs refuse)."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return
    except OSError as exc:  # a name too long, a folder that cannot be looked into ...
        raise explain(exc, p) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((words for test, words in _KINDS if test(st.st_mode)), "not an ordinary file")
        who = _target_words(p, record_of) if record_of is not None else str(p)
        raise ExportError(f"{who} is {kind}, not an ordinary file; it is left as it is. Choose another name.")
    if not replace_read_only and not st.st_mode & 0o222:
        who = f"{_target_words(p, record_of)} is read-only" if record_of else f"{p.name} is read-only"
        raise ExportError(f"{who}; it is left as it is. Choose another name, or make the file writable first.")


def explain(exc: OSError, path: Path) -> ExportError:
    """An OSError as a message a caseworker can act on."""
    folder = path.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        msg = (f"There is not enough space on the disk to save {path.name} in {folder}: free some space or "
               "choose another drive. Nothing was changed.")
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if os.name == "nt" and path.exists():
            msg = (f"Could not replace {path}: it may be open in another program such as Excel. "
                   "Close it and try again, or choose another name.")
        else:
            msg = f"You do not have permission to save files in the folder {folder}: choose another folder."
    elif code == errno.ENOENT:
        msg = f"The folder {folder} does not exist: choose another folder."
    elif code == errno.EISDIR:
        msg = f"{path} is a folder, not a file: type a file name such as export.csv."
    elif code == errno.ENAMETOOLONG:
        msg = f"The file name {path.name!r} is too long: choose a shorter name."
    else:
        msg = f"Could not save {path}: {exc.strerror or exc}. Nothing was changed."
    return ExportError(msg)


def check_not_special(target: Path) -> None:
    """A device, pipe or socket is never replaced by a small file either (a link or a read-only file
    is, as before: settings and views may be links)."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise ExportError(f"{target} is a device or a pipe, not an ordinary file; it is left as it is. "
                          "Choose another name.")
