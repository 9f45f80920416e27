"""The employee's own view of their cases."""
from flask_login import current_user

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.services import cases

bp = audience_blueprint("employee", "/employee")


@bp.get("/")
def home():
    return render_page("employee/home.html", cases=cases.cases_for_employee(db.session, current_user),
                       submissions=cases.recent_submissions(db.session, current_user))
