"""intake: reports that someone needs a case, the employee's draft; a case's eligibility notice date, and
where a report's case was joined

Revision ID: 585e2473600c
Revises: 94da7cf5d15b
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "585e2473600c"
down_revision = "94da7cf5d15b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["users.id"], name=op.f("fk_intake_drafts_employee_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_drafts")),
    )
    with op.batch_alter_table("intake_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_drafts_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "intake_reports",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("need", sa.String(length=30), nullable=False),
        sa.Column("first_day_away", sa.Date(), nullable=True),
        sa.Column("at_work", sa.Boolean(), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_note", sa.String(length=300), nullable=True),
        sa.Column("what_happened", sa.Text(), nullable=True),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("witnesses", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_intake_reports_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_intake_reports")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligibility_notice_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("eligibility_notice_given_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("joined_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_cases_joined_to_id_cases"), "cases", ["joined_to_id"], ["id"])
        batch_op.create_index("ix_cases_notice_due", ["eligibility_notice_given_on", "eligibility_notice_due"])


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_notice_due")
        batch_op.drop_constraint(batch_op.f("fk_cases_joined_to_id_cases"), type_="foreignkey")
        batch_op.drop_column("joined_to_id")
        batch_op.drop_column("eligibility_notice_given_on")
        batch_op.drop_column("eligibility_notice_due")

    op.drop_table("intake_reports")
    with op.batch_alter_table("intake_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_drafts_employee_id"))

    op.drop_table("intake_drafts")
