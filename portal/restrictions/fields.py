"""Form fields for the restriction dimensions, shared by clinicians' restrictions and supervisors' demands."""

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from portal.restrictions import operations as restrictions
from portal.restrictions.models import Frequency
from portal.restrictions.operations import HOURS, PERMISSION, POSTURE, WEIGHT, Limit
from portal.web.responses import refuse


class DimensionForm(FlaskForm):
    """A form with the restriction dimensions' fields, whose rules a service checks.

    Validating it parses every field and then asks ``rules`` for every rule that what parsed
    breaks, so that all the problems show at once, each next to its field; a field that did not
    even parse keeps its own message.
    """

    def rules(self) -> Mapping[str, str]:
        return {}

    def validate(self, extra_validators=None) -> bool:
        parsed = super().validate(extra_validators)
        refuse(self, self.rules())
        return parsed and not self.errors

    def field_for(self, problem: str) -> str | None:
        """The field a problem is shown next to: a dimension's first field, or the field of that name."""
        if problem in restrictions.BY_KEY:
            return field_names(restrictions.BY_KEY[problem])[0]
        return problem if problem in self else None


def field_names(dimension) -> list[str]:
    """The form fields that hold one dimension, in the order they are shown."""
    return {
        WEIGHT: [f"{dimension.key}_pounds", f"{dimension.key}_frequency"],
        HOURS: [f"{dimension.key}_hours"],
        POSTURE: [f"{dimension.key}_frequency"],
        PERMISSION: [f"{dimension.key}_allowed"],
    }[dimension.kind]


def add_dimension_fields(form_class, pounds: str, hours: str, permission: str, empty: str) -> None:
    """Add one field (or two, for weights) per dimension; ``pounds``, ``hours`` and ``permission``
    are label patterns with ``{label}`` in them, and ``empty`` names a choice left blank, all in the
    words of whoever fills the form in."""
    frequencies = [SelectChoice("", empty)] + [SelectChoice(f.value, f.label) for f in Frequency]
    permissions = [SelectChoice("", empty), SelectChoice("no", "No"), SelectChoice("yes", "Yes")]
    for dimension in restrictions.DIMENSIONS:
        label = dimension.label
        if dimension.kind == WEIGHT:
            setattr(
                form_class,
                f"{dimension.key}_pounds",
                IntegerField(
                    pounds.format(label=label), validators=[Optional(), NumberRange(0, restrictions.MAX_POUNDS)]
                ),
            )
            setattr(
                form_class,
                f"{dimension.key}_frequency",
                SelectField(f"{label}: how often", choices=frequencies, default=""),
            )
        elif dimension.kind == HOURS:
            setattr(
                form_class,
                f"{dimension.key}_hours",
                FloatField(hours.format(label=label), validators=[Optional(), NumberRange(0, 24)]),
            )
        elif dimension.kind == POSTURE:
            setattr(
                form_class,
                f"{dimension.key}_frequency",
                SelectField(f"{label}: how often", choices=frequencies, default=""),
            )
        else:
            setattr(
                form_class,
                f"{dimension.key}_allowed",
                SelectField(permission.format(label=label), choices=permissions, default=""),
            )


def limits_from(form) -> dict[str, Limit]:
    """Each dimension's values from the form, as the services take them."""

    def limit(dimension) -> Limit:
        def value(part):
            return form[f"{dimension.key}_{part}"].data

        return Limit(
            pounds=value("pounds") if dimension.kind == WEIGHT else None,
            frequency=(value("frequency") or None) if dimension.kind in (WEIGHT, POSTURE) else None,
            hours=value("hours") if dimension.kind == HOURS else None,
            allowed={"yes": True, "no": False}.get(value("allowed")) if dimension.kind == PERMISSION else None,
        )

    return {dimension.key: limit(dimension) for dimension in restrictions.DIMENSIONS}
