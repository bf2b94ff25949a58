"""Scheduled jobs: the monthly snapshot job builds the previous month of the time it runs and
changes nothing the second time; the audit job notices a tampered entry; ``flask --app ciateh
scheduler`` schedules both jobs on the right cron triggers; ``jobs run`` works from the command line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ciateh import audit
from ciateh.jobs import (
    REGISTRY,
    TIMEZONE,
    AuditVerifyJob,
    MonthlySnapshotJob,
    build_scheduler,
    previous_month,
    run_job,
)
from ciateh.models import AuditEntry, MonthSnapshot
from tests.ciateh.aggregates.dataset import insert

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def data(session: Session) -> Session:
    insert(session)
    return session


def _snapshots(session: Session) -> list[tuple[str, int]]:
    return list(
        session.execute(select(MonthSnapshot.month, MonthSnapshot.revision).order_by(MonthSnapshot.id))
    )  # type: ignore[arg-type]


def test_previous_month_is_taken_in_brussels_time() -> None:
    # 1 December 00:30 in Brussels is still 30 November in UTC
    assert previous_month(datetime(2024, 11, 30, 23, 30, tzinfo=UTC)) == "2024-11"
    assert previous_month(datetime(2025, 1, 1, 3, 0, tzinfo=BRUSSELS)) == "2024-12"
    assert previous_month(datetime(2024, 12, 1, 3, 0, tzinfo=BRUSSELS)) == "2024-11"


def test_the_monthly_job_builds_the_previous_month_once(data: Session) -> None:
    now = datetime(2024, 12, 1, 3, 0, tzinfo=BRUSSELS)
    result = run_job(data, "monthly_snapshot", now)
    assert result.ok and result.details["built"] == ["2024-11 r1"]
    assert _snapshots(data) == [("2024-11", 1)]
    entries = audit.count(data)
    again = run_job(data, "monthly_snapshot", now)
    assert again.ok and again.details["built"] == [] and again.details["unchanged"] == ["2024-11 r1"]
    assert _snapshots(data) == [("2024-11", 1)]
    assert audit.count(data) == entries  # nothing at all changed
    actor = data.scalars(select(MonthSnapshot.built_by)).one()
    assert actor == "job:monthly_snapshot"


def test_a_month_without_records_is_not_a_failure(data: Session) -> None:
    result = run_job(data, "monthly_snapshot", datetime(2024, 3, 1, 3, 0, tzinfo=BRUSSELS))
    assert result.ok and result.details["no_records"] == ["2024-02"]
    assert _snapshots(data) == []


def test_every_month_with_data(data: Session) -> None:
    result = run_job(data, "monthly_snapshot", all_months=True)
    assert result.details["built"] == ["2024-10 r1", "2024-11 r1", "2024-12 r1"]
    assert run_job(data, "monthly_snapshot", all_months=True).details["built"] == []
    assert len(_snapshots(data)) == 3


def test_the_audit_job_records_an_intact_chain(data: Session, caplog: pytest.LogCaptureFixture) -> None:
    run_job(data, "monthly_snapshot", month="2024-11")
    with caplog.at_level(logging.INFO, logger="ciateh"):
        result = run_job(data, "audit_verify")
    assert result.ok
    last = data.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (last.actor, last.action) == ("job:audit_verify", "audit.verified")
    assert last.details["entries"] == result.details["entries"] and last.details["head"] == last.prev_hash
    events = [r for r in caplog.records if r.getMessage() == "audit.verified"]
    assert events and events[0].fields["head"] == last.prev_hash  # type: ignore[attr-defined]
    assert audit.verify_chain(data).ok


def test_the_audit_job_detects_a_tampered_entry(data: Session, caplog: pytest.LogCaptureFixture) -> None:
    for month in ("2024-10", "2024-11", "2024-12"):
        run_job(data, "monthly_snapshot", month=month)
    entries = list(data.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    target = entries[1]
    data.execute(
        sa.text("UPDATE audit_entry SET actor = :actor WHERE id = :id"),
        {"actor": "job:other", "id": target.id},
    )
    data.commit()
    with caplog.at_level(logging.INFO, logger="ciateh"):
        result = run_job(data, "audit_verify")
    assert not result.ok
    assert result.details["entry_id"] == target.id and result.details["problem"] == "edited"
    failed = [r for r in caplog.records if r.getMessage() == "audit.verify_failed"]
    assert failed and failed[0].levelno == logging.ERROR
    last = data.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert last.action == "audit.verify_failed" and last.details["entry_id"] == target.id


def test_unknown_jobs_and_options_are_refused(data: Session) -> None:
    with pytest.raises(ValueError, match="no job named"):
        run_job(data, "nightly_backup")
    with pytest.raises(ValueError):
        run_job(data, "monthly_snapshot", month="2024-11", all_months=True)


# -- the scheduler -------------------------------------------------------------------------------


def test_the_scheduler_has_both_jobs_on_their_cron_triggers(app: Flask) -> None:
    scheduler = build_scheduler(app, BackgroundScheduler(timezone=TIMEZONE))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"monthly_snapshot", "audit_verify"} == set(REGISTRY)
    monthly, nightly = jobs["monthly_snapshot"].trigger, jobs["audit_verify"].trigger
    assert isinstance(monthly, CronTrigger) and isinstance(nightly, CronTrigger)
    assert str(monthly.timezone) == "Europe/Brussels"
    after = datetime(2025, 3, 15, 12, 0, tzinfo=BRUSSELS)
    assert monthly.get_next_fire_time(None, after) == datetime(2025, 4, 1, 3, 0, tzinfo=BRUSSELS)
    # across the change to summer time (30 March 2025) it stays 03:00 local
    fire = monthly.get_next_fire_time(None, datetime(2025, 3, 2, tzinfo=BRUSSELS))
    assert fire is not None and (fire.day, fire.hour, fire.utcoffset()) == (
        1,
        3,
        datetime(2025, 4, 1, 3, tzinfo=BRUSSELS).utcoffset(),
    )
    assert nightly.get_next_fire_time(None, after) == datetime(2025, 3, 16, 2, 30, tzinfo=BRUSSELS)
    for job in jobs.values():
        assert job.coalesce and job.max_instances == 1


def test_a_scheduled_run_uses_its_own_app_context(app: Flask, data: Session) -> None:
    """What the scheduler calls at 03:00 on the 1st, run by hand (not waited for)."""
    scheduler = build_scheduler(app, BackgroundScheduler(timezone=TIMEZONE))
    job = scheduler.get_job("audit_verify")
    assert job is not None
    job.func()
    data.expire_all()
    assert (
        data.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)).one()
        == "audit.verified"
    )


def test_flask_scheduler_starts_a_blocking_scheduler_with_the_jobs(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[tuple[str, str]]] = []

    def start(self: BlockingScheduler, *args: Any, **kwargs: Any) -> None:
        started.append([(job.id, str(job.trigger)) for job in self.get_jobs()])

    monkeypatch.setattr(BlockingScheduler, "start", start)
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert started == [
        [
            ("audit_verify", "cron[hour='2', minute='30']"),
            ("monthly_snapshot", "cron[day='1', hour='3', minute='0']"),
        ]
    ]
    assert "scheduled monthly_snapshot" in result.output


# -- the command line ----------------------------------------------------------------------------


def test_jobs_list_and_run_from_the_command_line(app: Flask, data: Session) -> None:
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0
    assert "monthly_snapshot" in listed.output and "audit_verify" in listed.output
    result = runner.invoke(args=["jobs", "run", "monthly_snapshot", "--month", "2024-11"])
    assert result.exit_code == 0, result.output
    assert "built 1 snapshot(s) 2024-11 r1" in result.output
    again = runner.invoke(args=["jobs", "run", "monthly_snapshot", "--month", "2024-11"])
    assert again.exit_code == 0 and "built 0" in again.output and "unchanged 1" in again.output
    everything = runner.invoke(args=["jobs", "run", "monthly_snapshot", "--all"])
    assert everything.exit_code == 0 and "built 2 snapshot(s) 2024-10 r1, 2024-12 r1" in everything.output
    verified = runner.invoke(args=["jobs", "run", "audit_verify"])
    assert verified.exit_code == 0 and "audit chain intact" in verified.output
    data.expire_all()
    assert len(_snapshots(data)) == 3


def test_the_command_line_refuses_bad_input_and_reports_a_broken_chain(app: Flask, data: Session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jobs", "run", "monthly_snapshot", "--month", "2024-13"]).exit_code == 2
    assert runner.invoke(args=["jobs", "run", "audit_verify", "--month", "2024-11"]).exit_code == 2
    assert runner.invoke(args=["jobs", "run", "nightly_backup"]).exit_code == 2
    runner.invoke(args=["jobs", "run", "monthly_snapshot", "--month", "2024-11"])
    data.execute(sa.text("UPDATE audit_entry SET action = 'x.y'"))
    data.commit()
    broken = runner.invoke(args=["jobs", "run", "audit_verify"])
    assert broken.exit_code == 1 and "BROKEN" in broken.output


def test_the_job_classes() -> None:
    assert MonthlySnapshotJob().actor == "job:monthly_snapshot"
    assert AuditVerifyJob().actor == "job:audit_verify"
