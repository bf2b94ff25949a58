"""Sign in (password, then TOTP), sign out, and the account page (language). PLACEHOLDER: helper."""

from __future__ import annotations

from flask import Blueprint

from ciateh.portal.access import public

bp = Blueprint("auth", __name__)


@bp.get("/login")
@public
def login() -> str:
    return "login"
