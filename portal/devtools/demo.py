"""Demo data: one account per role and a case that shows each of them something real.

Idempotent: running it again changes nothing that is already there.
"""

import io
from datetime import timedelta

import pikepdf
from sqlalchemy import select

from portal.accounts import operations as accounts
from portal.accounts.models import Role, User
from portal.cases import operations as cases
from portal.cases.models import AuthorisationScope, Case, CaseParticipant, CaseType
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.documents.models import DocumentType
from portal.files.storage import Upload
from portal.restrictions import clinicians
from portal.settings import DeadlineSettings, UploadLimits

DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS = [
    ("employee@demo.test", "Alex Employee", Role.EMPLOYEE),
    ("clinician@demo.test", "Dr Casey Clinician", Role.CLINICIAN),
    ("supervisor@demo.test", "Sam Supervisor", Role.SUPERVISOR),
    ("manager@demo.test", "Morgan Manager", Role.CASE_MANAGER),
    ("admin@demo.test", "Ada Admin", Role.ADMIN),
]


DEMO_CLINICIAN_NPI = "1234567893"


def _account(session, email: str, name: str, role: Role) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        # The demo password is shorter than the rule allows real users, so it is set directly.
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=accounts.hash_password(DEMO_PASSWORD),
            active=True,
            organisation="Demo Manufacturing",
            department="Assembly",
        )
        session.add(user)
        session.flush()
    return user


def one_page_pdf(text: str) -> bytes:
    """A one-page PDF saying what it is, so that a demo or test program has real documents to review."""
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(612, 792))
    font = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = document.make_stream(b"BT /F1 18 Tf 72 700 Td (" + text.encode("ascii") + b") Tj ET")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed(session, limits: UploadLimits, settings: DeadlineSettings) -> None:
    users = {role: _account(session, email, name, role) for email, name, role in DEMO_ACCOUNTS}
    employee, manager = users[Role.EMPLOYEE], users[Role.CASE_MANAGER]
    employee.supervisor_id = users[Role.SUPERVISOR].id
    if clinicians.credential_of(session, users[Role.CLINICIAN]) is None:
        # The demo clinician has been checked; a clinician an employee names in the demo has not.
        clinicians.confirm(session, manager, users[Role.CLINICIAN], "MD-12345", "IL", DEMO_CLINICIAN_NPI)
    case = session.scalar(select(Case).where(Case.employee_id == employee.id))
    if case is None:
        today = utcnow().date()
        case = cases.open_case(
            session,
            manager,
            employee,
            CaseType.LEAVE,
            case_manager=manager,
            leave_start=today - timedelta(days=10),
            expected_rtw=today + timedelta(days=25),
        )
        session.add(
            CaseParticipant(
                case=case,
                clinician=users[Role.CLINICIAN],
                named_email=users[Role.CLINICIAN].email,
                granted_by_id=employee.id,
                scope=AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS,
                valid_from=today - timedelta(days=10),
                valid_until=today + timedelta(days=355),
            )
        )
        session.commit()
        documents.send_document(
            session,
            employee,
            case,
            DocumentType.WORK_STATUS_NOTE,
            None,
            "From my appointment last week.",
            [Upload(io.BytesIO(one_page_pdf("Demo work status note")), "work-status.pdf")],
            limits,
            settings,
        )
        documents.request_document(
            session,
            manager,
            case,
            DocumentType.FMLA_CERTIFICATION,
            "",
            today + timedelta(days=settings.document_request_days),
            settings,
        )
    session.commit()
