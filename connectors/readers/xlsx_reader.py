"""XLSX workbooks, through openpyxl in read-only mode (rows are streamed from the sheet XML).

* **Before openpyxl opens it** the archive is inspected (:mod:`connectors.readers._zipcheck`):
  not a zip, corrupt, encrypted, too many members, a total uncompressed size over
  ``extra["max_uncompressed_bytes"]`` (default 200 MiB) or a member over 1 MiB that inflates more
  than ``extra["max_compression_ratio"]`` (default 100) to 1: refused, nothing inflated. openpyxl
  parses the XML parts through defusedxml; if that has been switched off, XLSX files are refused.
* **Sheet**: ``ReadOptions.sheet`` or the first worksheet. **Header**: row ``ReadOptions.header_row``
  (the HTCDS Excel toolkit puts title rows above it); names are stripped of surrounding spaces, a
  name repeated refuses the file. The workbook's stored dimensions are ignored (they are often
  wrong); every row is read.
* **Rows**: ``Row.number`` is the sheet's row number. Every row has every named header column.
  Values become text: dates ``yyyy-mm-dd`` (date-times with a time ``yyyy-mm-ddThh:mm:ss``),
  whole numbers without ``.0``, other numbers as Python writes them, booleans ``true``/``false``;
  an empty cell (or empty text) is ``None``; formula cells give their cached value; an error cell
  gives its code (``#N/A``). A fully empty row is skipped. A value under a header cell that is
  empty, or beyond the header's last column, is a :class:`RowError` naming the column letter.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar, Final

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from connectors.readers._files import file_kind, open_export, text_kind
from connectors.readers._zipcheck import ZipLimits, check_zip
from connectors.readers.base import FileRejected, Reader, ReadOptions, Row, RowError

_ENTITIES: Final = (
    "XML entities or a document type in a part of the workbook are refused; nothing was expanded"
)


class XlsxReader(Reader):
    name: ClassVar[str] = "xlsx"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx", ".xlsm")

    def rows(self, path: Path, options: ReadOptions) -> Iterator[Row | RowError]:
        limits = ZipLimits.from_extra(options.extra)
        if options.header_row < 1:
            raise FileRejected(f"{path.name}: header_row must be 1 or more")
        with open_export(path, options.max_bytes) as export:
            name = export.name
            if not export.head.startswith(b"PK\x03\x04"):
                kind = file_kind(export.head) or text_kind(export.head) or "text (a CSV file?)"
                raise FileRejected(f"{name}: not an XLSX workbook: it looks like {kind}")
            check_zip(export.raw, export.size, name, limits)
            if not openpyxl.DEFUSEDXML:
                raise FileRejected(f"{name}: XLSX reading needs openpyxl to parse through defusedxml")
            export.raw.seek(0)
            workbook = _open_workbook(export.raw, name)
            try:
                sheet = _sheet(workbook, options.sheet, name)
                where = "the first sheet" if options.sheet is None else f"sheet {options.sheet!r}"
                yield from _rows(sheet, name, where, options.header_row)
            finally:
                workbook.close()


def _open_workbook(raw: Any, name: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            return openpyxl.load_workbook(raw, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds; none of their messages is echoed
        if _refused_xml(exc):
            raise FileRejected(f"{name}: {_ENTITIES}") from None
        raise FileRejected(f"{name}: cannot be opened as an XLSX workbook ({type(exc).__name__})") from None


def _refused_xml(exc: BaseException | None) -> bool:
    """Whether defusedxml refused a part (openpyxl may wrap its exception in a ValueError)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _sheet(workbook: Any, wanted: str | None, name: str) -> Any:
    if wanted is None:
        if not workbook.worksheets:
            raise FileRejected(f"{name}: the workbook has no worksheet")
        return workbook.worksheets[0]
    if wanted not in workbook.sheetnames:
        # the names are not listed: a workbook may name its sheets after people
        count = len(workbook.sheetnames)
        raise FileRejected(f"{name}: no sheet named {wanted!r} (the workbook has {count} sheets)")
    sheet = workbook[wanted]
    if not hasattr(sheet, "iter_rows"):
        raise FileRejected(f"{name}: sheet {wanted!r} is a chart, not a worksheet")
    return sheet


def _rows(sheet: Any, name: str, where: str, header_row: int) -> Iterator[Row | RowError]:
    sheet.reset_dimensions()  # stored dimensions are often wrong: read every row there is
    values = iter(sheet.iter_rows(min_row=header_row, values_only=True))
    header = _next(values, name, where, header_row)
    columns = [(cell_text(value) or "").strip() or None for value in header or ()]
    while columns and columns[-1] is None:
        columns.pop()
    if not columns:
        raise FileRejected(f"{name}: row {header_row} of {where} is empty: no header (set header_row)")
    _check_unique(columns, name)
    number = header_row
    while (cells := _next(values, name, where, number + 1)) is not None:
        number += 1
        if (row := _row(cells, columns, name, number)) is not None:
            yield row


def _next(values: Iterator[Sequence[Any]], name: str, where: str, number: int) -> Sequence[Any] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return next(values)
    except StopIteration:
        return None
    except Exception as exc:  # a corrupt sheet part: the rows before it have been read
        if _refused_xml(exc):
            raise FileRejected(f"{name}: {_ENTITIES}") from None
        raise FileRejected(f"{name}: {where} cannot be read at row {number} ({type(exc).__name__})") from None


def _check_unique(columns: list[str | None], name: str) -> None:
    seen: dict[str, int] = {}
    for position, column in enumerate(columns, start=1):
        if column is None:
            continue
        if column in seen:
            first, again = get_column_letter(seen[column]), get_column_letter(position)
            raise FileRejected(f"{name}: the header repeats a column name (columns {first} and {again})")
        seen[column] = position


def _row(cells: Sequence[Any], columns: list[str | None], name: str, number: int) -> Row | RowError | None:
    texts = [cell_text(value) for value in cells]
    fields: dict[str, str | None] = dict.fromkeys((c for c in columns if c is not None), None)
    stray: list[int] = []
    for position, text in enumerate(texts, start=1):
        column = columns[position - 1] if position <= len(columns) else None
        if column is not None:
            fields[column] = text
        elif text is not None and text.strip():
            stray.append(position)
    if stray:
        letters = ", ".join(get_column_letter(position) for position in stray)
        return RowError(name, number, None, f"a value in column {letters}, which has no name in the header")
    if all(value is None or not value.strip() for value in fields.values()):
        return None  # an empty row (often only formatted) is skipped
    return Row(number, fields)


def cell_text(value: object) -> str | None:
    """A cell value as text (see the module docstring); ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
