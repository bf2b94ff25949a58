"""What every reader yields, and the narrow base a reader implements.

A reader streams one export file and yields, in order, either a :class:`Row` (the raw fields of one
record, column name -> text) or a :class:`RowError` (which row, which field, why: never the value,
since it may be personal). A problem with the file as a whole (cannot be opened, over the size
limit, an XML entity bomb, an XLSX zip bomb) raises :class:`FileRejected` before any row is
yielded, or as soon as it is discovered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Row:
    """One record of an export: its 1-based number (data row, line or element) and its fields."""

    number: int
    fields: dict[str, str | None]

    def __repr__(self) -> str:  # never print values: they are personal
        return f"Row(number={self.number}, fields={sorted(self.fields)})"


@dataclass(frozen=True, slots=True)
class RowError:
    """A record that cannot be read: where and why, never the value."""

    file: str
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"


class FileRejected(Exception):
    """The file as a whole is refused (size, format, hostile content); the message says why."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str | None = None  # None: detect
    delimiter: str | None = None  # CSV; None: detect
    sheet: str | None = None  # XLSX; None: the first sheet
    header_row: int = 1  # XLSX/CSV: 1-based row holding the column names
    record_path: str | None = None  # XML: the element that holds one record; JSON: key of the list
    extra: dict[str, str] = field(default_factory=dict)


class Reader(ABC):
    """Stream the records of one export format."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    @abstractmethod
    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        """Yield rows and row errors in file order; raise FileRejected for the file as a whole."""
