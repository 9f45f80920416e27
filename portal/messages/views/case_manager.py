"""The case managers' conversations: with each case's employee and each of its clinicians, and the list of
those with messages they have not read."""

from flask import current_app, request, url_for
from flask_login import current_user

from portal import access
from portal.extensions import db
from portal.messages import operations as messaging
from portal.messages.views.screens import conversation
from portal.web.audiences import inbox
from portal.web.responses import render


@inbox.get("/messages")
def messages():
    """The conversations with unread messages, the newest message first, a page at a time."""
    page = messaging.unread_threads(
        db.session, current_user, request.args.get("after"), current_app.config["PAGE_SIZE"]
    )
    return render(
        "messages/unread.html",
        page=page,
        total=messaging.unread_total(db.session, current_user),
        paged=bool(request.args.get("after")),
    )


@inbox.route("/cases/<int:case_id>/messages/employee", methods=["GET", "POST"])
def employee_messages(case_id: int):
    thread = access.get_thread(db.session, current_user, case_id)
    return _conversation(thread, "The employee has been emailed that there is a message for them.")


@inbox.route("/cases/<int:case_id>/messages/clinicians/<int:clinician_id>", methods=["GET", "POST"])
def clinician_messages(case_id: int, clinician_id: int):
    thread = access.get_thread(db.session, current_user, case_id, clinician_id=clinician_id)
    return _conversation(thread, "The clinician has been emailed that there is a message for them.")


def _conversation(thread, emailed: str):
    return conversation(thread, emailed, back=(url_for("inbox.case", case_id=thread.case_id), "Back to the case"))
