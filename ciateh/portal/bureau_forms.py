"""The Bureau's forms (Flask-WTF: CSRF-protected), and the labels of the proposal and decision codes.

The forms check what a browser can get wrong (required, lengths, choices); the service
(:mod:`ciateh.proposals`) checks everything again, and the texts for personal data.
"""

from __future__ import annotations

from typing import Any, Final

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ciateh import proposals

PROPOSAL_STATUS_LABELS: Final[dict[str, Any]] = {
    "draft": lazy_gettext("Draft"),
    "submitted": lazy_gettext("Submitted to the Cell"),
    "decided": lazy_gettext("Decided"),
    "withdrawn": lazy_gettext("Withdrawn"),
}
OUTCOME_LABELS: Final[dict[str, Any]] = {
    "adopted": lazy_gettext("Adopted"),
    "amended": lazy_gettext("Adopted with amendments"),
    "rejected": lazy_gettext("Rejected"),
    "postponed": lazy_gettext("Postponed"),
}
FOLLOW_UP_LABELS: Final[dict[str, Any]] = {
    "not_started": lazy_gettext("Not started"),
    "in_progress": lazy_gettext("In progress"),
    "done": lazy_gettext("Done"),
    "dropped": lazy_gettext("Dropped"),
}
MONTH_PATTERN: Final = r"^\d{4}-(0[1-9]|1[0-2])$"


class ProposalForm(FlaskForm):  # type: ignore[misc]
    title = StringField(lazy_gettext("Title"), validators=[DataRequired(), Length(max=proposals.MAX_TITLE)])
    body = TextAreaField(
        lazy_gettext("Proposal"), validators=[DataRequired(), Length(max=proposals.MAX_BODY)]
    )
    month = StringField(
        lazy_gettext("Month the proposal rests on (YYYY-MM, optional)"),
        validators=[Optional(), Regexp(MONTH_PATTERN, message=lazy_gettext("Give the month as YYYY-MM."))],
    )
    submit = SubmitField(lazy_gettext("Save"))


class EditProposalForm(ProposalForm):
    status = SelectField(lazy_gettext("Status"), choices=[])

    def set_statuses(self, current: str | None) -> None:
        """The statuses a person may choose (a decided proposal stays decided); none on a new one."""
        if current == "decided":
            codes: tuple[str, ...] = ("decided",)
        else:
            codes = proposals.EDITABLE_STATUSES
        self.status.choices = [SelectChoice(code, PROPOSAL_STATUS_LABELS[code]) for code in codes]


class DecisionForm(FlaskForm):  # type: ignore[misc]
    decided_on = DateField(lazy_gettext("Date of the Cell's meeting"), validators=[DataRequired()])
    outcome = SelectField(
        lazy_gettext("Outcome"),
        choices=[SelectChoice(code, OUTCOME_LABELS[code]) for code in proposals.DECISION_OUTCOMES],
    )
    text = TextAreaField(
        lazy_gettext("Decision"), validators=[DataRequired(), Length(max=proposals.MAX_DECISION_TEXT)]
    )
    submit = SubmitField(lazy_gettext("Record the decision"))


class FollowUpForm(FlaskForm):  # type: ignore[misc]
    status = SelectField(
        lazy_gettext("Follow-up"),
        choices=[SelectChoice(code, FOLLOW_UP_LABELS[code]) for code in proposals.FOLLOW_UP_STATUSES],
    )
    note = TextAreaField(
        lazy_gettext("Note on the follow-up"), validators=[Optional(), Length(max=proposals.MAX_NOTE)]
    )
    submit = SubmitField(lazy_gettext("Save"))
