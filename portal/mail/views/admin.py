"""Admins: email that could not be delivered, sent again once the cause is fixed."""

from flask import current_app, flash, request, url_for

from portal.extensions import db
from portal.mail import delivery as mailer
from portal.mail.forms import SendAgainForm
from portal.web.audiences import admin
from portal.web.responses import redirect_after_post, refusals, render


@admin.route("/undelivered-email", methods=["GET", "POST"])
def undelivered_email():
    form = SendAgainForm()
    if form.validate_on_submit():
        with refusals(form):
            queued = mailer.send_again(db.session, form.email_id.data)
            flash(_queued_again(queued), "success")
            return redirect_after_post(url_for("admin.undelivered_email"))
    page = mailer.undelivered_page(db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render(
        "admin/undelivered_email.html", page=page, form=form, instead_of_sending_again=mailer.instead_of_sending_again
    )


def _queued_again(queued: int) -> str:
    if not queued:
        return "Nothing to send again."
    return f"{queued} email{'s' if queued != 1 else ''} queued to be sent again."
