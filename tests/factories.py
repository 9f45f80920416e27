"""Factories: the smallest real objects a test needs, with sensible defaults."""
import itertools
from datetime import timedelta

from werkzeug.security import generate_password_hash

from portal.models import AuthorisationScope, Case, CaseParticipant, CaseStatus, CaseType, Role, User
from portal.models.base import utcnow
from portal.services import cases

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashed once: scrypt is slow on purpose
_sequence = itertools.count(1)


def user(session, role: str = Role.EMPLOYEE, **attributes) -> User:
    n = next(_sequence)
    values = {"email": f"{role}{n}@example.test", "name": f"{role.replace('_', ' ').title()} {n}",
              "password_hash": _PASSWORD_HASH, "active": True, "role": role}
    values.update(attributes)
    account = User(**values)
    session.add(account)
    session.flush()
    return account


def case(session, employee: User | None = None, case_manager: User | None = None, **attributes) -> Case:
    employee = employee or user(session, Role.EMPLOYEE)
    values = {"number": cases.next_case_number(session), "employee": employee, "case_manager": case_manager,
              "case_type": CaseType.LEAVE, "status": CaseStatus.OPEN}
    values.update(attributes)
    record = Case(**values)
    session.add(record)
    session.flush()
    return record


def authorisation(session, case: Case, clinician: User, **attributes) -> CaseParticipant:
    today = utcnow().date()
    values = {"case": case, "clinician": clinician, "granted_by_id": case.employee_id,
              "scope": AuthorisationScope.WORK_STATUS, "valid_from": today - timedelta(days=1),
              "valid_until": today + timedelta(days=365)}
    values.update(attributes)
    record = CaseParticipant(**values)
    session.add(record)
    session.flush()
    return record
