"""The append-only, hash-chained audit log: who did what, when; ids, counts and codes only.

Each entry's ``hash`` is the SHA-256 (hex) of a canonical JSON of its own fields and of the previous
entry's hash::

    {"action":..,"actor":..,"at":"2026-03-01T09:15:02.123456+00:00","details":{..},"prev_hash":..}

(keys sorted at every level, no spaces, UTF-8, no NaN or infinity; ``at`` in UTC with microseconds).
The database id is not part of it, so the chain does not depend on how rows are numbered. The first
entry's ``prev_hash`` is 64 zeros.

Appending is serialised so that two processes never chain onto the same head (a fork): on PostgreSQL by
a transaction-scoped advisory lock (``SELECT ... FOR UPDATE`` on the last row locks nothing while the
table is empty, and a new row inserted by another transaction is not locked by it either); on SQLite
the app opens every transaction with ``BEGIN IMMEDIATE``, which takes the database's write lock before
the head is read. The lock is held until the caller commits or rolls back, so callers append last,
just before they commit. This relies on PostgreSQL's default READ COMMITTED isolation (the head is read
after the lock is granted, in a fresh snapshot); under REPEATABLE READ the head could be stale. The
unique constraint on ``hash`` is the backstop against two identical entries.

``verify_chain`` walks the entries in id order and reports the first problem: an entry whose content
no longer matches its hash (edited), an entry whose ``prev_hash`` is not the hash of the entry before
it (one deleted, or edited and re-hashed), or one that links to a later entry (reordered). What it
cannot see is the removal of the newest entries: a chain cut short is still a valid chain. Against
that, ``audit verify`` logs the entry count and head hash of every run (kept outside the database), and
``--anchor HASH`` checks that a head recorded earlier is still in the chain. See docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ciateh.db import utcnow
from ciateh.models import AuditEntry

GENESIS_HASH = "0" * 64

# pg_advisory_xact_lock key of the audit chain: the first 8 bytes of SHA-256("ciateh.audit_entry"),
# as a signed 64-bit integer. Any other advisory lock in the app must use another key.
AUDIT_LOCK_KEY = int.from_bytes(hashlib.sha256(b"ciateh.audit_entry").digest()[:8], "big", signed=True)

MAX_DETAIL_CHARS = 200
MAX_DETAIL_ITEMS = 1000
ADMIN_CLI_ACTOR = "admin:cli"

_ACTION_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_ACTOR_RE = re.compile(r"[a-z][a-z0-9_]*:[A-Za-z0-9][A-Za-z0-9_.:@-]*")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_MAX_KEY_CHARS = 60
_SCALARS = (str, int, float, bool, type(None))

Scalar = str | int | float | bool | None


class AuditDetailsError(ValueError):
    """Audit details that are not ids, counts, codes: refused (the message names the key, never the value)."""


def actor_for_partner(partner_code: str) -> str:
    return f"partner:{partner_code}"


# --- details -------------------------------------------------------------------------------------


def _check_key(key: object, where: str) -> str:
    if not isinstance(key, str) or len(key) > _MAX_KEY_CHARS or not _KEY_RE.fullmatch(key):
        raise AuditDetailsError(f"audit details: {where} has a key that is not a short identifier")
    return key


def _check_scalar(value: object, where: str) -> Scalar:
    if not isinstance(value, _SCALARS):
        raise AuditDetailsError(
            f"audit details: {where} is a {type(value).__name__}, not a scalar or a list or dict of scalars"
        )
    if isinstance(value, str) and len(value) > MAX_DETAIL_CHARS:
        raise AuditDetailsError(
            f"audit details: {where} is a string of {len(value)} characters (at most {MAX_DETAIL_CHARS}:"
            " ids, counts, entity types and codes only, never free text)"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise AuditDetailsError(f"audit details: {where} is not a finite number")
    return value


def validate_details(details: Mapping[str, object]) -> dict[str, Any]:
    """Check that ``details`` holds only scalars, lists of scalars and dicts of scalars (string keys,
    strings of at most 200 characters) and return it as plain JSON types (tuples become lists)."""
    if not isinstance(details, Mapping):
        raise AuditDetailsError("audit details must be a dict")
    clean: dict[str, Any] = {}
    for key, value in details.items():
        name = _check_key(key, "the details")
        where = f"field {name!r}"
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_DETAIL_ITEMS:
                raise AuditDetailsError(f"audit details: {where} has more than {MAX_DETAIL_ITEMS} items")
            clean[name] = [_check_scalar(v, f"an item of {where}") for v in value]
        elif isinstance(value, Mapping):
            if len(value) > MAX_DETAIL_ITEMS:
                raise AuditDetailsError(f"audit details: {where} has more than {MAX_DETAIL_ITEMS} items")
            clean[name] = {
                _check_key(k, where): _check_scalar(v, f"a value of {where}") for k, v in value.items()
            }
        else:
            clean[name] = _check_scalar(value, where)
    return clean


# --- hashing -------------------------------------------------------------------------------------


def canonical_at(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit timestamps are timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(
    *, prev_hash: str, at: datetime, actor: str, action: str, details: Mapping[str, Any]
) -> bytes:
    payload = {
        "prev_hash": prev_hash,
        "at": canonical_at(at),
        "actor": actor,
        "action": action,
        "details": details,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_hash(*, prev_hash: str, at: datetime, actor: str, action: str, details: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        canonical_json(prev_hash=prev_hash, at=at, actor=actor, action=action, details=details)
    ).hexdigest()


# --- appending -----------------------------------------------------------------------------------


def _lock_chain(session: Session) -> None:
    dialect = session.get_bind(AuditEntry).dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK_KEY)))
    elif dialect == "sqlite":
        # the transaction began with BEGIN IMMEDIATE (ciateh._sqlite_pragmas): it already holds the
        # database's write lock, so no other writer can read the same head until this one ends
        pass
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"the audit log cannot lock its chain on {dialect}")


def head_hash(session: Session) -> str:
    """The hash of the newest entry, or the genesis hash when the log is empty."""
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last if last is not None else GENESIS_HASH


def append(session: Session, actor: str, action: str, details: Mapping[str, object]) -> AuditEntry:
    """Add an entry to the chain (flushed, not committed: it commits or rolls back with the caller's
    transaction, and the chain stays locked until then)."""
    if len(actor) > 100 or not _ACTOR_RE.fullmatch(actor):
        raise AuditDetailsError("audit actor must look like 'partner:<code>' or 'admin:cli'")
    if len(action) > 60 or not _ACTION_RE.fullmatch(action):
        raise AuditDetailsError("audit action must be a dotted lower-case code such as 'key.revoked'")
    clean = validate_details(details)
    _lock_chain(session)
    prev = head_hash(session)
    at = utcnow()
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        details=clean,
        prev_hash=prev,
        hash=entry_hash(prev_hash=prev, at=at, actor=actor, action=action, details=clean),
    )
    session.add(entry)
    session.flush()  # the id is taken while the chain is locked, so id order is chain order
    return entry


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    kind: str  # edited | broken | reordered | anchor_missing
    message: str


@dataclass(frozen=True)
class ChainReport:
    entries: int  # entries checked (up to and including the first bad one)
    head: str  # hash of the last entry checked (GENESIS_HASH for an empty log)
    problem: ChainProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def intact_entries(self) -> int:
        """Entries before the first problem (all of them when only the anchor is missing)."""
        if self.problem is None or self.problem.kind == "anchor_missing":
            return self.entries
        return self.entries - 1


def verify_chain(session: Session, anchor: str | None = None, batch_size: int = 1000) -> ChainReport:
    """Walk the log in id order and report the first edited, deleted or reordered entry.

    ``anchor``: a head hash recorded earlier (by a previous run); the report fails if the chain no
    longer contains it, which shows entries cut from the end since then.
    """
    columns = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    stmt = select(*columns).order_by(AuditEntry.id).execution_options(yield_per=batch_size)
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    checked = 0
    anchor_found = anchor is None or anchor == GENESIS_HASH
    for entry_id, at, actor, action, details, prev_hash, stored_hash in session.execute(stmt):
        checked += 1
        try:
            recomputed = entry_hash(prev_hash=prev_hash, at=at, actor=actor, action=action, details=details)
        except (TypeError, ValueError):  # a tampered value JSON cannot encode canonically (NaN, ...)
            recomputed = ""
        if recomputed != stored_hash:
            problem = ChainProblem(
                entry_id, "edited", f"entry {entry_id}: its content does not match its hash (edited)"
            )
            return ChainReport(checked, expected_prev, problem)
        if prev_hash != expected_prev:
            return ChainReport(
                checked, expected_prev, _broken_link(session, entry_id, prev_hash, previous_id)
            )
        expected_prev = stored_hash
        previous_id = entry_id
        if not anchor_found and stored_hash == anchor:
            anchor_found = True
    if not anchor_found:
        return ChainReport(
            checked,
            expected_prev,
            ChainProblem(
                previous_id or 0,
                "anchor_missing",
                "the recorded head (anchor) is no longer in the chain: entries were removed from the end",
            ),
        )
    return ChainReport(checked, expected_prev)


def _broken_link(session: Session, entry_id: int, prev_hash: str, previous_id: int | None) -> ChainProblem:
    if previous_id is None:
        return ChainProblem(
            entry_id,
            "broken",
            f"entry {entry_id}: the first entry does not start the chain (earlier entries deleted)",
        )
    target = session.scalar(select(AuditEntry.id).where(AuditEntry.hash == prev_hash))
    if target is not None and target > entry_id:
        return ChainProblem(
            entry_id,
            "reordered",
            f"entry {entry_id}: it follows entry {target}, which comes later (entries reordered)",
        )
    if target is not None:
        return ChainProblem(
            entry_id,
            "broken",
            f"entry {entry_id}: it follows entry {target}, not entry {previous_id}"
            " (entries between them reordered or the chain forked)",
        )
    if prev_hash == GENESIS_HASH:
        return ChainProblem(
            entry_id,
            "broken",
            f"entry {entry_id}: it claims to be the first entry but follows entry {previous_id}"
            " (entries before it inserted or reordered)",
        )
    return ChainProblem(
        entry_id,
        "broken",
        f"entry {entry_id}: it does not follow entry {previous_id} (an entry between them was deleted,"
        f" or entry {previous_id} was edited and re-hashed)",
    )


def tail(session: Session, n: int = 20) -> list[AuditEntry]:
    """The newest ``n`` entries, oldest first."""
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n)).all()
    return list(reversed(rows))


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
