"""CSV exports, streamed.

* **Encoding**: ``ReadOptions.encoding``, or detected from the first MiB: UTF-8 with or without a
  BOM, else cp1252 (what Belgian Excel writes as "CSV (separated by semicolons)"), else latin-1.
  Lines are cut from the bytes and decoded one by one, so a line further on that is not valid in the
  detected encoding costs only its own record: a :class:`RowError` "not valid in the detected
  encoding cp1252", and reading goes on. UTF-16 ("Unicode text") is refused with a message.
* **Delimiter**: ``ReadOptions.delimiter``, or ``;``, ``,`` or tab, by :class:`csv.Sniffer` on the
  first lines, checked against (and otherwise decided by) counting them in the header line.
* **Header**: record ``ReadOptions.header_row`` (records above it are skipped: title lines). Names
  are stripped of a BOM and surrounding spaces. A column with an empty name is unnamed: it is not in
  the rows, and a value in it is a row error. A name repeated refuses the file.
* **Rows**: ``Row.number`` is the *record* number in the file, the header counted (the row number a
  spreadsheet shows: the first data row under a header on line 1 is 2). A record may span several
  physical lines (a quoted field with line breaks); error messages then name the lines too. Every
  row has every named column; an empty value is ``None``; values are not otherwise changed. A record
  whose fields are all empty (a blank line, ``;;;;``) is skipped. A record with more or fewer fields
  than the header is a :class:`RowError` ("3 fields, the header has 5").
* **Size**: a file over ``ReadOptions.max_bytes`` (default 100 MiB) is refused before reading; any
  file under it is streamed in bounded memory (one line, at most ``extra["max_line_bytes"]``,
  default 8 MiB, plus one record). To stream a bigger file, raise ``max_bytes``. A single field
  longer than :func:`csv.field_size_limit` (131,072 characters, left as it is) is a row error.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from connectors.readers._files import (
    DEFAULT_MAX_LINE_BYTES,
    MIB,
    file_kind,
    int_option,
    open_export,
    split_lines,
    text_kind,
)
from connectors.readers._text_detect import Encoding, detect_delimiter, detect_encoding, detect_terminator
from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError

if TYPE_CHECKING:
    import _csv

SAMPLE_BYTES: Final = 1 * MIB


class CsvReader(Reader):
    name: ClassVar[str] = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".tsv")

    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        max_line = int_option(options.extra, "max_line_bytes", DEFAULT_MAX_LINE_BYTES)
        with open_export(path, options.max_bytes, SAMPLE_BYTES) as export:
            name, head = export.name, export.head
            kind = file_kind(head) or text_kind(head)
            if kind:
                raise FileRejected(f"{name}: not a CSV text file: it looks like {kind}")
            encoding = detect_encoding(head, len(head) >= export.size, options.encoding)
            terminator = detect_terminator(head)
            delimiter = options.delimiter or _sniff(head, encoding, terminator, options.header_row)
            if len(delimiter) != 1 or delimiter in '\r\n"':
                raise FileRejected(f"{name}: the delimiter must be one character other than a quote")
            problems: deque[tuple[int, str]] = deque()
            physical = split_lines(export.stream, max_line, terminator)
            lines = _decoded_lines(physical, encoding, max_line, problems)
            records = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
            yield from _Records(name, options.header_row, records, problems)


def _sniff(head: bytes, encoding: Encoding, terminator: bytes, header_row: int) -> str:
    complete = head[: head.rfind(terminator) + 1] or head  # whole lines only
    text = complete[encoding.bom :].decode(encoding.codec, errors="replace")
    return detect_delimiter(text.replace("\r", "\n") if terminator == b"\r" else text, header_row)


def _decoded_lines(
    lines: Iterable[tuple[int, bytes | None]],
    encoding: Encoding,
    max_line: int,
    problems: deque[tuple[int, str]],
) -> Iterator[str]:
    """Each physical line decoded; a line that cannot be is noted in ``problems`` (by line number)
    and replaced by a harmless stand-in, so the CSV parser keeps its place (quotes are ASCII)."""
    codec = encoding.codec
    for number, raw in lines:
        if raw is None:
            problems.append((number, f"a line is longer than {max_line:,} bytes"))
            yield "\n"
            continue
        if number == 1 and encoding.bom:
            raw = raw[encoding.bom :]
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError:
            problems.append((number, f"not valid in the {encoding.origin} encoding {encoding.label}"))
            yield raw.decode(codec, errors="replace")


class _Records:
    """Turns parsed records into rows and row errors, keeping count of records and lines."""

    def __init__(
        self,
        name: str,
        header_row: int,
        records: _csv.Reader,
        problems: deque[tuple[int, str]],
    ) -> None:
        if header_row < 1:
            raise FileRejected(f"{name}: header_row must be 1 or more")
        self.name = name
        self.header_row = header_row
        self.records = records
        self.problems = problems
        self.number = 0  # records read, header and rows above it included
        self.last_line = 0  # physical lines read
        self.columns: list[str | None] = []

    def __iter__(self) -> Iterator[Row | RowError]:
        for fields, first, last, problem in self._parsed():
            if self.number < self.header_row:
                continue
            if self.number == self.header_row:
                self._read_header(fields, problem)
                continue
            where = "" if first == last == self.number else _lines(first, last)
            if problem:
                yield RowError(self.name, self.number, None, problem + where)
                continue
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(self.columns):
                reason = f"{len(fields)} fields, the header has {len(self.columns)}{where}"
                yield RowError(self.name, self.number, None, reason)
                continue
            yield self._row(fields, where)
        if self.number < self.header_row:
            raise FileRejected(f"{self.name}: no header row: the file has {self.number} records")

    def _parsed(self) -> Iterator[tuple[list[str], int, int, str | None]]:
        """(fields, first line, last line, problem) per record; a record the parser refuses has no
        fields and a problem."""
        while True:
            try:
                fields = next(self.records)
                problem = None
            except StopIteration:
                return
            except csv.Error as exc:
                fields = []
                problem = _csv_problem(exc)
            self.number += 1
            first, last = self.last_line + 1, self.records.line_num
            self.last_line = last
            while self.problems and self.problems[0][0] <= last:
                line_problem = self.problems.popleft()[1]
                problem = problem or line_problem
            yield fields, first, last, problem

    def _read_header(self, fields: list[str], problem: str | None) -> None:
        if problem:
            raise FileRejected(f"{self.name}: the header (record {self.number}) cannot be read: {problem}")
        names = [field.replace("\ufeff", "").strip() or None for field in fields]
        if not any(names):
            raise FileRejected(f"{self.name}: the header (record {self.number}) is empty")
        seen: dict[str, int] = {}
        for position, column in enumerate(names, start=1):
            if column is None:
                continue
            if column in seen:
                repeated = f"columns {seen[column]} and {position}"
                raise FileRejected(f"{self.name}: the header repeats a column name ({repeated})")
            seen[column] = position
        self.columns = names

    def _row(self, fields: list[str], where: str) -> Row | RowError:
        values: dict[str, str | None] = {}
        for position, (column, value) in enumerate(zip(self.columns, fields, strict=True), start=1):
            if column is not None:
                values[column] = value if value != "" else None
            elif value.strip():
                reason = f"a value in column {position}, which has no name in the header{where}"
                return RowError(self.name, self.number, None, reason)
        return Row(self.number, values)


def _lines(first: int, last: int) -> str:
    return f" (line {first})" if first == last else f" (lines {first}-{last})"


def _csv_problem(exc: csv.Error) -> str:
    # csv's messages carry no values, but they are not echoed anyway: say what they mean.
    if "field limit" in str(exc):
        return f"a field is longer than {csv.field_size_limit():,} characters (a quote not closed?)"
    return "cannot be parsed as CSV"
