"""program metrics: when each item was first triaged, and each case's days lost as periods

Revision ID: 8b2c3d4e5f60
Revises: 8a1b2c3d4e5f
Create Date: 2026-11-29

The periods are worked out from the case record by the portal; `flask portal count-days-lost` writes them for the
cases there before this revision (every later change keeps them current).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b2c3d4e5f60"
down_revision = "8a1b2c3d4e5f"
branch_labels = None
depends_on = None

CASE_FIGURE_INDEXES = {
    "ix_cases_figures_open": ["status", "case_manager_id", "opened_at"],
    "ix_cases_figures_opened": ["opened_at", "status", "outcome"],
    "ix_cases_figures_closed": ["closed_on", "status", "outcome", "case_type", "opened_at"],
    "ix_cases_figures_returned": ["actual_rtw", "expected_rtw", "status", "outcome"],
    "ix_cases_figures_duty": [
        "transitional_duty_start",
        "transitional_duty_end",
        "closed_on",
        "opened_at",
        "status",
        "outcome",
    ],
}


def upgrade():
    # Added and dropped in place, never by rebuilding the table: a rebuilt table on SQLite loses the triggers that
    # keep the inbox's counts (8a1b2c3d4e5f).
    op.add_column("submissions", sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True))
    # As the lifecycle records it (lifecycle.takes_up): the first time the item left "new" other than by withdrawal.
    op.execute(
        "UPDATE submissions SET triaged_at = (SELECT min(e.at) FROM submission_events e "
        "WHERE e.submission_id = submissions.id AND e.from_status = 'new' "
        "AND e.to_status NOT IN ('new', 'withdrawn'))"
    )
    op.create_index(
        "ix_submissions_submitted_triaged", "submissions", ["submitted_at", "triaged_at", "status", "case_id"]
    )
    op.create_index("ix_submissions_kind_submitted", "submissions", ["kind", "submitted_at", "case_id", "id"])
    op.create_index(
        "ix_accommodation_requests_decided", "accommodation_requests", ["decided_at", "decision_due", "submission_id"]
    )
    # The case-level figures: each reads a range of one of these (portal/cases/models.py says which).
    for name, columns in CASE_FIGURE_INDEXES.items():
        op.create_index(name, "cases", columns)
    op.create_table(
        "days_lost_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),  # date.toordinal()
        sa.Column("last_day", sa.Integer(), nullable=False),
        sa.Column("case_type", sa.String(length=30), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_days_lost_periods_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_days_lost_periods")),
    )
    op.create_index("ix_days_lost_periods_case_id", "days_lost_periods", ["case_id"])
    op.create_index(
        "ix_days_lost_periods_days",
        "days_lost_periods",
        ["last_day", "first_day", "state", "case_type", "department", "case_id"],
    )


def downgrade():
    op.drop_table("days_lost_periods")
    for name in CASE_FIGURE_INDEXES:
        op.drop_index(name, table_name="cases")
    op.drop_index("ix_submissions_submitted_triaged", table_name="submissions")
    op.drop_index("ix_submissions_kind_submitted", table_name="submissions")
    op.drop_index("ix_accommodation_requests_decided", table_name="accommodation_requests")
    op.execute("ALTER TABLE submissions DROP COLUMN triaged_at")
