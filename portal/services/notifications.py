"""Notifications: render an email's text and HTML templates and queue it in the outbox.

Emails say what happened and give a link; they never carry medical detail.
The caller commits, so the email is queued in the same transaction as its cause.
"""
from urllib.parse import urlsplit

from flask import current_app, render_template

from portal.models import OutboundEmail

SUBJECTS = {
    "password_reset": "Reset your password",
    "invitation": "You are invited to the return-to-work portal",
    "submission_received": "New item to review",
    "information_requested": "Your case manager needs more information",
    "information_provided": "The employee has replied",
    "submission_decided": "A decision on something you sent",
    "document_requested": "Your case manager has asked for a document",
    "clinician_invitation": "A patient has authorised you on the return-to-work portal",
    "clinician_authorised": "A new patient has authorised you",
    "duty_offer_forwarded": "An offer of transitional duty",
    "duty_offer_answered": "An answer to a transitional-duty offer",
    "feasibility_question": "A question about an accommodation in your team",
    "feasibility_answered": "The supervisor has answered your question",
    "accommodation_granted": "An accommodation to put in place",
}


# Where each kind of sender reads what happened to what they sent.
SENDER_SCREENS = {"employee": "employee.submission", "clinician": "clinician.report", "supervisor": "supervisor.offer"}


def portal_url(endpoint: str, **values) -> str:
    """An absolute link to the portal, built from PORTAL_BASE_URL (no request needed)."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def to_sender(session, submission, template: str, **context) -> OutboundEmail:
    """Email the person who sent ``submission``, with a link to it in their own part of the portal."""
    sender = submission.submitted_by
    link = portal_url(SENDER_SCREENS[sender.role], submission_id=submission.id)
    return queue(session, sender.email, template, submission=submission, recipient=sender, link=link, **context)


def queue(session, to_address: str, template: str, **context) -> OutboundEmail:
    context.setdefault("portal_name", current_app.config["PORTAL_NAME"])
    email = OutboundEmail(
        to_address=to_address,
        subject=SUBJECTS[template],
        body_text=render_template(f"email/{template}.txt", portal_url=portal_url, **context),
        body_html=render_template(f"email/{template}.html", portal_url=portal_url, **context),
        template=template,
    )
    session.add(email)
    return email
