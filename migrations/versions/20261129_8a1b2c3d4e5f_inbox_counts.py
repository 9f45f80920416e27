"""the inbox's tab counts, kept as items change

Revision ID: 8a1b2c3d4e5f
Revises: 7c3e4f5a6d72
Create Date: 2026-11-29

Counting the open items on every inbox request grew with the backlog. Two small tables hold the counts
(portal/inbox/models.py): open items by (assignee, status), and by the UTC day they fall due. Triggers
on ``submissions`` keep them, so that every writer does: the lifecycle, the scale seed's bulk insert, a
fixture, a statement typed by hand. The index on (is_open, id) makes the newest open item one probe;
the index that covered the old aggregate goes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8a1b2c3d4e5f"
down_revision = "7c3e4f5a6d72"
branch_labels = None
depends_on = None

# SQLite has one writer at a time, so each trigger simply takes the old bucket's item out and puts the new one in.
# A count that falls to nought is deleted, so that the days the open items no longer fall due on do not pile up.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER inbox_counts_insert AFTER INSERT ON submissions WHEN NEW.is_open
    BEGIN
        INSERT INTO inbox_counts (assignee_key, status, n) VALUES (coalesce(NEW.assignee_id, 0), NEW.status, 1)
            ON CONFLICT (assignee_key, status) DO UPDATE SET n = n + 1;
        INSERT INTO inbox_due_counts (due_on, n) SELECT date(NEW.due_at), 1 WHERE NEW.due_at IS NOT NULL
            ON CONFLICT (due_on) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER inbox_counts_delete AFTER DELETE ON submissions WHEN OLD.is_open
    BEGIN
        UPDATE inbox_counts SET n = n - 1 WHERE assignee_key = coalesce(OLD.assignee_id, 0) AND status = OLD.status;
        DELETE FROM inbox_counts WHERE assignee_key = coalesce(OLD.assignee_id, 0) AND status = OLD.status AND n = 0;
        UPDATE inbox_due_counts SET n = n - 1 WHERE due_on = date(OLD.due_at);
        DELETE FROM inbox_due_counts WHERE due_on = date(OLD.due_at) AND n = 0;
    END
    """,
    """
    CREATE TRIGGER inbox_counts_update AFTER UPDATE OF is_open, status, assignee_id, due_at ON submissions
    WHEN OLD.is_open OR NEW.is_open
    BEGIN
        UPDATE inbox_counts SET n = n - 1
            WHERE OLD.is_open AND assignee_key = coalesce(OLD.assignee_id, 0) AND status = OLD.status;
        INSERT INTO inbox_counts (assignee_key, status, n)
            SELECT coalesce(NEW.assignee_id, 0), NEW.status, 1 WHERE NEW.is_open
            ON CONFLICT (assignee_key, status) DO UPDATE SET n = n + 1;
        DELETE FROM inbox_counts WHERE assignee_key = coalesce(OLD.assignee_id, 0) AND status = OLD.status AND n = 0;
        UPDATE inbox_due_counts SET n = n - 1 WHERE OLD.is_open AND due_on = date(OLD.due_at);
        INSERT INTO inbox_due_counts (due_on, n)
            SELECT date(NEW.due_at), 1 WHERE NEW.is_open AND NEW.due_at IS NOT NULL
            ON CONFLICT (due_on) DO UPDATE SET n = n + 1;
        DELETE FROM inbox_due_counts WHERE due_on = date(OLD.due_at) AND n = 0;
    END
    """,
]

