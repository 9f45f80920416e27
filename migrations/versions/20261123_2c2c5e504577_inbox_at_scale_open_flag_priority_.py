"""inbox at scale: open flag, priority moment, indexes for each view

Revision ID: 2c2c5e504577
Revises: 1a35626b6219
Create Date: 2026-11-23 00:03:42.666645

"""

from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

OPEN_STATUSES = ("new", "in_review", "needs_info")
# deadlines._LEADS as it stands at this revision: (kind, work-status rank) -> days ahead of the due date.
LEAD_DAYS = {
    ("restriction_report", 3): 2,
    ("restriction_report", 2): 1,
    ("accommodation_request", 0): 1,
    ("duty_offer", 0): 1,
}


# revision identifiers, used by Alembic.
revision = "2c2c5e504577"
down_revision = "1a35626b6219"
branch_labels = None
depends_on = None


def upgrade():
    # Plain operations, not batch: SQLite adds columns and indexes in place, while a batch copy of a
    # table that others reference fails their foreign keys.
    op.add_column("submissions", sa.Column("is_open", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("submissions", sa.Column("priority_at", sa.DateTime(timezone=True), nullable=True))
    _backfill()
    op.drop_index("ix_submissions_assignee_status", table_name="submissions")
    op.drop_index("ix_submissions_kind_status", table_name="submissions")
    op.drop_index("ix_submissions_status_due_at", table_name="submissions")
    op.create_index("ix_submissions_status_due_at", "submissions", ["status", "due_at", "id"])
    op.create_index("ix_submissions_assignee_open_due", "submissions", ["assignee_id", "is_open", "due_at", "id"])
    op.create_index("ix_submissions_kind_open_due", "submissions", ["kind", "is_open", "due_at", "id"])
    op.create_index("ix_submissions_open_due", "submissions", ["is_open", "due_at", "id"])
    op.create_index("ix_submissions_open_priority", "submissions", ["is_open", "priority_at", "id"])
    op.create_index("ix_submissions_open_submitted", "submissions", ["is_open", "submitted_at", "id"])
    op.create_index("ix_submissions_open_counts", "submissions", ["is_open", "status", "assignee_id", "due_at"])
    op.create_index("ix_cases_case_type", "cases", ["case_type"])


def _backfill():
    submissions = sa.table(
        "submissions",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("priority", sa.Integer),
        sa.column("due_at", sa.DateTime(timezone=True)),
        sa.column("is_open", sa.Boolean),
        sa.column("priority_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    bind.execute(submissions.update().values(is_open=submissions.c.status.in_(OPEN_STATUSES)))
    rows = bind.execute(
        sa.select(submissions.c.id, submissions.c.kind, submissions.c.priority, submissions.c.due_at).where(
            submissions.c.due_at.is_not(None)
        )
    ).all()
    for row in rows:
        due_at = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=UTC)
        moment = due_at - timedelta(days=LEAD_DAYS.get((row.kind, row.priority), 0))
        if bind.dialect.name == "sqlite":
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        bind.execute(submissions.update().where(submissions.c.id == row.id).values(priority_at=moment))


def downgrade():
    op.drop_index("ix_cases_case_type", table_name="cases")
    op.drop_index("ix_submissions_open_counts", table_name="submissions")
    for name in (
        "ix_submissions_open_submitted",
        "ix_submissions_open_priority",
        "ix_submissions_open_due",
        "ix_submissions_kind_open_due",
        "ix_submissions_assignee_open_due",
        "ix_submissions_status_due_at",
    ):
        op.drop_index(name, table_name="submissions")
    op.create_index("ix_submissions_status_due_at", "submissions", ["status", "due_at"])
    op.create_index("ix_submissions_kind_status", "submissions", ["kind", "status"])
    op.create_index("ix_submissions_assignee_status", "submissions", ["assignee_id", "status"])
    op.drop_column("submissions", "priority_at")
    op.drop_column("submissions", "is_open")
