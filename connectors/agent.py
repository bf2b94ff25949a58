"""``ciateh-connector``: the partner-side command line.

=========== ============================================================================
command     what it does
=========== ============================================================================
preview     show what would leave the partner (anonymous records, report, row errors);
            writes and sends nothing
run         read, anonymise, queue in the outbox, send everything pending
send        send everything pending in the outbox (after the Centre was down)
status      what the outbox holds: pending, sent, failed batches
watch       poll a drop folder, process each new file, keep sending the outbox
keygen      make the Ed25519 key pair and the partner secret
demo-data   write a synthetic export for a partner
=========== ============================================================================

Exit codes (``run``, ``send``; ``preview`` uses 0, 1, 2 and 3):

== ==========================================================================================
0  everything read was anonymised, queued and acknowledged by the Centre, every record accepted
1  delivered, but some rows could not be sent (row errors) or the Centre rejected some records
2  usage or configuration error (options, mapping, key, secret, outbox): nothing was done
3  the file was refused as a whole (format, size, hostile content, columns the mapping lacks)
4  batches are still pending in the outbox (Centre unreachable, 5xx, 401): the next ``run``,
   ``send`` or ``watch`` sends them
5  the Centre refused a batch for good (409, 413, 422): it is kept in the outbox as failed
70 internal error (its type only is shown: its text might hold a value)
130 interrupted (SIGINT/SIGTERM): what was queued stays in the outbox, the file resumes next time
== ==========================================================================================

Messages name the file, the row, the field and why; never a value from an export.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final

from connectors import keys
from connectors.client import (
    DEFAULT_BACKOFF_BASE,
    DEFAULT_BACKOFF_CAP,
    DEFAULT_READ_TIMEOUT,
    CentreClient,
    Courier,
    Outcome,
)
from connectors.mapping import MappingError, load_mapping
from connectors.outbox import (
    DEFAULT_BATCH_BYTES,
    DEFAULT_BATCH_RECORDS,
    FAILED,
    MAX_BATCH_RECORDS,
    PENDING,
    SENT,
    Outbox,
    OutboxError,
)
from connectors.pipeline import FileRefused, Interrupted, Report, preview, process_into_outbox
from connectors.readers.base import DEFAULT_MAX_BYTES

OK: Final = 0
ROW_PROBLEMS: Final = 1
USAGE: Final = 2
FILE_REFUSED: Final = 3
NOT_DELIVERED: Final = 4
BATCH_FAILED: Final = 5
INTERNAL: Final = 70
INTERRUPTED: Final = 130

PROG: Final = "ciateh-connector"
OUTBOX_ENV: Final = "CIATEH_CONNECTOR_OUTBOX"
DEFAULT_MAX_WAIT: Final = 60.0
LISTED_ERRORS: Final = 20
IGNORED_SUFFIXES: Final = (".part", ".partial", ".tmp", ".crdownload", "~")
REPORT_SUFFIX: Final = ".report.json"

log = logging.getLogger("ciateh.connector")


class Problem(Exception):
    """A clear one-line problem and its exit code."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


# -- helpers --------------------------------------------------------------------------------------


def default_outbox() -> Path:
    env = os.environ.get(OUTBOX_ENV)
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "ciateh-connector" / "outbox.sqlite3"


