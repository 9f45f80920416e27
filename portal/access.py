"""Who may see and do what: the one place that decides every read and write.

Views and fragments ask these functions; a refusal of an object the user may
not know exists is a NotFound (404), never a 403. The rules (DESIGN.md):

- a case manager sees every case, submission and file;
- an employee sees only their own cases, their submissions and files, and a
  transitional-duty offer only once the case manager has forwarded it;
- a supervisor sees their direct reports' cases as a projection without any
  medical content, and never a medical file;
- a clinician sees only cases whose employee authorised them, only between
  the authorisation's dates and until it is revoked, and medical files only
  when the authorisation covers them;
- an admin manages accounts and sees no case or medical content;
- a return-to-work plan: the case manager writes it and sees its checks against the restrictions, the
  employee reads and acknowledges their own, their supervisor reads its schedule and duties only.
"""

from datetime import date

from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.cases.models import AuthorisationScope, Case, CaseParticipant, CaseStatus
from portal.core.columns import utcnow
from portal.core.errors import NotFound
from portal.duty.models import DutyAvailability, DutyOffer
from portal.files.models import StoredFile
from portal.items.models import Submission, SubmissionKind
from portal.messages.models import Message, MessageAttachment, MessageThread, ThreadKind
from portal.notices.models import Notice

# The home each role lands on, and the areas (blueprints) each role may enter.
HOME_ENDPOINT = {
    Role.EMPLOYEE: "employee.home",
    Role.CLINICIAN: "clinician.home",
    Role.SUPERVISOR: "supervisor.home",
    Role.CASE_MANAGER: "inbox.home",
    Role.ADMIN: "admin.home",
}
AREA_ROLES = {
    "employee": {Role.EMPLOYEE},
    "clinician": {Role.CLINICIAN},
    "supervisor": {Role.SUPERVISOR},
    "inbox": {Role.CASE_MANAGER},
    "admin": {Role.ADMIN},
    "metrics": {Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN},
}
# The program's figures each role sees. Case managers (the program's leads among them) see them all. A supervisor
# sees their own team's, with nothing medical: how cases close (long-term disability, permanent restrictions) and
# accommodation decisions (a disability) are medical; the program's own workload is not theirs. An admin sees the
# program's workload and nothing about anyone's health or work capacity.
FIGURES_SEEN_BY = {
    "cases": {Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN},
    "overdue": {Role.CASE_MANAGER, Role.ADMIN},
    "triage": {Role.CASE_MANAGER, Role.ADMIN},
    "caseload": {Role.CASE_MANAGER, Role.ADMIN},
    "report_lag": {Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN},
    "days_lost": {Role.CASE_MANAGER, Role.SUPERVISOR},
    "closed_duration": {Role.CASE_MANAGER},
    "return_to_work": {Role.CASE_MANAGER, Role.SUPERVISOR},
    "outcomes": {Role.CASE_MANAGER},
    "transitional_duty": {Role.CASE_MANAGER, Role.SUPERVISOR},
    "accommodation": {Role.CASE_MANAGER},
}
# The filters each role may set: a case type or a department would narrow an admin's figures to a few people's
# health; a supervisor's figures are their team's already.
FIGURE_FILTERS = {
    Role.CASE_MANAGER: {"case_type", "department", "case_manager"},
    Role.ADMIN: {"case_manager"},
    Role.SUPERVISOR: set(),
}
# Who may invite whom: admins anyone; case managers the people on their cases.
INVITABLE_ROLES = {
    Role.ADMIN: set(Role),
    Role.CASE_MANAGER: {Role.EMPLOYEE, Role.CLINICIAN, Role.SUPERVISOR},
}


def may_enter_area(user: User, area: str) -> bool:
    return user.is_active and Role(user.role) in AREA_ROLES.get(area, set())


def may_see_figures(user: User, section: str) -> bool:
    return may_enter_area(user, "metrics") and Role(user.role) in FIGURES_SEEN_BY.get(section, set())


def figure_filters(user: User) -> set[str]:
    return FIGURE_FILTERS.get(Role(user.role), set()) if may_enter_area(user, "metrics") else set()


