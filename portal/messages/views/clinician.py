"""A treating clinician's conversation with the case managers, one for each patient who authorised them."""

from flask import flash, url_for
from flask_login import current_user

from portal import access, settings
from portal.extensions import db
from portal.files.forms import uploads_from
from portal.messages import operations as messaging
from portal.messages.forms import MessageForm
from portal.messages.views.screens import thread_screen
from portal.web.audiences import clinician
from portal.web.once import once
from portal.web.responses import redirect_after_post, refusals


@clinician.route("/cases/<int:case_id>/messages", methods=["GET", "POST"])
def messages(case_id: int):
    thread = access.get_thread(db.session, current_user, case_id)
    form = MessageForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            messaging.send_message(
                db.session, current_user, thread, form.body.data, uploads_from(form.files), settings.current().uploads
            )
            here = url_for("clinician.messages", case_id=case_id)
            sent(here)
            flash("Sent. The case manager has been emailed that there is a message for them.", "success")
            return redirect_after_post(here)
    return thread_screen(thread, form, back=(url_for("clinician.home"), "Back to your patients"))
