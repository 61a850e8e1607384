"""Reading files the program did not write itself, and writing its own private files, safely.

Reading: JSON is parsed as plain data only (objects, lists, text, finite numbers, true/false/null), no
larger than a few MB and nested no deeper than 100 levels; files are read without blocking on pipes or
devices and without reading more than the limit. Writing: a file is replaced atomically by a new one
readable by the user only, and never written or chmod'ed through a link (a link in its place is replaced,
not followed). Callers turn the exceptions here into messages for the user."""
from __future__ import annotations

import json
import math
import os
import secrets
import stat
from pathlib import Path

MAX_JSON_BYTES = 4 * 1024 * 1024  # saved views, mappings and settings values are a few kilobytes
MAX_JSON_DEPTH = 100  # a saved view is 3 levels deep, a mapping 2
_MAX_INT_DIGITS = 100

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class TooLarge(ValueError):
    """The file or text is larger than the limit; `size` is how large it is (bytes, or at least that)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, more than {limit}")
        self.size = size
        self.limit = limit


class TooDeep(ValueError):
    """JSON nested deeper than the limit."""


class NotData(ValueError):
    """JSON holding something other than plain data: NaN, Infinity, a number too large to be one."""


class NotAFile(OSError):
    """The path names a pipe, a device, a socket or a folder rather than an ordinary file."""


def size_text(n: int) -> str:
    """A size in words a caseworker reads: '5.7 MB', '12 KB', '300 bytes'."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KB"
    return f"{n} bytes"


# ---- reading ------------------------------------------------------------------------------------------
def read_bounded(path: str | Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of an ordinary file of at most `limit` bytes. TooLarge (without reading it all) if it is
    larger, NotAFile for a pipe, device or folder (never waits on a pipe), OSError as the system gives it;
    with follow_links=False, a link in place of the file is an OSError (ELOOP) rather than followed."""
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | getattr(os, "O_BINARY", 0) | (0 if follow_links else _NOFOLLOW)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(f"{path} is not an ordinary file")
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            block = os.read(fd, min(1 << 20, limit + 1 - got))
            if not block:
                break
            chunks.append(block)
            got += len(block)
        if got > limit:  # grew while being read
            raise TooLarge(got, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotData(f"the number {text[:20]} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise NotData("a number with too many digits")
    return int(text)


def _not_a_number(name: str) -> object:
    raise NotData(f"{name} is not a number")


def load_json(text: str | bytes, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Plain data from JSON text. json.JSONDecodeError for text that is not JSON (it is a ValueError),
    TooLarge, TooDeep, NotData. Never runs code and never recurses without bound."""
    if isinstance(text, str) and len(text) * 4 > max_bytes:  # a character is 1 to 4 bytes of UTF-8
        size = len(text) if len(text) > max_bytes else len(text.encode("utf-8", "surrogatepass"))
    else:
        size = len(text)
    if size > max_bytes:
        raise TooLarge(size, max_bytes)
    try:
        value = json.loads(text, parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_not_a_number)
    except RecursionError:  # json gives up near the interpreter's recursion limit (about 1,000 levels)
        raise TooDeep(f"nested more than {max_depth} levels deep") from None
    if depth(value, max_depth) > max_depth:
        raise TooDeep(f"nested more than {max_depth} levels deep")
    return value


def depth(value: object, stop: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in parsed JSON (a scalar is 0, [] is 1), counted without
    recursion; stops counting once past `stop`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        if level > deepest:
            deepest = level
            if deepest > stop:
                return deepest
        stack.extend((c, level) for c in children if isinstance(c, (dict, list)))
    return deepest


# ---- writing --------------------------------------------------------------------------------------------
def write_private(path: str | Path, data: bytes) -> None:
    """Replace `path` by a file holding `data`, readable by the user only (0600), atomically: a new file is
    written beside it and renamed over it. A link at `path` is replaced by the file, never written
    through. OSError if it cannot be done; nothing half-written is left."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | getattr(os, "O_BINARY", 0),
                 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)  # rename() replaces a link; it does not follow it
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if os.name == "posix":
        try:
            dfd = os.open(target.parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass


def make_private(path: str | Path, *, folder: bool = False) -> bool:
    """Make a file (0600) or folder (0700) readable by the user only (POSIX). A link (symbolic or hard), a
    file in a linked folder, someone else's file, or anything that is not an ordinary file (or a folder,
    with folder=True) is left alone: modes are never changed through a link. Returns whether the path is
    now private; never raises."""
    if os.name != "posix":
        return False
    p = Path(path)
    mode = 0o700 if folder else 0o600
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | (_DIRECTORY if folder else 0)
    try:
        if folder or os.open not in os.supports_dir_fd:
            fd = os.open(p, flags)
        else:  # the file's own folder must not be a link either
            dfd = os.open(p.parent, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
            try:
                fd = os.open(p.name, flags, dir_fd=dfd)
            finally:
                os.close(dfd)
    except OSError:  # a link (ELOOP), not there, not a folder ...
        return False
    try:
        st = os.fstat(fd)
        wanted = stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode) and st.st_nlink == 1
        if not wanted or st.st_uid != os.geteuid():  # a hard link, or someone else's file: not ours to change
            return False
        if stat.S_IMODE(st.st_mode) != mode:
            os.fchmod(fd, mode)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
