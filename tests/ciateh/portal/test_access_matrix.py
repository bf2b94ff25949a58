"""Every route of the app × every role (and anonymous) gets exactly the intended answer.

``EXPECTED`` is the route list of the portal's brief, written out here (not read from the app's own
declarations, which are what is being checked): who may open each route, with which methods. The
table and the app must name the same routes with the same methods, so a new route fails this test
until it is added here. For each route and each kind of visitor:

* allowed, GET: 200 (or the route's own answer, e.g. the start page's redirect);
* allowed, POST: not refused by access control (not 401, 403, 404) and no server error;
* signed in with another role: 403;
* anonymous: a redirect to /login (GET) or 401 (POST);
* the ingestion API: 401 for everyone without a request signature (its OpenAPI document is public).

POSTs carry a valid CSRF token (taken from a page, as a browser does), so the answer is access
control's and not the CSRF check's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from ciateh import snapshots
from ciateh.models import ROLES, Batch, Decision, Partner, Proposal
from tests.ciateh.aggregates.dataset import insert
from tests.ciateh.portal.portal_forms import csrf_token, fresh_request_globals, signed_in

__all__ = ["fresh_request_globals"]  # the autouse fixture

ANONYMOUS: Final = "anonymous"
VISITORS: Final = (ANONYMOUS, *ROLES)
SIGNED_IN: Final = frozenset(ROLES)
EVERYONE: Final = frozenset(VISITORS)
MONTHS: Final = ("2024-10", "2024-11", "2024-12")
MONTH: Final = "2024-11"

Kind = Literal["roles", "public", "signature"]


@dataclass(frozen=True)
class Access:
    """Who gets a route, with which methods. ``ok``: the answer to an allowed GET (200, or the
    route's redirect); ``ok_signed_in``: when a public route answers signed-in visitors otherwise."""

    roles: frozenset[str]
    methods: frozenset[str] = frozenset({"GET"})
    kind: Kind = "roles"
    ok: int = 200
    ok_signed_in: int | None = None


def only(*roles: str, methods: tuple[str, ...] = ("GET",)) -> Access:
    return Access(frozenset(roles), frozenset(methods))


GET_POST: Final = ("GET", "POST")
POST: Final = ("POST",)

EXPECTED: Final[dict[str, Access]] = {
    # files and the health check: anyone
    "static": Access(EVERYONE, kind="public"),
    "home.healthz": Access(EVERYONE, kind="public"),
    "home.index": Access(EVERYONE, kind="public", ok=302),  # to /login, or the role's first page
    # signing in
    "auth.login": Access(EVERYONE, frozenset(GET_POST), kind="public", ok_signed_in=302),
    "auth.totp": Access(EVERYONE, frozenset(GET_POST), kind="public", ok=302),  # no password step yet
    "auth.language": Access(EVERYONE, frozenset(POST), kind="public"),
    "auth.logout": only(*ROLES, methods=POST),
    "auth.account": only(*ROLES, methods=GET_POST),
    # administrators
    "admin.users": only("admin"),
    "admin.audit": only("admin"),
    # the Bureau
    "bureau.months": only("bureau"),
    "bureau.month": only("bureau"),
    "bureau.drilldown": only("bureau"),
    "bureau.approve": only("bureau", methods=POST),
    "bureau.export": only("bureau"),
    "bureau.proposals": only("bureau"),
    "bureau.proposal_new": only("bureau", methods=GET_POST),
    "bureau.proposal_edit": only("bureau", methods=GET_POST),
    "bureau.decision_new": only("bureau", methods=GET_POST),
    "bureau.decision_edit": only("bureau", methods=GET_POST),
    # the Cell (and the Bureau, which prepares its meetings)
    "cell.dashboard": only("cell", "bureau"),
    "cell.meeting_pack": only("cell", "bureau"),
    # partners: their own organisation's batches
    "partner.batches": only("partner"),
    "partner.batch": only("partner"),
    # the ingestion API: a request signature, never a session
    "ingest.post_batch": Access(frozenset(), frozenset(POST), kind="signature"),
    "ingest.get_batch": Access(frozenset(), kind="signature"),
    "ingest.openapi": Access(EVERYONE, kind="public"),
}


@dataclass(frozen=True)
class World:
    users: dict[str, Any]  # role -> the account (PortalUser)
    proposal_id: int
    decision_id: int
    batch_id: int
    other_batch_id: int


@pytest.fixture
def world(session: Session, make_user: Callable[..., Any]) -> World:
    """What the pages need to answer 200: three months with records and snapshots, a proposal with
    a decision, a batch of the partner account's organisation (and one of another), an account of
    each role."""
    partners = insert(session)
    for month in MONTHS:
        snapshots.build_snapshot(session, month, "job:test")
    session.commit()
    proposal = Proposal(
        title="More labour inspections in car washes",
        body="The figures of November show labour exploitation in car washes.",
        month=MONTH,
        created_by="user:bureau-test",
    )
    session.add(proposal)
    session.flush()
    decision = Decision(
        proposal_id=proposal.id,
        decided_on=date(2024, 12, 10),
        outcome="adopted",
        text="Adopted as proposed.",
        recorded_by="user:bureau-test",
    )
    session.add(decision)
    session.commit()

    def batch_of(partner: Partner) -> int:
        found = session.scalar(sa.select(Batch.id).where(Batch.partner_id == partner.id))
        assert found is not None
        return found

    users = {role: make_user(role, partner=partners["pol"] if role == "partner" else None) for role in ROLES}
    return World(users, proposal.id, decision.id, batch_of(partners["pol"]), batch_of(partners["insp"]))


def paths(endpoint: str, w: World) -> list[str]:
    """The URLs to try for ``endpoint`` (every export format for the export route)."""
    m = MONTH
    table: dict[str, list[str]] = {
        "static": ["/static/portal/portal.css"],
        "home.healthz": ["/healthz"],
        "home.index": ["/"],
        "auth.login": ["/login"],
        "auth.totp": ["/login/totp"],
        "auth.language": ["/language"],
        "auth.logout": ["/logout"],
        "auth.account": ["/account"],
        "admin.users": ["/admin/users"],
        "admin.audit": ["/admin/audit"],
        "bureau.months": ["/bureau/"],
        "bureau.month": [f"/bureau/month/{m}", f"/bureau/month/{m}?role=suspects"],
        "bureau.drilldown": [f"/bureau/month/{m}/drilldown?role=victims&dimension=sex&code=male&by=age_band"],
        "bureau.approve": [f"/bureau/month/{m}/approve"],
        "bureau.export": [f"/bureau/month/{m}/export.{fmt}" for fmt in ("csv", "xlsx", "pdf")],
        "bureau.proposals": ["/bureau/proposals"],
        "bureau.proposal_new": ["/bureau/proposals/new"],
        "bureau.proposal_edit": [f"/bureau/proposals/{w.proposal_id}"],
        "bureau.decision_new": [f"/bureau/proposals/{w.proposal_id}/decision"],
        "bureau.decision_edit": [f"/bureau/decisions/{w.decision_id}"],
        "cell.dashboard": ["/cell/", "/cell/?months=24&end=2024-12"],
        "cell.meeting_pack": [f"/cell/meeting-pack.pdf?from={MONTHS[0]}&to={MONTHS[-1]}"],
        "partner.batches": ["/partner/batches"],
        "partner.batch": [f"/partner/batches/{w.batch_id}"],
        "ingest.post_batch": ["/api/v1/batches"],
        "ingest.get_batch": ["/api/v1/batches/b-pol"],
        "ingest.openapi": ["/api/v1/openapi.json"],
    }
    return table[endpoint]


def app_routes(app: Flask) -> dict[str, frozenset[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return {endpoint: frozenset(methods) for endpoint, methods in routes.items()}


def test_the_table_and_the_app_have_the_same_routes(app: Flask) -> None:
    routes = app_routes(app)
    missing_from_table = sorted(set(routes) - set(EXPECTED))
    missing_from_app = sorted(set(EXPECTED) - set(routes))
    assert not missing_from_table, f"routes of the app not in EXPECTED: {missing_from_table}"
    assert not missing_from_app, f"routes in EXPECTED that the app lacks: {missing_from_app}"
    wrong_methods = {
        endpoint: (sorted(routes[endpoint]), sorted(access.methods))
        for endpoint, access in EXPECTED.items()
        if routes[endpoint] != access.methods
    }
    assert not wrong_methods, f"methods (app, table) differ: {wrong_methods}"


def test_the_declarations_agree_with_the_table(app: Flask) -> None:
    """The roles declared on the views (``allow``/``public``) are the table's."""
    from ciateh.portal.access import allowed_roles

    differ = {
        endpoint: (sorted(allowed_roles(app, endpoint) or ()), sorted(access.roles))
        for endpoint, access in EXPECTED.items()
        if access.kind != "signature"
        and endpoint != "static"
        and not endpoint.startswith("ingest.")
        and endpoint in app.view_functions
        and (allowed_roles(app, endpoint) or frozenset()) != access.roles
    }
    assert not differ, f"declared roles (app, table) differ: {differ}"


def client_for(app: Flask, visitor: str, w: World) -> FlaskClient:
    client = app.test_client()
    if visitor != ANONYMOUS:
        signed_in(app, client, w.users[visitor].user)
    return client


def post(client: FlaskClient, visitor: str, path: str) -> TestResponse:
    """A POST with a valid CSRF token of the visitor's session, and the fields the form would send."""
    token = (
        csrf_token(client, "/login", "login-form")
        if visitor == ANONYMOUS
        else csrf_token(client, "/account", "logout")
    )
    data = {"csrf_token": token}
    if path == "/language":
        data.update(language="en", next="/")
    return client.post(path, data=data)


def expected_answer(access: Access, visitor: str, method: str) -> str:
    """What the visitor should get, as a short description checked by ``matches``."""
    if access.kind == "signature":
        return "401"
    if access.kind == "public":
        if method == "POST":
            return "not-refused"
        status = access.ok if visitor == ANONYMOUS or access.ok_signed_in is None else access.ok_signed_in
        return str(status)
    if visitor in access.roles:
        return str(access.ok) if method == "GET" else "not-refused"
    if visitor == ANONYMOUS:
        return "login-redirect" if method == "GET" else "401"
    return "403"


def matches(expected: str, response: TestResponse) -> bool:
    status = response.status_code
    if expected == "not-refused":
        return status not in (401, 403, 404) and status < 500
    if expected == "login-redirect":
        location = response.headers.get("Location", "")
        return status == 302 and location.split("?")[0] == "/login"
    return str(status) == expected


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_every_visitor_gets_the_intended_answer(app: Flask, world: World, endpoint: str) -> None:
    assert endpoint in app_routes(app), f"{endpoint} is in EXPECTED but not in the app (yet)"
    access = EXPECTED[endpoint]
    adapter = app.url_map.bind("localhost")
    wrong: list[str] = []
    for path in paths(endpoint, world):
        for method in sorted(access.methods):
            matched, _ = adapter.match(path.split("?")[0], method=method)
            assert matched == endpoint, f"{method} {path} is {matched}, not {endpoint}"
            for visitor in VISITORS:
                client = client_for(app, visitor, world)
                response = post(client, visitor, path) if method == "POST" else client.get(path)
                expected = expected_answer(access, visitor, method)
                if not matches(expected, response):
                    got = f"{response.status_code} {response.headers.get('Location', '')}"
                    wrong.append(f"{visitor:9} {method:4} {path}: expected {expected}, got {got}")
    assert not wrong, "\n" + "\n".join(wrong)


def test_a_partner_cannot_open_another_organisations_batch(app: Flask, world: World) -> None:
    client = client_for(app, "partner", world)
    assert client.get(f"/partner/batches/{world.batch_id}").status_code == 200
    assert client.get(f"/partner/batches/{world.other_batch_id}").status_code == 404
    assert client.get("/partner/batches/999999").status_code == 404


def test_anonymous_redirect_keeps_the_page_to_return_to(app: Flask, world: World) -> None:
    response = app.test_client().get(f"/bureau/month/{MONTH}?role=suspects")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/bureau/month/{MONTH}?role%3Dsuspects"
