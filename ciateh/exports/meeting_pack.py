"""The Cell's meeting pack: one PDF with the figures of a chosen period, and the presentation they
share with the Cell's dashboard.

:func:`present` turns a :class:`~ciateh.reports.PeriodReport` (ranges derived from the month pages'
protected numbers only) into a :class:`PeriodView`: translated titles and labels, every figure as
text (:func:`ciateh.portal.formatting.range_text`: "1,234", "<5", "at least 120", "at most 12",
"between 120 and 135"), key figures with their trend in arrows and words, the trend line chart and
the range bar charts (the very SVG of :mod:`ciateh.portal.charts`). The dashboard
renders that view as HTML; :func:`build_meeting_pack` renders the same view as a PDF (cover with the
period and a reading guide, key figures, trends, breakdowns as tables and bar charts, then the open
proposals and decisions). Both show exactly the same numbers.

Texts are translated with Flask-Babel in the language asked for (``force_locale``), which needs an
application context; nothing here reads the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from babel.dates import format_date
from flask_babel import force_locale, format_decimal, gettext
from markupsafe import Markup
from sqlalchemy.orm import Session

from ciateh.aggregates import Cell, Hidden, Reason, display, label
from ciateh.aggregates.bounds import Range, RangeTable
from ciateh.exports.pdf import PdfReport
from ciateh.models import Decision, Proposal
from ciateh.portal.charts import line_chart, range_bar_chart
from ciateh.portal.formatting import range_text
from ciateh.proposals import open_items
from ciateh.reports import CELL_DIMENSIONS, SERIES, KeyFigure, PeriodReport, Trend, period_report

MONTH: Final = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
MAX_MONTHS: Final = 60
ARROWS: Final[dict[Trend, str]] = {"up": "▲", "down": "▼", "flat": "▶"}


# -- periods --------------------------------------------------------------------------------------


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_at(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def is_month(value: str | None) -> bool:
    return value is not None and MONTH.fullmatch(value) is not None and value >= "1900-01"


def period_length(start: str, end: str) -> int:
    """The number of months from ``start`` to ``end``, both included."""
    return month_index(end) - month_index(start) + 1


def period_problem(start: str | None, end: str | None) -> str | None:
    """Why ``start``..``end`` is not a period a meeting pack can cover (a translated sentence), or
    ``None`` when it is one: two months YYYY-MM, the first not after the second, at most 60 months."""
    if not start or not end:
        return str(gettext("Choose the first and the last month of the period."))
    if not is_month(start) or not is_month(end):
        return str(gettext("A month is written as year-month, for example 2024-11."))
    if start > end:
        return str(gettext("The first month must not come after the last month."))
    if period_length(start, end) > MAX_MONTHS:
        return str(gettext("A meeting pack covers at most %(n)s months.", n=MAX_MONTHS))
    return None


def month_label(month: str, lang: str, *, long: bool = False) -> str:
    """``2024-11`` as "Nov 2024" (or "November 2024"), in ``lang``."""
    day = date(int(month[:4]), int(month[5:7]), 1)
    return str(format_date(day, "MMMM y" if long else "MMM y", locale=lang))


def period_label(start: str, end: str, lang: str) -> str:
    if start == end:
        return month_label(start, lang, long=True)
    return f"{month_label(start, lang, long=True)} – {month_label(end, lang, long=True)}"


# -- the view shared by the dashboard and the pack ------------------------------------------------


def figure_title(name: str) -> str:
    titles = {
        "victims": gettext("Victims"),
        "suspects": gettext("Suspects"),
        "minor_victims": gettext("Victims who were minors"),
        "cases": gettext("Cases"),
    }
    return str(titles.get(name, name))


def role_title(role_group: str) -> str:
    """The title of a per-month column (a role group, or the cases)."""
    titles = {"victims": gettext("Victims"), "suspects": gettext("Suspects"), "cases": gettext("Cases")}
    return str(titles.get(role_group, role_group))


def dimension_title(dimension: str) -> str:
    titles = {
        "exploitation_form": gettext("Victims by form of exploitation"),
        "labour_sector": gettext("Victims by labour sector"),
        "nationality": gettext("Victims by nationality (the ten most frequent, then all others)"),
    }
    return str(titles.get(dimension, dimension))


def number(cell: Cell) -> str:
    """A protected cell as text in the current language: grouped digits, "<5" or "x"."""
    if isinstance(cell, Hidden):
        return display(cell)
    return str(format_decimal(cell))


def trend_words(figure: KeyFigure, length: int, k: int) -> str:
    """The comparison with the previous period in plain words (for everyone, screen readers too)."""
    if figure.previous is None:
        return str(
            gettext("No comparison: not every one of the previous %(n)s months has figures.", n=length)
        )
    previous = range_text(figure.previous, k)
    if figure.trend == "up":
        return str(gettext("Up from %(previous)s in the previous %(n)s months.", previous=previous, n=length))
    if figure.trend == "down":
        return str(
            gettext("Down from %(previous)s in the previous %(n)s months.", previous=previous, n=length)
        )
    if figure.trend == "flat":
        return str(gettext("The same as in the previous %(n)s months.", n=length))
    return str(
        gettext(
            "Previous %(n)s months: %(previous)s. Cannot tell whether it went up or down: the two "
            "figures are not known exactly and may be the same.",
            previous=previous,
            n=length,
        )
    )


def figure_note(figure: KeyFigure) -> str:
    if figure.summed_by_month:
        return str(
            gettext(
                "Cases are counted month by month: a case with persons registered in several months "
                "counts once in each of them."
            )
        )
    return ""


@dataclass(frozen=True)
class FigureView:
    name: str
    title: str
    value: Range
    text: str  # the value as printed
    previous: Range | None
    previous_text: str  # "" without a previous period
    trend: Trend | None
    arrow: str  # ▲ ▼ ▶, or "" without a trend
    words: str
    note: str  # how the figure is counted, when that needs saying ("" otherwise)


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    value: Range
    text: str  # the value as printed


@dataclass(frozen=True)
class BreakdownView:
    """A breakdown as listed: the categories in table order, without those known to be 0 (a long
    list of zeros says nothing to the reader; leaving a known zero out hides nothing)."""

    dimension: str
    title: str
    table: RangeTable
    rows: tuple[BreakdownRow, ...]
    chart: Markup
    total_text: str

    @property
    def total(self) -> Range:
        return self.table.total

    @property
    def omits_zeros(self) -> bool:
        return len(self.rows) < len(self.table.values)


@dataclass(frozen=True)
class MonthRow:
    month: str
    label: str
    provisional: bool
    missing: bool
    values: tuple[Range | None, ...]  # one per column (SERIES); None: the month has no figures
    texts: tuple[str, ...]  # as printed ("–" for None)


@dataclass(frozen=True)
class PeriodView:
    report: PeriodReport
    lang: str
    title: str  # the period in words
    previous_title: str  # the period before, same length
    figures: tuple[FigureView, ...]
    role_groups: tuple[str, ...]  # the per-month columns (SERIES: victims, suspects, cases)
    role_titles: tuple[str, ...]
    months: tuple[MonthRow, ...]
    totals: tuple[Range, ...]  # the columns' totals over the period
    total_texts: tuple[str, ...]
    trend_chart: Markup
    breakdowns: tuple[BreakdownView, ...]
    provisional: tuple[str, ...]  # month labels
    missing: tuple[str, ...]

    @property
    def length(self) -> int:
        return len(self.report.months)

    @property
    def has_data(self) -> bool:
        return len(self.report.missing) < len(self.report.months)


def _series_value(table: RangeTable | None, month: str) -> Range | None:
    return None if table is None else table.get(month)


def _point(value: Range | None, k: int) -> Cell:
    """A month's total for the line chart: the number, or a gap (a hidden or missing month)."""
    if value is None or value.value is None:
        return Hidden(Reason.WITHHELD, k)
    return value.value


