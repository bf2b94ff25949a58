"""The Cell's meeting pack: a PDF for a chosen period with a reading guide, the key figures and
their trends, the charts (the dashboard's SVG), the breakdowns and the open proposals and decisions;
the same numbers as the dashboard; a clear 400 page for a period it cannot cover."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from ciateh import proposals
from ciateh.aggregates import label
from ciateh.aggregates.bounds import Range
from ciateh.exports.meeting_pack import build_meeting_pack
from ciateh.reports import CELL_DIMENSIONS, period_report
from tests.ciateh.portal.cell_pages import (
    figures,
    html_table,
    load,
    months,
    parse_html,
    pdf_lines,
    pdf_table,
    pdf_text,
    shown,
)

TRENDS = {"up": "Up", "down": "Down", "flat": "The same", None: "Cannot tell"}
FIGURE_TITLES = {
    "victims": "Victims",
    "suspects": "Suspects",
    "minor_victims": "Victims who were minors",
    "cases": "Cases",
}


@pytest.fixture
def cell_client(make_user: Callable[..., object], login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(make_user("cell").user)  # type: ignore[attr-defined]


@pytest.fixture
def two_years(session: Session) -> list[str]:
    span = months("2023-01", "2024-12")
    load(session, {m: 3 + (i * 5) % 11 for i, m in enumerate(span)}, approve=span[:21], seed=11)
    return span


def download(client: FlaskClient, start: str, end: str) -> bytes:
    response = client.get(f"/cell/meeting-pack.pdf?from={start}&to={end}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ciateh-meeting-pack-{start}-{end}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    return response.data


def test_the_pack_holds_the_guide_figures_charts_breakdowns_and_open_items(
    app: Flask, session: Session, cell_client: FlaskClient, two_years: list[str]
) -> None:
    submitted = proposals.create_proposal(session, "Opvang uitbreiden", "Eerste alinea.\n\nTweede.", "user:b")
    proposals.update_proposal(
        session, submitted.id, title=submitted.title, body=submitted.body, status="submitted", month=None,
        actor="user:b",
    )  # fmt: skip
    decided = proposals.create_proposal(session, "Opleiding inspecteurs", "Tekst.", "user:b")
    proposals.record_decision(
        session, decided.id, date(2024, 12, 12), "amended", "Met wijzigingen.", "user:b"
    )
    session.commit()

    data = download(cell_client, "2024-01", "2024-12")
    report = period_report(session, "2024-12", 12, k=app.config["SUPPRESSION_K"])
    lines, text = pdf_lines(data), pdf_text(data)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 5

    # the cover: title, period and the reading guide in plain words
    assert lines[1:3] == ["Meeting pack of the Cell", "January 2024 - December 2024"]
    assert '"<5" means between 1 and 4 persons.' in text
    assert '"x" means a number hidden to protect another one' in text
    assert "previous period of the same length (January 2023 - December 2023)" in text
    assert (
        "Provisional months: the Bureau has not approved the figures of October 2024, November 2024, "
        "December 2024 yet" in text
    )
    # the key figures with their trend in words
    table = pdf_table(lines, ["Figure", "This period", "Previous period", "Trend"], ["Victims"], 3)
    assert list(table) == ["Victims"]  # the other rows have other titles: read them one by one
    for figure in report.key_figures:
        title = FIGURE_TITLES[figure.name]
        at = lines.index(title, lines.index("Key figures"))
        assert figure.previous is not None
        assert lines[at + 1 : at + 4] == [shown(figure.value), shown(figure.previous), TRENDS[figure.trend]]
    assert "Cases are counted month by month" in text
    # the trend chart (the dashboard's SVG: its title and month labels are drawn into the PDF)
    chart_at = lines.index("Victims and suspects per month")
    assert lines[chart_at + 1 :].index("Jan 2024") < 12
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    month_labels = [f"{n} 2024" + (" (provisional)" if n in ("Oct", "Nov", "Dec") else "") for n in names]
    per_month = pdf_table(lines, ["Month", "Victims", "Suspects", "Cases"], month_labels, 3)
    assert list(per_month) == [*month_labels, "Total"]
    series = [report.series["victims"], report.series["suspects"], report.series["cases"]]
    for i, name in enumerate(month_labels):
        assert per_month[name] == [shown(t.values[i]) for t in series]
    assert per_month["Total"] == [shown(t.total) for t in series]
    # the breakdowns, as tables and as bar charts
    for dimension in CELL_DIMENSIONS:
        protected = report.breakdowns[dimension]
        expected = {
            label(dimension, key, "en"): [shown(value)]
            for key, value in protected.items()
            if value != Range(0, 0)
        }
        rows = pdf_table(lines, ["Category", "Count"], list(expected), 1)
        assert rows == {**expected, "Total": [shown(protected.total)]}
        assert lines.count(next(iter(expected))) >= 2  # in the table and in the bar chart
    # the open items
    after = lines[lines.index("Open proposals") :]
    assert "Opvang uitbreiden" in after and "Eerste alinea." in after and "Tweede." in after
    assert "Submitted to the Cell, awaiting a decision; last changed on" in text
    assert "Decisions being followed up" in after and "Opleiding inspecteurs" in after
    assert "Decided on December 12, 2024: Adopted with changes. Follow-up: Not started." in text


def test_the_pack_shows_the_dashboards_numbers(
    session: Session, cell_client: FlaskClient, two_years: list[str]
) -> None:
    page = parse_html(cell_client.get("/cell/?months=12").get_data(as_text=True))
    href = page.find("a", id="meeting-pack").attrs["href"]
    response = cell_client.get(href)
    assert response.status_code == 200
    lines = pdf_lines(response.data)
    for name, (value, _trend) in figures(page).items():
        at = lines.index(FIGURE_TITLES[name], lines.index("Key figures"))
        assert lines[at + 1] == value
    for dimension in CELL_DIMENSIONS:
        table = html_table(page, dimension)
        labels = [page.find("table", data_dimension=dimension).find("tr", data_key=key).find("th").text()
                  for key in table.rows]  # fmt: skip
        rows = pdf_table(lines, ["Category", "Count"], labels, 1)
        assert [v for (v,) in table.rows.values()] + [table.total[0]] == [v for (v,) in rows.values()]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose the first and the last month of the period."),
        ("from=2024-01", "Choose the first and the last month of the period."),
        ("from=2024-1&to=2024-02", "A month is written as year-month, for example 2024-11."),
        ("from=2024-01&to=2024-13", "A month is written as year-month, for example 2024-11."),
        ("from=jan&to=2024-02", "A month is written as year-month, for example 2024-11."),
        ("from=2024-05&to=2024-04", "The first month must not come after the last month."),
        ("from=2019-12&to=2024-12", "A meeting pack covers at most 60 months."),
    ],
)
def test_a_period_the_pack_cannot_cover_is_a_clear_400_page(
    session: Session, cell_client: FlaskClient, query: str, message: str
) -> None:
    response = cell_client.get(f"/cell/meeting-pack.pdf?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert parse_html(response.get_data(as_text=True)).find(id="problem").text() == message


def test_sixty_months_and_a_single_month_are_fine(session: Session, cell_client: FlaskClient) -> None:
    load(session, {"2024-11": 7})
    long = pdf_text(download(cell_client, "2020-01", "2024-12"))
    assert "January 2020 - December 2024" in long
    assert "No figures yet for January 2020, February 2020," in long
    single = pdf_lines(download(cell_client, "2024-11", "2024-11"))
    assert single[2] == "November 2024"


def test_the_pack_is_in_the_users_language(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    load(session, {"2024-10": 9, "2024-11": 12})
    client = login(make_user("cell", language="fr").user)  # type: ignore[attr-defined]
    lines = pdf_lines(download(client, "2024-10", "2024-11"))
    assert "octobre 2024 - novembre 2024" in lines
    assert label("exploitation_form", "labour", "fr") in lines


def test_the_service_builds_without_a_request(app: Flask, session: Session) -> None:
    load(session, {"2024-11": 7})
    data = build_meeting_pack(session, "2024-06", "2024-11", k=5, lang="nl")
    assert "juni 2024 - november 2024" in pdf_lines(data)
    with pytest.raises(ValueError, match="first month"):
        build_meeting_pack(session, "2024-11", "2024-06", k=5, lang="en")
