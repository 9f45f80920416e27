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
