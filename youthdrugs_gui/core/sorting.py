"""The order of the table's rows by one column: category order for categoricals, value for numbers,
stable, 'Not recorded' last either way."""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np

from .dataset import Dataset
from .schema import NOT_RECORDED


class RowOrder:
    """Sorts rows of one Dataset. For many rows, the order of every row is sorted once per column and
    direction (the last two are kept: an order costs 8 bytes a row) and the rows are picked out of it,
    which needs no sort at all."""

    def __init__(self, ds: Dataset, cats: dict[str, list[str]], all_rows: Callable[[], np.ndarray]) -> None:
        self.ds = ds
        self._cats = cats
        self._all_rows = all_rows
        self._orders: dict[tuple[str, bool], np.ndarray] = {}
        self._lock = threading.Lock()  # the window may sort on its worker thread and its UI thread at once

    @property
    def kept(self) -> list[tuple[str, bool]]:
        """The (column, descending) orders of every row kept, the most recent last."""
        with self._lock:
            return list(self._orders)

    def forget(self) -> None:
        """Let go of the orders kept (they are sorted again when next needed)."""
        with self._lock:
            self._orders.clear()

    def sort(self, rows: np.ndarray, column: str, descending: bool = False) -> np.ndarray:
        """Rows (ascending, each once) reordered by the column."""
        n = self.ds.n_rows
        if len(rows) * 8 < n:
            return rows[self._order_of(rows, column, descending)]
        with self._lock:
            order = self._orders.get((column, descending))
        if order is None:
            every = self._all_rows()
            order = every[self._order_of(every, column, descending)]
            order.flags.writeable = False
        with self._lock:
            self._orders.pop((column, descending), None)
            self._orders[(column, descending)] = order  # the most recent last
            while len(self._orders) > 2:
                del self._orders[next(iter(self._orders))]
        if len(rows) == n:
            return order
        keep = np.zeros(n, dtype=bool)
        keep[rows] = True
        return order[keep[order]]

    def _order_of(self, rows: np.ndarray, column: str, descending: bool) -> np.ndarray:
        """The stable argsort of the rows by the column."""
        ds = self.ds
        if column in self._cats:
            key = ds.codes(column)[rows]
            nr = self._cats[column].index(NOT_RECORDED) if NOT_RECORDED in self._cats[column] else -1
        else:
            key = ds.frame[column].to_numpy()[rows]
            nr = -1
        if descending:
            if key.dtype.kind in "iub":
                key = -key.astype(np.int64)
                if nr >= 0 and len(key):  # 'Not recorded' stays last either way
                    key = np.where(key == -nr, key.max() + 1, key)
            elif key.dtype.kind == "f":
                key = -key
            else:
                return np.argsort(key, kind="stable")[::-1]
        if key.dtype.kind in "iub" and len(key) and key.itemsize > 2:
            lo, hi = int(key.min()), int(key.max())
            if -(1 << 15) <= lo and hi < (1 << 15):
                key = key.astype(np.int16)  # numpy's stable sort is a radix sort for 16 bits or fewer
        return np.argsort(key, kind="stable")
