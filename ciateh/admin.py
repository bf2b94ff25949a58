"""Administration services: partners and their keys. Each takes a session, changes what it must, writes
the audit entry in the same transaction, and leaves the commit to the caller (the CLI, later the
portal's admin pages).

Errors are ``AdminError`` with a one-line message that is safe to print and to log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ciateh import audit
from ciateh.db import utcnow
from ciateh.keys import KeyFormatError, key_id_for
from ciateh.models import PARTNER_KINDS, Partner, PartnerKey

PARTNER_CODE_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
MAX_PARTNER_NAME = 200


class AdminError(Exception):
    """A refused administrative change; the message is one line, safe to print."""


@dataclass(frozen=True)
class PartnerSummary:
    code: str
    kind: str
    name: str
    active_keys: int


def get_partner(session: Session, code: str) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.code == code))
    if partner is None:
        raise AdminError(f"no partner with code {code!r}")
    return partner


def add_partner(
    session: Session, code: str, name: str, kind: str, actor: str = audit.ADMIN_CLI_ACTOR
) -> Partner:
    if not PARTNER_CODE_RE.fullmatch(code):
        raise AdminError(
            "a partner code is 1 to 40 lower-case letters, digits, '-', '_' or '.', starting with a"
            " letter or digit (e.g. police-fed)"
        )
    if kind not in PARTNER_KINDS:
        raise AdminError(f"unknown partner kind {kind!r}; one of: {', '.join(PARTNER_KINDS)}")
    name = " ".join(name.split())
    if not name or len(name) > MAX_PARTNER_NAME:
        raise AdminError(f"a partner name is 1 to {MAX_PARTNER_NAME} characters")
    if session.scalar(select(Partner.id).where(Partner.code == code)) is not None:
        raise AdminError(f"a partner with code {code!r} already exists")
    partner = Partner(code=code, name=name, kind=kind)
    session.add(partner)
    session.flush()
    audit.append(session, actor, "partner.added", {"partner": code, "partner_id": partner.id, "kind": kind})
    return partner


def list_partners(session: Session, at: datetime | None = None) -> list[PartnerSummary]:
    """Every partner with its number of keys active at ``at`` (default: now)."""
    when = at or utcnow()
    active = (
        select(PartnerKey.partner_id, func.count().label("n"))
        .where(or_(PartnerKey.revoked_at.is_(None), PartnerKey.revoked_at > when))
        .group_by(PartnerKey.partner_id)
        .subquery()
    )
    rows = session.execute(
        select(Partner.code, Partner.kind, Partner.name, func.coalesce(active.c.n, 0))
        .outerjoin(active, active.c.partner_id == Partner.id)
        .order_by(Partner.code)
    )
    return [PartnerSummary(code, kind, name, int(n)) for code, kind, name, n in rows]


def register_key(
    session: Session, partner_code: str, raw_public_key: bytes, actor: str = audit.ADMIN_CLI_ACTOR
) -> PartnerKey:
    partner = get_partner(session, partner_code)
    try:
        key_id = key_id_for(raw_public_key)
    except KeyFormatError as exc:
        raise AdminError(str(exc)) from exc
    existing = session.scalar(select(PartnerKey).where(PartnerKey.key_id == key_id))
    if existing is not None:
        raise AdminError(f"key {key_id} is already registered (partner {existing.partner.code!r})")
    key = PartnerKey(partner=partner, key_id=key_id, public_key=raw_public_key)
    session.add(key)
    session.flush()
    audit.append(
        session,
        actor,
        "key.registered",
        {"partner": partner.code, "partner_id": partner.id, "key_id": key_id},
    )
    return key


def revoke_key(
    session: Session, key_id: str, at: datetime | None = None, actor: str = audit.ADMIN_CLI_ACTOR
) -> PartnerKey:
    """Revoke a key from ``at`` (default now; a past date revokes retroactively, e.g. from the day a
    key was compromised: requests signed from then on are refused). Revoking twice is an error."""
    if at is not None and at.tzinfo is None:
        raise AdminError("the revocation time needs a timezone (e.g. 2026-03-01T00:00:00+01:00)")
    key = session.scalar(
        select(PartnerKey)
        .where(PartnerKey.key_id == key_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if key is None:
        raise AdminError(f"no key with id {key_id!r}")
    if key.revoked_at is not None:
        raise AdminError(f"key {key_id} is already revoked (from {key.revoked_at.isoformat()})")
    key.revoked_at = at or utcnow()
    session.flush()
    audit.append(
        session,
        actor,
        "key.revoked",
        {
            "partner": key.partner.code,
            "partner_id": key.partner_id,
            "key_id": key_id,
            "revoked_at": audit.canonical_at(key.revoked_at),
        },
    )
    return key


def list_keys(session: Session, partner_code: str | None = None) -> list[PartnerKey]:
    stmt = select(PartnerKey).join(PartnerKey.partner).order_by(Partner.code, PartnerKey.id)
    if partner_code is not None:
        stmt = stmt.where(Partner.id == get_partner(session, partner_code).id)
    return list(session.scalars(stmt))
