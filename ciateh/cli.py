"""Command-line administration: ``flask --app ciateh db upgrade`` and the admin groups.

::

    flask --app ciateh partner add CODE --name NAME --kind KIND
    flask --app ciateh partner list
    flask --app ciateh key register PARTNER_CODE PUBLIC_KEY_FILE
    flask --app ciateh key revoke KEY_ID [--at 2026-03-01T00:00:00+01:00]
    flask --app ciateh key list [PARTNER_CODE]
    flask --app ciateh audit verify [--anchor HEAD_HASH]
    flask --app ciateh audit tail [-n 20]

The commands parse their arguments, call a service of ``ciateh.admin`` or ``ciateh.audit``, commit and
print. A refused change prints one line (``Error: ...``) and exits with 1; nothing is changed.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ciateh import admin, audit, migrate
from ciateh.keys import KeyFormatError, parse_public_key
from ciateh.logs import LOGGER_NAME, log_event
from ciateh.models import PARTNER_KINDS

T = TypeVar("T")
MAX_KEY_FILE_BYTES = 16 * 1024
HASH_RE = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(f"{LOGGER_NAME}.cli")

db_cli = AppGroup("db", help="Create or migrate the database.")
partner_cli = AppGroup("partner", help="Partner organisations.")
key_cli = AppGroup("key", help="Partners' Ed25519 public keys.")
audit_cli = AppGroup("audit", help="The hash-chained audit log.")


def _session() -> Session:
    from ciateh.db import db

    return db.session


def _change(action: Callable[[Session], T], refusals: tuple[type[Exception], ...] = (admin.AdminError,)) -> T:
    """Run a service in the app's session and commit; a refusal (one of ``refusals``, or a database
    error) becomes a one-line error, exit 1, with everything rolled back."""
    session = _session()
    try:
        result = action(session)
        session.commit()
    except refusals as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        session.rollback()
        # the type only: a database error's message may quote the statement's parameters
        raise click.ClickException(f"database error ({type(exc).__name__}); nothing was changed") from None
    return result


def _when(value: datetime | None) -> str:
    return (
        "-" if value is None else value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        click.echo("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# --- db --------------------------------------------------------------------------------------------


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    from ciateh.db import db

    migrate.upgrade(str(db.engine.url.render_as_string(hide_password=False)), revision)
    click.echo(f"database at {revision}")


# --- partner ---------------------------------------------------------------------------------------


@partner_cli.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name (never a person's).")
@click.option("--kind", required=True, type=click.Choice(PARTNER_KINDS), help="The kind of partner.")
def partner_add(code: str, name: str, kind: str) -> None:
    """Add the partner CODE (lower-case letters, digits, '-', e.g. police-fed)."""
    partner = _change(lambda s: admin.add_partner(s, code, name, kind))
    click.echo(f"partner {partner.code} added ({partner.kind})")


@partner_cli.command("list")
def partner_list() -> None:
    """List the partners with their number of active keys."""
    partners = admin.list_partners(_session())
    if not partners:
        click.echo("no partners")
        return
    _table(
        ("code", "kind", "active keys", "name"),
        [(p.code, p.kind, str(p.active_keys), p.name) for p in partners],
    )


# --- key -------------------------------------------------------------------------------------------


@key_cli.command("register")
@click.argument("partner_code")
@click.argument(
    "public_key_file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
def key_register(partner_code: str, public_key_file: Path) -> None:
    """Register an Ed25519 public key of PARTNER_CODE from PUBLIC_KEY_FILE (PEM "PUBLIC KEY", or the
    base64 of the raw 32 bytes). Prints the key id."""
    if public_key_file.stat().st_size > MAX_KEY_FILE_BYTES:
        raise click.ClickException("the key file is too large to be a public key")
    try:
        raw = parse_public_key(public_key_file.read_bytes())
    except KeyFormatError as exc:
        raise click.ClickException(str(exc)) from None
    key = _change(lambda s: admin.register_key(s, partner_code, raw))
    click.echo(key.key_id)
    click.echo(f"key registered for partner {partner_code}", err=True)


def _parse_at(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("not an ISO date-time (e.g. 2026-03-01T00:00:00+01:00)") from None
    if when.tzinfo is None:
        raise click.BadParameter("give a timezone, e.g. 2026-03-01T00:00:00+01:00 or 2026-03-01T00:00:00Z")
    return when


@key_cli.command("revoke")
@click.argument("key_id")
@click.option(
    "--at",
    "at",
    callback=_parse_at,
    metavar="ISO-DATETIME",
    help="Revoked from this moment (with a timezone; default: now). May be in the past (compromise).",
)
def key_revoke(key_id: str, at: datetime | None) -> None:
    """Revoke the key KEY_ID: requests signed with it from the revocation time on are refused."""
    key = _change(lambda s: admin.revoke_key(s, key_id, at))
    click.echo(f"key {key.key_id} of partner {key.partner.code} revoked from {_when(key.revoked_at)}")


@key_cli.command("list")
@click.argument("partner_code", required=False)
def key_list(partner_code: str | None) -> None:
    """List the keys (of PARTNER_CODE, or of every partner)."""
    try:
        keys = admin.list_keys(_session(), partner_code)
    except admin.AdminError as exc:
        raise click.ClickException(str(exc)) from None
    if not keys:
        click.echo("no keys")
        return
    now = datetime.now(UTC)
    _table(
        ("key_id", "partner", "created", "revoked", "status"),
        [
            (
                k.key_id,
                k.partner.code,
                _when(k.created_at),
                _when(k.revoked_at),
                "active" if k.active_at(now) else "revoked",
            )
            for k in keys
        ],
    )


# --- audit -----------------------------------------------------------------------------------------


def _parse_hash(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not HASH_RE.fullmatch(value):
        raise click.BadParameter("a head hash is 64 hexadecimal characters (as printed by 'audit verify')")
    return value


@audit_cli.command("verify")
@click.option(
    "--anchor",
    metavar="HEAD_HASH",
    callback=_parse_hash,
    help="A head hash printed by an earlier run: fail if it is no longer in the chain (entries cut).",
)
def audit_verify(anchor: str | None) -> None:
    """Check every entry of the audit log: exit 0 if the chain is intact, 1 at the first problem."""
    report = audit.verify_chain(_session(), anchor=anchor)
    if report.problem is None:
        # the count and head, logged outside the database, are what shows a cut at the end later
        log_event(logger, "audit.verified", entries=report.entries, head=report.head, anchor=anchor)
        click.echo(f"audit chain intact: {report.entries} entries")
        click.echo(f"head: {report.head}")
        return
    log_event(
        logger,
        "audit.verify_failed",
        logging.ERROR,
        entries=report.entries,
        entry_id=report.problem.entry_id,
        problem=report.problem.kind,
    )
    click.echo(f"audit chain BROKEN: {report.problem.message}", err=True)
    click.echo(f"last intact head: {report.head} (entries intact: {report.intact_entries})", err=True)
    click.get_current_context().exit(1)


@audit_cli.command("tail")
@click.option("-n", "--lines", "n", default=20, show_default=True, type=click.IntRange(1, 10_000))
def audit_tail(n: int) -> None:
    """Show the newest N entries, oldest first."""
    entries = audit.tail(_session(), n)
    if not entries:
        click.echo("the audit log is empty")
        return
    for e in entries:
        details = json.dumps(e.details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        click.echo(f"{e.id:>7}  {_when(e.at)}  {e.actor}  {e.action}  {details}  {e.hash[:12]}")


def register_commands(app: Flask) -> None:
    from ciateh.jobs import jobs_cli, scheduler_command
    from ciateh.users_cli import user_cli

    for group in (db_cli, partner_cli, key_cli, audit_cli, user_cli, jobs_cli):
        app.cli.add_command(group)
    app.cli.add_command(scheduler_command)
