"""An INSERT in the session's own dialect, so that its ON CONFLICT clause (the same on PostgreSQL and SQLite) can
let the database decide what two transactions at once would otherwise both write."""

from sqlalchemy.dialects import postgresql, sqlite


def insert_in_dialect(session, model):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
