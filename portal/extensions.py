"""Extension objects, created unbound here and bound to the app in create_app."""

import sqlite3
import time
from contextlib import suppress
from typing import TYPE_CHECKING

from flask_htmx import HTMX
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from psycopg.pq import TransactionStatus
from sqlalchemy import MetaData, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is db.Model, built from Base by Flask-SQLAlchemy; a type
# checker cannot take an attribute of an object as a base class, so it is told what db.Model is.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
htmx = HTMX()


# SQLite's planner has statistics only when ANALYZE gathers them, and without them it may walk the wrong index (a
# view of the inbox took 17 ms instead of 0.02 ms). SQLite's advice (https://sqlite.org/pragma.html#pragma_optimize)
# for long-lived connections, as the pool's are: PRAGMA optimize=0x10002 when one opens (from 3.46, it checks every
# table and analyses those that changed much), then PRAGMA optimize now and then and before it closes (it analyses
# what this connection's queries used, where the statistics are missing or out of date; usually it does nothing).
# The limit keeps a run quick on a large database on versions before 3.46, which do not set one themselves.
OPTIMIZE_EVERY_SECONDS = 3600
OPTIMIZE_ANALYSIS_LIMIT = 400


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def optimize_sqlite(dbapi_connection, flags: str = "") -> None:
    """Run PRAGMA optimize (with ``flags``) on a SQLite connection, within the analysis limit. Another writer
    holding the database past the busy timeout only puts the statistics off to the next time."""
    cursor = dbapi_connection.cursor()
    try:
        with suppress(sqlite3.OperationalError):
            cursor.execute(f"PRAGMA analysis_limit={OPTIMIZE_ANALYSIS_LIMIT}")
            cursor.execute(f"PRAGMA optimize{flags}")
        cursor.execute("PRAGMA analysis_limit=0")  # an ANALYZE asked for (after a bulk load) reads everything
    finally:
        cursor.close()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, and waits for a lock only when told to. Its
    default page cache (2 MB) would send a large program's index pages back to the operating
    system on every request; 32 MB a connection keeps the inbox's indexes in memory."""
    if _is_sqlite(dbapi_connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()
        optimize_sqlite(dbapi_connection, "=0x10002")
        connection_record.info["optimized_at"] = time.monotonic()


@event.listens_for(Engine, "checkin")
def _sqlite_optimize_now_and_then(dbapi_connection, connection_record):
    """Back in the pool after a request: once an hour, what that connection's queries used is analysed again if
    it changed much."""
    if dbapi_connection is None or not _is_sqlite(dbapi_connection):
        return
    if time.monotonic() - connection_record.info.get("optimized_at", 0) >= OPTIMIZE_EVERY_SECONDS:
        optimize_sqlite(dbapi_connection)
        connection_record.info["optimized_at"] = time.monotonic()


@event.listens_for(Engine, "close")
def _sqlite_optimize_before_closing(dbapi_connection, connection_record):
    if _is_sqlite(dbapi_connection):
        optimize_sqlite(dbapi_connection)


# PostgreSQL plans a statement afresh each time it is sent, unless psycopg has prepared it (from its fifth run on a
# connection); but psycopg forgets every prepared statement on ROLLBACK (a rolled-back change of schema could leave
# them naming what no longer exists), and every request's transaction ended by ROLLBACK, so nothing was ever
# prepared: the inbox paid about 1 ms a page in planning. A transaction that has only read ends by COMMIT instead,
# which for it is the same thing. One that wrote, or failed, is rolled back as ever.
_WROTE = "wrote"


@event.listens_for(Engine, "begin")
def _nothing_written_yet(connection):
    connection.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_a_write(connection, cursor, statement, parameters, context, executemany):
    if not _only_reads(statement, context):
        connection.info[_WROTE] = True


def _only_reads(statement: str, context) -> bool:
    """A SELECT: written as one, or built as one whose common table expressions (a recursive walk along an index)
    read too. Anything else, a statement typed by hand included, counts as a write."""
    if statement.startswith("SELECT "):
        return True
    compiled = getattr(context, "compiled", None)
    return bool(
        compiled is not None
        and getattr(compiled.statement, "is_select", False)
        and not any(expression.element.is_dml for expression in compiled.ctes or ())
    )


@event.listens_for(Engine, "rollback")
def _end_a_read_by_commit(connection):
    if connection.dialect.name != "postgresql" or connection.info.get(_WROTE, True):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
        dbapi_connection.commit()  # the rollback that follows finds no transaction, and does nothing


# A pooled connection the server dropped (a restart, a failover) fails the statement that next uses it. Asking the
# server first, on every checkout (pool_pre_ping), cost each request a round trip to PostgreSQL; a connection is
# asked only once it has sat idle in the pool this long. A server that goes away is gone for longer than that, so the
# connections it dropped have sat that long by the time it answers again; one dropped between two requests a moment
# apart (a backend killed by hand) fails that request with the "unavailable" page, and the pool starts afresh.
PING_AFTER_IDLE_SECONDS = 1.0


def ping_after_idle(engine: Engine) -> None:
    """Ask the server whether a connection still works when it comes out of the pool after sitting idle."""
    if engine.dialect.name == "sqlite":
        return  # a file: nothing to drop it

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, connection_record):
        connection_record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, connection_record, connection_proxy):
        checked_in_at = connection_record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return  # new, or back a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError() from error  # the pool drops it and takes another
