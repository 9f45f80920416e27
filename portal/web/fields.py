"""Form fields the portal's forms share."""

from functools import lru_cache

from markupsafe import Markup, escape
from wtforms import Field, FloatField, HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, Select
from wtforms.widgets.core import clean_key

from portal.core.numbers import whole_number


class PlainSelect(Select):
    """WTForms' select drawn straight out, the same markup: the inbox draws eight selects and some forty options on
    every page, and WTForms' general path (every flag the field might have, each attribute sorted and formatted
    through ``Markup.format``) cost more than the page's query. Grouped or multiple selects, and options with
    attributes of their own, take WTForms' own path."""

    def __call__(self, field, **kwargs) -> Markup:
        choices = list(field.iter_choices())
        if self.multiple or field.has_groups() or any(choice.render_kw for choice in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for name in self.validation_attrs:
            flag = getattr(field.flags, name)  # None when the field has no such flag
            if flag is not None and name not in kwargs:
                kwargs[name] = flag
        options = _NOTHING.join(_option(choice.value, choice.label, choice.selected) for choice in choices)
        return _SELECT.format(attributes(name=field.name, **kwargs), options)


@lru_cache(maxsize=1024)
def _option(value, label, selected: bool) -> Markup:
    """One option as WTForms writes it (a bool's value as its word); the same few are drawn on every page."""
    return _OPTION.format(
        _SELECTED if selected else "", str(value) if isinstance(value, bool) else value, label or value
    )


def attributes(**values) -> Markup:
    """HTML attributes as WTForms' ``html_params`` writes them (sorted by name; ``class_`` for class, ``data_`` and
    ``aria_`` names with hyphens; True alone, False left out), joined as markup rather than each formatted."""
    written = []
    for name, value in sorted(values.items()):
        name = clean_key(name)
        if value is True:
            written.append(escape(name))
        elif value is not False:
            # As html_params has it: a value already markup keeps its own quotes, which would end the attribute.
            written.append(escape(name) + _OPENS + escape(value).replace(_QUOTE, _QUOTE_ENTITY) + _QUOTE)
    return _SPACE.join(written)


_SELECT = Markup("<select {}>{}</select>")
_OPTION = Markup('<option {}value="{}">{}</option>')
_SELECTED = Markup("selected ")
_NOTHING, _SPACE, _OPENS, _QUOTE, _QUOTE_ENTITY = Markup(""), Markup(" "), Markup('="'), Markup('"'), Markup("&quot;")


class HiddenNumberField(HiddenField):
    """A whole number the page carries and the form sends back: the version of an item the user was
    looking at (so that a change made meanwhile by someone else is noticed), or the id of what the form
    answers. Anything but a whole number means the page was altered or mangled on the way: the form
    says so and is shown again, never an error page."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = None
        if valuelist and valuelist[0]:
            self.data = whole_number(valuelist[0])
            if self.data is None:
                raise ValueError("This page could not be read back. Reload it and try again.")


class _InRange(NumberRange):
    """A range check of a number that parsed: one that did not already has its message."""

    def __call__(self, form, field) -> None:
        if field.data is not None:
            super().__call__(form, field)


class _NamedNumber(Field):
    """An optional number whose every error is ``message``, which names what it is about, whether what
    was typed is not a number or is out of range: in an error summary, "Not a valid integer value" or
    "Number must be between 1 and 500" says nothing of which field."""

    def __init__(self, label: str, message: str, minimum: float, maximum: float, **kwargs) -> None:
        super().__init__(label, validators=[Optional(), _InRange(minimum, maximum, message=message)], **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error


class WholeNumberField(_NamedNumber, IntegerField):
    pass


class NumberField(_NamedNumber, FloatField):
    pass


class MultiCheckboxField(SelectMultipleField):
    """Several choices, each a checkbox: the form macro draws them as one fieldset, its error by its legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
