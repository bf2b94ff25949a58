"""Every page view is audited with its route and checked arguments only; typed values outside an
argument's domain never reach the (append-only) audit log; malformed ids are a 404, not a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ciateh.models import AuditEntry
from tests.ciateh.factories import make_partner

PLANTED = ("Jan.Janssens", "85.03.02-123.45", "Marie.Dupont-1990-05-17", "Fatima.El-Amrani")


def _views(session: Session) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == "portal.view").order_by(AuditEntry.id))
    )


def test_values_outside_their_domain_are_not_recorded(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    bureau = login(make_user("bureau").user)  # type: ignore[attr-defined]
    assert bureau.get(f"/cell/?role={PLANTED[3]}&months=24").status_code == 200
    assert bureau.get(f"/bureau/?code={PLANTED[0]}&by={PLANTED[1]}").status_code == 200
    entries = _views(session)
    assert [e.details["endpoint"] for e in entries] == ["cell.dashboard", "bureau.months"]
    assert entries[0].details.get("arg.months") == "24"
    dump = repr([(e.actor, e.details) for e in session.scalars(select(AuditEntry))])
    assert not any(value in dump for value in PLANTED)


def test_a_partner_filter_is_recorded_only_in_its_domain(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    organisation = make_partner(session).partner
    client = login(make_user("partner", partner=organisation).user)  # type: ignore[attr-defined]
    assert client.get("/partner/batches?page=1").status_code == 200
    (entry,) = _views(session)
    assert entry.details == {"endpoint": "partner.batches", "arg.page": "1"}


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("partner", "/partner/batches?page=%C2%B2"),
        ("bureau", "/bureau/proposals/99999999999999999999"),
        ("bureau", "/bureau/proposals/2147483648"),
        ("bureau", "/bureau/decisions/2147483648"),
        ("bureau", "/bureau/proposals/2147483648/decision"),
        ("partner", "/partner/batches/2147483648"),
        ("bureau", "/bureau/month/2024-11?revision=%C2%B2"),
    ],
)
def test_malformed_numbers_are_a_404(
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    role: str,
    url: str,
) -> None:
    partner = make_partner(session).partner if role == "partner" else None
    client = login(make_user(role, partner=partner).user)  # type: ignore[attr-defined]
    assert client.get(url).status_code == 404
