"""A database that hangs costs a request seconds, not half a minute: connect, lock and statement timeouts."""

import pytest
from sqlalchemy import text

from portal.config import engine_options


def test_postgresql_connects_and_runs_each_statement_within_a_bound():
    options = engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/portal",
            "DATABASE_TIMEOUT_SECONDS": 5,
            "DATABASE_STATEMENT_TIMEOUT_SECONDS": 15,
        }
    )
    assert options["connect_args"] == {"connect_timeout": 5, "options": "-c statement_timeout=15000"}
    assert options["hide_parameters"]


def test_postgresql_behind_a_transaction_pooler_prepares_nothing():
    options = engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://pgbouncer/portal",
            "DATABASE_TIMEOUT_SECONDS": 5,
            "DATABASE_STATEMENT_TIMEOUT_SECONDS": 15,
            "DATABASE_PREPARED_STATEMENTS": False,
        }
    )
    assert options["connect_args"]["prepare_threshold"] is None


def test_sqlite_waits_for_another_writers_lock_within_a_bound():
    options = engine_options({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "DATABASE_TIMEOUT_SECONDS": 5})
    assert options["connect_args"] == {"timeout": 5}


@pytest.mark.security(
    threat="A hung database holds every request for half a minute",
    control="Connect, lock-wait and statement timeouts; a clear 503 page",
)
def test_the_running_database_has_them(app, db_session):
    if db_session.get_bind().dialect.name == "postgresql":
        assert db_session.execute(text("SHOW statement_timeout")).scalar() == "15s"
    else:
        assert db_session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
