"""Cases: opening them, numbering them, and the lists each audience sees."""

from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from portal import access
from portal.accounts.models import Role, User
from portal.audit import operations as audit
from portal.cases.models import Case, CaseParticipant, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.core.errors import Conflict, InvalidInput
from portal.files.models import StoredFile
from portal.items.models import InformationRequest, Submission, SubmissionStatus


def closed_case_message(case: Case) -> str:
    """Why nothing new may be asked of or sent to a closed case, in words for whoever tried."""
    closed = f" on {written_date(case.closed_on)}" if case.closed_on else ""
    return (
        f"Case {case.number} was closed{closed}, so nothing new can be asked of or sent to it. "
        "Its case manager can reopen it."
    )


def read_only_reason(case: Case) -> str | None:
    """Why the case takes nothing new (it is closed), or None while it is open."""
    return closed_case_message(case) if case.status == CaseStatus.CLOSED else None


def ensure_open(case: Case) -> None:
    """Refuse anything new on a closed case: it is read only until reopened."""
    reason = read_only_reason(case)
    if reason:
        raise Conflict(reason)


def record_contact(case: Case, at: datetime) -> None:
    """A call, meeting, letter, email or message with the employee: the caseload's last contact moves on."""
    if case.last_contact_at is None or at > case.last_contact_at:
        case.last_contact_at = at


def next_case_number(session, now: datetime | None = None) -> str:
    """Human-readable and sortable: C-<year>-<sequence within the year>."""
    year = (now or utcnow()).year
    prefix = f"C-{year}-"
    last = session.scalar(select(func.max(Case.number)).where(Case.number.like(prefix + "%")))
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def open_case(
    session,
    actor: User,
    employee: User,
    case_type: CaseType,
    case_manager: User | None = None,
    leave_start: date | None = None,
    expected_rtw: date | None = None,
) -> Case:
    case = Case(
        number=next_case_number(session),
        employee=employee,
        case_manager=case_manager,
        case_type=case_type,
        status=CaseStatus.OPEN,
        leave_start=leave_start,
        expected_rtw=expected_rtw,
    )
    session.add(case)
    session.flush()
    audit.record(session, actor=actor, action="case_opened", object_type="case", object_id=case.id, case_id=case.id)
    return case


def cases_for_employee(session, employee: User) -> list[Case]:
    query = access.visible_cases(employee).options(joinedload(Case.case_manager)).order_by(Case.opened_at.desc())
    return list(session.scalars(query))


def open_cases_of_reports(session, supervisor: User) -> list[Case]:
    """The supervisor's direct reports' cases that are not closed: work status and dates, nothing medical."""
    query = (
        access.visible_cases(supervisor)
        .where(Case.status != CaseStatus.CLOSED)
        .options(joinedload(Case.employee), joinedload(Case.case_manager))
        .order_by(Case.expected_rtw.is_(None), Case.expected_rtw)
    )
    return list(session.scalars(query))


def patients_of_clinician(session, clinician: User, today: date | None = None) -> list[CaseParticipant]:
    """The clinician's live authorisations, each with its case and employee."""
    today = today or utcnow().date()
    query = (
        select(CaseParticipant)
        .join(Case, CaseParticipant.case_id == Case.id)
        .where(
            CaseParticipant.clinician_id == clinician.id,
            CaseParticipant.revoked_at.is_(None),
            CaseParticipant.valid_from <= today,
            CaseParticipant.valid_until >= today,
        )
        .options(joinedload(CaseParticipant.case).joinedload(Case.employee))
        .order_by(Case.number)
    )
    return list(session.scalars(query))


def take_case(session, case: Case, case_manager: User) -> None:
    """Make ``case_manager`` the manager of a case that has none (never assigned, or theirs was
    deactivated), so that its emails go to one person again instead of to every case manager."""
    if case.active_case_manager is None:
        # Only while the case still has none: of two case managers pressing at once, one gets it.
        orphaned = or_(Case.case_manager_id.is_(None), Case.case_manager_id.in_(select(User.id).where(~User.active)))
        taken = session.execute(
            update(Case).where(Case.id == case.id, orphaned).values(case_manager_id=case_manager.id)
        ).rowcount
        if taken:
            audit.record(
                session, actor=case_manager, action="case_taken", object_type="case", object_id=case.id, case_id=case.id
            )
            session.commit()
            return
        session.rollback()
    holder = case.active_case_manager
    raise Conflict(
        f"{holder.name} is already this case's case manager."
        if holder
        else "This case changed as you pressed the button. Try again."
    )


def case_managers(session) -> list[User]:
    return list(session.scalars(select(User).where(_ACTIVE_CASE_MANAGER).order_by(User.name)))


def case_manager_names(session) -> tuple[tuple[int, str], ...]:
    """The active case managers as (id, name), by name: what a choice of one needs (the inbox asks on every page)."""
    return tuple((manager_id, name) for manager_id, name in session.connection().execute(_CASE_MANAGER_NAMES))


# The role is written into the statement, not bound: PostgreSQL's plan kept for it then knows how few hold it.
_ACTIVE_CASE_MANAGER = and_(
    User.role == bindparam(None, Role.CASE_MANAGER, type_=User.role.type, literal_execute=True), User.active
)
_CASE_MANAGER_NAMES = select(User.id, User.name).where(_ACTIVE_CASE_MANAGER).order_by(User.name)


def case_manager(session, user_id: int | None) -> User:
    user = session.get(User, user_id) if user_id else None
    if user is None or user.role != Role.CASE_MANAGER or not user.active:
        raise InvalidInput("Choose an active case manager.", field="assignee")
    return user


def record_view(session, viewer: User, case: Case, ip_address: str | None) -> None:
    """A case manager opened the case's page, which shows its current restrictions: recorded."""
    audit.record(
        session,
        actor=viewer,
        action="case_viewed",
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        ip_address=ip_address,
    )
    session.commit()


def case_overview(session, case: Case) -> dict:
    """What a case manager sees on a case: its items, what is asked of the employee, what is filed."""
    items = list(
        session.scalars(
            select(Submission)
            .where(Submission.case_id == case.id)
            .options(joinedload(Submission.assignee), selectinload(Submission.duty_offer))
            .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        )
    )
    requests = list(
        session.scalars(
            select(InformationRequest)
            .where(InformationRequest.case_id == case.id, InformationRequest.closed_at.is_(None))
            .options(joinedload(InformationRequest.submission))
            .order_by(InformationRequest.due_at)
        )
    )
    filed = list(
        session.scalars(
            select(StoredFile)
            .join(Submission, StoredFile.submission_id == Submission.id)
            .where(StoredFile.case_id == case.id, Submission.status == SubmissionStatus.ACCEPTED)
            .options(joinedload(StoredFile.submission))
            .order_by(StoredFile.uploaded_at.desc())
        )
    )
    return {"submissions": items, "requests": requests, "filed_files": filed}
