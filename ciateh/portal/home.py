"""The start page (each role lands on its own pages) and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ciateh.portal.access import public

bp = Blueprint("home", __name__)

LANDING = {
    "bureau": "bureau.months",
    "cell": "cell.dashboard",
    "partner": "partner.batches",
    "admin": "admin.users",
}


@bp.get("/")
@public
def index() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(LANDING[current_user.role]))


@bp.get("/healthz")
@public
def healthz() -> tuple[str, int]:
    return "ok", 200
