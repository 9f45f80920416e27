"""Form fields the portal's forms share."""

from wtforms import HiddenField

# The largest id or version the database's integer columns hold on every engine (PostgreSQL's integer).
LARGEST = 2**31 - 1


class HiddenNumberField(HiddenField):
    """A whole number the page carries and the form sends back: the version of an item the user was
    looking at (so that a change made meanwhile by someone else is noticed), or the id of what the form
    answers. Anything but a whole number means the page was altered or mangled on the way: the form
    says so and is shown again, never an error page."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = None
        if valuelist and valuelist[0]:
            text = str(valuelist[0])
            if not (text.isascii() and text.isdigit() and int(text) <= LARGEST):
                raise ValueError("This page could not be read back. Reload it and try again.")
            self.data = int(text)
