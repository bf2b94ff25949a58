"""Ending sessions: sign-out, a password change or reset, a new second factor and disabling end every
open session of the account, including a copy of its session cookie."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh import accounts
from tests.ciateh.portal.portal_forms import submit


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("ciateh_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("ciateh_session", cookie.value)
    return thief


def test_a_copied_cookie_dies_with_sign_out(
    app: Flask, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    client = login(make_user("bureau").user)  # type: ignore[attr-defined]
    thief = _copy_of(app, client)
    assert thief.get("/bureau/").status_code == 200  # the copy works while the session is open
    response = submit(client, "/bureau/", "logout", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert thief.get("/bureau/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "change",
    [
        lambda s, name: accounts.set_password(s, name, "admin:cli"),
        lambda s, name: accounts.reset_totp(s, name, "admin:cli"),
        lambda s, name: accounts.disable_user(s, name, "admin:cli"),
    ],
    ids=["set-password", "reset-totp", "disable"],
)
def test_an_administrators_change_ends_open_sessions(
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    change: Callable[[Session, str], object],
) -> None:
    someone = make_user("cell")
    client = login(someone.user)  # type: ignore[attr-defined]
    assert client.get("/cell/").status_code == 200
    change(session, someone.user.username)  # type: ignore[attr-defined]
    session.commit()
    assert client.get("/cell/").status_code == 302


def test_a_session_id_without_epoch_is_refused(
    app: Flask, make_user: Callable[..., object], client: FlaskClient
) -> None:
    someone = make_user("cell")
    with client.session_transaction() as sess:
        sess["_user_id"] = str(someone.user.id)  # type: ignore[attr-defined]
        sess["_fresh"] = True
    assert client.get("/cell/").status_code == 302
