"""reminders sent, and each person's choice of how to be reminded

Revision ID: 7c3e4f5a6d72
Revises: 7b2d3e4f5c61
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3e4f5a6d72"
down_revision = "7b2d3e4f5c61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("owed", sa.String(length=60), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_reminders_sent_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("recipient_id", "owed", "stage", name="uq_reminders_sent_recipient_owed_stage"),
    )
    op.create_index("ix_reminders_sent_sent_at", "reminders_sent", ["sent_at"])
    op.create_table(
        "reminder_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.Column("optional_reminders", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminder_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reminder_preferences")),
    )


def downgrade():
    op.drop_table("reminder_preferences")
    op.drop_index("ix_reminders_sent_sent_at", table_name="reminders_sent")
    op.drop_table("reminders_sent")