def present(report: PeriodReport, lang: str) -> PeriodView:
    """The dashboard's and the pack's view of a period report, in ``lang`` (call it inside
    ``force_locale(lang)`` or a request in that language, for the translated texts)."""
    length, k = len(report.months), report.k
    previous_end = report.previous_end or month_at(month_index(report.start) - 1)
    previous_start = report.previous_start or month_at(month_index(report.start) - length)
    figures = tuple(
        FigureView(
            name=f.name,
            title=figure_title(f.name),
            value=f.value,
            text=range_text(f.value, k),
            previous=f.previous,
            previous_text="" if f.previous is None else range_text(f.previous, k),
            trend=f.trend,
            arrow=ARROWS[f.trend] if f.trend is not None else "",
            words=trend_words(f, length, k),
            note=figure_note(f),
        )
        for f in report.key_figures
    )
    role_groups = tuple(g for g in SERIES if g in report.series)
    role_titles = tuple(role_title(g) for g in role_groups)
    provisional, missing = set(report.provisional), set(report.missing)
    rows = []
    for m in report.months:
        values = tuple(_series_value(report.series.get(g), m) for g in role_groups)
        rows.append(
            MonthRow(
                month=m,
                label=month_label(m, lang),
                provisional=m in provisional,
                missing=m in missing,
                values=values,
                texts=tuple("–" if v is None else range_text(v, k) for v in values),
            )
        )
    # the chart draws the month pages' victims and suspects totals; a hidden or missing month breaks
    # the line (the cases are in the table only)
    charted = [i for i, g in enumerate(role_groups) if g != "cases"]
    trend_chart = line_chart(
        [row.label for row in rows],
        [(role_titles[i], [_point(row.values[i], k) for row in rows]) for i in charted],
        str(gettext("Victims and suspects per month")),
    )
    breakdowns = []
    for dimension in CELL_DIMENSIONS:
        table = report.breakdowns.get(dimension)
        if table is None:
            continue
        listed = tuple(
            BreakdownRow(key, label(dimension, key, lang), value, range_text(value, k))
            for key, value in table.items()
            if value != Range(0, 0)
        )
        title = dimension_title(dimension)
        chart = range_bar_chart(
            [r.label for r in listed], [r.value for r in listed], [r.text for r in listed], title, k=k
        )
        breakdowns.append(BreakdownView(dimension, title, table, listed, chart, range_text(table.total, k)))
    totals = tuple(report.series[g].total for g in role_groups)
    return PeriodView(
        report=report,
        lang=lang,
        title=period_label(report.start, report.end, lang),
        previous_title=period_label(previous_start, previous_end, lang),
        figures=figures,
        role_groups=role_groups,
        role_titles=role_titles,
        months=tuple(rows),
        totals=totals,
        total_texts=tuple(range_text(t, k) for t in totals),
        trend_chart=trend_chart,
        breakdowns=tuple(breakdowns),
        provisional=tuple(month_label(m, lang, long=True) for m in report.provisional),
        missing=tuple(month_label(m, lang, long=True) for m in report.missing),
    )


