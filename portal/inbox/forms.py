"""The inbox's forms: filters, review actions, the case page's requests."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.accommodations.models import DenialReason
from portal.accommodations.operations import LOG_KINDS, LOG_METHODS
from portal.cases.models import CaseType
from portal.core.numbers import whole_number
from portal.inbox.queries import DUE_WINDOWS, SORTS
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.web.fields import HiddenNumberField, PlainSelect
from portal.web.once import OnceField


class ActionForm(FlaskForm):
    """Claim and accept: nothing to fill in but the version the case manager saw."""

    version = HiddenNumberField()


class AssignForm(ActionForm):
    assignee = SelectField("Assign to", coerce=int, validators=[InputRequired("Choose a case manager.")])


class RequestInformationForm(ActionForm):
    message = TextAreaField(
        "What do you need?", validators=[DataRequired("Say what information you need."), Length(max=4000)]
    )
    incomplete_certification = BooleanField("The certification is incomplete or insufficient (7-day cure period)")
    due_date = DateField("Reply needed by (optional)", validators=[Optional()])


class DeclineForm(ActionForm):
    reason = TextAreaField(
        "Reason for declining",
        validators=[DataRequired("Give the reason for declining. Whoever sent it will see it."), Length(max=4000)],
    )


class LogEntryForm(FlaskForm):
    once = OnceField()
    occurred_on = DateField("Date", validators=[Optional()])
    kind = SelectField("Entry", choices=[SelectChoice(key, label) for key, label in LOG_KINDS.items()])
    method = SelectField(
        "How",
        choices=[SelectChoice("", "Not applicable")] + [SelectChoice(key, label) for key, label in LOG_METHODS.items()],
        default="",
    )
    with_whom = StringField("With whom (optional)", validators=[Optional(), Length(max=200)])
    summary = TextAreaField("What happened", validators=[Optional(), Length(max=4000)])
    considered = StringField("Accommodation considered (if any)", validators=[Optional(), Length(max=300)])
    effective = SelectField(
        "Would it be effective?",
        default="",
        choices=[SelectChoice("", "Not applicable"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
    )


class FeasibilityForm(FlaskForm):
    once = OnceField()
    accommodation = StringField("Accommodation to ask about", validators=[Optional(), Length(max=300)])
    question = TextAreaField("Your question to the supervisor", validators=[Optional(), Length(max=4000)])


class AccommodationDecisionForm(ActionForm):
    decision = RadioField(
        "Decision",
        validate_choice=False,
        choices=[
            SelectChoice("granted", "Grant it"),
            SelectChoice("alternative", "Offer an alternative"),
            SelectChoice("denied", "Deny it"),
        ],
    )
    what = TextAreaField(
        "What exactly is granted, or the alternative offered", validators=[Optional(), Length(max=2000)]
    )
    why = TextAreaField(
        "Why (for an alternative or a denial; the employee reads it)", validators=[Optional(), Length(max=4000)]
    )
    denial_reason = SelectField(
        "Reason for a denial",
        default="",
        choices=[SelectChoice("", "Not a denial")] + [SelectChoice(r.value, r.label) for r in DenialReason],
    )
    granted_from = DateField("In place from", validators=[Optional()])
    granted_until = DateField("In place until (optional)", validators=[Optional()])
    review_date = DateField("Review date (optional)", validators=[Optional()])


def _any(label: str, options) -> list[SelectChoice]:
    return [SelectChoice("", label)] + [SelectChoice(value, text) for value, text in options]


def _filter(label: str, name: str, choices) -> SelectField:
    """One of the inbox's filters, drawn on every page of it (``PlainSelect``)."""
    return SelectField(label, choices=choices, id=f"filter-{name}", widget=PlainSelect())


class InboxFilterForm(Form):
    """The inbox's search, filters and order, read from the URL: a view is a link to share.

    The fields keep their short names in the address; their ids say they are the filters', since the
    review beside the list has fields of the same names.
    """

    q = SearchField("Search", validators=[Optional(), Length(max=100)], id="filter-q")
    kind = _filter("Kind", "kind", _any("Any kind", [(k.value, k.label) for k in SubmissionKind]))
    status = _filter("Status", "status", _any("Any status", [(s.value, s.label) for s in SubmissionStatus]))
    assignee = _filter("Assignee", "assignee", [])
    due = _filter("Due", "due", _any("Any time", DUE_WINDOWS.items()))
    case_type = _filter("Case type", "case_type", _any("Any case type", [(t.value, t.label) for t in CaseType]))
    sort = _filter("Order", "sort", [SelectChoice(value, text) for value, text in SORTS.items()])


def _optional_id(value) -> int | None:
    return whole_number(value)


class BulkActionForm(FlaskForm):
    """Claim, or assign, the rows the case manager ticked (or the one whose Claim button they pressed)."""

    assignee = SelectField("Assign to", choices=[], coerce=_optional_id, validate_choice=False, widget=PlainSelect())

    def field_for(self, problem: str) -> None:
        """The bar above the list shows one message, above its buttons, whatever it is about."""
        return None
