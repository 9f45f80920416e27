"""The case manager's inbox."""
from flask import current_app, request
from flask_login import current_user

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.services import cases

bp = audience_blueprint("inbox", "/inbox")


@bp.get("/")
def home():
    page = cases.inbox_page(db.session, current_user, request.args.get("page", 1, type=int),
                            current_app.config["PAGE_SIZE"])
    return render_page("inbox/home.html", page=page)
