"""The accommodation request's steps, the employee's answers to a decision, and the supervisor's answer to a
feasibility question."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, Regexp

from portal.accommodations.models import HelpCategory
from portal.accommodations.operations import CONTACT_PREFERENCES
from portal.files.forms import UploadsField
from portal.web.fields import HiddenNumberField
from portal.web.steps import StepForm


class DifficultyStep(StepForm):
    difficulty = TextAreaField("What is making work difficult for you?", validators=[Length(max=4000)])


class TasksStep(StepForm):
    tasks_affected = TextAreaField("Which parts of your job are affected?", validators=[Length(max=4000)])


class HelpStep(StepForm):
    def validate(self, extra_validators=None) -> bool:
        """What was written under an option left unticked is not quietly dropped: the person is asked."""
        valid = super().validate(extra_validators)
        for category in HelpCategory:
            written = (self[f"help_{category.value}"].data or "").strip()
            if written and not self[f"choose_{category.value}"].data:
                self[f"choose_{category.value}"].errors = [
                    f"You wrote what would help with {category.label.lower()}: tick it, or clear what you wrote."
                ]
                valid = False
        return valid

    def load(self, data: dict) -> None:
        for item in data.get("help", []):
            self[f"choose_{item['category']}"].data = True
            self[f"help_{item['category']}"].data = item.get("description", "")

    def values(self) -> dict:
        return {
            "help": [
                {"category": category.value, "description": self[f"help_{category.value}"].data or ""}
                for category in HelpCategory
                if self[f"choose_{category.value}"].data
            ]
        }


for _category in HelpCategory:
    setattr(HelpStep, f"choose_{_category.value}", BooleanField(_category.label))
    setattr(
        HelpStep,
        f"help_{_category.value}",
        TextAreaField(f"What would help: {_category.label.lower()}", validators=[Optional(), Length(max=2000)]),
    )


class DurationStep(StepForm):
    temporary = RadioField(
        "For how long do you need it?",
        choices=[SelectChoice("yes", "For a while, between dates"), SelectChoice("no", "Ongoing")],
        validate_choice=False,
    )
    needed_from = DateField("From", validators=[Optional()])
    needed_until = DateField("Until (your best estimate)", validators=[Optional()])


class DocumentsStep(StepForm):
    documents = UploadsField("Supporting documents (optional)")

    def values(self) -> dict:
        return {}


class ContactStep(StepForm):
    contact_preference = RadioField(
        "How do you prefer to be contacted?",
        validate_choice=False,
        choices=[SelectChoice(key, label) for key, label in CONTACT_PREFERENCES.items()],
    )
    contact_phone = StringField(
        "Phone number",
        validators=[
            Optional(),
            Length(max=40),
            # Digits with the usual separators and an extension: at least 7 digits, so a call can be made.
            Regexp(
                r"^\+?[0-9 ().-]*([0-9][ ().-]*){7,}((ext\.?|x) ?[0-9]{1,6})?$",
                flags=re.IGNORECASE,
                message="Enter a phone number we can call, for example 555-123-4567.",
            ),
        ],
    )


STEP_FORMS = {
    "difficulty": DifficultyStep,
    "tasks": TasksStep,
    "help": HelpStep,
    "duration": DurationStep,
    "documents": DocumentsStep,
    "contact": ContactStep,
}


STEP_TITLES = {
    "difficulty": "What is making work difficult for you?",
    "tasks": "The parts of your job affected",
    "help": "What would help",
    "duration": "For how long",
    "documents": "Supporting documents",
    "contact": "How to contact you",
}


class DecisionAnswerForm(FlaskForm):
    reason = TextAreaField("Why the decision should be looked at again", validators=[Optional(), Length(max=4000)])
    files = UploadsField("A note from your clinician, or other documents (optional)")
    version = HiddenNumberField()


class FeasibilityAnswerForm(FlaskForm):
    feasible = RadioField(
        "Is it feasible in your team?",
        validate_choice=False,
        choices=[
            SelectChoice("yes", "Yes"),
            SelectChoice("with_changes", "Yes, with changes"),
            SelectChoice("no", "No"),
        ],
    )
    answer = TextAreaField("Explain", validators=[Optional(), Length(max=4000)])
