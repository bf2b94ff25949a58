"""Streaming readers of partner exports, one per format, and the registry that picks one.

Every reader yields :class:`~connectors.readers.base.Row` and
:class:`~connectors.readers.base.RowError` in file order and raises
:class:`~connectors.readers.base.FileRejected` for a file refused as a whole (size, wrong format,
hostile content). No message ever holds a value from the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError
from connectors.readers.csv_reader import CsvReader
from connectors.readers.json_reader import JsonReader, NdjsonReader
from connectors.readers.xlsx_reader import XlsxReader
from connectors.readers.xml_reader import XmlReader

READERS: Final[dict[str, type[Reader]]] = {
    reader.name: reader for reader in (CsvReader, XlsxReader, XmlReader, JsonReader, NdjsonReader)
}

_HINTS: Final = {
    ".xls": "the old Excel format: save it as .xlsx",
    ".ods": "an OpenDocument spreadsheet: save it as .xlsx or CSV",
    ".txt": "give the format explicitly (csv for delimited text)",
}


def known_formats() -> str:
    """``csv (.csv, .tsv), xlsx (.xlsx, .xlsm), ...``"""
    return ", ".join(f"{name} ({', '.join(reader.extensions)})" for name, reader in READERS.items())


def reader_for(path: Path, format: str | None = None) -> Reader:
    """The reader for ``format`` ("csv", "xlsx", "xml", "json", "ndjson"), or, without one, for the
    file's extension (case ignored). Unknown: :class:`FileRejected` naming it and the known formats."""
    if format is not None:
        reader = READERS.get(format.strip().lower())
        if reader is None:
            raise FileRejected(f"unknown format {format!r}; the known formats are {known_formats()}")
        return reader()
    suffix = path.suffix.lower()
    for reader in READERS.values():
        if suffix in reader.extensions:
            return reader()
    shown = f"extension {suffix!r}" if suffix else "no extension"
    hint = f" ({_HINTS[suffix]})" if suffix in _HINTS else ""
    raise FileRejected(f"{path.name}: no reader for {shown}{hint}; the known formats are {known_formats()}")


__all__ = [
    "READERS",
    "CsvReader",
    "FileRejected",
    "JsonReader",
    "NdjsonReader",
    "ReadOptions",
    "Reader",
    "Row",
    "RowError",
    "XlsxReader",
    "XmlReader",
    "known_formats",
    "reader_for",
]
