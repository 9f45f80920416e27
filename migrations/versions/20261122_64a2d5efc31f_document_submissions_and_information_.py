"""document submissions and information requests

Revision ID: 64a2d5efc31f
Revises: 5a1a5f69f0ad
Create Date: 2026-11-22 21:45:17.514651

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "64a2d5efc31f"
down_revision = "5a1a5f69f0ad"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_submissions",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_document_submissions_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_document_submissions")),
    )
    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("document_type", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["submissions.id"], name=op.f("fk_information_requests_answered_by_id_submissions")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_information_requests_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_information_requests_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_information_requests_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
    )
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.create_index("ix_information_requests_case_open", ["case_id", "closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_information_requests_submission_id"), ["submission_id"], unique=False)


def downgrade():
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_requests_submission_id"))
        batch_op.drop_index("ix_information_requests_case_open")

    op.drop_table("information_requests")
    op.drop_table("document_submissions")