def figures_scope(user: User):
    """SQL condition on Case: the cases whose figures ``user`` sees (None: every case)."""
    if Role(user.role) is Role.SUPERVISOR:
        return case_visibility(user)
    return None if may_enter_area(user, "metrics") else false()


def invitable_roles(user: User) -> list[Role]:
    allowed = INVITABLE_ROLES.get(Role(user.role), set())
    return [role for role in Role if role in allowed]


def _clinician_authorised(clinician_id: int, today: date, medical_documents: bool = False):
    """SQL condition: a live authorisation of this clinician on the case in the outer query."""
    conditions = [
        CaseParticipant.case_id == Case.id,
        CaseParticipant.clinician_id == clinician_id,
        CaseParticipant.revoked_at.is_(None),
        CaseParticipant.valid_from <= today,
        CaseParticipant.valid_until >= today,
    ]
    if medical_documents:
        conditions.append(CaseParticipant.scope == AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS)
    return exists().where(and_(*conditions))


def case_visibility(user: User, today: date | None = None, medical: bool = False):
    """SQL condition on Case: the cases ``user`` may see (with medical content, if asked)."""
    today = today or utcnow().date()
    if not user.is_active:
        return false()
    role = Role(user.role)
    if role is Role.CASE_MANAGER:
        return true()
    if role is Role.EMPLOYEE:
        return Case.employee_id == user.id
    if role is Role.CLINICIAN:
        return _clinician_authorised(user.id, today, medical_documents=medical)
    if role is Role.SUPERVISOR and not medical:
        report = select(User.id).where(User.supervisor_id == user.id)
        # A case still at intake, or one whose report triage joined to another, was never opened: the supervisor
        # learns that a case exists only once it is.
        return and_(Case.employee_id.in_(report), Case.status != CaseStatus.INTAKE, Case.joined_to_id.is_(None))
    return false()


def visible_cases(user: User, today: date | None = None) -> Select:
    return select(Case).where(case_visibility(user, today))


def get_case(session, user: User, case_id: int, today: date | None = None) -> Case:
    case = session.scalar(visible_cases(user, today).where(Case.id == case_id))
    if case is None:
        raise NotFound()
    return case


def can_see_medical(user: User, case: Case, session, today: date | None = None) -> bool:
    """Medical content of a case: diagnosis, notes, medical documents."""
    return (
        session.scalar(select(case_visibility(user, today, medical=True)).select_from(Case).where(Case.id == case.id))
        or False
    )


def submission_visibility(user: User, today: date | None = None):
    """SQL condition on Submission (joined to Case): what ``user`` may open.

    Case managers see every submission; everybody else sees what they sent,
    and employees also see what was sent about their own cases.
    """
    if not user.is_active:
        return false()
    role = Role(user.role)
    if role is Role.CASE_MANAGER:
        return true()
    if role is Role.EMPLOYEE:
        # A duty offer reaches the employee only once the case manager forwards it.
        forwarded = (
            exists()
            .where(DutyOffer.submission_id == Submission.id, DutyOffer.forwarded_at.is_not(None))
            .correlate(Submission)
        )
        return or_(
            and_(Case.employee_id == user.id, or_(Submission.kind != SubmissionKind.DUTY_OFFER, forwarded)),
            Submission.submitted_by_id == user.id,
        )
    if role is Role.SUPERVISOR:
        # Their own report of an injury or absence stays theirs to read while its case is still at intake.
        return and_(
            Submission.submitted_by_id == user.id,
            or_(case_visibility(user, today), Submission.kind == SubmissionKind.INTAKE_REPORT),
        )
    if role is Role.CLINICIAN:
        return and_(Submission.submitted_by_id == user.id, case_visibility(user, today))
    return false()


def inbox_visibility(user: User):
    """SQL condition on Submission alone (no join): what the inbox lists and counts. Only case
    managers have an inbox, and they see every submission."""
    return true() if may_enter_area(user, "inbox") else false()


def visible_submissions(user: User, today: date | None = None) -> Select:
    return select(Submission).join(Case, Submission.case_id == Case.id).where(submission_visibility(user, today))