# -- open proposals and decisions -----------------------------------------------------------------


def proposal_status_label(status: str) -> str:
    labels = {
        "draft": gettext("Draft, being prepared by the Bureau"),
        "submitted": gettext("Submitted to the Cell, awaiting a decision"),
        "decided": gettext("Decided"),
        "withdrawn": gettext("Withdrawn"),
    }
    return str(labels.get(status, status))


def outcome_label(outcome: str) -> str:
    labels = {
        "adopted": gettext("Adopted"),
        "amended": gettext("Adopted with changes"),
        "rejected": gettext("Rejected"),
        "postponed": gettext("Postponed"),
    }
    return str(labels.get(outcome, outcome))


def follow_up_label(status: str) -> str:
    labels = {
        "not_started": gettext("Not started"),
        "in_progress": gettext("In progress"),
        "done": gettext("Done"),
        "dropped": gettext("Dropped"),
    }
    return str(labels.get(status, status))


@dataclass(frozen=True)
class ProposalView:
    id: int
    title: str
    body: str
    status: str
    status_label: str
    month: str  # the month its figures rest on, as a label ("" when none)
    updated: str


@dataclass(frozen=True)
class DecisionView:
    id: int
    proposal_title: str
    decided_on: str
    outcome: str
    outcome_label: str
    text: str
    follow_up_status: str
    follow_up_label: str
    follow_up_note: str


