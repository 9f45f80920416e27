"""The audiences' blueprints. Each checks the role once, for every route; feature views register on them."""

from flask import Blueprint, abort
from flask_login import current_user

from portal import access
from portal.extensions import login_manager


def audience_blueprint(area: str, url_prefix: str) -> Blueprint:
    """A blueprint whose every route needs a signed-in user allowed into ``area``.

    Anyone else gets a 404: the area's URLs are not theirs to know about.
    """
    blueprint = Blueprint(area, __name__, url_prefix=url_prefix)

    @blueprint.before_request
    def require_area():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not access.may_enter_area(current_user, area):
            abort(404)

    return blueprint


employee = audience_blueprint("employee", "/employee")
clinician = audience_blueprint("clinician", "/clinician")
supervisor = audience_blueprint("supervisor", "/supervisor")
inbox = audience_blueprint("inbox", "/inbox")
admin = audience_blueprint("admin", "/admin")
# The program's figures: case managers, supervisors (their team's) and admins (the workload), each their own part.
metrics = audience_blueprint("metrics", "/figures")
AUDIENCES = (employee, clinician, supervisor, inbox, admin, metrics)
