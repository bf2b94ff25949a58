"""The Cell's dashboard. PLACEHOLDER: helper."""

from __future__ import annotations

from flask import Blueprint

from ciateh.portal.access import allow

bp = Blueprint("cell", __name__, url_prefix="/cell")


@bp.get("/")
@allow("cell", "bureau")
def dashboard() -> str:
    return "dashboard"
