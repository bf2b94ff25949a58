"""The Bureau's proposals to the Cell, the Cell's decisions on them and their follow-up.

The texts are written by staff, but the Centre never holds personal data: every free text (title,
body, decision text, follow-up note) goes through the anonymiser's detector (the same check the
Centre runs on received narratives, :func:`anonymiser.verify.narrative_findings`) before anything is
stored. A text in which it finds something is refused with :class:`PersonalDataError`, which names
the field, the entity types and the character offsets, never the value; nothing is written then.

Each function validates first, then changes the rows, flushes, and appends its audit entry last
(ids and codes only); the caller commits (or rolls back), as in :mod:`ciateh.admin`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from anonymiser.verify import Finding, narrative_findings
from ciateh import audit
from ciateh.db import utcnow
from ciateh.models import DECISION_OUTCOMES, FOLLOW_UP_STATUSES, PROPOSAL_STATUSES, Decision, Proposal

MAX_TITLE: Final = 200  # the column's width
MAX_BODY: Final = 20_000
MAX_DECISION_TEXT: Final = 20_000
MAX_NOTE: Final = 5_000
#: statuses a person may set on a proposal; "decided" follows from recording a decision
EDITABLE_STATUSES: Final = ("draft", "submitted", "withdrawn")
CLOSED_PROPOSAL_STATUSES: Final = ("decided", "withdrawn")
CLOSED_FOLLOW_UP_STATUSES: Final = ("done", "dropped")
_MONTH: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class ProposalError(ValueError):
    """A change the service refuses. ``field`` names the input at fault; the message never holds
    a value the person typed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class PersonalDataError(ProposalError):
    """The detector found what looks like personal data in one or more texts: ``findings`` give the
    field, entity type and character offsets of each (never the value)."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(findings)
        parts = [f"{f.field}: {f.entity_type} at {f.start}-{f.end}" for f in self.findings]
        fields = sorted({f.field for f in self.findings})
        super().__init__(
            fields[0] if fields else "",
            "personal data found, nothing was stored (" + "; ".join(parts) + ")",
        )

    def by_field(self) -> dict[str, tuple[Finding, ...]]:
        out: dict[str, list[Finding]] = {}
        for finding in self.findings:
            out.setdefault(finding.field, []).append(finding)
        return {name: tuple(found) for name, found in out.items()}


class TextLengthError(ProposalError):
    def __init__(self, field: str, limit: int, length: int) -> None:
        super().__init__(field, f"{field} has {length} characters, at most {limit} are allowed")
        self.limit = limit
        self.length = length


class NotFoundError(LookupError):
    """No proposal or decision with that id."""


@dataclass(frozen=True)
class OpenItems:
    """What is still open: proposals not decided or withdrawn (newest first), and decisions whose
    follow-up is neither done nor dropped (oldest decision first)."""

    proposals: tuple[Proposal, ...]
    decisions: tuple[Decision, ...]


# -- checks ---------------------------------------------------------------------------------------


def _clean(field: str, value: str, limit: int, *, required: bool) -> str:
    if not isinstance(value, str):
        raise ProposalError(field, f"{field} must be text")
    text = value.replace("\r\n", "\n").strip()
    if required and not text:
        raise ProposalError(field, f"{field} is required")
    if len(text) > limit:
        raise TextLengthError(field, limit, len(text))
    return text


#: What staff may write in a proposal although a case narrative may not: a plain calendar date (a
#: meeting, a deadline) identifies no one outside a person's story; a date of birth still does.
ALLOWED_IN_STAFF_TEXTS = frozenset({"DATE"})


def _check_personal_data(texts: Mapping[str, str]) -> None:
    """Refuse (before anything is written) if the detector finds anything in any of the texts."""
    findings: list[Finding] = []
    for field, text in texts.items():
        findings += [
            f._replace(field=field)
            for f in narrative_findings(text)
            if f.entity_type not in ALLOWED_IN_STAFF_TEXTS
        ]
    if findings:
        raise PersonalDataError(findings)


def _check_month(month: str | None) -> str | None:
    if month is None or month == "":
        return None
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise ProposalError("month", "month must be YYYY-MM")
    return month


def _check_choice(field: str, value: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ProposalError(field, f"{field} must be one of {', '.join(allowed)}")
    return value


# -- reading --------------------------------------------------------------------------------------


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    return proposal


def get_decision(session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFoundError(f"no decision {decision_id}")
    return decision


def list_proposals(session: Session) -> list[Proposal]:
    """Every proposal with its decisions, the most recently changed first."""
    query = (
        select(Proposal)
        .options(selectinload(Proposal.decisions))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )
    return list(session.scalars(query))


def open_items(session: Session, *, include_drafts: bool = True) -> OpenItems:
    """Proposals not yet decided or withdrawn, and decisions whose follow-up is not finished. The
    Cell's pages pass ``include_drafts=False``: a draft is the Bureau's until it is submitted."""
    closed = CLOSED_PROPOSAL_STATUSES if include_drafts else (*CLOSED_PROPOSAL_STATUSES, "draft")
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.status.not_in(closed))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )
    decisions = session.scalars(
        select(Decision)
        .options(selectinload(Decision.proposal))
        .where(Decision.follow_up_status.not_in(CLOSED_FOLLOW_UP_STATUSES))
        .order_by(Decision.decided_on, Decision.id)
    )
    return OpenItems(tuple(proposals), tuple(decisions))


# -- changes --------------------------------------------------------------------------------------


def create_proposal(
    session: Session, title: str, body: str, actor: str, month: str | None = None
) -> Proposal:
    """A new draft proposal."""
    title = _clean("title", title, MAX_TITLE, required=True)
    body = _clean("body", body, MAX_BODY, required=True)
    month = _check_month(month)
    _check_personal_data({"title": title, "body": body})
    now = utcnow()
    proposal = Proposal(
        title=title, body=body, status="draft", month=month, created_by=actor, created_at=now, updated_at=now
    )
    session.add(proposal)
    session.flush()
    audit.append(
        session, actor, "proposal.created", {"proposal_id": proposal.id, "status": "draft", "month": month}
    )
    return proposal


def update_proposal(
    session: Session,
    proposal_id: int,
    *,
    title: str,
    body: str,
    status: str,
    month: str | None,
    actor: str,
) -> Proposal:
    """Change a proposal's texts, status (draft, submitted, withdrawn; a decided proposal stays
    decided) and month."""
    proposal = get_proposal(session, proposal_id)
    title = _clean("title", title, MAX_TITLE, required=True)
    body = _clean("body", body, MAX_BODY, required=True)
    month = _check_month(month)
    if status != proposal.status:
        if proposal.status == "decided":
            raise ProposalError(
                "status", "a decided proposal keeps its status; record a new decision instead"
            )
        _check_choice("status", status, EDITABLE_STATUSES)
    _check_personal_data({"title": title, "body": body})
    new = {"title": title, "body": body, "status": status, "month": month}
    changed = sorted(name for name, value in new.items() if getattr(proposal, name) != value)
    for name in changed:
        setattr(proposal, name, new[name])
    if changed:
        proposal.updated_at = utcnow()
    session.flush()
    audit.append(
        session,
        actor,
        "proposal.updated",
        {"proposal_id": proposal.id, "status": proposal.status, "month": proposal.month, "changed": changed},
    )
    return proposal


def record_decision(
    session: Session, proposal_id: int, decided_on: date, outcome: str, text: str, actor: str
) -> Decision:
    """The Cell's decision on a proposal; the proposal becomes decided."""
    proposal = get_proposal(session, proposal_id)
    if proposal.status == "withdrawn":
        raise ProposalError("proposal", "the proposal was withdrawn; set it back to submitted first")
    if not isinstance(decided_on, date):
        raise ProposalError("decided_on", "decided_on must be a date")
    _check_choice("outcome", outcome, DECISION_OUTCOMES)
    text = _clean("text", text, MAX_DECISION_TEXT, required=True)
    _check_personal_data({"text": text})
    now = utcnow()
    decision = Decision(
        proposal_id=proposal.id,
        decided_on=decided_on,
        outcome=outcome,
        text=text,
        follow_up_status="not_started",
        follow_up_note="",
        recorded_by=actor,
        updated_at=now,
    )
    session.add(decision)
    proposal.status = "decided"
    proposal.updated_at = now
    session.flush()
    audit.append(
        session,
        actor,
        "decision.recorded",
        {"decision_id": decision.id, "proposal_id": proposal.id, "outcome": outcome},
    )
    return decision


