"""audit trail append-only on PostgreSQL: no update or delete of an audit row, whoever asks; and its indexes
for the audit screen and "who has seen my medical information"

Revision ID: 185450ce446f
Revises: c54cc94d1b81
Create Date: 2026-11-29

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "185450ce446f"
down_revision = "c54cc94d1b81"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_actor_at", "audit_events", ["actor_id", "at"])
    op.create_index("ix_audit_events_action_at", "audit_events", ["action", "at"])
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no separate accounts: the file's owner can change anything in it
    op.execute(
        """
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit trail is append-only: % of audit_events refused', TG_OP;
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_index("ix_audit_events_action_at", table_name="audit_events")
    op.drop_index("ix_audit_events_actor_at", table_name="audit_events")
