"""the address a clinician was named at, and a naming that gives no access (the address is another kind of account)

Revision ID: 3e8b1c2d4f70
Revises: 916e60e51083
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3e8b1c2d4f70"
down_revision = "916e60e51083"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case_participants", sa.Column("named_email", sa.String(length=254), nullable=True))
    op.execute(
        "UPDATE case_participants SET named_email = "
        "(SELECT email FROM users WHERE users.id = case_participants.clinician_id)"
    )
    with op.batch_alter_table("case_participants") as batch_op:
        batch_op.alter_column("named_email", existing_type=sa.String(length=254), nullable=False)
        batch_op.alter_column("clinician_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM case_participants WHERE clinician_id IS NULL")
    with op.batch_alter_table("case_participants") as batch_op:
        batch_op.alter_column("clinician_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("named_email")