def _configure_logging(timestamps: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(asctime)s %(message)s" if timestamps else "%(message)s"
    handler.setFormatter(logging.Formatter(fmt, "%Y-%m-%dT%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    # APScheduler logs job exceptions with their text; our jobs catch everything themselves
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def _load_mapping(path: Path) -> Any:
    try:
        return load_mapping(path)
    except MappingError as exc:
        raise Problem(f"mapping: {exc}") from None
    except OSError as exc:
        raise Problem(f"{path}: cannot read the mapping ({exc.strerror})") from None


def _load_key_material(args: argparse.Namespace) -> tuple[Any, bytes | None]:
    try:
        key = keys.load_private_key(args.key) if getattr(args, "key", None) else None
        secret = keys.load_secret(args.secret) if getattr(args, "secret", None) else None
    except keys.KeyFileError as exc:
        raise Problem(str(exc)) from None
    for path in (getattr(args, "key", None), getattr(args, "secret", None)):
        if path is not None and keys.too_open(Path(path)):
            log.warning(f"warning: {path} is readable by other users: chmod 600 it")
    return key, secret


def _client(args: argparse.Namespace, key: Any) -> CentreClient:
    try:
        return CentreClient(args.centre, key, read_timeout=args.timeout)
    except ValueError as exc:
        raise Problem(f"--centre: {exc}") from None


def _courier(args: argparse.Namespace, client: CentreClient) -> Courier:
    return Courier(client, backoff_base=args.retry_base, backoff_cap=args.retry_cap, log=log.info)


def _open_outbox(path: Path) -> Outbox:
    try:
        return Outbox(path)
    except OutboxError as exc:
        raise Problem(str(exc)) from None


def _row_error_line(file: str, error: dict[str, Any]) -> str:
    where = file
    if error.get("row") is not None:
        where += f", row {error['row']}"
    if error.get("field"):
        where += f", field {error['field']!r}"
    return f"{where}: {error.get('reason')}"


def _print_report(report: Report, out: Callable[[str], None]) -> None:
    out(report.summary())
    if report.entity_counts:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.entity_counts.items()))
        out(f"  personal data scrubbed from narratives: {counts}")
    if report.known_value_counts:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.known_value_counts.items()))
        out(f"  the record's own values found in its narrative: {counts}")
    if report.issues:
        issues = ", ".join(f"{k} ({v})" for k, v in sorted(report.issues.items()))
        out(f"  values sent as unknown: {issues}")
    if report.error_count:
        out("  row errors:")
        for error in report.row_errors[:LISTED_ERRORS]:
            out(f"    {_row_error_line(report.file, error)}")
        if report.error_count > LISTED_ERRORS:
            out(f"    ... and {report.error_count - LISTED_ERRORS} more (see the report file)")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class _Stop:
    """SIGINT/SIGTERM set an event; a second signal ends the process at once."""

    def __init__(self, event: threading.Event | None = None) -> None:
        self.event = event or threading.Event()
        self.signal: int | None = None

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            os._exit(INTERRUPTED)
        self.signal = signum
        self.event.set()


# -- sending --------------------------------------------------------------------------------------