@dataclass(frozen=True)
class OpenItemsView:
    proposals: tuple[ProposalView, ...]
    decisions: tuple[DecisionView, ...]


def _proposal_view(proposal: Proposal, lang: str) -> ProposalView:
    return ProposalView(
        id=proposal.id,
        title=proposal.title,
        body=proposal.body,
        status=proposal.status,
        status_label=proposal_status_label(proposal.status),
        month=month_label(proposal.month, lang, long=True)
        if proposal.month is not None and is_month(proposal.month)
        else "",
        updated=str(format_date(proposal.updated_at.date(), "long", locale=lang)),
    )


def _decision_view(decision: Decision, lang: str) -> DecisionView:
    return DecisionView(
        id=decision.id,
        proposal_title=decision.proposal.title,
        decided_on=str(format_date(decision.decided_on, "long", locale=lang)),
        outcome=decision.outcome,
        outcome_label=outcome_label(decision.outcome),
        text=decision.text,
        follow_up_status=decision.follow_up_status,
        follow_up_label=follow_up_label(decision.follow_up_status),
        follow_up_note=decision.follow_up_note,
    )


def present_open_items(session: Session, lang: str) -> OpenItemsView:
    """The proposals not yet decided or withdrawn, and the decisions whose follow-up is open
    (:func:`ciateh.proposals.open_items`), with translated statuses."""
    items = open_items(session, include_drafts=False)
    return OpenItemsView(
        tuple(_proposal_view(p, lang) for p in items.proposals),
        tuple(_decision_view(d, lang) for d in items.decisions),
    )


# -- the PDF ----------------------------------------------------------------------------------


def _paragraphs(doc: PdfReport, text: str) -> None:
    for part in re.split(r"\n\s*\n", text.strip()):
        if part.strip():
            doc.paragraph(" ".join(part.split()))


def short_trend(figure: FigureView) -> str:
    words = {"up": gettext("Up"), "down": gettext("Down"), "flat": gettext("The same")}
    if figure.trend is None:
        return str(gettext("No comparison") if figure.previous is None else gettext("Cannot tell"))
    return str(words[figure.trend])


def reading_guide(view: PeriodView) -> list[str]:
    k = view.report.k
    guide = [
        gettext(
            "This pack shows the anonymous figures the partners sent to the Centre for the months "
            "%(period)s: persons registered as victims (including presumed victims) or as suspects of "
            "human trafficking, and the cases they belong to.",
            period=view.title,
        ),
        gettext(
            '"<%(k)s" means between 1 and %(small)s persons. The exact number is not shown because it '
            "could single out a person.",
            k=k,
            small=k - 1,
        ),
        gettext(
            '"x" means a number hidden to protect another one: otherwise the hidden number could be '
            "worked out from the totals."
        ),
        gettext(
            "When a whole table, row or column counts fewer than %(k)s persons, all its numbers show "
            '"<%(k)s", zeros included.',
            k=k,
        ),
        gettext(
            "The figures of the period are the monthly figures added up. When a month shows "
            '"<%(k)s" or "x", the sum is not known exactly and is shown as "between 120 and 135", '
            '"at least 120" or "at most 12". Nothing is shown that the monthly figures do not '
            "already tell.",
            k=k,
        ),
        gettext(
            "Trends compare the period with the previous period of the same length (%(previous)s). "
            "An arrow up or down is shown only when the two figures cannot be equal; otherwise the "
            "trend says that it cannot tell.",
            previous=view.previous_title,
        ),
        gettext(
            "A person can be a victim of several forms of exploitation: that table can add up to more "
            "than its total."
        ),
    ]
    if view.provisional:
        guide.append(
            gettext(
                "Provisional months: the Bureau has not approved the figures of %(months)s yet; they "
                "may still change.",
                months=", ".join(view.provisional),
            )
        )
    else:
        guide.append(gettext("The Bureau has approved the figures of every month shown."))
    if view.missing:
        guide.append(gettext("No figures yet for %(months)s.", months=", ".join(view.missing)))
    return [str(text) for text in guide]


