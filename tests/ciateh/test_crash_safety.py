"""Crash safety: a batch whose server is killed (SIGKILL, master and worker) in the middle of its
transaction leaves nothing behind, and sent again it is stored exactly once.

No test hook in the server: the test watches the database from outside to kill the server while the
batch's transaction is open.

* PostgreSQL: the server's connections carry an ``application_name`` (set in the URL the test gives
  it); the kill comes once that backend holds the ``RowExclusiveLock`` on ``anonymous_case`` that the
  INSERT of the records takes (a lock held until commit or rollback), a little into the write phase
  measured on a first batch.
* SQLite: the server's transactions take the write lock (``BEGIN IMMEDIATE``); a probe connection
  with no busy timeout sees it held. Short transactions (signature, lookup) hold it for milliseconds;
  the kill comes once it has been held for a good part of the write window measured on a first
  batch of the same size.

Proof that the kill landed before the commit: the response never arrived, and afterwards there is no
batch row, no record, no child row and no audit entry of the batch. Had the kill come after the commit
(all of it stored, which is no partial batch either), the test says so and tries again, earlier, with
a new batch (a few attempts). Then the server is started again and the killed batch re-sent (same
batch id, same bytes, a fresh signature): 201 and exactly 5,000 records; sent once more: 200, the
same body, still 5,000 records; the audit chain is intact.

Runs on SQLite, and on PostgreSQL with ``CIATEH_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.ciateh.test_e2e_privacy import (
    LiveDatabase,
    LiveServer,
    PartnerKey,
    SignedClient,
    batch_body,
    clean_record,
    count_rows,
    flask_cli,
    fresh_database,
    register_partner,
)

RECORDS = 5000  # the most a batch may hold
ATTEMPTS = 4
PROBE_INTERVAL_S = 0.002
WAIT_S = 600.0

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Batch:
    batch_id: str
    body: bytes
    record_keys: list[str]


def make_batch(batch_id: str) -> Batch:
    records = [clean_record(i) for i in range(RECORDS)]
    return Batch(batch_id, batch_body(batch_id, records), [str(r["record_key"]) for r in records])


class Sender(threading.Thread):
    """Posts one batch in the background; keeps the response, or the error if none came."""

    def __init__(self, client: SignedClient, body: bytes) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.body = body
        self.response: requests.Response | None = None
        self.error: BaseException | None = None
        self.started_at = 0.0
        self.finished_at = 0.0

    def run(self) -> None:
        self.started_at = time.monotonic()
        try:
            self.response = self.client.post(self.body)
        except BaseException as exc:  # the connection dies with the server: that is the point
            self.error = exc
        finally:
            self.finished_at = time.monotonic()


# --- watching the server's transaction from outside -------------------------------------------------


class WriteProbe:
    """Is the server inside the write phase of a batch (a transaction that has written and not yet
    committed)? Read-only from the server's point of view."""

    def __init__(self, db: LiveDatabase) -> None:
        self.db = db
        self._sqlite: sqlite3.Connection | None = None
        self._engine: sa.Engine | None = None
        if db.kind == "sqlite":
            assert db.sqlite_path is not None
            # no busy timeout: BEGIN IMMEDIATE fails at once while another connection holds the lock
            self._sqlite = sqlite3.connect(db.sqlite_path, timeout=0, isolation_level=None)
        else:
            self._engine = sa.create_engine(
                db.url, connect_args={"application_name": "ciateh-crash-probe"}, pool_size=1
            )

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._engine is not None:
            self._engine.dispose()

    def writing(self) -> bool:
        if self._sqlite is not None:
            try:
                self._sqlite.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # "database is locked": a server transaction holds the write lock
            self._sqlite.execute("ROLLBACK")
            return False
        assert self._engine is not None
        with self._engine.connect() as conn:
            held = conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE a.application_name = :app AND l.granted AND l.mode = 'RowExclusiveLock'"
                    " AND l.relation = to_regclass('anonymous_case')"
                ),
                {"app": self.db.application_name},
            )
        return bool(held)

    def server_backends(self) -> int:
        """PostgreSQL sessions the server still has open (0 on SQLite)."""
        if self._engine is None:
            return 0
        with self._engine.connect() as conn:
            return int(
                conn.scalar(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app"),
                    {"app": self.db.application_name},
                )
                or 0
            )


