"""Administrators' pages: the accounts (no secrets) and the audit log (chain status, recent entries).

Accounts are created and changed with the ``flask --app ciateh user ...`` commands; these pages only
show them. Audit details are ids, counts and codes (``ciateh.audit`` refuses anything else), so they are
shown as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from flask import Blueprint, render_template

from ciateh import accounts
from ciateh import audit as audit_log
from ciateh.db import db
from ciateh.portal.access import allow
from ciateh.portal.auth import LANGUAGE_NAMES, ROLE_NAMES

bp = Blueprint("admin", __name__, url_prefix="/admin")

RECENT_ENTRIES: Final = 50


@dataclass(frozen=True)
class EntryRow:
    id: int
    at: str
    actor: str
    action: str
    details: str


def utc_text(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@bp.get("/users")
@allow("admin")
def users() -> str:
    return render_template(
        "admin/users.html",
        users=accounts.list_users(db.session),
        role_names=ROLE_NAMES,
        language_names=LANGUAGE_NAMES,
        utc_text=utc_text,
    )


@bp.get("/audit", endpoint="audit")
@allow("admin")
def audit_page() -> str:
    report = audit_log.verify_chain(db.session)
    entries = [
        EntryRow(
            entry.id,
            utc_text(entry.at),
            entry.actor,
            entry.action,
            json.dumps(entry.details, sort_keys=True, ensure_ascii=False, separators=(", ", ": ")),
        )
        for entry in reversed(audit_log.tail(db.session, RECENT_ENTRIES))
    ]
    return render_template("admin/audit.html", report=report, entries=entries, recent=RECENT_ENTRIES)
