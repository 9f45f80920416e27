"""The inbox's tab counts, kept as items change.

Counting the open items on every request grows with the backlog; these two small tables hold the
counts instead, and triggers on ``submissions`` keep them (the migration that made them,
``20261129_8a1b2c3d4e5f_inbox_counts``), so that every writer keeps them right: the lifecycle, a bulk
load, a fixture, a statement typed at the database. Only open items are counted, and a row whose
count falls to nought goes, so each table holds as many rows as there are buckets of open items:
a few dozen by assignee and status, one a day of the open items' due dates.

A migration that rebuilds ``submissions`` on SQLite (a batch ``ALTER``) drops its triggers with it:
it must create them again.
"""

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model

UNASSIGNED = 0  # the assignee key of items nobody holds: a key part may not be NULL, and no user has id 0


class InboxCount(Model):
    """How many open items one case manager (or nobody) holds in one status."""

    __tablename__ = "inbox_counts"

    assignee_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class InboxDueCount(Model):
    """How many open items fall due on one day (UTC). Items with no due date are never overdue and are not here."""

    __tablename__ = "inbox_due_counts"

    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
