"""Portal fixtures: accounts of every role, and signing a test client in as one of them.

``make_user`` creates an account directly in the database (argon2id hash, a fresh TOTP secret);
``login`` signs a test client in as that user without the password/TOTP pages (those are tested in
``test_auth.py`` through the real forms). ``mass_cases`` inserts synthetic anonymous persons.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy.orm import Session

from ciateh.models import Partner, User


@dataclass
class PortalUser:
    user: User
    password: str
    totp_secret: str

    def totp_now(self) -> str:
        return pyotp.TOTP(self.totp_secret).now()


@pytest.fixture
def make_user(session: Session) -> Callable[..., PortalUser]:
    hasher = PasswordHasher()

    def make(
        role: str, *, partner: Partner | None = None, username: str | None = None, language: str = "en"
    ) -> PortalUser:
        password = secrets.token_urlsafe(12)
        secret = pyotp.random_base32()
        user = User(
            username=username or f"{role}-{secrets.token_hex(3)}",
            role=role,
            partner_id=partner.id if partner is not None else None,
            password_hash=hasher.hash(password),
            totp_secret=secret,
            language=language,
        )
        session.add(user)
        session.commit()
        return PortalUser(user, password, secret)

    return make


@pytest.fixture
def login(app: Flask, client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign ``client`` in as ``user`` (a Flask-Login session, as after password and TOTP)."""

    def sign_in(user: User) -> FlaskClient:
        # a request that looks like the client's (address, agent): "strong" session protection
        # drops a session made for another
        with app.test_request_context(environ_base=client.environ_base):
            login_user(user)
            from flask import session as flask_session

            values = dict(flask_session)
        with client.session_transaction() as sess:
            sess.clear()
            sess.update(values)
        return client

    return sign_in
