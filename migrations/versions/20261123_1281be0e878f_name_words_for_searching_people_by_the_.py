"""name words for searching people by the start of any word of their name

Revision ID: 1281be0e878f
Revises: 2c2c5e504577
Create Date: 2026-11-23 00:25:34.599684

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1281be0e878f"
down_revision = "2c2c5e504577"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "name_words",
        sa.Column(
            "word",
            sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_name_words_user_id_users")),
        sa.PrimaryKeyConstraint("word", "user_id", name=op.f("pk_name_words")),
    )
    with op.batch_alter_table("name_words", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_name_words_user_id"), ["user_id"], unique=False)
    _backfill()


def _backfill():
    """The words of everyone already here, split as models.user.name_words splits them at this revision."""
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String))
    words = sa.table("name_words", sa.column("word", sa.String), sa.column("user_id", sa.Integer))
    bind = op.get_bind()
    rows = [
        {"word": word[:100], "user_id": user.id}
        for user in bind.execute(sa.select(users.c.id, users.c.name))
        for word in {w for w in re.split(r"[\W_]+", user.name.lower()) if w}
    ]
    if rows:
        bind.execute(words.insert(), rows)


def downgrade():
    with op.batch_alter_table("name_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_name_words_user_id"))

    op.drop_table("name_words")
