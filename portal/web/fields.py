"""Form fields the portal's forms share."""

from wtforms import HiddenField

from portal.core.numbers import whole_number


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
