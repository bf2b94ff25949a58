"""A month's figures as a PDF: the header block, the key total, then for every breakdown its table
(count and changes, as on the page) and the same bar chart as the page."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import gettext

from ciateh.aggregates import Cell, Hidden, display
from ciateh.exports.month_tables import (
    TOTAL,
    dimension_title,
    header_block,
    month_rows,
    role_title,
)
from ciateh.exports.pdf import PdfReport
from ciateh.portal.charts import bar_chart
from ciateh.reports import MonthReport


def count_text(value: Cell, lang: str) -> str:
    """A protected cell as the page shows it (digits grouped for ``lang``)."""
    return display(value) if isinstance(value, Hidden) else str(format_decimal(value, locale=lang))


def change_text(value: int | None, lang: str) -> str:
    if value is None:
        return str(gettext("n/a"))
    if value == 0:
        return "0"
    return ("+" if value > 0 else "-") + str(format_decimal(abs(value), locale=lang))


def month_pdf(report: MonthReport, lang: str) -> bytes:
    title = gettext("%(role)s, %(month)s", role=role_title(report.role_group), month=report.month)
    subtitle = gettext("Revision %(revision)s", revision=report.snapshot.revision)
    doc = PdfReport(
        title=title,
        subtitle=subtitle,
        footer=gettext("ciateh: anonymous figures, counts protected (k = %(k)s)", k=report.k),
    )
    doc.table(
        [gettext("About these figures"), ""],
        [[name, str(value)] for name, value in header_block(report)],
        numeric_from=2,
    )
    changes = [gettext("Change vs previous month"), gettext("Change vs same month a year earlier")]
    doc.table(
        ["", gettext("Total"), *changes],
        [
            [
                role_title(report.role_group),
                count_text(report.total, lang),
                change_text(report.total_change_previous, lang),
                change_text(report.total_change_year, lang),
            ]
        ],
    )
    rows = month_rows(report, lang)
    for breakdown in report.breakdowns:
        name = dimension_title(breakdown.dimension)
        doc.heading(name)
        mine = [row for row in rows if row.dimension == breakdown.dimension]
        doc.table(
            [gettext("Category"), gettext("Count"), *changes],
            [
                [
                    row.label,
                    count_text(row.count, lang),
                    change_text(row.change_previous, lang),
                    change_text(row.change_year, lang),
                ]
                for row in mine
            ],
        )
        categories = [row for row in mine if row.code != TOTAL]
        doc.chart(bar_chart([row.label for row in categories], [row.count for row in categories], name))
    return doc.build()
