"""The caseload's rules: which cases it holds, how it counts them, and each case's next deadline."""

from datetime import timedelta

from portal.accounts.models import Role
from portal.cases import caseload
from portal.cases.caseload import CaseloadView
from portal.cases.models import CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.items.models import SubmissionStatus
from tests import factories


def test_it_holds_the_cases_being_worked_counted_by_status(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    for status in (
        CaseStatus.OPEN,
        CaseStatus.OPEN,
        CaseStatus.TRANSITIONAL_DUTY,
        CaseStatus.CLOSED,
        CaseStatus.INTAKE,
    ):
        factories.case(db_session, case_manager=manager, status=status)
    factories.case(db_session, status=CaseStatus.OPEN)  # someone else's
    now = utcnow()
    found = caseload.page(db_session, manager, CaseloadView(), now, now.date(), per_page=25)
    assert len(found.rows) == 3
    assert found.counts == {"open": 2, "transitional_duty": 1, "returned_to_work": 0}
    only_duty = caseload.page(db_session, manager, CaseloadView(status="transitional_duty"), now, now.date(), 25)
    assert len(only_duty.rows) == 1 and only_duty.counts == found.counts  # the counts ignore the status chosen
    everyone = caseload.page(db_session, manager, CaseloadView(manager="all"), now, now.date(), 25)
    assert len(everyone.rows) == 4


def test_no_contact_for_n_days_counts_from_the_opening_when_there_was_none(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    now = utcnow()
    quiet = factories.case(db_session, case_manager=manager, opened_at=now - timedelta(days=40))
    called = factories.case(
        db_session, case_manager=manager, opened_at=now - timedelta(days=40), last_contact_at=now - timedelta(days=3)
    )
    new = factories.case(db_session, case_manager=manager, opened_at=now - timedelta(days=2))  # too new to be quiet
    found = caseload.page(db_session, manager, CaseloadView(quiet_days=14), now, now.date(), 25)
    assert [row.case for row in found.rows] == [quiet]
    by_contact = caseload.page(db_session, manager, CaseloadView(sort="contact"), now, now.date(), 25)
    assert [row.case for row in by_contact.rows] == [quiet, called, new]  # longest without contact first


def test_the_next_deadline_is_the_soonest_of_its_open_items_and_requests(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    case = factories.case(db_session, case_manager=manager, case_type=CaseType.WORKERS_COMPENSATION)
    factories.inbox_item(db_session, case=case, due_in=timedelta(days=5))
    soonest = factories.inbox_item(db_session, case=case, due_in=timedelta(days=2))
    factories.inbox_item(db_session, case=case, status=SubmissionStatus.ACCEPTED, due_in=timedelta(days=1))
    deadlines = caseload.next_deadlines(db_session, [case.id])
    assert deadlines[case.id] == soonest.due_at
