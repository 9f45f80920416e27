"""messages: a conversation on each case between the employee and the case managers, and one between the case
managers and each clinician; the files sent with them; and each reader's last-read mark in each conversation

Revision ID: 8e2d4b7a1c53
Revises: 6c0f3a1e9b27
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8e2d4b7a1c53"
down_revision = "6c0f3a1e9b27"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_message_threads_case_id_cases")),
        sa.ForeignKeyConstraint(["party_id"], ["users.id"], name=op.f("fk_message_threads_party_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_threads")),
        # One thread for each case and party; its index also finds a case's threads.
        sa.UniqueConstraint("case_id", "party_id", name=op.f("uq_message_threads_case_id")),
    )
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        # A person's own threads: the employee's home, the clinician's patients.
        batch_op.create_index("ix_message_threads_party_case", ["party_id", "case_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users")),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["message_threads.id"], name=op.f("fk_messages_thread_id_message_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        # A thread's messages in order, and a reader's unread ones: those after their last-read id.
        batch_op.create_index("ix_messages_thread_id", ["thread_id", "id"], unique=False)

    op.create_table(
        "message_attachments",
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_attachments_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"], ["stored_files.id"], name=op.f("fk_message_attachments_stored_file_id_stored_files")
        ),
        sa.PrimaryKeyConstraint("stored_file_id", name=op.f("pk_message_attachments")),
    )
    with op.batch_alter_table("message_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_attachments_message_id"), ["message_id"], unique=False)

    op.create_table(
        "message_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["message_threads.id"], name=op.f("fk_message_reads_thread_id_message_threads")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_message_reads_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_message_reads")),
    )


def downgrade():
    op.drop_table("message_reads")
    with op.batch_alter_table("message_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_attachments_message_id"))

    op.drop_table("message_attachments")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_thread_id")

    op.drop_table("messages")
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.drop_index("ix_message_threads_party_case")

    op.drop_table("message_threads")
