"""Accounts at the service level: sign-in, throttling, sessions, reset and invitation tokens."""

import contextlib
from datetime import timedelta

import pytest

from portal.accounts import operations as accounts
from portal.accounts.models import AccountToken, Role, UserSession
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound, Throttled
from portal.mail.models import OutboundEmail
from portal.settings import AccountSettings
from tests import factories

SETTINGS = AccountSettings()


def test_the_right_password_signs_in_and_a_wrong_one_does_not(db_session):
    user = factories.user(db_session, email="pat@example.test")
    assert accounts.authenticate(db_session, "PAT@example.test ", factories.PASSWORD, "10.0.0.1", SETTINGS) == user
    assert accounts.authenticate(db_session, "pat@example.test", "wrong password", "10.0.0.1", SETTINGS) is None


def test_an_unknown_email_and_a_deactivated_account_get_the_same_answer(db_session):
    factories.user(db_session, email="gone@example.test", active=False)
    assert accounts.authenticate(db_session, "gone@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS) is None
    assert accounts.authenticate(db_session, "nobody@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS) is None


def test_an_invited_account_cannot_sign_in_before_setting_a_password(db_session):
    factories.user(db_session, email="new@example.test", password_hash=None)
    assert accounts.authenticate(db_session, "new@example.test", "", "10.0.0.1", SETTINGS) is None


def test_too_many_failures_for_one_account_from_one_address_throttle_it_there_even_with_the_right_password(db_session):
    factories.user(db_session, email="pat@example.test")
    now = utcnow()
    for _ in range(SETTINGS.max_failures_per_account):
        accounts.authenticate(db_session, "pat@example.test", "guess", "10.0.0.1", SETTINGS, now=now)
    with pytest.raises(Throttled) as refused:
        accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS, now=now)
    assert 0 < refused.value.retry_after <= SETTINGS.throttle_window.total_seconds()
    later = now + SETTINGS.throttle_window + timedelta(seconds=1)
    assert accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS, now=later)


@pytest.mark.security(
    threat="Failed sign-ins from elsewhere lock the owner out",
    control="Throttling counts one account from one address, and one address",
)
def test_someone_guessing_from_elsewhere_cannot_lock_the_owner_out(db_session):
    owner = factories.user(db_session, email="pat@example.test")
    for _ in range(SETTINGS.max_failures_per_account * 3):
        with contextlib.suppress(Throttled):
            accounts.authenticate(db_session, "pat@example.test", "guess", "203.0.113.7", SETTINGS)
    assert accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.2", SETTINGS) == owner


@pytest.mark.security(
    threat="One account guessed at from many addresses",
    control="A far higher ceiling per account from everywhere, cleared by a password reset",
)
def test_guessing_one_account_from_everywhere_meets_a_higher_ceiling_that_a_reset_clears(db_session):
    settings = AccountSettings(max_failures_per_account_anywhere=6)
    owner = factories.user(db_session, email="pat@example.test")
    for n in range(6):
        accounts.authenticate(db_session, "pat@example.test", "guess", f"203.0.113.{n}", settings)
    with pytest.raises(Throttled):
        accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.2", settings)
    accounts.request_password_reset(db_session, "pat@example.test", settings)
    token = factories.token_in_last_email(db_session, "/reset-password/")
    accounts.reset_password(db_session, token, "a new and long enough passphrase")
    assert accounts.authenticate(
        db_session, "pat@example.test", "a new and long enough passphrase", "10.0.0.2", settings
    )
    assert owner.password_hash


def test_too_many_failures_from_one_address_throttle_that_address_across_accounts(db_session):
    settings = AccountSettings(max_failures_per_address=3)
    factories.user(db_session, email="pat@example.test")
    for n in range(3):
        accounts.authenticate(db_session, f"guess{n}@example.test", "guess", "10.0.0.9", settings)
    with pytest.raises(Throttled):
        accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.9", settings)
    assert accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.10", settings)


def test_a_session_lasts_until_it_is_ended(db_session):
    user = factories.user(db_session)
    token = accounts.start_session(db_session, user, "10.0.0.1", "test")
    assert accounts.user_for_session(db_session, token, SETTINGS) == user
    accounts.end_session(db_session, token)
    assert accounts.user_for_session(db_session, token, SETTINGS) is None