@dataclass
class _Sending:
    """The sender thread of ``run`` and ``send``: delivers while the file is read, then until the
    outbox is empty or ``max_wait`` seconds after reading ended."""

    outbox_path: Path
    courier: Courier
    stop: threading.Event
    max_wait: float
    stop_on_auth: bool = True
    gave_up: str | None = None
    crashed: str | None = None

    def __post_init__(self) -> None:
        self.wake = threading.Event()
        self.reading_done = threading.Event()
        self.deadline = float("inf")
        self.thread = threading.Thread(target=self._loop, name="sender", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def nudge(self, _batch_id: str | None = None) -> None:
        self.wake.set()

    def finish(self) -> None:
        self.deadline = time.time() + self.max_wait
        self.reading_done.set()
        self.wake.set()
        self.thread.join()

    def _loop(self) -> None:
        try:
            with Outbox(self.outbox_path) as box:
                self._deliver(box)
        except Exception as exc:
            self.crashed = type(exc).__name__

    def _deliver(self, box: Outbox) -> None:
        while not self.stop.is_set():
            problem = self.courier.deliver(box, self.stop)
            if problem is not None and problem.outcome is Outcome.AUTH and self.stop_on_auth:
                self.gave_up = problem.problem
                return
            totals = box.totals()
            now = time.time()
            if self.reading_done.is_set():
                if totals.pending == 0 or now >= self.deadline:
                    return
                until = self.deadline
            else:
                until = now + 3600.0
            if totals.next_attempt_at is not None and totals.pending:
                until = min(until, max(totals.next_attempt_at, self.courier.blocked_until))
            self.wake.wait(max(0.0, until - now))
            self.wake.clear()


def _delivery_code(box: Outbox, sending: _Sending, batch_ids: Sequence[str]) -> int:
    """Print what the outbox holds after sending; the exit code it calls for."""
    stats = sending.courier.stats
    totals = box.totals()
    mine = {b.batch_id: b for b in box.batches() if b.batch_id in set(batch_ids)}
    failed_now = {batch_id for batch_id, _ in stats.failed} | {
        b.batch_id for b in mine.values() if b.state == FAILED
    }
    acknowledged = [b for b in mine.values() if b.state == SENT]
    rejected = sum(len((b.receipt or {}).get("rejected", [])) for b in acknowledged)
    if stats.sent:
        replays = f" ({stats.replays} stored before: replay)" if stats.replays else ""
        print(
            f"delivered: {len(stats.sent)} batches acknowledged{replays}, "
            f"{stats.accepted_records} records accepted, {stats.rejected_records} rejected by the Centre"
        )
        if stats.rejected_by_type:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.rejected_by_type.items()))
            print(f"  rejected records by finding: {kinds} (their batch and record keys are in the log)")
    print(
        f"outbox {box.path}: {totals.pending} batches pending ({totals.pending_records} records), "
        f"{totals.failed} failed, {totals.sent} acknowledged"
    )
    if sending.crashed:
        print(f"sending stopped by an internal error ({sending.crashed})")
    if failed_now:
        for batch_id, why in stats.failed:
            print(f"failed for good: batch {batch_id}: {why}")
        print(
            "failed batches stay in the outbox: `ciateh-connector status`; `send --retry-failed` after a fix"
        )
        return BATCH_FAILED
    if totals.pending:
        why = sending.gave_up or (stats.last_problem.problem if stats.last_problem else "not yet sent")
        print(f"not delivered yet: {why}")
        print("they stay in the outbox: run `ciateh-connector send` (or watch) to send them")
        return NOT_DELIVERED
    return ROW_PROBLEMS if rejected else OK


def _send_pending(args: argparse.Namespace, box: Outbox, stop: _Stop) -> _Sending:
    key, _ = _load_key_material(argparse.Namespace(key=args.key))
    sending = _Sending(box.path, _courier(args, _client(args, key)), stop.event, args.max_wait)
    return sending


# -- commands -------------------------------------------------------------------------------------


