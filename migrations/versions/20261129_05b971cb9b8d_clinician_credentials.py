"""clinician credentials: a clinician is unverified until a case manager confirms a licence or NPI

Revision ID: 05b971cb9b8d
Revises: 7c06800a2383
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "05b971cb9b8d"
down_revision = "7c06800a2383"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clinician_credentials",
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("licence_number", sa.String(length=40), nullable=True),
        sa.Column("licence_state", sa.String(length=2), nullable=True),
        sa.Column("npi", sa.String(length=10), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clinician_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("clinician_id"),
    )


def downgrade():
    op.drop_table("clinician_credentials")
