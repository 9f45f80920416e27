"""The schema comes from the migrations, and the migrations must match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations disagree; add a migration: {differences}"


def test_the_migrations_run_down_and_up_again(tmp_path):
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    fresh = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with fresh.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert "submissions" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_a_migration_that_rebuilds_a_table_runs_on_a_database_in_use(tmp_path):
    """SQLite rebuilds a table to change it (copy, drop, rename): with rows elsewhere referring to it, the drop
    must not be refused, and every reference must still hold afterwards. Empty test databases never show it."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app

    used = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'used.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with used.app_context():
        upgrade(revision="94da7cf5d15b")  # before the intake migration, which rebuilds cases
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, role, active, created_at) "
                    "VALUES (1, 'alex@example.test', 'Alex', 'employee', 1, '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, number, employee_id, case_type, status, opened_at) "
                    "VALUES (1, 'C-2026-00001', 1, 'leave', 'open', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO submissions (id, reference, kind, case_id, submitted_by_id, submitted_at, status, "
                    "is_open, priority, summary, updated_at, version) VALUES (1, 'D-AAAA-BBBB', 'document', 1, 1, "
                    "'2026-01-01 00:00:00', 'new', 1, 0, '', '2026-01-01 00:00:00', 1)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM cases")).scalar() == "C-2026-00001"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # enforced again after
        db.engine.dispose()


def test_the_jobs_migration_makes_a_job_of_each_title_already_loaded_and_keeps_every_demand(tmp_path):
    """Demands gain a job's column by a rebuild on SQLite: an offer's or availability's demands stay theirs. A
    roster loaded before jobs existed has its titles as jobs, with nothing recorded, as a load would make them."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app

    used = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'used.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with used.app_context():
        upgrade(revision="585e2473600c")  # before jobs
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, role, active, created_at) "
                    "VALUES (1, 'sam@example.test', 'Sam', 'supervisor', 1, '2026-01-01 00:00:00')"
                )
            )
            for number, title in (("1", "Assembler"), ("2", "Assembler"), ("3", "Line lead")):
                connection.execute(
                    text(
                        "INSERT INTO roster_people (employee_number, name, work_email, job_title, hire_date, "
                        "hours_last_12_months, in_latest_roster, updated_at) VALUES (:number, 'Someone', "
                        ":email, :title, '2020-01-01', 1800, 1, '2026-01-01 00:00:00')"
                    ),
                    {"number": number, "email": f"person{number}@example.test", "title": title},
                )
            connection.execute(
                text(
                    "INSERT INTO duty_availability (id, supervisor_id, department, title, tasks, places, "
                    "hours_per_day, start_date, end_date, created_at) VALUES (1, 1, 'Assembly', 'Bench work', "
                    "'Sorting', 1, 4, '2026-01-01', '2026-02-01', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(text("INSERT INTO demands (availability_id, dimension, hours) VALUES (1, 'stand', 2)"))
        upgrade()
        with db.engine.connect() as connection:
            jobs = connection.execute(text("SELECT title, essential_functions, demands_recorded_at FROM jobs"))
            assert sorted(jobs) == [("Assembler", "", None), ("Line lead", "", None)]
            demand = connection.execute(text("SELECT availability_id, offer_id, job_id, dimension FROM demands"))
            assert demand.one() == (1, None, None, "stand")
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
