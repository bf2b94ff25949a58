"""The Bureau's pages: the months, a month's protected figures (with drill-down, approval and
exports), and the proposals to the Cell with the Cell's decisions and their follow-up.

Every number comes from :mod:`ciateh.reports` (protected view models read from month snapshots);
the views only check the parameters (a bad month, role, dimension or category is a 404 page), read
``SUPPRESSION_K`` from the configuration and format. Changes go through :mod:`ciateh.snapshots`
and :mod:`ciateh.proposals`, which write the audit entries; the page views and exports are audited
by the portal (``ciateh.portal._audit_page``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response

from ciateh import proposals, reports, snapshots
from ciateh.aggregates import Cell, ProtectedTable, label
from ciateh.db import db
from ciateh.exports.month_pdf import month_pdf
from ciateh.exports.month_tables import dimension_title, month_csv, month_xlsx, role_title
from ciateh.models import Proposal
from ciateh.portal import user_actor
from ciateh.portal.access import allow
from ciateh.portal.bureau_forms import (
    FOLLOW_UP_LABELS,
    OUTCOME_LABELS,
    PROPOSAL_STATUS_LABELS,
    DecisionForm,
    EditProposalForm,
    FollowUpForm,
    ProposalForm,
)
from ciateh.portal.charts import bar_chart

bp = Blueprint("bureau", __name__, url_prefix="/bureau")
#: an id or page number as typed: ASCII digits only (str.isdigit() admits "²", which int() refuses)
DIGITS: Final = re.compile(r"[0-9]{1,6}")

MONTH: Final = re.compile(r"(19|20)\d{2}-(0[1-9]|1[0-2])")
EXPORTS: Final = {
    "csv": ("text/csv; charset=utf-8", month_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", month_xlsx),
    "pdf": ("application/pdf", month_pdf),
}


# -- parameters -----------------------------------------------------------------------------------


def _month(month: str) -> str:
    if not MONTH.fullmatch(month):
        abort(404)
    return month


def _role() -> str:
    role = request.args.get("role", "victims")
    if role not in reports.ROLE_GROUPS:
        abort(404)
    return role


def _revision() -> int | None:
    value = request.args.get("revision")
    if value is None or value == "":
        return None
    if not DIGITS.fullmatch(value) or not 1 <= int(value) <= 100_000:
        abort(404)
    return int(value)


def _dimension(name: str) -> str:
    value = request.args.get(name, "")
    if value not in reports.BUREAU_DIMENSIONS:
        abort(404)
    return value


def _k() -> int:
    return int(current_app.config["SUPPRESSION_K"])


def _lang() -> str:
    return str(get_locale() or "en")


def _report(month: str, role: str, revision: int | None) -> reports.MonthReport | None:
    """The month's figures (``None``: no snapshot); an unknown revision is a 404."""
    try:
        report = reports.month_report(db.session, month, role, k=_k(), revision=revision)
    except LookupError:
        abort(404)
    if report is None and revision is not None:
        abort(404)
    if report is not None and revision is not None and report.snapshot.revision != revision:
        abort(404)
    return report


def default_by(dimension: str) -> str:
    """The dimension a drill-down link opens with (the reader picks another on that page)."""
    return "sex" if dimension != "sex" else "exploitation_form"


# -- the months -----------------------------------------------------------------------------------


@bp.get("/")
@allow("bureau")
def months() -> str:
    return render_template("bureau/months.html", overview=reports.months_overview(db.session, k=_k()))


@dataclass(frozen=True)
class Section:
    """One breakdown of the month page: its table, labels (with drill-down links), changes, chart."""

    dimension: str
    title: str
    table: ProtectedTable
    labels: Callable[[str], str | Markup]
    changes: dict[str, object]
    chart: Markup


def _labeller(
    dimension: str, values: dict[str, Cell], link: Callable[[str], str] | None
) -> Callable[[str], str | Markup]:
    lang = _lang()

    def labels(code: str) -> str | Markup:
        text = label(dimension, code, lang)
        if link is None or values.get(code) == 0:
            return text
        return Markup('<a href="{}">{}</a>').format(link(code), text)

    return labels


def _sections(report: reports.MonthReport, revision: int | None) -> list[Section]:
    change_headers = [gettext("vs previous month"), gettext("vs a year earlier")]
    lang = _lang()
    out = []
    for breakdown in report.breakdowns:
        table, dimension = breakdown.table, breakdown.dimension
        values = dict(zip(table.layout.row_keys, table.row_totals, strict=True))

        def link(code: str, dimension: str = dimension) -> str:
            return url_for(
                "bureau.drilldown",
                month=report.month,
                role=report.role_group,
                dimension=dimension,
                code=code,
                by=default_by(dimension),
                revision=revision,
            )

        title = dimension_title(dimension)
        chart = bar_chart([label(dimension, c, lang) for c in table.layout.row_keys], table.row_totals, title)
        out.append(
            Section(
                dimension,
                title,
                table,
                _labeller(dimension, values, link),
                {"headers": change_headers, "columns": [breakdown.change_previous, breakdown.change_year]},
                chart,
            )
        )
    return out


