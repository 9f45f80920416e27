"""tasks from the legal clocks and a case manager's own, each with its history

Revision ID: 7a1c2e3f4b50
Revises: 3f9a6d2e4b81
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a1c2e3f4b50"
down_revision = "3f9a6d2e4b81"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=60), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("rules_version", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_open", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_tasks_created_by_id_users")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_tasks_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("rule", "subject", name="uq_tasks_rule_subject"),
    )
    op.create_index("ix_tasks_owner_open_due", "tasks", ["owner_id", "is_open", "due_on", "id"])
    op.create_index("ix_tasks_open_due", "tasks", ["is_open", "due_on", "id"])
    op.create_index("ix_tasks_case_open", "tasks", ["case_id", "is_open"])
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_due", sa.Date(), nullable=True),
        sa.Column("to_due", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_events_task_id_tasks")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_task_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    op.create_index("ix_task_events_task_id", "task_events", ["task_id"])


def downgrade():
    op.drop_index("ix_task_events_task_id", table_name="task_events")
    op.drop_table("task_events")
    op.drop_index("ix_tasks_case_open", table_name="tasks")
    op.drop_index("ix_tasks_open_due", table_name="tasks")
    op.drop_index("ix_tasks_owner_open_due", table_name="tasks")
    op.drop_table("tasks")
