"""The employee's document forms: sending documents, replying, withdrawing."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.documents.models import DocumentType
from portal.files.forms import UploadsField
from portal.web.fields import HiddenNumberField


class DocumentForm(FlaskForm):
    document_type = SelectField(
        "What is the document?",
        choices=[SelectChoice("", "Choose one")] + [SelectChoice(kind.value, kind.label) for kind in DocumentType],
        validators=[DataRequired("Choose what the document is.")],
    )
    description = StringField("Describe the document", validators=[Optional(), Length(max=200)])
    files = UploadsField("Files")
    note = TextAreaField("A note for your case manager (optional)", validators=[Optional(), Length(max=4000)])
    request_id = HiddenNumberField()

    def validate_files(self, field):
        if not any(upload and upload.filename for upload in field.data or []):
            raise ValidationError("Choose at least one file to send.")

    def validate_description(self, field):
        if self.document_type.data == DocumentType.OTHER and not (field.data or "").strip():
            raise ValidationError("Say in a few words what the document is.")


class ReplyForm(FlaskForm):
    message = TextAreaField("Your reply", validators=[Optional(), Length(max=4000)])
    files = UploadsField("Add files (optional)")
    version = HiddenNumberField()


class TextReplyForm(FlaskForm):
    """A reply in words only: a clinician's or a supervisor's answer to a question about what they sent."""

    message = TextAreaField("Your reply", validators=[Optional(), Length(max=4000)])
    version = HiddenNumberField()


class WithdrawForm(FlaskForm):
    version = HiddenNumberField()