def _has_records(month: str) -> bool:
    return snapshots.fingerprint(db.session, month)[0] > 0


def _role_links(month: str, revision: int | None) -> list[tuple[str, str]]:
    return [(g, url_for("bureau.month", month=month, role=g, revision=revision)) for g in reports.ROLE_GROUPS]


@bp.get("/month/<month>")
@allow("bureau")
def month(month: str) -> str:
    month = _month(month)
    role, revision = _role(), _revision()
    report = _report(month, role, revision)
    if report is None:
        return render_template(
            "bureau/no_snapshot.html", month=month, role=role, has_records=_has_records(month)
        )
    approved = [r for r in report.revisions if r.approved_at is not None]
    # the latest revision shown: a newer one held back by the publication gate is never shown
    latest = report.published
    return render_template(
        "bureau/month.html",
        report=report,
        month=month,
        role=role,
        role_links=_role_links(month, revision),
        role_title=role_title,
        revision=revision,
        sections=_sections(report, revision),
        latest=latest,
        last_approved=approved[-1] if approved else None,
        newer_than_approved=bool(approved) and latest.revision > approved[-1].revision,
        needs_approval=report.unbuilt_changes or latest.approved_at is None,
    )


@bp.get("/month/<month>/drilldown")
@allow("bureau")
def drilldown(month: str) -> str:
    month = _month(month)
    role, revision = _role(), _revision()
    dimension, by = _dimension("dimension"), _dimension("by")
    code = request.args.get("code", "")
    if by == dimension:
        abort(404)
    report = _report(month, role, revision)
    if report is None:
        abort(404)
    breakdown = next(b for b in report.breakdowns if b.dimension == dimension)
    keys = breakdown.table.layout.row_keys
    if code not in keys:
        abort(404)
    try:
        table = reports.drilldown(db.session, month, role, dimension, code, by, k=_k(), revision=revision)
    except LookupError:
        abort(404)
    lang = _lang()
    title = dimension_title(by)
    return render_template(
        "bureau/drilldown.html",
        report=report,
        month=month,
        role=role,
        revision=revision,
        dimension=dimension,
        dimension_title=dimension_title(dimension),
        code=code,
        code_label=label(dimension, code, lang),
        category_value=breakdown.table.row_totals[keys.index(code)],
        by=by,
        by_title=title,
        choices=[(d, dimension_title(d)) for d in reports.BUREAU_DIMENSIONS if d != dimension],
        table=table,
        labels=_labeller(by, {}, None),
        chart=bar_chart([label(by, c, lang) for c in table.layout.row_keys], table.row_totals, title),
        role_title=role_title,
        role_links=_drilldown_role_links(report, role, dimension, code, by, revision),
    )


def _drilldown_role_links(
    report: reports.MonthReport, role: str, dimension: str, code: str, by: str, revision: int | None
) -> list[tuple[str, str]]:
    """The same drill-down for the other role group where it has that category, else its month page."""
    links = []
    for group in reports.ROLE_GROUPS:
        other = report if group == role else _report(report.month, group, revision)
        if other is not None and code in other.breakdown(dimension).table.layout.row_keys:
            url = url_for(
                "bureau.drilldown",
                month=report.month,
                role=group,
                dimension=dimension,
                code=code,
                by=by,
                revision=revision,
            )
        else:
            url = url_for("bureau.month", month=report.month, role=group, revision=revision)
        links.append((group, url))
    return links


@bp.post("/month/<month>/approve")
@allow("bureau", audit=None)
def approve(month: str) -> Response:
    month = _month(month)
    role = request.form.get("role", "victims")
    if role not in reports.ROLE_GROUPS:
        role = "victims"
    if not _has_records(month) and not snapshots.revisions(db.session, month):
        flash(gettext("There are no records for %(month)s: nothing to approve.", month=month), "error")
        return redirect(url_for("bureau.month", month=month, role=role))
    try:
        approval = snapshots.approve_month(db.session, month, user_actor(current_user), k=_k())
    except snapshots.SnapshotError:
        db.session.rollback()
        flash(gettext("The month could not be approved; try again."), "error")
        return redirect(url_for("bureau.month", month=month, role=role))
    revision = approval.snapshot.revision
    db.session.commit()
    flash(gettext("%(month)s approved (revision %(revision)s).", month=month, revision=revision))
    status = reports.month_status(db.session, month, k=_k())
    if status is not None and status.withheld:
        flash(
            gettext(
                "The newer records of this month are not shown yet: they will be when the change is large"
                " enough to show without singling anyone out."
            ),
            "warning",
        )
    return redirect(url_for("bureau.month", month=month, role=role))


