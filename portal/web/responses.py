"""How a view answers: a page, or for htmx named blocks of the same template; a redirect after a post;
a service's refusals next to the form's fields."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import redirect, render_template
from flask_htmx import make_response
from flask_wtf import FlaskForm
from jinja2_fragments.flask import render_blocks

from portal.core.errors import Conflict, InvalidInput
from portal.extensions import htmx


def render(template: str, status: int = 200, *, block: str | list[str] | None = None, **context):
    """The screen ``template``; for an htmx request that names a ``block``, only the named blocks of it,
    so a swap gets the same markup as the page. With several blocks, the first is the swap target's
    content and the others carry ``hx-swap-oob`` and update their own regions."""
    if block is not None and htmx:
        return render_blocks(template, [block] if isinstance(block, str) else block, **context), status
    return render_template(template, **context), status


def redirect_after_post(location: str):
    """After a successful post: a 303 redirect, or for htmx an ``HX-Location`` that it follows itself."""
    if htmx:
        return make_response("", 200, location=location)
    return redirect(location, code=303)


@contextmanager
def refusals(form: FlaskForm) -> Iterator[None]:
    """Run a service call in this block. If the service refuses, each of its problems goes next to its
    field (or at the top of the form) and the view goes on past the block to show the form again."""
    try:
        yield
    except InvalidInput as error:
        refuse(form, error.problems)
    except Conflict as error:
        form.form_errors.append(str(error))
        form.conflict = True  # read by form_status: someone else acted first


def refuse(form: FlaskForm, problems: Mapping[str, str]) -> None:
    """Put each problem next to the field it is about. A form whose fields are named otherwise than the
    service's problems maps them with ``field_for``; a field that already has an error (it did not even
    parse) keeps that one rather than being blamed twice."""
    field_for = getattr(form, "field_for", None)
    for key, message in problems.items():
        name = field_for(key) if field_for else key
        if not name or name not in form:
            form.form_errors.append(message)
        elif not form[name].errors:
            form[name].errors = [message]


def form_status(form: FlaskForm) -> int:
    """The status a form is shown with: 200 before it is sent, 409 when someone else acted first,
    422 when what was sent has problems."""
    if not form.is_submitted():
        return 200
    return 409 if getattr(form, "conflict", False) else 422
