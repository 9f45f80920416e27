"""Counting the SQL statements a piece of work runs: a fixed number, whatever the data, is how lists stay fast."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def counting_queries():
    """The statements run inside the block, as a list that fills as they run."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
