"""offer titles without their fit, conflicting offers worked sooner, why availability closed

Revision ID: 4a3cfb7eb530
Revises: 1281be0e878f
Create Date: 2026-11-29 04:54:48.511378

"""

from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4a3cfb7eb530"
down_revision = "1281be0e878f"
branch_labels = None
depends_on = None

submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("summary", sa.String),
    sa.column("priority", sa.Integer),
    sa.column("is_open", sa.Boolean),
    sa.column("due_at", sa.DateTime(timezone=True)),
    sa.column("priority_at", sa.DateTime(timezone=True)),
)
duty_offers = sa.table(
    "duty_offers",
    sa.column("submission_id", sa.Integer),
    sa.column("job_title", sa.String),
    sa.column("fit_summary", sa.String),
)
# deadlines._LEADS at this revision for ("duty_offer", 1): an offer that conflicts is worked two days ahead.
CONFLICT_LEAD = timedelta(days=2)


def upgrade():
    op.add_column("duty_availability", sa.Column("closed_reason", sa.String(length=10), nullable=True))
    bind = op.get_bind()
    # The employee and the supervisor read an offer's title: the case manager's fit label is not for them.
    job_title = (
        sa.select(duty_offers.c.job_title).where(duty_offers.c.submission_id == submissions.c.id).scalar_subquery()
    )
    bind.execute(
        submissions.update()
        .where(submissions.c.kind == "duty_offer")
        .values(summary=sa.literal("Transitional duty offer: ") + job_title)
    )
    conflicting = bind.execute(
        sa.select(submissions.c.id, submissions.c.due_at)
        .join(duty_offers, duty_offers.c.submission_id == submissions.c.id)
        .where(submissions.c.is_open, duty_offers.c.fit_summary.like("%conflict%"))
    ).all()
    for row in conflicting:
        moment = None
        if row.due_at is not None:
            due_at = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=UTC)
            moment = due_at - CONFLICT_LEAD
            if bind.dialect.name == "sqlite":
                moment = moment.astimezone(UTC).replace(tzinfo=None)
        bind.execute(submissions.update().where(submissions.c.id == row.id).values(priority=1, priority_at=moment))


def downgrade():
    op.drop_column("duty_availability", "closed_reason")
