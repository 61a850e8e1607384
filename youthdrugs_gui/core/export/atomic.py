"""Files written whole or not at all, and never over what the user did not mean to replace.

* **Atomic.** A file is written to ``.<name>.<random>.part`` in the target folder (mode 0600), flushed
  and fsync'ed, then renamed over the target in one step: the target is either the old file or the
  complete new one, never half a file, even if the program is killed. Leftover ``.part`` files of a
  killed export are removed by `cleanup_stale_temp_files` before the next export to that folder.
* **One pair.** An export and its provenance record are committed together (`commit_pair`). Both
  targets are checked before anything is written (`targets.check_target`): never a folder, device, pipe, link,
  read-only file (unless the user confirmed), an input file, the column mapping or the saved view. Both
  are written to temporary files; then, holding a lock on the folder, the record is renamed into place
  first and the export second. If the export's rename fails, the old record is put back from a copy
  kept aside, so any failure leaves the old export and the old record as they were. A kill between the
  two renames leaves the old export beside the new record, never a new export beside an old record,
  and the record names the SHA-256 of the export it describes, so the reader's rule (`record_matches`)
  finds the mismatch: a record describes the file beside it only when its ``output.sha256`` is that
  file's SHA-256. The lock makes two exports to one name at once end with one matching pair.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .targets import check_name_and_folder, check_not_special, check_replaceable, explain, sidecar_path

STALE_AFTER_SECONDS = 60.0

_PART_RE = re.compile(r"^\..+\.[0-9a-f]{12}\.part$")


class HashingWriter:
    """Writes to a file while counting bytes and computing SHA-256."""

    def __init__(self, f: BinaryIO):
        self._f = f
        self.sha = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> int:
        mv = memoryview(data)
        self._f.write(mv)
        self.sha.update(mv)
        self.bytes += mv.nbytes
        return mv.nbytes


@dataclass
class Staged:
    """A complete temporary file waiting to be renamed onto its target."""

    tmp: Path
    target: Path
    sha256: str = ""
    bytes: int = 0

    def discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")


def open_private(path: Path) -> int:
    """Create a new file readable and writable by its owner only (0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, 0o600)  # whatever the umask said
        except OSError:
            pass
    return fd


