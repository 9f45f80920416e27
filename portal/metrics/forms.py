"""The dashboard's filters, read from the address: a set of figures is a link to share."""

from datetime import timedelta

from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal.cases.models import CaseType
from portal.metrics.queries import LONGEST_RANGE_DAYS

FIRST_YEAR, LAST_YEAR = 1900, 2199
TOO_LONG = "Choose a period of five years or less."  # far enough either way for any program's history and plans


def _any(label: str, options) -> list[SelectChoice]:
    return [SelectChoice("", label)] + [SelectChoice(value, text) for value, text in options]


def _a_year_we_count(_form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Give a day between the years {FIRST_YEAR} and {LAST_YEAR}.")


class FiguresFilterForm(Form):
    since = DateField("From", validators=[Optional(), _a_year_we_count], id="figures-since")
    until = DateField("To", validators=[Optional(), _a_year_we_count], id="figures-until")
    case_type = SelectField(
        "Case type",
        choices=_any("Every case type", [(t.value, t.label) for t in CaseType]),
        id="figures-case_type",
        validate_choice=False,  # one not on the list counts every case type, as an old link would
    )
    # One no longer on the list (a department renamed since the link was made) counts nothing rather than failing.
    department = SelectField("Department", choices=[], id="figures-department", validate_choice=False)
    case_manager = SelectField("Case manager", choices=[], id="figures-case_manager", validate_choice=False)

    def validate_until(self, field) -> None:
        if self.since.data and field.data:
            if field.data < self.since.data:
                raise ValidationError("The end of the period comes before its start: give a later day.")
            if field.data - self.since.data > timedelta(days=LONGEST_RANGE_DAYS):
                raise ValidationError(TOO_LONG)
