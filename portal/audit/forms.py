"""The audit screen's filters."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

# Every action the trail records, for the filter: by what it means.
ACTIONS = {
    "access_denied": "Refused: something not theirs to see",
    "sign_in_failed": "Sign-in failed",
    "signed_in": "Signed in",
    "signed_out": "Signed out",
    "password_reset_requested": "Password reset asked for",
    "password_reset": "Password reset",
    "password_changed": "Password changed",
    "submission_viewed": "Item opened (may hold medical content)",
    "file_viewed": "File viewed",
    "file_downloaded": "File downloaded",
    "case_viewed": "Case page opened",
    "case_file_downloaded": "Whole case downloaded (ZIP)",
    "audit_viewed": "Audit trail read",
    "audit_exported": "Audit trail exported",
    "clinician_authorised": "Clinician authorised",
    "clinician_authorisation_revoked": "Clinician's authorisation stopped",
    "clinician_confirmed": "Clinician confirmed",
    "access_requested": "Case-manager access asked for",
    "access_granted": "Case-manager access approved",
    "access_refused": "Case-manager access refused",
    "invited": "Invited",
    "account_deactivated": "Account deactivated",
    "account_reactivated": "Account reactivated",
    "roster_imported": "Roster file loaded",
    "roster_person_changed": "Roster record changed by an admin",
    "job_recorded": "Job's functions and demands recorded by an admin",
    "jobs_imported": "Jobs file loaded",
}


class TrailFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    case = StringField("Case number", validators=[Optional(), Length(max=20)])
    person = StringField("Person's email", validators=[Optional(), Length(max=254)])
    action = SelectField(
        "What happened",
        default="",
        choices=[SelectChoice("", "Anything")] + [SelectChoice(key, label) for key, label in ACTIONS.items()],
    )
    start = DateField("From", validators=[Optional()])
    end = DateField("Until", validators=[Optional()])
