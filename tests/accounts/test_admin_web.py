"""Admins: the email that could not be delivered, sent again; accounts deactivated, reactivated, invited again."""

import html
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.columns import utcnow
from portal.items.models import Submission, SubmissionStatus
from portal.mail import notifications
from portal.mail.models import EmailStatus, OutboundEmail
from tests import factories

PAGE = "/admin/undelivered-email"


REFUSED = "SMTPRecipientsRefused: 550 No such mailbox"


def failed_reset_email(session, address="gone@example.test") -> OutboundEmail:
    user = User(email=address, name="Gone Person", role="employee", active=True)
    email = notifications.queue(
        session, address, "password_reset", user=user, token="one-time-t0ken", expires_at=utcnow() + timedelta(hours=2)
    )
    email.status, email.attempts, email.last_error = EmailStatus.FAILED, 1, REFUSED
    session.commit()
    return email


def failed_notice(session, address="supervisor.gone@example.test") -> OutboundEmail:
    """A failed email with no one-time link in it."""
    email = OutboundEmail(
        to_address=address,
        subject="A question about an accommodation in your team",
        body_text="...",
        template="feasibility_question",
        status=EmailStatus.FAILED,
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    session.add(email)
    session.commit()
    return email


def test_the_admin_home_says_how_many_emails_could_not_be_delivered(web, db_session, login_as):
    login_as(Role.ADMIN)
    assert "Email not delivered</a>: none." in web.client.get("/admin/").get_data(as_text=True)

    failed_reset_email(db_session)
    failed_notice(db_session)

    page = web.client.get("/admin/").get_data(as_text=True)
    assert "2 emails could not be delivered." in page and f'href="{PAGE}"' in page


def test_the_admin_sees_to_whom_what_and_why_but_never_the_body_with_its_link(web, db_session, login_as):
    login_as(Role.ADMIN)
    failed_reset_email(db_session)

    page = html.unescape(web.client.get(PAGE).get_data(as_text=True))

    assert "gone@example.test" in page and "Reset your password" in page and "550 No such mailbox" in page
    assert "one-time-t0ken" not in page
    # Its link will not work by the time it arrives: the person asks for a new one instead.
    assert "They can ask for a new reset link from the sign-in page." in page
    assert 'aria-label="Send again to gone@example.test' not in page


def test_sending_again_queues_the_email_and_says_so(web, db_session, login_as):
    login_as(Role.ADMIN)
    email = failed_notice(db_session)
    page = web.client.get(PAGE).get_data(as_text=True)
    assert 'aria-label="Send again to supervisor.gone@example.test' in page

    response = web.post_form(PAGE, {"email_id": email.id}, follow_redirects=True)

    assert "1 email queued to be sent again." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(OutboundEmail, email.id).status == EmailStatus.QUEUED
    assert "Every email has been delivered or is still being tried." in response.get_data(as_text=True)


def test_sending_all_again_queues_every_failed_email_without_a_one_time_link(web, db_session, login_as):
    login_as(Role.ADMIN)
    notices = [failed_notice(db_session), failed_notice(db_session, "also.gone@example.test")]
    reset = failed_reset_email(db_session)

    response = web.post_form(PAGE, {}, follow_redirects=True)

    assert "2 emails queued to be sent again." in response.get_data(as_text=True)
    db_session.expire_all()
    assert {db_session.get(OutboundEmail, email.id).status for email in notices} == {EmailStatus.QUEUED}
    assert db_session.get(OutboundEmail, reset.id).status == EmailStatus.FAILED


def test_only_admins_see_undelivered_email(web, login_as):
    login_as(Role.CASE_MANAGER)
    assert web.client.get(PAGE).status_code == 404


def test_the_admin_sees_what_deactivating_a_case_manager_does_then_does_it(web, db_session, login_as):
    login_as(Role.ADMIN)
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving")
    case = factories.case(db_session)
    items = [
        factories.inbox_item(db_session, case=case, status=SubmissionStatus.IN_REVIEW, assignee=leaving)
        for _ in range(2)
    ]
    db_session.commit()
    confirm = f"/admin/accounts/{leaving.id}/deactivate"
    assert f'href="{confirm}"' in web.client.get("/admin/").get_data(as_text=True)

    page = web.client.get(confirm).get_data(as_text=True)
    assert "Deactivate Lee Leaving?" in page and "The 2 open items assigned to them go back" in page

    response = web.post_form(confirm, {}, follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "Lee Leaving's account is deactivated" in page and "2 open items went back to the unassigned queue" in page
    assert 'aria-label="Reactivate Lee Leaving"' in page
    db_session.expire_all()
    assert not db_session.get(User, leaving.id).active
    assert all(db_session.get(Submission, item.id).assignee_id is None for item in items)

    web.logout()
    web.login(case.employee.email)
    history = web.client.get(f"/employee/submissions/{items[0].id}").get_data(as_text=True)
    assert "It is waiting for another case manager to take it up." in history


def test_an_admin_who_tries_to_deactivate_themselves_is_told_why(web, login_as):
    admin = login_as(Role.ADMIN)
    response = web.post_form(f"/admin/accounts/{admin.id}/deactivate", {})
    assert response.status_code == 422
    assert "You cannot deactivate your own account. Ask another admin." in response.get_data(as_text=True)


def test_the_admin_reactivates_an_account_and_invites_again_from_the_list(web, db_session, login_as):
    login_as(Role.ADMIN)
    back = factories.user(db_session, Role.SUPERVISOR, name="Bo Back", active=False)
    invited = factories.user(
        db_session, Role.EMPLOYEE, name="Ivy Invited", email="ivy@example.test", password_hash=None
    )
    db_session.commit()
    page = web.client.get("/admin/").get_data(as_text=True)
    assert 'aria-label="Send a new invitation to Ivy Invited"' in page
    assert 'aria-label="Send a new invitation to Bo Back"' not in page  # has a password

    reactivated = web.post_form(
        f"/admin/accounts/{back.id}/reactivate", {}, token_from="/admin/", follow_redirects=True
    )
    assert "Bo Back&#39;s account is active again." in reactivated.get_data(as_text=True)
    invited_again = web.post_form(
        f"/admin/accounts/{invited.id}/invitation", {}, token_from="/admin/", follow_redirects=True
    )
    assert "A new invitation was sent to ivy@example.test." in invited_again.get_data(as_text=True)
    assert db_session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == "ivy@example.test")).one()


