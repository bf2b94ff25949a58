"""A month's figures as tables to download: CSV (UTF-8 with a BOM, for Excel) and XLSX (openpyxl).

Both carry a header block (month, role group, revision, approved or provisional, k) and, for every
breakdown of the month, one row per category: the dimension, the category code, its label in the
reader's language, the count as shown on the page (a number, ``<k`` or ``x``), and the changes
against the previous month and the same month a year earlier (``n/a`` where a side is hidden or
missing), then the total. Every count comes from the protected :class:`~ciateh.reports.MonthReport`;
nothing here counts.

In the XLSX file numbers are numbers and markers are text; every text cell is stored as a string
(never a formula). In the CSV file, a text cell that begins with ``= + - @``, a tab or a carriage
return gets a leading apostrophe, so that a spreadsheet does not run it as a formula (the labels
are ours, but partner codes and future labels need not stay harmless).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from flask_babel import gettext, lazy_gettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Font

from ciateh.aggregates import Cell, Hidden, display, label
from ciateh.reports import MonthReport

TOTAL: Final = "_total"
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

DIMENSION_TITLES: Final[dict[str, Any]] = {
    "exploitation_form": lazy_gettext("Form of exploitation"),
    "sex": lazy_gettext("Sex"),
    "age_band": lazy_gettext("Age band"),
    "minor_at_exploitation": lazy_gettext("Minor at the time of exploitation"),
    "nationality": lazy_gettext("Nationality (top ten and the rest)"),
    "labour_sector": lazy_gettext("Labour sector"),
    "province": lazy_gettext("Province"),
    "partner": lazy_gettext("Partner"),
    "protection_stage": lazy_gettext("Protection stage"),
    "judicial_stage": lazy_gettext("Judicial stage"),
}
ROLE_TITLES: Final[dict[str, Any]] = {
    "victims": lazy_gettext("Victims"),
    "suspects": lazy_gettext("Suspects"),
}


def dimension_title(dimension: str) -> str:
    return str(DIMENSION_TITLES.get(dimension, dimension))


def role_title(role_group: str) -> str:
    return str(ROLE_TITLES.get(role_group, role_group))


@dataclass(frozen=True)
class Row:
    """One published line: a category of a breakdown, or its total (code ``_total``)."""

    dimension: str
    code: str
    label: str
    count: Cell
    change_previous: int | None
    change_year: int | None


def column_titles() -> list[str]:
    return [
        gettext("Dimension code"),
        gettext("Dimension"),
        gettext("Category code"),
        gettext("Category"),
        gettext("Count"),
        gettext("Change vs previous month"),
        gettext("Change vs same month a year earlier"),
    ]


def status_text(report: MonthReport) -> str:
    shown = report.snapshot
    if shown.approved_at is None:
        return str(gettext("Provisional (not approved by the Bureau)"))
    return str(
        gettext(
            "Approved by %(who)s on %(when)s",
            who=shown.approved_by or "?",
            when=shown.approved_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def header_block(report: MonthReport) -> list[tuple[str, str | int]]:
    """What the figures are: month, role group, revision, status, k."""
    return [
        (gettext("Month"), report.month),
        (gettext("Role group"), role_title(report.role_group)),
        (gettext("Revision"), report.snapshot.revision),
        (gettext("Status"), status_text(report)),
        (gettext("k"), report.k),
        (
            gettext("Counts"),
            gettext(
                'Counts from 1 to %(max)s are shown as "<%(k)s"; "x" is a count hidden to protect them.',
                max=report.k - 1,
                k=report.k,
            ),
        ),
    ]


def month_rows(report: MonthReport, lang: str) -> list[Row]:
    """Every breakdown's categories (in page order) and its total."""
    rows: list[Row] = []
    for breakdown in report.breakdowns:
        table = breakdown.table
        for i, code in enumerate(table.layout.row_keys):
            rows.append(
                Row(
                    breakdown.dimension,
                    code,
                    label(breakdown.dimension, code, lang),
                    table.row_totals[i],
                    breakdown.change_previous[i],
                    breakdown.change_year[i],
                )
            )
        same_total = table.grand == report.total
        rows.append(
            Row(
                breakdown.dimension,
                TOTAL,
                gettext("Total"),
                table.grand,
                report.total_change_previous if same_total else None,
                report.total_change_year if same_total else None,
            )
        )
    return rows


