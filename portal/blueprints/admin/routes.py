"""Admins: accounts, invitations and email that could not be delivered. No case or medical content here."""
from flask import current_app, request, url_for

from portal.blueprints import audience_blueprint, post_form, render_page
from portal.blueprints.admin.forms import SendAgainForm
from portal.extensions import db
from portal.services import mailer, roster

bp = audience_blueprint("admin", "/admin")


@bp.get("/")
def home():
    page = roster.accounts_page(db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_page("admin/home.html", page=page, undelivered=mailer.undelivered_count(db.session))


@bp.route("/undelivered-email", methods=["GET", "POST"])
def undelivered_email():
    form = SendAgainForm()
    done = post_form(form, lambda: mailer.send_again(db.session, form.email_id.data),
                     lambda queued: (_queued_again(queued), url_for("admin.undelivered_email")))
    if done:
        return done
    page = mailer.undelivered_page(db.session, request.args.get("page", 1, type=int),
                                   current_app.config["PAGE_SIZE"])
    return render_page("admin/undelivered_email.html", page=page, form=form)


def _queued_again(queued: int) -> str:
    if not queued:
        return "Nothing to send again: it has already been queued again."
    return f"{queued} email{'s' if queued != 1 else ''} queued to be sent again."
