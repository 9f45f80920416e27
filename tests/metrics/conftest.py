"""A small program whose figures can be worked out by hand (see each test), on Wednesday 17 June 2026 at noon in
Chicago. The period asked for is April to June 2026; June is counted up to today."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from portal.accommodations.models import AccommodationRequest
from portal.accounts.models import Role, User
from portal.cases.models import Case, CaseOutcome, CaseStatus, CaseType
from portal.intake.models import IntakeReport, Need
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.metrics.queries import Filters
from portal.settings import DeadlineSettings
from portal.tasks import hooks as task_hooks
from portal.tasks.models import Task
from tests import factories

NOW = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)  # noon in Chicago
PERIOD = Filters(since=date(2026, 4, 1), until=date(2026, 6, 30))
SETTINGS = DeadlineSettings(timezone="America/Chicago")


def at(day: date, hour: int = 15) -> datetime:
    """A moment on ``day``, 10 in the morning in Chicago unless told otherwise."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Program:
    supervisor: User
    first_manager: User
    second_manager: User
    warehouse_case: Case  # leave, open since 20 April: spans three months
    office_case: Case  # workers' compensation, opened this week, on transitional duty
    closed_leave: Case  # 1 April to 11 May, back three days after the expected date
    closed_accommodation: Case  # 2 May to 1 June, separated


def _item(session, case: Case, submitted: datetime, **values) -> Submission:
    return factories.inbox_item(session, case, submitted_at=submitted, **values)


@pytest.fixture
def program(db_session) -> Program:
    # Tasks come from the rules at the real today; here only the two made below count.
    db_session.info[task_hooks.ENABLED] = False
    supervisor = factories.user(db_session, Role.SUPERVISOR)
    first, second = factories.user(db_session, Role.CASE_MANAGER), factories.user(db_session, Role.CASE_MANAGER)
    warehouse = factories.user(db_session, department="Warehouse", supervisor_id=supervisor.id)
    office = factories.user(db_session, department="Office")
    warehouse_case = factories.case(
        db_session, warehouse, first, opened_at=at(date(2026, 4, 20)), leave_start=date(2026, 4, 20)
    )
    office_case = factories.case(
        db_session,
        office,
        second,
        case_type=CaseType.WORKERS_COMPENSATION,
        status=CaseStatus.TRANSITIONAL_DUTY,
        opened_at=at(date(2026, 6, 16)),
        leave_start=date(2026, 6, 10),
        transitional_duty_start=date(2026, 6, 12),
        transitional_duty_end=date(2026, 7, 12),
    )
    closed_leave = factories.case(
        db_session,
        case_manager=first,
        status=CaseStatus.CLOSED,
        opened_at=at(date(2026, 4, 1)),
        leave_start=date(2026, 4, 1),
        expected_rtw=date(2026, 5, 8),
        actual_rtw=date(2026, 5, 11),
        closed_on=date(2026, 5, 11),
        outcome=CaseOutcome.RETURNED_FULL_DUTY,
    )
    closed_accommodation = factories.case(
        db_session,
        case_manager=second,
        case_type=CaseType.ACCOMMODATION,
        status=CaseStatus.CLOSED,
        opened_at=at(date(2026, 5, 2)),
        closed_on=date(2026, 6, 1),
        outcome=CaseOutcome.SEPARATED,
    )
    # Not cases: a report waiting at intake, and one closed in March, before the period.
    factories.case(db_session, status=CaseStatus.INTAKE, opened_at=at(date(2026, 6, 15)))
    factories.case(
        db_session,
        status=CaseStatus.CLOSED,
        opened_at=at(date(2026, 1, 10)),
        leave_start=date(2026, 1, 10),
        closed_on=date(2026, 3, 15),
        outcome=CaseOutcome.OTHER,
    )

    # Triage: 4 hours, 24 hours, one waiting (and overdue), one withdrawn, one received in March.
    closed = {"status": SubmissionStatus.ACCEPTED, "is_open": False, "due_at": None}
    _item(db_session, warehouse_case, at(date(2026, 6, 1)), triaged_at=at(date(2026, 6, 1), 19), **closed)
    _item(db_session, warehouse_case, at(date(2026, 5, 1)), triaged_at=at(date(2026, 5, 2)), **closed)
    _item(db_session, office_case, at(date(2026, 6, 10)), due_at=at(date(2026, 6, 12)))
    _item(db_session, office_case, at(date(2026, 6, 11)), status=SubmissionStatus.WITHDRAWN, is_open=False)
    _item(db_session, office_case, at(date(2026, 3, 2)), triaged_at=at(date(2026, 3, 9)), **closed)

    # Reports: 2 days after the first day away, the same day, and one ahead of a leave in July.
    for first_day, received in (
        (date(2026, 6, 1), date(2026, 6, 3)),
        (date(2026, 5, 10), date(2026, 5, 10)),
        (date(2026, 7, 1), date(2026, 6, 5)),
    ):
        report = _item(db_session, warehouse_case, at(received), kind=SubmissionKind.INTAKE_REPORT, **closed)
        db_session.add(IntakeReport(submission=report, need=Need.OWN_HEALTH, first_day_away=first_day))

    # Accommodation decisions: in 19 days within the goal, in 24 days past it, and one undecided past its due day.
    for received, due, decided in (
        (date(2026, 5, 1), date(2026, 5, 22), date(2026, 5, 20)),
        (date(2026, 5, 5), date(2026, 5, 26), date(2026, 5, 29)),
        (date(2026, 5, 20), date(2026, 6, 10), None),
    ):
        request = _item(
            db_session,
            closed_accommodation,
            at(received),
            kind=SubmissionKind.ACCOMMODATION_REQUEST,
            **(closed if decided else {"due_at": at(due)}),
        )
        db_session.add(
            AccommodationRequest(
                submission=request,
                difficulty="Lifting",
                tasks_affected="Stocking",
                contact_preference="email",
                decision_due=due,
                decided_at=at(decided) if decided else None,
            )
        )

    # Tasks: one overdue, one due next week.
    for due_on in (date(2026, 6, 10), date(2026, 6, 24)):
        db_session.add(Task(case=warehouse_case, title="Call the employee", due_on=due_on))
    db_session.commit()  # the commit writes each case's days lost as periods
    return Program(supervisor, first, second, warehouse_case, office_case, closed_leave, closed_accommodation)
