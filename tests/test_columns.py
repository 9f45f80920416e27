"""The shared column types: what the database holds, and what the models read back."""

from sqlalchemy import select, text

from portal.accounts.models import Role, User
from tests import factories


def test_an_enumerated_column_holds_the_plain_value_and_reads_back_the_member(db_session):
    # Assigned as a plain string, as forms and the roster do.
    account = factories.user(db_session, role="case_manager")
    db_session.commit()
    stored = db_session.execute(text("SELECT role FROM users WHERE id = :id"), {"id": account.id}).scalar_one()
    assert stored == "case_manager" and type(stored) is str

    db_session.expire_all()
    assert db_session.get(User, account.id).role is Role.CASE_MANAGER
    # Compared with a member or with its value alike.
    assert db_session.scalar(select(User.id).where(User.role == Role.CASE_MANAGER)) == account.id
    assert db_session.scalar(select(User.id).where(User.role == "case_manager")) == account.id
    assert db_session.scalar(select(User.role).where(User.id == account.id)) is Role.CASE_MANAGER
