"""accommodation requests, process log, feasibility questions

Revision ID: 1a35626b6219
Revises: fb457be7cedb
Create Date: 2026-11-22 22:36:52.497314

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1a35626b6219"
down_revision = "fb457be7cedb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accommodation_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_accommodation_drafts_case_id_cases")),
        sa.ForeignKeyConstraint(["employee_id"], ["users.id"], name=op.f("fk_accommodation_drafts_employee_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accommodation_drafts")),
    )
    with op.batch_alter_table("accommodation_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_accommodation_drafts_employee_case", ["employee_id", "case_id"], unique=True)

    op.create_table(
        "accommodation_requests",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("difficulty", sa.Text(), nullable=False),
        sa.Column("tasks_affected", sa.Text(), nullable=False),
        sa.Column("help", sa.JSON(), nullable=False),
        sa.Column("temporary", sa.Boolean(), nullable=False),
        sa.Column("needed_from", sa.Date(), nullable=True),
        sa.Column("needed_until", sa.Date(), nullable=True),
        sa.Column("contact_preference", sa.String(length=20), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("decision_due", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_what", sa.Text(), nullable=True),
        sa.Column("decision_why", sa.Text(), nullable=True),
        sa.Column("denial_reason", sa.String(length=30), nullable=True),
        sa.Column("granted_from", sa.Date(), nullable=True),
        sa.Column("granted_until", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alternative_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reconsideration_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_accommodation_requests_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_accommodation_requests")),
    )
    op.create_table(
        "feasibility_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("accommodation", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feasible", sa.String(length=20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["asked_by_id"], ["users.id"], name=op.f("fk_feasibility_questions_asked_by_id_users")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_feasibility_questions_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_feasibility_questions_supervisor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feasibility_questions")),
    )
    with op.batch_alter_table("feasibility_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feasibility_questions_submission_id"), ["submission_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feasibility_questions_supervisor_id"), ["supervisor_id"], unique=False)

    op.create_table(
        "process_log_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("with_whom", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("considered", sa.String(length=300), nullable=True),
        sa.Column("effective", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_process_log_entries_author_id_users")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_process_log_entries_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_log_entries")),
    )
    with op.batch_alter_table("process_log_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_log_entries_submission_id"), ["submission_id"], unique=False)


def downgrade():
    with op.batch_alter_table("process_log_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_log_entries_submission_id"))

    op.drop_table("process_log_entries")
    with op.batch_alter_table("feasibility_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feasibility_questions_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_feasibility_questions_submission_id"))

    op.drop_table("feasibility_questions")
    op.drop_table("accommodation_requests")
    with op.batch_alter_table("accommodation_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_accommodation_drafts_employee_case")

    op.drop_table("accommodation_drafts")
