"""The outbox: a local SQLite journal of *anonymous* batches waiting for the Centre.

Only what may leave the partner is ever written here: the exact JSON body of each batch (anonymous
records, as :meth:`AnonymousCase.to_dict` makes them), its batch id, delivery bookkeeping, and for
each export file its progress and its report (counts, row numbers, field names and reasons; never a
value). Every record is checked with :func:`anonymiser.verify` before it is added; a record with any
finding is refused (:class:`RefusedRecord`) and never written.

Durability (``journal_mode=WAL``, ``synchronous=FULL``; one transaction per step):

* A batch gets its id (``<partner>-<UTC timestamp>-<12 hex>``) and its body bytes *before* the
  first attempt, in the same transaction that records how far the export file has been read. A
  crash before that commit loses nothing (the rows are read again); after it, nothing is done twice
  (reading resumes after the batch).
* A batch is sent again with the same id and the very same bytes until the Centre acknowledges it
  (``201``, or ``200`` for a batch it already stored): the Centre is idempotent, so a crash after it
  stored the batch but before the acknowledgement was recorded costs one ``200`` replay, not a
  duplicate. On acknowledgement the body is dropped and a receipt kept (counts, the rejected
  records' index, key and entity types).
* A batch the Centre refuses for good (``409``, ``413``, ``422``) is kept, body included, in state
  ``failed`` for an operator; :meth:`Outbox.retry_failed` puts it back in line.

States: ``pending`` -> ``sent`` (acknowledged) or ``failed``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from anonymiser import AnonymousCase, verify

DEFAULT_BATCH_RECORDS: Final = 1000
MAX_BATCH_RECORDS: Final = 5000  # the Centre's default MAX_BATCH_RECORDS
#: Largest body put in one batch; the Centre's default MAX_CONTENT_LENGTH is 20 MiB.
DEFAULT_BATCH_BYTES: Final = 8 * 1024 * 1024
MAX_BATCH_ID_CHARS: Final = 100
MAX_ERROR_CHARS: Final = 300
BATCH_ID_RE: Final = re.compile(r"[A-Za-z0-9._:-]{1,100}")

PENDING: Final = "pending"
SENT: Final = "sent"
FAILED: Final = "failed"
READING: Final = "reading"
QUEUED: Final = "queued"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS batch (
    batch_id        TEXT PRIMARY KEY,
    partner         TEXT NOT NULL,
    file_id         TEXT,
    record_count    INTEGER NOT NULL,
    body            BLOB,
    body_sha256     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error      TEXT,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    acknowledged_at TEXT,
    receipt         TEXT
);
CREATE INDEX IF NOT EXISTS batch_due ON batch (state, next_attempt_at, created_at);
CREATE TABLE IF NOT EXISTS file (
    file_id     TEXT PRIMARY KEY,
    partner     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('reading', 'queued')),
    items_done  INTEGER NOT NULL DEFAULT 0,
    report      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""


class OutboxError(Exception):
    """The outbox cannot be opened or used; the message names the file and why."""


class RefusedRecord(ValueError):
    """A record that fails the last local check; ``findings`` are (field, entity type) pairs."""

    def __init__(self, findings: Sequence[tuple[str, str]]) -> None:
        self.findings = tuple(findings)
        kinds = ", ".join(sorted({f"{field} {kind}" for field, kind in self.findings}))
        super().__init__(f"refused by the final check before the outbox: {kinds}")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_batch_id(partner: str) -> str:
    """``<partner>-<UTC yyyymmddThhmmssZ>-<12 hex of a uuid4>``: says nothing about a case."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    batch_id = f"{partner}-{stamp}-{uuid.uuid4().hex[:12]}"
    if not BATCH_ID_RE.fullmatch(batch_id):
        raise OutboxError(f"partner code {partner!r} cannot be part of a batch id")
    return batch_id


def checked_payload(case: AnonymousCase) -> dict[str, object]:
    """The record's JSON object, after :func:`anonymiser.verify` found nothing in it."""
    findings = verify(case)
    if findings:
        raise RefusedRecord([(f.field, f.entity_type) for f in findings])
    return case.to_dict()


