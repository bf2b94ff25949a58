"""The Cell's dashboard: the period (12/24/36 months ending with the latest snapshot, or ``end``),
key figures with trends, victims and suspects per month, the breakdowns, provisional and missing
months, the open proposals and decisions, and the meeting pack link; all from ``period_report``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ciateh import proposals
from ciateh.aggregates import label
from ciateh.aggregates.bounds import Range
from ciateh.models import AuditEntry
from ciateh.reports import CELL_DIMENSIONS, period_report
from tests.ciateh.portal.cell_pages import (
    bar_values,
    figures,
    html_table,
    load,
    months,
    parse_html,
    shown,
)

ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}


@pytest.fixture
def cell_client(make_user: Callable[..., object], login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(make_user("cell").user)  # type: ignore[attr-defined]


def two_years(session: Session, approve: int = 20) -> list[str]:
    """Two years of persons, 2023-01 to 2024-12, the first ``approve`` months approved."""
    span = months("2023-01", "2024-12")
    load(session, {m: 3 + (i * 7) % 9 for i, m in enumerate(span)}, approve=span[:approve])
    return span


def test_the_dashboard_shows_the_twelve_months_ending_with_the_latest_snapshot(
    app: Flask, session: Session, cell_client: FlaskClient
) -> None:
    span = two_years(session)
    response = cell_client.get("/cell/")
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    report = period_report(session, "2024-12", 12, k=app.config["SUPPRESSION_K"])
    assert report.months == tuple(span[12:])

    assert page.find(id="period").text() == "January 2024 – December 2024"
    assert page.find("a", id="period-12").attrs.get("aria-current") == "page"
    # key figures: the summed value, the arrow and words for the trend against 2023
    printed = figures(page)
    assert list(printed) == ["victims", "suspects", "minor_victims", "cases"]
    for figure in report.key_figures:
        value, trend = printed[figure.name]
        assert value == shown(figure.value)
        assert figure.previous is not None  # 2023 is complete
        if figure.trend is None:  # the two ranges overlap
            assert trend.startswith("Previous 12 months: " + shown(figure.previous))
            assert "Cannot tell whether it went up or down" in trend
            continue
        assert trend.startswith(ARROWS[figure.trend])
        if figure.trend != "flat":
            assert shown(figure.previous) in trend and "previous 12 months" in trend
    # months of 3 or 4 victims show "<5": the victims total is a range, and so is the previous one
    assert shown(report.key_figure("victims").value).startswith("between ")
    # victims and suspects per month: a line chart and its table
    svgs = page.find_all("svg", "chart")
    assert len(svgs) == 1 + len(CELL_DIMENSIONS)
    assert svgs[0].find("title").text() == "Victims and suspects per month"
    per_month = html_table(page, "month")
    assert list(per_month.rows) == list(report.months)
    columns = ("victims", "suspects", "cases")
    for i, month in enumerate(report.months):
        assert per_month.rows[month] == tuple(shown(report.series[c].values[i]) for c in columns)
    assert per_month.total == tuple(shown(report.series[c].total) for c in columns)
    assert per_month.total[:2] == (shown(report.key_figure("victims").value), printed["suspects"][0])
    # the breakdowns: the summed ranges (categories known to be 0 left out) and their bar charts
    for dimension, svg in zip(CELL_DIMENSIONS, svgs[1:], strict=True):
        table = report.breakdowns[dimension]
        listed = html_table(page, dimension)
        expected = {key: (shown(value),) for key, value in table.items() if value != Range(0, 0)}
        assert listed.rows == expected
        assert listed.total == (shown(table.total),)
        assert bar_values(svg) == [v for (v,) in expected.values()]
        row = page.find("tr", data_key=next(iter(expected)))
        assert label(dimension, next(iter(expected)), "en") in row.text()
    # 2024-09 .. 2024-12 are not approved: provisional
    assert page.find(id="provisional").text() == (
        "Provisional, not yet approved by the Bureau: September 2024, October 2024, November 2024, "
        "December 2024."
    )
    assert not page.find_all(id="missing")
    pack = page.find("a", id="meeting-pack")
    assert pack.attrs["href"] == "/cell/meeting-pack.pdf?from=2024-01&to=2024-12"


def test_the_period_can_be_longer_or_end_earlier(session: Session, cell_client: FlaskClient) -> None:
    two_years(session)
    page = parse_html(cell_client.get("/cell/?months=24").get_data(as_text=True))
    assert page.find(id="period").text() == "January 2023 – December 2024"
    assert page.find("a", id="period-24").attrs.get("aria-current") == "page"
    assert len(html_table(page, "month").rows) == 24
    # no earlier snapshot: nothing to compare with
    assert all("No comparison" in trend for _value, trend in figures(page).values())

    page = parse_html(cell_client.get("/cell/?months=36").get_data(as_text=True))
    missing = page.find(id="missing").text()
    assert missing.startswith("No figures yet for: January 2022, February 2022,")
    assert "December 2022." in missing and "2023" not in missing
    assert html_table(page, "month").rows["2022-05"] == ("–", "–", "–")

    page = parse_html(cell_client.get("/cell/?end=2023-06").get_data(as_text=True))
    assert page.find(id="period").text() == "July 2022 – June 2023"
    assert page.find("a", id="meeting-pack").attrs["href"] == "/cell/meeting-pack.pdf?from=2022-07&to=2023-06"
    assert not page.find_all(id="provisional")  # every month of 2023 up to June is approved


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("months=13", "The period is 12, 24 or 36 months."),
        ("months=abc", "The period is 12, 24 or 36 months."),
        ("end=2024-13", "A month is written as year-month, for example 2024-11."),
        ("end=24-01", "A month is written as year-month, for example 2024-11."),
        ("end=2024-01-01", "A month is written as year-month, for example 2024-11."),
    ],
)
def test_a_bad_period_is_a_clear_400_page(
    session: Session, cell_client: FlaskClient, query: str, message: str
) -> None:
    response = cell_client.get(f"/cell/?{query}")
    assert response.status_code == 400
    assert parse_html(response.get_data(as_text=True)).find(id="problem").text() == message


def test_without_any_snapshot_the_dashboard_says_so(session: Session, cell_client: FlaskClient) -> None:
    response = cell_client.get("/cell/")
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    assert page.find(id="no-figures")
    assert not page.find_all("svg") and not page.find_all(id="meeting-pack")
    # a period without any snapshot: said too, no error
    page = parse_html(cell_client.get("/cell/?end=2020-12").get_data(as_text=True))
    assert page.find(id="no-data")


def test_open_proposals_and_decisions_are_listed_with_their_follow_up(
    session: Session, cell_client: FlaskClient
) -> None:
    load(session, {"2024-11": 6})
    draft = proposals.create_proposal(session, "Meer controles in carwashes", "Tekst.", "user:b")
    submitted = proposals.create_proposal(session, "Opvang uitbreiden", "Tekst.", "user:b", month="2024-11")
    proposals.update_proposal(
        session, submitted.id, title=submitted.title, body="Tekst.", status="submitted", month="2024-11",
        actor="user:b",
    )  # fmt: skip
    decided = proposals.create_proposal(session, "Opleiding inspecteurs", "Tekst.", "user:b")
    decision = proposals.record_decision(session, decided.id, date(2024, 12, 12), "adopted", "Ja.", "user:b")
    proposals.update_follow_up(session, decision.id, "in_progress", "Gestart.", "user:b")
    closed = proposals.create_proposal(session, "Afgesloten voorstel", "Tekst.", "user:b")
    done = proposals.record_decision(session, closed.id, date(2024, 12, 12), "rejected", "Nee.", "user:b")
    proposals.update_follow_up(session, done.id, "done", "", "user:b")
    session.commit()

    page = parse_html(cell_client.get("/cell/").get_data(as_text=True))
    listed = {li.attrs["data-proposal"]: li for li in page.find(id="open-proposals").find_all("li")}
    # a draft is the Bureau's until it is submitted: the Cell does not see it
    assert set(listed) == {str(submitted.id)}, f"draft {draft.id} must not be listed"
    assert "Submitted to the Cell, awaiting a decision" in listed[str(submitted.id)].text()
    assert "based on the figures of November 2024" in listed[str(submitted.id)].text()
    followed = page.find(id="open-decisions").find_all("li")
    assert [li.attrs["data-decision"] for li in followed] == [str(decision.id)]
    text = followed[0].text()
    assert "Opleiding inspecteurs" in text and "Adopted" in text and "Follow-up: In progress" in text
    assert "Gestart." in text
    assert "Afgesloten voorstel" not in page.text()


def test_the_bureau_sees_the_dashboard_others_do_not(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient], client: FlaskClient
) -> None:
    load(session, {"2024-11": 6})
    assert client.get("/cell/").status_code == 302
    assert client.get("/cell/meeting-pack.pdf?from=2024-11&to=2024-11").status_code == 302
    for role, status in (("bureau", 200), ("partner", 403), ("admin", 403)):
        signed_in = login(make_user(role).user)  # type: ignore[attr-defined]
        assert signed_in.get("/cell/").status_code == status, role
        assert signed_in.get("/cell/meeting-pack.pdf?from=2024-11&to=2024-11").status_code == status


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_labels_and_months_follow_the_users_language(
    language: str, session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    load(session, {"2024-10": 9, "2024-11": 12})
    client = login(make_user("cell", language=language).user)  # type: ignore[attr-defined]
    page = parse_html(client.get("/cell/").get_data(as_text=True))
    assert page.find("html").attrs["lang"] == language
    assert (
        page.find(id="period").text()
        == {"nl": "december 2023 – november 2024", "fr": "décembre 2023 – novembre 2024"}[language]
    )
    labour = page.find("table", data_dimension="exploitation_form").find("tr", data_key="labour")
    assert label("exploitation_form", "labour", language) in labour.text()


def test_views_and_downloads_are_audited_with_the_period(session: Session, cell_client: FlaskClient) -> None:
    load(session, {"2024-11": 6})
    cell_client.get("/cell/?months=24")
    cell_client.get("/cell/meeting-pack.pdf?from=2024-01&to=2024-11")
    session.rollback()
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    view = [e for e in entries if e.action == "portal.view" and e.details.get("endpoint") == "cell.dashboard"]
    export = [e for e in entries if e.action == "portal.export"]
    assert view[-1].details["arg.months"] == "24"
    assert export[-1].details["endpoint"] == "cell.meeting_pack"
    assert (export[-1].details["arg.from"], export[-1].details["arg.to"]) == ("2024-01", "2024-11")
