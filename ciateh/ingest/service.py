"""Storing a batch: every accepted record upserted, the outcomes kept, all in one transaction.

:func:`ingest_batch` takes a session (never ``flask.request`` or ``current_app``) and manages the
transaction itself: the session must have no pending changes when it is called, and it is either
committed (the batch row, its records, the audit entry) or rolled back (nothing) when it returns.

Idempotency: a batch is known by (partner, client batch id). Sent again with the same body (same
SHA-256), the stored result is returned and nothing is written; with another body, the result is a
conflict. Two identical submissions racing each other meet at the unique constraint on
(partner_id, client_batch_id): the loser rolls back and returns the winner's stored result.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from anonymiser import AnonymousCase
from ciateh.ingest.checks import RecordCheck, check_records
from ciateh.ingest.limits import IngestLimits
from ciateh.logs import LOGGER_NAME, log_event
from ciateh.models import Batch, CaseExploitationForm, CaseMeansOfControl, CaseRecord, Partner

logger = logging.getLogger(f"{LOGGER_NAME}.ingest")

#: Columns of ``anonymous_case`` filled from the record's single-valued fields.
CASE_COLUMNS: Final = (
    "record_key",
    "case_key",
    "role",
    "offence",
    "registered_month",
    "labour_sector",
    "sex",
    "age_band",
    "minor_at_exploitation",
    "nationality",
    "province",
    "recruiter_relation",
    "protection_stage",
    "judicial_stage",
    "narrative",
    "anonymiser_version",
    "policy_version",
)
_CHUNK: Final = 500  # ids per IN (...) list
_ATTEMPTS: Final = 3  # a write that meets a concurrent one is tried again
_RETRY_SQLSTATES: Final = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected

Disposition = Literal["created", "replayed", "conflict"]
BatchStatus = Literal["accepted", "partially_accepted", "rejected"]
BATCH_STATUSES: Final[tuple[BatchStatus, ...]] = ("accepted", "partially_accepted", "rejected")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What became of a batch. ``disposition`` says whether this call stored it (``created``),
    found it stored with the same body (``replayed``) or with another body (``conflict``)."""

    disposition: Disposition
    batch_id: str
    status: str
    record_count: int
    accepted_count: int
    rejected_count: int
    received_at: datetime
    outcomes: list[dict[str, Any]] = field(repr=False)

    def to_json(self) -> dict[str, object]:
        """The response body, the same for the first submission, a replay and a GET."""
        return {
            "batch_id": self.batch_id,
            "status": self.status,
            "received_at": self.received_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "counts": {
                "records": self.record_count,
                "accepted": self.accepted_count,
                "rejected": self.rejected_count,
            },
            "outcomes": self.outcomes,
        }


def batch_status(accepted: int, total: int) -> BatchStatus:
    if accepted == total:
        return "accepted"
    return "rejected" if accepted == 0 else "partially_accepted"


def _from_row(batch: Batch, disposition: Disposition) -> BatchResult:
    return BatchResult(
        disposition=disposition,
        batch_id=batch.client_batch_id,
        status=batch.status,
        record_count=batch.record_count,
        accepted_count=batch.accepted_count,
        rejected_count=batch.rejected_count,
        received_at=batch.received_at,
        outcomes=list(batch.outcomes),
    )


def stored_batch(session: Session, partner_id: int, client_batch_id: str) -> BatchResult | None:
    """The stored result of one of the partner's batches (``replayed``), or None."""
    batch = session.scalar(
        select(Batch).where(Batch.partner_id == partner_id, Batch.client_batch_id == client_batch_id)
    )
    return None if batch is None else _from_row(batch, "replayed")


def _known(session: Session, partner_id: int, client_batch_id: str, body_sha256: str) -> BatchResult | None:
    batch = session.scalar(
        select(Batch).where(Batch.partner_id == partner_id, Batch.client_batch_id == client_batch_id)
    )
    if batch is None:
        return None
    return _from_row(batch, "replayed" if batch.body_sha256 == body_sha256 else "conflict")


def ingest_batch(
    session: Session,
    partner: Partner,
    key_id: str,
    client_batch_id: str,
    body_sha256: str,
    records: Sequence[object],
    limits: IngestLimits,
    *,
    now: datetime | None = None,
) -> BatchResult:
    """Check every record and store the batch in one transaction (see the module docstring)."""
    partner_id, partner_code = partner.id, partner.code
    known = _known(session, partner_id, client_batch_id, body_sha256)
    session.rollback()  # a read only: no transaction (nor SQLite's write lock) held while checking
    if known is not None:
        _log_known(known, partner_code)
        return known

    checks = check_records(records, limits)  # CPU only: the detector runs outside any transaction
    received_at = (now or datetime.now(UTC)).replace(microsecond=0)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            known = _known(session, partner_id, client_batch_id, body_sha256)
            if known is not None:  # stored by a concurrent request meanwhile
                session.rollback()
                _log_known(known, partner_code)
                return known
            result, inserted, updated = _store(
                session, partner_id, partner_code, key_id, client_batch_id, body_sha256, checks, received_at
            )
            session.commit()
        except DBAPIError as exc:
            # a concurrent submission of the same batch, or of one of its records, got there first
            # (unique constraint), or PostgreSQL broke a deadlock between two batches: try again
            session.rollback()
            if attempt == _ATTEMPTS or not _retryable(exc):
                raise
            continue
        except BaseException:
            session.rollback()
            raise
        _log_stored(result, partner_code, checks, inserted, updated)
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _retryable(exc: DBAPIError) -> bool:
    return isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