def test_a_session_idle_past_the_timeout_ends(db_session):
    user = factories.user(db_session)
    start = utcnow()
    token = accounts.start_session(db_session, user, None, None, now=start)
    assert accounts.user_for_session(db_session, token, SETTINGS, now=start + timedelta(minutes=29)) == user
    # Activity at minute 29 keeps it alive another half hour from then.
    assert accounts.user_for_session(db_session, token, SETTINGS, now=start + timedelta(minutes=58)) == user
    assert accounts.user_for_session(db_session, token, SETTINGS, now=start + timedelta(minutes=89)) is None
    assert db_session.get(UserSession, 1) is None or all(
        record.ended_at for record in db_session.query(UserSession).all()
    )


def test_changing_the_password_ends_every_session(db_session):
    user = factories.user(db_session)
    tokens = [accounts.start_session(db_session, user, None, None) for _ in range(2)]
    accounts.set_password(db_session, user, "a brand new passphrase")
    db_session.commit()
    assert all(accounts.user_for_session(db_session, token, SETTINGS) is None for token in tokens)


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "at least 12"),
        ("pat@example.test", "not be your email"),
        ("password1234", "This is a very common password. This password would be easy to guess"),
        ("123456789012", "Sequences like abc or 6543 are easy to guess"),
        ("qwertyuiopas", "easy to guess: a few unrelated words"),
    ],
)
@pytest.mark.security(
    threat="Common and patterned passwords ('password1234', '123456789012', 'qwertyuiopas')",
    control="zxcvbn refuses guessable passwords, weighing the person's email and name, and says why",
)
def test_weak_new_passwords_are_refused_saying_why(db_session, password, message):
    user = factories.user(db_session, email="pat@example.test", name="Pat Morgan")
    with pytest.raises(InvalidInput, match=message):
        accounts.set_password(db_session, user, password)


def test_a_few_unrelated_words_are_accepted(db_session):
    user = factories.user(db_session, email="pat@example.test", name="Pat Morgan")
    accounts.set_password(db_session, user, "knees and elbows 2026")
    assert accounts.authenticate(db_session, "pat@example.test", "knees and elbows 2026", "10.0.0.1", SETTINGS)


def test_a_reset_link_works_once(db_session):
    user = factories.user(db_session, email="pat@example.test")
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS)
    token = factories.token_in_last_email(db_session, "/reset-password/")
    accounts.reset_password(db_session, token, "another good passphrase")
    assert accounts.authenticate(db_session, "pat@example.test", "another good passphrase", "1.1.1.1", SETTINGS) == user
    with pytest.raises(NotFound):
        accounts.reset_password(db_session, token, "yet another passphrase")


def test_a_reset_link_expires(db_session):
    factories.user(db_session, email="pat@example.test")
    issued = utcnow()
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS, now=issued)
    token = factories.token_in_last_email(db_session, "/reset-password/")
    with pytest.raises(NotFound):
        accounts.reset_password(
            db_session, token, "another good passphrase", now=issued + SETTINGS.reset_lifetime + timedelta(seconds=1)
        )


def test_a_new_reset_link_replaces_the_old_one(db_session):
    factories.user(db_session, email="pat@example.test")
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS)
    first = factories.token_in_last_email(db_session, "/reset-password/")
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS)
    with pytest.raises(NotFound):
        accounts.find_token(db_session, first, "reset")


@pytest.mark.security(
    threat="Password-reset requests flood a person's mailbox",
    control="At most three reset links an hour to one person",
)
def test_asking_for_a_reset_again_and_again_sends_three_links_an_hour(db_session):
    factories.user(db_session, email="pat@example.test")
    start = utcnow()
    for minute in range(30):
        accounts.request_password_reset(db_session, "pat@example.test", SETTINGS, now=start + timedelta(minutes=minute))
    assert db_session.query(OutboundEmail).filter_by(template="password_reset").count() == 3
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS, now=start + timedelta(minutes=61))
    assert db_session.query(OutboundEmail).filter_by(template="password_reset").count() == 4


def test_a_reset_for_an_unknown_email_sends_nothing(db_session):
    accounts.request_password_reset(db_session, "nobody@example.test", SETTINGS)
    assert db_session.query(OutboundEmail).count() == 0


