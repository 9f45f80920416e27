from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, MultipleFileField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.models import AuthorisationScope, DocumentType


class DocumentForm(FlaskForm):
    document_type = SelectField(
        "What is the document?",
        choices=[SelectChoice("", "Choose one")] + [SelectChoice(kind.value, kind.label) for kind in DocumentType],
        validators=[DataRequired("Choose what the document is.")],
    )
    description = StringField("Describe the document", validators=[Optional(), Length(max=200)])
    files = MultipleFileField("Files")
    note = TextAreaField("A note for your case manager (optional)", validators=[Optional(), Length(max=4000)])
    request_id = HiddenField()

    def validate_files(self, field):
        if not any(upload and upload.filename for upload in field.data or []):
            raise ValidationError("Choose at least one file to send.")

    def validate_description(self, field):
        if self.document_type.data == DocumentType.OTHER and not (field.data or "").strip():
            raise ValidationError("Say in a few words what the document is.")


class ReplyForm(FlaskForm):
    message = TextAreaField("Your reply", validators=[Optional(), Length(max=4000)])
    files = MultipleFileField("Add files (optional)")
    version = HiddenField()


class WithdrawForm(FlaskForm):
    version = HiddenField()


class ClinicianForm(FlaskForm):
    """Name a treating clinician and authorise them for a case (employees, and case managers for them)."""

    name = StringField("Clinician's name", validators=[DataRequired("Enter the clinician's name."), Length(max=200)])
    practice = StringField("Practice or clinic", validators=[Optional(), Length(max=200)])
    email = StringField("Clinician's email", validators=[DataRequired("Enter the clinician's email."), Length(max=254)])
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    scope = RadioField("What they may see and send", default=AuthorisationScope.WORK_STATUS, choices=[
        SelectChoice(AuthorisationScope.WORK_STATUS.value, "Work status and restrictions only"),
        SelectChoice(AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS.value,
                     "Work status and restrictions, and medical documents on this case")])
    valid_from = DateField("From", validators=[Optional()])
    valid_until = DateField("Until", validators=[Optional()])

    def authorisation(self) -> dict:
        """The arguments of services.authorisations.authorise, as typed."""
        return {"name": self.name.data, "practice": self.practice.data or "", "email": self.email.data,
                "phone": self.phone.data or "", "scope": self.scope.data, "valid_from": self.valid_from.data,
                "valid_until": self.valid_until.data}


class ConfirmForm(FlaskForm):
    """Nothing but the CSRF token: a button that confirms an action (revoke, send, accept)."""


class OfferAnswerForm(FlaskForm):
    reason = TextAreaField("If you decline, say why", validators=[Optional(), Length(max=4000)])
