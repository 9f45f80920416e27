"""What the inbox shows beside its list, asked in one statement: the case manager's tasks, their unread messages,
and the FMLA eligibility notices still to give, the soonest five with how many wait in all."""

from datetime import UTC, date, datetime, timedelta

from portal import settings
from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.inbox import queries as inbox
from portal.messages import operations as messaging
from portal.tasks.models import Task
from portal.tasks.operations import TaskCounts
from tests import factories
from tests.queries import counting_queries

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_with_nothing_waiting_it_says_so(db_session):
    me = factories.user(db_session, Role.CASE_MANAGER)
    assert inbox.beside_the_list(db_session, me, NOW, settings.current().deadlines) == inbox.Beside(
        TaskCounts(), 0, 0, ()
    )


def test_tasks_unread_messages_and_the_soonest_notices_come_in_one_statement(db_session):
    me = factories.user(db_session, Role.CASE_MANAGER)
    colleague = factories.user(db_session, Role.CASE_MANAGER)
    waiting = [
        factories.case(db_session, case_manager=me, eligibility_notice_due=TODAY + timedelta(days=days))
        for days in (3, -1, 2, 5, 0, 4)
    ]
    factories.case(db_session, case_manager=me, eligibility_notice_due=TODAY, eligibility_notice_given_on=TODAY)
    factories.case(db_session, case_manager=me, eligibility_notice_due=TODAY, status=CaseStatus.CLOSED)
    for owner, days in ((me, -2), (me, 0), (me, 3), (me, 30), (colleague, -1)):
        case = waiting[0]
        db_session.add(Task(case_id=case.id, owner_id=owner.id, title="Call", due_on=TODAY + timedelta(days=days)))
    db_session.flush()

    with counting_queries() as statements:
        beside = inbox.beside_the_list(db_session, me, NOW, settings.current().deadlines)
    assert len(statements) == 1
    assert beside.task_counts == TaskCounts(overdue=1, today=1, week=1, all=4)
    assert beside.unread_messages == messaging.unread_total(db_session, me)
    assert beside.notices_waiting == 6
    soonest = sorted(waiting, key=lambda case: case.eligibility_notice_due)[:5]
    assert [(notice.id, notice.number) for notice in beside.notices] == [(case.id, case.number) for case in soonest]
    # Each due by the end of its day: the one due yesterday is overdue, today's is due today.
    assert [(notice.due.modifier, notice.due.words) for notice in beside.notices] == [
        ("overdue", "Overdue: was due 24 Nov 2026"),
        ("today", "Due today (25 Nov 2026)"),
        ("", "Due 27 Nov 2026 (2 days left)"),
        ("", "Due 28 Nov 2026 (3 days left)"),
        ("", "Due 29 Nov 2026 (4 days left)"),
    ]
    assert {notice.employee_name for notice in beside.notices} == {case.employee.name for case in soonest}