def get_submission(session, user: User, submission_id: int, today: date | None = None) -> Submission:
    submission = session.scalar(visible_submissions(user, today).where(Submission.id == submission_id))
    if submission is None:
        raise NotFound()
    return submission


def get_file(session, user: User, file_id: int, today: date | None = None) -> StoredFile:
    """A stored file ``user`` may download: medical files need medical access to the case."""
    # A file sent with a message is for the people of that conversation, and only them.
    in_a_message = exists().where(MessageAttachment.stored_file_id == StoredFile.id)
    in_a_thread_they_read = (
        select(MessageAttachment.stored_file_id)
        .join(Message, Message.id == MessageAttachment.message_id)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageAttachment.stored_file_id == StoredFile.id,
            MessageThread.case_id == Case.id,
            thread_visibility(user, today),
        )
        .exists()
    )
    # A notice's PDF is for the case managers and the employee it was issued to, whatever else may see the case.
    is_a_notice = exists().where(Notice.stored_file_id == StoredFile.id)
    query = (
        select(StoredFile)
        .join(Case, StoredFile.case_id == Case.id)
        .where(StoredFile.id == file_id)
        .where(or_(~is_a_notice, notice_visibility(user)))
        .where(
            or_(
                and_(in_a_message, in_a_thread_they_read),
                and_(
                    ~in_a_message,
                    or_(
                        and_(StoredFile.is_medical, case_visibility(user, today, medical=True)),
                        and_(~StoredFile.is_medical, case_visibility(user, today)),
                    ),
                ),
            )
        )
    )
    stored = session.scalar(query)
    if stored is None:
        raise NotFound()
    return stored


# Who may open a case's return-to-work plan: the case manager changes it, the employee reads and acknowledges
# their own, the supervisor reads their report's schedule. Clinicians and admins have no part in it.
PLAN_ROLES = {Role.CASE_MANAGER, Role.EMPLOYEE, Role.SUPERVISOR}


def get_plan_case(session, user: User, case_id: int, today: date | None = None) -> Case:
    """A case whose return-to-work plan ``user`` may open (as ``case_visibility`` lets them see the case), or
    NotFound. What each sees of it: ``may_change_plan``, ``may_acknowledge_plan``, ``sees_plan_checks``."""
    if not user.is_active or Role(user.role) not in PLAN_ROLES:
        raise NotFound()
    return get_case(session, user, case_id, today)


def may_change_plan(user: User) -> bool:
    """Only case managers write a plan."""
    return user.is_active and Role(user.role) is Role.CASE_MANAGER


def may_acknowledge_plan(user: User, case: Case) -> bool:
    """Only the employee whose case it is acknowledges its plan."""
    return user.is_active and Role(user.role) is Role.EMPLOYEE and case.employee_id == user.id


def sees_plan_checks(user: User) -> bool:
    """The plan's checks against the restrictions are medical (a step over a work-hours limit says what the
    limit is): only case managers see them. A supervisor sees the schedule and its duties, nothing else."""
    return may_change_plan(user)


def get_availability(session, user: User, availability_id: int) -> DutyAvailability:
    """Standing light duty ``user`` may change: only the supervisor who posted it."""
    availability = session.get(DutyAvailability, availability_id)
    if availability is None or availability.supervisor_id != user.id:
        raise NotFound()
    return availability


def thread_visibility(user: User, today: date | None = None):
    """SQL condition on MessageThread (joined to Case): the conversations ``user`` reads and writes in.

    Case managers take part in every one; an employee only in their own case's thread with the case managers;
    a clinician only in their own thread, and only while their authorisation of the case is live (of either
    scope: what they write about is the work). Supervisors and admins in none.
    """
    if not user.is_active:
        return false()
    role = Role(user.role)
    if role is Role.CASE_MANAGER:
        return true()
    if role is Role.EMPLOYEE:
        return and_(
            MessageThread.kind == ThreadKind.EMPLOYEE, MessageThread.party_id == user.id, Case.employee_id == user.id
        )
    if role is Role.CLINICIAN:
        return and_(
            MessageThread.kind == ThreadKind.CLINICIAN, MessageThread.party_id == user.id, case_visibility(user, today)
        )
    return false()


