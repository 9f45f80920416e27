"""One package per audience. ``audience_blueprint`` checks the role once, for every route."""
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block, render_blocks

from portal.services import access
from portal.services.errors import Conflict, InvalidInput


def audience_blueprint(area: str, url_prefix: str) -> Blueprint:
    """A blueprint whose every route needs a signed-in user allowed into ``area``.

    Anyone else gets a 404: the area's URLs are not theirs to know about.
    """
    blueprint = Blueprint(area, f"portal.blueprints.{area}", url_prefix=url_prefix)

    @blueprint.before_request
    def require_area():
        if not current_user.is_authenticated:
            from portal.extensions import login_manager

            return login_manager.unauthorized()
        if not access.may_enter_area(current_user, area):
            abort(404)

    return blueprint


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
