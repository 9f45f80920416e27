"""Admins change the roster: deactivate and reactivate accounts, and invite again."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts import operations as accounts
from portal.accounts import roster
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent
from portal.cases import operations as cases
from portal.cases.models import Case
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.items import lifecycle as submissions
from portal.items.models import Submission, SubmissionEvent
from portal.items.models import SubmissionStatus as S
from portal.mail import delivery as mailer
from portal.mail.models import EmailStatus, OutboundEmail
from portal.settings import AccountSettings
from tests import factories

SETTINGS = AccountSettings()


@pytest.fixture
def admin(db_session):
    return factories.user(db_session, Role.ADMIN, name="Ada Admin")


def test_deactivating_a_case_manager_signs_them_out_and_returns_their_open_items_to_the_queue(db_session, admin):
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving", email="lee@example.test")
    colleague = factories.user(db_session, Role.CASE_MANAGER)
    held = [factories.inbox_item(db_session, status=status, assignee=leaving) for status in (S.IN_REVIEW, S.NEEDS_INFO)]
    decided = factories.inbox_item(db_session, status=S.ACCEPTED, assignee=leaving)
    colleagues = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=colleague)
    session_token = accounts.start_session(db_session, leaving, None, None)
    accounts.request_password_reset(db_session, "lee@example.test", SETTINGS)
    reset_token = factories.token_in_last_email(db_session, "/reset-password/")
    assert roster.items_held(db_session, leaving) == 2

    assert roster.deactivate(db_session, admin, leaving) == 2

    assert accounts.user_for_session(db_session, session_token, SETTINGS) is None
    with pytest.raises(NotFound):
        accounts.find_token(db_session, reset_token, "reset")
    assert accounts.authenticate(db_session, "lee@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS) is None
    assert [(item.assignee_id, item.status) for item in held] == [(None, S.IN_REVIEW), (None, S.NEEDS_INFO)]
    assert decided.assignee_id == leaving.id and colleagues.assignee_id == colleague.id  # history and others untouched
    releases = db_session.scalars(select(SubmissionEvent).where(SubmissionEvent.action == "release")).all()
    assert sorted(event.submission_id for event in releases) == sorted(item.id for item in held)
    assert all(event.actor_id == admin.id for event in releases)
    assert (
        db_session.scalar(select(AuditEvent).where(AuditEvent.action == "account_deactivated")).object_id == leaving.id
    )


def test_an_admin_cannot_deactivate_themselves_nor_an_account_twice(db_session, admin):
    with pytest.raises(InvalidInput, match="your own account"):
        roster.deactivate(db_session, admin, admin)
    gone = factories.user(db_session, Role.EMPLOYEE, active=False)
    with pytest.raises(InvalidInput, match="already deactivated"):
        roster.deactivate(db_session, admin, gone)
    assert admin.active


def test_a_reactivated_account_signs_in_again_with_its_password(db_session, admin):
    back = factories.user(db_session, Role.SUPERVISOR, email="back@example.test")
    roster.deactivate(db_session, admin, back)

    roster.reactivate(db_session, admin, back)

    assert accounts.authenticate(db_session, "back@example.test", factories.PASSWORD, "10.0.0.1", SETTINGS) == back
    with pytest.raises(InvalidInput, match="already active"):
        roster.reactivate(db_session, admin, back)


def test_inviting_again_sends_a_new_link_and_the_old_one_stops_working(db_session, admin):
    invited = accounts.invite(db_session, admin, "new@example.test", "New Person", Role.EMPLOYEE, SETTINGS)
    first = factories.token_in_last_email(db_session, "/invitation/")

    roster.invite_again(db_session, admin, invited, SETTINGS)

    second = factories.token_in_last_email(db_session, "/invitation/")
    assert second != first
    with pytest.raises(NotFound):
        accounts.find_token(db_session, first, "invitation")
    assert accounts.accept_invitation(db_session, second, "a long enough passphrase") == invited
    with pytest.raises(InvalidInput, match="already set up"):
        roster.invite_again(db_session, admin, invited, SETTINGS)


def test_a_deactivated_account_is_not_invited_again_until_reactivated(db_session, admin):
    invited = accounts.invite(db_session, admin, "new@example.test", "New Person", Role.EMPLOYEE, SETTINGS)
    roster.deactivate(db_session, admin, invited)
    with pytest.raises(InvalidInput, match="Reactivate it first"):
        roster.invite_again(db_session, admin, invited, SETTINGS)


def test_a_colleague_acting_on_an_item_at_the_same_moment_leaves_the_account_as_it_was(db_session, admin, monkeypatch):
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving")
    item = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=leaving)
    db_session.commit()
    held_by = submissions.held_by

    def held_then_changed_elsewhere(session, case_manager):
        held = held_by(session, case_manager)
        # A colleague's claim between our read and our write, as the row sees it (SQLite would
        # not let a second connection write while this transaction holds its lock).
        session.execute(
            update(Submission).where(Submission.id == item.id).values(version=Submission.version + 1),
            execution_options={"synchronize_session": False},
        )
        return held

    monkeypatch.setattr(submissions, "held_by", held_then_changed_elsewhere)
    with pytest.raises(Conflict, match="Lee Leaving's items changed"):
        roster.deactivate(db_session, admin, leaving)

    db_session.expire_all()
    assert db_session.get(User, leaving.id).active


def test_a_new_invitation_takes_the_undelivered_one_off_the_list(db_session, admin, app):
    invited = accounts.invite(db_session, admin, "new@example.test", "New Person", Role.EMPLOYEE, SETTINGS)
    first = db_session.scalars(select(OutboundEmail)).one()
    first.status = EmailStatus.FAILED  # the mailbox did not exist yet
    db_session.commit()
    assert mailer.undelivered_count(db_session) == 1

    roster.invite_again(db_session, admin, invited, SETTINGS)

    assert first.status == EmailStatus.REPLACED
    assert mailer.undelivered_count(db_session) == 0


def test_a_case_whose_manager_was_deactivated_has_none_until_a_colleague_takes_it(db_session, admin, app):
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving")
    colleague = factories.user(db_session, Role.CASE_MANAGER, name="Cam Colleague")
    case = factories.case(db_session, case_manager=leaving)
    assert submissions.case_manager_addresses(db_session, case) == [leaving.email]
    roster.deactivate(db_session, admin, leaving)

    assert case.active_case_manager is None
    assert set(submissions.case_manager_addresses(db_session, case)) == {colleague.email}  # every active one

    cases.take_case(db_session, case, colleague)

    assert case.active_case_manager == colleague
    assert submissions.case_manager_addresses(db_session, case) == [colleague.email]
    with pytest.raises(Conflict, match="Cam Colleague is already this case's case manager."):
        cases.take_case(db_session, case, factories.user(db_session, Role.CASE_MANAGER))


def test_the_accounts_list_finds_people_by_the_start_of_their_name_words_or_email(db_session, admin):
    jordan = factories.user(db_session, Role.EMPLOYEE, name="Jordan Smith", email="j.smith@example.test")
    factories.user(db_session, Role.EMPLOYEE, name="Jo Brown", email="brown@example.test")
    factories.user(db_session, Role.SUPERVISOR, name="Sam Smithers", email="sam@example.test")

    def found(term):
        return [user.name for user, *_states in roster.accounts_page(db_session, 1, 20, term).items]

    assert found("jo smi") == ["Jordan Smith"]  # every word must start a word of the name
    assert found("smith") == ["Jordan Smith", "Sam Smithers"]
    assert found("J.SMITH@") == ["Jordan Smith"]  # the start of the email, whatever the case
    assert found("ith") == []  # not the middle of a word
    assert found("  ") == ["Ada Admin", "Jo Brown", "Jordan Smith", "Sam Smithers"]
    assert jordan.name in found("Jordan")


def test_a_search_for_an_email_takes_its_characters_literally(db_session, admin):
    factories.user(db_session, Role.EMPLOYEE, name="Quinn Q", email="q_1@example.test")
    factories.user(db_session, Role.EMPLOYEE, name="Rory R", email="qx1@example.test")

    assert [user.name for user, *_ in roster.accounts_page(db_session, 1, 20, "q_1").items] == ["Quinn Q"]


def test_of_two_case_managers_taking_a_case_at_once_one_gets_it(db_session, admin):
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving")
    first = factories.user(db_session, Role.CASE_MANAGER, name="Fran First")
    second = factories.user(db_session, Role.CASE_MANAGER, name="Sid Second")
    case = factories.case(db_session, case_manager=leaving)
    roster.deactivate(db_session, admin, leaving)
    # The first one's press lands, committed, after the second one's case was read.
    db_session.execute(update(Case).where(Case.id == case.id).values(case_manager_id=first.id))
    db_session.commit()
    set_committed_value(case, "case_manager_id", leaving.id)
    set_committed_value(case, "case_manager", leaving)
    assert case.active_case_manager is None  # what the second one's request saw

    with pytest.raises(Conflict, match="Fran First is already this case's case manager."):
        cases.take_case(db_session, case, second)
