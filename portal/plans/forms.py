"""The return-to-work plan: the case manager's goal, steps, milestones and actions on them; the employee's
acknowledgement."""

from collections.abc import Mapping
from types import MappingProxyType

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.core.numbers import whole_number
from portal.duty.models import DutyOffer
from portal.plans import operations as plans
from portal.plans.operations import MAX_HOURS, MIN_HOURS, MilestoneInput, StepInput
from portal.web.fields import HiddenNumberField, NumberField, WholeNumberField
from portal.web.once import OnceField
from portal.web.responses import refuse


class GoalForm(FlaskForm):
    """The plan's goal: starting the plan, or changing it. ``version``: the plan as the page showed it."""

    once = OnceField()
    version = HiddenNumberField()
    goal = TextAreaField("Goal", validators=[Optional(), Length(max=1000)])


class StepForm(FlaskForm):
    once = OnceField()
    version = HiddenNumberField()
    starts_on = DateField("From", validators=[Optional()])
    ends_on = DateField("Until", validators=[Optional()])
    hours_per_day = NumberField(
        "Hours a day", f"Enter the hours a day, from {MIN_HOURS:g} to {MAX_HOURS}.", MIN_HOURS, MAX_HOURS
    )
    days_per_week = WholeNumberField(
        "Days a week (optional)", "Enter the days a week, from 1 to 7, or leave it empty.", 1, 7
    )
    duties = TextAreaField("Duties", validators=[Optional(), Length(max=2000)])
    duty_offer_id = SelectField("Transitional duty it uses (optional)", default="", validate_choice=False)
    # The transitional duty a step may use (``offering``), which its rules check.
    accepted: Mapping[int, DutyOffer] = MappingProxyType({})

    def offering(self, duties: list[DutyOffer]) -> "StepForm":
        """The transitional duty the employee accepted on the case, to choose from."""
        self.accepted = {duty.submission_id: duty for duty in duties}
        self.duty_offer_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(
                str(duty.submission_id),
                f"{duty.job_title} ({duty.submission.reference}), {written_date(duty.start_date)} to "
                f"{written_date(duty.end_date)}",
            )
            for duty in duties
        ]
        return self

    def validate(self, extra_validators=None) -> bool:
        """Every problem of the step itself at once, each by its field: what did not parse, then the step's
        rules. Its place among the plan's steps is the service's to check, after a second press of the same
        form is known for what it is (``once``)."""
        parsed = super().validate(extra_validators)
        refuse(self, plans.step_problems(self.to_input(), (), self.accepted, utcnow().date()))
        return parsed and not self.errors

    def to_input(self) -> StepInput:
        chosen = self.duty_offer_id.data or ""
        return StepInput(
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            hours_per_day=self.hours_per_day.data,
            days_per_week=self.days_per_week.data,
            duties=self.duties.data or "",
            # Anything but a duty's id (a page altered on the way) is refused next to the field, as "none" is not.
            duty_offer_id=(whole_number(chosen) or -1) if chosen else None,
        )


class MilestoneForm(FlaskForm):
    once = OnceField()
    version = HiddenNumberField()
    due_on = DateField("Due by", validators=[Optional()])
    description = TextAreaField("What is to be reached", validators=[Optional(), Length(max=500)])

    def to_input(self) -> MilestoneInput:
        return MilestoneInput(due_on=self.due_on.data, description=self.description.data or "")


class PlanActionForm(FlaskForm):
    """A button on one step or milestone (remove it, mark it met): each its own form, named by its prefix."""

    once = OnceField()
    version = HiddenNumberField()


class AcknowledgeForm(FlaskForm):
    """The employee acknowledges the plan as the page showed it (``version``)."""

    once = OnceField()
    version = HiddenNumberField()
