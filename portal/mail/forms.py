"""Sending undelivered email again."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput


class SendAgainForm(FlaskForm):
    """One failed email (its id), or every failed one (left empty)."""

    email_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