def encode_record(record: Mapping[str, object]) -> bytes:
    """One record as compact JSON in UTF-8 (serialised once; the batch body is built from these)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def encode_body(batch_id: str, records: Sequence[bytes]) -> bytes:
    """The exact bytes sent: ``{"batch_id":...,"records":[...]}`` from encoded records."""
    head = json.dumps({"batch_id": batch_id}, separators=(",", ":")).encode("ascii")[:-1]
    return head + b',"records":[' + b",".join(records) + b"]}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class PendingBatch:
    batch_id: str
    body: bytes
    record_count: int
    attempts: int
    next_attempt_at: float


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """A batch as the outbox knows it (no body)."""

    batch_id: str
    partner: str
    file_id: str | None
    record_count: int
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    created_at: str
    acknowledged_at: str | None
    receipt: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class FileProgress:
    file_id: str
    state: str
    items_done: int
    report: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Totals:
    pending: int
    sent: int
    failed: int
    pending_records: int
    next_attempt_at: float | None


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its journal files the
    same mode); an existing file is left as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class Outbox:
    """One SQLite file; use one :class:`Outbox` per thread (``with Outbox(path) as box: ...``)."""

    path: Path

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            if self.path.parent != Path():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"{self.path}: cannot open the outbox ({type(exc).__name__})") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            with self._transaction():
                self._create()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise OutboxError(f"{self.path}: not a usable outbox database ({exc})") from None

    def _create(self) -> None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing --------------------------------------------------------------------------------

    def _insert_batch(
        self, db: sqlite3.Connection, partner: str, file_id: str | None, records: Sequence[bytes]
    ) -> str:
        if not records:
            raise ValueError("a batch holds at least one record")
        if len(records) > MAX_BATCH_RECORDS:
            raise ValueError(f"a batch holds at most {MAX_BATCH_RECORDS} records")
        batch_id = new_batch_id(partner)
        body = encode_body(batch_id, records)
        db.execute(
            "INSERT INTO batch (batch_id, partner, file_id, record_count, body, body_sha256, "
            "created_at, next_attempt_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (batch_id, partner, file_id, len(records), body, _sha256(body), utc_now(), time.time(), PENDING),
        )
        return batch_id

    def add_batch(
        self,
        partner: str,
        records: Sequence[bytes],
        *,
        file_id: str | None = None,
        items_done: int | None = None,
        report: Mapping[str, Any] | None = None,
        finished: bool = False,
    ) -> str | None:
        """Store one batch of encoded, checked anonymous records (see :func:`checked_payload` and
        :func:`encode_record`) and, in the same transaction, the progress of the file they come
        from (``finished``: the file is completely queued). Returns the new batch id (None when
        ``records`` is empty and only the progress was saved)."""
        with self._transaction() as db:
            batch_id = self._insert_batch(db, partner, file_id, records) if records else None
            if file_id is not None and items_done is not None:
                state = QUEUED if finished else READING
                self._save_progress(db, file_id, partner, state, items_done, report or {})
        return batch_id

    def start_file(self, file_id: str, partner: str, report: Mapping[str, Any]) -> FileProgress:
        """The progress of a file: a new entry (nothing read yet) or the one left by an earlier run."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT state, items_done, report FROM file WHERE file_id = ?", (file_id,)
            ).fetchone()
            if row is None:
                self._save_progress(db, file_id, partner, READING, 0, report)
                return FileProgress(file_id, READING, 0, dict(report))
        return FileProgress(file_id, str(row[0]), int(row[1]), json.loads(row[2]))

    def forget_file(self, file_id: str) -> None:
        """Drop a file's progress, so that the same content is read again (``run --again``)."""
        with self._transaction() as db:
            db.execute("DELETE FROM file WHERE file_id = ?", (file_id,))
            db.execute("UPDATE batch SET file_id = NULL WHERE file_id = ?", (file_id,))

    @staticmethod
    def _save_progress(
        db: sqlite3.Connection,
        file_id: str,
        partner: str,
        state: str,
        items_done: int,
        report: Mapping[str, Any],
    ) -> None:
        now = utc_now()
        db.execute(
            "INSERT INTO file (file_id, partner, state, items_done, report, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET state = excluded.state, "
            "items_done = excluded.items_done, report = excluded.report, updated_at = excluded.updated_at",
            (file_id, partner, state, items_done, json.dumps(report, ensure_ascii=False), now, now),
        )

    # -- delivery -------------------------------------------------------------------------------

    def due(self, now: float | None = None, limit: int = 100) -> list[PendingBatch]:
        """Pending batches whose next attempt is due, oldest first."""
        at = time.time() if now is None else now
        rows = self._db.execute(
            "SELECT batch_id, body, record_count, attempts, next_attempt_at FROM batch "
            "WHERE state = ? AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?",
            (PENDING, at, limit),
        ).fetchall()
        return [PendingBatch(str(r[0]), bytes(r[1]), int(r[2]), int(r[3]), float(r[4])) for r in rows]

    def mark_sent(self, batch_id: str, receipt: Mapping[str, Any]) -> None:
        """The Centre acknowledged the batch: keep a receipt (counts, rejected records' keys and
        entity types), drop the body."""
        with self._transaction() as db:
            db.execute(
                "UPDATE batch SET state = ?, body = NULL, attempts = attempts + 1, last_error = NULL, "
                "acknowledged_at = ?, receipt = ? WHERE batch_id = ?",
                (SENT, utc_now(), json.dumps(receipt, ensure_ascii=False), batch_id),
            )

    def mark_retry(self, batch_id: str, error: str, next_attempt_at: float) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE batch SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE batch_id = ? AND state = ?",
                (error[:MAX_ERROR_CHARS], next_attempt_at, batch_id, PENDING),
            )

    def mark_failed(self, batch_id: str, error: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE batch SET state = ?, attempts = attempts + 1, last_error = ? WHERE batch_id = ?",
                (FAILED, error[:MAX_ERROR_CHARS], batch_id),
            )

    def retry_failed(self) -> int:
        """Put every failed batch back in line (after an operator fixed the cause)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE batch SET state = ?, next_attempt_at = ? WHERE state = ?",
                (PENDING, time.time(), FAILED),
            )
            return cursor.rowcount

    def make_due(self) -> None:
        """Every pending batch due now (a new run should not wait for an old backoff)."""
        with self._transaction() as db:
            db.execute("UPDATE batch SET next_attempt_at = ? WHERE state = ?", (time.time(), PENDING))

    def purge_sent(self, older_than_days: float) -> int:
        """Delete the receipts of batches acknowledged more than ``older_than_days`` ago."""
        cutoff = datetime.fromtimestamp(time.time() - older_than_days * 86400, UTC)
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM batch WHERE state = ? AND acknowledged_at < ?",
                (SENT, cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )
            return cursor.rowcount

    # -- reading --------------------------------------------------------------------------------

    def totals(self) -> Totals:
        counts = dict.fromkeys((PENDING, SENT, FAILED), 0)
        for state, n in self._db.execute("SELECT state, COUNT(*) FROM batch GROUP BY state"):
            counts[str(state)] = int(n)
        row = self._db.execute(
            "SELECT COALESCE(SUM(record_count), 0), MIN(next_attempt_at) FROM batch WHERE state = ?",
            (PENDING,),
        ).fetchone()
        return Totals(
            counts[PENDING], counts[SENT], counts[FAILED], int(row[0]), None if row[1] is None else row[1]
        )

    def batches(self, *, file_id: str | None = None, state: str | None = None) -> list[BatchInfo]:
        sql = (
            "SELECT batch_id, partner, file_id, record_count, state, attempts, next_attempt_at, "
            "last_error, created_at, acknowledged_at, receipt FROM batch"
        )
        where: list[str] = []
        args: list[object] = []
        if file_id is not None:
            where.append("file_id = ?")
            args.append(file_id)
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at, rowid"
        return [
            BatchInfo(
                batch_id=str(r[0]),
                partner=str(r[1]),
                file_id=r[2],
                record_count=int(r[3]),
                state=str(r[4]),
                attempts=int(r[5]),
                next_attempt_at=float(r[6]),
                last_error=r[7],
                created_at=str(r[8]),
                acknowledged_at=r[9],
                receipt=None if r[10] is None else json.loads(r[10]),
            )
            for r in self._db.execute(sql, args)
        ]

    def file_progress(self, file_id: str) -> FileProgress | None:
        row = self._db.execute(
            "SELECT state, items_done, report FROM file WHERE file_id = ?", (file_id,)
        ).fetchone()
        if row is None:
            return None
        return FileProgress(file_id, str(row[0]), int(row[1]), json.loads(row[2]))


class BatchWriter:
    """Collects checked records of one export file and stores them as batches of up to
    ``max_records`` records and ``max_bytes`` bytes, each with the file's progress."""

    def __init__(
        self,
        outbox: Outbox,
        partner: str,
        file_id: str | None = None,
        *,
        max_records: int = DEFAULT_BATCH_RECORDS,
        max_bytes: int = DEFAULT_BATCH_BYTES,
    ) -> None:
        if not 1 <= max_records <= MAX_BATCH_RECORDS:
            raise ValueError(f"the batch size must be 1 to {MAX_BATCH_RECORDS} records")
        self.outbox = outbox
        self.partner = partner
        self.file_id = file_id
        self.max_records = max_records
        self.max_bytes = max_bytes
        self._records: list[bytes] = []
        self._size = 0
        self.batch_ids: list[str] = []

    @property
    def buffered(self) -> int:
        return len(self._records)

    def add(self, case: AnonymousCase) -> bytes:
        """Check the record (:class:`RefusedRecord` if anything is found) and buffer it. The
        caller then calls :meth:`flush_if_full` with the progress that includes this record."""
        encoded = encode_record(checked_payload(case))
        self._records.append(encoded)
        self._size += len(encoded) + 1
        return encoded

    def full(self) -> bool:
        return len(self._records) >= self.max_records or self._size >= self.max_bytes

    def flush(self, items_done: int | None = None, report: Mapping[str, Any] | None = None) -> str | None:
        """Store the buffered records as one batch (with the file's progress)."""
        batch_id = self.outbox.add_batch(
            self.partner, self._records, file_id=self.file_id, items_done=items_done, report=report
        )
        if batch_id is not None:
            self.batch_ids.append(batch_id)
        self._records = []
        self._size = 0
        return batch_id

    def finish(self, items_done: int | None = None, report: Mapping[str, Any] | None = None) -> str | None:
        """Store what is left and mark the file completely queued, in one transaction."""
        batch_id = self.outbox.add_batch(
            self.partner,
            self._records,
            file_id=self.file_id,
            items_done=items_done,
            report=report,
            finished=True,
        )
        if batch_id is not None:
            self.batch_ids.append(batch_id)
        self._records = []
        self._size = 0
        return batch_id
