"""Administrators' pages. PLACEHOLDER: helper."""

from __future__ import annotations

from flask import Blueprint

from ciateh.portal.access import allow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@allow("admin")
def users() -> str:
    return "users"
