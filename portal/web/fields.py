"""Form fields the portal's forms share."""

from markupsafe import Markup
from wtforms import Field, FloatField, HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, Select

from portal.core.numbers import whole_number


class PlainSelect(Select):
    """WTForms' select, its plain options written straight out, the same markup: the inbox draws eight selects and
    some forty options on every page, and sorting and escaping each option's attributes one by one cost more than
    the page's query."""

    @classmethod
    def render_option(cls, choice, **kwargs) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        # Markup.format escapes the value and the label.
        selected = Markup("selected ") if choice.selected else ""
        return Markup('<option {}value="{}">{}</option>').format(selected, choice.value, choice.label or choice.value)


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
