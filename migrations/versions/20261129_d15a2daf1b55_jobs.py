"""jobs: each job title on the roster, its essential functions and its physical demands (demand rows of a job),
and the jobs files loaded

Revision ID: d15a2daf1b55
Revises: 585e2473600c
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d15a2daf1b55"
down_revision = "585e2473600c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("essential_functions", sa.Text(), nullable=False),
        sa.Column("demands_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("title", name=op.f("uq_jobs_title")),
    )
    op.create_table(
        "job_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_job_imports_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_imports")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_demands_job_id"), ["job_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_demands_job_id_jobs"), "jobs", ["job_id"], ["id"])

    with op.batch_alter_table("roster_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_people_job_title"), ["job_title"], unique=False)

    # The roster's titles already loaded are jobs too, with nothing recorded yet, as a roster load makes them.
    op.execute(
        "INSERT INTO jobs (title, essential_functions, version) SELECT DISTINCT job_title, '', 1 FROM roster_people"
    )


def downgrade():
    with op.batch_alter_table("roster_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_people_job_title"))

    op.execute("DELETE FROM demands WHERE job_id IS NOT NULL")  # a job's demands belong to nothing without it
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_demands_job_id_jobs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_demands_job_id"))
        batch_op.drop_column("job_id")

    op.drop_table("job_imports")
    op.drop_table("jobs")
