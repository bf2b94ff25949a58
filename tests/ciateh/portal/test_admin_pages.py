"""The administrators' pages: the accounts (no secrets) and the audit log with its chain status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import lxml.html
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh import audit
from ciateh.db import utcnow
from ciateh.models import AuditEntry, Partner
from tests.ciateh.portal.portal_forms import fresh_request_globals, page, signed_in

__all__ = ["fresh_request_globals"]  # the autouse fixture

MakeUser = Callable[..., Any]


def rows(html: str, table_id: str) -> list[list[str]]:
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id(table_id)
    return [
        [" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")]
        for tr in table.xpath("./tbody/tr")
    ]


def test_users_page_lists_every_account_without_secrets(
    session: Session, make_user: MakeUser, app: Flask, client: FlaskClient
) -> None:
    police = Partner(code="police-fed", name="Federale Politie", kind="police")
    session.add(police)
    session.commit()
    admin = make_user("admin", username="admin-root")
    partner = make_user("partner", partner=police, username="pol-jan", language="fr")
    locked = make_user("cell", username="cell-locked", language="nl")
    locked.user.locked_until = utcnow() + timedelta(minutes=10)
    gone = make_user("bureau", username="bureau-gone")
    gone.user.active = False
    session.commit()
    html = page(signed_in(app, client, admin.user), "/admin/users").get_data(as_text=True)
    assert rows(html, "users") == [
        ["admin-root", "Administrator", "–", "English", "yes", "no", "–"],
        ["bureau-gone", "Bureau", "–", "English", "no", "no", "–"],
        ["cell-locked", "Cell", "–", "Nederlands", "yes", "yes", "–"],
        ["pol-jan", "Partner", "police-fed", "Français", "yes", "no", "–"],
    ]
    for someone in (admin, partner, locked, gone):
        assert someone.password not in html and someone.totp_secret not in html
        assert someone.user.password_hash not in html
    assert "$argon2" not in html


def test_audit_page_shows_the_chain_status_and_the_last_50_entries(
    session: Session, make_user: MakeUser, app: Flask, client: FlaskClient
) -> None:
    admin = make_user("admin", username="admin-root")
    for i in range(60):
        audit.append(session, "job:test", "test.filled", {"n": i})
    session.commit()
    client = signed_in(app, client, admin.user)
    html = page(client, "/admin/audit").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    status = doc.get_element_by_id("chain-status")
    assert status.get("data-status") == "intact"
    assert "60 entries checked" in status.text_content()
    shown = rows(html, "audit")
    assert len(shown) == 50
    # newest first: the last entry filled is on top, and the 10 oldest are not shown
    assert shown[0][2:] == ["job:test", "test.filled", '{"n": 59}']
    assert shown[-1][3:] == ["test.filled", '{"n": 10}']
    # the page view itself is audited, after the page was built: the head shown is the one before it
    last = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and (last.actor, last.action) == ("user:admin-root", "portal.view")
    assert doc.get_element_by_id("chain-head").text_content() == last.prev_hash


def test_audit_page_shows_a_broken_chain(
    session: Session, make_user: MakeUser, app: Flask, client: FlaskClient
) -> None:
    admin = make_user("admin", username="admin-root")
    for i in range(3):
        audit.append(session, "job:test", "test.filled", {"n": i})
    session.commit()
    second = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id).offset(1)).first()
    assert second is not None
    session.execute(sa.update(AuditEntry).where(AuditEntry.id == second.id).values(details={"n": 99}))
    session.commit()
    html = page(signed_in(app, client, admin.user), "/admin/audit").get_data(as_text=True)
    status = lxml.html.fromstring(html).get_element_by_id("chain-status")
    assert status.get("data-status") == "broken"
    assert f"entry {second.id}" in status.text_content() and "edited" in status.text_content()
