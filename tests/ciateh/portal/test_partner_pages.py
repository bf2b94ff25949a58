"""A partner's own batches: the list (own organisation only, newest first, paginated) and the
per-record outcomes (index, outcome, field, entity type, offsets; never a value)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh.models import Batch, Partner
from ciateh.portal.partner import BATCHES_PER_PAGE, OUTCOMES_PER_PAGE
from tests.ciateh.factories import PartnerWithKey, make_partner, post_batch, record

NAME = "Jan Peeters"
PHONE = "0475 12 34 56"
EMAIL = "jan.peeters@example.be"


class Rows(HTMLParser):
    """The text of each row of the table with a given id: [[cell, ...], ...]."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # > 0 inside the table
        self.rows: list[list[str]] = []
        self.in_cell = False
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and (self.depth or attributes.get("id") == self.table_id):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
            self.in_cell = True
        elif tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_cell and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data.strip()


def table(html: str, table_id: str) -> Rows:
    parser = Rows(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id}"
    return parser


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A client for the signed batch API, apart from the signed-in portal client."""
    return app.test_client()


@pytest.fixture
def police(session: Session) -> PartnerWithKey:
    return make_partner(session, "police-a")


@pytest.fixture
def inspection(session: Session) -> PartnerWithKey:
    return make_partner(session, "inspection-b", kind="labour_inspection")


def planted_records() -> list[object]:
    narrative = f"{NAME} werkte in een carwash. Bel {PHONE} of mail {EMAIL}."
    return [
        record(),
        record(narrative=narrative),
        record(role=NAME, labour_sector=PHONE),
        "Jan Peeters",
        record(narrative=None),
    ]


def batch_id_of(session: Session, partner: Partner, client_batch_id: str) -> int:
    session.rollback()
    found = session.query(Batch).filter_by(partner_id=partner.id, client_batch_id=client_batch_id).one()
    return found.id


def test_a_partner_sees_its_own_batches_newest_first_with_their_counts(
    api: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    inspection: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    assert post_batch(api, police.key, "police-first", [record(), record()]).status_code == 201
    assert post_batch(api, police.key, "police-second", planted_records()).status_code == 201
    assert post_batch(api, inspection.key, "inspection-only", [record()]).status_code == 201
    user = make_user("partner", partner=police.partner)
    client = login(user.user)  # type: ignore[attr-defined]

    response = client.get("/partner/batches")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = table(html, "batches").rows[1:]
    # same second: the order falls back on the id, still newest first
    assert [r[1] for r in rows] == ["police-second", "police-first"]
    assert [r[2:] for r in rows] == [["Partly accepted", "5", "2", "3"], ["Accepted", "2", "2", "0"]]
    assert "inspection-only" not in html
    second = batch_id_of(session, police.partner, "police-second")
    assert f"/partner/batches/{second}" in table(html, "batches").links


def test_the_outcomes_show_index_field_entity_type_and_offsets_only(
    api: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    records = planted_records()
    posted = post_batch(api, police.key, "planted", records).get_json()
    batch_id = batch_id_of(session, police.partner, "planted")
    client = login(make_user("partner", partner=police.partner).user)  # type: ignore[attr-defined]

    html = client.get(f"/partner/batches/{batch_id}").get_data(as_text=True)
    rows = table(html, "outcomes").rows[1:]
    findings = posted["outcomes"][1]["errors"]
    # the narrative's findings: one row each, the first with the index and outcome
    first = rows[1]
    assert first[:2] == ["1", "Rejected"]
    assert first[2:] == [
        findings[0]["field"],
        findings[0]["entity_type"],
        str(findings[0]["start"]),
        str(findings[0]["end"]),
    ]
    shown = {(r[-4], r[-3], r[-2], r[-1]) for r in rows if len(r) >= 4}
    for f in findings:
        assert (f["field"], f["entity_type"], str(f["start"]), str(f["end"])) in shown
    assert {"PERSON", "PHONE", "EMAIL"} <= {f["entity_type"] for f in findings}
    # schema problems have no position in a text: shown as dashes, not as 0..0
    assert ("role", "NOT_A_CODE", "–", "–") in shown
    assert ("<payload>", "WRONG_TYPE", "–", "–") in shown
    indexes = [r[0] for r in rows if r and r[0].isdigit() and len(r) == 6]
    assert indexes == ["0", "1", "2", "3", "4"]
    assert [r[1] for r in rows if len(r) == 6] == ["Accepted", "Rejected", "Rejected", "Rejected", "Accepted"]
    for value in (NAME, PHONE, EMAIL, "carwash"):
        assert value not in html
    for outcome in posted["outcomes"]:
        if "record_key" in outcome:
            assert outcome["record_key"] not in html  # not a reason: not shown

    only = client.get(f"/partner/batches/{batch_id}?only=rejected").get_data(as_text=True)
    assert [r[0] for r in table(only, "outcomes").rows[1:] if len(r) == 6] == ["1", "2", "3"]


def test_another_organisations_batch_is_not_found_not_forbidden(
    api: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    inspection: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    post_batch(api, inspection.key, "theirs", [record()])
    theirs = batch_id_of(session, inspection.partner, "theirs")
    client = login(make_user("partner", partner=police.partner).user)  # type: ignore[attr-defined]
    other = client.get(f"/partner/batches/{theirs}")
    missing = client.get(f"/partner/batches/{theirs + 1000}")
    assert other.status_code == missing.status_code == 404
    assert other.get_data() == missing.get_data()  # nothing tells an existing batch apart
    assert "theirs" not in client.get("/partner/batches").get_data(as_text=True)


def test_other_roles_and_anonymous_visitors_cannot_see_batches(
    api: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    client: FlaskClient,
) -> None:
    post_batch(api, police.key, "mine", [record()])
    batch_id = batch_id_of(session, police.partner, "mine")
    assert client.get("/partner/batches").status_code == 302
    assert client.get(f"/partner/batches/{batch_id}").status_code == 302
    for role in ("bureau", "cell", "admin"):
        signed_in = login(make_user(role).user)  # type: ignore[attr-defined]
        assert signed_in.get("/partner/batches").status_code == 403
        assert signed_in.get(f"/partner/batches/{batch_id}").status_code == 403


def test_batches_are_paginated_fifty_a_page(
    session: Session,
    police: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(BATCHES_PER_PAGE + 3):
        session.add(
            Batch(
                partner_id=police.id,
                client_batch_id=f"b-{n:03d}",
                body_sha256="0" * 64,
                key_id=police.key_id,
                status="accepted",
                record_count=1,
                accepted_count=1,
                rejected_count=0,
                outcomes=[{"index": 0, "status": "accepted", "errors": []}],
                received_at=start + timedelta(hours=n),
            )
        )
    session.commit()
    client = login(make_user("partner", partner=police.partner).user)  # type: ignore[attr-defined]

    first = client.get("/partner/batches").get_data(as_text=True)
    names = [r[1] for r in table(first, "batches").rows[1:]]
    assert len(names) == BATCHES_PER_PAGE
    assert names[0] == f"b-{BATCHES_PER_PAGE + 2:03d}"  # the newest
    assert 'id="page-next"' in first and 'id="page-prev"' not in first
    second = client.get("/partner/batches?page=2").get_data(as_text=True)
    assert [r[1] for r in table(second, "batches").rows[1:]] == ["b-002", "b-001", "b-000"]
    assert 'id="page-prev"' in second and 'id="page-next"' not in second
    for bad in ("3", "0", "abc", "-1", "99999999"):
        assert client.get(f"/partner/batches?page={bad}").status_code == 404


def test_a_large_batch_is_paginated_and_an_empty_history_is_explained(
    session: Session,
    police: PartnerWithKey,
    inspection: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    count = OUTCOMES_PER_PAGE + 5
    big = Batch(
        partner_id=police.id,
        client_batch_id="big",
        body_sha256="0" * 64,
        key_id=police.key_id,
        status="partially_accepted",
        record_count=count,
        accepted_count=count - 1,
        rejected_count=1,
        outcomes=[
            {"index": i, "status": "accepted", "errors": []}
            if i != count - 1
            else {"index": i, "status": "rejected", "errors": [
                {"field": "narrative", "entity_type": "PERSON", "start": 3, "end": 14}
            ]}
            for i in range(count)
        ],
    )  # fmt: skip
    session.add(big)
    session.commit()
    client = login(make_user("partner", partner=police.partner).user)  # type: ignore[attr-defined]
    first = client.get(f"/partner/batches/{big.id}").get_data(as_text=True)
    assert len(table(first, "outcomes").rows) == 1 + OUTCOMES_PER_PAGE
    last = client.get(f"/partner/batches/{big.id}?page=2").get_data(as_text=True)
    assert [r for r in table(last, "outcomes").rows[1:]][-1] == [
        str(count - 1),
        "Rejected",
        "narrative",
        "PERSON",
        "3",
        "14",
    ]
    assert client.get(f"/partner/batches/{big.id}?page=3").status_code == 404
    only = client.get(f"/partner/batches/{big.id}?only=rejected").get_data(as_text=True)
    assert len(table(only, "outcomes").rows) == 2

    empty = login(make_user("partner", partner=inspection.partner).user)  # type: ignore[attr-defined]
    page = empty.get("/partner/batches").get_data(as_text=True)
    assert 'id="no-batches"' in page and 'id="batches"' not in page


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_pages_render_in_each_language(
    language: str,
    api: FlaskClient,
    session: Session,
    police: PartnerWithKey,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
) -> None:
    post_batch(api, police.key, "lang", planted_records())
    batch_id = batch_id_of(session, police.partner, "lang")
    client = login(make_user("partner", partner=police.partner, language=language).user)  # type: ignore[attr-defined]
    listing = client.get("/partner/batches")
    assert listing.status_code == 200
    assert re.search(rf'<html lang="{language}"', listing.get_data(as_text=True))
    assert client.get(f"/partner/batches/{batch_id}").status_code == 200
