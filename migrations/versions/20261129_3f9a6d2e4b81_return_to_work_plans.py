"""return-to-work plans: one plan per case with its goal, the version the employee acknowledged, its graduated
steps (dates, hours a day, days a week, duties, the transitional duty each uses) and its milestones

Revision ID: 3f9a6d2e4b81
Revises: 8e2d4b7a1c53
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f9a6d2e4b81"
down_revision = "8e2d4b7a1c53"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rtw_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acknowledged_version", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["users.id"], name=op.f("fk_rtw_plans_acknowledged_by_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_rtw_plans_case_id_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_rtw_plans_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rtw_plans")),
        sa.UniqueConstraint("case_id", name=op.f("uq_rtw_plans_case_id")),
    )
    op.create_table(
        "rtw_plan_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["rtw_plans.id"], name=op.f("fk_rtw_plan_milestones_plan_id_rtw_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rtw_plan_milestones")),
    )
    with op.batch_alter_table("rtw_plan_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rtw_plan_milestones_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "rtw_plan_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("hours_per_day", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=False),
        sa.Column("days_per_week", sa.Integer(), nullable=True),
        sa.Column("duties", sa.Text(), nullable=False),
        sa.Column("duty_offer_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["duty_offer_id"],
            ["duty_offers.submission_id"],
            name=op.f("fk_rtw_plan_steps_duty_offer_id_duty_offers"),
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["rtw_plans.id"], name=op.f("fk_rtw_plan_steps_plan_id_rtw_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rtw_plan_steps")),
    )
    with op.batch_alter_table("rtw_plan_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rtw_plan_steps_plan_id"), ["plan_id"], unique=False)


def downgrade():
    with op.batch_alter_table("rtw_plan_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rtw_plan_steps_plan_id"))

    op.drop_table("rtw_plan_steps")
    with op.batch_alter_table("rtw_plan_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rtw_plan_milestones_plan_id"))

    op.drop_table("rtw_plan_milestones")
    op.drop_table("rtw_plans")
