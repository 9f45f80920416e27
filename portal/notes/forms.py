"""Writing a note on a case, and amending one."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.notes.models import NoteKind
from portal.web.once import OnceField


class NoteForm(FlaskForm):
    once = OnceField()
    kind = SelectField(
        "What it was",
        choices=[SelectChoice(kind.value, kind.label) for kind in NoteKind],
        default=NoteKind.CALL.value,
    )
    happened_at = DateTimeLocalField("When it happened", validators=[Optional()])
    with_whom = StringField("With whom", validators=[Optional(), Length(max=200)])
    with_employee = BooleanField("It was with the employee (it counts as contact on the caseload)")
    text = TextAreaField("Note", validators=[DataRequired("Write the note."), Length(max=10000)])


class AmendForm(FlaskForm):
    once = OnceField()
    text = TextAreaField("Amendment", validators=[DataRequired("Write the amendment."), Length(max=10000)])
