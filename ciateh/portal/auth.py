"""Sign in (password, then TOTP), sign out, the account page (language, password) and the language
switch of the sign-in pages.

The password step stores only the pending account's id and the time in the session: nobody is signed
in until the TOTP step, which clears the session and then calls ``login_user`` (a fresh session: no
value set before sign-in survives it). Failures get one message whatever went wrong (no account, wrong
password, disabled account), and the lock-out another (the same for a locked account, a name that is no
account and a throttled address). The services in ``ciateh.accounts`` record failures and audit; the
views commit.
"""

from __future__ import annotations

import time
from typing import Any, Final
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ciateh import accounts
from ciateh.db import db
from ciateh.models import LANGUAGES, ROLES, User
from ciateh.portal.access import allow, public

bp = Blueprint("auth", __name__)

#: seconds between the password step and the TOTP step
PENDING_SECONDS: Final = 300
_PENDING_KEYS: Final = ("pending_user", "pending_at", "pending_next")
LANGUAGE_NAMES: Final = {"nl": "Nederlands", "fr": "Français", "en": "English"}
ROLE_NAMES: Final = {
    "partner": _l("Partner"),
    "bureau": _l("Bureau"),
    "cell": _l("Cell"),
    "admin": _l("Administrator"),
}

Page = str | tuple[str, int]


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Continue"))


class TotpForm(FlaskForm):  # type: ignore[misc]
    code = StringField(_l("Code from your authenticator app"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Sign in"))


class LanguageForm(FlaskForm):  # type: ignore[misc]
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )
    submit = SubmitField(_l("Save language"))


class PasswordForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=accounts.MIN_PASSWORD_CHARS,
                max=accounts.MAX_PASSWORD_CHARS,
                message=_l("Between %(min)d and %(max)d characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


# --- helpers ---------------------------------------------------------------------------------------


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/...``), else None: never another host
    (``//evil.example``, ``/\\evil.example``, ``https://...``), never control characters."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _policy() -> accounts.LoginPolicy:
    return accounts.LoginPolicy.from_config(current_app.config)


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _blocked_text(minutes: int) -> str:
    return str(_("Too many failed sign-in attempts. Try again in %(minutes)d minutes.", minutes=minutes))


def _current() -> User:
    user = current_user._get_current_object()
    assert isinstance(user, User)
    return user


def _clear_pending() -> None:
    for key in _PENDING_KEYS:
        session.pop(key, None)


def _start_pending(user: User, next_url: str | None) -> None:
    """Password accepted: remember who, and when, for the TOTP step (in a new session)."""
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    session["pending_user"] = user.id
    session["pending_at"] = int(time.time())
    if next_url:
        session["pending_next"] = next_url


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    started = session.get("pending_at")
    if not isinstance(user_id, int) or not isinstance(started, int):
        return None
    if not 0 <= time.time() - started <= PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def _render(template: str, **context: Any) -> str:
    return render_template(template, language_names=LANGUAGE_NAMES, role_names=ROLE_NAMES, **context)


def _login_page(form: LoginForm, next_url: str | None, error: str | None, status: int = 200) -> Page:
    return _render("auth/login.html", form=form, next=next_url, error=error), status


# --- views -----------------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Page | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    next_url = safe_next(request.args.get("next"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, next_url, None)
    try:
        user = accounts.authenticate_password(
            db.session, form.username.data or "", form.password.data or "", _client_address(), _policy()
        )
    except accounts.LoginBlocked as exc:
        db.session.commit()  # the failure is the lock-out's memory
        return _login_page(form, next_url, _blocked_text(exc.minutes), 429)
    db.session.commit()
    if user is None:
        error = _("Sign-in failed: the username or the password is not correct.")
        return _login_page(form, next_url, str(error))
    _start_pending(user, next_url)
    return redirect(url_for("auth.totp"))


@bp.route("/login/totp", methods=["GET", "POST"])
@public
def totp() -> Page | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = _pending_user()
    if user is None:
        _clear_pending()
        flash(_("Sign in with your username and password first."), "error")
        return redirect(url_for("auth.login"))
    form = TotpForm()
    error: str | None = None
    if form.validate_on_submit():
        try:
            accepted = accounts.verify_totp(db.session, user, form.code.data or "", _policy())
        except accounts.LoginBlocked as exc:
            db.session.commit()
            _clear_pending()
            return _login_page(LoginForm(formdata=None), None, _blocked_text(exc.minutes), 429)
        if accepted:
            next_url = safe_next(session.get("pending_next"))
            session.clear()  # a new session: nothing from before sign-in survives
            login_user(user, remember=False)
            accounts.record_login(db.session, user)
            db.session.commit()
            return redirect(next_url or url_for("home.index"))
        db.session.commit()
        error = str(_("The code is not valid. Enter the code your authenticator app shows now."))
    return _render("auth/totp.html", form=form, error=error)


@bp.post("/logout")
@allow(*ROLES, audit=None)
def logout() -> Response:
    user = _current()
    accounts.record_logout(db.session, user)
    db.session.commit()
    language = user.language
    logout_user()
    session.clear()
    session["lang"] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


_PASSWORD_ERRORS: Final = {
    "current_password": _l("The current password is not correct."),
    "password_same": _l("The new password is the same as the current one."),
    "password_username": _l("The password must not contain your username."),
    "password_short": _l("The new password is too short."),
    "password_long": _l("The new password is too long."),
}


@bp.route("/account", methods=["GET", "POST"])
@allow(*ROLES)
def account() -> Page | Response:
    user = _current()
    language_form = LanguageForm(prefix="lang", data={"language": user.language})
    password_form = PasswordForm(prefix="pw")
    password_error: str | None = None
    if request.method == "POST":
        if language_form.submit.data and language_form.validate():
            accounts.set_language(db.session, user, language_form.language.data, f"user:{user.username}")
            db.session.commit()
            session["lang"] = user.language
            flash(_("Your language is saved."), "info")
            return redirect(url_for("auth.account"))
        if password_form.submit.data and password_form.validate():
            try:
                accounts.change_password(
                    db.session,
                    user,
                    password_form.current.data or "",
                    password_form.new.data or "",
                    _policy(),
                )
            except accounts.AccountError as exc:
                if exc.code == "current_password":
                    db.session.commit()  # a failed attempt, counted and audited
                else:
                    db.session.rollback()
                password_error = str(_PASSWORD_ERRORS.get(exc.code, _("The password was not changed.")))
            else:
                db.session.commit()
                # the change ended every session of the account (a new session epoch): this one
                # continues under the new epoch, the others (a stolen cookie) do not
                login_user(user, remember=False)
                flash(_("Your password is changed."), "info")
                return redirect(url_for("auth.account"))
    return _render(
        "auth/account.html",
        language_form=language_form,
        password_form=password_form,
        password_error=password_error,
    )


@bp.post("/language")
@public
def language() -> Response:
    """The language switch (sign-in pages; signed in, it is also saved on the account)."""
    chosen = request.form.get("language", "")
    if chosen not in LANGUAGES:
        abort(400)
    session["lang"] = chosen
    if current_user.is_authenticated:
        user = _current()
        accounts.set_language(db.session, user, chosen, f"user:{user.username}")
        db.session.commit()
    fallback = url_for("home.index") if current_user.is_authenticated else url_for("auth.login")
    return redirect(safe_next(request.form.get("next")) or fallback)
