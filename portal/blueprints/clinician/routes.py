"""Treating clinicians: the patients who authorised them."""
from flask_login import current_user

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.services import cases

bp = audience_blueprint("clinician", "/clinician")


@bp.get("/")
def home():
    return render_page("clinician/home.html", authorisations=cases.patients_of_clinician(db.session, current_user),
                       submissions=cases.recent_submissions(db.session, current_user))