def test_reactivating_an_active_account_shows_the_reason_on_the_list(web, db_session, login_as):
    login_as(Role.ADMIN)
    active = factories.user(db_session, Role.EMPLOYEE, name="Al Active")
    db_session.commit()
    response = web.post_form(f"/admin/accounts/{active.id}/reactivate", {}, token_from="/admin/")
    assert response.status_code == 422
    assert "Al Active&#39;s account is already active." in response.get_data(as_text=True)


def test_an_account_that_does_not_exist_answers_404(web, login_as):
    login_as(Role.ADMIN)
    assert web.client.get("/admin/accounts/999999/deactivate").status_code == 404


def test_the_admin_finds_someone_and_the_pages_keep_the_search(web, db_session, login_as, app, monkeypatch):
    login_as(Role.ADMIN)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(3):
        factories.user(db_session, Role.EMPLOYEE, name=f"Pat Person{n}")
    factories.user(db_session, Role.EMPLOYEE, name="Someone Else")
    db_session.commit()

    page = html.unescape(web.client.get("/admin/?q=pat").get_data(as_text=True))

    assert "People whose name or email starts with “pat”: 3" in page
    assert "Pat Person0" in page and "Someone Else" not in page
    assert 'href="/admin/?page=2&amp;q=pat"' in web.client.get("/admin/?q=pat").get_data(as_text=True)
    nobody = html.unescape(web.client.get("/admin/?q=zz").get_data(as_text=True))
    assert "Nobody's name or email starts with “zz”." in nobody
