"""A small incremental splitter for a JSON document: it walks the outer structure (objects down to
the records' list, then the list) over a text buffer filled chunk by chunk, and hands out the raw
text of one record at a time for :mod:`json` to parse. Only one record (plus a chunk) is held.

Finding where a value ends needs no parsing: outside strings only brackets count, and a string
ends at the first unescaped quote, both found by regular expressions (C speed). A record that is not
valid JSON inside balanced brackets is therefore a row error and the next record is still found.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import Final

from connectors.readers._files import CHUNK, LimitedReader

_WHITESPACE: Final = re.compile(r"[ \t\r\n]*+")
_STRUCTURE: Final = re.compile(r'[\[\]{}"]')
_STRING_REST: Final = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_SCALAR_END: Final = re.compile(r"[,\]}\s]")


class SyntaxProblem(Exception):
    """The outer structure is broken at ``line``, ``column``: the rest cannot be read."""

    def __init__(self, what: str, line: int, column: int) -> None:
        super().__init__(f"{what} at line {line}, column {column}")
        self.what = what
        self.line = line
        self.column = column


class Scanner:
    """A cursor over the decoded text of a stream: ``peek`` a character, ``take`` a value's text."""

    def __init__(self, stream: LimitedReader, encoding: str, max_value: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        self._max_value = max_value
        self._buffer = ""
        self._pos = 0
        self._dropped = 0  # characters already dropped from the front of the buffer
        self._lines_before = 0  # line breaks in them
        self._line_start = 0  # where the last line that began in them began (absolute)
        self._counted = (0, 0, -1)  # (pos, line breaks before it, last break before it) in the buffer
        self._eof = False

    # -- reading --------------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Append more text (at least a chunk, or as much as is pending, so re-scans stay linear)."""
        if self._eof:
            return False
        size = max(CHUNK, len(self._buffer) - self._pos)
        data = self._stream.read(size)
        if not data:
            self._eof = True
            self._buffer += self._decoder.decode(b"", final=True)
            return False
        self._buffer += self._decoder.decode(data)
        return True

    def compact(self) -> None:
        """Drop text before the cursor (call between values only)."""
        if self._pos > CHUNK:
            dropped = self._buffer[: self._pos]
            breaks = dropped.count("\n")
            if breaks:
                self._lines_before += breaks
                self._line_start = self._dropped + dropped.rfind("\n") + 1
            self._dropped += self._pos
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
            self._counted = (0, 0, -1)

    def where(self, pos: int | None = None) -> tuple[int, int]:
        """1-based line and column of ``pos`` (default: the cursor). Line breaks are counted once:
        from the last position asked about, which is before ``pos`` when reading forward."""
        pos = self._pos if pos is None else pos
        since, breaks, last_break = self._counted
        if pos < since:
            since, breaks, last_break = 0, 0, -1
        breaks += self._buffer.count("\n", since, pos)
        found = self._buffer.rfind("\n", since, pos)
        last_break = found if found >= 0 else last_break
        self._counted = (pos, breaks, last_break)
        line_start = last_break + 1 if last_break >= 0 else self._line_start - self._dropped
        return self._lines_before + breaks + 1, pos - line_start + 1

    def problem(self, what: str, pos: int | None = None) -> SyntaxProblem:
        return SyntaxProblem(what, *self.where(pos))

    # -- the cursor -----------------------------------------------------------------------------

    def peek(self) -> str:
        """The next non-blank character ("" at the end), the cursor put on it."""
        while True:
            match = _WHITESPACE.match(self._buffer, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def expect(self, chars: str, what: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            raise self.problem(f"expected {what}")
        self._pos += 1
        return char

    def take(self) -> tuple[str, int, int]:
        """The raw text of the value at the cursor, with the line and column where it starts."""
        if not self.peek():
            raise self.problem("the file ends where a value was expected")
        start = self._pos
        line, column = self.where(start)
        end = self._value_end(start)
        if end - start > self._max_value:
            raise self.problem(f"a value longer than {self._max_value:,} characters", start)
        self._pos = end
        return self._buffer[start:end], line, column

    # -- where a value ends ---------------------------------------------------------------------

    def _more(self, start: int) -> None:
        if len(self._buffer) - start > self._max_value:
            too_long = f"a value longer than {self._max_value:,} characters (or unbalanced brackets)"
            raise self.problem(too_long, start)
        if not self._fill():
            raise self.problem("the file ends inside a value", start)

    def _value_end(self, start: int) -> int:
        char = self._buffer[start] if start < len(self._buffer) else ""
        if char == '"':
            return self._string_end(start, start)
        if char in "[{":
            return self._bracket_end(start)
        while not (match := _SCALAR_END.search(self._buffer, start)):
            if len(self._buffer) - start > self._max_value:
                raise self.problem(f"a value longer than {self._max_value:,} characters", start)
            if not self._fill():
                return len(self._buffer)
        return match.start()

    def _bracket_end(self, start: int) -> int:
        depth = 0
        pos = start
        while True:
            match = _STRUCTURE.search(self._buffer, pos)
            if match is None:
                self._more(start)
                continue
            char, pos = match.group(), match.start()
            if char == '"':
                pos = self._string_end(pos, start)
                continue
            depth += 1 if char in "[{" else -1
            pos += 1
            if depth == 0:
                return pos

    def _string_end(self, quote: int, start: int) -> int:
        while not (match := _STRING_REST.match(self._buffer, quote + 1)):
            self._more(start)
        return match.end()


def walk_to(scanner: Scanner, path: tuple[str, ...], decode_key: Callable[[str], str | None]) -> bool:
    """Move the cursor from the object at the cursor onto the value at ``path`` (keys of nested
    objects); False if a key is missing. Values passed on the way are skipped one at a time."""
    scanner.expect("{", "'{'")
    if scanner.peek() == "}":
        return False
    while True:
        if scanner.peek() != '"':
            raise scanner.problem("expected a key")
        at = scanner.where()
        key = decode_key(scanner.take()[0])
        if key is None:
            raise SyntaxProblem("a key that is not valid JSON text", *at)
        scanner.expect(":", "':'")
        if key == path[0]:
            if len(path) == 1:
                scanner.peek()
                return True
            if scanner.peek() != "{":
                raise scanner.problem(f"expected an object under the key {key!r}")
            return walk_to(scanner, path[1:], decode_key)
        scanner.take()
        scanner.compact()
        if scanner.expect(",}", "',' or '}'") == "}":
            return False


def finish_objects(scanner: Scanner, depth: int) -> None:
    """After the records' list: skip the rest of ``depth`` enclosing objects, check the end."""
    for _ in range(depth):
        while scanner.expect(",}", "',' or '}'") == ",":
            if scanner.peek() != '"':
                raise scanner.problem("expected a key")
            scanner.take()
            scanner.expect(":", "':'")
            scanner.take()
            scanner.compact()
    if scanner.peek():
        raise scanner.problem("more data after the end of the JSON document (is it NDJSON?)")


def records(scanner: Scanner) -> Iterator[tuple[str, int, int]]:
    """The raw text of each value of the list at the cursor, with its line and column."""
    scanner.expect("[", "'['")
    if scanner.peek() == "]":
        scanner.expect("]", "']'")
        return
    while True:
        yield scanner.take()
        scanner.compact()
        if scanner.expect(",]", "',' or ']' after a record") == "]":
            return
        if scanner.peek() == "]":
            raise scanner.problem("a comma before ']'")
