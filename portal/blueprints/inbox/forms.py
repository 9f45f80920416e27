from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.models import DocumentType


class ActionForm(FlaskForm):
    """Claim and accept: nothing to fill in but the version the case manager saw."""

    version = HiddenField()


class AssignForm(ActionForm):
    assignee = SelectField("Assign to", coerce=int, validators=[InputRequired("Choose a case manager.")])


class RequestInformationForm(ActionForm):
    message = TextAreaField("What do you need?", validators=[DataRequired("Say what information you need."),
                                                              Length(max=4000)])
    incomplete_certification = BooleanField("The certification is incomplete or insufficient (7-day cure period)")
    due_date = DateField("Reply needed by (optional)", validators=[Optional()])


class DeclineForm(ActionForm):
    reason = TextAreaField("Reason for declining", validators=[
        DataRequired("Give the reason for declining. The employee will see it."), Length(max=4000)])


class DocumentRequestForm(FlaskForm):
    document_type = SelectField("Document", choices=[SelectChoice("", "Choose one")] + [SelectChoice(t.value, t.label) for t in DocumentType],
                                validators=[DataRequired("Choose the document you need.")])
    message = TextAreaField("Message to the employee", validators=[Length(max=4000)])
    due_date = DateField("Needed by", validators=[DataRequired("Enter the date the document is needed by.")])
