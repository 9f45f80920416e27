"""Each owner's count of open tasks, kept by triggers on the tasks (portal/tasks/models.py): after every kind of
change to a task, by the portal or by a statement of its own, it equals a count over the tasks themselves, and the
counts beside the inbox read it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from portal.accounts.models import Role
from portal.tasks import operations as tasks
from portal.tasks.models import NO_OWNER, OpenTaskCount, Task, TaskStatus
from portal.tasks.operations import Whose
from tests import factories

TODAY = date(2026, 11, 25)


@pytest.fixture
def me(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def colleague(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Robin Colleague")


@pytest.fixture
def case(db_session, me):
    return factories.case(db_session, case_manager=me)


def task(db_session, case, owner, days: int = -3) -> Task:
    made = Task(case_id=case.id, owner_id=owner.id if owner else None, title="Call", due_on=TODAY + timedelta(days))
    db_session.add(made)
    db_session.flush()
    return made


def assert_kept(session) -> None:
    """The kept counts are the tasks' own, owner by owner, and an owner with none open has no row."""
    session.expire_all()
    counted = session.execute(
        select(func.coalesce(Task.owner_id, NO_OWNER), func.count()).where(Task.is_open).group_by(Task.owner_id)
    ).all()
    assert dict(session.execute(select(OpenTaskCount.owner_key, OpenTaskCount.n)).all()) == dict(counted)


def test_the_counts_follow_tasks_made_done_put_off_reassigned_reopened_and_deleted(db_session, me, colleague, case):
    assert_kept(db_session)
    first, second, third = task(db_session, case, me), task(db_session, case, me, 2), task(db_session, case, None)
    assert_kept(db_session)
    first.status = TaskStatus.DONE
    db_session.flush()
    assert_kept(db_session)
    second.due_on = TODAY + timedelta(days=9)  # put off: still open, still theirs
    second.owner_id = colleague.id
    db_session.flush()
    assert_kept(db_session)
    first.status = TaskStatus.OPEN  # reopened by hand
    third.owner_id = me.id
    db_session.flush()
    assert_kept(db_session)
    db_session.delete(first)
    db_session.flush()
    assert_kept(db_session)
    assert dict(db_session.execute(select(OpenTaskCount.owner_key, OpenTaskCount.n)).all()) == {
        me.id: 1,
        colleague.id: 1,
    }


def test_statements_of_their_own_keep_them_too(db_session, me, colleague, case):
    db_session.execute(
        insert(Task),
        [{"case_id": case.id, "owner_id": owner, "title": "Bulk", "due_on": TODAY} for owner in (me.id, me.id, None)],
    )
    assert_kept(db_session)
    db_session.execute(update(Task).where(Task.owner_id == me.id).values(owner_id=colleague.id))
    assert_kept(db_session)
    db_session.execute(update(Task).where(Task.owner_id.is_(None)).values(status=TaskStatus.CLOSED, is_open=False))
    assert_kept(db_session)
    db_session.execute(delete(Task))
    assert_kept(db_session)
    assert db_session.scalar(select(func.count()).select_from(OpenTaskCount)) == 0


def test_the_counts_beside_the_inbox_read_them(db_session, me, colleague, case):
    for days in (-40, -3, -1, 0, 2, 9):
        task(db_session, case, me, days)
    task(db_session, case, colleague, -2)
    task(db_session, case, None, -5)
    assert tasks.counts(db_session, me, TODAY) == tasks.TaskCounts(overdue=3, today=1, week=1, all=6)
    assert tasks.counts(db_session, me, TODAY, Whose.NOBODY) == tasks.TaskCounts(overdue=1, all=1)
    assert tasks.counts(db_session, me, TODAY, Whose.EVERYONE) == tasks.TaskCounts(overdue=5, today=1, week=1, all=8)
