"""How a transaction ends: one that wrote, or failed, is rolled back; on PostgreSQL one that only read is committed
instead, the same for it, so that psycopg keeps the statements it has prepared (it forgets them on a rollback)."""

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from portal.accounts.models import User
from portal.extensions import db
from tests import factories


def test_a_transaction_that_wrote_is_rolled_back(db_session):
    person = factories.user(db_session, name="Before")
    db_session.commit()
    with db.engine.connect() as connection:
        connection.execute(select(User.name).where(User.id == person.id))
        connection.execute(update(User).where(User.id == person.id).values(name="After"))
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
