"""The Bureau's pages. PLACEHOLDER: helper."""

from __future__ import annotations

from flask import Blueprint

from ciateh.portal.access import allow

bp = Blueprint("bureau", __name__, url_prefix="/bureau")


@bp.get("/")
@allow("bureau")
def months() -> str:
    return "months"