def update_follow_up(session: Session, decision_id: int, status: str, note: str, actor: str) -> Decision:
    """The follow-up of a decision: its status and a note."""
    decision = get_decision(session, decision_id)
    _check_choice("status", status, FOLLOW_UP_STATUSES)
    note = _clean("note", note, MAX_NOTE, required=False)
    _check_personal_data({"note": note})
    decision.follow_up_status = status
    decision.follow_up_note = note
    decision.updated_at = utcnow()
    session.flush()
    audit.append(
        session,
        actor,
        "decision.follow_up",
        {"decision_id": decision.id, "proposal_id": decision.proposal_id, "status": status},
    )
    return decision


__all__ = [
    "CLOSED_FOLLOW_UP_STATUSES",
    "CLOSED_PROPOSAL_STATUSES",
    "DECISION_OUTCOMES",
    "EDITABLE_STATUSES",
    "FOLLOW_UP_STATUSES",
    "MAX_BODY",
    "MAX_DECISION_TEXT",
    "MAX_NOTE",
    "MAX_TITLE",
    "PROPOSAL_STATUSES",
    "NotFoundError",
    "OpenItems",
    "PersonalDataError",
    "ProposalError",
    "TextLengthError",
    "create_proposal",
    "get_decision",
    "get_proposal",
    "list_proposals",
    "open_items",
    "record_decision",
    "update_follow_up",
    "update_proposal",
]
