"""The message form: the same for the employee, a clinician and a case manager."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.files.forms import UploadsField
from portal.messages.models import MAX_BODY
from portal.web.once import OnceField


class MessageForm(FlaskForm):
    once = OnceField()
    body = TextAreaField(
        "Your message",
        validators=[
            DataRequired("Write your message."),
            Length(
                max=MAX_BODY,
                message=f"A message may be at most {MAX_BODY} characters. Shorten it, or send the "
                "rest in a second message.",
            ),
        ],
    )
    files = UploadsField("Attach files (optional)")
