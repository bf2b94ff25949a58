"""The proposals service: texts checked for personal data (refused with field, types and offsets,
never the value; nothing stored), length limits, statuses, decisions, follow-up, open items, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ciateh import audit, proposals
from ciateh.models import AuditEntry, Decision, Proposal

ACTOR = "user:bureau-test"
CLEAN_TITLE = "More labour inspections in car washes"
CLEAN_BODY = (
    "The figures show a rise in labour exploitation in car washes; the Bureau proposes joint inspections."
)
NAME = "Marie Dubois"
PHONE = "+32 475 12 34 56"


def _entries(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def _count(session: Session, model: type[Proposal] | type[Decision]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_stores_a_draft_and_audits_ids_and_codes_only(session: Session) -> None:
    proposal = proposals.create_proposal(session, f"  {CLEAN_TITLE} ", CLEAN_BODY, ACTOR, month="2024-11")
    session.commit()
    assert proposal.id is not None
    assert (proposal.title, proposal.status, proposal.month, proposal.created_by) == (
        CLEAN_TITLE,
        "draft",
        "2024-11",
        ACTOR,
    )
    (entry,) = _entries(session, "proposal.created")
    assert entry.actor == ACTOR
    assert entry.details == {"proposal_id": proposal.id, "status": "draft", "month": "2024-11"}
    assert CLEAN_TITLE not in str(entry.details)
    assert audit.verify_chain(session).ok


@pytest.mark.parametrize(
    ("title", "body", "field", "types"),
    [
        (f"Call {NAME}", CLEAN_BODY, "title", {"PERSON"}),
        (CLEAN_TITLE, f"Ask {NAME} on {PHONE} for the list.", "body", {"PERSON", "PHONE"}),
        (CLEAN_TITLE, "Write to marie.dubois@example.org before the meeting.", "body", {"EMAIL"}),
    ],
)
def test_personal_data_is_refused_naming_field_types_and_offsets_and_nothing_is_stored(
    session: Session, title: str, body: str, field: str, types: set[str]
) -> None:
    before = _count(session, Proposal)
    with pytest.raises(proposals.PersonalDataError) as caught:
        proposals.create_proposal(session, title, body, ACTOR)
    error = caught.value
    assert error.field == field
    assert {f.entity_type for f in error.findings} == types
    assert all(f.field == field for f in error.findings)
    text = title if field == "title" else body
    for finding in error.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert f"{finding.entity_type} at {finding.start}-{finding.end}" in str(error)
    # the message never holds the value found
    for value in (NAME, PHONE, "marie.dubois@example.org", "Marie", "Dubois"):
        assert value not in str(error)
    session.rollback()
    assert _count(session, Proposal) == before
    assert _entries(session, "proposal.created") == []


def test_offsets_are_those_of_the_stripped_text_the_person_sees(session: Session) -> None:
    with pytest.raises(proposals.PersonalDataError) as caught:
        proposals.create_proposal(session, CLEAN_TITLE, f"Ask {NAME}.", ACTOR)
    (finding,) = caught.value.findings
    assert f"Ask {NAME}."[finding.start : finding.end] == NAME


def test_findings_of_several_fields_are_all_reported(session: Session) -> None:
    with pytest.raises(proposals.PersonalDataError) as caught:
        proposals.create_proposal(session, f"Call {NAME}", f"Phone {PHONE}", ACTOR)
    assert set(caught.value.by_field()) == {"title", "body"}


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", CLEAN_BODY, "title"),
        ("   ", CLEAN_BODY, "title"),
        (CLEAN_TITLE, "", "body"),
        ("a" * (proposals.MAX_TITLE + 1), CLEAN_BODY, "title"),
        (CLEAN_TITLE, "a " * (proposals.MAX_BODY // 2 + 1), "body"),
    ],
)
def test_empty_and_long_texts_are_refused(session: Session, title: str, body: str, field: str) -> None:
    with pytest.raises(proposals.ProposalError) as caught:
        proposals.create_proposal(session, title, body, ACTOR)
    assert caught.value.field == field
    assert _count(session, Proposal) == 0


def test_a_text_at_the_limit_is_accepted(session: Session) -> None:
    proposal = proposals.create_proposal(session, "T" * proposals.MAX_TITLE, CLEAN_BODY, ACTOR)
    assert len(proposal.title) == proposals.MAX_TITLE


@pytest.mark.parametrize("month", ["2024-13", "24-11", "2024/11", "november"])
def test_a_bad_month_is_refused(session: Session, month: str) -> None:
    with pytest.raises(proposals.ProposalError) as caught:
        proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR, month=month)
    assert caught.value.field == "month"


def test_update_changes_texts_and_status_and_audits_the_changed_fields(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    session.commit()
    proposals.update_proposal(
        session,
        proposal.id,
        title=CLEAN_TITLE,
        body=CLEAN_BODY + " Second paragraph.",
        status="submitted",
        month="2024-10",
        actor=ACTOR,
    )
    session.commit()
    session.refresh(proposal)
    assert proposal.status == "submitted"
    assert proposal.month == "2024-10"
    (entry,) = _entries(session, "proposal.updated")
    assert entry.details == {
        "proposal_id": proposal.id,
        "status": "submitted",
        "month": "2024-10",
        "changed": ["body", "month", "status"],
    }


def test_update_with_personal_data_changes_nothing(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    session.commit()
    with pytest.raises(proposals.PersonalDataError):
        proposals.update_proposal(
            session,
            proposal.id,
            title=CLEAN_TITLE,
            body=f"Ask {NAME}",
            status="submitted",
            month=None,
            actor=ACTOR,
        )
    session.rollback()
    session.refresh(proposal)
    assert (proposal.body, proposal.status) == (CLEAN_BODY, "draft")
    assert _entries(session, "proposal.updated") == []


def test_decided_is_set_by_a_decision_only_and_then_kept(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    with pytest.raises(proposals.ProposalError) as caught:
        proposals.update_proposal(
            session,
            proposal.id,
            title=CLEAN_TITLE,
            body=CLEAN_BODY,
            status="decided",
            month=None,
            actor=ACTOR,
        )
    assert caught.value.field == "status"
    with pytest.raises(proposals.ProposalError):
        proposals.update_proposal(
            session, proposal.id, title=CLEAN_TITLE, body=CLEAN_BODY, status="bogus", month=None, actor=ACTOR
        )
    proposals.record_decision(
        session, proposal.id, date(2025, 3, 12), "adopted", "Adopted as proposed.", ACTOR
    )
    assert proposal.status == "decided"
    with pytest.raises(proposals.ProposalError):
        proposals.update_proposal(
            session, proposal.id, title=CLEAN_TITLE, body=CLEAN_BODY, status="draft", month=None, actor=ACTOR
        )
    # the texts of a decided proposal may still be corrected
    proposals.update_proposal(
        session,
        proposal.id,
        title="Corrected title",
        body=CLEAN_BODY,
        status="decided",
        month=None,
        actor=ACTOR,
    )
    assert proposal.title == "Corrected title"


def test_record_decision_and_follow_up(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    decision = proposals.record_decision(
        session, proposal.id, date(2025, 3, 12), "amended", "Adopted for two provinces first.", ACTOR
    )
    session.commit()
    assert (decision.outcome, decision.follow_up_status, decision.recorded_by) == (
        "amended",
        "not_started",
        ACTOR,
    )
    (recorded,) = _entries(session, "decision.recorded")
    assert recorded.details == {"decision_id": decision.id, "proposal_id": proposal.id, "outcome": "amended"}

    proposals.update_follow_up(
        session, decision.id, "in_progress", "Inspections planned for the spring.", ACTOR
    )
    session.commit()
    assert decision.follow_up_status == "in_progress"
    assert decision.follow_up_note == "Inspections planned for the spring."
    (follow,) = _entries(session, "decision.follow_up")
    assert follow.details == {"decision_id": decision.id, "proposal_id": proposal.id, "status": "in_progress"}
    assert audit.verify_chain(session).ok


def test_decision_and_note_texts_are_checked_too(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    with pytest.raises(proposals.PersonalDataError) as caught:
        proposals.record_decision(session, proposal.id, date(2025, 3, 12), "adopted", f"Ask {NAME}.", ACTOR)
    assert caught.value.field == "text"
    assert proposal.status == "draft"
    decision = proposals.record_decision(
        session, proposal.id, date(2025, 3, 12), "adopted", "Adopted.", ACTOR
    )
    with pytest.raises(proposals.PersonalDataError) as caught:
        proposals.update_follow_up(session, decision.id, "done", f"Called {PHONE}", ACTOR)
    assert caught.value.field == "note"
    assert {f.entity_type for f in caught.value.findings} == {"PHONE"}
    session.rollback()


@pytest.mark.parametrize(
    ("outcome", "status", "field"), [("bogus", "done", "outcome"), ("adopted", "bogus", "status")]
)
def test_unknown_codes_are_refused(session: Session, outcome: str, status: str, field: str) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    if field == "outcome":
        with pytest.raises(proposals.ProposalError) as caught:
            proposals.record_decision(session, proposal.id, date(2025, 3, 12), outcome, "Adopted.", ACTOR)
    else:
        decision = proposals.record_decision(
            session, proposal.id, date(2025, 3, 12), outcome, "Adopted.", ACTOR
        )
        with pytest.raises(proposals.ProposalError) as caught:
            proposals.update_follow_up(session, decision.id, status, "", ACTOR)
    assert caught.value.field == field


def test_no_decision_on_a_withdrawn_proposal_and_unknown_ids(session: Session) -> None:
    proposal = proposals.create_proposal(session, CLEAN_TITLE, CLEAN_BODY, ACTOR)
    proposals.update_proposal(
        session, proposal.id, title=CLEAN_TITLE, body=CLEAN_BODY, status="withdrawn", month=None, actor=ACTOR
    )
    with pytest.raises(proposals.ProposalError):
        proposals.record_decision(session, proposal.id, date(2025, 3, 12), "adopted", "Adopted.", ACTOR)
    with pytest.raises(proposals.NotFoundError):
        proposals.record_decision(session, 999_999, date(2025, 3, 12), "adopted", "Adopted.", ACTOR)
    with pytest.raises(proposals.NotFoundError):
        proposals.update_follow_up(session, 999_999, "done", "", ACTOR)


def test_open_items(session: Session) -> None:
    draft = proposals.create_proposal(session, "Draft one", CLEAN_BODY, ACTOR)
    submitted = proposals.create_proposal(session, "Submitted one", CLEAN_BODY, ACTOR)
    proposals.update_proposal(
        session,
        submitted.id,
        title="Submitted one",
        body=CLEAN_BODY,
        status="submitted",
        month=None,
        actor=ACTOR,
    )
    withdrawn = proposals.create_proposal(session, "Withdrawn one", CLEAN_BODY, ACTOR)
    proposals.update_proposal(
        session,
        withdrawn.id,
        title="Withdrawn one",
        body=CLEAN_BODY,
        status="withdrawn",
        month=None,
        actor=ACTOR,
    )
    decided = proposals.create_proposal(session, "Decided one", CLEAN_BODY, ACTOR)
    open_decision = proposals.record_decision(
        session, decided.id, date(2025, 3, 1), "adopted", "Adopted.", ACTOR
    )
    done = proposals.record_decision(session, decided.id, date(2025, 3, 2), "amended", "Amended.", ACTOR)
    dropped = proposals.record_decision(session, decided.id, date(2025, 3, 3), "postponed", "Later.", ACTOR)
    proposals.update_follow_up(session, done.id, "done", "", ACTOR)
    proposals.update_follow_up(session, dropped.id, "dropped", "", ACTOR)
    session.commit()

    items = proposals.open_items(session)
    assert {p.id for p in items.proposals} == {draft.id, submitted.id}
    assert [d.id for d in items.decisions] == [open_decision.id]
    assert items.decisions[0].proposal.title == "Decided one"


def test_a_meeting_date_may_be_written_but_not_a_date_of_birth(session: Session) -> None:
    made = proposals.create_proposal(
        session, "Joint inspections", "To be discussed at the meeting of 12 March 2026.", ACTOR
    )
    assert made.id is not None
    with pytest.raises(proposals.PersonalDataError) as refused:
        proposals.create_proposal(session, "Joint inspections", "Zij is geboren op 12 maart 1990.", ACTOR)
    assert "DATE_OF_BIRTH" in str(refused.value) and "1990" not in str(refused.value)
