"""notices and letters issued to employees, kept unchanged with their hash

Revision ID: 7b2d3e4f5c61
Revises: 7a1c2e3f4b50
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7b2d3e4f5c61"
down_revision = "7a1c2e3f4b50"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("information_request_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("first_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_notices_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["information_request_id"],
            ["information_requests.id"],
            name=op.f("fk_notices_information_request_id_information_requests"),
        ),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_notices_issued_by_id_users")),
        sa.ForeignKeyConstraint(
            ["stored_file_id"], ["stored_files.id"], name=op.f("fk_notices_stored_file_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_notices_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("stored_file_id", name=op.f("uq_notices_stored_file_id")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_case_id"))
    op.drop_table("notices")
