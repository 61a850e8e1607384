"""Text files as UTF-8: which encoding a file is in (UTF-8 with or without a BOM, UTF-16, Windows
cp1252, Latin-1, or lines in two encodings), stray NUL bytes, and the sample of first lines that the
delimiter and the headings are found from. Any line ends (LF, CRLF, a lone CR) pass through as they are:
the CSV reader takes all three."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError
from . import limits
from ._common import plural

SAMPLE_BYTES = 1 << 16  # the start of a text file looked at for its encoding, delimiter and headings ...
_SAMPLE_LINES = 8  # ... made longer, up to MAX_HEADER_BYTES, until it holds this many whole lines
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ASCII_CONTROL = tuple(bytes([b]) for b in (*range(1, 9), *range(14, 32), 127))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UTF8_NAMES = ("UTF-8", "UTF-8 (with BOM)", "UTF-8 and Windows (cp1252)")


@dataclass(frozen=True)
class DecodedText:
    """A text file made UTF-8: its bytes without a BOM, the encoding's name for the user, the text of
    its first lines, and notes (stray NUL characters removed, lines in two encodings)."""

    body: bytes
    encoding: str
    sample: str
    notes: tuple[str, ...] = ()

    @property
    def is_utf8(self) -> bool:
        """Whether the file was UTF-8 already (so the user needs no note about its encoding)."""
        return self.encoding in _UTF8_NAMES


def decode(p: Path, data: bytes) -> DecodedText:
    """The file as UTF-8 text; LoadError for binary data or text in no encoding this program knows."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        body, enc = data[3:], "UTF-8 (with BOM)"
    elif data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        body, enc = _from_utf16(p, data, "utf-16"), "UTF-16"
    else:
        sample = data[:SAMPLE_BYTES]
        nul = sample.count(b"\x00")
        utf16 = _utf16_without_bom(sample) if nul else None
        if utf16 is not None:
            body, enc = _from_utf16(p, data, utf16), "UTF-16"
        else:
            if nul:
                _refuse_binary(p, sample, nul)
            if nul or b"\x00" in data:
                k = data.count(b"\x00")
                data = data.replace(b"\x00", b"")
                notes.append(f"removed {plural(k, 'NUL character')} (invisible 'null' bytes that do not belong "
                             "in a text file)")
            body, enc, more = _eight_bit(data)
            notes += more
    sample_text = body[:sample_end(body)].decode("utf-8", errors="ignore")
    if sample_text[:1] == "\ufeff":
        sample_text = sample_text[1:]
        body = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    bad = len(_CONTROL.findall(sample_text))
    if sample_text and bad / len(sample_text) > 0.01:
        raise _encoding_error(p)
    return DecodedText(body=body, encoding=enc, sample=sample_text, notes=tuple(notes))


def _from_utf16(p: Path, data: bytes, codec: str) -> bytes:
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeDecodeError:
        raise _encoding_error(p) from None


def _refuse_binary(p: Path, sample: bytes, nul: int) -> None:
    """LoadError when NUL bytes and control characters say the file is binary data, not text."""
    ctrl = sum(sample.count(c) for c in _ASCII_CONTROL)
    if nul / len(sample) > 0.05 or ctrl / len(sample) > 0.01:
        raise LoadError(
            f"{p.name} holds binary data, not text: it is not a CSV file (is it a renamed file of "
            "another kind?). Choose a CSV, Excel (.xlsx), OpenDocument (.ods) or Parquet file.")


def _eight_bit(data: bytes) -> tuple[bytes, str, list[str]]:
    """Text without NUL bytes as UTF-8: as it is if it is UTF-8, else line by line or as a whole from
    Windows cp1252 (Latin-1 where cp1252 leaves a byte undefined)."""
    try:
        _check_utf8(data)
        return data, "UTF-8", []
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        return _decode_lines(data), "UTF-8 and Windows (cp1252)", [
            "some lines were written in UTF-8 and others in the older Windows (cp1252) encoding; each line was "
            "read in its own encoding"]
    if any(b in data for b in _CP1252_UNDEFINED):
        return data.decode("latin-1").encode("utf-8"), "Latin-1", []
    return data.decode("cp1252").encode("utf-8"), "Windows (cp1252)", []


def sample_end(body) -> int:
    """How much of the start of a text file to look at for its delimiter and headings: SAMPLE_BYTES,
    or more while that holds fewer than _SAMPLE_LINES line ends (a heading line of 900 long headings is
    over 64 KB), up to MAX_HEADER_BYTES."""
    end = min(len(body), SAMPLE_BYTES)
    cap = min(len(body), limits.MAX_HEADER_BYTES)
    while end < cap and max(body.count(b"\n", 0, end), body.count(b"\r", 0, end)) < _SAMPLE_LINES:
        end = min(cap, end * 4)
    return end


def _check_utf8(data: bytes) -> None:
    """UnicodeDecodeError unless the bytes are UTF-8. Checked a few MB at a time: decoding a large file
    in one call would hold a second, bigger copy of it and stop the window until done."""
    dec = codecs.getincrementaldecoder("utf-8")()
    with memoryview(data) as view:
        for i in range(0, len(view), 1 << 22):
            dec.decode(view[i:i + (1 << 22)])
    dec.decode(b"", final=True)


def _decode_lines(data: bytes) -> bytes:
    """A file whose lines are in different encodings (rows pasted from two systems): each line as UTF-8
    if it is valid UTF-8, else as Windows cp1252 (Latin-1 for the few bytes cp1252 leaves undefined)."""
    out: list[bytes] = []
    for line in data.splitlines(keepends=True):
        try:
            line.decode("utf-8")
            out.append(line)
        except UnicodeDecodeError:
            enc = "latin-1" if any(b in line for b in _CP1252_UNDEFINED) else "cp1252"
            out.append(line.decode(enc).encode("utf-8"))
    return b"".join(out)


def _utf16_without_bom(sample: bytes) -> str | None:
    even = sample[0::2].count(b"\x00")
    odd = sample[1::2].count(b"\x00")
    half = max(1, len(sample) // 2)
    if odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le"
    if even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be"
    return None


def _encoding_error(p: Path) -> LoadError:
    return LoadError(
        f"{p.name}: cannot work out how the text in this file is encoded, or it is not text at all. "
        "Open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)', then load the new file.")
