"""A case manager's tasks: the list and its counts, adding one's own, doing one, putting one off."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.cases.models import Case
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.pagination import day_cursor, parse_day_cursor
from portal.tasks.models import NO_OWNER, OpenTaskCount, Task, TaskAction, TaskEvent, TaskStatus
from portal.tasks.rules import Rule, TaskRules

# "This week": the seven days after today.
WEEK = timedelta(days=7)


class Window(StrEnum):
    """Which open tasks the list shows, by when they are due."""

    ALL = "all"
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"

    @property
    def label(self) -> str:
        return {"all": "All open", "overdue": "Overdue", "today": "Due today", "week": "This week"}[self.value]


class Whose(StrEnum):
    MINE = "mine"
    EVERYONE = "everyone"
    NOBODY = "nobody"

    @property
    def label(self) -> str:
        return {"mine": "Mine", "everyone": "Everyone's", "nobody": "Cases with no case manager"}[self.value]


@dataclass(frozen=True)
class TaskCounts:
    overdue: int = 0
    today: int = 0
    week: int = 0
    all: int = 0

    def of(self, window: Window) -> int:
        return getattr(self, window.value)


def _whose(whose: Whose, reader: User) -> tuple:
    if whose == Whose.MINE:
        return (Task.owner_id == reader.id,)
    if whose == Whose.NOBODY:
        return (Task.owner_id.is_(None),)
    return ()  # everyone's: the open tasks' own index


def _window(window: Window, today: date):
    return {
        Window.ALL: Task.due_on.is_not(None),
        Window.OVERDUE: Task.due_on < today,
        Window.TODAY: Task.due_on == today,
        Window.WEEK: Task.due_on.between(today + timedelta(days=1), today + WEEK),
    }[window]


def counts(session, reader: User, today: date, whose: Whose = Whose.MINE) -> TaskCounts:
    return TaskCounts(*session.execute(counts_query(reader, today, whose)).one())


def counts_query(reader: User, today: date, whose: Whose = Whose.MINE) -> Select:
    """``counts``' statement (one row: overdue, today, week, all), for a screen that asks it with other things.

    All the open tasks are a kept count (``OpenTaskCount``), and only those due from today on are looked at one by
    one; the overdue are the rest. (A case manager can have thousands of open tasks, most of them overdue: counting
    them grew with every one.)"""
    chosen = (*_whose(whose, reader), Task.is_open)
    kept = select(func.coalesce(func.sum(OpenTaskCount.n), 0)).where(*_whose_count(whose, reader))

    def day(value: date):
        # Written into the statement, not bound: PostgreSQL's plan kept for it then knows how few tasks fall due
        # from today on, rather than planning it on every page.
        return bindparam(None, value, type_=Task.due_on.type, literal_execute=True)

    counted = (
        select(
            kept.scalar_subquery().label("all"),
            func.count().label("upcoming"),
            func.count(when((Task.due_on == day(today), 1))).label("today"),
            func.count(when((Task.due_on.between(day(today + timedelta(days=1)), day(today + WEEK)), 1))).label("week"),
        )
        .where(*chosen, Task.due_on >= day(today))
        .subquery()
    )
    return select((counted.c.all - counted.c.upcoming).label("overdue"), counted.c.today, counted.c.week, counted.c.all)


def _whose_count(whose: Whose, reader: User) -> tuple:
    if whose == Whose.MINE:
        return (OpenTaskCount.owner_key == reader.id,)
    if whose == Whose.NOBODY:
        return (OpenTaskCount.owner_key == NO_OWNER,)
    return ()


@dataclass(frozen=True)
class TaskPage:
    tasks: list[Task]
    next_after: str | None


def page(
    session, reader: User, today: date, whose: Whose, window: Window, after: str | None, per_page: int = 25
) -> TaskPage:
    """Open tasks soonest due first, by keyset on (due date, id)."""
    query = (
        select(Task)
        .where(*_whose(whose, reader), Task.is_open, _window(window, today))
        .options(joinedload(Task.case).joinedload(Case.employee), joinedload(Task.owner))
        .order_by(Task.due_on, Task.id)
        .limit(per_page + 1)
    )
    cursor = parse_day_cursor(after)
    if cursor is not None:
        query = query.where((Task.due_on > cursor[0]) | ((Task.due_on == cursor[0]) & (Task.id > cursor[1])))
    rows = list(session.scalars(query).unique())
    more = len(rows) > per_page
    rows = rows[:per_page]
    return TaskPage(rows, day_cursor(rows[-1].due_on, rows[-1].id) if more and rows else None)


def open_on_case(session, case: Case) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .where(Task.case_id == case.id, Task.is_open)
            .options(joinedload(Task.owner))
            .order_by(Task.due_on, Task.id)
        )
    )


def task_on(session, task_id: int) -> Task:
    task = session.scalar(
        select(Task)
        .where(Task.id == task_id)
        .options(joinedload(Task.case).joinedload(Case.employee), joinedload(Task.owner))
    )
    if task is None:
        raise NotFound()
    return task


def history(session, task: Task) -> list[TaskEvent]:
    return list(
        session.scalars(
            select(TaskEvent)
            .where(TaskEvent.task_id == task.id)
            .options(joinedload(TaskEvent.actor))
            .order_by(TaskEvent.id)
        )
    )


def rule_of(rules: TaskRules, task: Task) -> Rule | None:
    """The rule a task came from, as the rules file reads now; None for a case manager's own task."""
    if task.rule is None or task.rule not in {rule.key.value for rule in rules.rules.values()}:
        return None
    return rules[task.rule]