@bp.get("/month/<month>/export.<fmt>")
@allow("bureau", audit="export")
def export(month: str, fmt: str) -> Response:
    month = _month(month)
    if fmt not in EXPORTS:
        abort(404)
    role, revision = _role(), _revision()
    report = _report(month, role, revision)
    if report is None:
        abort(404)
    mimetype, build = EXPORTS[fmt]
    response = Response(build(report, _lang()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="ciateh-{month}-{role}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# -- proposals and decisions ----------------------------------------------------------------------


def _refused(form: FlaskForm, error: proposals.ProposalError) -> None:
    """Show a refusal next to the field(s) at fault; nothing was stored."""
    db.session.rollback()
    if isinstance(error, proposals.PersonalDataError):
        for field, found in error.by_field().items():
            spans = ", ".join(
                gettext(
                    "%(type)s at characters %(start)s–%(end)s", type=f.entity_type, start=f.start, end=f.end
                )
                for f in found
            )
            _field_error(
                form,
                field,
                gettext(
                    "This looks like personal data (%(found)s). Nothing was stored: remove it and save"
                    " again.",
                    found=spans,
                ),
            )
        return
    if isinstance(error, proposals.TextLengthError):
        _field_error(form, error.field, gettext("At most %(limit)s characters, please.", limit=error.limit))
        return
    _field_error(form, error.field, gettext("This value was refused: %(reason)s", reason=str(error)))


def _field_error(form: FlaskForm, field: str, message: str) -> None:
    if field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        flash(message, "error")


def _proposal_or_404(proposal_id: int) -> Proposal:
    try:
        return proposals.get_proposal(db.session, proposal_id)
    except proposals.NotFoundError:
        abort(404)


@bp.get("/proposals", endpoint="proposals")
@allow("bureau")
def proposals_list() -> str:
    return render_template(
        "bureau/proposals.html",
        proposals=proposals.list_proposals(db.session),
        status_labels=PROPOSAL_STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        follow_up_labels=FOLLOW_UP_LABELS,
    )


@bp.route("/proposals/new", methods=["GET", "POST"])
@allow("bureau")
def proposal_new() -> str | Response:
    form = ProposalForm()
    if request.method == "GET" and request.args.get("month", "") and MONTH.fullmatch(request.args["month"]):
        form.month.data = request.args["month"]
    if form.validate_on_submit():
        try:
            proposal = proposals.create_proposal(
                db.session, form.title.data, form.body.data, user_actor(current_user), form.month.data or None
            )
        except proposals.ProposalError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(gettext("Proposal saved as a draft."))
            return redirect(url_for("bureau.proposal_edit", proposal_id=proposal.id))
    return render_template("bureau/proposal_form.html", form=form, proposal=None)


@bp.route("/proposals/<int(max=2147483647):proposal_id>", methods=["GET", "POST"])
@allow("bureau")
def proposal_edit(proposal_id: int) -> str | Response:
    proposal = _proposal_or_404(proposal_id)
    form = EditProposalForm(obj=proposal if request.method == "GET" else None)
    form.set_statuses(proposal.status)
    if form.validate_on_submit():
        try:
            proposals.update_proposal(
                db.session,
                proposal.id,
                title=form.title.data,
                body=form.body.data,
                status=form.status.data,
                month=form.month.data or None,
                actor=user_actor(current_user),
            )
        except proposals.ProposalError as error:
            _refused(form, error)
            proposal = _proposal_or_404(proposal_id)
        else:
            db.session.commit()
            flash(gettext("Proposal saved."))
            return redirect(url_for("bureau.proposal_edit", proposal_id=proposal.id))
    return render_template(
        "bureau/proposal_form.html",
        form=form,
        proposal=proposal,
        status_labels=PROPOSAL_STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        follow_up_labels=FOLLOW_UP_LABELS,
    )


@bp.route("/proposals/<int(max=2147483647):proposal_id>/decision", methods=["GET", "POST"])
@allow("bureau")
def decision_new(proposal_id: int) -> str | Response:
    proposal = _proposal_or_404(proposal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            proposals.record_decision(
                db.session,
                proposal.id,
                form.decided_on.data,
                form.outcome.data,
                form.text.data,
                user_actor(current_user),
            )
        except proposals.ProposalError as error:
            _refused(form, error)
            proposal = _proposal_or_404(proposal_id)
        else:
            db.session.commit()
            flash(gettext("Decision recorded."))
            return redirect(url_for("bureau.proposal_edit", proposal_id=proposal.id))
    return render_template("bureau/decision_new.html", form=form, proposal=proposal)


@bp.route("/decisions/<int(max=2147483647):decision_id>", methods=["GET", "POST"])
@allow("bureau")
def decision_edit(decision_id: int) -> str | Response:
    try:
        decision = proposals.get_decision(db.session, decision_id)
    except proposals.NotFoundError:
        abort(404)
    form = FollowUpForm()
    if request.method == "GET":
        form.status.data = decision.follow_up_status
        form.note.data = decision.follow_up_note
    if form.validate_on_submit():
        try:
            proposals.update_follow_up(
                db.session, decision.id, form.status.data, form.note.data or "", user_actor(current_user)
            )
        except proposals.ProposalError as error:
            _refused(form, error)
            decision = proposals.get_decision(db.session, decision_id)
        else:
            db.session.commit()
            flash(gettext("Follow-up saved."))
            return redirect(url_for("bureau.proposal_edit", proposal_id=decision.proposal_id))
    return render_template(
        "bureau/decision_edit.html",
        form=form,
        decision=decision,
        outcome_labels=OUTCOME_LABELS,
        follow_up_labels=FOLLOW_UP_LABELS,
    )
