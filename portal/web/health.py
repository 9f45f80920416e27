"""/healthz for load balancers and monitors: JSON, with a database check that the portal could write."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import csrf, db

bp = Blueprint("health", __name__)

# A write that changes nothing: it must still take the database's write lock, which a plain SELECT 1 does not
# (SQLite answers a read while another writer holds the database locked and every real request fails).
WRITE_PROBE = text("UPDATE login_attempts SET id = id WHERE 1 = 0")
# How long the probe waits for a lock on SQLite, in milliseconds: a health check answers quickly.
SQLITE_PROBE_WAIT_MS = 1000


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        with db.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                waits = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_PROBE_WAIT_MS}")
            try:
                connection.execute(WRITE_PROBE)
            finally:
                connection.rollback()
                if sqlite:  # the connection goes back to the pool as it came
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {waits}")
    except SQLAlchemyError as error:
        return jsonify(status="unavailable", database="unreachable", error=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
