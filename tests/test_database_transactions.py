"""How a transaction ends: one that wrote, or failed, is rolled back; on PostgreSQL one that only read is committed
instead, the same for it, so that psycopg keeps the statements it has prepared (it forgets them on a rollback). And
how a pooled connection is trusted: asked whether it works only after sitting idle, and replaced if the server
dropped it."""

from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError

from portal import extensions
from portal.accounts.models import User
from portal.accounts.search import departments
from portal.extensions import db
from tests import factories


def test_what_counts_as_a_statement_that_only_reads():
    def reads(statement) -> bool:
        compiled = statement.compile(dialect=postgresql.dialect())
        return extensions._only_reads(str(compiled), SimpleNamespace(compiled=compiled))

    walked = select(User.id).cte(recursive=True)
    walked = walked.union_all(select(User.id).where(User.id > walked.c.id))
    made = insert(User).values(name="x").returning(User.id).cte("made")
    assert reads(select(User.name)) and reads(select(walked.c.id))
    assert not reads(select(made.c.id))  # a SELECT over an INSERT
    assert not reads(update(User).values(name="x")) and not reads(delete(User))
    assert not extensions._only_reads("WITH x AS (SELECT 1) UPDATE users SET name = 'x'", None)  # typed by hand


def test_a_transaction_that_wrote_is_rolled_back(db_session):
    person = factories.user(db_session, name="Before")
    db_session.commit()
    with db.engine.connect() as connection:
        connection.execute(select(User.name).where(User.id == person.id))
        connection.execute(update(User).where(User.id == person.id).values(name="After"))
        connection.rollback()
        assert connection.execute(select(User.name).where(User.id == person.id)).scalar() == "Before"


def test_on_postgresql_a_write_typed_by_hand_behind_a_with_is_rolled_back(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("a read ends by COMMIT on PostgreSQL alone (and SQLite's driver begins no transaction before WITH)")
    person = factories.user(db_session, name="Before")
    db_session.commit()
    with db.engine.connect() as connection:
        renamed = "WITH renamed AS (SELECT 'After' AS name) UPDATE users SET name = (SELECT name FROM renamed)"
        connection.execute(text(renamed + " WHERE id = :id"), {"id": person.id})
        connection.rollback()
        assert connection.execute(select(User.name).where(User.id == person.id)).scalar() == "Before"


def test_a_transaction_whose_statement_failed_is_rolled_back_and_the_connection_goes_on(db_session):
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError):
            connection.execute(text("SELECT * FROM no_such_table"))
        connection.rollback()
        assert connection.execute(select(text("1"))).scalar() == 1


def test_on_postgresql_statements_read_again_and_again_are_prepared_once(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL alone")
    person = factories.user(db_session)
    db_session.commit()
    asked = select(User.name).where(User.id == person.id)
    with db.engine.connect() as connection:
        for _ in range(6):  # psycopg prepares a statement on its fifth run on a connection
            connection.execute(asked)
            connection.rollback()  # as every request's transaction ends
        prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any(statement.startswith("SELECT users.name") for statement in prepared)


def test_on_postgresql_a_read_with_a_recursive_walk_keeps_them_too(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL alone")
    factories.user(db_session, department="Warehouse")
    db_session.commit()
    db_session.close()
    db.engine.dispose()  # one connection, whose prepared statements are asked after
    for _ in range(6):
        assert departments(db_session) == ["Warehouse"]
        db_session.close()  # as every request's session ends
    with db.engine.connect() as connection:
        prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any(statement.startswith("WITH RECURSIVE") for statement in prepared)


def test_on_postgresql_a_connection_dropped_while_it_sat_idle_is_replaced_before_use(db_session, monkeypatch):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("a server that drops connections: PostgreSQL alone")
    db_session.close()
    db.engine.dispose()  # the pool then holds one connection: the one dropped
    with db.engine.connect() as connection:
        dropped = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    # Another engine's connection drops the pooled one, as a server restart would.
    other = create_engine(db.engine.url)
    with other.connect() as killer:
        assert killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}).scalar()
    other.dispose()
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0)  # it has sat idle long enough to be asked
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != dropped
    assert db.engine.pool.checkedin() == 1  # the dropped one was replaced, not kept beside


def test_on_postgresql_a_connection_is_asked_whether_it_works_only_after_sitting_idle(db_session, monkeypatch):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the pool's connections to a server: PostgreSQL alone")
    db_session.close()
    asked = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda connection: asked.append(connection) or ping(connection))
    for _ in range(3):  # back in the pool a moment ago each time
        with db.engine.connect() as connection:
            connection.execute(select(text("1")))
    assert asked == []
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0)
    with db.engine.connect() as connection:
        connection.execute(select(text("1")))
    assert len(asked) == 1
