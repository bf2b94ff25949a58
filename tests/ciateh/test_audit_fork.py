"""UNIQUE(audit_entry.prev_hash): each audit entry can have only one successor, so the database refuses
a fork of the chain (migration 0002), on SQLite and on PostgreSQL (``CIATEH_TEST_DATABASE_URL``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ciateh import audit, migrate
from ciateh.models import AuditEntry

PG_ENV = "CIATEH_TEST_DATABASE_URL"
CONSTRAINT = "uq_audit_entry_prev_hash"


def _entry(prev_hash: str, n: int) -> AuditEntry:
    """An entry chained onto ``prev_hash`` (with its correct hash, so only the fork is wrong)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    details = {"n": n}
    return AuditEntry(
        at=at,
        actor="admin:cli",
        action="test.fork",
        details=details,
        prev_hash=prev_hash,
        hash=audit.entry_hash(
            prev_hash=prev_hash, at=at, actor="admin:cli", action="test.fork", details=details
        ),
    )


# --- on the test database (migrated to head by conftest) ------------------------------------------


def test_a_second_successor_of_the_same_entry_is_refused(session: Session) -> None:
    first = audit.append(session, "admin:cli", "test.step", {"step": 1})
    session.commit()
    session.add(_entry(first.hash, 1))
    session.commit()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_entry(first.hash, 2))  # a fork: a second entry after `first`
        session.flush()
    session.rollback()
    assert audit.verify_chain(session).ok


def test_a_second_genesis_entry_is_refused(session: Session) -> None:
    audit.append(session, "admin:cli", "test.step", {"step": 1})
    session.commit()
    # whatever the log holds, an entry that claims to start the chain (prev_hash = genesis) exists
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_entry(audit.GENESIS_HASH, 1))
        session.flush()


def test_raw_sql_cannot_fork_the_chain_either(session: Session) -> None:
    head = audit.append(session, "admin:cli", "test.step", {"step": 1})
    audit.append(session, "admin:cli", "test.step", {"step": 2})
    session.commit()
    insert = sa.text(
        "INSERT INTO audit_entry (at, actor, action, details, prev_hash, hash)"
        " VALUES (:at, 'admin:cli', 'test.fork', '{}', :prev, :hash)"
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert, {"at": datetime.now(UTC), "prev": head.prev_hash, "hash": "a" * 64})


def test_the_model_declares_the_named_constraint() -> None:
    table = AuditEntry.metadata.tables["audit_entry"]
    names = {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
    assert CONSTRAINT in names


# --- the migration, on a database of its own -------------------------------------------------------


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database: an SQLite file, or a PostgreSQL schema of its own (dropped afterwards)."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield f"sqlite:///{tmp_path / 'fork.sqlite3'}"
        return
    schema = f"fork_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        yield _with_search_path(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _unique_constraints(engine: sa.Engine) -> set[str | None]:
    return {c["name"] for c in sa.inspect(engine).get_unique_constraints("audit_entry")}


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        value = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return None if value is None else str(value)


def _insert(engine: sa.Engine, *entries: AuditEntry) -> None:
    with Session(engine) as s, s.begin():
        s.add_all(entries)


def test_upgrade_adds_the_constraint_and_downgrade_removes_it(fresh_url: str) -> None:
    engine = sa.create_engine(fresh_url)
    try:
        migrate.upgrade(fresh_url, "0001")
        _insert(engine, _entry(audit.GENESIS_HASH, 0))
        assert CONSTRAINT not in _unique_constraints(engine)

        migrate.upgrade(fresh_url, "0002")
        assert _revision(engine) == "0002"
        assert CONSTRAINT in _unique_constraints(engine)
        assert "uq_audit_entry_hash" in _unique_constraints(engine)  # kept by SQLite's table rebuild
        with Session(engine) as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1  # data kept
        with pytest.raises(IntegrityError):
            _insert(engine, _entry(audit.GENESIS_HASH, 1))

        migrate.downgrade(fresh_url, "0001")
        assert _revision(engine) == "0001"
        assert CONSTRAINT not in _unique_constraints(engine)
        _insert(engine, _entry(audit.GENESIS_HASH, 1))  # without the constraint, a fork goes in

        migrate.downgrade(fresh_url, "base")
        assert "audit_entry" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_upgrade_refuses_a_log_that_already_forks_and_changes_nothing(fresh_url: str) -> None:
    engine = sa.create_engine(fresh_url)
    try:
        migrate.upgrade(fresh_url, "0001")
        _insert(engine, _entry(audit.GENESIS_HASH, 0), _entry(audit.GENESIS_HASH, 1))
        with pytest.raises(RuntimeError, match=r"forks at 1 entry"):
            migrate.upgrade(fresh_url)
        assert _revision(engine) == "0001"
        assert CONSTRAINT not in _unique_constraints(engine)
        with Session(engine) as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2
            s.execute(sa.delete(AuditEntry).where(AuditEntry.details["n"].as_integer() == 1))
            s.commit()
        migrate.upgrade(fresh_url, "0002")  # the fork resolved: the constraint goes in
        assert _revision(engine) == "0002"
    finally:
        engine.dispose()