def _store(
    session: Session,
    partner_id: int,
    partner_code: str,
    key_id: str,
    client_batch_id: str,
    body_sha256: str,
    checks: Sequence[RecordCheck],
    received_at: datetime,
) -> tuple[BatchResult, int, int]:
    from ciateh import audit  # written alongside; imported here so that each can be developed alone

    cases = [c.case for c in checks if c.case is not None]
    total, accepted = len(checks), len(cases)
    batch = Batch(
        partner_id=partner_id,
        client_batch_id=client_batch_id,
        body_sha256=body_sha256,
        key_id=key_id,
        status=batch_status(accepted, total),
        record_count=total,
        accepted_count=accepted,
        rejected_count=total - accepted,
        outcomes=[c.outcome() for c in checks],
        received_at=received_at,
    )
    session.add(batch)
    session.flush()  # claims (partner, client batch id): a concurrent twin waits or fails here
    inserted, updated = upsert_cases(session, partner_id, batch.id, cases, received_at)
    audit.append(
        session,
        actor=f"partner:{partner_code}",
        action="batch.received",
        details={
            "batch": batch.id,
            "client_batch_id": client_batch_id,
            "partner_id": partner_id,
            "key_id": key_id,
            "status": batch.status,
            "records": total,
            "accepted": accepted,
            "rejected": total - accepted,
            "inserted": inserted,
            "updated": updated,
        },
    )
    return _from_row(batch, "created"), inserted, updated


# -- the upsert -----------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _columns(case: AnonymousCase) -> dict[str, object]:
    return {name: getattr(case, name) for name in CASE_COLUMNS}


def upsert_cases(
    session: Session, partner_id: int, batch_pk: int, cases: Sequence[AnonymousCase], now: datetime
) -> tuple[int, int]:
    """Insert new records and update known ones (by partner and record_key), replacing their
    exploitation forms and means of control. Returns (inserted, updated). Does not commit."""
    existing: dict[str, int] = {}
    for chunk in _chunks([c.record_key for c in cases]):
        rows = session.execute(
            select(CaseRecord.record_key, CaseRecord.id).where(
                CaseRecord.partner_id == partner_id, CaseRecord.record_key.in_(chunk)
            )
        )
        existing.update((key, case_id) for key, case_id in rows)
    # rows in a stable order (keys, ids), so that two concurrent batches lock them in the same order
    new = sorted((c for c in cases if c.record_key not in existing), key=lambda c: c.record_key)
    old = sorted((c for c in cases if c.record_key in existing), key=lambda c: existing[c.record_key])
    ids = dict(existing)
    if new:
        inserted_rows = session.execute(
            insert(CaseRecord).returning(CaseRecord.record_key, CaseRecord.id),
            [
                {
                    **_columns(c),
                    "partner_id": partner_id,
                    "batch_id": batch_pk,
                    "received_at": now,
                    "updated_at": now,
                }
                for c in new
            ],
        )
        ids.update((key, case_id) for key, case_id in inserted_rows)
    if old:
        session.execute(
            update(CaseRecord),
            [
                {**_columns(c), "id": existing[c.record_key], "batch_id": batch_pk, "updated_at": now}
                for c in old
            ],
        )
        old_ids = [existing[c.record_key] for c in old]
        for child in (CaseExploitationForm, CaseMeansOfControl):
            for chunk in _chunks(old_ids):
                session.execute(
                    delete(child).where(child.case_id.in_(chunk)),
                    execution_options={"synchronize_session": False},
                )
    forms = [
        {"case_id": ids[c.record_key], "code": code}
        for c in cases
        for code in sorted(set(c.exploitation_forms))
    ]
    means = [
        {"case_id": ids[c.record_key], "code": code}
        for c in cases
        for code in sorted(set(c.means_of_control))
    ]
    if forms:
        session.execute(insert(CaseExploitationForm), forms)
    if means:
        session.execute(insert(CaseMeansOfControl), means)
    return len(new), len(old)


# -- logging (ids, counts and entity types only) --------------------------------------------------


def _log_known(result: BatchResult, partner_code: str) -> None:
    event = "batch.replayed" if result.disposition == "replayed" else "batch.conflict"
    log_event(logger, event, partner=partner_code, client_batch_id=result.batch_id)


def _log_stored(
    result: BatchResult, partner_code: str, checks: Sequence[RecordCheck], inserted: int, updated: int
) -> None:
    entity_types = Counter(f.entity_type for c in checks for f in c.findings)
    log_event(
        logger,
        "batch.stored",
        partner=partner_code,
        client_batch_id=result.batch_id,
        status=result.status,
        records=result.record_count,
        accepted=result.accepted_count,
        rejected=result.rejected_count,
        inserted=inserted,
        updated=updated,
        entity_types=dict(sorted(entity_types.items())),
    )
