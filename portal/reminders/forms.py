"""How a person is reminded: an email each time or one a day, and whether of what the law does not require."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice

from portal.reminders.models import Delivery


class ReminderPreferencesForm(FlaskForm):
    # The choice is checked by the operation, so that a refusal reads the same from the screen and the service.
    delivery = RadioField(
        "How do you want your reminders?",
        choices=[SelectChoice(delivery.value, delivery.label) for delivery in Delivery],
        validate_choice=False,
    )
    optional_reminders = BooleanField(
        "Also remind me of things the law does not require, such as answering a transitional-duty offer or "
        "acknowledging a return-to-work plan"
    )
