"""What the portal's logs may never hold: the medical values a statement was writing."""

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

DIAGNOSIS = "S83.511A-canary"


@pytest.mark.security(
    threat="A diagnosis in the logs, from a database error's parameters",
    control="Statement parameters are hidden from errors and logs (hide_parameters)",
)
def test_a_database_error_names_the_statement_never_the_values(db_session, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DBAPIError) as failed:
        db_session.execute(text("INSERT INTO no_such_table (code) VALUES (:code)"), {"code": DIAGNOSIS})
    db_session.rollback()
    logging.getLogger("portal").exception("a write failed: %s", failed.value)
    assert "no_such_table" in str(failed.value)  # what failed is still said
    assert DIAGNOSIS not in str(failed.value) and DIAGNOSIS not in caplog.text
