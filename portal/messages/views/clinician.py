"""A treating clinician's conversation with the case managers, one for each patient who authorised them."""

from flask import url_for
from flask_login import current_user

from portal import access
from portal.extensions import db
from portal.messages.views.screens import conversation
from portal.web.audiences import clinician


@clinician.route("/cases/<int:case_id>/messages", methods=["GET", "POST"])
def messages(case_id: int):
    return conversation(
        access.get_thread(db.session, current_user, case_id),
        "The case manager has been emailed that there is a message for them.",
        back=(url_for("clinician.home"), "Back to your patients"),
    )
