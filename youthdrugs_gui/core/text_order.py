"""The sorted order of many texts, worked out by numpy on the bytes Arrow keeps them in.

The order is exactly Arrow's `array_sort_indices`: plain byte order of the UTF-8 text (a text before
any longer one it begins), equal texts in the order they came. Arrow compares whole texts one pair at a
time on one core (seconds at ten million); here each text is read a few bytes at a time as one 64-bit
number, and only the texts still level with another after those bytes are read further. A case
reference of ten characters is ordered in two or three passes, each one numpy sort of plain integers.

Each pass sorts numbers made of four fields, highest first: the tied group a text is in (groups are
already in order), the next bytes of the text, how many of those bytes it has (a text that ends sorts
before one that goes on; left out when no text ends there), and its place in its group so far (so
equal texts keep the order they came in). Bytes all the texts of a group share are stepped over first,
and a group whose texts all share the next eight bytes moves on without a sort. Texts that stay level
for very long (long repeated texts) are left to Arrow after a bounded amount of work."""
from __future__ import annotations

import numpy as np

_WORK_LIMIT = 8
"""Passes over the texts (in rows read, as a multiple of their number) before those still level with
another are handed to Arrow: many copies of a long text would otherwise take a pass every 8 bytes."""

_BYTE_MASKS = np.array([((1 << (8 * r)) - 1) << (64 - 8 * r) for r in range(9)], dtype=np.uint64)
"""_BYTE_MASKS[r]: the first r bytes of a big-endian 64-bit number."""

_BIG_BYTES = [1 << (8 * j) for j in range(8)]


def sort_order(values) -> np.ndarray:
    """The stable sorted order of an Arrow array of strings (string or large_string, no nulls): the
    same indices as `pyarrow.compute.array_sort_indices(values)`."""
    return sorted_runs(values)[0]


def sorted_runs(values, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The stable sorted order of an Arrow array of strings with no nulls (see sort_order), and for each
    place in that order whether its text is the same as the one before (a repeat).

    `rows`: sort only the texts at these places (in the order given), as if they were taken out first;
    the order is then of places in `rows`. Two parts of one array can so be sorted at once without a
    copy of either."""
    values = _one_array(values)
    if values.null_count:
        raise ValueError("texts to sort must not be missing")
    offsets, reader = _layout(values)
    places = _place_type(offsets[-1])  # (32 bits where they fit: half the memory to fill and read)
    if rows is None:
        starts, lengths = offsets[:-1].astype(places), np.diff(offsets).astype(np.int32)  # (moved on in place)
    else:
        rows = np.asarray(rows, dtype=np.intp)
        starts, lengths = offsets[rows].astype(places, copy=False), offsets[rows + 1]
        lengths -= starts
        lengths = lengths.astype(np.int32, copy=False)
    n = len(starts)
    order = np.arange(n, dtype=np.intp)
    repeat = np.zeros(n, dtype=bool)
    if n > 1:
        _Sorter(order, repeat, starts, lengths, reader).run(values, rows)
    return order, repeat


def plainly_stripped(values) -> bool:
    """Whether no text of an Arrow array of strings could lose anything to stripping white space: each
    is empty or begins and ends with a printable ASCII character other than a space (a quick look at
    two bytes a text, a block of texts at a time; False says nothing either way)."""
    offsets, data = _buffers(_one_array(values))
    for i in range(0, len(offsets) - 1, _BLOCK):
        starts, ends = offsets[i:i + _BLOCK + 1][:-1], offsets[i + 1:i + _BLOCK + 1]
        filled = starts < ends
        if not filled.all():
            starts, ends = starts[filled], ends[filled]
        for edge in (data[starts], data[ends - 1]):
            if not ((edge > 0x20) & (edge < 0x7F)).all():
                return False
    return True


_BLOCK = 1 << 16
"""Texts looked at a time by plainly_stripped: its temporaries stay in the processor's cache."""


def _one_array(values):
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        raise TypeError(f"texts to sort must be Arrow strings, not {values.type}")
    return values


def joined_texts(parts: list):
    """Arrow arrays of strings (string or large_string) put end to end as one array of large strings,
    emptying `parts` as each is copied. The new buffers are numpy's, which asks the system for large
    blocks in large pages: copying ten million texts this way costs a small fraction of the page faults
    of Arrow's own concatenation (most of its time where memory is slow to hand out)."""
    import pyarrow as pa

    if not parts or any(p.null_count for p in parts):
        values = pa.concat_arrays([p.cast(pa.large_string()) for p in parts]) if parts \
            else pa.array([], type=pa.large_string())
        parts.clear()
        return values
    n = sum(len(p) for p in parts)
    total = 0
    for p in parts:
        offsets, _ = _buffers(_one_array(p))
        total += int(offsets[-1]) - int(offsets[0])
    new_offsets = np.empty(n + 1, dtype=np.int64)
    new_offsets[0] = 0
    data = np.empty(total, dtype=np.uint8)
    row = at = 0
    parts.reverse()  # (each taken off the end, and let go once copied)
    while parts:
        offsets, buf = _buffers(_one_array(parts.pop()))
        first, k = int(offsets[0]), len(offsets) - 1
        size = int(offsets[-1]) - first
        data[at:at + size] = buf[first:first + size]
        out = new_offsets[row + 1:row + 1 + k]
        out[:] = offsets[1:]
        out += at - first
        row, at = row + k, at + size
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(new_offsets), pa.py_buffer(data)])