def test_only_the_token_hash_is_stored(db_session):
    factories.user(db_session, email="pat@example.test")
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS)
    token = factories.token_in_last_email(db_session, "/reset-password/")
    assert db_session.query(AccountToken).filter_by(token_hash=token).count() == 0


def test_an_invitation_creates_an_account_that_the_link_activates_once(db_session):
    manager = factories.user(db_session, role=Role.CASE_MANAGER)
    invited = accounts.invite(db_session, manager, "Dr.Lee@Clinic.example", "Dr Lee", Role.CLINICIAN, SETTINGS)
    assert invited.email == "dr.lee@clinic.example" and invited.password_hash is None
    token = factories.token_in_last_email(db_session, "/invitation/")
    accounts.accept_invitation(db_session, token, "a good clinic passphrase")
    assert accounts.authenticate(db_session, "dr.lee@clinic.example", "a good clinic passphrase", "1.1.1.1", SETTINGS)
    with pytest.raises(NotFound):
        accounts.accept_invitation(db_session, token, "another passphrase!")


def test_an_invitation_expires(db_session):
    admin = factories.user(db_session, role=Role.ADMIN)
    sent = utcnow()
    accounts.invite(db_session, admin, "new@example.test", "New", Role.SUPERVISOR, SETTINGS, now=sent)
    token = factories.token_in_last_email(db_session, "/invitation/")
    with pytest.raises(NotFound):
        accounts.accept_invitation(
            db_session, token, "a good passphrase here", now=sent + SETTINGS.invitation_lifetime + timedelta(minutes=1)
        )


def test_a_case_manager_cannot_invite_an_admin_or_another_case_manager(db_session):
    manager = factories.user(db_session, role=Role.CASE_MANAGER)
    for role in (Role.ADMIN, Role.CASE_MANAGER):
        with pytest.raises(InvalidInput, match="cannot invite"):
            accounts.invite(db_session, manager, "x@example.test", "X", role, SETTINGS)


def test_inviting_an_existing_account_is_refused(db_session):
    admin = factories.user(db_session, role=Role.ADMIN)
    factories.user(db_session, email="taken@example.test")
    with pytest.raises(InvalidInput, match="already has an account"):
        accounts.invite(db_session, admin, "taken@example.test", "Taken", Role.EMPLOYEE, SETTINGS)


def test_emails_about_accounts_carry_a_link_and_no_secret_beyond_it(db_session):
    factories.user(db_session, email="pat@example.test")
    accounts.request_password_reset(db_session, "pat@example.test", SETTINGS)
    email = db_session.query(OutboundEmail).one()
    assert email.to_address == "pat@example.test"
    assert "http://portal.test/reset-password/" in email.body_text
    assert "http://portal.test/reset-password/" in email.body_html


def test_changing_the_password_needs_the_current_one_and_ends_every_session(db_session):
    user = factories.user(db_session, email="pat@example.test")
    sessions = [accounts.start_session(db_session, user, None, None) for _ in range(2)]

    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(db_session, user, "not my password", "a brand new passphrase", "10.0.0.1", SETTINGS)
    assert "current_password" in refused.value.problems
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(db_session, user, factories.PASSWORD, "short", "10.0.0.1", SETTINGS)
    assert "password" in refused.value.problems
    assert all(accounts.user_for_session(db_session, token, SETTINGS) == user for token in sessions)

    accounts.change_password(db_session, user, factories.PASSWORD, "a brand new passphrase", "10.0.0.1", SETTINGS)

    assert all(accounts.user_for_session(db_session, token, SETTINGS) is None for token in sessions)
    assert accounts.authenticate(db_session, "pat@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS) is None
    assert accounts.authenticate(db_session, "pat@example.test", "a brand new passphrase", "10.0.0.1", SETTINGS) == user


def test_guessing_the_current_password_is_throttled_like_signing_in(db_session):
    user = factories.user(db_session, email="pat@example.test")
    for _ in range(SETTINGS.max_failures_per_account):
        with pytest.raises(InvalidInput):
            accounts.change_password(db_session, user, "a guess", "a brand new passphrase", "10.0.0.1", SETTINGS)
    with pytest.raises(Throttled):
        accounts.change_password(db_session, user, factories.PASSWORD, "a brand new passphrase", "10.0.0.1", SETTINGS)
