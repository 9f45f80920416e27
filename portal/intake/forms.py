"""The employee's report one question a page, a supervisor's report, a case manager's, and triage."""

from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional

from portal.cases.models import CaseType
from portal.intake.models import EMPLOYEE_NEEDS, SUPERVISOR_NEEDS
from portal.web.fields import HiddenNumberField, MultiCheckboxField
from portal.web.once import OnceField
from portal.web.steps import StepForm


class NeedStep(StepForm):
    need = RadioField(
        "What do you need?",
        choices=[SelectChoice(need.value, need.asked_of_employee) for need in EMPLOYEE_NEEDS],
        validate_choice=False,  # the operation says what is missing, in words
    )


class DatesStep(StepForm):
    first_day_away = DateField("Your first day away from work", validators=[Optional()])


class WorkStep(StepForm):
    at_work = RadioField(
        "Did it happen at work, or because of your work?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
    )


class ContactStep(StepForm):
    contact_phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    contact_email = StringField(
        "Email (if not your work email)",
        validators=[Optional(), Email("Enter an email address like name@example.com."), Length(max=254)],
    )
    contact_note = StringField("When is best to reach you?", validators=[Optional(), Length(max=300)])


STEP_FORMS = {"need": NeedStep, "dates": DatesStep, "work": WorkStep, "contact": ContactStep}
STEP_TITLES = {
    "need": "What you need",
    "dates": "When",
    "work": "At work?",
    "contact": "How to reach you",
}


class TeamReportForm(FlaskForm):
    """A supervisor's report for someone on their team: what happened at work, never anything medical."""

    person = SelectField("Who is it about?", coerce=int, validate_choice=False)
    need = RadioField(
        "What are you reporting?",
        choices=[SelectChoice(need.value, need.label) for need in SUPERVISOR_NEEDS],
        validate_choice=False,
    )
    happened_at = DateTimeLocalField("When did it happen?", validators=[Optional()])
    first_day_away = DateField("Their first day away from work, if they are away", validators=[Optional()])
    what_happened = TextAreaField("What happened at work?", validators=[Length(max=4000)])
    witnesses = StringField("Who was there?", validators=[Optional(), Length(max=500)])
    once = OnceField()


class OpenCaseForm(FlaskForm):
    """A case manager starts a case for someone on the roster, found by employee number or work email."""

    person = StringField("Employee number or work email", validators=[Length(max=254)])
    need = RadioField(
        "What is the case for?",
        choices=[SelectChoice(need.value, need.label) for need in EMPLOYEE_NEEDS],
        validate_choice=False,
    )
    first_day_away = DateField("First day away from work", validators=[Optional()])
    once = OnceField()


class TriageForm(FlaskForm):
    """Triage: the tracks the report starts, each a new case or the employee's open case of that kind, and who
    manages it with what dates."""

    version = HiddenNumberField()
    tracks = MultiCheckboxField(
        "Tracks to start", choices=[SelectChoice(case_type.value, case_type.label) for case_type in CaseType]
    )
    join_leave = SelectField("Leave", validate_choice=False)
    join_accommodation = SelectField("Accommodation", validate_choice=False)
    join_workers_compensation = SelectField("Workers' compensation", validate_choice=False)
    case_manager = SelectField("Case manager", coerce=int, validate_choice=False)
    leave_start = DateField("Leave starts", validators=[Optional()])
    expected_rtw = DateField("Expected return to work", validators=[Optional()])

    def join_field(self, case_type: CaseType):
        return self[f"join_{case_type.value}"]


class NoticeGivenForm(FlaskForm):
    given_on = DateField("Given on", validators=[Optional()])