def watch(
    probe: WriteProbe, sender: Sender, until: Callable[[float, float | None], bool]
) -> tuple[float, float] | None:
    """Probe until ``until(now, writing_since)`` says so (returns ``now`` and ``writing_since``) or
    the request ends (returns None). ``writing_since``: since when the write phase has been seen
    without a break."""
    writing_since: float | None = None
    while sender.is_alive():
        now = time.monotonic()
        writing_since = (writing_since or now) if probe.writing() else None
        if until(now, writing_since):
            return now, now if writing_since is None else writing_since
        time.sleep(PROBE_INTERVAL_S)
    return None


@dataclass(frozen=True)
class Timing:
    total_s: float  # request sent to response received
    write_start_s: float  # from sending to the start of the longest write window seen
    write_s: float  # the longest write window seen


def measure(probe: WriteProbe, client: SignedClient, batch: Batch) -> Timing:
    """Send a batch of the same size, watching when the write phase starts and how long it lasts."""
    sender = Sender(client, batch.body)
    sender.start()
    windows: list[tuple[float, float]] = []
    current: list[float] = []

    def record(now: float, writing_since: float | None) -> bool:
        if writing_since is not None:
            if not current:
                current.append(writing_since)
        elif current:
            windows.append((current.pop(), now))
        return False

    watch(probe, sender, record)
    sender.join(WAIT_S)
    if current:
        windows.append((current.pop(), sender.finished_at))
    assert sender.response is not None and sender.response.status_code == 201, sender.error
    assert windows, "the write phase was never seen"
    start, end = max(windows, key=lambda w: w[1] - w[0])
    return Timing(sender.finished_at - sender.started_at, start - sender.started_at, end - start)


# --- the test -----------------------------------------------------------------------------------


@pytest.fixture
def live_db(tmp_path: Path) -> Iterator[LiveDatabase]:
    with fresh_database(tmp_path, "crash") as db:
        yield db


def _deep_enough(hold: float, earliest: float, sender: Sender) -> Callable[[float, float | None], bool]:
    """Kill once the write phase has lasted ``hold`` seconds, not before ``earliest`` after sending."""

    def until(now: float, writing_since: float | None) -> bool:
        return (
            writing_since is not None and now - writing_since >= hold and now - sender.started_at >= earliest
        )

    return until


def _batch_rows(engine: sa.Engine, batch_id: str) -> int:
    return count_rows(engine, "batch", "WHERE client_batch_id = :b", b=batch_id)


def _case_rows(engine: sa.Engine, keys: list[str]) -> int:
    stmt = sa.text("SELECT count(*) FROM anonymous_case WHERE record_key IN :keys").bindparams(
        sa.bindparam("keys", expanding=True)
    )
    total = 0
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            total += int(conn.scalar(stmt, {"keys": keys[start : start + 500]}) or 0)
    return total


def _totals(engine: sa.Engine) -> dict[str, int]:
    tables = ("batch", "anonymous_case", "case_exploitation_form", "case_means_of_control", "audit_entry")
    return {table: count_rows(engine, table) for table in tables}


def _wait_for_backends_to_end(probe: WriteProbe) -> None:
    """On PostgreSQL, a killed client's sessions end when their backend notices (at once when idle,
    after the running statement otherwise); only then can no commit come any more."""
    deadline = time.monotonic() + 120
    while probe.server_backends() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert probe.server_backends() == 0, "the killed server's database sessions did not end"


