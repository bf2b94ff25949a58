"""The Bureau's work on the demo data: a snapshot of every month with records, the months approved
(all but the last two, which stay provisional), and proposals to the Cell with a decision and its
follow-up. Everything goes through the services the portal uses, each change committed with its
audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy.orm import Session

#: months left unapproved at the end, so that the portal shows provisional months too
UNAPPROVED_TAIL: Final = 2


@dataclass(frozen=True)
class ReviewSummary:
    months: tuple[str, ...]
    approved: tuple[str, ...]
    proposals: int
    decisions: int


def build_and_approve(session: Session, build_actor: str, bureau_actor: str) -> tuple[list[str], list[str]]:
    """Snapshot every month with records; approve all but the last :data:`UNAPPROVED_TAIL`."""
    from ciateh.snapshots import approve_month, build_snapshot, months_with_data

    months = sorted(months_with_data(session))
    for month in months:
        build_snapshot(session, month, build_actor)
        session.commit()
    approved = months[: max(0, len(months) - UNAPPROVED_TAIL)]
    for month in approved:
        approve_month(session, month, bureau_actor)
        session.commit()
    return months, approved


# (title, body, month offset from the last approved month or None, status, decision)
_PROPOSALS: Final = (
    (
        "Joint inspections in car washes and construction",
        "The approved months show labour exploitation concentrated in car washes and construction sites, "
        "with withheld documents and debts as the usual means of control. The Bureau proposes that the "
        "labour and social inspection services plan joint inspections in these two sectors for the next "
        "quarter, and that the specialised reception centres are told beforehand so that presumed victims "
        "can be offered shelter on the day.",
        "submitted",
        (
            "adopted",
            "The Cell adopts the proposal. The inspection services report on the joint inspections at the "
            "next meeting of the Cell.",
            "in_progress",
            "Joint inspection days are planned in three provinces; the first ones have taken place.",
        ),
    ),
    (
        "Earlier identification of minors",
        "Minors remain a small group in the monthly figures, which may mean that they are identified late. "
        "The Bureau proposes a shared checklist of indicators of minority for first-line services and a "
        "direct referral to the guardianship service when a presumed victim may be a minor.",
        "submitted",
        None,
    ),
    (
        "Training on forced criminality for first-line officers",
        "Forced criminality is rarely registered. The Bureau is drafting a proposal for a short training "
        "module on its indicators for police officers and social workers.",
        "draft",
        None,
    ),
)


def add_proposals(session: Session, months: list[str], bureau_actor: str) -> tuple[int, int]:
    """Three proposals (one decided, with follow-up; one awaiting the Cell; one draft)."""
    from ciateh.proposals import create_proposal, record_decision, update_follow_up, update_proposal

    proposals = decisions = 0
    month = months[-1 - UNAPPROVED_TAIL] if len(months) > UNAPPROVED_TAIL else None
    for title, body, status, decision in _PROPOSALS:
        proposal = create_proposal(session, title, body, bureau_actor, month=month)
        session.commit()
        proposals += 1
        if status != proposal.status:
            update_proposal(
                session, proposal.id, title=title, body=body, status=status, month=month, actor=bureau_actor
            )
            session.commit()
        if decision is not None:
            outcome, text, follow_up, note = decision
            made = record_decision(session, proposal.id, date.today(), outcome, text, bureau_actor)
            session.commit()
            update_follow_up(session, made.id, follow_up, note, bureau_actor)
            session.commit()
            decisions += 1
    return proposals, decisions


def review(session: Session, build_actor: str, bureau_actor: str) -> ReviewSummary:
    months, approved = build_and_approve(session, build_actor, bureau_actor)
    proposals, decisions = add_proposals(session, months, bureau_actor)
    return ReviewSummary(tuple(months), tuple(approved), proposals, decisions)
