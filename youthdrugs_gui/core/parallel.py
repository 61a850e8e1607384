"""Work on the columns of a large data set spread over the computer's cores.

NumPy and Arrow let go of Python's lock while they count, compare and gather, so the facets of ten
million rows counted on two threads take a little more than half the time of one. Small data sets stay
on the calling thread: there a thread's hand-over costs more than it saves."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_ROWS = 2_000_000
"""From this many rows, column work is shared between threads."""

_pool: ThreadPoolExecutor | None = None
_pool_lock = Lock()


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def each(fn: Callable[[T], R], items: Iterable[T], rows: int, min_rows: int = PARALLEL_ROWS) -> list[R]:
    """[fn(item) for item in items], on several threads when the work covers at least `min_rows` rows."""
    items = list(items)
    if rows < min_rows or len(items) < 2 or cores() < 2:
        return [fn(item) for item in items]
    return list(_threads().map(fn, items))


def _threads() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=min(4, cores()), thread_name_prefix="youthdrugs-columns")
        return _pool
