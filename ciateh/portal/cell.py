"""The Cell's dashboard and its meeting pack: the picture at a glance for senior officials.

The dashboard shows, for the 12, 24 or 36 months ending with the latest month that has a snapshot
(or ``?end=YYYY-MM``): the key figures with their trend against the previous period, victims and
suspects per month, the breakdowns by form of exploitation, labour sector and nationality, which
months are provisional or missing, the open proposals and decisions, and a link to the meeting pack
(a PDF of the same figures, :mod:`ciateh.exports.meeting_pack`). Every number comes from
:func:`ciateh.reports.period_report` through the view the PDF uses too: sums of the numbers the
published month pages show, a range where a month hides one, so that no choice of period reveals
more than the month pages do.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

from ciateh.db import db
from ciateh.exports.meeting_pack import (
    MAX_MONTHS,
    build_meeting_pack,
    is_month,
    period_problem,
    present,
    present_open_items,
    reading_guide,
)
from ciateh.portal.access import allow
from ciateh.reports import TREND_LENGTHS, latest_month, period_report

bp = Blueprint("cell", __name__, url_prefix="/cell")

DEFAULT_LENGTH = TREND_LENGTHS[0]


def _lang() -> str:
    return str(get_locale() or "en")


def _k() -> int:
    return int(current_app.config["SUPPRESSION_K"])


def _bad_request(message: str) -> ResponseReturnValue:
    return render_template("cell/bad_request.html", message=message), 400


@bp.get("/")
@allow("cell", "bureau")
def dashboard() -> ResponseReturnValue:
    raw_length = request.args.get("months", str(DEFAULT_LENGTH))
    if raw_length not in {str(n) for n in TREND_LENGTHS}:
        return _bad_request(str(gettext("The period is 12, 24 or 36 months.")))
    length = int(raw_length)
    end = request.args.get("end") or None
    if end is not None and not is_month(end):
        return _bad_request(str(gettext("A month is written as year-month, for example 2024-11.")))
    latest = latest_month(db.session)
    if end is None:
        end = latest
    items = present_open_items(db.session, _lang())
    if end is None:
        return render_template("cell/dashboard.html", view=None, items=items, lengths=TREND_LENGTHS)
    view = present(period_report(db.session, end, length, k=_k()), _lang())
    return render_template(
        "cell/dashboard.html",
        view=view,
        guide=reading_guide(view),
        items=items,
        lengths=TREND_LENGTHS,
        length=length,
        latest=latest,
        max_months=MAX_MONTHS,
    )


@bp.get("/meeting-pack.pdf")
@allow("cell", "bureau", audit="export")
def meeting_pack() -> ResponseReturnValue:
    start, end = request.args.get("from"), request.args.get("to")
    problem = period_problem(start, end)
    if problem is not None or start is None or end is None:
        return _bad_request(problem or "")
    data = build_meeting_pack(db.session, start, end, k=_k(), lang=_lang())
    filename = f"ciateh-meeting-pack-{start}-{end}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
