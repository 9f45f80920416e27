"""Transitional duty: the supervisor's offer and availability, the employee's answer."""

from collections.abc import Mapping

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.core.columns import utcnow
from portal.duty import operations as offers
from portal.duty.models import AvailabilityClosed, DutyAvailability
from portal.duty.operations import AvailabilityInput, OfferInput
from portal.restrictions import operations as restrictions
from portal.restrictions.fields import DimensionForm, add_demand_fields, limits_from, values_of
from portal.web.fields import NumberField, WholeNumberField
from portal.web.once import OnceField


class OfferAnswerForm(FlaskForm):
    reason = TextAreaField("If you decline, say why", validators=[Optional(), Length(max=4000)])


class OfferForm(DimensionForm):
    once = OnceField()
    job_title = StringField("Job title", validators=[Optional(), Length(max=200)])
    tasks = TextAreaField("Tasks", validators=[Optional(), Length(max=4000)])
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    hours_per_day = NumberField("Hours a day", "Enter the hours a day, more than 0 and at most 24.", 0, 24)
    days = StringField("Days", validators=[Optional(), Length(max=200)])
    pay_unchanged = BooleanField("Pay is unchanged", default=True)
    pay_rate = StringField("Rate of pay, if it changes", validators=[Optional(), Length(max=100)])
    start_date = DateField("Start date", validators=[Optional()])
    end_date = DateField("End date", validators=[Optional()])
    answer_by = DateField("The employee must answer by", validators=[Optional()])
    contact_name = StringField("Contact person", validators=[Optional(), Length(max=200)])
    contact_phone = StringField("Contact phone (optional)", validators=[Optional(), Length(max=40)])
    send_despite_conflicts = BooleanField("Send it anyway: I have read the conflicts")

    def to_input(self) -> OfferInput:
        return OfferInput(
            job_title=self.job_title.data or "",
            tasks=self.tasks.data or "",
            hours_per_day=self.hours_per_day.data,
            days=self.days.data or "",
            location=self.location.data or "",
            pay_unchanged=bool(self.pay_unchanged.data),
            pay_rate=self.pay_rate.data or "",
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            answer_by=self.answer_by.data,
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
            demands=limits_from(self),
            send_despite_conflicts=bool(self.send_despite_conflicts.data),
        )

    def rules(self) -> Mapping[str, str]:
        return offers.problems(self.to_input(), utcnow().date(), current_app.config["DUTY_MAX_DAYS"])


class AvailabilityForm(DimensionForm):
    title = StringField("Job title", validators=[Optional(), Length(max=200)])
    tasks = TextAreaField("Tasks", validators=[Optional(), Length(max=4000)])
    places = WholeNumberField("Places", "Enter how many places there are, a whole number from 1 to 500.", 1, 500)
    hours_per_day = NumberField("Hours a day", "Enter the hours a day, more than 0 and at most 24.", 0, 24)
    start_date = DateField("From", validators=[Optional()])
    end_date = DateField("Until", validators=[Optional()])

    @classmethod
    def of(cls, availability: DutyAvailability) -> "AvailabilityForm":
        """The form filled in with posted availability, to change it."""
        typed = offers.typed_demands(restrictions.limits_of(availability.demands), availability.hours_per_day)
        return cls(
            data={
                "title": availability.title,
                "tasks": availability.tasks,
                "places": availability.places,
                "hours_per_day": availability.hours_per_day,
                "start_date": availability.start_date,
                "end_date": availability.end_date,
                **values_of(typed),
            }
        )

    def to_input(self) -> AvailabilityInput:
        return AvailabilityInput(
            title=self.title.data or "",
            tasks=self.tasks.data or "",
            places=self.places.data,
            hours_per_day=self.hours_per_day.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            demands=limits_from(self),
        )


class AvailabilityStatusForm(FlaskForm):
    """Marking availability filled or withdrawn, or undoing that: the button pressed says which."""

    action = SelectField(choices=[c.value for c in AvailabilityClosed] + ["reopen"], validate_choice=True)


add_demand_fields(OfferForm, after="location")
add_demand_fields(AvailabilityForm)
