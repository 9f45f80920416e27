"""Signing in and out through the web: sessions, throttling, links, redirects and CSRF."""

import re
from datetime import timedelta

import pytest
from flask import has_request_context

from portal import create_app
from portal.accounts import operations as accounts
from portal.accounts.models import Role, UserSession
from portal.extensions import db
from portal.mail.models import OutboundEmail
from tests import factories

HOMES = {
    Role.EMPLOYEE: "/employee/",
    Role.CLINICIAN: "/clinician/",
    Role.SUPERVISOR: "/supervisor/",
    Role.CASE_MANAGER: "/inbox/",
    Role.ADMIN: "/admin/",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_home(web, db_session, role):
    user = factories.user(db_session, role=role)
    db_session.commit()
    response = web.login(user.email)
    assert response.status_code == 303
    assert response.headers["Location"] == HOMES[role]
    home = web.client.get(HOMES[role])
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)


def test_the_sign_in_page_has_the_stable_names_automation_relies_on(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<label class="field__label" for="email">Email</label>' in page
    assert '<label class="field__label" for="password">Password</label>' in page
    assert 'name="email"' in page and 'autocomplete="username"' in page
    assert 'name="password"' in page and 'autocomplete="current-password"' in page


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(web, db_session):
    factories.user(db_session, email="pat@example.test")
    db_session.commit()
    wrong = web.login("pat@example.test", "not the password")
    unknown = web.login("nobody@example.test", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    message = "The email or password is not right"
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    # The email typed is kept; the password is not sent back.
    assert 'value="pat@example.test"' in wrong.get_data(as_text=True)
    assert "not the password" not in wrong.get_data(as_text=True)


def test_an_empty_form_shows_each_error_next_to_its_field(web):
    response = web.post_form("/login", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#email"' in page and 'id="email-error"' in page and 'aria-describedby="email-error"' in page
    assert 'href="#password"' in page and "Enter your password." in page


def test_signing_in_is_throttled_after_repeated_failures(web, db_session):
    factories.user(db_session, email="pat@example.test")
    db_session.commit()
    for _ in range(5):
        assert web.login("pat@example.test", "guess").status_code == 422
    throttled = web.login("pat@example.test")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in throttled.get_data(as_text=True)
    assert 'href="/forgot-password">Reset your password</a>' in throttled.get_data(as_text=True)


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, web, login_as):
    login_as(Role.EMPLOYEE)
    copied = web.client.get_cookie("portal_session").value
    assert web.logout().status_code == 303
    replay = app.test_client()
    replay.set_cookie("portal_session", copied)
    response = replay.get("/employee/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_session_cookie_is_http_only_and_same_site_lax(web, login_as):
    login_as(Role.EMPLOYEE)
    cookie = web.client.get_cookie("portal_session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.security(
    threat="A taken-over session kept alive for ever",
    control="Sessions end 12 hours after signing in, however busy",
)
def test_a_busy_session_still_ends_once_its_lifetime_is_over(web, db_session, login_as):
    login_as(Role.EMPLOYEE)
    record = db_session.query(UserSession).one()
    record.created_at = record.created_at - timedelta(hours=12, minutes=1)  # signed in yesterday, busy since
    db_session.commit()
    response = web.client.get("/employee/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.security(
    threat="The session cookie set or overwritten from a sibling subdomain or over plain HTTP",
    control="A __Host- cookie, Secure, and HSTS over HTTPS",
)
def test_over_https_the_cookie_is_host_only_and_browsers_are_told_to_keep_to_https(monkeypatch, database_url):
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.org")
    secure = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    client = secure.test_client()
    page = client.get("/login")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": "nobody@example.test", "password": "x"})
    cookie = client.get_cookie("__Host-portal_session", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.path == "/" and not cookie.domain.startswith(".")
    with secure.app_context():
        db.engine.dispose()


def test_over_plain_http_no_transport_security_is_promised(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_a_session_idle_for_longer_than_the_timeout_ends(web, db_session, login_as):
    login_as(Role.EMPLOYEE)
    record = db_session.query(UserSession).one()
    record.last_seen_at = record.last_seen_at - timedelta(minutes=31)
    db_session.commit()
    response = web.client.get("/employee/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil.example"],
)
def test_next_never_leaves_the_site(web, db_session, target):
    user = factories.user(db_session)
    db_session.commit()
    response = web.post_form(
        f"/login?next={target}", {"email": user.email, "password": factories.PASSWORD}, token_from="/login"
    )
    assert response.headers["Location"] == "/employee/"


def test_next_within_the_site_is_followed(web, db_session):
    user = factories.user(db_session)
    db_session.commit()
    response = web.post_form(
        "/login?next=/employee/?tab=history", {"email": user.email, "password": factories.PASSWORD}, token_from="/login"
    )
    assert response.headers["Location"] == "/employee/?tab=history"


def test_a_page_of_another_audience_answers_404(web, login_as):
    login_as(Role.EMPLOYEE)
    for path in ("/inbox/", "/admin/", "/supervisor/", "/clinician/", "/invite"):
        assert web.client.get(path).status_code == 404, path


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Finbox%2F"


def test_a_post_without_a_csrf_token_is_refused(client, db_session):
    user = factories.user(db_session)
    db_session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_an_htmx_post_needs_the_token_in_its_header(web, login_as):
    login_as(Role.EMPLOYEE)
    refused = web.client.post("/logout", headers={"HX-Request": "true"})
    assert refused.status_code == 400
    token = web.csrf_token("/employee/")
    accepted = web.client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 303


@pytest.mark.security(
    threat="The forgotten-password form answers an existing address in about twice the time",
    control="The answer is sent before the address is looked up; the link is queued once it has gone",
)
def test_forgot_password_answers_before_it_looks_the_address_up(web, db_session, monkeypatch):
    factories.user(db_session, email="pat@example.test")
    db_session.commit()
    looked_up_during_the_request = []
    real = accounts.request_password_reset

    def spy(*args, **kwargs):
        looked_up_during_the_request.append(has_request_context())
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts, "request_password_reset", spy)
    for sent, address in enumerate(("pat@example.test", "nobody@example.test")):
        with web.post_form("/forgot-password", {"email": address}) as answer:
            assert answer.status_code == 303 and len(looked_up_during_the_request) == sent  # not looked up yet
    assert looked_up_during_the_request == [False, False]  # after each answer, never while it waited
    db_session.expire_all()
    assert [email.to_address for email in db_session.query(OutboundEmail)] == ["pat@example.test"]


def test_forgot_password_says_the_same_for_known_and_unknown_emails(web, db_session, smtp_server):
    factories.user(db_session, email="pat@example.test")
    db_session.commit()
    known = web.post_form("/forgot-password", {"email": "pat@example.test"}, follow_redirects=True)
    unknown = web.post_form("/forgot-password", {"email": "nobody@example.test"}, follow_redirects=True)
    assert known.get_data(as_text=True).count("If that email has an account") == 1
    assert unknown.get_data(as_text=True).count("If that email has an account") == 1
    assert db_session.query(OutboundEmail).count() == 1


def _link_path(db_session, marker: str) -> str:
    body = db_session.query(OutboundEmail).order_by(OutboundEmail.id.desc()).first().body_text
    return marker + body.split(marker, 1)[1].split()[0]


def test_the_reset_link_sets_a_new_password_once(web, db_session):
    factories.user(db_session, email="pat@example.test")
    db_session.commit()
    web.post_form("/forgot-password", {"email": "pat@example.test"}).close()  # the answer has gone
    link = _link_path(db_session, "/reset-password/")
    mismatch = web.post_form(link, {"password": "a new passphrase", "confirm": "something else"})
    assert mismatch.status_code == 422 and "The two passwords do not match." in mismatch.get_data(as_text=True)
    done = web.post_form(link, {"password": "a new passphrase", "confirm": "a new passphrase"})
    assert done.status_code == 303
    assert web.login("pat@example.test", "a new passphrase").status_code == 303
    used = web.client.get(link)
    assert used.status_code == 404 and "This link no longer works" in used.get_data(as_text=True)


def test_an_admin_invites_someone_who_sets_up_their_account(web, db_session, login_as):
    login_as(Role.ADMIN)
    sent = web.post_form("/invite", {"name": "Robin Report", "email": "robin@example.test", "role": "supervisor"})
    assert sent.status_code == 303
    link = _link_path(db_session, "/invitation/")
    web.logout()
    page = web.client.get(link).get_data(as_text=True)
    assert "Welcome, Robin Report" in page
    assert web.post_form(link, {"password": "robin's passphrase", "confirm": "robin's passphrase"}).status_code == 303
    assert web.login("robin@example.test", "robin's passphrase").headers["Location"] == "/supervisor/"


def test_an_invitation_form_with_errors_keeps_what_was_typed(web, login_as):
    login_as(Role.CASE_MANAGER)
    response = web.post_form("/invite", {"name": "Robin Report", "email": "not an email", "role": "employee"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Robin Report"' in page and "Enter an email address like" in page
    assert '<option selected value="employee">' in page
    # A case manager is not offered roles they may not invite.
    assert 'value="admin"' not in page


def test_a_signed_in_person_changes_their_password_and_stays_signed_in_on_this_device_only(web, web_as, db_session):
    user = factories.user(db_session, Role.SUPERVISOR, email="sam@example.test")
    db_session.commit()
    assert web.login("sam@example.test").status_code == 303
    elsewhere = web_as(user)
    assert 'href="/account/password"' in web.client.get("/supervisor/").get_data(as_text=True)

    wrong = web.post_form(
        "/account/password",
        {"current_password": "not it", "password": "a new passphrase", "confirm": "a new passphrase"},
    )
    assert wrong.status_code == 422 and "Your current password is not right." in wrong.get_data(as_text=True)
    assert 'aria-describedby="current_password-error' in wrong.get_data(as_text=True)

    done = web.post_form(
        "/account/password",
        {"current_password": factories.PASSWORD, "password": "a new passphrase", "confirm": "a new passphrase"},
        follow_redirects=True,
    )

    assert "Your password has been changed." in done.get_data(as_text=True)
    assert web.client.get("/supervisor/").status_code == 200  # still signed in here
    assert elsewhere.client.get("/supervisor/").status_code == 302  # signed out on the other device
    web.logout()
    assert web.login("sam@example.test", "a new passphrase").status_code == 303


def test_changing_the_password_needs_a_signed_in_person(client):
    assert client.get("/account/password").status_code == 302
