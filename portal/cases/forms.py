"""Forms about a case: naming, authorising and confirming a treating clinician, confirming an action, taking
the case, asking the employee for a document."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.cases.models import AuthorisationScope, CaseOutcome, ReturnDuty
from portal.documents.models import DocumentType
from portal.restrictions import clinicians
from portal.web.once import OnceField


class ClinicianConfirmForm(FlaskForm):
    """What a case manager checked to confirm a treating clinician: a licence and its state, or an NPI."""

    licence_number = StringField("Licence number", validators=[Optional(), Length(max=40)])
    licence_state = SelectField(
        "State that issued the licence",
        default="",
        choices=[SelectChoice("", "Choose a state")] + [SelectChoice(state, state) for state in clinicians.STATES],
    )
    npi = StringField("NPI (National Provider Identifier)", validators=[Optional(), Length(max=10)])


class ClinicianForm(FlaskForm):
    """Name a treating clinician and authorise them for a case (employees, and case managers for them)."""

    name = StringField("Clinician's name", validators=[DataRequired("Enter the clinician's name."), Length(max=200)])
    practice = StringField("Practice or clinic", validators=[Optional(), Length(max=200)])
    email = StringField("Clinician's email", validators=[DataRequired("Enter the clinician's email."), Length(max=254)])
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    scope = RadioField(
        "What they may see and send",
        default=AuthorisationScope.WORK_STATUS,
        choices=[
            SelectChoice(AuthorisationScope.WORK_STATUS.value, "Work status and restrictions only"),
            SelectChoice(
                AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS.value,
                "Work status and restrictions, and medical documents on this case",
            ),
        ],
    )
    valid_from = DateField("From", validators=[Optional()])
    valid_until = DateField("Until", validators=[Optional()])

    def authorisation(self) -> dict:
        """The arguments of services.authorisations.authorise, as typed."""
        return {
            "name": self.name.data,
            "practice": self.practice.data or "",
            "email": self.email.data,
            "phone": self.phone.data or "",
            "scope": self.scope.data,
            "valid_from": self.valid_from.data,
            "valid_until": self.valid_until.data,
        }


class ConfirmForm(FlaskForm):
    """Nothing but the CSRF token: a button that confirms an action (revoke, send, accept)."""


class TakeCaseForm(FlaskForm):
    """Nothing to fill in: the case manager becomes the case's."""


class DocumentRequestForm(FlaskForm):
    once = OnceField()
    document_type = SelectField(
        "Document",
        choices=[SelectChoice("", "Choose one")] + [SelectChoice(t.value, t.label) for t in DocumentType],
        validators=[DataRequired("Choose the document you need.")],
    )
    message = TextAreaField("Message to the employee", validators=[Length(max=4000)])
    due_date = DateField("Needed by", validators=[DataRequired("Enter the date the document is needed by.")])


class ExpectedReturnForm(FlaskForm):
    """A new expected return date, and why it changed."""

    expected_rtw = DateField("New expected return date", validators=[Optional()])
    reason = TextAreaField("Why it changed", validators=[Length(max=2000)])


RETURN_DUTY_CHOICES = [SelectChoice(duty.value, duty.label) for duty in ReturnDuty]


class ReturnForm(FlaskForm):
    """The day the employee came back to work, and to what: recorded by the case manager, or reported."""

    once = OnceField()
    returned_on = DateField("Day back at work", validators=[DataRequired("Enter the day back at work.")])
    duty = RadioField(
        "Back to",
        choices=RETURN_DUTY_CHOICES,
        validators=[DataRequired("Choose full or modified duty.")],
    )


class CloseCaseForm(FlaskForm):
    once = OnceField()
    outcome = RadioField(
        "Outcome",
        choices=[SelectChoice(outcome.value, outcome.label) for outcome in CaseOutcome],
        validators=[DataRequired("Choose how the case ended.")],
    )
    closed_on = DateField("Closing date", validators=[DataRequired("Enter the closing date.")])
    summary = TextAreaField("Closing summary", validators=[DataRequired("Write a closing summary."), Length(max=4000)])


class ReopenForm(FlaskForm):
    reason = TextAreaField("Why it reopens", validators=[DataRequired("Say why the case reopens."), Length(max=2000)])
