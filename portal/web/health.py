"""/healthz for load balancers and monitors: JSON, with a database check."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import csrf, db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable", error=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
