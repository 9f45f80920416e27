"""form submissions: a form that creates something makes one change however often it is sent

Revision ID: c54cc94d1b81
Revises: 8572d62123c1
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c54cc94d1b81"
down_revision = "8572d62123c1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade():
    op.drop_table("form_submissions")
