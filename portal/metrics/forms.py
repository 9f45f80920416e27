"""The dashboard's filters, read from the address: a set of figures is a link to share."""

from datetime import timedelta

from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal.cases.models import CaseType
from portal.metrics.queries import LONGEST_RANGE_DAYS


def _any(label: str, options) -> list[SelectChoice]:
    return [SelectChoice("", label)] + [SelectChoice(value, text) for value, text in options]


class FiguresFilterForm(Form):
    since = DateField("From", validators=[Optional()], id="figures-since")
    until = DateField("To", validators=[Optional()], id="figures-until")
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
                raise ValidationError("Choose a period of five years or less.")
