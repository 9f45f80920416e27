"""Two-step sign-in: required for case managers and admins, chosen by anyone else; a code from an
authenticator app (TOTP) or a one-time recovery code."""

import re
from datetime import timedelta

import pyotp
import pytest

from portal.accounts import two_step
from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput
from tests import factories


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_STEP_REQUIRED_ROLES", frozenset({"case_manager", "admin"}))


def secret_on(page: str) -> str:
    return re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page).group(1)


@pytest.mark.security(
    threat="A stolen case manager's or admin's password is enough to reach medical content or accounts",
    control="Case managers and admins sign in in two steps: set up at their first sign-in, then a code each time",
)
def test_a_case_manager_sets_up_two_step_at_first_sign_in_and_then_needs_a_code(required, db_session, web):
    manager = factories.user(db_session, Role.CASE_MANAGER, email="morgan@example.test")
    db_session.commit()
    first = web.login("morgan@example.test")
    assert first.headers["Location"] == "/login/two-step"
    assert web.client.get("/inbox/").status_code == 302  # not signed in yet
    page = web.client.get("/login/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page and "Turn on two-step sign-in" in page
    secret = secret_on(page)
    wrong = web.post_form("/login/two-step", {"code": "000000"}, token_from="/login/two-step")
    assert wrong.status_code == 422 and "That code is not right" in wrong.get_data(as_text=True)
    done = web.post_form("/login/two-step", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    web.session_renewed()
    assert web.client.get("/inbox/").status_code == 200  # signed in now

    web.logout()
    assert web.login("morgan@example.test").headers["Location"] == "/login/code"
    used = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))  # the next code: the last one is spent
    assert web.post_form("/login/code", {"code": used}, token_from="/login/code").status_code == 303
    web.session_renewed()
    web.logout()
    web.login("morgan@example.test")
    replayed = web.post_form("/login/code", {"code": used}, token_from="/login/code")
    assert replayed.status_code == 422  # a code works once
    assert web.post_form("/login/code", {"code": codes[0]}).status_code == 303  # a recovery code, once
    web.session_renewed()
    web.logout()
    web.login("morgan@example.test")
    assert web.post_form("/login/code", {"code": codes[0]}, token_from="/login/code").status_code == 422
    assert two_step.is_enabled(db_session, manager)


def test_the_second_step_must_follow_the_password_within_five_minutes(required, db_session, web, monkeypatch):
    manager = factories.user(db_session, Role.ADMIN, email="ada@example.test")
    secret = two_step.begin(db_session, manager).secret
    two_step.enable(db_session, manager, pyotp.TOTP(secret).now())
    web.login("ada@example.test")
    later = utcnow() + timedelta(minutes=6)
    monkeypatch.setattr("portal.accounts.views.auth.utcnow", lambda: later)
    late = web.client.get("/login/code")
    assert late.status_code == 302 and late.headers["Location"] == "/login"


def test_an_employee_may_choose_two_step_sign_in_and_is_then_asked_for_a_code(db_session, web, login_as):
    employee = login_as(Role.EMPLOYEE)
    page = web.client.get("/account/two-step").get_data(as_text=True)
    web.post_form("/account/two-step", {"code": pyotp.TOTP(secret_on(page)).now()})
    assert two_step.is_enabled(db_session, employee)
    web.logout()
    assert web.login(employee.email).headers["Location"] == "/login/code"


def test_a_code_is_six_digits_from_this_step_or_the_next_to_it(db_session):
    user = factories.user(db_session)
    found = two_step.begin(db_session, user)
    totp, now = pyotp.TOTP(found.secret), utcnow()
    with pytest.raises(InvalidInput):
        two_step.enable(db_session, user, totp.at(now - timedelta(minutes=5)), now=now)
    two_step.enable(db_session, user, totp.at(now - timedelta(seconds=30)), now=now)  # a slow phone clock
    assert two_step.is_enabled(db_session, user)
