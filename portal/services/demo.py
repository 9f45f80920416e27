"""Demo data: one account per role and a case that shows each of them something real.

Idempotent: running it again changes nothing that is already there.
"""
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.models import AuthorisationScope, Case, CaseParticipant, CaseType, Role, User
from portal.models.base import utcnow
from portal.services import cases

DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS = [
    ("employee@demo.test", "Alex Employee", Role.EMPLOYEE),
    ("clinician@demo.test", "Dr Casey Clinician", Role.CLINICIAN),
    ("supervisor@demo.test", "Sam Supervisor", Role.SUPERVISOR),
    ("manager@demo.test", "Morgan Manager", Role.CASE_MANAGER),
    ("admin@demo.test", "Ada Admin", Role.ADMIN),
]


def _account(session, email: str, name: str, role: Role) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        # The demo password is shorter than the rule allows real users, so it is set directly.
        user = User(email=email, name=name, role=role, password_hash=generate_password_hash(DEMO_PASSWORD),
                    active=True, organisation="Demo Manufacturing", department="Assembly")
        session.add(user)
        session.flush()
    return user


def seed(session) -> None:
    users = {role: _account(session, email, name, role) for email, name, role in DEMO_ACCOUNTS}
    employee, manager = users[Role.EMPLOYEE], users[Role.CASE_MANAGER]
    employee.supervisor_id = users[Role.SUPERVISOR].id
    case = session.scalar(select(Case).where(Case.employee_id == employee.id))
    if case is None:
        today = utcnow().date()
        case = cases.open_case(session, manager, employee, CaseType.LEAVE, case_manager=manager,
                               leave_start=today - timedelta(days=10), expected_rtw=today + timedelta(days=25))
        session.add(CaseParticipant(case=case, clinician=users[Role.CLINICIAN], granted_by_id=employee.id,
                                    scope=AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS,
                                    valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=355)))
    session.commit()
