"""Admins: email that could not be delivered, sent again once the cause is fixed."""

from flask import current_app, request, url_for

from portal.extensions import db
from portal.mail import delivery as mailer
from portal.mail.forms import SendAgainForm
from portal.web.audiences import admin
from portal.web.responses import post_form, render_page


@admin.route("/undelivered-email", methods=["GET", "POST"])
def undelivered_email():
    form = SendAgainForm()
    done = post_form(
        form,
        lambda: mailer.send_again(db.session, form.email_id.data),
        lambda queued: (_queued_again(queued), url_for("admin.undelivered_email")),
    )
    if done:
        return done
    page = mailer.undelivered_page(db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_page("admin/undelivered_email.html", page=page, form=form, may_send_again=mailer.may_send_again)


def _queued_again(queued: int) -> str:
    if not queued:
        return "Nothing to send again."
    return f"{queued} email{'s' if queued != 1 else ''} queued to be sent again."
