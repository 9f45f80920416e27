"""Finding people's values for the filters."""

from portal.accounts.models import Role
from portal.accounts.search import departments
from tests import factories


def test_departments_are_each_department_someone_works_in_once_in_order(db_session):
    assert departments(db_session) == []
    for department in ("Warehouse", "Assembly", "Warehouse", None, "Customer service", "Assembly"):
        factories.user(db_session, Role.EMPLOYEE, department=department)
    factories.user(db_session, Role.SUPERVISOR, department="Zoning")
    db_session.flush()
    assert departments(db_session) == ["Assembly", "Customer service", "Warehouse", "Zoning"]
