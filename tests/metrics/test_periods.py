"""Each case's days lost are kept as periods by every commit that changes what they are counted from."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.metrics import periods
from portal.metrics.models import DaysLostPeriod
from tests import factories


def stored(session, case) -> list[tuple]:
    return [
        (row.state, date.fromordinal(row.first_day), date.fromordinal(row.last_day), row.department)
        for row in session.scalars(select(DaysLostPeriod).where(DaysLostPeriod.case_id == case.id))
    ]


def test_a_commit_that_changes_a_case_rewrites_its_periods(db_session):
    employee = factories.user(db_session, Role.EMPLOYEE, department="Warehouse")
    case = factories.case(db_session, employee, leave_start=date(2026, 3, 2))
    db_session.commit()
    # Away from the day after, to the day the 180-day cap would be reached while it stays open.
    assert stored(db_session, case) == [("away", date(2026, 3, 3), date(2026, 8, 29), "Warehouse")]

    case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, date(2026, 3, 20), "returned_full_duty"
    db_session.commit()
    assert stored(db_session, case) == [("away", date(2026, 3, 3), date(2026, 3, 20), "Warehouse")]


def test_a_change_of_department_moves_the_employees_days(db_session):
    employee = factories.user(db_session, Role.EMPLOYEE, department="Warehouse")
    case = factories.case(db_session, employee, leave_start=date(2026, 3, 2))
    db_session.commit()
    employee.department = "Office"
    db_session.commit()
    assert [department for *_, department in stored(db_session, case)] == ["Office"]


def test_a_report_never_opened_as_a_case_has_no_days_lost(db_session):
    intake = factories.case(db_session, status=CaseStatus.INTAKE, leave_start=date(2026, 3, 2))
    declined = factories.case(db_session, status=CaseStatus.CLOSED, leave_start=date(2026, 3, 2))  # no outcome
    db_session.commit()
    assert stored(db_session, intake) == [] and stored(db_session, declined) == []


def test_a_bulk_load_is_counted_afterwards_by_refreshing_every_case(db_session):
    db_session.info[periods.ENABLED] = False
    try:
        case = factories.case(db_session, leave_start=date(2026, 3, 2))
        db_session.commit()
        assert stored(db_session, case) == []
        assert periods.refresh(db_session) == 1
        db_session.commit()
        assert len(stored(db_session, case)) == 1
    finally:
        db_session.info.pop(periods.ENABLED)