def safe_text(text: str) -> str:
    """A text cell for CSV: a leading apostrophe where a spreadsheet would see a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _change_csv(value: int | None) -> str | int:
    return str(gettext("n/a")) if value is None else value


def _csv_line(cells: Sequence[str | int]) -> list[str]:
    return [str(c) if isinstance(c, int) else safe_text(c) for c in cells]


def month_csv(report: MonthReport, lang: str) -> bytes:
    """The month's tables as one CSV file: the header block, an empty line, then one row per
    category and total (UTF-8 with a byte-order mark, so that Excel reads the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for name, value in header_block(report):
        writer.writerow(_csv_line([name, value]))
    writer.writerow([])
    writer.writerow(_csv_line(column_titles()))
    for row in month_rows(report, lang):
        writer.writerow(
            _csv_line(
                [
                    row.dimension,
                    dimension_title(row.dimension),
                    row.code,
                    row.label,
                    _count_value(row.count),
                    _change_csv(row.change_previous),
                    _change_csv(row.change_year),
                ]
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- XLSX -----------------------------------------------------------------------------------------


def _put(cell: XlCell, value: str | int | None, *, bold: bool = False) -> None:
    """Numbers as numbers, everything else as a string (never a formula)."""
    if isinstance(value, int):
        cell.value = value
    elif value is not None:
        cell.value = value
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)


def _count_value(value: Cell) -> str | int:
    return display(value) if isinstance(value, Hidden) else value


def _xl_change(value: int | None) -> str | int:
    return str(gettext("n/a")) if value is None else value


_BAD_SHEET_CHARS: Final = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(text: str, used: set[str]) -> str:
    base = text.translate(_BAD_SHEET_CHARS).strip()[:28] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:25]} {n}"
        n += 1
    used.add(title.lower())
    return title


def month_xlsx(report: MonthReport, lang: str) -> bytes:
    """The month as a workbook: a summary sheet (header block and the total), then one sheet per
    dimension, each starting with the same header block."""
    book = Workbook()
    used: set[str] = set()
    summary = book.active
    summary.title = _sheet_title(gettext("Summary"), used)
    block = header_block(report)
    for r, (name, value) in enumerate(block, start=1):
        _put(summary.cell(r, 1), name, bold=True)
        _put(summary.cell(r, 2), value)
    r = len(block) + 2
    for c, title in enumerate(
        [
            gettext("Total"),
            gettext("Change vs previous month"),
            gettext("Change vs same month a year earlier"),
        ],
        start=2,
    ):
        _put(summary.cell(r, c), title, bold=True)
    _put(summary.cell(r + 1, 1), role_title(report.role_group), bold=True)
    _put(summary.cell(r + 1, 2), _count_value(report.total))
    _put(summary.cell(r + 1, 3), _xl_change(report.total_change_previous))
    _put(summary.cell(r + 1, 4), _xl_change(report.total_change_year))
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 40

    rows = month_rows(report, lang)
    for breakdown in report.breakdowns:
        sheet = book.create_sheet(_sheet_title(dimension_title(breakdown.dimension), used))
        for r, (name, value) in enumerate(block, start=1):
            _put(sheet.cell(r, 1), name, bold=True)
            _put(sheet.cell(r, 2), value)
        head = len(block) + 2
        for c, title in enumerate(column_titles(), start=1):
            _put(sheet.cell(head, c), title, bold=True)
        mine = [row for row in rows if row.dimension == breakdown.dimension]
        for r, row in enumerate(mine, start=head + 1):
            values: list[str | int] = [
                row.dimension,
                dimension_title(row.dimension),
                row.code,
                row.label,
                _count_value(row.count),
                _xl_change(row.change_previous),
                _xl_change(row.change_year),
            ]
            for c, value in enumerate(values, start=1):
                _put(sheet.cell(r, c), value, bold=row.code == TOTAL)
        for letter, width in zip("ABCDEFG", (20, 28, 18, 36, 10, 16, 16), strict=True):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