def _buffers(values) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of an Arrow array of strings (n + 1 of them, in the array's own width) and its data
    buffer, as numpy views without a copy."""
    import pyarrow as pa

    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width, count=values.offset + n + 1)[values.offset:]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _layout(values) -> tuple[np.ndarray, "_Bytes"]:
    """Where each text starts in the data buffer (and the last ends), and a reader of that buffer."""
    offsets, data = _buffers(values)
    offsets = offsets.astype(np.int64, copy=False)
    return offsets, _Bytes(data[:offsets[-1]])


class _Bytes:
    """Reads eight bytes at any place of a data buffer as one big-endian number, without copying it."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        size = len(data)
        self.edge = max(0, size - 8)  # places past this read from `tail`, padded with zeros
        tail = np.zeros(17, dtype=np.uint8)
        tail[:size - self.edge] = data[self.edge:]
        self.tail = np.ndarray((9,), dtype="<u8", buffer=tail, strides=(1,))
        self.body = np.ndarray((size - 7,), dtype="<u8", buffer=data, strides=(1,)) if size >= 8 else None

    def read(self, at: np.ndarray, rest: np.ndarray) -> np.ndarray:
        """Eight bytes from each place `at`, the first the highest; bytes past the text's end (`rest`
        bytes left) as 0."""
        if self.body is not None:
            key = self.body[np.minimum(at, self.edge)]  # (np.take would first copy the whole view)
            far = np.flatnonzero(at > self.edge)
            if len(far):
                key[far] = self.tail[at[far] - self.edge]
        else:
            key = self.tail[at - self.edge]
        key.byteswap(inplace=True)
        key &= np.take(_BYTE_MASKS, np.clip(rest, 0, 8))
        return key


def _place_type(size: int) -> type:
    """The integer type for places in a data buffer of `size` bytes (and a few bytes past its end)."""
    return np.int32 if int(size) < (1 << 31) - 64 else np.int64


def _bits(x: int) -> int:
    """Bits that hold every number from 0 to x."""
    return int(x).bit_length()


def _fields(free: int, shortest: int) -> tuple[int, int]:
    """How many bytes of text to sort on in `free` bits, and the bits that count how many of them a
    text has (none when every text has more than that: `shortest` bytes left). (0, 0): none fit."""
    if shortest > 8 and free >= 64:
        return 8, 0
    if shortest > free // 8 >= 1:
        return free // 8, 0
    for k in range(8, 0, -1):
        if 8 * k + _bits(k + 1) <= free:
            return k, _bits(k + 1)
    return 0, 0


def _leading_equal_bytes(diff: np.ndarray) -> np.ndarray:
    """Leading zero bytes of each 64-bit number (8 for zero)."""
    out = np.full(len(diff), 8, dtype=np.int32)
    for j in range(8):
        out -= diff >= np.uint64(_BIG_BYTES[j])
    return out


def _starts(group: np.ndarray) -> np.ndarray:
    """Whether each place begins a run of its group."""
    begins = np.empty(len(group), dtype=bool)
    begins[:1] = True
    np.not_equal(group[1:], group[:-1], out=begins[1:])
    return begins


class _Sorter:
    """The passes of sorted_runs over one array. Each text still level with another has its place in
    `order` (`place`, ascending), its run of level texts (`group`, numbered 0, 1, ... in order), the
    place in the data buffer of its next byte not yet compared (`at`) and its bytes from there (`rest`)."""

    def __init__(self, order, repeat, starts, lengths, reader: _Bytes) -> None:
        self.order, self.repeat, self.reader = order, repeat, reader
        n = len(order)
        self.place = np.arange(n, dtype=_place_type(n))
        self.group = np.zeros(n, dtype=self.place.dtype)
        self.at, self.rest = starts, lengths

    def run(self, values, rows: np.ndarray | None) -> None:
        """All the passes; `values` (at `rows`, if given) are the texts, for Arrow to finish."""
        budget, spent = _WORK_LIMIT * len(self.order), 0
        while len(self.place):
            spent += len(self.place)
            if spent > budget or not self._step():
                self._finish_with_arrow(values, rows)
                return

    def _step(self) -> bool:
        """One pass; False where the fields do not fit in 64 bits (billions of texts)."""
        group, at, rest = self.group, self.at, self.rest
        key = self.reader.read(at, rest)
        begins = _starts(group)
        heads = np.flatnonzero(begins)
        diff = np.bitwise_or.reduceat(key ^ key[heads][group], heads)
        shared = np.minimum(_leading_equal_bytes(diff), np.clip(np.minimum.reduceat(rest, heads), 0, 8))
        whole = shared == 8  # the next 8 bytes are the same in all the group: on without a sort
        if whole.all():
            at += 8
            rest -= 8
            return True
        every = not whole.any()
        cut = slice(None) if every else np.flatnonzero(~whole[group])
        skip = shared[group[cut]]
        at_cut, rest_cut = (at, rest) if every else (at[cut], rest[cut])
        key = key if every else key[cut]
        if skip.any():  # (in place where every text is sorted: their old places are not needed)
            del key
            at_cut += skip
            rest_cut -= skip
            key = self.reader.read(at_cut, rest_cut)
        del skip, diff
        part = self._split(cut, key, at_cut, rest_cut)
        del key
        if part is None:
            return False
        if every:
            begins, keep, self.at, self.rest = part
        else:
            keep = whole[group]
            self.at, self.rest = np.where(keep, at + 8, 0), np.where(keep, rest - 8, 0)
            begins[cut], keep[cut], self.at[cut], self.rest[cut] = part
        self.place = self.place[keep]
        self.group = np.cumsum(begins[keep], dtype=self.place.dtype)
        self.group -= 1
        self.at, self.rest = self.at[keep], self.rest[keep]
        return True

    def _split(self, cut, key, at, rest):
        """Sort the texts at `cut` (whole groups) by their next bytes (`key`, read at `at`, `rest` left).
        Gives where new groups begin, which texts stay level with another, and where each goes on;
        marks the texts found equal to the one before; None where the fields do not fit in 64 bits."""
        begins = _starts(self.group[cut])
        heads = np.flatnonzero(begins)
        m, groups = len(begins), len(heads)
        group_bits = _bits(groups - 1)
        place_bits = _bits(int(np.diff(heads, append=m).max()) - 1)
        k, count_bits = _fields(64 - group_bits - place_bits, int(rest.min()))
        if k == 0:
            return None
        packed = key  # (made into the numbers to sort in place: the bytes are not needed after)
        if k < 8:
            packed >>= np.uint64(64 - 8 * k)
        if count_bits:
            packed <<= np.uint64(count_bits)
            packed |= np.minimum(rest, k + 1).astype(np.uint64)  # (rest is never negative)
        packed <<= np.uint64(place_bits)
        inner = np.arange(m, dtype=np.uint64)
        if group_bits:
            group = np.cumsum(begins, dtype=np.uint64)
            group -= np.uint64(1)
            inner -= heads.astype(np.uint64)[group]  # each text's place in its group
            group <<= np.uint64(64 - group_bits)
            packed |= group
            del group
        packed |= inner
        del inner
        packed.sort()
        came_from = (packed & np.uint64((1 << place_bits) - 1)).view(np.int64)
        packed >>= np.uint64(place_bits)
        came_from += heads[(packed >> np.uint64(64 - group_bits - place_bits)).view(np.int64)] if group_bits \
            else 0
        places = self.place[cut]
        self.order[places] = self.order[places][came_from]
        level = packed[1:] == packed[:-1]  # the same group, bytes and count as the one before
        begins = np.r_[True, ~level]
        keep = ~begins | np.r_[level, False]
        if count_bits:
            ended = (packed & np.uint64((1 << count_bits) - 1)) <= k  # the text ends within these bytes
            self.repeat[places[~begins & ended]] = True
            keep &= ~ended
        at, rest = at[came_from], rest[came_from]
        at += k
        rest -= k
        return begins, keep, at, rest

    def _finish_with_arrow(self, values, rows: np.ndarray | None) -> None:
        """The texts still level with another, sorted by Arrow: each group is already in its place and
        in the order its texts came, so a stable sort of them all keeps both."""
        import pyarrow as pa
        import pyarrow.compute as pc

        places = self.place
        level = self.order[places]
        texts = values.take(pa.array(level if rows is None else rows[level]))
        by_arrow = pc.array_sort_indices(texts).to_numpy()
        self.order[places] = level[by_arrow]
        texts = texts.take(pa.array(by_arrow))
        if len(texts) > 1:
            same = pc.equal(texts.slice(1), texts.slice(0, len(texts) - 1)).to_numpy(zero_copy_only=False)
            self.repeat[places[1:][same]] = True
        self.place = places[:0]
