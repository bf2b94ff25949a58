"""Sign-in through the real pages, with CSRF on: each form is fetched, its hidden fields (the CSRF
token) read from the HTML, and posted back, as a browser does."""

from __future__ import annotations

import re
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from ciateh import create_app
from ciateh.db import utcnow
from ciateh.models import AuditEntry, User
from ciateh.portal import login_manager
from ciateh.portal.auth import PENDING_SECONDS, safe_next
from tests.ciateh.conftest import TEST_FERNET_KEY
from tests.ciateh.portal.portal_forms import fresh_request_globals, message, page, submit

__all__ = ["fresh_request_globals"]  # the autouse fixture

GENERIC = "Sign-in failed: the username or the password is not correct."
BLOCKED = "Too many failed sign-in attempts."
MakeUser = Callable[..., Any]


# --- steps ------------------------------------------------------------------------------------------


def password_step(
    client: FlaskClient, username: str, password: str, url: str = "/login", **kw: Any
) -> TestResponse:
    return submit(client, url, "login-form", {"username": username, "password": password}, **kw)


def totp_step(client: FlaskClient, code: str, **kw: Any) -> TestResponse:
    return submit(client, "/login/totp", "totp-form", {"code": code}, **kw)


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def signed_in_user_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def actions(session: Session) -> list[str]:
    return list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- the two steps -----------------------------------------------------------------------------------


def test_password_then_totp_signs_in(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("admin")
    response = password_step(client, someone.user.username, someone.password)
    assert response.status_code == 302 and response.headers["Location"] == "/login/totp"
    # after the password alone: a pending id and a time, not signed in
    with client.session_transaction() as sess:
        assert sess["pending_user"] == someone.user.id and isinstance(sess["pending_at"], int)
        assert "_user_id" not in sess
    assert client.get("/admin/users").status_code == 302
    response = totp_step(client, someone.totp_now())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_user_id(client) == someone.user.get_id()
    assert client.get("/").headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    assert "user.login" in actions(session)
    session.refresh(someone.user)
    assert someone.user.last_login_at is not None


def test_the_login_form_has_the_element_ids(client: FlaskClient) -> None:
    doc = lxml.html.fromstring(page(client, "/login").get_data(as_text=True))
    assert doc.get_element_by_id("username").get("name") == "username"
    assert doc.get_element_by_id("password").get("type") == "password"
    assert doc.get_element_by_id("submit").get("type") == "submit"
    assert not doc.xpath("//script") and not doc.xpath("//*[@style]") and not doc.xpath("//style")


def test_the_totp_form_has_the_element_ids(client: FlaskClient, make_user: MakeUser) -> None:
    someone = make_user("cell")
    password_step(client, someone.user.username, someone.password)
    doc = lxml.html.fromstring(page(client, "/login/totp").get_data(as_text=True))
    assert doc.get_element_by_id("code").get("autocomplete") == "one-time-code"
    assert doc.get_element_by_id("submit").get("type") == "submit"


def test_wrong_password_unknown_user_and_disabled_account_get_the_same_answer(
    client: FlaskClient, make_user: MakeUser, session: Session
) -> None:
    someone = make_user("bureau")
    disabled = make_user("bureau")
    disabled.user.active = False
    session.commit()
    answers = [
        password_step(client, someone.user.username, "not-the-password"),
        password_step(client, "nobody-here", "not-the-password"),
        password_step(client, disabled.user.username, disabled.password),
    ]
    for response in answers:
        assert response.status_code == 200
        assert message(response) == GENERIC
        assert signed_in_user_id(client) is None
    with client.session_transaction() as sess:
        assert "pending_user" not in sess
    reasons = [
        e.details["reason"]
        for e in session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.login_failed"))
    ]
    assert reasons == ["password", "unknown_user", "disabled"]


def test_wrong_totp_is_refused(client: FlaskClient, make_user: MakeUser) -> None:
    someone = make_user("bureau")
    password_step(client, someone.user.username, someone.password)
    response = totp_step(client, other_code(someone.totp_now()))
    assert response.status_code == 200
    assert "The code is not valid" in message(response)
    assert signed_in_user_id(client) is None
    # still pending: the right code now works
    assert totp_step(client, someone.totp_now()).status_code == 302
    assert signed_in_user_id(client) == someone.user.get_id()


def test_a_totp_code_is_good_once(app: Flask, make_user: MakeUser, session: Session) -> None:
    someone = make_user("bureau")
    first, second = app.test_client(), app.test_client()
    code = someone.totp_now()
    password_step(first, someone.user.username, someone.password)
    password_step(second, someone.user.username, someone.password)
    assert totp_step(first, code).status_code == 302
    # an observer who saw the code types it in its own session: refused
    response = totp_step(second, code)
    assert response.status_code == 200 and "The code is not valid" in message(response)
    assert signed_in_user_id(second) is None
    replay = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "user.login_failed").order_by(AuditEntry.id)
    ).all()[-1]
    assert replay.details["reason"] == "totp_replay"


