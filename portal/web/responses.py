"""How a view answers: a page, a named block of it for htmx, a redirect, a form's refusals next to its fields."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request
from jinja2_fragments.flask import render_block, render_blocks

from portal.core.errors import Conflict, InvalidInput


def render_page(template: str, status: int = 200, **context):
    """The whole screen."""
    return render_template(template, **context), status


def render_fragment(template: str, block: str | list[str], status: int = 200, **context):
    """Named blocks of a screen's template, for an htmx swap: the same markup as the page.

    Several blocks render one after the other: the first is the swap target's
    content, the others carry ``hx-swap-oob`` and update their own regions.
    """
    if isinstance(block, str):
        return render_block(template, block, **context), status
    return render_blocks(template, block, **context), status


def htmx_redirect(location: str):
    """After a successful post: a 303 redirect, or for htmx an ``HX-Location`` it follows itself."""
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Location": location}
    return redirect(location, code=303)


def post_form(form, perform: Callable[[], object], done: Callable[[object], tuple[str, str]]):
    """The usual form post: validate ``form``, run ``perform`` (a service), and on success flash
    the message and go to the address that ``done`` gives for its result.

    None when the form must be shown again: a refusal from the service (InvalidInput, or a
    Conflict with what someone else did) is put next to its field.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = perform()
    except (InvalidInput, Conflict) as error:
        form_error(form, error)
        return None
    message, location = done(result)
    flash(message, "success")
    return htmx_redirect(location)


def form_error(form, error) -> None:
    """Put a service's InvalidInput next to its field, or at the top of the form."""
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, str(error)]
    else:
        form.form_errors.append(str(error))
