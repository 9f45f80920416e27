"""the clinician as whoever authorised them named them, shown instead of what an existing account holds

Revision ID: 9d9682f03687
Revises: 185450ce446f
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9d9682f03687"
down_revision = "185450ce446f"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case_participants", sa.Column("named_as", sa.String(length=200), nullable=True))
    op.add_column("case_participants", sa.Column("named_practice", sa.String(length=200), nullable=True))
    # Earlier authorisations were shown by the account's name: keep showing what people have seen.
    op.execute(
        "UPDATE case_participants SET named_as = "
        "(SELECT name FROM users WHERE users.id = case_participants.clinician_id)"
    )


def downgrade():
    op.drop_column("case_participants", "named_practice")
    op.drop_column("case_participants", "named_as")
