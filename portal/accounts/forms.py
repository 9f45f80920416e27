"""Signing in, passwords, invitations, an admin's account actions, roster loads and jobs."""

from collections.abc import Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from portal.accounts import jobs
from portal.accounts.jobs import JobInput
from portal.accounts.models import Job
from portal.restrictions.fields import DimensionForm, add_demand_fields, limits_from, values_of
from portal.restrictions.operations import Limit
from portal.web.fields import HiddenNumberField
from portal.web.once import OnceField


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter the email address you sign in with.")])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password.")])
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The two passwords do not match."),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])


class InvitationForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name."), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired("Enter the person's email address."), Length(max=254)])
    role = SelectField("Role", validators=[DataRequired("Choose a role.")])


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Enter the code from your authenticator app."), Length(max=40)])


class ConfirmSignInForm(FlaskForm):
    """The password (and code) again, before something that needs a fresh sign-in. Prefixed, so that its
    fields never meet those of the form it was asked for on the way."""

    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    code = StringField("Code from your authenticator app", validators=[Length(max=40)])


class AccessDecisionForm(FlaskForm):
    """Approve or refuse a request for case-manager access: the button pressed says which."""

    decision = SelectField(choices=["approve", "refuse"], validate_choice=True)


class AccountActionForm(FlaskForm):
    """Deactivate, reactivate or invite again: nothing to fill in but the CSRF token."""


class RosterFileForm(FlaskForm):
    file = FileField("Roster file (CSV)", validators=[FileRequired("Choose the roster's CSV file.")])


class RosterConfirmForm(FlaskForm):
    """Write the preview's plan, a roster file's or a jobs file's: ``plan`` names it, so that a roster (or jobs)
    changed since is never written blind."""

    plan = HiddenField()
    once = OnceField()


class RosterPersonForm(FlaskForm):
    """An admin's change to where someone on the roster works: the rules are people.change_person's."""

    supervisor = StringField("Supervisor")
    department = StringField("Department")
    location = StringField("Location")
    job_title = StringField("Job title")
    version = HiddenNumberField()


class JobsFileForm(FlaskForm):
    file = FileField("Jobs file (CSV)", validators=[FileRequired("Choose the jobs CSV file.")])


class JobForm(DimensionForm):
    """An admin's record of a job: its essential functions and its physical demands, as a duty offer's are
    entered; the rules are jobs.problems."""

    essential_functions = TextAreaField("Essential functions", validators=[Optional(), Length(max=jobs.MAX_FUNCTIONS)])
    version = HiddenNumberField()

    @classmethod
    def of(cls, job: Job, demands: Mapping[str, Limit]) -> "JobForm":
        """The form filled in with what is recorded of the job."""
        return cls(data={"essential_functions": job.essential_functions, "version": job.version, **values_of(demands)})

    def to_input(self) -> JobInput:
        return JobInput(essential_functions=self.essential_functions.data or "", demands=limits_from(self))

    def rules(self) -> Mapping[str, str]:
        return jobs.problems(self.to_input())


add_demand_fields(JobForm)
