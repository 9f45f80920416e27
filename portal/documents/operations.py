"""Documents: an employee sends them to a case, answers requests with them, and sees their progress."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.cases.models import Case
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.pagination import Page, paginate
from portal.documents.models import DocumentSubmission, DocumentType
from portal.files import storage
from portal.files.models import StoredFile
from portal.files.storage import Upload
from portal.items import lifecycle as submissions
from portal.items.deadlines import end_of_day, local_date, triage_due
from portal.items.models import InformationRequest, Submission, SubmissionEvent, SubmissionKind
from portal.mail import notifications
from portal.settings import DeadlineSettings, UploadLimits

# Where the employee reads what happened to a document they sent.
SENDER_SCREEN = "employee.submission"


def send_document(
    session,
    employee: User,
    case: Case,
    document_type: str,
    description: str | None,
    note: str | None,
    uploads: list[Upload],
    limits: UploadLimits,
    settings: DeadlineSettings,
    answering: InformationRequest | None = None,
    now: datetime | None = None,
) -> Submission:
    """Receive a document for the employee's case; it enters the inbox as new, due for triage.

    All files are kept, or none: a refused file leaves nothing behind. One person sends at most
    ``limits.documents_per_hour`` documents an hour.
    """
    now = now or utcnow()
    ensure_open(case)
    sent = session.scalar(
        select(func.count(Submission.id)).where(
            Submission.submitted_by_id == employee.id,
            Submission.kind == SubmissionKind.DOCUMENT,
            Submission.submitted_at > now - timedelta(hours=1),
        )
    )
    if sent >= limits.documents_per_hour:
        raise InvalidInput(
            f"You have sent {sent} documents in the last hour, the most we take in an hour. Send the rest later, "
            "or put several pages in one document; if it cannot wait, call your case manager.",
            field="files",
        )
    document_type = DocumentType(document_type)
    description = (description or "").strip() or None
    if document_type is DocumentType.OTHER and not description:
        raise InvalidInput("Say in a few words what the document is.", field="description")
    storage.check_count(uploads, limits, required=True)
    if answering is not None and (
        answering.case_id != case.id or not answering.is_open or answering.document_type is None
    ):
        raise Conflict("That request is no longer open. Your document can still be sent to the case.")
    with storage.saving(session):
        note = (note or "").strip() or None
        submission = submissions.receive(
            session,
            SubmissionKind.DOCUMENT,
            "D",
            case,
            employee,
            now,
            triage_due(now, settings),
            document_type.label,
            message=note,
        )
        detail = DocumentSubmission(
            submission=submission, document_type=document_type, description=description, note=note
        )
        session.add(detail)
        files = storage.store_all(session, uploads, case, submission, employee, limits, settings.timezone)
        submission.summary = _document_summary(detail.type_label, len(files))
        if answering is not None:
            answering.closed_at = now
            answering.answered_by_id = submission.id
    return submission


def provide_information(
    session,
    replier: User,
    submission: Submission,
    message: str | None,
    uploads: list[Upload],
    limits: UploadLimits,
    settings: DeadlineSettings,
    expected_version: int | None,
    now: datetime | None = None,
) -> None:
    """The answer to a request for more information about an item: text, files, or both.

    Only the person asked, who sent the item, may answer: anyone else who can see it (an employee
    seeing their clinician's report) is refused as if it were not there. The item goes back to the
    case manager, due for another look like a new one.
    """
    if replier.id != submission.submitted_by_id:
        raise NotFound()
    now = now or utcnow()
    message = (message or "").strip()
    if not message and not uploads:
        raise InvalidInput("Write a reply or choose a file to send (or both).", field="message")
    storage.check_count(uploads, limits, required=False)
    with submissions.lost_race(session, submission), storage.saving(session):
        files = storage.store_all(session, uploads, submission.case, submission, replier, limits, settings.timezone)
        added = f"Files added: {', '.join(f.original_name for f in files)}" if files else ""
        if files and submission.document is not None:  # a document's title counts its files
            submission.summary = _document_summary(submission.document.type_label, len(files_of(session, submission)))
        submissions.transition(
            session,
            submission,
            replier,
            "provide_information",
            expected_version,
            message="\n".join(filter(None, [message, added])),
            now=now,
            due_at=triage_due(now, settings),
        )
        submissions.close_requests(session, submission, now)
        if submission.assignee is not None:
            notifications.queue(session, submission.assignee.email, "information_provided", submission=submission)


def request_document(
    session,
    actor: User,
    case: Case,
    document_type: str,
    message: str,
    due_date: date,
    settings: DeadlineSettings,
    now: datetime | None = None,
) -> InformationRequest:
    """Ask the employee for a specific document; it shows in their list of what we need."""
    now = now or utcnow()
    ensure_open(case)
    document_type = DocumentType(document_type)
    if due_date <= local_date(now, settings):
        raise InvalidInput("The due date must be after today.", field="due_date")
    request = InformationRequest(
        case=case,
        document_type=document_type,
        requested_by=actor,
        requested_at=now,
        due_at=end_of_day(due_date, settings),
        message=(message or "").strip() or f"Please send your {document_type.label}.",
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="document_requested",
        object_type="information_request",
        object_id=request.id,
        case_id=case.id,
    )
    notifications.queue(session, case.employee.email, "document_requested", request=request)
    session.commit()
    return request


def request_title(request: InformationRequest) -> str:
    """What a request asks for, as the employee's list names it."""
    if request.document_type:
        return DocumentType(request.document_type).label
    return "More information about " + (request.submission.reference if request.submission else "your submission")


def asked_of(request: InformationRequest) -> User:
    """Who a request waits on: the sender of the item it is about, or the employee for a document."""
    return request.submission.submitted_by if request.submission else request.case.employee


def open_request_about(session, submission: Submission) -> InformationRequest | None:
    """The question about ``submission`` still waiting on its sender, if any: what their reply answers."""
    return session.scalar(
        select(InformationRequest)
        .where(InformationRequest.submission_id == submission.id, InformationRequest.closed_at.is_(None))
        .order_by(InformationRequest.requested_at.desc())
        .limit(1)
    )


def open_requests(session, employee: User) -> list[InformationRequest]:
    """What we need from the employee, soonest due first: document requests, and questions about what they sent."""
    query = (
        select(InformationRequest)
        .join(Case, InformationRequest.case_id == Case.id)
        .outerjoin(Submission, InformationRequest.submission_id == Submission.id)
        .where(
            access.case_visibility(employee),
            Case.employee_id == employee.id,
            InformationRequest.closed_at.is_(None),
            or_(InformationRequest.submission_id.is_(None), Submission.submitted_by_id == employee.id),
        )
        .options(joinedload(InformationRequest.case), joinedload(InformationRequest.submission))
        .order_by(InformationRequest.due_at)
    )
    return list(session.scalars(query))


def open_request_for(session, employee: User, request_id: int) -> InformationRequest | None:
    return next((request for request in open_requests(session, employee) if request.id == request_id), None)


def files_of(session, submission: Submission) -> list[StoredFile]:
    return list(
        session.scalars(select(StoredFile).where(StoredFile.submission_id == submission.id).order_by(StoredFile.id))
    )


def _document_summary(type_label: str, files: int) -> str:
    return f"{type_label} ({files} file{'s' if files != 1 else ''})"


def history_page(session, user: User, page: int, per_page: int) -> Page:
    """Everything the user sent, newest first, with each item's history loaded alongside."""
    query = (
        access.visible_submissions(user)
        .where(Submission.submitted_by_id == user.id)
        .options(joinedload(Submission.case), selectinload(Submission.events).joinedload(SubmissionEvent.actor))
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
    )
    return paginate(session, query, page, per_page)


def recent_activity(session, user: User, limit: int = 5) -> list[SubmissionEvent]:
    query = (
        select(SubmissionEvent)
        .join(Submission, SubmissionEvent.submission_id == Submission.id)
        .join(Case, Submission.case_id == Case.id)
        .where(access.submission_visibility(user))
        .options(joinedload(SubmissionEvent.submission), joinedload(SubmissionEvent.actor))
        .order_by(SubmissionEvent.at.desc(), SubmissionEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
