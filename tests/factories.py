"""Factories: the smallest real objects a test needs, with sensible defaults."""

import itertools
import tempfile
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.accounts.models import ClinicianCredential, Role, User
from portal.cases import operations as cases
from portal.cases.models import AuthorisationScope, Case, CaseParticipant, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.inbox import kinds
from portal.items import deadlines, lifecycle
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.restrictions import reports
from portal.restrictions.operations import ReportInput
from portal.settings import DeadlineSettings, UploadLimits

PASSWORD = "correct horse battery staple"
# The tests' fast method (conftest configures the app with it): scrypt takes 0.2 s a check here.
FAST_HASH = "pbkdf2:sha256:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=FAST_HASH)
_sequence = itertools.count(1)


def user(session, role: str = Role.EMPLOYEE, verified: bool = True, **attributes) -> User:
    """An account; a clinician's is confirmed by a case manager (an NPI on record) unless ``verified`` is False."""
    n = next(_sequence)
    values = {
        "email": f"{role}{n}@example.test",
        "name": f"{role.replace('_', ' ').title()} {n}",
        "password_hash": _PASSWORD_HASH,
        "active": True,
        "role": role,
    }
    values.update(attributes)
    account = User(**values)
    session.add(account)
    session.flush()
    if role == Role.CLINICIAN and verified:
        # Confirmed "by" themselves: a test needs a confirmed clinician, not one more case manager.
        session.add(ClinicianCredential(clinician_id=account.id, npi="1234567893", verified_by_id=account.id))
        session.flush()
    return account


def case(session, employee: User | None = None, case_manager: User | None = None, **attributes) -> Case:
    employee = employee or user(session, Role.EMPLOYEE)
    values = {
        "number": cases.next_case_number(session),
        "employee": employee,
        "case_manager": case_manager,
        "case_type": CaseType.LEAVE,
        "status": CaseStatus.OPEN,
    }
    values.update(attributes)
    record = Case(**values)
    session.add(record)
    session.flush()
    return record


def authorisation(session, case: Case, clinician: User, **attributes) -> CaseParticipant:
    today = utcnow().date()
    values = {
        "case": case,
        "clinician": clinician,
        "named_email": clinician.email,
        "granted_by_id": case.employee_id,
        "scope": AuthorisationScope.WORK_STATUS,
        "valid_from": today - timedelta(days=1),
        "valid_until": today + timedelta(days=365),
    }
    values.update(attributes)
    record = CaseParticipant(**values)
    session.add(record)
    session.flush()
    return record


def accepted_report(
    session, case: Case, work_status: str = "modified_duty", effective_from: date | None = None, **limits
) -> Submission:
    """A clinician's report (modified duty unless told otherwise, in effect from today unless told otherwise)
    with ``limits`` (Limits by dimension), accepted: the case's current restrictions, as the services leave them."""
    clinician = user(session, Role.CLINICIAN)
    manager = user(session, Role.CASE_MANAGER)
    authorisation(session, case, clinician)
    today = utcnow().date()
    report = ReportInput(
        visit_date=min(today, effective_from or today),
        work_status=work_status,
        effective_from=effective_from or today,
        limits=limits,
        diagnoses=[("M54.50", "Low back pain")],
        attested_name=clinician.name,
        licence_number="MD-1",
    )
    uploads = UploadLimits(tempfile.gettempdir(), 10**6, 3)  # no file is sent
    item = reports.submit(session, clinician, case, report, None, uploads, DeadlineSettings())
    lifecycle.claim(session, item, manager, item.version)
    kinds.accept(session, item, manager, item.version)
    return item


def inbox_item(
    session,
    case: Case | None = None,
    kind: str = SubmissionKind.DOCUMENT,
    status: str = SubmissionStatus.NEW,
    due_in: timedelta | None = timedelta(days=2),
    received_ago: timedelta = timedelta(hours=1),
    **attributes,
) -> Submission:
    """An inbox item with no details behind it, for the list's rules: due ``due_in`` from now."""
    case = case or globals()["case"](session)
    now = utcnow()
    n = next(_sequence)
    values = {
        "reference": f"X-{n:04d}-TEST",
        "kind": kind,
        "case": case,
        "submitted_by": case.employee,
        "submitted_at": now - received_ago,
        "status": status,
        "summary": f"Item {n}",
        "due_at": None if due_in is None else now + due_in,
    }
    values.update(attributes)
    item = Submission(**values)
    item.priority_at = deadlines.priority_at(item.kind, item.priority or 0, item.due_at)
    session.add(item)
    session.flush()
    return item


def pdf_bytes(pages: int = 1, **save_options) -> bytes:
    """A real PDF made by pikepdf; ``save_options`` go to ``Pdf.save`` (encryption=...)."""
    import io

    import pikepdf

    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page()
    buffer = io.BytesIO()
    document.save(buffer, **save_options)
    return buffer.getvalue()


def image_bytes(image_format: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    """A real image made by Pillow: JPEG, PNG, TIFF or HEIF."""
    import io

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def stored_file(
    session,
    case: Case,
    upload_folder,
    content: bytes | None = None,
    name: str = "report.pdf",
    uploaded_by: User | None = None,
    **options,
):
    """A file stored through the storage service (which commits), a one-page PDF unless told otherwise."""
    import io

    from portal.files import storage

    with storage.saving(session):
        return storage.store_upload(
            session,
            io.BytesIO(content or pdf_bytes()),
            name,
            case=case,
            uploaded_by=uploaded_by or case.employee,
            upload_folder=upload_folder,
            max_bytes=25 * 1024 * 1024,
            **options,
        )


def token_in_last_email(session, path: str) -> str:
    """The one-time token in the link to ``path`` in the newest email of the outbox."""
    email = session.scalars(select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(1)).one()
    return email.body_text.split(path, 1)[1].split()[0]


def roster_person(session, user: User | None = None, supervisor=None, **attributes):
    """Someone on the roster, with an account if ``user`` is given; hired long enough ago, with enough hours,
    to be eligible for FMLA leave unless told otherwise."""
    from datetime import date
    from decimal import Decimal

    from portal.accounts.models import RosterPerson

    n = next(_sequence)
    values = {
        "employee_number": f"E{n:05d}",
        "name": user.name if user else f"Person {n}",
        "work_email": user.email if user else f"person{n}@example.test",
        "job_title": "Warehouse associate",
        "department": "Warehouse",
        "location": "Joliet",
        "supervisor_id": supervisor.id if supervisor is not None else None,
        "hire_date": date(2020, 1, 6),
        "hours_last_12_months": Decimal("1800"),
        "user_id": user.id if user else None,
    }
    values.update(attributes)
    person = RosterPerson(**values)
    session.add(person)
    session.flush()
    return person