def test_lock_out_after_the_configured_failures(
    app: Flask, client: FlaskClient, make_user: MakeUser, session: Session
) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    someone = make_user("bureau")
    for _ in range(limit - 1):
        assert message(password_step(client, someone.user.username, "not-the-password")) == GENERIC
    response = password_step(client, someone.user.username, "not-the-password")
    assert response.status_code == 429 and BLOCKED in message(response)
    # now even the right password is refused, with the same message
    response = password_step(client, someone.user.username, someone.password)
    assert response.status_code == 429 and BLOCKED in message(response)
    assert signed_in_user_id(client) is None
    assert "user.locked" in actions(session)
    session.refresh(someone.user)
    assert someone.user.locked_until is not None and someone.user.locked_until > utcnow()
    # a name that is no account shows the lock-out after the same number of failures
    other = from_address(app, "198.51.100.7")
    for _ in range(limit - 1):
        assert message(password_step(other, "nobody-here", "not-the-password")) == GENERIC
    assert password_step(other, "nobody-here", "not-the-password").status_code == 429


def test_wrong_totp_codes_lock_the_account(app: Flask, client: FlaskClient, make_user: MakeUser) -> None:
    someone = make_user("cell")
    password_step(client, someone.user.username, someone.password)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert totp_step(client, other_code(someone.totp_now())).status_code == 200
    response = totp_step(client, other_code(someone.totp_now()))
    assert response.status_code == 429 and BLOCKED in message(response)
    # the pending step is gone, and the password no longer opens it
    assert client.get("/login/totp").status_code == 302
    assert password_step(client, someone.user.username, someone.password).status_code == 429


