"""``flask --app ciateh user ...``: portal accounts.

::

    flask --app ciateh user create USERNAME --role ROLE [--partner CODE] [--language nl]
    flask --app ciateh user reset-totp USERNAME
    flask --app ciateh user set-password USERNAME
    flask --app ciateh user disable USERNAME
    flask --app ciateh user unlock USERNAME
    flask --app ciateh user list

``create`` prints the generated password, the TOTP secret and its ``otpauth://`` URI (issuer
"ciateh") once: hand them to the person over separate channels. The secret is never shown again;
``reset-totp`` replaces it (a lost phone) and prints the new one. As in ``ciateh.cli``: a refused
change prints one line (``Error: ...``) and exits with 1, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from ciateh import accounts, audit
from ciateh.cli import _change as run_change
from ciateh.cli import _session, _table, _when
from ciateh.models import LANGUAGES, ROLES

T = TypeVar("T")
ACTOR = audit.ADMIN_CLI_ACTOR

user_cli = AppGroup("user", help="Portal accounts.")


def _change(action: Callable[[Session], T]) -> T:
    return run_change(action, (accounts.AccountError,))


def _print_second_factor(username: str, secret: str) -> None:
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"otpauth URI: {accounts.otpauth_uri(username, secret)}")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may see.")
@click.option("--partner", "partner_code", metavar="CODE", help="The organisation of a partner account.")
@click.option("--language", default="en", show_default=True, type=click.Choice(LANGUAGES))
def user_create(username: str, role: str, partner_code: str | None, language: str) -> None:
    """Create the account USERNAME (a handle such as bureau-anna, not a full name) and print its
    password and second factor, once."""
    user, password, secret = _change(
        lambda s: accounts.create_user(
            s, username, role, partner_code=partner_code, language=language, actor=ACTOR
        )
    )
    where = f", partner {partner_code}" if partner_code else ""
    click.echo(f"account {user.username} created ({role}{where}, language {language})")
    click.echo(f"password: {password}")
    _print_second_factor(user.username, secret)
    click.echo(
        "Give the password and the second factor to the person over separate channels; they are not"
        " shown again. The password can be changed on the account page.",
        err=True,
    )


@user_cli.command("reset-totp")
@click.argument("username")
def user_reset_totp(username: str) -> None:
    """Replace the second factor of USERNAME (a lost or replaced phone) and print the new one."""
    secret = _change(lambda s: accounts.reset_totp(s, username, ACTOR))
    click.echo(f"second factor of {username} replaced; the old codes no longer work")
    _print_second_factor(username, secret)


@user_cli.command("set-password")
@click.argument("username")
def user_set_password(username: str) -> None:
    """Give USERNAME a new generated password (and end a lock-out); prints it."""
    password = _change(lambda s: accounts.set_password(s, username, ACTOR))
    click.echo(f"password of {username} replaced")
    click.echo(f"password: {password}")


@user_cli.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Stop USERNAME from signing in; open sessions end at their next request."""
    _change(lambda s: accounts.disable_user(s, username, ACTOR))
    click.echo(f"account {username} disabled")


@user_cli.command("unlock")
@click.argument("username")
def user_unlock(username: str) -> None:
    """End the lock-out of USERNAME after failed sign-ins."""
    user = _change(lambda s: accounts.unlock_user(s, username, ACTOR))
    click.echo(f"account {user.username} unlocked")


@user_cli.command("list")
def user_list() -> None:
    """List the accounts (no secrets)."""
    users = accounts.list_users(_session())
    if not users:
        click.echo("no accounts")
        return
    _table(
        ("username", "role", "partner", "language", "active", "locked", "last login"),
        [
            (
                u.username,
                u.role,
                u.partner or "-",
                u.language,
                "yes" if u.active else "no",
                "yes" if u.locked else "no",
                _when(u.last_login_at),
            )
            for u in users
        ],
    )