def test_a_batch_killed_mid_transaction_leaves_nothing_and_is_stored_once_when_resent(
    live_db: LiveDatabase, tmp_path: Path
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    flask_cli(live_db, "db", "upgrade", cwd=workdir)
    partner, _ = register_partner(live_db, workdir, "police-crash", "police")
    log_path = tmp_path / "gunicorn.log"
    engine = live_db.engine()
    probe = WriteProbe(live_db)
    report: list[str] = []
    try:
        killed = _kill_mid_transaction(live_db, probe, engine, partner, workdir, log_path, report)
        _wait_for_backends_to_end(probe)
        before_resend = _totals(engine)

        # the server again; the killed batch again: same batch id, same bytes, a fresh signature
        with LiveServer(live_db, log_path, workers=1, cwd=workdir) as server:
            client = SignedClient(server, partner)
            first = client.post(killed.body)
            assert first.status_code == 201, first.status_code
            assert first.json()["counts"] == {"records": RECORDS, "accepted": RECORDS, "rejected": 0}
            assert _batch_rows(engine, killed.batch_id) == 1
            assert _case_rows(engine, killed.record_keys) == RECORDS
            after_first = _totals(engine)
            assert after_first["anonymous_case"] == before_resend["anonymous_case"] + RECORDS
            assert after_first["batch"] == before_resend["batch"] + 1
            assert after_first["audit_entry"] == before_resend["audit_entry"] + 1

            again = client.post(killed.body)
            assert again.status_code == 200, again.status_code
            assert again.json() == first.json()
            assert _totals(engine) == after_first
            assert _case_rows(engine, killed.record_keys) == RECORDS
        verified = flask_cli(live_db, "audit", "verify", cwd=workdir)
        assert "audit chain intact" in verified.stdout
    finally:
        probe.close()
        engine.dispose()
        print("\n".join(["crash safety:", *report]))


def _kill_mid_transaction(
    db: LiveDatabase,
    probe: WriteProbe,
    engine: sa.Engine,
    partner: PartnerKey,
    workdir: Path,
    log_path: Path,
    report: list[str],
) -> Batch:
    """Kill the server inside a batch's transaction and check that nothing of the batch is stored;
    returns that batch. Fails the test if it never manages to, or if anything partial is stored."""
    # how long the write phase of a 5,000-record batch lasts, here and now
    with LiveServer(db, log_path, workers=1, cwd=workdir) as server:
        timing = measure(probe, SignedClient(server, partner), make_batch("crash-measure"))
    report.append(
        f"{db.kind}: a {RECORDS}-record batch took {timing.total_s:.2f} s, its write phase"
        f" {timing.write_s:.3f} s from {timing.write_start_s:.2f} s"
    )

    for attempt in range(1, ATTEMPTS + 1):
        _wait_for_backends_to_end(probe)
        batch = make_batch(f"crash-{attempt}")
        before = _totals(engine)
        # how far into the write phase to kill: about a third of it, earlier on each new attempt
        into_write = timing.write_s * 0.35 / attempt
        # SQLite: the short transactions before the checks (signature, lookup) hold the lock for
        # milliseconds, early on; only the write phase holds it this long, after the checks
        hold = max(into_write, 0.015) if db.kind == "sqlite" else into_write
        earliest = timing.write_start_s * 0.5 / attempt if db.kind == "sqlite" else 0.0

        server = LiveServer(db, log_path, workers=1, cwd=workdir)
        with server:
            sender = Sender(SignedClient(server, partner), batch.body)
            sender.start()
            seen = watch(probe, sender, _deep_enough(hold, earliest, sender))
            if seen is not None:
                server.kill()
            sender.join(WAIT_S)
        _wait_for_backends_to_end(probe)

        after = _totals(engine)
        batch_rows = _batch_rows(engine, batch.batch_id)
        case_rows = _case_rows(engine, batch.record_keys)
        response = sender.response
        killed_at, writing_since = seen if seen is not None else (None, None)
        when = "never"
        if killed_at is not None and writing_since is not None:
            when = (
                f"{killed_at - sender.started_at:.2f} s after sending, the write phase under way"
                f" for {killed_at - writing_since:.3f} s"
            )
        # all or nothing, whatever happened
        if batch_rows == 0:
            assert case_rows == 0 and after == before, f"attempt {attempt}: records without their batch"
        else:
            assert batch_rows == 1 and case_rows == RECORDS, f"attempt {attempt}: a partial batch"
            assert after["anonymous_case"] == before["anonymous_case"] + RECORDS
        if killed_at is not None and response is None and batch_rows == 0:
            report.append(
                f"attempt {attempt}: killed {when}; no response"
                f" ({type(sender.error).__name__}); 0 batch rows, 0 records, nothing else changed:"
                " the kill landed before the commit"
            )
            return batch
        report.append(
            f"attempt {attempt}: killed {when}; response"
            f" {response.status_code if response is not None else None}; batch rows {batch_rows},"
            f" records {case_rows}: the kill landed after the commit (or not at all), trying earlier"
        )
    raise AssertionError("no kill landed inside the transaction:\n" + "\n".join(report))