def cmd_preview(args: argparse.Namespace) -> int:
    mapping = _load_mapping(args.mapping)
    _, secret = _load_key_material(args)
    report, shown = preview(
        args.file, mapping, secret, limit=args.limit, max_rows=args.max_rows, max_bytes=args.max_bytes
    )
    if args.json:
        print(
            json.dumps(
                {
                    "records": [
                        {"row": r.row, "entity_counts": r.entity_counts, "record": r.record} for r in shown
                    ],
                    "report": report.to_dict(),
                    "written": False,
                    "sent": False,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        keys_note = "" if secret is not None else " (record keys under a throwaway secret: give --secret)"
        print(f"What would leave the partner {mapping.partner!r} from {args.file.name}{keys_note}:")
        for record in shown:
            scrubbed = ", ".join(f"{k} {v}" for k, v in sorted(record.entity_counts.items())) or "nothing"
            print(f"--- row {record.row} (scrubbed from the narrative: {scrubbed})")
            print(json.dumps(record.record, ensure_ascii=False, indent=2))
        if report.anonymised > len(shown):
            print(f"--- ... and {report.anonymised - len(shown)} more records (--limit to show more)")
        _print_report(report, print)
        print("Nothing was written or sent.")
    if report.refused:
        return FILE_REFUSED
    return ROW_PROBLEMS if report.error_count else OK


def cmd_run(args: argparse.Namespace) -> int:
    mapping = _load_mapping(args.mapping)
    key, secret = _load_key_material(args)
    assert secret is not None and key is not None
    client = _client(args, key)
    stop = _Stop()
    stop.install()
    with _open_outbox(args.outbox) as box:
        box.make_due()
        sending = _Sending(box.path, _courier(args, client), stop.event, args.max_wait)
        sending.start()
        try:
            report = process_into_outbox(
                args.file,
                mapping,
                secret,
                box,
                batch_records=args.batch_size,
                batch_bytes=DEFAULT_BATCH_BYTES,
                max_bytes=args.max_bytes,
                again=args.again,
                stop=stop.event,
                on_batch=sending.nudge,
            )
        except FileRefused as exc:  # the file cannot even be opened
            sending.finish()
            print(f"refused: {exc}")
            _delivery_code(box, sending, [])
            return FILE_REFUSED
        except Interrupted:
            sending.finish()
            print(f"interrupted: {args.file.name}: what was queued stays in the outbox; run again to resume")
            return INTERRUPTED
        if report.already_queued:
            print(f"{args.file.name}: queued before (same content, mapping and secret): nothing new read")
        elif report.resumed_after:
            print(f"{args.file.name}: resumed after {report.resumed_after} rows queued by an earlier run")
        sending.finish()
        _print_report(report, print)
        print(f"queued: {len(report.batches)} batches")
        if args.report:
            _write_json(args.report, report.to_dict())
        if stop.event.is_set():
            print("interrupted while sending: pending batches stay in the outbox")
            return INTERRUPTED
        code = _delivery_code(box, sending, report.batches)
    if code != OK:
        return code
    if report.refused:
        return FILE_REFUSED
    return ROW_PROBLEMS if report.error_count else OK


def cmd_send(args: argparse.Namespace) -> int:
    stop = _Stop()
    stop.install()
    with _open_outbox(args.outbox) as box:
        if args.retry_failed:
            print(f"{box.retry_failed()} failed batches put back in line")
        box.make_due()
        sending = _send_pending(args, box, stop)
        sending.start()
        sending.finish()
        if stop.event.is_set():
            return INTERRUPTED
        return _delivery_code(box, sending, [])


def cmd_status(args: argparse.Namespace) -> int:
    if not args.outbox.exists():
        raise Problem(f"{args.outbox}: no outbox there")
    with _open_outbox(args.outbox) as box:
        totals = box.totals()
        print(
            f"outbox {box.path}: {totals.pending} pending ({totals.pending_records} records), "
            f"{totals.failed} failed, {totals.sent} acknowledged"
        )
        for batch in box.batches(state=PENDING) + box.batches(state=FAILED):
            when = datetime.fromtimestamp(batch.next_attempt_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            extra = f", next attempt {when}" if batch.state == PENDING else ""
            error = f": {batch.last_error}" if batch.last_error else ""
            print(
                f"  {batch.state} {batch.batch_id}: {batch.record_count} records, "
                f"{batch.attempts} attempts{extra}{error}"
            )
        return BATCH_FAILED if totals.failed else (NOT_DELIVERED if totals.pending else OK)


def cmd_keygen(args: argparse.Namespace) -> int:
    try:
        made = keys.keygen(args.dir)
    except keys.KeyFileError as exc:
        raise Problem(str(exc)) from None
    print(f"private key (keep it here, mode 0600): {made.private_key}")
    print(f"partner secret (keep it here, mode 0600, back it up): {made.secret}")
    print(f"public key (send it to the Centre): {made.public_key}")
    print(f"key id (read it to the Centre over the phone): {made.key_id}")
    return OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from connectors import demo_data

    if args.rows < 1:
        raise Problem("--rows must be at least 1")
    try:
        path = demo_data.generate(args.partner, args.rows, args.dir, seed=args.seed)
    except ValueError as exc:
        raise Problem(str(exc)) from None
    except OSError as exc:
        raise Problem(f"{args.dir}: cannot write the export ({exc.strerror})") from None
    print(path)
    return OK


# -- watch ----------------------------------------------------------------------------------------


class Watcher:
    """The two jobs of ``watch``: poll the drop folder, and send the outbox."""

    def __init__(self, args: argparse.Namespace, mapping: Any, secret: bytes, courier: Courier) -> None:
        self.args = args
        self.folder: Path = args.dir
        self.mapping = mapping
        self.secret = secret
        self.courier = courier
        self.stop = threading.Event()
        self.sizes: dict[str, tuple[int, int]] = {}
        self.poll_lock = threading.Lock()
        self.send_lock = threading.Lock()
        self.last_purge = 0.0

    @staticmethod
    def ignored(name: str) -> bool:
        return name.startswith(".") or name.endswith(IGNORED_SUFFIXES) or name.endswith(REPORT_SUFFIX)

    def candidates(self) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if self.ignored(entry.name) or not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
                found[entry.name] = (st.st_size, st.st_mtime_ns)
        return found

    def poll(self) -> None:
        with self.poll_lock:
            try:
                current = self.candidates()
                ready = sorted(name for name, seen in current.items() if self.sizes.get(name) == seen)
                self.sizes = current
                for name in ready:
                    if self.stop.is_set():
                        return
                    self.process(self.folder / name)
                    self.sizes.pop(name, None)
            except Exception as exc:  # never a traceback: its text might hold a value
                log.error(f"watch: polling {self.folder} failed ({type(exc).__name__})")

    def process(self, path: Path) -> None:
        log.info(f"{path.name}: processing")
        try:
            with Outbox(self.args.outbox) as box:
                report = process_into_outbox(
                    path,
                    self.mapping,
                    self.secret,
                    box,
                    batch_records=self.args.batch_size,
                    batch_bytes=DEFAULT_BATCH_BYTES,
                    max_bytes=self.args.max_bytes,
                    stop=self.stop,
                )
        except Interrupted:
            log.info(f"{path.name}: stopped; what was queued stays, the rest is read at the next start")
            return
        except FileRefused as exc:
            report = Report(path.name, self.mapping.partner, refused=str(exc))
        failed = bool(report.refused) or (report.anonymised == 0 and report.error_count > 0)
        target = self.folder / ("failed" if failed else "done")
        moved = _move(path, target)
        data = report.to_dict()
        data.update(
            {
                "processed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "mapping": str(self.mapping.path),
                "moved_to": str(moved),
                "outcome": "failed" if failed else ("already_queued" if report.already_queued else "queued"),
            }
        )
        _write_json(moved.with_name(moved.name + REPORT_SUFFIX), data)
        log.info(f"{report.summary()}; {len(report.batches)} batches queued; moved to {moved}")

    def send(self) -> None:
        with self.send_lock:
            try:
                with Outbox(self.args.outbox) as box:
                    self.courier.deliver(box, self.stop)
                    if time.time() - self.last_purge > 86400:
                        box.purge_sent(self.args.keep_receipts_days)
                        self.last_purge = time.time()
            except Exception as exc:
                log.error(f"watch: sending failed ({type(exc).__name__})")


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists() or target.with_name(target.name + REPORT_SUFFIX).exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"{path.stem}.{stamp}{path.suffix}"
    os.replace(path, target)
    return target


def cmd_watch(args: argparse.Namespace) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    _configure_logging(timestamps=True)
    if not args.dir.is_dir():
        raise Problem(f"{args.dir}: not a directory")
    mapping = _load_mapping(args.mapping)
    key, secret = _load_key_material(args)
    assert secret is not None and key is not None
    watcher = Watcher(args, mapping, secret, _courier(args, _client(args, key)))
    with _open_outbox(args.outbox) as box:
        box.make_due()
    scheduler = BlockingScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    )
    now = datetime.now(UTC)
    scheduler.add_job(watcher.poll, "interval", seconds=args.interval, id="poll", next_run_time=now)
    scheduler.add_job(watcher.send, "interval", seconds=args.send_interval, id="send", next_run_time=now)

    _Stop(watcher.stop).install()

    def shut_down() -> None:
        watcher.stop.wait()
        scheduler.shutdown(wait=False)

    threading.Thread(target=shut_down, name="shutdown", daemon=True).start()
    log.info(
        f"watching {args.dir} every {args.interval:g} s (mapping {args.mapping}, partner "
        f"{mapping.partner!r}); sending to {args.centre} with key id {watcher.courier.client.key_id}"
    )
    scheduler.start()
    with watcher.poll_lock, watcher.send_lock:  # let a running job end (it stops at the next row)
        pass
    log.info("stopped")
    return OK


# -- the command line -----------------------------------------------------------------------------


def _positive(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _batch_size(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_BATCH_RECORDS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_BATCH_RECORDS}")
    return value


def _add_sending(parser: argparse.ArgumentParser, *, wait: bool = True) -> None:
    parser.add_argument("--centre", required=True, help="the Centre's URL, e.g. https://centre.example")
    parser.add_argument("--key", required=True, type=Path, help="the partner's Ed25519 private key (PEM)")
    parser.add_argument("--outbox", type=Path, default=default_outbox(), help="outbox file (%(default)s)")
    parser.add_argument(
        "--retry-base", type=_positive, default=DEFAULT_BACKOFF_BASE, help="first retry delay (s)"
    )
    parser.add_argument("--retry-cap", type=_positive, default=DEFAULT_BACKOFF_CAP, help="longest delay (s)")
    parser.add_argument(
        "--timeout", type=_positive, default=DEFAULT_READ_TIMEOUT, help="seconds to wait for an answer"
    )
    if wait:
        parser.add_argument(
            "--max-wait",
            type=_positive,
            default=DEFAULT_MAX_WAIT,
            help="after reading, keep retrying for up to this many seconds (default %(default)s)",
        )


def _add_reading(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", required=True, type=Path, help="the partner's mapping (YAML)")
    parser.add_argument(
        "--max-bytes", type=int, default=None, help=f"refuse larger files (default {DEFAULT_MAX_BYTES})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="ciateh partner connector")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("preview", help="show what would leave the partner; writes and sends nothing")
    p.add_argument("file", type=Path)
    _add_reading(p)
    p.add_argument("--limit", type=int, default=5, help="anonymous records to show (default 5)")
    p.add_argument("--max-rows", type=int, default=None, help="read only this many rows")
    p.add_argument("--secret", type=Path, help="partner secret, to show the real record keys")
    p.add_argument("--json", action="store_true", help="one JSON document instead of text")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("run", help="read, anonymise, queue and send one export")
    p.add_argument("file", type=Path)
    _add_reading(p)
    _add_sending(p)
    p.add_argument("--secret", required=True, type=Path, help="the partner secret file")
    p.add_argument("--batch-size", type=_batch_size, default=DEFAULT_BATCH_RECORDS, help="records a batch")
    p.add_argument("--again", action="store_true", help="read the file again even if it was queued before")
    p.add_argument("--report", type=Path, help="write the report (JSON, no values) to this file")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("send", help="send what is pending in the outbox")
    _add_sending(p)
    p.add_argument("--retry-failed", action="store_true", help="put failed batches back in line first")
    p.set_defaults(func=cmd_send)

    p = sub.add_parser("status", help="what the outbox holds")
    p.add_argument("--outbox", type=Path, default=default_outbox())
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("watch", help="process files dropped in a folder and keep sending")
    p.add_argument("dir", type=Path)
    _add_reading(p)
    _add_sending(p, wait=False)
    p.add_argument("--secret", required=True, type=Path, help="the partner secret file")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between polls (default 10)")
    p.add_argument("--send-interval", type=float, default=5.0, help="seconds between sends (default 5)")
    p.add_argument("--batch-size", type=_batch_size, default=DEFAULT_BATCH_RECORDS)
    p.add_argument("--keep-receipts-days", type=float, default=30.0, help="forget receipts after")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("keygen", help="make the key pair and the partner secret")
    p.add_argument("dir", type=Path)
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("demo-data", help="write a synthetic export (synthetic persons only)")
    p.add_argument("--partner", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("dir", type=Path)
    p.set_defaults(func=cmd_demo_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "watch":
        _configure_logging(timestamps=False)
    try:
        code: int = args.func(args)
    except Problem as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:  # no traceback: its text might hold a value from an export
        print(f"{PROG}: internal error ({type(exc).__name__}); no details shown", file=sys.stderr)
        return INTERNAL
    sys.stdout.flush()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
