"""initial schema

Revision ID: 5a1a5f69f0ad
Revises:
Create Date: 2026-11-22 21:37:41.604861

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5a1a5f69f0ad"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_email_at", ["email", "at"], unique=False)
        batch_op.create_index("ix_login_attempts_ip_at", ["ip_address", "at"], unique=False)

    op.create_table(
        "outbound_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_emails")),
    )
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.create_index("ix_outbound_emails_status_next_attempt", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"], name=op.f("fk_users_supervisor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_role"), ["role"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_supervisor_id"), ["supervisor_id"], unique=False)

    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_account_tokens_created_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_account_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("case_manager_id", sa.Integer(), nullable=True),
        sa.Column("case_type", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("leave_start", sa.Date(), nullable=True),
        sa.Column("expected_rtw", sa.Date(), nullable=True),
        sa.Column("actual_rtw", sa.Date(), nullable=True),
        sa.Column("closure_summary", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_manager_id"], ["users.id"], name=op.f("fk_cases_case_manager_id_users")),
        sa.ForeignKeyConstraint(["employee_id"], ["users.id"], name=op.f("fk_cases_employee_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_case_manager_status", ["case_manager_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_audit_events_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_events_case_at", ["case_id", "at"], unique=False)
        batch_op.create_index("ix_audit_events_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "case_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_participants_case_id_cases")),
        sa.ForeignKeyConstraint(["clinician_id"], ["users.id"], name=op.f("fk_case_participants_clinician_id_users")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"], name=op.f("fk_case_participants_granted_by_id_users")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_case_participants_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_participants")),
    )
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_participants_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_case_participants_clinician_case", ["clinician_id", "case_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_submissions_assignee_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_submissions_case_id_cases")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"], name=op.f("fk_submissions_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("reference", name=op.f("uq_submissions_reference")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_assignee_status", ["assignee_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_submissions_kind_status", ["kind", "status"], unique=False)
        batch_op.create_index("ix_submissions_status_due_at", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_submissions_submitted_at_id", ["submitted_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_submitted_by_id"), ["submitted_by_id"], unique=False)

    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_medical", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_stored_files_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_stored_files_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_stored_files_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
    )
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.create_index("ix_stored_files_case_sha256", ["case_id", "sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_stored_files_storage_key"), ["storage_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_stored_files_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "submission_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_submission_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_submission_events_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_events")),
    )
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_events_submission_id"), ["submission_id"], unique=False)


def downgrade():
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_events_submission_id"))

    op.drop_table("submission_events")
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_files_submission_id"))
        batch_op.drop_index(batch_op.f("ix_stored_files_storage_key"))
        batch_op.drop_index("ix_stored_files_case_sha256")

    op.drop_table("stored_files")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_submitted_by_id"))
        batch_op.drop_index("ix_submissions_submitted_at_id")
        batch_op.drop_index("ix_submissions_status_due_at")
        batch_op.drop_index("ix_submissions_kind_status")
        batch_op.drop_index(batch_op.f("ix_submissions_case_id"))
        batch_op.drop_index("ix_submissions_assignee_status")

    op.drop_table("submissions")
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_case_participants_clinician_case")
        batch_op.drop_index(batch_op.f("ix_case_participants_case_id"))

    op.drop_table("case_participants")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_index("ix_audit_events_case_at")
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_employee_id"))
        batch_op.drop_index("ix_cases_case_manager_status")

    op.drop_table("cases")
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_tokens_user_id"))

    op.drop_table("account_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_users_role"))

    op.drop_table("users")
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_emails_status_next_attempt")

    op.drop_table("outbound_emails")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_ip_at")
        batch_op.drop_index("ix_login_attempts_email_at")

    op.drop_table("login_attempts")
