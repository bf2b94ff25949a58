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

#: query arguments recorded in the audit log with a page view (only short code-like values)
_AUDITED_ARGS = ("role", "revision", "dimension", "code", "by", "months", "end", "from", "to", "page", "only")
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_:.\-]{1,40}")


def user_actor(user: Any) -> str:
    return f"user:{user.username}"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def select_locale() -> str | None:
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _audit_details() -> dict[str, object]:
    details: dict[str, object] = {"endpoint": request.endpoint or ""}
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) or (isinstance(value, str) and _SAFE_VALUE.fullmatch(value)):
            details[name] = value
    for name in _AUDITED_ARGS:
        value = request.args.get(name)
        if value is not None and _SAFE_VALUE.fullmatch(value):
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
