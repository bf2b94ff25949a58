"""Opening an export within its size limit, recognising a file by its first bytes, and cutting a
byte stream into lines. Shared by the readers; nothing here ever puts file content in a message.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from connectors.readers.base import FileRejected

MIB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024
HEAD_BYTES: Final = 64 * 1024
#: Longest physical line (CSV, NDJSON) before it is cut off and reported as a row error.
DEFAULT_MAX_LINE_BYTES: Final = 8 * MIB

# First bytes of formats a partner might drop by mistake, and what to call them in a message.
_BINARY: Final[tuple[tuple[bytes, str], ...]] = (
    (b"PK\x03\x04", "a zip archive (an XLSX workbook?)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls file or a password-protected workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_WIDE_TEXT: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x00\x00\xfe\xff", "UTF-32 text"),
    (b"\xff\xfe\x00\x00", "UTF-32 text"),
    (b"\xff\xfe", "UTF-16 text (Excel 'Unicode text'?)"),
    (b"\xfe\xff", "UTF-16 text"),
)


def size_text(size: int) -> str:
    """``104,857,601 bytes (100.0 MiB)``."""
    return f"{size:,} bytes ({size / MIB:.1f} MiB)"


def binary_kind(head: bytes) -> str | None:
    """What the first bytes say the file is when it is an archive or document, not text; else None."""
    for signature, kind in _BINARY:
        if head.startswith(signature):
            return kind
    return None


def file_kind(head: bytes) -> str | None:
    """What the first bytes say the file is when it is not plain 8-bit or UTF-8 text, else None."""
    if kind := binary_kind(head):
        return kind
    for signature, kind in _WIDE_TEXT:
        if head.startswith(signature):
            return kind
    if head.count(b"\x00") * 100 > len(head):  # a stray NUL in a text export is a row's problem
        return "binary data (or UTF-16 text without a byte order mark)"
    return None


def text_kind(head: bytes) -> str | None:
    """For a text file: "XML" or "JSON" when it plainly is one (for messages), else None."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"<?xml", b"<!DOCTYPE", b"<!--")):
        return "XML"
    if start.startswith(b"{") or re.match(rb"\[\s*[\[{]", start):
        return "JSON"
    return None


def int_option(extra: Mapping[str, str], key: str, default: int, minimum: int = 1) -> int:
    """A whole-number setting from ``ReadOptions.extra``; a bad one refuses the file (no crash)."""
    raw = extra.get(key)
    if raw is None:
        return default
    try:
        value = int(str(raw).strip().replace("_", ""))
    except ValueError:
        raise FileRejected(f"read option {key!r} must be a whole number") from None
    if value < minimum:
        raise FileRejected(f"read option {key!r} must be at least {minimum}")
    return value


class LimitedReader:
    """A binary stream that refuses to deliver more than ``limit`` bytes in total (the file may grow
    while it is read, or the size on disk may not be the size read)."""

    def __init__(self, raw: BinaryIO, limit: int, name: str) -> None:
        self._raw = raw
        self._limit = limit
        self._name = name
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = CHUNK
        data = self._raw.read(size)
        self.consumed += len(data)
        if self.consumed > self._limit:
            raise FileRejected(
                f"{self._name}: more than the limit of {size_text(self._limit)} was read "
                "(the file grew while it was read?)"
            )
        return data


@dataclass(frozen=True, slots=True)
class Export:
    """An opened export: its display name, size, first bytes, the raw file and a limited stream."""

    name: str
    size: int
    head: bytes
    raw: BinaryIO
    stream: LimitedReader


@contextmanager
def open_export(path: Path, max_bytes: int, head_bytes: int = HEAD_BYTES) -> Iterator[Export]:
    """Open ``path`` for reading, refusing what is not a regular, non-empty file within ``max_bytes``.

    The size is taken from the opened file (not a separate ``stat`` of the path), so the file checked
    is the file read; reading past ``max_bytes`` is refused as well.
    """
    name = path.name or str(path)
    try:
        raw = _open_regular(path, name)
    except FileNotFoundError:
        raise FileRejected(f"{name}: the file does not exist") from None
    except IsADirectoryError:
        raise FileRejected(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise FileRejected(f"{name}: permission denied") from None
    except OSError as exc:
        raise FileRejected(f"{name}: cannot be opened ({exc.strerror or type(exc).__name__})") from None
    with raw:
        info = os.fstat(raw.fileno())
        if info.st_size == 0:
            raise FileRejected(f"{name}: the file is empty (0 bytes)")
        if info.st_size > max_bytes:
            raise FileRejected(
                f"{name}: the file is {size_text(info.st_size)}, over the limit of {size_text(max_bytes)} "
                "(ReadOptions.max_bytes)"
            )
        head = raw.read(head_bytes)
        raw.seek(0)
        yield Export(name, info.st_size, head, raw, LimitedReader(raw, max_bytes, name))


def _open_regular(path: Path, name: str) -> BinaryIO:
    """Open without blocking on a FIFO (it is refused, like any file that is not a regular file)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise FileRejected(f"{name}: is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise FileRejected(f"{name}: not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def split_lines(
    stream: LimitedReader, max_line: int, terminator: bytes = b"\n"
) -> Iterator[tuple[int, bytes | None]]:
    """Physical lines, numbered from 1, each with its terminator (the last may have none).

    A line longer than ``max_line`` bytes is yielded as ``None`` (too long) and the rest of it is
    skipped without being kept, so memory stays bounded by ``max_line`` plus one chunk.
    """
    pending: list[bytes] = []  # the start of a line that did not end in the chunks read so far
    pending_size = 0
    skipping = False  # inside a line already reported as too long
    number = 0
    while chunk := stream.read(CHUNK):
        end = chunk.find(terminator)
        if end < 0:
            if not skipping:
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size > max_line:
                    number += 1
                    yield number, None
                    pending, pending_size, skipping = [], 0, True
            continue
        first = b"".join([*pending, chunk[: end + 1]])
        if not skipping:
            number += 1
            yield number, first if len(first) <= max_line else None
        pending, pending_size, skipping = [], 0, False
        start = end + 1
        while (end := chunk.find(terminator, start)) >= 0:
            number += 1
            yield number, chunk[start : end + 1] if end + 1 - start <= max_line else None
            start = end + 1
        if start < len(chunk):
            pending, pending_size = [chunk[start:]], len(chunk) - start
    if pending and not skipping:
        number += 1
        rest = b"".join(pending)
        yield number, rest if len(rest) <= max_line else None