def get_thread(
    session, user: User, case_id: int, clinician_id: int | None = None, today: date | None = None
) -> MessageThread:
    """The conversation on a case that ``user`` may open: with the employee, or with the clinician
    ``clinician_id`` (named by a case manager; a clinician's own thread is the only one they have). Until its
    first message the thread is not saved: it comes back new, with its case, kind and party set.

    Anyone else, a clinician the case never named, and a thread of another kind are refused as if they
    were not there.
    """
    role = Role(user.role) if user.is_active else None
    case = get_case(session, user, case_id, today) if role is not None else None
    if case is None:
        raise NotFound()
    if role is Role.CASE_MANAGER and clinician_id is not None:
        named = session.scalar(
            select(CaseParticipant.id)
            .where(CaseParticipant.case_id == case.id, CaseParticipant.clinician_id == clinician_id)
            .limit(1)
        )
        if named is None:
            raise NotFound()
        kind, party_id = ThreadKind.CLINICIAN, clinician_id
    elif role is Role.CASE_MANAGER or (role is Role.EMPLOYEE and clinician_id is None):
        kind, party_id = ThreadKind.EMPLOYEE, case.employee_id
    elif role is Role.CLINICIAN and clinician_id is None:
        kind, party_id = ThreadKind.CLINICIAN, user.id
    else:
        raise NotFound()
    thread = session.scalar(
        select(MessageThread)
        .join(Case, MessageThread.case_id == Case.id)
        .where(MessageThread.case_id == case.id, MessageThread.party_id == party_id, thread_visibility(user, today))
        .options(joinedload(MessageThread.party))
    )
    if thread is None:
        # Not added to the session: the first message saves it.
        thread = MessageThread(
            case_id=case.id, case=case, kind=kind, party_id=party_id, party=session.get(User, party_id)
        )
    if thread.kind != kind:
        raise NotFound()
    return thread


def party_may_read(session, thread: MessageThread, today: date | None = None) -> bool:
    """Whether the other side of the case managers can read ``thread`` now: an active account, and for a
    clinician, a live authorisation of the case. Nobody writes to, or emails, someone who cannot."""
    party = thread.party
    if not party.is_active:
        return False
    if thread.kind == ThreadKind.EMPLOYEE:
        return True
    live = _clinician_authorised(party.id, today or utcnow().date())
    return bool(session.scalar(select(live).select_from(Case).where(Case.id == thread.case_id)))


def may_read_notes(user: User) -> bool:
    """A case manager's notes are theirs and their colleagues': never an employee's, a supervisor's, a
    clinician's or an admin's to read, whatever the case."""
    return user.is_active and Role(user.role) is Role.CASE_MANAGER


def ensure_keeps_notes(user: User) -> None:
    """Only case managers write and read notes: anyone else is answered as if there were none."""
    if not may_read_notes(user):
        raise NotFound()


def may_issue_notices(user: User) -> bool:
    """Only case managers issue notices and letters."""
    return user.is_active and Role(user.role) is Role.CASE_MANAGER


def ensure_issues_notices(user: User) -> None:
    if not may_issue_notices(user):
        raise NotFound()


def notice_visibility(user: User):
    """SQL condition on Notice or its file (joined to Case): the case managers read every notice and letter,
    the employee those issued to them; supervisors, clinicians and admins none, not even that there are any."""
    if may_issue_notices(user):
        return true()
    if user.is_active and Role(user.role) is Role.EMPLOYEE:
        return Case.employee_id == user.id
    return false()


def get_notice(session, user: User, notice_id: int) -> Notice:
    notice = session.scalar(
        select(Notice)
        .join(Case, Notice.case_id == Case.id)
        .where(Notice.id == notice_id, notice_visibility(user))
        .options(joinedload(Notice.case), joinedload(Notice.issued_by), joinedload(Notice.stored_file))
    )
    if notice is None:
        raise NotFound()
    return notice


def may_keep_tasks(user: User) -> bool:
    """Tasks are case managers' work: nobody else has any, or sees any."""
    return user.is_active and Role(user.role) is Role.CASE_MANAGER


def ensure_keeps_tasks(user: User) -> None:
    if not may_keep_tasks(user):
        raise NotFound()
