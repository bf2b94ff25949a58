"""``flask --app ciateh user ...`` through Flask's CLI runner: what each command prints, stores and
audits, and that a refused command is one line, exit 1, with nothing changed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from ciateh import accounts
from ciateh.db import utcnow
from ciateh.models import AuditEntry, Partner, User


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str) -> Result:
    result = runner.invoke(args=list(args))
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def refused(runner: FlaskCliRunner, *args: str) -> str:
    result = run(runner, *args)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def field(output: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}: (\S+)$", output, re.MULTILINE)
    assert match, f"no {name!r} line in {output!r}"
    return match.group(1)


def user_rows(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(u.username, u.role) for u in session.scalars(sa.select(User).order_by(User.username))]


def audit_actions(session: Session) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def police(session: Session) -> Partner:
    partner = Partner(code="police-fed", name="Federale Politie", kind="police")
    session.add(partner)
    session.commit()
    return partner


def test_create_prints_password_secret_and_uri_once(runner: FlaskCliRunner, session: Session) -> None:
    result = run(runner, "user", "create", "bureau-anna", "--role", "bureau", "--language", "nl")
    assert result.exit_code == 0, result.output
    password = field(result.output, "password")
    secret = field(result.output, "TOTP secret")
    uri = field(result.output, "otpauth URI")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/ciateh:bureau-anna")
    assert parse_qs(parts.query) == {"secret": [secret], "issuer": ["ciateh"]}
    user = session.scalar(sa.select(User).where(User.username == "bureau-anna"))
    assert user is not None
    assert (user.role, user.language, user.partner_id, user.active) == ("bureau", "nl", None, True)
    assert PasswordHasher().verify(user.password_hash, password)
    assert user.totp_secret == secret and pyotp.TOTP(secret).now().isdigit()
    assert audit_actions(session) == [("admin:cli", "user.created")]
    # never shown again
    listing = run(runner, "user", "list").output
    assert secret not in listing and password not in listing


def test_create_a_partner_account(runner: FlaskCliRunner, session: Session, police: Partner) -> None:
    result = run(runner, "user", "create", "pol-jan", "--role", "partner", "--partner", "police-fed")
    assert result.exit_code == 0, result.output
    assert "partner police-fed" in result.output
    user = session.scalar(sa.select(User).where(User.username == "pol-jan"))
    assert user is not None and user.partner_id == police.id


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("Anna Smith", "--role", "bureau"), "username is 3 to 60"),
        (("pol-jan", "--role", "partner"), "needs its organisation"),
        (("pol-jan", "--role", "partner", "--partner", "nope"), "no partner with code 'nope'"),
        (("cell-x", "--role", "cell", "--partner", "police-fed"), "belongs to no partner"),
    ],
)
def test_create_refusals_change_nothing(
    runner: FlaskCliRunner, session: Session, police: Partner, args: tuple[str, ...], error: str
) -> None:
    line = refused(runner, "user", "create", *args)
    assert error in line
    assert user_rows(session) == [] and audit_actions(session) == []


def test_bad_role_or_language_is_a_usage_error(runner: FlaskCliRunner, session: Session) -> None:
    assert run(runner, "user", "create", "x-abc", "--role", "root").exit_code == 2
    assert run(runner, "user", "create", "x-abc", "--role", "cell", "--language", "de").exit_code == 2
    assert user_rows(session) == []


def test_create_twice_is_refused(runner: FlaskCliRunner, session: Session) -> None:
    run(runner, "user", "create", "cell-one", "--role", "cell")
    assert "already exists" in refused(runner, "user", "create", "cell-one", "--role", "admin")
    assert user_rows(session) == [("cell-one", "cell")]


def test_reset_totp_prints_a_new_secret(runner: FlaskCliRunner, session: Session) -> None:
    created = run(runner, "user", "create", "cell-one", "--role", "cell").output
    old = field(created, "TOTP secret")
    result = run(runner, "user", "reset-totp", "cell-one")
    assert result.exit_code == 0, result.output
    new = field(result.output, "TOTP secret")
    assert new != old
    assert f"secret={new}" in field(result.output, "otpauth URI")
    session.expire_all()
    user = session.scalar(sa.select(User).where(User.username == "cell-one"))
    assert user is not None and user.totp_secret == new
    assert audit_actions(session)[-1] == ("admin:cli", "user.totp_reset")
    assert "no account with username 'ghost'" in refused(runner, "user", "reset-totp", "ghost")


def test_set_password_prints_a_new_one(runner: FlaskCliRunner, session: Session) -> None:
    old = field(run(runner, "user", "create", "cell-one", "--role", "cell").output, "password")
    result = run(runner, "user", "set-password", "cell-one")
    assert result.exit_code == 0, result.output
    new = field(result.output, "password")
    assert new != old
    session.expire_all()
    user = session.scalar(sa.select(User).where(User.username == "cell-one"))
    assert user is not None and PasswordHasher().verify(user.password_hash, new)
    assert audit_actions(session)[-1] == ("admin:cli", "user.password_set")
    assert "no account" in refused(runner, "user", "set-password", "ghost")


def test_disable_and_unlock(runner: FlaskCliRunner, session: Session) -> None:
    run(runner, "user", "create", "cell-one", "--role", "cell")
    user = session.scalar(sa.select(User).where(User.username == "cell-one"))
    assert user is not None
    user.locked_until = utcnow().replace(year=utcnow().year + 1)
    user.failed_logins = 3
    session.commit()
    assert "yes" in _list_row(runner, "cell-one")[5]
    result = run(runner, "user", "unlock", "cell-one")
    assert result.exit_code == 0 and "unlocked" in result.output
    session.expire_all()
    assert not accounts.is_locked(user) and user.failed_logins == 0
    result = run(runner, "user", "disable", "cell-one")
    assert result.exit_code == 0 and "disabled" in result.output
    session.expire_all()
    assert user.active is False
    assert "already disabled" in refused(runner, "user", "disable", "cell-one")
    assert [a for _, a in audit_actions(session)] == ["user.created", "user.unlocked", "user.disabled"]


def _list_row(runner: FlaskCliRunner, username: str) -> list[str]:
    output = run(runner, "user", "list").output
    row = next(line for line in output.splitlines() if line.startswith(username + " "))
    return row.split()


def test_list_shows_the_accounts_without_secrets(
    runner: FlaskCliRunner, session: Session, police: Partner
) -> None:
    assert run(runner, "user", "list").output.strip() == "no accounts"
    run(
        runner,
        "user",
        "create",
        "pol-jan",
        "--role",
        "partner",
        "--partner",
        "police-fed",
        "--language",
        "fr",
    )
    run(runner, "user", "create", "admin-1", "--role", "admin")
    run(runner, "user", "disable", "admin-1")
    lines = run(runner, "user", "list").output.splitlines()
    assert lines[0].split() == [
        "username",
        "role",
        "partner",
        "language",
        "active",
        "locked",
        "last",
        "login",
    ]
    assert lines[1].split() == ["admin-1", "admin", "-", "en", "no", "no", "-"]
    assert lines[2].split() == ["pol-jan", "partner", "police-fed", "fr", "yes", "no", "-"]
    assert "$argon2" not in "\n".join(lines)


def test_a_created_account_can_sign_in_with_what_was_printed(
    runner: FlaskCliRunner, session: Session, app: Flask
) -> None:
    output = run(runner, "user", "create", "bureau-anna", "--role", "bureau").output
    policy = accounts.LoginPolicy.from_config(app.config)
    user = accounts.authenticate_password(
        session, "bureau-anna", field(output, "password"), "192.0.2.1", policy
    )
    assert user is not None
    assert accounts.verify_totp(session, user, pyotp.TOTP(field(output, "TOTP secret")).now(), policy)