# PostgreSQL: a count is a row that concurrent transactions update, so a change takes its row's lock until it
# commits (an upsert: an item into a bucket no one has yet inserts it, atomically, whoever else tries at once).
# Deadlocks: one item's change touches at most two rows of each table; the function always takes inbox_counts
# before inbox_due_counts, and within each the lower key first, so two transactions that each change one item
# (every action on an item commits alone; a bulk claim commits item by item) take their locks in one order and
# cannot wait on each other in a circle. A transaction that changes several items takes them in its own order:
# two such over the same buckets in opposite orders could deadlock, and PostgreSQL would then cancel one with an
# error after deadlock_timeout, the other going through. Writers in the same bucket queue behind each other for
# the rest of their transaction; the portal's transactions are short.
POSTGRESQL_FUNCTIONS = [
    """
    CREATE FUNCTION inbox_counts_add(key integer, item_status varchar, delta integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO inbox_counts AS c (assignee_key, status, n) VALUES (key, item_status, delta)
            ON CONFLICT (assignee_key, status) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM inbox_counts WHERE assignee_key = key AND status = item_status AND n = 0;
    $$
    """,
    """
    CREATE FUNCTION inbox_due_counts_add(day date, delta integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO inbox_due_counts AS c (due_on, n) VALUES (day, delta)
            ON CONFLICT (due_on) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM inbox_due_counts WHERE due_on = day AND n = 0;
    $$
    """,
    """
    CREATE FUNCTION inbox_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_key integer;
        old_status varchar;
        old_day date;
        new_key integer;
        new_status varchar;
        new_day date;
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.is_open THEN
            old_key := coalesce(OLD.assignee_id, 0);
            old_status := OLD.status;
            old_day := (OLD.due_at AT TIME ZONE 'UTC')::date;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.is_open THEN
            new_key := coalesce(NEW.assignee_id, 0);
            new_status := NEW.status;
            new_day := (NEW.due_at AT TIME ZONE 'UTC')::date;
        END IF;
        -- Each row's lock in one order: the lower key first.
        IF (old_key, old_status) IS NOT DISTINCT FROM (new_key, new_status) THEN
            NULL;
        ELSIF old_key IS NOT NULL AND new_key IS NOT NULL AND (new_key, new_status) < (old_key, old_status) THEN
            PERFORM inbox_counts_add(new_key, new_status, 1);
            PERFORM inbox_counts_add(old_key, old_status, -1);
        ELSE
            IF old_key IS NOT NULL THEN PERFORM inbox_counts_add(old_key, old_status, -1); END IF;
            IF new_key IS NOT NULL THEN PERFORM inbox_counts_add(new_key, new_status, 1); END IF;
        END IF;
        IF old_day IS NOT DISTINCT FROM new_day THEN
            NULL;
        ELSIF old_day IS NOT NULL AND new_day IS NOT NULL AND new_day < old_day THEN
            PERFORM inbox_due_counts_add(new_day, 1);
            PERFORM inbox_due_counts_add(old_day, -1);
        ELSE
            IF old_day IS NOT NULL THEN PERFORM inbox_due_counts_add(old_day, -1); END IF;
            IF new_day IS NOT NULL THEN PERFORM inbox_due_counts_add(new_day, 1); END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
]
POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER inbox_counts_insert AFTER INSERT ON submissions FOR EACH ROW WHEN (NEW.is_open) "
    "EXECUTE FUNCTION inbox_counts_follow()",
    "CREATE TRIGGER inbox_counts_delete AFTER DELETE ON submissions FOR EACH ROW WHEN (OLD.is_open) "
    "EXECUTE FUNCTION inbox_counts_follow()",
    "CREATE TRIGGER inbox_counts_update AFTER UPDATE OF is_open, status, assignee_id, due_at ON submissions "
    "FOR EACH ROW WHEN ((OLD.is_open OR NEW.is_open) AND (OLD.is_open, OLD.status, OLD.assignee_id, OLD.due_at) "
    "IS DISTINCT FROM (NEW.is_open, NEW.status, NEW.assignee_id, NEW.due_at)) "
    "EXECUTE FUNCTION inbox_counts_follow()",
]
TRIGGERS = ["inbox_counts_insert", "inbox_counts_delete", "inbox_counts_update"]


def upgrade():
    op.create_table(
        "inbox_counts",
        sa.Column("assignee_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("assignee_key", "status", name=op.f("pk_inbox_counts")),
    )
    op.create_table(
        "inbox_due_counts",
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("due_on", name=op.f("pk_inbox_due_counts")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # No item may change between the triggers' start and the counts' fill: writers wait for this migration.
        op.execute("LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE")
        for statement in POSTGRESQL_FUNCTIONS + POSTGRESQL_TRIGGERS:
            op.execute(statement)
        due_day = "(due_at AT TIME ZONE 'UTC')::date"
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        due_day = "date(due_at)"
    op.execute(
        "INSERT INTO inbox_counts (assignee_key, status, n) "
        "SELECT coalesce(assignee_id, 0), status, count(*) FROM submissions WHERE is_open "
        "GROUP BY coalesce(assignee_id, 0), status"
    )
    op.execute(
        f"INSERT INTO inbox_due_counts (due_on, n) SELECT {due_day}, count(*) FROM submissions "
        f"WHERE is_open AND due_at IS NOT NULL GROUP BY {due_day}"
    )
    op.create_index("ix_submissions_open_id", "submissions", ["is_open", "id"])
    op.drop_index("ix_submissions_open_counts", table_name="submissions")


def downgrade():
    op.create_index("ix_submissions_open_counts", "submissions", ["is_open", "status", "assignee_id", "due_at"])
    op.drop_index("ix_submissions_open_id", table_name="submissions")
    postgresql = op.get_bind().dialect.name == "postgresql"
    # IF EXISTS: on SQLite, a later migration's downgrade that rebuilt submissions (a batch drop of a column) has
    # already dropped them with the table.
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON submissions" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION inbox_counts_follow()")
        op.execute("DROP FUNCTION inbox_counts_add(integer, varchar, integer)")
        op.execute("DROP FUNCTION inbox_due_counts_add(date, integer)")
    op.drop_table("inbox_due_counts")
    op.drop_table("inbox_counts")