def test_throttle_per_source_address(
    app: Flask, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_SOURCE", 4)
    someone = make_user("bureau")
    attacker = from_address(app, "203.0.113.5")
    for i in range(4):  # different names: no account lock-out is involved
        assert message(password_step(attacker, f"guess-{i}", "not-the-password")) == GENERIC
    response = password_step(attacker, someone.user.username, someone.password)
    assert response.status_code == 429 and BLOCKED in message(response)
    # the same account from another address is not throttled
    colleague = from_address(app, "203.0.113.6")
    assert password_step(colleague, someone.user.username, someone.password).status_code == 302


def test_a_disabled_account_is_signed_out(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("bureau")
    password_step(client, someone.user.username, someone.password)
    totp_step(client, someone.totp_now())
    assert client.get("/account").status_code == 200
    someone.user.active = False
    session.commit()
    assert client.get("/account").status_code == 302


def test_the_totp_page_needs_the_password_step(client: FlaskClient, make_user: MakeUser) -> None:
    response = client.get("/login/totp")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    someone = make_user("bureau")
    password_step(client, someone.user.username, someone.password)
    with client.session_transaction() as sess:
        sess["pending_at"] -= PENDING_SECONDS + 1
    assert client.get("/login/totp").status_code == 302
    with client.session_transaction() as sess:
        assert "pending_user" not in sess


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/admin/users",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/admin/users\r\nLocation: https://evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(client: FlaskClient, make_user: MakeUser, target: str) -> None:
    assert safe_next(target) is None
    someone = make_user("admin")
    password_step(client, someone.user.username, someone.password, url=f"/login?next={_quote(target)}")
    response = totp_step(client, someone.totp_now())
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_to_a_page_of_the_site_is_followed(client: FlaskClient, make_user: MakeUser) -> None:
    someone = make_user("admin")
    # as the access guard sends an anonymous visitor
    response = client.get("/admin/audit")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url == "/login?next=/admin/audit"
    password_step(client, someone.user.username, someone.password, url=login_url)
    response = totp_step(client, someone.totp_now())
    assert response.headers["Location"] == "/admin/audit"
    assert safe_next("/bureau/month/2024-11?role=victims") == "/bureau/month/2024-11?role=victims"


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def test_the_session_is_new_after_sign_in(client: FlaskClient, make_user: MakeUser) -> None:
    someone = make_user("bureau")
    page(client, "/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by-someone-else"
        before = sess["csrf_token"]
    password_step(client, someone.user.username, someone.password)
    totp_step(client, someone.totp_now())
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != before
        assert not any(key.startswith("pending") for key in sess)
        assert sess["_user_id"] == someone.user.get_id()


def test_strong_session_protection_and_no_remember_cookie(client: FlaskClient, make_user: MakeUser) -> None:
    assert login_manager.session_protection == "strong"
    someone = make_user("bureau")
    password_step(client, someone.user.username, someone.password)
    response = totp_step(client, someone.totp_now())
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    assert client.get_cookie("remember_token") is None
    assert client.get("/account").status_code == 200
    # the same cookie from another browser (user agent): the session is dropped
    assert client.get("/account", headers={"User-Agent": "another-browser/1.0"}).status_code == 302


def test_logout_ends_the_session(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("bureau", language="nl")
    password_step(client, someone.user.username, someone.password)
    totp_step(client, someone.totp_now())
    response = submit(client, "/account", "logout", {})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert signed_in_user_id(client) is None
    assert client.get("/account").status_code == 302
    assert actions(session)[-1] == "user.logout"
    # the sign-in page stays in the user's language
    assert '<html lang="nl">' in page(client, "/login").get_data(as_text=True)


# --- CSRF and cookies --------------------------------------------------------------------------------


def test_a_post_without_csrf_token_is_400(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("bureau")
    page(client, "/login")
    response = client.post("/login", data={"username": someone.user.username, "password": someone.password})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "pending_user" not in sess
    response = client.post(
        "/login", data={"username": "x", "password": "y", "csrf_token": "forged.token.value"}
    )
    assert response.status_code == 400
    assert actions(session) == []  # nothing was even tried
    # signed in, sign-out without the token is refused too
    password_step(client, someone.user.username, someone.password)
    totp_step(client, someone.totp_now())
    assert client.post("/logout").status_code == 400
    assert signed_in_user_id(client) == someone.user.get_id()


def test_session_cookie_flags_with_secure_cookies(database_url: str) -> None:
    secure_app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "FERNET_KEYS": TEST_FERNET_KEY,
            "SECURE_COOKIES": True,
        }
    )
    client = secure_app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.status_code == 200
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("ciateh_session=")]
    cookie = SimpleCookie()
    cookie.load(header)
    morsel = cookie["ciateh_session"]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    assert "Strict-Transport-Security" in response.headers


def test_session_cookie_flags_without_secure_cookies(client: FlaskClient) -> None:
    response = page(client, "/login")
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("ciateh_session=")]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_sign_in_over_https_works_with_the_referrer_policy_browsers_follow(
    client: FlaskClient, make_user: MakeUser
) -> None:
    """Over HTTPS, Flask-WTF also wants a same-site Referer on every POST (WTF_CSRF_SSL_STRICT); a
    browser sends one only if the page's Referrer-Policy lets it."""
    someone = make_user("bureau")
    https = {"base_url": "https://localhost"}
    policy = page(client, "/login", **https).headers["Referrer-Policy"]
    sends_referrer = policy in {"same-origin", "strict-origin", "strict-origin-when-cross-origin", "origin"}
    headers = {"Referer": "https://localhost/login"} if sends_referrer else {}
    response = password_step(client, someone.user.username, someone.password, headers=headers, **https)
    assert response.status_code == 302, (
        f"POST over HTTPS answered {response.status_code} with Referrer-Policy {policy!r}"
    )


# --- account page and language -----------------------------------------------------------------------


def sign_in(client: FlaskClient, someone: Any) -> None:
    password_step(client, someone.user.username, someone.password)
    assert totp_step(client, someone.totp_now()).status_code == 302


def test_account_language_choice(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("cell")
    sign_in(client, someone)
    response = submit(client, "/account", "language-form", {"lang-language": "fr", "lang-submit": "1"})
    assert response.status_code == 302
    session.refresh(someone.user)
    assert someone.user.language == "fr"
    assert '<html lang="fr">' in page(client, "/account").get_data(as_text=True)
    assert "user.language_set" in actions(session)


def test_account_password_change(client: FlaskClient, make_user: MakeUser, session: Session) -> None:
    someone = make_user("cell")
    sign_in(client, someone)
    new = "a-brand-new-passphrase"
    wrong = submit(
        client,
        "/account",
        "password-form",
        {"pw-current": "not-it-at-all", "pw-new": new, "pw-confirm": new, "pw-submit": "1"},
    )
    assert wrong.status_code == 200 and "The current password is not correct." in message(wrong)
    differ = submit(
        client,
        "/account",
        "password-form",
        {"pw-current": someone.password, "pw-new": new, "pw-confirm": new + "x", "pw-submit": "1"},
    )
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    short = submit(
        client,
        "/account",
        "password-form",
        {"pw-current": someone.password, "pw-new": "short", "pw-confirm": "short", "pw-submit": "1"},
    )
    assert short.status_code == 200 and "Between 12 and 200 characters." in short.get_data(as_text=True)
    done = submit(
        client,
        "/account",
        "password-form",
        {"pw-current": someone.password, "pw-new": new, "pw-confirm": new, "pw-submit": "1"},
    )
    assert done.status_code == 302
    assert "user.password_changed" in actions(session)
    submit(client, "/account", "logout", {})
    assert password_step(client, someone.user.username, someone.password).status_code == 200
    assert password_step(client, someone.user.username, new).status_code == 302


def test_language_switch_on_the_sign_in_page(client: FlaskClient) -> None:
    response = submit(client, "/login", "language-switch", {"language": "nl"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert '<html lang="nl">' in page(client, "/login").get_data(as_text=True)
    doc = lxml.html.fromstring(page(client, "/login").get_data(as_text=True))
    token = doc.xpath("//form[@id='language-switch']//input[@name='csrf_token']/@value")[0]
    bad = client.post("/language", data={"language": "de", "csrf_token": token})
    assert bad.status_code == 400
    evil = client.post("/language", data={"language": "fr", "csrf_token": token, "next": "//evil.example"})
    assert evil.headers["Location"] == "/login"


def test_language_switch_when_signed_in_saves_it(
    client: FlaskClient, make_user: MakeUser, session: Session
) -> None:
    someone = make_user("admin")
    sign_in(client, someone)
    doc = lxml.html.fromstring(page(client, "/account").get_data(as_text=True))
    token = doc.xpath("//button[@id='logout']/ancestor::form//input[@name='csrf_token']/@value")[0]
    response = client.post("/language", data={"language": "nl", "csrf_token": token, "next": "/admin/users"})
    assert response.headers["Location"] == "/admin/users"
    session.refresh(someone.user)
    assert someone.user.language == "nl"


def test_no_secret_or_password_in_any_page(
    client: FlaskClient, make_user: MakeUser, session: Session
) -> None:
    someone = make_user("admin")
    sign_in(client, someone)
    for url in ("/account", "/admin/users", "/admin/audit"):
        text = page(client, url).get_data(as_text=True)
        assert someone.totp_secret not in text and someone.password not in text
        assert not re.search(r"\$argon2", text)
    stored = session.get(User, someone.user.id)
    assert stored is not None and stored.password_hash not in page(client, "/admin/users").get_data(
        as_text=True
    )
