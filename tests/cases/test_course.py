"""A case's course: its expected return and that date's history, returns reported and recorded, closing with an
outcome (read only from then on) and reopening."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import course
from portal.cases.models import CaseEvent, CaseEventKind, CaseOutcome, CaseStatus, ReturnDuty
from portal.core.errors import Conflict, InvalidInput
from portal.documents import operations as documents
from portal.items.models import InformationRequest, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import DeadlineSettings
from tests import factories

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def people(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    boss = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=boss.id)
    case = factories.case(
        db_session,
        employee=employee,
        case_manager=manager,
        leave_start=TODAY - timedelta(days=30),
        expected_rtw=TODAY + timedelta(days=10),
        opened_at=NOW - timedelta(days=29),
    )
    db_session.commit()
    return {"manager": manager, "boss": boss, "employee": employee, "case": case}


def events(db_session, case, kind):
    return list(db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)))


def test_each_change_of_the_expected_return_keeps_who_when_from_what_and_why(db_session, people):
    case, manager = people["case"], people["manager"]
    course.change_expected_return(
        db_session, manager, case, TODAY + timedelta(days=24), "New estimate after the visit", NOW
    )
    course.change_expected_return(
        db_session, manager, case, None, "Surgery planned, no date known", NOW + timedelta(hours=1)
    )
    history = course.expected_return_history(db_session, case)
    assert [(change.before, change.after) for change in history] == [
        ((TODAY + timedelta(days=24)).isoformat(), None),
        ((TODAY + timedelta(days=10)).isoformat(), (TODAY + timedelta(days=24)).isoformat()),
    ]
    assert history[1].actor == manager and history[1].reason == "New estimate after the visit"
    assert case.expected_rtw is None


def test_an_expected_return_needs_a_reason_and_a_date_after_the_leave_began(db_session, people):
    case, manager = people["case"], people["manager"]
    with pytest.raises(InvalidInput) as refused:
        course.change_expected_return(db_session, manager, case, TODAY - timedelta(days=40), " ", NOW)
    assert set(refused.value.problems) == {"reason"}
    with pytest.raises(InvalidInput) as refused:
        course.change_expected_return(db_session, manager, case, TODAY - timedelta(days=40), "typo", NOW)
    assert set(refused.value.problems) == {"expected_rtw"}


def test_a_return_the_employee_reports_waits_for_the_case_manager_who_is_emailed_without_detail(db_session, people):
    case, employee, manager = people["case"], people["employee"], people["manager"]
    course.report_return(db_session, employee, case, TODAY, ReturnDuty.MODIFIED_DUTY, NOW)
    assert course.pending_return_report(db_session, case).effective_on == TODAY
    assert case.actual_rtw is None  # only the case manager records it
    email = db_session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == manager.email)).one()
    assert case.number in email.body_text and "/inbox/cases/" in email.body_text
    with pytest.raises(Conflict, match="already reported"):
        course.report_return(db_session, people["boss"], case, TODAY, ReturnDuty.FULL_DUTY, NOW)
    course.record_return(db_session, manager, case, TODAY, ReturnDuty.MODIFIED_DUTY, NOW + timedelta(hours=2))
    assert course.pending_return_report(db_session, case) is None
    assert (case.actual_rtw, case.actual_rtw_duty, case.status) == (
        TODAY,
        ReturnDuty.MODIFIED_DUTY,
        CaseStatus.RETURNED_TO_WORK,
    )


def test_a_return_cannot_be_in_the_future_nor_before_the_leave(db_session, people):
    case, manager = people["case"], people["manager"]
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=31), None):
        with pytest.raises(InvalidInput) as refused:
            course.record_return(db_session, manager, case, day, ReturnDuty.FULL_DUTY, NOW)
        assert set(refused.value.problems) == {"returned_on"}


def test_closing_needs_an_outcome_a_date_and_a_summary_all_said_at_once(db_session, people):
    case, manager = people["case"], people["manager"]
    with pytest.raises(InvalidInput) as refused:
        course.close_case(db_session, manager, case, None, TODAY + timedelta(days=1), "  ", NOW)
    assert set(refused.value.problems) == {"outcome", "closed_on", "summary"}
    assert case.status == CaseStatus.OPEN


def test_a_case_with_an_open_item_does_not_close(db_session, people):
    case, manager = people["case"], people["manager"]
    factories.inbox_item(db_session, case=case, status=SubmissionStatus.NEW)
    with pytest.raises(Conflict, match="1 item is still open"):
        course.close_case(db_session, manager, case, CaseOutcome.RETURNED_FULL_DUTY, TODAY, "Back at work.", NOW)


def test_a_closed_case_is_read_only_for_everyone_until_it_is_reopened(db_session, people):
    case, manager, employee = people["case"], people["manager"], people["employee"]
    documents.request_document(
        db_session, manager, case, "fmla_certification", "", TODAY + timedelta(days=15), DeadlineSettings(), now=NOW
    )
    course.close_case(db_session, manager, case, CaseOutcome.RETURNED_FULL_DUTY, TODAY, "Back at full duty.", NOW)
    assert (case.status, case.outcome, case.closed_on) == (CaseStatus.CLOSED, CaseOutcome.RETURNED_FULL_DUTY, TODAY)
    # What was asked of the employee is asked no more.
    assert db_session.scalars(select(InformationRequest)).one().closed_at is not None
    refusals = [
        lambda: course.report_return(db_session, employee, case, TODAY, ReturnDuty.FULL_DUTY, NOW),
        lambda: course.record_return(db_session, manager, case, TODAY, ReturnDuty.FULL_DUTY, NOW),
        lambda: course.change_expected_return(db_session, manager, case, TODAY, "why", NOW),
        lambda: course.close_case(db_session, manager, case, CaseOutcome.OTHER, TODAY, "again", NOW),
        lambda: documents.request_document(
            db_session, manager, case, "fmla_certification", "", TODAY + timedelta(days=15), DeadlineSettings(), now=NOW
        ),
    ]
    for refused in refusals:
        with pytest.raises(
            Conflict, match=f"Case {case.number} was closed on .*, so nothing new can be asked of or sent to it"
        ):
            refused()
    with pytest.raises(InvalidInput):
        course.reopen_case(db_session, manager, case, " ", NOW)
    course.reopen_case(db_session, manager, case, "The employee is off again with the same injury.", NOW)
    assert (case.status, case.outcome, case.closed_on) == (CaseStatus.OPEN, None, None)
    reopened = events(db_session, case, CaseEventKind.REOPENED)[0]
    assert reopened.before == CaseOutcome.RETURNED_FULL_DUTY and "off again" in reopened.reason
    with pytest.raises(Conflict, match="Only a closed case"):
        course.reopen_case(db_session, manager, case, "twice", NOW)
