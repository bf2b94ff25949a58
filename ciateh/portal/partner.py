"""A partner's own batches. PLACEHOLDER: helper."""

from __future__ import annotations

from flask import Blueprint

from ciateh.portal.access import allow

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.get("/batches")
@allow("partner")
def batches() -> str:
    return "batches"