def add_task(
    session, actor: User, case: Case, title: str, due_on: date, today: date, now: datetime | None = None
) -> Task:
    """A case manager's own task on a case, theirs to do."""
    ensure_open(case)
    title = title.strip()
    problems = {}
    if not title:
        problems["title"] = "Say what is to be done."
    if due_on < today:
        problems["due_on"] = "A task cannot be due before today."
    if problems:
        raise InvalidInput(problems=problems)
    task = Task(
        case=case, owner_id=actor.id, title=title, due_on=due_on, created_by_id=actor.id, created_at=now or utcnow()
    )
    session.add(task)
    session.commit()
    return task


def _still_open(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        raise Conflict(f"This task was done already, by {task.closed_by.name if task.closed_by else 'someone'}.")
    if task.status == TaskStatus.CLOSED:
        raise Conflict("This task closed by itself: what it waited for has happened.")


def complete(session, actor: User, task: Task, note: str, now: datetime | None = None) -> None:
    _still_open(task)
    note = note.strip()
    if not note:
        raise InvalidInput("Say in a few words what was done.", field="note")
    now = now or utcnow()
    task.status = TaskStatus.DONE
    task.closed_at = now
    task.closed_by_id = actor.id
    task.outcome = note
    session.add(TaskEvent(task=task, actor_id=actor.id, at=now, action=TaskAction.DONE, note=note))
    session.commit()


def put_off(session, actor: User, task: Task, to: date, reason: str, today: date, now: datetime | None = None) -> None:
    _still_open(task)
    reason = reason.strip()
    problems = {}
    if to <= today:
        problems["due_on"] = "Put it off to a day after today."
    elif to == task.due_on:
        problems["due_on"] = "It is due that day already: choose another day."
    if not reason:
        problems["reason"] = "Say why it is put off."
    if problems:
        raise InvalidInput(problems=problems)
    session.add(
        TaskEvent(
            task=task,
            actor_id=actor.id,
            at=now or utcnow(),
            action=TaskAction.PUT_OFF,
            from_due=task.due_on,
            to_due=to,
            note=reason,
        )
    )
    task.due_on = to
    session.commit()


def case_numbered(session, number: str) -> int:
    """The id of the case with this number, as a case manager types it."""
    case_id = session.scalar(select(Case.id).where(Case.number == Case.stored_number(number)))
    if case_id is None:
        raise InvalidInput(f"There is no case {number.strip()}.", field="case_number")
    return case_id
