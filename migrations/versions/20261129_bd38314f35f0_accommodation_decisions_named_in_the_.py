"""accommodation decisions named in the history: granted, an alternative offered, not granted

Revision ID: bd38314f35f0
Revises: 4a3cfb7eb530
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "bd38314f35f0"
down_revision = "4a3cfb7eb530"
branch_labels = None
depends_on = None

events = sa.table(
    "submission_events",
    sa.column("submission_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("message", sa.Text),
)
submissions = sa.table("submissions", sa.column("id", sa.Integer), sa.column("kind", sa.String))
# Until now an accommodation's decision was an "accept" or "decline" whose message began with it.
RENAMES = [("accept", "Granted: ", "grant"), ("accept", "Alternative: ", "offer_alternative")]


def upgrade():
    bind = op.get_bind()
    accommodations = sa.select(submissions.c.id).where(submissions.c.kind == "accommodation_request")
    for old, prefix, new in RENAMES:
        rows = bind.execute(
            sa.select(events.c.submission_id, events.c.message).where(
                events.c.action == old,
                events.c.submission_id.in_(accommodations),
                events.c.message.like(prefix + "%"),
            )
        ).all()
        for row in rows:
            bind.execute(
                events.update()
                .where(
                    events.c.submission_id == row.submission_id, events.c.action == old, events.c.message == row.message
                )
                .values(action=new, message=row.message[len(prefix) :])
            )
    bind.execute(
        events.update()
        .where(events.c.action == "decline", events.c.submission_id.in_(accommodations))
        .values(action="deny")
    )


def downgrade():
    bind = op.get_bind()
    for old, prefix, new in RENAMES:
        bind.execute(
            events.update()
            .where(events.c.action == new)
            .values(action=old, message=sa.literal(prefix) + events.c.message)
        )
    bind.execute(events.update().where(events.c.action == "deny").values(action="decline"))
