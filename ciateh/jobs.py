"""Scheduled jobs, and the process that runs them.

::

    flask --app ciateh scheduler                          # runs the jobs on their schedule (blocks)
    flask --app ciateh jobs list                          # the jobs, their schedule, next run
    flask --app ciateh jobs run monthly_snapshot [--month 2026-02 | --all]
    flask --app ciateh jobs run audit_verify

``scheduler`` runs APScheduler 3 (``BlockingScheduler``) in its own process, with the jobs of
:data:`REGISTRY` on cron triggers in Europe/Brussels time: ``monthly_snapshot`` on the 1st of each
month at 03:00 builds the previous month's snapshot; ``audit_verify`` every night at 02:30 verifies
the audit chain. Each run gets a fresh app context (its own database session) and commits its own
work. The jobs are idempotent: running one twice, or in two processes at once, changes nothing more
than running it once (snapshots are built with :func:`ciateh.snapshots.build_snapshot`). A missed
run (the process was down) is run once when the process is back within a day, then the schedule
goes on.

Each run logs a structured event (``job.finished`` or ``job.failed``: name, outcome, counts);
``jobs run`` exits with 1 when the job failed (a broken audit chain).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from ciateh import audit, snapshots
from ciateh.aggregates.query import is_month, shift_month
from ciateh.logs import LOGGER_NAME, log_event

TIMEZONE: ZoneInfo = ZoneInfo("Europe/Brussels")
logger = logging.getLogger(f"{LOGGER_NAME}.jobs")


@dataclass(frozen=True)
class JobResult:
    """What a run did: ``ok`` False is a failure to act on; ``details`` are ids, counts and codes."""

    ok: bool
    summary: str  # one line for a person (no personal value)
    details: dict[str, Any] = field(default_factory=dict)


class Job:
    """A scheduled job: a name, a cron schedule (APScheduler ``CronTrigger`` fields, Europe/Brussels
    time) and :meth:`run`, which takes a session and the time of the run and commits its work."""

    name: ClassVar[str]
    description: ClassVar[str]
    schedule: ClassVar[Mapping[str, int | str]]

    @property
    def actor(self) -> str:
        return f"job:{self.name}"

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=TIMEZONE, **self.schedule)

    def run(self, session: Session, now: datetime, **options: Any) -> JobResult:
        raise NotImplementedError


#: the jobs the scheduler runs, by name
REGISTRY: dict[str, type[Job]] = {}


def register(job: type[Job]) -> type[Job]:
    if job.name in REGISTRY:
        raise ValueError(f"a job named {job.name!r} is already registered")
    REGISTRY[job.name] = job
    return job


def previous_month(now: datetime) -> str:
    """The month before the one ``now`` falls in, in Brussels (YYYY-MM)."""
    local = now.astimezone(TIMEZONE)
    return shift_month(f"{local.year:04d}-{local.month:02d}", -1)


@register
class MonthlySnapshotJob(Job):
    """Build the snapshot of the previous month (or of ``month``, or of every month with records)."""

    name = "monthly_snapshot"
    description = "Builds the previous month's snapshot (a new revision only if its data changed)."
    schedule: ClassVar[Mapping[str, int | str]] = {"day": 1, "hour": 3, "minute": 0}

    def run(
        self, session: Session, now: datetime, *, month: str | None = None, all_months: bool = False, **_: Any
    ) -> JobResult:
        if month is not None and all_months:
            raise ValueError("give a month or all months, not both")
        months = snapshots.months_with_data(session) if all_months else [month or previous_month(now)]
        built: list[str] = []
        unchanged: list[str] = []
        empty: list[str] = []
        for one in months:
            try:
                snap, created = snapshots.build_snapshot(session, one, self.actor)
            except snapshots.SnapshotError:
                session.rollback()
                empty.append(one)  # no records that month: nothing to snapshot
                continue
            session.commit()
            (built if created else unchanged).append(f"{one} r{snap.revision}")
        summary = (
            f"built {len(built)} snapshot(s) {', '.join(built) or '-'}; unchanged {len(unchanged)}"
            f"{'; no records: ' + ', '.join(empty) if empty else ''}"
        )
        return JobResult(True, summary, {"built": built, "unchanged": unchanged, "no_records": empty})


@register
class AuditVerifyJob(Job):
    """Verify the audit chain; log the result (the head and count, kept outside the database) and
    write it to the chain itself."""

    name = "audit_verify"
    description = "Verifies the hash chain of the audit log and records the result."
    schedule: ClassVar[Mapping[str, int | str]] = {"hour": 2, "minute": 30}

    def run(self, session: Session, now: datetime, **_: Any) -> JobResult:
        report = audit.verify_chain(session)
        if report.problem is None:
            details: dict[str, Any] = {"entries": report.entries, "head": report.head}
            log_event(logger, "audit.verified", **details)
            audit.append(session, self.actor, "audit.verified", details)
            session.commit()
            return JobResult(True, f"audit chain intact: {report.entries} entries", details)
        details = {
            "entries": report.entries,
            "entry_id": report.problem.entry_id,
            "problem": report.problem.kind,
            "intact_head": report.head,
        }
        log_event(logger, "audit.verify_failed", logging.ERROR, **details)
        audit.append(session, self.actor, "audit.verify_failed", details)
        session.commit()
        return JobResult(False, f"audit chain BROKEN: {report.problem.message}", details)


# -- running -------------------------------------------------------------------------------------


def run_job(session: Session, name: str, now: datetime | None = None, **options: Any) -> JobResult:
    """Run the job ``name`` once, now (or as if at ``now``), and log its outcome."""
    try:
        job = REGISTRY[name]()
    except KeyError:
        raise ValueError(f"no job named {name!r}; one of {', '.join(sorted(REGISTRY))}") from None
    when = now or datetime.now(UTC)
    try:
        result = job.run(session, when, **options)
    except Exception as exc:
        session.rollback()
        log_event(logger, "job.failed", logging.ERROR, job=name, error=type(exc).__name__)
        raise
    level = logging.INFO if result.ok else logging.ERROR
    log_event(logger, "job.finished", level, job=name, ok=result.ok)
    return result


def _run_in_app(app: Flask, name: str) -> Callable[[], None]:
    """What the scheduler calls: the job in a fresh app context (its own session); an exception is
    logged (by type) and the scheduler goes on."""

    def run() -> None:
        from ciateh.db import db

        with app.app_context():
            try:
                run_job(db.session, name)
            except Exception:  # logged by run_job; the next run is on schedule
                return

    return run


def build_scheduler(app: Flask, scheduler: BaseScheduler | None = None) -> BaseScheduler:
    """A scheduler (a ``BlockingScheduler`` unless given) with every registered job, not started."""
    scheduler = scheduler or BlockingScheduler(timezone=TIMEZONE)
    for name, job in sorted(REGISTRY.items()):
        scheduler.add_job(
            _run_in_app(app, name),
            trigger=job().trigger(),
            id=name,
            name=name,
            coalesce=True,  # several missed runs are run once
            max_instances=1,
            misfire_grace_time=24 * 3600,
            replace_existing=True,
        )
    return scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs in this process until stopped (Ctrl-C, SIGTERM)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = build_scheduler(app)
    for job in scheduler.get_jobs():
        click.echo(f"scheduled {job.id}: {job.trigger}")
    log_event(logger, "scheduler.started", jobs=[job.id for job in scheduler.get_jobs()])
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    log_event(logger, "scheduler.stopped")


# -- the jobs command ----------------------------------------------------------------------------

jobs_cli = AppGroup("jobs", help="Scheduled jobs: list them, or run one once by hand.")


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_month(value):
        raise click.BadParameter("a month is written YYYY-MM")
    return value


@jobs_cli.command("list")
def jobs_list() -> None:
    """List the jobs with their schedule (Europe/Brussels) and next run."""
    now = datetime.now(TIMEZONE)
    for name, job in sorted(REGISTRY.items()):
        trigger = job().trigger()
        upcoming = trigger.get_next_fire_time(None, now)
        when = upcoming.isoformat(timespec="minutes") if upcoming else "-"
        click.echo(f"{name:<18} {trigger}  next {when}  {job.description}")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(REGISTRY)))
@click.option("--month", callback=_month, metavar="YYYY-MM", help="monthly_snapshot: this month.")
@click.option("--all", "all_months", is_flag=True, help="monthly_snapshot: every month with records.")
def jobs_run(name: str, month: str | None, all_months: bool) -> None:
    """Run the job NAME once, now."""
    from ciateh.db import db

    if name != MonthlySnapshotJob.name and (month or all_months):
        raise click.UsageError("--month and --all are options of monthly_snapshot")
    if month and all_months:
        raise click.UsageError("give --month or --all, not both")
    options: dict[str, Any] = {"month": month, "all_months": all_months} if name == "monthly_snapshot" else {}
    result = run_job(db.session, name, **options)
    if not result.ok:
        click.echo(result.summary, err=True)
        click.get_current_context().exit(1)
    click.echo(result.summary)
