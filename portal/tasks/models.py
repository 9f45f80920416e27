"""A case manager's tasks: each from a rule of the rules file (``rule`` and ``subject`` name it once) or
their own (no rule), with its history of being done, put off or closing by itself."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # a case manager did it, with a note
    CLOSED = "closed"  # what it waited for happened (the certification arrived, the notice was issued)

    @property
    def label(self) -> str:
        return {"open": "Open", "done": "Done", "closed": "Closed by itself"}[self.value]


class TaskAction(StrEnum):
    CREATED = "created"
    DONE = "done"
    PUT_OFF = "put_off"
    CLOSED = "closed"
    REASSIGNED = "reassigned"


class Task(Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # A rule's task about one thing exists once, open or not: generating again creates nothing twice.
        # A case manager's own tasks have no rule, and NULLs never clash.
        UniqueConstraint("rule", "subject", name="uq_tasks_rule_subject"),
        # The task list: one case manager's open tasks by due date, or everyone's; the case page: a case's.
        Index("ix_tasks_owner_open_due", "owner_id", "is_open", "due_on", "id"),
        Index("ix_tasks_open_due", "is_open", "due_on", "id"),
        Index("ix_tasks_case_open", "case_id", "is_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # The case's case manager; a generated task follows the case when it changes hands.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rule: Mapped[str | None] = mapped_column(String(60))
    # What the rule's task is about, e.g. "request:42": with the rule, the task's identity.
    subject: Mapped[str | None] = mapped_column(String(80))
    rules_version: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[TaskStatus] = mapped_column(StrEnumType(TaskStatus, 10), default=TaskStatus.OPEN)
    # Kept with the status so that "open" is one range of an index.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The case manager's note when done, or what closed it by itself.
    outcome: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    events: Mapped[list["TaskEvent"]] = relationship(back_populates="task", order_by="TaskEvent.id")

    @validates("status")
    def _keep_is_open(self, _key, status: str) -> str:
        self.is_open = status == TaskStatus.OPEN
        return status

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label


NO_OWNER = 0  # the owner key of tasks nobody holds: a key may not be NULL, and no user has id 0


class OpenTaskCount(Model):
    """How many open tasks one case manager (or nobody) has, kept by triggers on ``tasks`` (the migration
    ``20261130_8c3d4e5f6071_open_task_counts``), so that every writer keeps it right; an owner with none has no row.
    A migration that rebuilds ``tasks`` on SQLite (a batch ``ALTER``) drops the triggers with it: it must create
    them again."""

    __tablename__ = "open_task_counts"

    owner_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class TaskEvent(Model):
    """One change of a task: created, done, put off (from, to, why), closed by itself, passed to another."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[TaskAction] = mapped_column(StrEnumType(TaskAction, 20))
    from_due: Mapped[date | None] = mapped_column(Date)
    to_due: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
