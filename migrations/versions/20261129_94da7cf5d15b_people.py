"""people: the roster searched by the start of any word of a name, of an employee number or of a work
email, and listed by name

Revision ID: 94da7cf5d15b
Revises: a4902b492efb
Create Date: 2026-11-29

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "94da7cf5d15b"
down_revision = "a4902b492efb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_name_words",
        sa.Column(
            "word",
            sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["roster_people.id"], name=op.f("fk_roster_name_words_person_id_roster_people")
        ),
        sa.PrimaryKeyConstraint("word", "person_id", name=op.f("pk_roster_name_words")),
    )
    with op.batch_alter_table("roster_name_words", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_name_words_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("roster_people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_roster_people_in_latest_roster_name", ["in_latest_roster", "name", "id"], unique=False
        )
        batch_op.create_index("ix_roster_people_name", ["name", "id"], unique=False)

    # Autogenerate does not see a collation. SQLite compares bytes already.
    if op.get_bind().dialect.name == "postgresql":
        _collate("C")
    _backfill()


def _collate(collation: str | None) -> None:
    op.alter_column(
        "roster_people", "employee_number", type_=sa.String(length=40, collation=collation), existing_nullable=False
    )
    op.alter_column(
        "roster_people", "work_email", type_=sa.String(length=254, collation=collation), existing_nullable=False
    )


def _backfill():
    """The words of everyone on the roster already, split as accounts.models.name_words splits them at this
    revision."""
    people = sa.table("roster_people", sa.column("id", sa.Integer), sa.column("name", sa.String))
    words = sa.table("roster_name_words", sa.column("word", sa.String), sa.column("person_id", sa.Integer))
    bind = op.get_bind()
    rows = [
        {"word": word[:100], "person_id": person.id}
        for person in bind.execute(sa.select(people.c.id, people.c.name))
        for word in {w for w in re.split(r"[\W_]+", person.name.lower()) if w}
    ]
    if rows:
        bind.execute(words.insert(), rows)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _collate(None)
    with op.batch_alter_table("roster_people", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_people_name")
        batch_op.drop_index("ix_roster_people_in_latest_roster_name")

    with op.batch_alter_table("roster_name_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_name_words_person_id"))

    op.drop_table("roster_name_words")
