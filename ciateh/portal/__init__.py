"""The portal: pages for partners, the Bureau, the Cell and administrators (server-rendered HTML).

``init_portal`` wires what every page relies on: Flask-Login sessions (password, then TOTP), CSRF
on every form (Flask-WTF), security headers and cookie settings, Flask-Babel (nl, fr, en, chosen per
user), the access declarations (``ciateh.portal.access``: a route without one stops the app from
starting) and the audit of every page view and export.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, current_app, request, session
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from ciateh import audit
from ciateh.db import db
from ciateh.models import LANGUAGES, User
from ciateh.portal.access import audit_kind, check_declared
from ciateh.portal.errors import init_errors
from ciateh.portal.formatting import register_filters
from ciateh.portal.security import configure_security

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

#: The query arguments recorded with a page view, per route, each only when its value is in the
#: argument's domain: the audit log is append-only and hash-chained, so nothing typed by a user may
#: reach it unchecked (a value in an argument a view ignores would otherwise be kept forever).
_MONTH_VALUE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_NUMBER_VALUE = re.compile(r"[0-9]{1,6}")
_AUDITED_ARGS: dict[str, tuple[str, ...]] = {
    "bureau.month": ("role", "revision"),
    "bureau.drilldown": ("role", "revision", "dimension", "code", "by"),
    "bureau.export": ("role", "revision"),
    "cell.dashboard": ("months", "end"),
    "cell.meeting_pack": ("from", "to"),
    "partner.batches": ("page",),
    "partner.batch": ("page", "only"),
}
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_:.\-]{1,40}")


def _in_domain(name: str, value: str) -> bool:
    from ciateh.aggregates import DIMENSIONS, REST
    from ciateh.aggregates.dimensions import ROLE_GROUPS, dimension, is_known_code

    if name == "role":
        return value in ROLE_GROUPS
    if name in ("revision", "page"):
        return bool(_NUMBER_VALUE.fullmatch(value))
    if name == "months":
        return value in ("12", "24", "36")
    if name in ("end", "from", "to"):
        return bool(_MONTH_VALUE.fullmatch(value))
    if name == "only":
        return value == "rejected"
    if name in ("dimension", "by"):
        return value in DIMENSIONS
    if name == "code":
        # the drill-down answers 404 to a code that is not one of the dimension's categories;
        # partner codes and months have no code list: recorded only in their own shape
        dim = request.args.get("dimension", "")
        if dim not in DIMENSIONS or not _SAFE_VALUE.fullmatch(value):
            return False
        if value == REST:
            return True
        if dim == "partner":
            return bool(re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", value))
        return dim != "month" and is_known_code(dimension(dim), value)
    return False


def user_actor(user: Any) -> str:
    return f"user:{user.username}"


_SESSION_USER = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's user, if the account is active and the session is of its current epoch."""
    found = _SESSION_USER.fullmatch(user_id)
    if found is None:
        return None
    user = db.session.get(User, int(found.group(1)))
    if user is None or not user.active or user.session_epoch != int(found.group(2)):
        return None
    return user


def select_locale() -> str | None:
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _audit_details() -> dict[str, object]:
    endpoint = request.endpoint or ""
    details: dict[str, object] = {"endpoint": endpoint}
    # path arguments: the view answered 200, so its converters and checks accepted them
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) or (isinstance(value, str) and _SAFE_VALUE.fullmatch(value)):
            details[name] = value
    for name in _AUDITED_ARGS.get(endpoint, ()):
        value = request.args.get(name)
        if value is not None and _in_domain(name, value):
            details[f"arg.{name}"] = value
    return details


def _audit_page(response: Response) -> Response:
    """Write every successful page view and export to the audit log (the view's declaration says
    which), committed with it; a page whose audit entry cannot be written is not shown."""
    if request.endpoint is None or response.status_code != 200 or not current_user.is_authenticated:
        return response
    kind = audit_kind(current_app, request.endpoint)
    if kind is None or (kind == "view" and request.method not in ("GET", "HEAD")):
        return response
    audit.append(db.session, user_actor(current_user), f"portal.{kind}", _audit_details())
    db.session.commit()
    return response


def init_portal(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "portal/translations")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session instead
    configure_security(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    babel.init_app(app, locale_selector=select_locale)
    register_filters(app)
    init_errors(app)

    from ciateh.portal import admin, auth, bureau, cell, home, partner

    for module in (auth, home, bureau, cell, partner, admin):
        app.register_blueprint(module.bp)

    app.after_request(_audit_page)
    check_declared(app)
