"""each case manager's open tasks, counted as tasks change

Revision ID: 8c3d4e5f6071
Revises: 8b2c3d4e5f60
Create Date: 2026-11-30

Every inbox page says how many of the case manager's tasks are overdue: all their open tasks less those due from
today. Counting all of them grew with every task left open (3,000 for one case manager of the scale program). A
small table holds each owner's count of open tasks (portal/tasks/models.py), and triggers on ``tasks`` keep it, so
that every writer does (the rules' generation, a case manager's action, a statement typed by hand), as the inbox's
own counts are kept (8a1b2c3d4e5f).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8c3d4e5f6071"
down_revision = "8b2c3d4e5f60"
branch_labels = None
depends_on = None

# SQLite has one writer at a time: each trigger takes the task out of its old owner's count and puts it in the new.
# A count that falls to nought is deleted.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER open_task_counts_insert AFTER INSERT ON tasks WHEN NEW.is_open
    BEGIN
        INSERT INTO open_task_counts (owner_key, n) VALUES (coalesce(NEW.owner_id, 0), 1)
            ON CONFLICT (owner_key) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER open_task_counts_delete AFTER DELETE ON tasks WHEN OLD.is_open
    BEGIN
        UPDATE open_task_counts SET n = n - 1 WHERE owner_key = coalesce(OLD.owner_id, 0);
        DELETE FROM open_task_counts WHERE owner_key = coalesce(OLD.owner_id, 0) AND n = 0;
    END
    """,
    """
    CREATE TRIGGER open_task_counts_update AFTER UPDATE OF is_open, owner_id ON tasks
    WHEN OLD.is_open OR NEW.is_open
    BEGIN
        UPDATE open_task_counts SET n = n - 1 WHERE OLD.is_open AND owner_key = coalesce(OLD.owner_id, 0);
        INSERT INTO open_task_counts (owner_key, n) SELECT coalesce(NEW.owner_id, 0), 1 WHERE NEW.is_open
            ON CONFLICT (owner_key) DO UPDATE SET n = n + 1;
        DELETE FROM open_task_counts WHERE owner_key = coalesce(OLD.owner_id, 0) AND n = 0;
    END
    """,
]

# PostgreSQL: an owner's count is a row that concurrent transactions update, so a change takes its lock until it
# commits (an upsert: the first open task of an owner inserts the row, atomically). A task that changes owner takes
# the lower key first, so two transactions that each move one task cannot wait on each other in a circle; one that
# changes several owners' tasks in opposite orders to another could deadlock, and PostgreSQL would cancel one.
POSTGRESQL_FUNCTIONS = [
    """
    CREATE FUNCTION open_task_counts_add(key integer, delta integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO open_task_counts AS c (owner_key, n) VALUES (key, delta)
            ON CONFLICT (owner_key) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM open_task_counts WHERE owner_key = key AND n = 0;
    $$
    """,
    """
    CREATE FUNCTION open_task_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_key integer;
        new_key integer;
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.is_open THEN
            old_key := coalesce(OLD.owner_id, 0);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.is_open THEN
            new_key := coalesce(NEW.owner_id, 0);
        END IF;
        IF old_key IS NOT DISTINCT FROM new_key THEN
            NULL;
        ELSIF old_key IS NOT NULL AND new_key IS NOT NULL AND new_key < old_key THEN
            PERFORM open_task_counts_add(new_key, 1);
            PERFORM open_task_counts_add(old_key, -1);
        ELSE
            IF old_key IS NOT NULL THEN PERFORM open_task_counts_add(old_key, -1); END IF;
            IF new_key IS NOT NULL THEN PERFORM open_task_counts_add(new_key, 1); END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
]
POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER open_task_counts_insert AFTER INSERT ON tasks FOR EACH ROW WHEN (NEW.is_open) "
    "EXECUTE FUNCTION open_task_counts_follow()",
    "CREATE TRIGGER open_task_counts_delete AFTER DELETE ON tasks FOR EACH ROW WHEN (OLD.is_open) "
    "EXECUTE FUNCTION open_task_counts_follow()",
    "CREATE TRIGGER open_task_counts_update AFTER UPDATE OF is_open, owner_id ON tasks "
    "FOR EACH ROW WHEN ((OLD.is_open OR NEW.is_open) AND (OLD.is_open, OLD.owner_id) "
    "IS DISTINCT FROM (NEW.is_open, NEW.owner_id)) "
    "EXECUTE FUNCTION open_task_counts_follow()",
]
TRIGGERS = ["open_task_counts_insert", "open_task_counts_delete", "open_task_counts_update"]


def upgrade():
    op.create_table(
        "open_task_counts",
        sa.Column("owner_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_key", name=op.f("pk_open_task_counts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # No task may change between the triggers' start and the counts' fill: writers wait for this migration.
        op.execute("LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE")
        for statement in POSTGRESQL_FUNCTIONS + POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute(
        "INSERT INTO open_task_counts (owner_key, n) "
        "SELECT coalesce(owner_id, 0), count(*) FROM tasks WHERE is_open GROUP BY coalesce(owner_id, 0)"
    )


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON tasks" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION open_task_counts_follow()")
        op.execute("DROP FUNCTION open_task_counts_add(integer, integer)")
    op.drop_table("open_task_counts")
