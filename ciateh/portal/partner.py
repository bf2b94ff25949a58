"""A partner's own batches: what the organisation sent, and what became of each record.

The numbers on these pages (records, accepted, rejected per batch) are the partner's own
operational data about its own submissions, not statistics about persons: a batch of three records
with one rejected tells the partner nothing it did not send itself, and no other organisation sees
it. They are therefore shown as they are, not through ``ciateh.aggregates`` protection. A rejected
record is described only by what the Centre stores of it: its index in the batch and, per finding,
the field, the entity type and the character offsets (never a value).

Scoping: a partner user sees the batches of ``current_user.partner_id`` only; another
organisation's batch answers 404, not 403, so that its existence is not confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ciateh.db import db
from ciateh.models import Batch
from ciateh.portal.access import allow

bp = Blueprint("partner", __name__, url_prefix="/partner")
#: an id or page number as typed: ASCII digits only (str.isdigit() admits "²", which int() refuses)
DIGITS: Final = re.compile(r"[0-9]{1,6}")

BATCHES_PER_PAGE: Final = 50
OUTCOMES_PER_PAGE: Final = 200


# -- the data (sessions only; no request here) -----------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    id: int
    client_batch_id: str
    received_at: datetime
    status: str
    records: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class Page:
    rows: tuple[BatchRow, ...]
    number: int
    pages: int
    total: int


@dataclass(frozen=True)
class Finding:
    field: str
    entity_type: str
    start: int
    end: int


@dataclass(frozen=True)
class Outcome:
    index: int
    accepted: bool
    findings: tuple[Finding, ...]


def _row(batch: Batch) -> BatchRow:
    return BatchRow(
        id=batch.id,
        client_batch_id=batch.client_batch_id,
        received_at=batch.received_at,
        status=batch.status,
        records=batch.record_count,
        accepted=batch.accepted_count,
        rejected=batch.rejected_count,
    )


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def partner_batches(session: Session, partner_id: int, page: int = 1) -> Page | None:
    """One page of the organisation's batches, newest first; ``None`` when there is no such page."""
    total = session.scalar(select(func.count()).select_from(Batch).where(Batch.partner_id == partner_id)) or 0
    pages = page_count(total, BATCHES_PER_PAGE)
    if page < 1 or page > pages:
        return None
    batches = session.scalars(
        select(Batch)
        .where(Batch.partner_id == partner_id)
        .order_by(Batch.received_at.desc(), Batch.id.desc())
        .limit(BATCHES_PER_PAGE)
        .offset((page - 1) * BATCHES_PER_PAGE)
    )
    return Page(tuple(_row(b) for b in batches), page, pages, total)


def partner_batch(session: Session, partner_id: int, batch_id: int) -> Batch | None:
    """The batch if it belongs to the organisation, else ``None`` (whether it exists or not)."""
    return session.scalar(select(Batch).where(Batch.id == batch_id, Batch.partner_id == partner_id))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def outcomes(stored: Sequence[Mapping[str, object]]) -> list[Outcome]:
    """The per-record outcomes as stored by ``ciateh.ingest.service`` (index, status, errors with
    field, entity type and offsets), keeping those fields only."""
    out: list[Outcome] = []
    for position, item in enumerate(stored):
        errors = item.get("errors")
        findings = tuple(
            Finding(
                field=str(error.get("field", "")),
                entity_type=str(error.get("entity_type", "")),
                start=_int(error.get("start")),
                end=_int(error.get("end")),
            )
            for error in (errors if isinstance(errors, list) else [])
            if isinstance(error, Mapping)
        )
        index = item.get("index")
        out.append(
            Outcome(
                index=index if isinstance(index, int) else position,
                accepted=item.get("status") == "accepted",
                findings=findings,
            )
        )
    return out


# -- the pages ---------------------------------------------------------------------------------


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not DIGITS.fullmatch(raw):
        abort(404)
    return int(raw)


def _partner_id() -> int:
    partner_id = current_user.partner_id
    if partner_id is None:  # a partner account always has an organisation; fail closed if not
        abort(404)
    return int(partner_id)


@bp.get("/batches")
@allow("partner")
def batches() -> str:
    page = partner_batches(db.session, _partner_id(), _page_arg())
    if page is None:
        abort(404)
    return render_template("partner/batches.html", page=page)


@bp.get("/batches/<int(max=2147483647):batch_id>")
@allow("partner")
def batch(batch_id: int) -> str:
    found = partner_batch(db.session, _partner_id(), batch_id)
    if found is None:
        abort(404)
    only_rejected = request.args.get("only") == "rejected"
    items = [o for o in outcomes(found.outcomes) if not (only_rejected and o.accepted)]
    number = _page_arg()
    pages = page_count(len(items), OUTCOMES_PER_PAGE)
    if number > pages or number < 1:
        abort(404)
    shown = items[(number - 1) * OUTCOMES_PER_PAGE : number * OUTCOMES_PER_PAGE]
    return render_template(
        "partner/batch.html",
        batch=_row(found),
        outcomes=shown,
        only_rejected=only_rejected,
        number=number,
        pages=pages,
        shown_total=len(items),
    )
