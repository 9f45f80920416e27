"""Supervisors: their direct reports' work status and restrictions, never medical content."""
from flask_login import current_user

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.models.base import utcnow
from portal.services import cases, restrictions

bp = audience_blueprint("supervisor", "/supervisor")


@bp.get("/")
def home():
    team = cases.open_cases_of_reports(db.session, current_user)
    return render_page("supervisor/home.html", cases=team,
                       restrictions=restrictions.current_reports(db.session, [c.id for c in team], utcnow().date()))
