"""Notifications: render an email's text and HTML templates and queue it in the outbox.

Emails say what happened and give a link; they never carry medical detail.
The caller commits, so the email is queued in the same transaction as its cause.
"""

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select, update

from portal.mail.models import EmailStatus, OutboundEmail

SUBJECTS = {
    "password_reset": "Reset your password",
    "invitation": "You are invited to the return-to-work portal",
    "access_requested": "Someone asked for case-manager access: approve or refuse",
    "access_decided": "Case-manager access decided",
    "submission_received": "New item to review",
    "submission_received_several": "New items to review",
    "information_requested": "Your case manager needs more information",
    "information_provided": "A reply to your request for more information",
    "submission_decided": "A decision on something you sent",
    "document_requested": "Your case manager has asked for a document",
    "clinician_invitation": "A patient has authorised you on the return-to-work portal",
    "clinician_authorised": "A new patient has authorised you",
    "address_not_a_clinician": "Your email was named as a clinician's",
    "case_opened": "Your case is open",
    "team_case_opened": "A case is open for someone on your team",
    "duty_offer_forwarded": "An offer of transitional duty",
    "duty_offer_answered": "An answer to a transitional-duty offer",
    "feasibility_question": "A question about an accommodation in your team",
    "feasibility_answered": "The supervisor has answered your question",
    "accommodation_granted": "An accommodation to put in place",
    "duty_fit_changed": "Transitional duty in progress: new restrictions",
    "plan_conflict": "A return-to-work plan to check: new restrictions",
    "return_reported": "A return to work was reported: confirm it",
    "message_for_case_manager": "A new message on a case",
    "message_for_employee": "A new message from your case manager",
    "message_for_clinician": "A new message from a case manager",
    "notice_issued": "A new notice or letter from your case manager",
    "reminder": "A reminder: something is due on the return-to-work portal",
    "reminders_digest": "Your reminders for today",
    "case_manager_digest": "Your day: new items, tasks due and what is overdue",
}

# Emails whose link works once and expires. Sent again late, the link would be dead or replaced,
# so a person asks for a new one instead.
ONE_TIME_LINK_TEMPLATES = frozenset({"password_reset", "invitation", "clinician_invitation"})


def portal_url(endpoint: str, **values) -> str:
    """An absolute link to the portal, built from PORTAL_BASE_URL (no request needed)."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def to_sender(session, submission, screen: str, template: str, **context) -> OutboundEmail:
    """Email the person who sent ``submission``, with a link to ``screen``, where they read it."""
    sender = submission.submitted_by
    link = portal_url(screen, submission_id=submission.id)
    return queue(session, sender.email, template, submission=submission, recipient=sender, link=link, **context)


def gather(session, to_address: str, template: str, since: datetime, **context) -> OutboundEmail:
    """``template``'s email, gathering a burst: into the email of this kind still waiting to go to
    ``to_address`` if there is one, which then says that several have arrived since ``since``."""
    waiting = session.scalar(
        select(OutboundEmail)
        .where(
            OutboundEmail.to_address == to_address,
            OutboundEmail.template == template,
            OutboundEmail.status == EmailStatus.QUEUED,
            OutboundEmail.created_at >= since,
        )
        .order_by(OutboundEmail.created_at)
        .limit(1)
    )
    if waiting is None:
        return queue(session, to_address, template, since=since, **context)
    context.setdefault("portal_name", current_app.config["PORTAL_NAME"])
    waiting.body_text = render_template(f"email/{template}.txt", portal_url=portal_url, since=since, **context)
    waiting.body_html = render_template(f"email/{template}.html", portal_url=portal_url, since=since, **context)
    return waiting


def queue(session, to_address: str, template: str, **context) -> OutboundEmail:
    context.setdefault("portal_name", current_app.config["PORTAL_NAME"])
    if template in ONE_TIME_LINK_TEMPLATES:
        # The new link replaces the old ones, so an earlier email with a link that could not be
        # delivered is no longer anyone's to look at.
        session.execute(
            update(OutboundEmail)
            .where(
                OutboundEmail.to_address == to_address,
                OutboundEmail.status == EmailStatus.FAILED,
                OutboundEmail.template.in_(ONE_TIME_LINK_TEMPLATES),
            )
            .values(status=EmailStatus.REPLACED)
            # Outbox rows are never kept loaded across this; matching every object the session holds would
            # cost a roster load, which invites hundreds at once, seconds.
            .execution_options(synchronize_session=False)
        )
    email = OutboundEmail(
        to_address=to_address,
        subject=SUBJECTS[template],
        body_text=render_template(f"email/{template}.txt", portal_url=portal_url, **context),
        body_html=render_template(f"email/{template}.html", portal_url=portal_url, **context),
        template=template,
    )
    session.add(email)
    return email