def stage(target: Path, write: Callable[[HashingWriter, BinaryIO, Path], None], *,
           rehash: bool = False) -> Staged:
    """Write a temporary file next to `target` with `write(writer, file, tmp_path)`, flush and fsync it.

    `rehash`: `write` wrote to `file` directly (e.g. openpyxl's zip writer) rather than through
    `writer`, so hash the file afterwards. On any failure the temporary file is removed and the error
    re-raised."""
    tmp = temp_name(target)
    staged = Staged(tmp=tmp, target=target)
    fd = open_private(tmp)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            w = HashingWriter(f)
            write(w, f, tmp)
            f.flush()
            os.fsync(f.fileno())
        if rehash:
            h = hashlib.sha256()
            n = 0
            with open(tmp, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
                    n += len(block)
            staged.sha256, staged.bytes = h.hexdigest(), n
        else:
            staged.sha256, staged.bytes = w.sha.hexdigest(), w.bytes
        return staged
    except BaseException:
        staged.discard()
        raise


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit_pair(main: Staged, record: Staged | None, *, replace_read_only: bool) -> None:
    """Put a new export and its record in place as one pair (the protocol is in the module docstring):
    under the folder's lock, check both targets again, keep a copy of the old record aside, rename the
    record, then the export; if that fails, put the old record back. `record` None: no record is written,
    and an old one is removed with the same care (it would describe another file)."""
    side = sidecar_path(main.target)
    with _folder_lock(main.target.parent):
        for p, record_of in ((main.target, None), (side, main.target)):
            check_replaceable(p, record_of, replace_read_only)
        backup = _keep_aside(side)
        placed = False
        try:
            if record is not None:
                _allow_replacing(side)
                os.replace(record.tmp, side)
                placed = True
            elif backup is not None:
                os.unlink(side)
                placed = True
            _allow_replacing(main.target)
            os.replace(main.tmp, main.target)
        except BaseException:
            if placed and not _put_back(backup, side):
                backup = None  # the copy is all that is left of the old record: never discarded here
            raise
        finally:
            if backup is not None:
                backup.discard()
    _fsync_folder(main.target.parent)


def _keep_aside(side: Path) -> Staged | None:
    """A staged copy of the old record (same bytes and mode), to put back if the commit fails."""
    try:
        mode = stat.S_IMODE(os.lstat(side).st_mode)
    except FileNotFoundError:
        return None

    def copy(w: HashingWriter, _f, _tmp) -> None:
        with open(side, "rb") as old:
            for block in iter(lambda: old.read(1 << 20), b""):
                w.write(block)

    kept = stage(side, copy)
    try:
        os.chmod(kept.tmp, mode)
    except OSError:
        pass
    return kept


def _put_back(backup: Staged | None, side: Path) -> bool:
    """Undo the record's step of a failed commit: the old record back, or no record if there was none."""
    try:
        if backup is None:
            os.unlink(side)
        else:
            os.replace(backup.tmp, side)
        return True
    except OSError:
        return False


def _allow_replacing(path: Path) -> None:
    """Windows refuses to replace a read-only file (the user confirmed: `check_replaceable` let it by)."""
    if os.name == "nt":
        try:
            if not os.stat(path).st_mode & stat.S_IWRITE:
                os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
        except OSError:
            pass


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` while a pair is committed, so that two exports to one name (two
    windows, the window and the CLI) never interleave their renames. POSIX: flock on the folder itself
    (nothing is created; the lock goes when the process dies); elsewhere a lock file. Best effort: if no
    lock can be had, the commit goes ahead without one."""
    try:
        import fcntl
    except ImportError:
        with _lock_file(folder):
            yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        fd = -1
    try:
        if fd >= 0:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # releases the lock


@contextmanager
def _lock_file(folder: Path) -> Iterator[None]:
    """Windows: lock '.youthdrugs-export.lock' in the folder with msvcrt (released if the process dies),
    waiting up to 10 s; the file is removed afterwards when no other export holds it."""
    path = folder / ".youthdrugs-export.lock"
    fd, locked = -1, False
    try:
        import msvcrt

        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        for _ in range(100):
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                locked = True
                break
            except OSError:
                time.sleep(0.1)
    except (ImportError, OSError):
        pass
    try:
        yield
    finally:
        if fd >= 0:
            try:
                if locked:
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
                os.close(fd)
                os.unlink(path)
            except OSError:
                pass


def record_matches(path: str | Path) -> bool:
    """The reader's rule: the provenance record beside `path` describes it only if the record's
    ``output.sha256`` is the SHA-256 of `path` (after a kill between the two renames of a commit, the
    record is new and the export old: this says False, and the record must not be trusted for it)."""
    target = Path(path)
    try:
        record = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
        claimed = record["output"]["sha256"]
        h = hashlib.sha256()
        with open(target, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(claimed, str) and claimed == h.hexdigest()


def _commit(*staged: Staged) -> None:
    """Rename each staged file onto its target (in order), then make the renames durable."""
    replaced = 0
    try:
        for s in staged:
            os.replace(s.tmp, s.target)
            replaced += 1
    except BaseException:
        for s in staged:
            s.discard()
        if replaced:
            # the export itself is in place: a record left from an earlier export would describe the
            # wrong file, so it goes
            for s in staged[replaced:]:
                try:
                    os.unlink(s.target)
                except OSError:
                    pass
        raise
    folders = {s.target.parent for s in staged}
    for folder in folders:
        _fsync_folder(folder)


def cleanup_stale_temp_files(folder: str | Path, *, older_than: float = STALE_AFTER_SECONDS) -> int:
    """Remove temporary files left in `folder` by exports that were killed part-way: names like
    '.<name>.<12 hex digits>.part', regular files, older than `older_than` seconds (so a running
    export's file is left alone) and, on POSIX, owned by this user. Returns how many were removed;
    never raises."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _PART_RE.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            if hasattr(os, "getuid") and st.st_uid != os.getuid():
                continue
            if now - st.st_mtime < older_than:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write a small text file (a saved view, settings) atomically, mode 0600; ExportError if it cannot."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a small file (a chart image, a saved view) atomically, readable by the user only (0600);
    ExportError with a message for the user if it cannot."""
    target = Path(path)
    check_name_and_folder(target)
    check_not_special(target)
    cleanup_stale_temp_files(target.parent)
    try:
        staged = stage(target, lambda w, _f, _tmp: w.write(data))
        _commit(staged)
    except OSError as exc:
        raise explain(exc, target) from None


@contextmanager
def discarding(staged: list[Staged], target: Path) -> Iterator[None]:
    """Remove every temporary file staged inside the block if it fails (an OSError becomes the
    user's ExportError)."""
    try:
        yield
    except BaseException as exc:
        for s in staged:
            s.discard()
        if isinstance(exc, OSError):
            raise explain(exc, target) from None
        raise
