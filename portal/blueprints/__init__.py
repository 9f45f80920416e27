"""One package per audience. ``audience_blueprint`` checks the role once, for every route."""
from flask import Blueprint, abort, render_template
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.services import access


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


def render_fragment(template: str, block: str, status: int = 200, **context):
    """One named block of a screen's template, for an htmx swap: the same markup as the page."""
    return render_block(template, block, **context), status
