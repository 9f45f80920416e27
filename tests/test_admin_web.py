"""Admins see the email that could not be delivered, and send it again once the cause is fixed."""
import html
from datetime import timedelta

from portal.models import EmailStatus, OutboundEmail, Role, User
from portal.models.base import utcnow
from portal.services import notifications

PAGE = "/admin/undelivered-email"


def failed_reset_email(session, address="gone@example.test") -> OutboundEmail:
    user = User(email=address, name="Gone Person", role="employee", active=True)
    email = notifications.queue(session, address, "password_reset", user=user, token="one-time-t0ken",
                                expires_at=utcnow() + timedelta(hours=2))
    email.status, email.attempts, email.last_error = EmailStatus.FAILED, 1, "SMTPRecipientsRefused: 550 No such mailbox"
    session.commit()
    return email


def test_the_admin_home_says_how_many_emails_could_not_be_delivered(web, db_session, login_as):
    login_as(Role.ADMIN)
    assert "Email not delivered</a>: none." in web.client.get("/admin/").get_data(as_text=True)

    failed_reset_email(db_session)
    failed_reset_email(db_session, "also.gone@example.test")

    page = web.client.get("/admin/").get_data(as_text=True)
    assert "2 emails could not be delivered." in page and f'href="{PAGE}"' in page


def test_the_admin_sees_to_whom_what_and_why_but_never_the_body_with_its_link(web, db_session, login_as):
    login_as(Role.ADMIN)
    failed_reset_email(db_session)

    page = html.unescape(web.client.get(PAGE).get_data(as_text=True))

    assert "gone@example.test" in page and "Reset your password" in page and "550 No such mailbox" in page
    assert "one-time-t0ken" not in page


def test_sending_again_queues_the_email_and_says_so(web, db_session, login_as):
    login_as(Role.ADMIN)
    email = failed_reset_email(db_session)

    response = web.post_form(PAGE, {"email_id": email.id}, follow_redirects=True)

    assert "1 email queued to be sent again." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(OutboundEmail, email.id).status == EmailStatus.QUEUED
    assert "Every email has been delivered or is still being tried." in response.get_data(as_text=True)


def test_sending_all_again_queues_every_failed_email(web, db_session, login_as):
    login_as(Role.ADMIN)
    emails = [failed_reset_email(db_session), failed_reset_email(db_session, "also.gone@example.test")]

    response = web.post_form(PAGE, {}, follow_redirects=True)

    assert "2 emails queued to be sent again." in response.get_data(as_text=True)
    db_session.expire_all()
    assert {db_session.get(OutboundEmail, email.id).status for email in emails} == {EmailStatus.QUEUED}


def test_only_admins_see_undelivered_email(web, login_as):
    login_as(Role.CASE_MANAGER)
    assert web.client.get(PAGE).status_code == 404
