"""Adding one's own task, doing a task, putting one off."""

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.web.once import OnceField


class TaskForm(FlaskForm):
    once = OnceField()
    case_number = StringField(
        "Case", validators=[DataRequired("Give the case number, such as C-2026-00042."), Length(max=20)]
    )
    # A sentence or two: a box that wraps, so that all of it can be read back on a phone.
    title = TextAreaField("What is to be done", validators=[DataRequired("Say what is to be done."), Length(max=300)])
    due_on = DateField("Due on", validators=[InputRequired("Give the day it is due, such as 2026-12-04.")])


class DoneForm(FlaskForm):
    once = OnceField()
    note = TextAreaField(
        "What was done", validators=[DataRequired("Say in a few words what was done."), Length(max=2000)]
    )


class PutOffForm(FlaskForm):
    once = OnceField()
    due_on = DateField("Put off to", validators=[InputRequired("Give the new day, such as 2026-12-04.")])
    reason = TextAreaField("Why", validators=[DataRequired("Say why it is put off."), Length(max=2000)])
