"""restriction reports, restrictions and report drafts

Revision ID: 62d92d0c03db
Revises: 64a2d5efc31f
Create Date: 2026-11-22 22:08:54.110617

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "62d92d0c03db"
down_revision = "64a2d5efc31f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_report_drafts_case_id_cases")),
        sa.ForeignKeyConstraint(["clinician_id"], ["users.id"], name=op.f("fk_report_drafts_clinician_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
    )
    with op.batch_alter_table("report_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_report_drafts_clinician_case", ["clinician_id", "case_id"], unique=True)

    op.create_table(
        "restriction_reports",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("work_status", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("expected_until", sa.Date(), nullable=True),
        sa.Column("next_visit", sa.Date(), nullable=True),
        sa.Column("estimated_full_duty", sa.Date(), nullable=True),
        sa.Column("other_restrictions", sa.Text(), nullable=True),
        sa.Column("diagnoses", sa.JSON(), nullable=False),
        sa.Column("attested_name", sa.String(length=200), nullable=False),
        sa.Column("licence_number", sa.String(length=60), nullable=False),
        sa.Column("attested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_form_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["signed_form_id"], ["stored_files.id"], name=op.f("fk_restriction_reports_signed_form_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_restriction_reports_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_restriction_reports")),
    )
    op.create_table(
        "restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("pounds", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=True),
        sa.Column("hours", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["restriction_reports.submission_id"],
            name=op.f("fk_restrictions_report_id_restriction_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restrictions")),
        sa.UniqueConstraint("report_id", "dimension", name=op.f("uq_restrictions_report_id")),
    )
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restrictions_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restrictions_report_id"))

    op.drop_table("restrictions")
    op.drop_table("restriction_reports")
    with op.batch_alter_table("report_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_report_drafts_clinician_case")

    op.drop_table("report_drafts")
