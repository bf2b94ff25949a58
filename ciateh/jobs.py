"""Scheduled jobs. PLACEHOLDER (helper: snapshots)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Scheduled jobs, run once by hand.")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs (placeholder)."""
    raise click.ClickException("not yet")
