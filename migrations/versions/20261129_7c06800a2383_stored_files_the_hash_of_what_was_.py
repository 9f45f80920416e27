"""stored files: the hash of what was received, where it differs from what is stored

Revision ID: 7c06800a2383
Revises: bd38314f35f0
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c06800a2383"
down_revision = "bd38314f35f0"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("stored_files", sa.Column("received_sha256", sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column("stored_files", "received_sha256")
