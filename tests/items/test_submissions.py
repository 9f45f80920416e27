"""The submission lifecycle at the service level: each transition, each refusal, and the race."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.extensions import db
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import InformationRequest, Submission, SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import DeadlineSettings
from tests import factories

SETTINGS = DeadlineSettings()


@pytest.fixture
def item(db_session):
    case = factories.case(db_session)
    submission = Submission(
        reference=submissions.new_reference("D"),
        kind=SubmissionKind.DOCUMENT,
        case=case,
        submitted_by=case.employee,
        summary="Work status note (1 file)",
    )
    db_session.add(submission)
    db_session.commit()
    return submission


@pytest.fixture
def manager(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


def claimed(db_session, item, manager):
    submissions.claim(db_session, item, manager, item.version)
    return item


def test_claiming_a_new_item_starts_its_review_and_assigns_it(db_session, item, manager):
    submissions.claim(db_session, item, manager, item.version)
    assert item.status == SubmissionStatus.IN_REVIEW and item.assignee == manager
    assert [event.action for event in item.events] == ["claim"]


def test_the_first_time_a_case_manager_takes_an_item_up_is_its_triage_and_stays(db_session, item, manager):
    assert item.triaged_at is None
    submissions.claim(db_session, item, manager, item.version)
    first = item.triaged_at
    assert first is not None
    other = factories.user(db_session, Role.CASE_MANAGER)
    submissions.assign(db_session, item, manager, other, item.version)
    assert item.triaged_at == first  # handed on, not triaged again


def test_an_item_withdrawn_before_anyone_took_it_up_was_never_triaged(db_session, item):
    submissions.withdraw(db_session, item, item.submitted_by, item.version)
    assert item.status == SubmissionStatus.WITHDRAWN and item.triaged_at is None


def test_an_item_claimed_by_someone_else_cannot_be_claimed(db_session, item, manager):
    claimed(db_session, item, manager)
    other = factories.user(db_session, Role.CASE_MANAGER)
    with pytest.raises(Conflict, match="Morgan Manager has already claimed this item"):
        submissions.claim(db_session, item, other, item.version)


def test_acting_on_an_old_version_is_refused_and_says_what_happened(db_session, item, manager):
    seen = item.version
    claimed(db_session, item, manager)
    other = factories.user(db_session, Role.CASE_MANAGER)
    with pytest.raises(Conflict) as refused:
        submissions.assign(db_session, item, other, other, seen)
    assert "Morgan Manager claimed this item at" in str(refused.value)
    assert "assigned to Morgan Manager" in str(refused.value) and "Your change was not made" in str(refused.value)


def test_only_an_active_case_manager_can_be_assigned(db_session, item, manager):
    employee = factories.user(db_session, Role.EMPLOYEE)
    with pytest.raises(InvalidInput, match="active case manager"):
        submissions.assign(db_session, item, manager, employee, item.version)


def test_a_transition_that_does_not_exist_is_refused_clearly(db_session, item, manager):
    with pytest.raises(Conflict, match="This item is new, so it cannot be accepted now"):
        kinds.accept(db_session, item, manager, item.version)
    with pytest.raises(Conflict, match="cannot be asked for more information"):
        kinds.request_information(db_session, item, manager, "Page 2?", None, item.version, SETTINGS)


def test_a_request_for_information_is_due_in_15_days_by_default_and_emails_the_employee(db_session, item, manager):
    claimed(db_session, item, manager)
    asked = utcnow()
    request = kinds.request_information(
        db_session, item, manager, "Please send page 2.", None, item.version, SETTINGS, now=asked
    )
    assert item.status == SubmissionStatus.NEEDS_INFO
    assert request.due_at.date() == asked.date() + timedelta(days=15) and item.due_at == request.due_at
    email = db_session.query(OutboundEmail).one()
    assert email.to_address == item.case.employee.email and "Please send page 2." not in email.body_text


def test_an_incomplete_certification_has_seven_days_to_cure(db_session, item, manager):
    claimed(db_session, item, manager)
    asked = utcnow()
    request = kinds.request_information(
        db_session,
        item,
        manager,
        "Section III is blank.",
        None,
        item.version,
        SETTINGS,
        incomplete_certification=True,
        now=asked,
    )
    assert request.due_at.date() == asked.date() + timedelta(days=7)


def test_a_request_needs_a_message_and_a_date_after_today(db_session, item, manager):
    claimed(db_session, item, manager)
    with pytest.raises(InvalidInput, match="Say what information"):
        kinds.request_information(db_session, item, manager, "  ", None, item.version, SETTINGS)
    with pytest.raises(InvalidInput, match="after today"):
        kinds.request_information(db_session, item, manager, "Page 2", date.today(), item.version, SETTINGS)


def test_accepting_closes_open_requests_and_tells_the_employee(db_session, item, manager):
    claimed(db_session, item, manager)
    kinds.request_information(db_session, item, manager, "Page 2?", None, item.version, SETTINGS)
    item.status = SubmissionStatus.IN_REVIEW  # as if the employee had answered
    db_session.commit()
    kinds.accept(db_session, item, manager, item.version)
    assert item.status == SubmissionStatus.ACCEPTED and item.due_at is None
    assert db_session.query(InformationRequest).one().closed_at is not None
    assert db_session.query(OutboundEmail).filter_by(template="submission_decided").count() == 1


def test_declining_needs_a_reason_that_is_kept_for_the_employee(db_session, item, manager):
    claimed(db_session, item, manager)
    with pytest.raises(InvalidInput, match="Give the reason"):
        kinds.decline(db_session, item, manager, item.version, "")
    kinds.decline(db_session, item, manager, item.version, "The note is not signed.")
    assert item.status == SubmissionStatus.DECLINED and item.events[-1].message == "The note is not signed."


def test_a_decided_item_cannot_be_decided_again(db_session, item, manager):
    claimed(db_session, item, manager)
    kinds.accept(db_session, item, manager, item.version)
    with pytest.raises(Conflict, match="This item is accepted"):
        kinds.decline(db_session, item, manager, item.version, "Changed my mind")


def test_only_the_sender_can_withdraw_and_only_before_review(db_session, item, manager):
    with pytest.raises(Conflict, match="Only the person who sent"):
        submissions.withdraw(db_session, item, manager, item.version)
    submissions.withdraw(db_session, item, item.submitted_by, item.version)
    assert item.status == SubmissionStatus.WITHDRAWN
    with pytest.raises(Conflict):
        submissions.claim(db_session, item, manager, item.version)


def test_two_case_managers_claiming_from_the_same_screen_one_wins(app, item, manager):
    """Two sessions (two connections) load the same version; the second commit loses."""
    other = factories.user(db.session, Role.CASE_MANAGER, name="Other Manager")
    db.session.commit()
    first, second = Session(db.engine), Session(db.engine)
    try:
        mine = first.get(Submission, item.id)
        theirs = second.get(Submission, item.id)
        submissions.claim(first, mine, first.get(type(manager), manager.id), mine.version)
        with pytest.raises(Conflict, match="Morgan Manager"):
            submissions.claim(second, theirs, second.get(type(other), other.id), theirs.version)
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert db.session.get(Submission, item.id).assignee_id == manager.id


@pytest.mark.postgres_only
def test_concurrent_claims_on_postgresql_exactly_one_wins(app, item, manager):
    """Two threads, two connections, released at the same moment: one claim, one conflict."""
    rivals = [manager, factories.user(db.session, Role.CASE_MANAGER)]
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []

    def claim_as(user_id):
        with app.app_context(), Session(db.engine) as session:
            submission = session.get(Submission, item.id)
            user = session.get(type(manager), user_id)
            barrier.wait()
            try:
                submissions.claim(session, submission, user, submission.version)
                outcomes.append("won")
            except Conflict as error:
                outcomes.append(str(error))

    threads = [threading.Thread(target=claim_as, args=(user.id,)) for user in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1, outcomes
    assert "has already claimed" in outcomes[outcomes.index("won") - 1] or "same moment" in "".join(outcomes)
    db.session.expire_all()
    assert db.session.get(Submission, item.id).version == 2


def test_a_request_for_information_is_refused_with_every_problem_at_once(db_session, item, manager):
    claimed(db_session, item, manager)
    with pytest.raises(InvalidInput) as refused:
        kinds.request_information(db_session, item, manager, " ", date.today(), item.version, SETTINGS)
    assert set(refused.value.problems) == {"message", "due_date"}
    assert item.status == SubmissionStatus.IN_REVIEW


@pytest.mark.postgres_only
def test_accept_and_decline_at_the_same_moment_on_postgresql_one_wins_the_other_is_told(app, item, manager):
    """One case manager accepts while another declines: one decision stands, the other hears what happened."""
    claimed(db.session, item, manager)
    other = factories.user(db.session, Role.CASE_MANAGER)
    db.session.add(
        InformationRequest(
            case_id=item.case_id,
            submission=item,
            message="Page 2?",
            due_at=utcnow(),
            requested_by=manager,
            closed_at=None,
        )
    )
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def decide_as(user_id, accepted):
        with app.app_context(), Session(db.engine) as session:
            submission = session.get(Submission, item.id)
            user = session.get(type(manager), user_id)
            barrier.wait()
            try:
                if accepted:
                    kinds.accept(session, submission, user, submission.version)
                else:
                    kinds.decline(session, submission, user, submission.version, "Not signed")
                outcomes.append("won")
            except Conflict as error:
                outcomes.append(str(error))
            except Exception as error:  # what the case manager would have seen as an error page
                outcomes.append(f"failed: {error!r}")

    threads = [
        threading.Thread(target=decide_as, args=(manager.id, True)),
        threading.Thread(target=decide_as, args=(other.id, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1, outcomes
    assert not any(outcome.startswith("failed") for outcome in outcomes), outcomes