def _counts(doc: PdfReport, breakdown: BreakdownView) -> None:
    rows = [[row.label, row.text] for row in breakdown.rows]
    rows.append([str(gettext("Total")), breakdown.total_text])
    doc.table([str(gettext("Category")), str(gettext("Count"))], rows)
    if breakdown.omits_zeros:
        doc.paragraph(str(gettext("Categories without any victim in the period are not listed.")))


def render_pack(view: PeriodView, items: OpenItemsView) -> bytes:
    """The PDF of a period view (translated texts as already in the view, plus those added here)."""
    report = view.report
    doc = PdfReport(
        title=str(gettext("Meeting pack of the Cell")),
        subtitle=view.title,
        footer=str(gettext("ciateh, meeting pack %(start)s to %(end)s", start=report.start, end=report.end)),
    )
    doc.heading(str(gettext("How to read this pack")))
    for text in reading_guide(view):
        doc.paragraph(text)
    doc.page_break()

    doc.heading(str(gettext("Key figures")))
    doc.paragraph(
        str(
            gettext(
                "%(period)s, compared with %(previous)s.", period=view.title, previous=view.previous_title
            )
        )
    )
    doc.table(
        [
            str(gettext("Figure")),
            str(gettext("This period")),
            str(gettext("Previous period")),
            str(gettext("Trend")),
        ],
        [
            [f.title, f.text, "-" if f.previous is None else f.previous_text, short_trend(f)]
            for f in view.figures
        ],
    )
    for f in view.figures:
        if f.note:
            doc.paragraph(f.note)
    doc.heading(str(gettext("Per month")))
    doc.chart(str(view.trend_chart))
    month_rows = [
        [
            row.label
            + (f" ({gettext('provisional')})" if row.provisional else "")
            + (f" ({gettext('no figures')})" if row.missing else ""),
            *("-" if v is None else text for v, text in zip(row.values, row.texts, strict=True)),
        ]
        for row in view.months
    ]
    month_rows.append([str(gettext("Total")), *view.total_texts])
    doc.table([str(gettext("Month")), *view.role_titles], month_rows)

    for breakdown in view.breakdowns:
        doc.page_break()
        doc.heading(breakdown.title)
        _counts(doc, breakdown)
        doc.chart(str(breakdown.chart))

    doc.page_break()
    doc.heading(str(gettext("Open proposals")))
    if not items.proposals:
        doc.paragraph(str(gettext("No open proposal.")))
    for proposal in items.proposals:
        doc.heading(proposal.title, level=3)
        facts = [proposal.status_label, str(gettext("last changed on %(date)s", date=proposal.updated))]
        if proposal.month:
            facts.append(str(gettext("based on the figures of %(month)s", month=proposal.month)))
        doc.paragraph("; ".join(facts) + ".")
        _paragraphs(doc, proposal.body)
    doc.heading(str(gettext("Decisions being followed up")))
    if not items.decisions:
        doc.paragraph(str(gettext("No decision with an open follow-up.")))
    for decision in items.decisions:
        doc.heading(decision.proposal_title, level=3)
        doc.paragraph(
            str(
                gettext(
                    "Decided on %(date)s: %(outcome)s. Follow-up: %(status)s.",
                    date=decision.decided_on,
                    outcome=decision.outcome_label,
                    status=decision.follow_up_label,
                )
            )
        )
        _paragraphs(doc, decision.text)
        if decision.follow_up_note:
            doc.paragraph(str(gettext("Follow-up note:")))
            _paragraphs(doc, decision.follow_up_note)
    return doc.build()


def build_meeting_pack(session: Session, start: str, end: str, *, k: int, lang: str) -> bytes:
    """The meeting pack for ``start``..``end`` (YYYY-MM, at most 60 months) in ``lang``."""
    with force_locale(lang):
        problem = period_problem(start, end)
        if problem is not None:
            raise ValueError(problem)
        report = period_report(session, end, period_length(start, end), k=k)
        return render_pack(present(report, lang), present_open_items(session, lang))


__all__ = [
    "MAX_MONTHS",
    "BreakdownRow",
    "BreakdownView",
    "FigureView",
    "OpenItemsView",
    "PeriodView",
    "build_meeting_pack",
    "is_month",
    "period_length",
    "period_problem",
    "present",
    "present_open_items",
    "reading_guide",
    "render_pack",
]
