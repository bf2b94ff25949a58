"""The hash-chained audit log: how entries are chained, what verification detects (and what it cannot),
what details are refused, and that concurrent writers do not fork the chain."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from ciateh import audit, create_app, migrate
from ciateh.db import db
from ciateh.models import AuditEntry

# --- helpers -------------------------------------------------------------------------------------


def _chain(session: Session, n: int = 5) -> list[AuditEntry]:
    entries = [
        audit.append(session, "admin:cli", "test.step", {"step": i, "codes": ["a", "b"], "counts": {"x": i}})
        for i in range(n)
    ]
    session.commit()
    return entries


def _sql(session: Session, statement: str, **params: object) -> None:
    session.execute(sa.text(statement), params)


def _set_details(session: Session, entry_id: int, details: dict[str, object]) -> None:
    stmt = sa.text("UPDATE audit_entry SET details = :d WHERE id = :id").bindparams(
        sa.bindparam("d", type_=sa.JSON)
    )
    session.execute(stmt, {"d": details, "id": entry_id})


# --- the chain -----------------------------------------------------------------------------------


def test_first_entry_starts_from_zeros_and_each_entry_carries_the_previous_hash(session: Session) -> None:
    entries = _chain(session, 3)
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert len({e.hash for e in entries}) == 3


def test_the_hash_is_sha256_of_the_documented_canonical_json(session: Session) -> None:
    entry = audit.append(session, "partner:police-fed", "batch.received", {"records": 3, "batch_id": 7})
    session.commit()
    session.expire_all()
    stored = session.get(AuditEntry, entry.id)
    assert stored is not None
    canonical = json.dumps(
        {
            "action": "batch.received",
            "actor": "partner:police-fed",
            "at": stored.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
            "details": {"batch_id": 7, "records": 3},
            "prev_hash": "0" * 64,
        },
        separators=(",", ":"),
    )
    assert stored.hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert stored.at == entry.at  # microseconds survive the round trip, on both databases


def test_append_flushes_but_does_not_commit(session: Session) -> None:
    _chain(session, 1)
    entry = audit.append(session, "admin:cli", "test.step", {"step": 99})
    assert entry.id is not None  # flushed: the id was taken while the chain was locked
    session.rollback()
    assert audit.count(session) == 1
    report = audit.verify_chain(session)
    assert report.ok and report.entries == 1


def test_several_appends_in_one_transaction_chain_onto_each_other(session: Session) -> None:
    a = audit.append(session, "admin:cli", "test.step", {"step": 1})
    b = audit.append(session, "admin:cli", "test.step", {"step": 2})
    assert b.prev_hash == a.hash
    session.commit()
    assert audit.verify_chain(session).ok


def test_actor_helpers() -> None:
    assert audit.actor_for_partner("police-fed") == "partner:police-fed"
    assert audit.ADMIN_CLI_ACTOR == "admin:cli"


# --- verification ---------------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_reports_count_and_head(session: Session) -> None:
    entries = _chain(session, 5)
    report = audit.verify_chain(session)
    assert report.ok
    assert report.problem is None
    assert report.entries == 5
    assert report.head == entries[-1].hash


def test_an_empty_log_verifies(session: Session) -> None:
    report = audit.verify_chain(session)
    assert report.ok and report.entries == 0 and report.head == "0" * 64


def test_an_edited_details_field_is_detected_at_that_entry(session: Session) -> None:
    entries = _chain(session, 5)
    _set_details(session, entries[2].id, {"step": 2, "codes": ["a", "b"], "counts": {"x": 3}})
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert report.problem.kind == "edited"
    assert report.problem.entry_id == entries[2].id
    assert report.entries == 3 and report.intact_entries == 2
    assert report.head == entries[1].hash


@pytest.mark.parametrize("column", ["actor", "action", "prev_hash"])
def test_an_edited_column_is_detected(session: Session, column: str) -> None:
    entries = _chain(session, 4)
    value = "f" * 64 if column == "prev_hash" else "admin:other" if column == "actor" else "test.other"
    _sql(session, f"UPDATE audit_entry SET {column} = :v WHERE id = :id", v=value, id=entries[1].id)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[1].id, "edited")


def test_an_edited_timestamp_is_detected(session: Session) -> None:
    entries = _chain(session, 3)
    moved = entries[1].at.replace(year=entries[1].at.year - 1)
    stmt = sa.text("UPDATE audit_entry SET at = :at WHERE id = :id").bindparams(
        sa.bindparam("at", type_=AuditEntry.__table__.c.at.type)
    )
    session.execute(stmt, {"at": moved, "id": entries[1].id})
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[1].id, "edited")


def test_an_edited_hash_is_detected(session: Session) -> None:
    entries = _chain(session, 4)
    _sql(session, "UPDATE audit_entry SET hash = :h WHERE id = :id", h="e" * 64, id=entries[1].id)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[1].id, "edited")


def test_an_entry_edited_and_rehashed_breaks_the_link_to_the_next(session: Session) -> None:
    """Someone who recomputes the edited entry's hash makes it self-consistent; the next entry still
    carries the old hash."""
    entries = _chain(session, 4)
    forged = {"step": 1, "codes": ["a"], "counts": {"x": 1}}
    target = entries[1]
    new_hash = audit.entry_hash(
        prev_hash=target.prev_hash, at=target.at, actor=target.actor, action=target.action, details=forged
    )
    _set_details(session, target.id, forged)
    _sql(session, "UPDATE audit_entry SET hash = :h WHERE id = :id", h=new_hash, id=target.id)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[2].id, "broken")
    assert f"does not follow entry {target.id}" in report.problem.message


def test_a_deleted_middle_entry_is_detected_at_the_next(session: Session) -> None:
    entries = _chain(session, 5)
    _sql(session, "DELETE FROM audit_entry WHERE id = :id", id=entries[2].id)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[3].id, "broken")
    assert "deleted" in report.problem.message


def test_a_deleted_first_entry_is_detected(session: Session) -> None:
    entries = _chain(session, 3)
    _sql(session, "DELETE FROM audit_entry WHERE id = :id", id=entries[0].id)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (entries[1].id, "broken")


def test_two_swapped_entries_are_reported_as_reordered(session: Session) -> None:
    entries = _chain(session, 5)
    a, b = entries[1].id, entries[2].id
    spare = entries[-1].id + 1000
    _sql(session, "UPDATE audit_entry SET id = :new WHERE id = :old", new=spare, old=a)
    _sql(session, "UPDATE audit_entry SET id = :new WHERE id = :old", new=a, old=b)
    _sql(session, "UPDATE audit_entry SET id = :new WHERE id = :old", new=b, old=spare)
    report = audit.verify_chain(session)
    assert report.problem is not None
    assert (report.problem.entry_id, report.problem.kind) == (a, "reordered")


def test_deleting_the_last_entry_is_invisible_to_the_chain_alone_but_not_to_an_anchor(
    session: Session,
) -> None:
    """A chain cut short is still a valid chain: only a head recorded elsewhere shows the cut. ``audit
    verify`` logs the count and head of every run; ``--anchor`` checks a recorded head is still there."""
    entries = _chain(session, 4)
    recorded = audit.verify_chain(session)
    assert recorded.ok and recorded.entries == 4
    _sql(session, "DELETE FROM audit_entry WHERE id = :id", id=entries[-1].id)

    alone = audit.verify_chain(session)
    assert alone.ok  # undetectable by the chain alone ...
    assert alone.entries == 3 and alone.head != recorded.head  # ... but the count and head changed

    anchored = audit.verify_chain(session, anchor=recorded.head)
    assert anchored.problem is not None
    assert anchored.problem.kind == "anchor_missing"
    assert anchored.intact_entries == 3


def test_an_anchor_still_in_the_chain_passes(session: Session) -> None:
    entries = _chain(session, 3)
    anchor = audit.verify_chain(session).head
    audit.append(session, "admin:cli", "test.step", {"step": 3})
    session.commit()
    assert audit.verify_chain(session, anchor=anchor).ok
    assert audit.verify_chain(session, anchor=entries[0].hash).ok


def test_verification_ignores_stale_objects_in_the_session(session: Session) -> None:
    """The tampering goes around the ORM; verification must read the rows, not the identity map."""
    entries = _chain(session, 2)
    assert entries[0].details["step"] == 0  # loaded in the session
    _set_details(session, entries[0].id, {"step": 5, "codes": ["a", "b"], "counts": {"x": 0}})
    report = audit.verify_chain(session)
    assert not report.ok


def test_tail_returns_the_newest_oldest_first(session: Session) -> None:
    entries = _chain(session, 5)
    assert [e.id for e in audit.tail(session, 2)] == [entries[3].id, entries[4].id]


# --- what may be logged ---------------------------------------------------------------------------


def test_scalars_lists_and_dicts_of_scalars_are_accepted_and_tuples_become_lists(session: Session) -> None:
    entry = audit.append(
        session,
        "partner:police-fed",
        "batch.received",
        {
            "batch_id": 12,
            "accepted": 998,
            "ratio": 0.5,
            "replay": False,
            "previous": None,
            "entity_types": ("PERSON", "PHONE"),
            "rejected_by_entity": {"PERSON": 2, "IBAN": 1},
        },
    )
    session.commit()
    assert entry.details["entity_types"] == ["PERSON", "PHONE"]
    assert audit.verify_chain(session).ok


@pytest.mark.parametrize(
    "details",
    [
        {"records": [{"field": "narrative"}]},  # a list of dicts
        {"nested": {"a": {"b": 1}}},  # a dict of dicts
        {"nested": {"a": [1, 2]}},  # a dict of lists
        {"blob": b"bytes"},
        {"when": object()},
        {"set": {1, 2}},
        {"nan": float("nan")},
        {"inf": [float("inf")]},
    ],
    ids=lambda d: next(iter(d)),
)
def test_non_scalar_details_are_refused(session: Session, details: dict[str, object]) -> None:
    with pytest.raises(audit.AuditDetailsError):
        audit.append(session, "admin:cli", "test.step", details)
    assert audit.count(session) == 0


def test_long_strings_are_refused_as_free_text(session: Session) -> None:
    audit.append(session, "admin:cli", "test.step", {"code": "x" * 200})
    long_text = "Verbatim statement of the victim " * 7
    for details in ({"note": long_text}, {"notes": ["ok", long_text]}, {"by": {"k": long_text}}):
        with pytest.raises(audit.AuditDetailsError) as caught:
            audit.append(session, "admin:cli", "test.step", details)
        assert long_text not in str(caught.value)  # the refusal never quotes the value
        assert "free text" in str(caught.value)


@pytest.mark.parametrize(
    "details",
    [{1: "x"}, {"a key with spaces": 1}, {"k" * 61: 1}, {"ok": {"Jan Janssens lives at": 1}}],
    ids=["int-key", "spaces", "long", "nested-free-text"],
)
def test_keys_must_be_short_identifiers(session: Session, details: dict[object, object]) -> None:
    with pytest.raises(audit.AuditDetailsError):
        audit.append(session, "admin:cli", "test.step", details)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        ("Jan Janssens", "test.step"),
        ("admin:cli", "Looked at the file of Jan"),
        ("admin:" + "x" * 100, "test.step"),
        ("admin:cli", "test." + "x" * 60),
    ],
)
def test_actor_and_action_must_be_codes(session: Session, actor: str, action: str) -> None:
    with pytest.raises(audit.AuditDetailsError):
        audit.append(session, actor, action, {})


# --- concurrency ----------------------------------------------------------------------------------


@pytest.fixture
def committing_app(database_url: str) -> Iterator[Flask]:
    """An app of its own on the test database, outside the rolled-back test transaction (which on
    SQLite holds the write lock), for writers that really commit. Deletes what they wrote."""
    migrate.upgrade(database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            before = conn.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
        try:
            yield app
        finally:
            with engine.begin() as conn:
                conn.execute(sa.delete(AuditEntry).where(AuditEntry.id > before))
            engine.dispose()


def test_concurrent_writers_do_not_fork_the_chain(committing_app: Flask) -> None:
    writers, per_writer = 4, 15
    with committing_app.app_context():
        engine = db.engine
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(per_writer):
                with Session(engine) as s, s.begin():
                    audit.append(s, "admin:cli", "test.concurrent", {"worker": worker, "i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors

    with Session(engine) as s:
        report = audit.verify_chain(s)
        assert report.problem is None, report.problem
        written = s.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.concurrent")
        )
        prev_hashes = s.scalars(sa.select(AuditEntry.prev_hash)).all()
    assert written == writers * per_writer
    assert len(prev_hashes) == len(set(prev_hashes))  # no two entries chained onto the same head
