"""Form fields for the restriction dimensions, shared by clinicians' restrictions and supervisors' demands."""

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField

from portal.restrictions import operations as restrictions
from portal.restrictions.models import Frequency
from portal.restrictions.operations import HOURS, PERMISSION, POSTURE, WEIGHT, Limit
from portal.web.fields import NumberField, WholeNumberField
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
    return [f"{dimension.key}_{part}" for part in restrictions.PARTS[dimension.kind]]


def add_fields(form_class, fields: list[tuple[str, Field]], after: str | None = None) -> None:
    """Add fields to a form class, in the order given and, with ``after``, right after that field, so
    that the form lists its fields (and the error summary its problems) in the order the page shows them."""
    anchor = getattr(form_class, after).creation_counter if after else None
    for position, (name, unbound) in enumerate(fields, start=1):
        if anchor is not None:
            # Between the anchor and the field declared after it: WTForms orders fields by this counter.
            unbound.creation_counter = anchor + position / (len(fields) + 1)
        setattr(form_class, name, unbound)


def add_dimension_fields(
    form_class, pounds: str, hours: str, permission: str, empty: str, after: str | None = None
) -> None:
    """Add one field (or two, for weights) per dimension, after the field ``after`` if given;
    ``pounds``, ``hours`` and ``permission`` are label patterns with ``{label}`` in them, and ``empty``
    names a choice left blank, all in the words of whoever fills the form in."""
    frequencies = [SelectChoice("", empty)] + [SelectChoice(f.value, f.label) for f in Frequency]
    permissions = [SelectChoice("", empty), SelectChoice("no", "No"), SelectChoice("yes", "Yes")]
    fields: list[tuple[str, Field]] = []
    for dimension in restrictions.DIMENSIONS:
        label = dimension.label
        if dimension.kind == WEIGHT:
            maximum = restrictions.MAX_POUNDS
            fields.append(
                (
                    f"{dimension.key}_pounds",
                    WholeNumberField(
                        pounds.format(label=label),
                        f"{label}: enter pounds as a whole number from 0 to {maximum}.",
                        0,
                        maximum,
                    ),
                )
            )
            fields.append(
                (f"{dimension.key}_frequency", SelectField(f"{label}: how often", choices=frequencies, default=""))
            )
        elif dimension.kind == HOURS:
            fields.append(
                (
                    f"{dimension.key}_hours",
                    NumberField(hours.format(label=label), f"{label}: enter hours a day from 0 to 24.", 0, 24),
                )
            )
        elif dimension.kind == POSTURE:
            fields.append(
                (f"{dimension.key}_frequency", SelectField(f"{label}: how often", choices=frequencies, default=""))
            )
        else:
            fields.append(
                (
                    f"{dimension.key}_allowed",
                    SelectField(permission.format(label=label), choices=permissions, default=""),
                )
            )
    add_fields(form_class, fields, after)


def add_demand_fields(form_class, after: str | None = None) -> None:
    """The dimensions' fields as physical demands of a job, in one set of words wherever a job's demands are
    entered: a duty offer, standing availability, a job on the roster."""
    add_dimension_fields(
        form_class,
        pounds=restrictions.DEMAND_WORDS["pounds"],
        hours=restrictions.DEMAND_WORDS["hours"],
        permission=restrictions.DEMAND_WORDS["allowed"],
        empty="Not needed",
        after=after,
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


def values_of(limits: Mapping[str, Limit]) -> dict[str, object]:
    """The form's values for each dimension's limit: what ``limits_from`` reads back."""
    values: dict[str, object] = {}
    for dimension in restrictions.DIMENSIONS:
        limit = limits.get(dimension.key) or Limit()
        if dimension.kind == WEIGHT:
            values[f"{dimension.key}_pounds"] = limit.pounds
        if dimension.kind in (WEIGHT, POSTURE):
            values[f"{dimension.key}_frequency"] = limit.frequency or ""
        if dimension.kind == HOURS:
            values[f"{dimension.key}_hours"] = limit.hours
        if dimension.kind == PERMISSION:
            values[f"{dimension.key}_allowed"] = "" if limit.allowed is None else ("yes" if limit.allowed else "no")
    return values
