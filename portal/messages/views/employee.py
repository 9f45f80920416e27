"""The employee's conversation with the case managers, one on each of their cases."""

from flask import url_for
from flask_login import current_user

from portal import access
from portal.extensions import db
from portal.messages.views.screens import conversation
from portal.web.audiences import employee


@employee.route("/cases/<int:case_id>/messages", methods=["GET", "POST"])
def messages(case_id: int):
    return conversation(
        access.get_thread(db.session, current_user, case_id),
        "Your case manager has been emailed that there is a message for them.",
        back=(url_for("employee.home"), "Back to your cases"),
        navigation="employee/_navigation.html",
    )
