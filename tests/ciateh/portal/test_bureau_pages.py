"""The Bureau's pages: months, a month (tables, changes, charts, revisions, approval), drill-downs,
proposals and decisions; bad parameters are 404 pages."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ciateh import snapshots
from ciateh.models import AuditEntry, CaseRecord, Decision, MonthApproval, MonthSnapshot, Proposal
from ciateh.reports import BUREAU_DIMENSIONS
from tests.ciateh.portal.bureau_data import PAGES_MONTHS, form_data, pages_people, store
from tests.ciateh.portal.published import html_charts, html_count_tables, parse_html


@pytest.fixture
def bureau(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> FlaskClient:
    store(session, pages_people(), PAGES_MONTHS)
    return login(make_user("bureau").user)  # type: ignore[attr-defined]


def _html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _add_record(session: Session, month: str, case: str = "late") -> None:
    """One more victim in ``month`` (the data change after a snapshot), of case ``case``."""
    template = session.scalars(select(CaseRecord).where(CaseRecord.registered_month == month)).first()
    assert template is not None
    session.add(
        CaseRecord(
            partner_id=template.partner_id, record_key=secrets.token_hex(32), case_key=case, role="victim",
            offence="trafficking", registered_month=month, labour_sector="unknown", sex="female",
            age_band="unknown", minor_at_exploitation="no", nationality="RO", province="unknown",
            recruiter_relation="unknown", protection_stage="unknown", judicial_stage="unknown",
            anonymiser_version="0.1.0", policy_version="2025.1", batch_id=template.batch_id,
        )
    )  # fmt: skip
    session.commit()


# -- months --------------------------------------------------------------------------------------


def test_months_lists_every_month_with_its_state(bureau: FlaskClient) -> None:
    root = parse_html(_html(bureau, "/bureau/"))
    rows = {
        r.attrs["data-month"]: r
        for r in root.find("table", id="months").find_all("tr")
        if "data-month" in r.attrs
    }
    assert list(rows) == ["2024-12", "2024-11", "2024-10", "2023-11"]  # newest first
    assert "no snapshot yet" in rows["2024-12"].text()
    assert rows["2024-11"].find("a").attrs["href"] == "/bureau/month/2024-11"
    assert " 1 " in f" {rows['2024-11'].find_all('td')[0].text().strip()} "
    assert "No" in rows["2024-11"].find_all("td")[1].text()


def test_months_shows_approval_and_changed_data(bureau: FlaskClient, session: Session) -> None:
    snapshots.approve_month(session, "2024-11", "user:someone")
    session.commit()
    _add_record(session, "2024-11")
    root = parse_html(_html(bureau, "/bureau/"))
    row = next(r for r in root.find_all("tr") if r.attrs.get("data-month") == "2024-11")
    cells = row.find_all("td")
    assert "revision 1" in cells[1].text() and "user:someone" in cells[1].text()
    assert cells[2].text().startswith("Yes")


# -- the month page ------------------------------------------------------------------------------


def test_month_page_shows_every_dimension_protected_with_charts(bureau: FlaskClient) -> None:
    html = _html(bureau, "/bureau/month/2024-11")
    tables = html_count_tables(html)
    assert [t.dimension for t in tables.values()] == list(BUREAU_DIMENSIONS)
    assert len(html_charts(html)) == len(BUREAU_DIMENSIONS)
    forms = tables["table-exploitation_form"]
    assert forms.count("sexual") == "12" and forms.count("domestic_servitude") == "<5"
    root = parse_html(html)
    suppressed = root.find("table", id="table-exploitation_form").find_all("td", cls="suppressed")
    assert [c.text() for c in suppressed] == ["<5"]
    nationality = tables["table-nationality"]
    assert len(nationality.keys) <= 11 and nationality.keys[-1] == "_rest"
    for element in ("export-csv", "export-xlsx", "export-pdf", "approve-month", "revision", "key-totals"):
        assert root.find_all(id=element), element
    assert root.find("a", id="export-xlsx").attrs["href"] == "/bureau/month/2024-11/export.xlsx?role=victims"
    # the labels' chart values are the table's
    sex_chart = html_charts(html)[BUREAU_DIMENSIONS.index("sex")]
    assert sex_chart[:2] == [("Female", "12"), ("Male", "10")]
    assert "<script" not in html and "style=" not in html


def test_month_page_shows_the_changes_of_each_category(bureau: FlaskClient) -> None:
    # 2024-11: 12 female, 10 male; 2024-10: 10 and 7; 2023-11: 6 and 9
    root = parse_html(_html(bureau, "/bureau/month/2024-11"))
    figure = root.find(id="figure-total")
    assert figure.find(cls="value").text() == "22"
    assert figure.find(cls="change-previous").text() == "+5"
    assert figure.find(cls="change-year").text() == "+7"
    sex = html_count_tables(_html(bureau, "/bureau/month/2024-11"))["table-sex"]
    assert sex.changes["female"] == ("+2", "+6")
    assert sex.changes["male"] == ("+3", "+1")
    forms = html_count_tables(_html(bureau, "/bureau/month/2024-11"))["table-exploitation_form"]
    assert forms.changes["domestic_servitude"] == ("n/a", "n/a")


def test_month_page_of_suspects(bureau: FlaskClient) -> None:
    html = _html(bureau, "/bureau/month/2024-11?role=suspects")
    root = parse_html(html)
    assert root.find(id="role-suspects").tag == "strong"
    assert root.find(id="role-victims").attrs["href"] == "/bureau/month/2024-11?role=victims"
    assert html_count_tables(html)["table-sex"].count("male") == "6"
    assert root.find("a", id="export-pdf").attrs["href"].endswith("export.pdf?role=suspects")


def test_category_rows_link_to_their_drill_down(bureau: FlaskClient) -> None:
    root = parse_html(_html(bureau, "/bureau/month/2024-11"))
    row = next(
        r for r in root.find("table", id="table-sex").find_all("tr") if r.attrs.get("data-key") == "female"
    )
    href = row.find("a").attrs["href"]
    assert (
        href == "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=exploitation_form"
    )
    zero = next(
        r for r in root.find("table", id="table-sex").find_all("tr") if r.attrs.get("data-key") == "other"
    )
    assert not zero.find_all("a")  # nothing to drill into


def test_drill_down_is_a_row_of_the_crosstab_and_offers_every_other_dimension(bureau: FlaskClient) -> None:
    html = _html(
        bureau, "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=nationality"
    )
    table = html_count_tables(html)["drilldown-table"]
    assert table.dimension == "nationality"
    assert table.total == "12"  # the category's count on the month page
    month = html_count_tables(_html(bureau, "/bureau/month/2024-11"))
    assert table.keys == month["table-nationality"].keys
    root = parse_html(html)
    options = [o.attrs["value"] for o in root.find("select", id="by").find_all("option")]
    assert options == [d for d in BUREAU_DIMENSIONS if d != "sex"]
    assert root.find("option", value="nationality").attrs.get("selected") is not None
    assert len(html_charts(html)) == 1
    # the nationality "Other" row can be drilled into too
    rest = _html(
        bureau, "/bureau/month/2024-11/drilldown?role=victims&dimension=nationality&code=_rest&by=sex"
    )
    assert html_count_tables(rest)["drilldown-table"].total == month["table-nationality"].count("_rest")


def test_the_role_switch_of_a_drill_down_stays_on_it_where_it_can(bureau: FlaskClient) -> None:
    html = _html(bureau, "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=province")
    link = parse_html(html).find("a", id="role-suspects").attrs["href"]
    assert link == "/bureau/month/2024-11/drilldown?role=suspects&dimension=sex&code=female&by=province"
    _html(bureau, link)
    # no suspect came from the partner "insp": the switch goes to the suspects' month page
    html = _html(bureau, "/bureau/month/2024-11/drilldown?role=victims&dimension=partner&code=insp&by=sex")
    assert (
        parse_html(html).find("a", id="role-suspects").attrs["href"] == "/bureau/month/2024-11?role=suspects"
    )
    tables = html_count_tables(_html(bureau, "/bureau/month/2024-11?role=suspects"))
    assert tables["table-partner"].keys == ("pol",)


@pytest.mark.parametrize(
    "url",
    [
        "/bureau/month/2024-13",
        "/bureau/month/2024-1",
        "/bureau/month/abcd-ef",
        "/bureau/month/2024-11?role=all",
        "/bureau/month/2024-11?revision=0",
        "/bureau/month/2024-11?revision=9",
        "/bureau/month/2024-11?revision=x",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=sex",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=role&code=victim&by=sex",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=nobody&by=province",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=offence",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=nationality&code=PH&by=sex",  # in "Other"
        "/bureau/month/2024-12/drilldown?role=victims&dimension=sex&code=female&by=province",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=female&by=province&revision=3",
    ],
)
def test_bad_parameters_are_a_404_page(bureau: FlaskClient, url: str) -> None:
    response = bureau.get(url)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_month_with_records_but_no_snapshot_says_so_and_approving_builds_it(
    bureau: FlaskClient, session: Session
) -> None:
    html = _html(bureau, "/bureau/month/2024-12")
    root = parse_html(html)
    assert root.find_all(id="no-snapshot")
    assert root.find("button", id="approve-month")
    response = bureau.post("/bureau/month/2024-12/approve", data=form_data(html, role="victims"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/bureau/month/2024-12?role=victims"
    page = _html(bureau, "/bureau/month/2024-12")
    assert "approved by user:bureau-" in parse_html(page).find(id="approval-status").text()
    assert "2024-12 approved (revision 1)." in page
    assert not parse_html(page).find_all(id="approve-month")
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "snapshot.approved")).all()
    assert entry.details["month"] == "2024-12"
    assert (
        session.scalars(
            select(AuditEntry).where(AuditEntry.details["endpoint"].as_string() == "bureau.approve")
        ).all()
        == []
    )


def test_a_month_without_records_has_nothing_to_approve(bureau: FlaskClient, session: Session) -> None:
    html = _html(bureau, "/bureau/month/2019-01")
    root = parse_html(html)
    assert root.find_all(id="no-records") and not root.find_all(id="approve-month")
    bureau.post("/bureau/month/2019-01/approve", data=form_data(html))
    assert "nothing to approve" in _html(bureau, "/bureau/month/2019-01")
    assert (
        session.scalar(
            select(func.count()).select_from(MonthSnapshot).where(MonthSnapshot.month == "2019-01")
        )
        == 0
    )


def test_approving_needs_the_csrf_token_and_the_bureau_role(
    bureau: FlaskClient, make_user: Callable[..., object], login: Callable[..., FlaskClient], session: Session
) -> None:
    assert bureau.post("/bureau/month/2024-11/approve", data={"role": "victims"}).status_code == 400
    cell = login(make_user("cell").user)  # type: ignore[attr-defined]
    assert cell.get("/bureau/month/2024-11").status_code == 403
    assert session.scalar(select(func.count()).select_from(MonthApproval)) == 0


def test_changed_data_and_revisions_are_shown_never_silently(bureau: FlaskClient, session: Session) -> None:
    html = _html(bureau, "/bureau/month/2024-11")
    bureau.post("/bureau/month/2024-11/approve", data=form_data(html, role="victims"))
    page = parse_html(_html(bureau, "/bureau/month/2024-11"))
    assert not page.find_all(id="data-changed") and not page.find_all(id="approve-month")

    _add_record(session, "2024-11")
    page = parse_html(_html(bureau, "/bureau/month/2024-11"))
    assert page.find_all(id="data-changed")
    assert page.find_all(id="approve-month")  # approving again builds the new revision
    assert html_count_tables(_html(bureau, "/bureau/month/2024-11"))["table-sex"].count("female") == "12"

    snapshots.build_snapshot(session, "2024-11", "job:monthly")  # the scheduler, say
    session.commit()
    # one person more: revision 2 is held back (the difference would single them out)
    page = parse_html(_html(bureau, "/bureau/month/2024-11"))
    assert "Revision 1" in page.find(id="revision").text() and page.find_all(id="withheld-revision")
    assert "2 (not shown yet)" in page.find(id="revision").text()
    _html(bureau, "/bureau/month/2024-11?revision=2", 404)
    for n in range(4):  # five late victims alike: revision 3 changes every number by 0 or 5
        _add_record(session, "2024-11", f"late-{n}")
    snapshots.build_snapshot(session, "2024-11", "job:monthly")
    session.commit()
    html = _html(bureau, "/bureau/month/2024-11")
    page = parse_html(html)
    assert "Revision 3" in page.find(id="revision").text()
    assert page.find_all(id="newer-revision") and not page.find_all(id="withheld-revision")
    assert "provisional" in page.find(id="approval-status").text()
    assert html_count_tables(html)["table-sex"].count("female") == "17"

    old = _html(bureau, "/bureau/month/2024-11?revision=1")
    assert parse_html(old).find_all(id="older-revision")
    assert "approved by user:bureau-" in parse_html(old).find(id="approval-status").text()
    assert html_count_tables(old)["table-sex"].count("female") == "12"
    assert parse_html(old).find("a", id="export-csv").attrs["href"].endswith("role=victims&revision=1")

    bureau.post("/bureau/month/2024-11/approve", data=form_data(html, role="suspects"))
    page = parse_html(_html(bureau, "/bureau/month/2024-11"))
    assert not page.find_all(id="newer-revision") and not page.find_all(id="data-changed")
    assert (
        session.scalar(
            select(func.count()).select_from(MonthSnapshot).where(MonthSnapshot.month == "2024-11")
        )
        == 3
    )


def test_page_views_are_audited_with_their_arguments(bureau: FlaskClient, session: Session) -> None:
    _html(bureau, "/bureau/month/2024-11/drilldown?role=suspects&dimension=sex&code=male&by=province")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "portal.view")).all()[-1]
    assert entry.details["endpoint"] == "bureau.drilldown"
    assert entry.details["month"] == "2024-11"
    assert entry.details["arg.by"] == "province" and entry.details["arg.role"] == "suspects"


def test_the_month_page_speaks_the_users_language(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    store(session, pages_people(), PAGES_MONTHS)
    client = login(make_user("bureau", language="fr").user)  # type: ignore[attr-defined]
    html = _html(client, "/bureau/month/2024-11")
    assert html_count_tables(html)["table-sex"].labels["female"] == "Femme"
    assert html_charts(html)[BUREAU_DIMENSIONS.index("sex")][0][0] == "Femme"


# -- proposals and decisions ---------------------------------------------------------------------


def test_proposal_decision_and_follow_up_through_the_pages(bureau: FlaskClient, session: Session) -> None:
    html = _html(bureau, "/bureau/proposals")
    assert parse_html(html).find_all(id="no-proposals")
    form = _html(bureau, "/bureau/proposals/new?month=2024-11")
    assert 'value="2024-11"' in form
    response = bureau.post(
        "/bureau/proposals/new",
        data=form_data(
            form, title="Joint inspections in car washes", body="Labour exploitation rose.", month="2024-11"
        ),
    )
    assert response.status_code == 302
    proposal = session.scalars(select(Proposal)).one()
    assert response.headers["Location"] == f"/bureau/proposals/{proposal.id}"
    assert proposal.created_by.startswith("user:bureau-")

    edit = _html(bureau, f"/bureau/proposals/{proposal.id}")
    assert "Joint inspections in car washes" in edit
    response = bureau.post(
        f"/bureau/proposals/{proposal.id}",
        data=form_data(edit, title="Joint inspections in car washes", body="Labour exploitation rose.",
                       month="2024-11", status="submitted"),
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh(proposal)
    assert proposal.status == "submitted"

    page = _html(bureau, f"/bureau/proposals/{proposal.id}/decision")
    response = bureau.post(
        f"/bureau/proposals/{proposal.id}/decision",
        data=form_data(page, decided_on="2025-03-12", outcome="amended", text="Adopted for two provinces."),
    )
    assert response.status_code == 302
    decision = session.scalars(select(Decision)).one()
    session.refresh(proposal)
    assert proposal.status == "decided" and decision.outcome == "amended"

    page = _html(bureau, f"/bureau/decisions/{decision.id}")
    assert "Adopted for two provinces." in page
    response = bureau.post(
        f"/bureau/decisions/{decision.id}",
        data=form_data(page, status="in_progress", note="Planned for May."),
    )
    assert response.status_code == 302
    session.refresh(decision)
    assert (decision.follow_up_status, decision.follow_up_note) == ("in_progress", "Planned for May.")

    listing = parse_html(_html(bureau, "/bureau/proposals"))
    row = listing.find("tr", data_id=str(proposal.id))
    assert row.attrs["data-status"] == "decided"
    assert "Adopted with amendments" in row.text() and "In progress" in row.text()
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    for action in ("proposal.created", "proposal.updated", "decision.recorded", "decision.follow_up"):
        assert action in actions


def test_personal_data_in_a_proposal_is_refused_with_types_and_offsets(
    bureau: FlaskClient, session: Session
) -> None:
    form = _html(bureau, "/bureau/proposals/new")
    body = "Ask Marie Dubois on +32 475 12 34 56."
    response = bureau.post("/bureau/proposals/new", data=form_data(form, title="Inspections", body=body))
    assert response.status_code == 200
    errors = parse_html(response.get_data(as_text=True)).find(id="body-errors").text()
    assert "PERSON at characters 4–16" in errors and "PHONE at characters 20–36" in errors
    assert "Nothing was stored" in errors
    assert "Marie" not in errors and "475" not in errors
    assert session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_form_checks_and_missing_objects(bureau: FlaskClient) -> None:
    form = _html(bureau, "/bureau/proposals/new")
    response = bureau.post("/bureau/proposals/new", data=form_data(form, title="", body="x", month="2024-13"))
    assert response.status_code == 200
    root = parse_html(response.get_data(as_text=True))
    assert root.find_all(id="title-errors") and root.find_all(id="month-errors")
    assert (
        bureau.post("/bureau/proposals/new", data={"title": "t", "body": "b"}).status_code == 400
    )  # no CSRF
    for url in ("/bureau/proposals/999999", "/bureau/proposals/999999/decision", "/bureau/decisions/999999"):
        assert bureau.get(url).status_code == 404


def test_other_roles_cannot_open_the_bureaus_pages(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient], client: FlaskClient
) -> None:
    assert client.get("/bureau/proposals").status_code == 302  # to the login page
    for role in ("cell", "partner", "admin"):
        signed_in = login(make_user(role).user)  # type: ignore[attr-defined]
        for url in ("/bureau/", "/bureau/proposals", "/bureau/month/2024-11/export.csv"):
            assert signed_in.get(url).status_code == 403, (role, url)


def test_no_page_has_inline_script_or_style(bureau: FlaskClient, session: Session) -> None:
    from ciateh import proposals

    proposal = proposals.create_proposal(session, "Inspections", "More inspections.", "user:b")
    session.commit()
    for url in (
        "/bureau/",
        "/bureau/month/2024-11?role=suspects",
        "/bureau/month/2024-12",
        "/bureau/month/2024-11/drilldown?role=victims&dimension=sex&code=male&by=partner",
        "/bureau/proposals",
        "/bureau/proposals/new",
        f"/bureau/proposals/{proposal.id}",
        f"/bureau/proposals/{proposal.id}/decision",
    ):
        html = _html(bureau, url)
        assert "<script" not in html and "style=" not in html and " on" + "click=" not in html, url


def test_every_template_text_is_translatable() -> None:
    """No bare English sentence outside ``_()`` in the Bureau's templates (a rough check: text
    nodes with letters, outside Jinja expressions and tags)."""
    from pathlib import Path

    import ciateh.portal

    folder = Path(ciateh.portal.__file__).parent / "templates" / "bureau"
    for path in folder.glob("*.html"):
        text = path.read_text()
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
        text = re.sub(r"\{[{%].*?[%}]\}", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        words = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in {"CSV", "XLSX", "PDF"}]
        assert words == [], f"{path.name}: {words[:10]}"
