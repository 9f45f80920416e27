"""The case manager's tasks: their own added to a case, done with a note, put off with a reason; the list by
overdue, today and this week with its counts beside the inbox's; the case's open tasks; nobody else's to see."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.items.deadlines import local_date
from portal.settings import DeadlineSettings
from portal.tasks import operations as tasks
from portal.tasks.models import Task, TaskStatus
from portal.tasks.operations import TaskCounts, Whose, Window
from tests import factories
from tests.queries import counting_queries

TODAY = date(2026, 11, 25)


@pytest.fixture
def manager(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def case(db_session, manager):
    return factories.case(db_session, case_manager=manager)  # flushed: the rules' tasks come with a commit


def own(db_session, case, owner, due_on: date, title: str = "Call the employee") -> Task:
    task = Task(case_id=case.id, owner_id=owner.id, title=title, due_on=due_on, created_by_id=owner.id)
    db_session.add(task)
    db_session.flush()
    return task


# --- operations ---------------------------------------------------------------------------------------------------


def test_a_case_manager_adds_their_own_task_to_a_case(db_session, manager, case):
    task = tasks.add_task(db_session, manager, case, "  Call after the MRI  ", TODAY + timedelta(days=2), TODAY)
    assert (task.title, task.owner_id, task.rule, task.is_open) == ("Call after the MRI", manager.id, None, True)
    with pytest.raises(InvalidInput) as refused:
        tasks.add_task(db_session, manager, case, " ", TODAY - timedelta(days=1), TODAY)
    assert set(refused.value.problems) == {"title", "due_on"}  # all problems at once


def test_a_closed_case_takes_no_new_task(db_session, manager, case):
    case.status = CaseStatus.CLOSED
    case.closed_on = TODAY
    db_session.flush()
    with pytest.raises(Conflict, match="was closed"):
        tasks.add_task(db_session, manager, case, "Call", TODAY, TODAY)


def test_done_with_a_short_note_and_never_twice(db_session, manager, case):
    task = own(db_session, case, manager, TODAY)
    with pytest.raises(InvalidInput, match="what was done"):
        tasks.complete(db_session, manager, task, "   ")
    tasks.complete(db_session, manager, task, "Called; she starts Monday.")
    assert (task.status, task.outcome, task.closed_by_id, task.is_open) == (
        TaskStatus.DONE,
        "Called; she starts Monday.",
        manager.id,
        False,
    )
    with pytest.raises(Conflict, match="done already, by Morgan Manager"):
        tasks.complete(db_session, manager, task, "Again")
    with pytest.raises(Conflict):
        tasks.put_off(db_session, manager, task, TODAY + timedelta(days=3), "Later", TODAY)


def test_put_off_to_a_later_day_with_a_reason_kept_in_its_history(db_session, manager, case):
    task = own(db_session, case, manager, TODAY)
    with pytest.raises(InvalidInput) as refused:
        tasks.put_off(db_session, manager, task, TODAY, "", TODAY)
    assert set(refused.value.problems) == {"due_on", "reason"}
    tasks.put_off(db_session, manager, task, TODAY + timedelta(days=7), "Employee on holiday this week.", TODAY)
    (event,) = tasks.history(db_session, task)
    assert (task.due_on, event.from_due, event.to_due, event.note) == (
        TODAY + timedelta(days=7),
        TODAY,
        TODAY + timedelta(days=7),
        "Employee on holiday this week.",
    )
    with pytest.raises(InvalidInput, match="due that day already"):
        tasks.put_off(db_session, manager, task, TODAY + timedelta(days=7), "Again", TODAY)


def test_a_closed_by_itself_task_says_so_when_someone_tries_to_do_it(db_session, manager, case):
    task = own(db_session, case, manager, TODAY)
    task.status = TaskStatus.CLOSED
    with pytest.raises(Conflict, match="closed by itself"):
        tasks.complete(db_session, manager, task, "Did it")


def test_counts_overdue_today_and_this_week_and_the_list_soonest_first(db_session, manager, case):
    colleague = factories.user(db_session, Role.CASE_MANAGER)
    for days in (-3, -1, 0, 0, 1, 7, 8, 30):
        own(db_session, case, manager, TODAY + timedelta(days=days), title=f"In {days}")
    own(db_session, case, colleague, TODAY - timedelta(days=5), title="Theirs")
    done = own(db_session, case, manager, TODAY - timedelta(days=9), title="Done")
    done.status = TaskStatus.DONE
    db_session.flush()
    counts = tasks.counts(db_session, manager, TODAY)
    assert (counts.overdue, counts.today, counts.week, counts.all) == (2, 2, 2, 8)
    assert tasks.counts(db_session, manager, TODAY, Whose.EVERYONE).overdue == 3
    # Only overdue tasks, and none at all.
    assert tasks.counts(db_session, colleague, TODAY) == TaskCounts(overdue=1, today=0, week=0, all=1)
    assert tasks.counts(db_session, factories.user(db_session, Role.CASE_MANAGER), TODAY) == TaskCounts()
    listed = tasks.page(db_session, manager, TODAY, Whose.MINE, Window.ALL, None).tasks
    assert [task.title for task in listed] == ["In -3", "In -1", "In 0", "In 0", "In 1", "In 7", "In 8", "In 30"]
    assert [t.title for t in tasks.page(db_session, manager, TODAY, Whose.MINE, Window.WEEK, None).tasks] == [
        "In 1",
        "In 7",
    ]


def test_the_list_pages_by_keyset_without_gaps_or_repeats(db_session, manager, case):
    for days in range(12):
        own(db_session, case, manager, TODAY + timedelta(days=days // 3), title=f"Task {days}")
    seen, after = [], None
    while True:
        page = tasks.page(db_session, manager, TODAY, Whose.MINE, Window.ALL, after, per_page=5)
        seen.extend(task.title for task in page.tasks)
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [f"Task {n}" for n in range(12)]
    assert tasks.page(db_session, manager, TODAY, Whose.MINE, Window.ALL, "nonsense.x").tasks[0].title == "Task 0"


# --- screens ------------------------------------------------------------------------------------------------------


@pytest.fixture
def screens(db_session, web_as, manager, case):
    employee = case.employee
    boss = factories.user(db_session, Role.SUPERVISOR)
    admin = factories.user(db_session, Role.ADMIN)
    db_session.commit()
    return {"manager": web_as(manager), "employee": web_as(employee), "boss": web_as(boss), "admin": web_as(admin)}


def program_today() -> date:
    return local_date(utcnow(), DeadlineSettings())


def test_the_task_list_shows_overdue_today_and_this_week_with_counts_beside_the_inbox(
    db_session, screens, manager, case
):
    today = program_today()
    own(db_session, case, manager, today - timedelta(days=2), title="Chase the certification")
    own(db_session, case, manager, today, title="Call Dr. Ortiz's office")
    db_session.commit()
    page = screens["manager"].client.get("/inbox/tasks").get_data(as_text=True)
    assert "My tasks" in page and "Overdue by 2 days" in page and "Due today" in page
    assert "Chase the certification" in page and case.number in page
    assert "Contact the employee" in page  # made by the rules when the case was committed
    inbox = screens["manager"].client.get("/inbox/").get_data(as_text=True)
    assert "1 overdue" in inbox and "1 due today" in inbox and 'id="my-tasks"' in inbox
    overdue = screens["manager"].client.get("/inbox/tasks?window=overdue").get_data(as_text=True)
    assert "Chase the certification" in overdue and "Call Dr. Ortiz" not in overdue
    assert screens["manager"].client.get("/inbox/tasks?window=bogus&whose=bogus&after=zz").status_code == 200


def test_the_task_list_reads_a_fixed_number_of_statements(db_session, screens, manager, case):
    today = program_today()
    own(db_session, case, manager, today)
    db_session.commit()
    with counting_queries() as few:
        screens["manager"].client.get("/inbox/tasks")
    for days in range(20):
        other = factories.case(db_session, case_manager=manager)
        own(db_session, other, manager, today + timedelta(days=days))
    db_session.commit()
    with counting_queries() as many:
        screens["manager"].client.get("/inbox/tasks")
    assert len(many) == len(few)


def test_done_from_the_task_page_with_a_note_and_the_note_is_required(db_session, screens, manager, case):
    task = own(db_session, case, manager, program_today())
    db_session.commit()
    web = screens["manager"]
    page = web.client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "Mark it done" in page and "Put it off" in page and "<dt>Added by</dt><dd>Morgan Manager," in page
    refused = web.post_form(f"/inbox/tasks/{task.id}/done", {"note": "  "}, token_from=f"/inbox/tasks/{task.id}")
    assert refused.status_code == 422 and "Say in a few words what was done." in refused.get_data(as_text=True)
    done = web.post_form(f"/inbox/tasks/{task.id}/done", {"note": "Called her."}, token_from=f"/inbox/tasks/{task.id}")
    assert done.status_code == 303 and done.location.endswith("/inbox/tasks")
    db_session.expire_all()
    assert db_session.get(Task, task.id).status == TaskStatus.DONE
    again = web.client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "Mark it done" not in again and "Called her." in again


def test_put_off_keeps_the_input_and_says_each_problem_by_its_field(db_session, screens, manager, case):
    task = own(db_session, case, manager, program_today())
    db_session.commit()
    web, path = screens["manager"], f"/inbox/tasks/{task.id}"
    refused = web.post_form(
        f"{path}/put-off", {"due_on": "2020-01-01", "reason": "Waiting on the MRI"}, token_from=path
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Put it off to a day after today." in body and "Waiting on the MRI" in body
    garbage = web.post_form(f"{path}/put-off", {"due_on": "next tuesday", "reason": ""}, token_from=path)
    body = garbage.get_data(as_text=True)
    assert garbage.status_code == 422 and "next tuesday" in body and "Say why it is put off." in body
    later = (program_today() + timedelta(days=5)).isoformat()
    moved = web.post_form(f"{path}/put-off", {"due_on": later, "reason": "Waiting on the MRI"}, token_from=path)
    assert moved.status_code == 303
    assert "put off by Morgan Manager" in web.client.get(path).get_data(as_text=True)


def test_adding_a_task_from_the_case_and_the_case_shows_its_open_tasks(db_session, screens, manager, case):
    web = screens["manager"]
    form = web.client.get(f"/inbox/tasks/new?case={case.id}").get_data(as_text=True)
    assert f'value="{case.number}"' in form
    path = "/inbox/tasks/new"
    refused = web.post_form(path, {"case_number": "C-1999-99999", "title": "Call", "due_on": ""})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Give the day it is due" in body and 'value="C-1999-99999"' in body
    unknown = web.post_form(
        path, {"case_number": "C-1999-99999", "title": "Call", "due_on": program_today().isoformat()}
    )
    assert unknown.status_code == 422 and "There is no case C-1999-99999." in unknown.get_data(as_text=True)
    added = web.post_form(
        path,
        {"case_number": case.number.lower(), "title": "Call after the MRI", "due_on": program_today().isoformat()},
    )
    assert added.status_code == 303 and added.location.endswith(f"/inbox/cases/{case.id}#tasks-title")
    page = web.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Open tasks" in page and "Call after the MRI" in page and "Contact the employee" in page


def test_nobody_but_case_managers_sees_or_does_a_task(db_session, screens, manager, case):
    task = own(db_session, case, manager, program_today())
    db_session.commit()
    for who in ("employee", "boss", "admin"):
        web = screens[who]
        for path in ("/inbox/tasks", f"/inbox/tasks/{task.id}", "/inbox/tasks/new"):
            assert web.client.get(path).status_code in (403, 404), (who, path)
        assert web.client.post(f"/inbox/tasks/{task.id}/done", data={"note": "x"}).status_code in (400, 403, 404)
    assert screens["manager"].client.get("/inbox/tasks/999999").status_code == 404
    assert db_session.scalar(select(Task.status).where(Task.id == task.id)) == TaskStatus.OPEN


def test_the_same_done_form_sent_twice_makes_one_change(db_session, screens, manager, case):
    task = own(db_session, case, manager, program_today())
    db_session.commit()
    web, path = screens["manager"], f"/inbox/tasks/{task.id}"
    key = re.search(r'name="once" type="hidden" value="([0-9a-f]{32})"', web.client.get(path).get_data(as_text=True))
    first = web.post_form(f"{path}/done", {"note": "Called", "once": key.group(1)}, token_from=path)
    second = web.post_form(f"{path}/done", {"note": "Called", "once": key.group(1)}, token_from=path)
    assert first.status_code == 303 and second.status_code == 303
    assert len(tasks.history(db_session, task)) == 1
