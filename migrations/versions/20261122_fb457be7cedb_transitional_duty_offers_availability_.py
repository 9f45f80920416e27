"""transitional duty offers, availability and demands

Revision ID: fb457be7cedb
Revises: 62d92d0c03db
Create Date: 2026-11-22 22:21:11.824654

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fb457be7cedb"
down_revision = "62d92d0c03db"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duty_availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("hours_per_day", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"], name=op.f("fk_duty_availability_supervisor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_availability")),
    )
    with op.batch_alter_table("duty_availability", schema=None) as batch_op:
        batch_op.create_index("ix_duty_availability_department_end", ["department", "end_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_availability_supervisor_id"), ["supervisor_id"], unique=False)

    op.create_table(
        "duty_offers",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.Column("hours_per_day", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=False),
        sa.Column("days", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("pay_unchanged", sa.Boolean(), nullable=False),
        sa.Column("pay_rate", sa.String(length=100), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("answer_by", sa.Date(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("fit_summary", sa.String(length=200), nullable=True),
        sa.Column("fit_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("employee_answer", sa.String(length=10), nullable=True),
        sa.Column("answer_reason", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_duty_offers_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_duty_offers")),
    )
    op.create_table(
        "demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("availability_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("pounds", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=True),
        sa.Column("hours", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["availability_id"], ["duty_availability.id"], name=op.f("fk_demands_availability_id_duty_availability")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["duty_offers.submission_id"], name=op.f("fk_demands_offer_id_duty_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demands")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demands_availability_id"), ["availability_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_offer_id"), ["offer_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transitional_duty_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("transitional_duty_end", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("transitional_duty_end")
        batch_op.drop_column("transitional_duty_start")

    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demands_offer_id"))
        batch_op.drop_index(batch_op.f("ix_demands_availability_id"))

    op.drop_table("demands")
    op.drop_table("duty_offers")
    with op.batch_alter_table("duty_availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_availability_supervisor_id"))
        batch_op.drop_index("ix_duty_availability_department_end")

    op.drop_table("duty_availability")
