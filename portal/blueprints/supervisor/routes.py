"""Supervisors: their direct reports' work status and dates, never medical content."""
from flask_login import current_user

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.services import cases

bp = audience_blueprint("supervisor", "/supervisor")


@bp.get("/")
def home():
    return render_page("supervisor/home.html", cases=cases.open_cases_of_reports(db.session, current_user))
