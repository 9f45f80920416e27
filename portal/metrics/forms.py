"""The dashboard's filters, read from the address: a set of figures is a link to share."""

from datetime import date, timedelta

from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal.cases.models import CaseType
from portal.core.numbers import whole_number
from portal.metrics.queries import LONGEST_RANGE_DAYS, Filters

FIRST_YEAR, LAST_YEAR = 1900, 2199  # far enough either way for any program's history and plans
TOO_LONG = "Choose a period of five years or less."


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

    def __init__(self, formdata, today: date) -> None:
        self.today = today
        super().__init__(formdata)

    def validate_since(self, field) -> None:
        # A start alone runs to today: five years at most, as with an end.
        until_given = self.until.raw_data and self.until.raw_data[0]
        if field.data and not until_given and FIRST_YEAR <= field.data.year:
            if (self.today - field.data).days > LONGEST_RANGE_DAYS:
                raise ValidationError(TOO_LONG)

    def chosen(self) -> Filters:
        """The filters asked for; the last three months where the dates are wrong (their fields say why)."""
        default = Filters.default(self.today)
        self.validate()
        dates_valid = not (self.since.errors or self.until.errors)
        since = self.since.data if dates_valid and self.since.data else default.since
        until = self.until.data if dates_valid and self.until.data else default.until
        until = max(until, since)  # a start alone, after today: the period is that day
        # An empty date field shows the period counted, so that it can be changed from there.
        for field, day in ((self.since, since), (self.until, until)):
            if not field.raw_data or not field.raw_data[0]:
                field.raw_data, field.data = [], day
        return Filters(
            since=since,
            until=until,
            case_type=CaseType(self.case_type.data) if self.case_type.data in set(CaseType) else None,
            department=self.department.data or None,
            case_manager_id=whole_number(self.case_manager.data),
        )

    def validate_until(self, field) -> None:
        if self.since.data and field.data:
            if field.data < self.since.data:
                raise ValidationError("The end of the period comes before its start: give a later day.")
            if field.data - self.since.data > timedelta(days=LONGEST_RANGE_DAYS):
                raise ValidationError(TOO_LONG)
