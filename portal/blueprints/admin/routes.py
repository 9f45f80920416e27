"""Admins: accounts and invitations. No case or medical content here."""
from flask import current_app, request

from portal.blueprints import audience_blueprint, render_page
from portal.extensions import db
from portal.services import roster

bp = audience_blueprint("admin", "/admin")


@bp.get("/")
def home():
    page = roster.accounts_page(db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_page("admin/home.html", page=page)
