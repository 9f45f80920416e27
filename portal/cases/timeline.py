"""A case's timeline: everything that happened on it, newest first, in the words of whoever reads it.

The case manager reads every entry. The employee reads their own story ("You sent...", "Your case manager
asked..."): no notes, no conversation with a clinician, nothing the case managers did among themselves. The
supervisor reads what they need to plan work: the case's course, work status and restrictions, their own offers
and reports, accommodations to put in place; never a note, a message, a document or anything medical.

Each source is one query, so a page costs the same whatever the case holds; pages run by keyset on
(moment, source, row id), each source asked only for the rows before the cursor."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import joinedload

from portal.accommodations.models import AccommodationRequest, Decision
from portal.accounts.models import Role, User
from portal.cases.models import Case, CaseEvent, CaseEventKind, CaseOutcome, CaseParticipant, CaseStatus, ReturnDuty
from portal.core.dates import written_date
from portal.core.numbers import whole_number
from portal.core.pagination import moment_cursor, parse_moment_cursor
from portal.documents.models import DocumentType
from portal.items.models import InformationRequest, Submission, SubmissionEvent, SubmissionKind
from portal.messages.models import Message, MessageThread, ThreadKind
from portal.notes.models import CaseNote
from portal.notices.models import Notice, NoticeKind
from portal.plans.models import ReturnToWorkPlan
from portal.restrictions.models import RestrictionReport, WorkStatus


class Audience(StrEnum):
    CASE_MANAGER = "case_manager"
    EMPLOYEE = "employee"
    SUPERVISOR = "supervisor"


class EntryKind(StrEnum):
    """What an entry is about: the timeline's filter."""

    CASE = "case"
    REPORTS = "reports"
    DOCUMENTS = "documents"
    REQUESTS = "requests"
    ACCOMMODATIONS = "accommodations"
    OFFERS = "offers"
    MESSAGES = "messages"
    NOTES = "notes"
    PLAN = "plan"
    CLINICIANS = "clinicians"
    NOTICES = "notices"

    @property
    def label(self) -> str:
        return {
            "case": "The case: opening, status, return, closing",
            "reports": "Reports, work status and restrictions",
            "documents": "Documents",
            "requests": "Requests",
            "accommodations": "Accommodations",
            "offers": "Transitional duty",
            "messages": "Messages",
            "notes": "Notes",
            "plan": "Return-to-work plan",
            "clinicians": "Clinicians",
            "notices": "Notices",
        }[self.value]


# What each audience may filter by (and so read at all).
KINDS: dict[Audience, list[EntryKind]] = {
    Audience.CASE_MANAGER: list(EntryKind),
    Audience.EMPLOYEE: [kind for kind in EntryKind if kind is not EntryKind.NOTES],
    Audience.SUPERVISOR: [
        EntryKind.CASE,
        EntryKind.REPORTS,
        EntryKind.ACCOMMODATIONS,
        EntryKind.OFFERS,
        EntryKind.PLAN,
    ],
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: EntryKind
    text: str
    detail: str | None = None
    submission_id: int | None = None  # the item it is about, for a link the reader may follow
    # The keyset: the moment, then the source and the row within it.
    source: int = 0
    row: int = 0

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, self.source, self.row)


@dataclass(frozen=True)
class Cursor:
    at: datetime
    source: int
    row: int

    def __str__(self) -> str:
        return f"{moment_cursor(self.at, self.source)}.{self.row}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        head, _, row = (text or "").rpartition(".")
        at_source, known_row = parse_moment_cursor(head), whole_number(row)
        if at_source is None or known_row is None:
            return None
        return cls(*at_source, known_row)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    next_cursor: str | None


@dataclass(frozen=True)
class Reader:
    """Who reads the timeline, and so in whose words it is told."""

    audience: Audience
    user: User

    def who(self, actor: User | None, role_words: str = "") -> str:
        if actor is None:
            return "The portal"
        if actor.id == self.user.id:
            return "You"
        if self.audience is Audience.CASE_MANAGER:
            return actor.name
        return role_words or _role_words(actor, self.user)


def _role_words(actor: User, reader: User) -> str:
    role = Role(actor.role)
    if role is Role.CASE_MANAGER:
        return "Your case manager" if Role(reader.role) is Role.EMPLOYEE else "The case manager"
    if role is Role.SUPERVISOR:
        return "Your supervisor" if Role(reader.role) is Role.EMPLOYEE else actor.name
    if role is Role.CLINICIAN:
        return "Your clinician" if Role(reader.role) is Role.EMPLOYEE else "A clinician"
    if role is Role.EMPLOYEE:
        return actor.name
    return "The portal"


def audience_of(user: User) -> Audience:
    role = Role(user.role)
    return {
        Role.CASE_MANAGER: Audience.CASE_MANAGER,
        Role.EMPLOYEE: Audience.EMPLOYEE,
        Role.SUPERVISOR: Audience.SUPERVISOR,
    }[role]


def _before(column, id_column, source: int, cursor: Cursor | None):
    """SQL: this source's rows that come after the cursor in the timeline (older, or older in the tie-break)."""
    if cursor is None:
        return true()
    if source < cursor.source:
        return column <= cursor.at
    if source > cursor.source:
        return column < cursor.at
    return or_(column < cursor.at, and_(column == cursor.at, id_column < cursor.row))


def _status_label(value: str | None) -> str:
    return CaseStatus(value).label.lower() if value else "none"


# Each source: (number, the kinds it gives, who reads it, the function that reads it).
SourceReader = Callable[[object, Case, Reader, Cursor | None, int], Iterable[Entry]]


def _opened(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    at = case.opened_at
    if cursor is not None and (at, 1, case.id) >= (cursor.at, cursor.source, cursor.row):
        return []
    text = {
        Audience.CASE_MANAGER: f"Case {case.number} opened ({case.type_label.lower()}).",
        Audience.EMPLOYEE: f"Your case {case.number} was opened ({case.type_label.lower()}).",
        Audience.SUPERVISOR: f"A case was opened for {case.employee.name}.",
    }[reader.audience]
    return [Entry(at, EntryKind.CASE, text, source=1, row=case.id)]


def _case_events(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, _before(CaseEvent.at, CaseEvent.id, 2, cursor))
        .options(joinedload(CaseEvent.actor))
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        .limit(limit)
    )
    for event in events:
        text, detail = _case_event_words(event, case, reader)
        if text:
            yield Entry(event.at, EntryKind.CASE, text, detail, source=2, row=event.id)


def _case_event_words(event: CaseEvent, case: Case, reader: Reader) -> tuple[str, str | None]:
    manager = reader.audience is Audience.CASE_MANAGER
    who = reader.who(event.actor)
    kind = CaseEventKind(event.kind)
    if kind is CaseEventKind.STATUS_CHANGED:
        return f"Status: {_status_label(event.before)} to {_status_label(event.after)}.", None
    if kind is CaseEventKind.EXPECTED_RETURN_CHANGED:
        after = written_date(event.after) if event.after else "not known"
        before = written_date(event.before) if event.before else "not known"
        # The reason is the case manager's working note: it may say more than the reader should read.
        return f"{who} changed the expected return from {before} to {after}.", event.reason if manager else None
    if kind in (CaseEventKind.RETURN_REPORTED, CaseEventKind.RETURN_RECORDED):
        duty = ReturnDuty(event.after).label.lower() if event.after else "work"
        verb = "reported" if kind is CaseEventKind.RETURN_REPORTED else "recorded"
        return f"{who} {verb} a return to {duty} on {written_date(event.effective_on)}.", None
    if kind is CaseEventKind.CLOSED:
        if reader.audience is Audience.SUPERVISOR:
            return f"{who} closed the case on {written_date(event.effective_on)}.", None
        outcome = CaseOutcome(event.after).label.lower() if event.after else "closed"
        return (
            f"{who} closed the case on {written_date(event.effective_on)}: {outcome}.",
            event.reason if manager else None,
        )
    if kind is CaseEventKind.REOPENED:
        return f"{who} reopened the case.", event.reason if reader.audience is not Audience.SUPERVISOR else None
    return "", None


KIND_OF_ITEM = {
    SubmissionKind.DOCUMENT: EntryKind.DOCUMENTS,
    SubmissionKind.ACCOMMODATION_REQUEST: EntryKind.ACCOMMODATIONS,
    SubmissionKind.RESTRICTION_REPORT: EntryKind.REPORTS,
    SubmissionKind.DUTY_OFFER: EntryKind.OFFERS,
    SubmissionKind.INTAKE_REPORT: EntryKind.REPORTS,
}
# What happened to an item, as a verb; the case managers' own steps (claiming, assigning) only they read.
ITEM_VERBS = {
    "submit": "sent",
    "triaged": "triaged",
    "request_information": "asked for more information about",
    "provide_information": "replied about",
    "accept": "accepted",
    "decline": "declined",
    "grant": "granted",
    "offer_alternative": "offered an alternative for",
    "deny": "did not grant",
    "alternative_accepted": "accepted the alternative offered for",
    "reconsider": "asked for a new look at the decision on",
    "withdraw": "withdrew",
    "employee_accepted": "accepted",
    "employee_declined": "declined",
}
INTERNAL_VERBS = {"claim": "started reviewing", "assign": "assigned", "release": "released", "fit_changed": "rechecked"}
# An offer reaches the employee when the case manager accepts it (forwarding it); then they answer it.
OFFER_STEPS_THEY_READ = ["accept", "employee_accepted", "employee_declined"]


def _item_events(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    query = (
        select(SubmissionEvent)
        .join(Submission, SubmissionEvent.submission_id == Submission.id)
        .where(Submission.case_id == case.id, _before(SubmissionEvent.at, SubmissionEvent.id, 3, cursor))
        .options(joinedload(SubmissionEvent.actor), joinedload(SubmissionEvent.submission))
        .order_by(SubmissionEvent.at.desc(), SubmissionEvent.id.desc())
    )
    if reader.audience is Audience.EMPLOYEE:
        # Their own story: no case manager's internal step, and an offer only once it reached them.
        query = query.where(
            SubmissionEvent.action.not_in(list(INTERNAL_VERBS)),
            or_(Submission.kind != SubmissionKind.DUTY_OFFER, SubmissionEvent.action.in_(OFFER_STEPS_THEY_READ)),
        )
    elif reader.audience is Audience.SUPERVISOR:
        # What they sent themselves, and nothing medical: their offers and their reports, as far as they went.
        query = query.where(
            Submission.submitted_by_id == reader.user.id,
            SubmissionEvent.action.in_(
                ["submit", "triaged", "accept", "decline", "employee_accepted", "employee_declined", "withdraw"]
            ),
        )
    for event in session.scalars(query.limit(limit)):
        item = event.submission
        verb = ITEM_VERBS.get(event.action) or INTERNAL_VERBS.get(event.action) or event.action.replace("_", " ")
        if item.kind == SubmissionKind.DUTY_OFFER and event.action == "accept":
            verb = "forwarded to the employee" if reader.audience is not Audience.EMPLOYEE else "sent you"
        who = reader.who(event.actor)
        kind_words = SubmissionKind(item.kind).label.lower()
        if reader.audience is Audience.CASE_MANAGER:
            what = f"{item.summary} ({item.reference})"
        else:
            whose = "your" if item.submitted_by_id == reader.user.id else "the"
            what = f"{whose} {kind_words} {item.reference}"
        # What was said: the case manager reads all of it; the employee only what was said to them about what
        # they sent (a question, a refusal's reason), never what was asked of their clinician or supervisor.
        detail = (
            event.message
            if reader.audience is Audience.CASE_MANAGER
            or (
                reader.audience is Audience.EMPLOYEE
                and item.submitted_by_id == reader.user.id
                and event.action in ("request_information", "decline", "deny")
            )
            else None
        )
        yield Entry(
            event.at,
            KIND_OF_ITEM[SubmissionKind(item.kind)],
            f"{who} {verb} {what}.",
            detail,
            item.id,
            source=3,
            row=event.id,
        )


def _restriction_changes(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    """Each report that became the case's restrictions: the work status from when, never a diagnosis."""
    reports = session.scalars(
        select(RestrictionReport)
        .join(Submission, RestrictionReport.submission_id == Submission.id)
        .where(
            Submission.case_id == case.id,
            RestrictionReport.accepted_at.is_not(None),
            _before(RestrictionReport.accepted_at, RestrictionReport.submission_id, 4, cursor),
        )
        .order_by(RestrictionReport.accepted_at.desc(), RestrictionReport.submission_id.desc())
        .limit(limit)
    )
    for report in reports:
        accepted = report.accepted_at
        assert accepted is not None  # the query keeps accepted reports only
        whose = "Your work status" if reader.audience is Audience.EMPLOYEE else "Work status"
        status = WorkStatus(report.work_status).label
        until = f" until {written_date(report.expected_until)}" if report.expected_until else ""
        yield Entry(
            accepted,
            EntryKind.REPORTS,
            f"{whose} from {written_date(report.effective_from)}{until}: {status.lower()}. "
            "The restrictions in force changed.",
            submission_id=report.submission_id,
            source=4,
            row=report.submission_id,
        )


def _granted(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    """For the supervisor, who puts them in place: what was granted, in the decision's words, nothing more."""
    requests = session.scalars(
        select(AccommodationRequest)
        .join(Submission, AccommodationRequest.submission_id == Submission.id)
        .where(
            Submission.case_id == case.id,
            AccommodationRequest.decision == Decision.GRANTED,
            AccommodationRequest.decided_at.is_not(None),
            _before(AccommodationRequest.decided_at, AccommodationRequest.submission_id, 5, cursor),
        )
        .order_by(AccommodationRequest.decided_at.desc(), AccommodationRequest.submission_id.desc())
        .limit(limit)
    )
    for request in requests:
        decided = request.decided_at
        assert decided is not None  # the query keeps decided requests only
        yield Entry(
            decided,
            EntryKind.ACCOMMODATIONS,
            f"An accommodation to put in place: {request.decision_what}.",
            source=5,
            row=request.submission_id,
        )


def _requests(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    """Documents the case manager asked the employee for (requests about an item are that item's events)."""
    requests = session.scalars(
        select(InformationRequest)
        .where(
            InformationRequest.case_id == case.id,
            InformationRequest.document_type.is_not(None),
            _before(InformationRequest.requested_at, InformationRequest.id, 6, cursor),
        )
        .options(joinedload(InformationRequest.requested_by))
        .order_by(InformationRequest.requested_at.desc(), InformationRequest.id.desc())
        .limit(limit)
    )
    for request in requests:
        document = DocumentType(request.document_type).label
        whom = "you" if reader.audience is Audience.EMPLOYEE else "the employee"
        yield Entry(
            request.requested_at,
            EntryKind.REQUESTS,
            f"{reader.who(request.requested_by)} asked {whom} for {document}, "
            f"due {written_date(request.due_at.date())}.",
            request.message,
            source=6,
            row=request.id,
        )


def _messages(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    query = (
        select(Message)
        .join(MessageThread, Message.thread_id == MessageThread.id)
        .where(MessageThread.case_id == case.id, _before(Message.sent_at, Message.id, 7, cursor))
        .options(joinedload(Message.author), joinedload(Message.thread).joinedload(MessageThread.party))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit)
    )
    if reader.audience is Audience.EMPLOYEE:
        query = query.where(MessageThread.kind == ThreadKind.EMPLOYEE)  # a clinician's thread is not theirs
    for message in session.scalars(query):
        thread = message.thread
        if reader.audience is Audience.EMPLOYEE:
            text = (
                "You wrote to your case manager."
                if message.author_id == reader.user.id
                else "Your case manager wrote to you."
            )
        else:
            other = "the employee" if thread.kind == ThreadKind.EMPLOYEE else thread.party.name
            text = (
                f"{reader.who(message.author)} wrote to {other}."
                if Role(message.author.role) is Role.CASE_MANAGER
                else f"{message.author.name} wrote to the case managers."
            )
        yield Entry(message.sent_at, EntryKind.MESSAGES, text, _excerpt(message.body), source=7, row=message.id)


def _excerpt(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _notes(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    notes = session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id == case.id, _before(CaseNote.written_at, CaseNote.id, 8, cursor))
        .options(joinedload(CaseNote.author))
        .order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
        .limit(limit)
    )
    for note in notes:
        what = "amended a note" if note.amends_id else f"wrote a note: {note.kind_label.lower()}"
        with_whom = f" with {note.with_whom}" if note.with_whom and not note.amends_id else ""
        yield Entry(
            note.written_at,
            EntryKind.NOTES,
            f"{reader.who(note.author)} {what}{with_whom}.",
            _excerpt(note.text),
            source=8,
            row=note.id,
        )


def _plan(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    plan = session.scalar(
        select(ReturnToWorkPlan)
        .where(ReturnToWorkPlan.case_id == case.id)
        .options(joinedload(ReturnToWorkPlan.created_by))
    )
    if plan is None:
        return []
    entries = [
        Entry(
            plan.created_at,
            EntryKind.PLAN,
            f"{reader.who(plan.created_by)} wrote the return-to-work plan.",
            source=9,
            row=1,
        )
    ]
    if plan.version > 1:
        entries.append(
            Entry(
                plan.changed_at,
                EntryKind.PLAN,
                f"The return-to-work plan changed (version {plan.version}).",
                source=9,
                row=2,
            )
        )
    if plan.acknowledged_at is not None:
        whose = "You" if reader.audience is Audience.EMPLOYEE else case.employee.name
        entries.append(
            Entry(
                plan.acknowledged_at,
                EntryKind.PLAN,
                f"{whose} acknowledged the plan (version {plan.acknowledged_version}).",
                source=9,
                row=3,
            )
        )
    return [entry for entry in entries if cursor is None or entry.key < (cursor.at, cursor.source, cursor.row)]


def _clinicians(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    participants = session.scalars(
        select(CaseParticipant)
        .where(CaseParticipant.case_id == case.id, _before(CaseParticipant.granted_at, CaseParticipant.id, 10, cursor))
        .order_by(CaseParticipant.granted_at.desc(), CaseParticipant.id.desc())
        .limit(limit)
    )
    for participant in participants:
        if participant.granted_by_id == reader.user.id:
            who = "You"
        elif participant.granted_by_id == case.employee_id:
            who = "The employee"
        else:
            who = "A case manager" if reader.audience is Audience.CASE_MANAGER else "Your case manager"
        yield Entry(
            participant.granted_at,
            EntryKind.CLINICIANS,
            f"{who} authorised {participant.shown_name} until {written_date(participant.valid_until)}"
            f"{' (revoked since)' if participant.revoked_at else ''}.",
            source=10,
            row=participant.id,
        )


def _notices(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    """The eligibility notice recorded as given by hand (on paper, say); one issued in the portal says so itself."""
    given = case.eligibility_notice_given_on
    if given is None or session.scalar(
        select(Notice.id).where(Notice.case_id == case.id, Notice.kind == NoticeKind.ELIGIBILITY).limit(1)
    ):
        return []
    at = datetime.combine(given, datetime.min.time(), tzinfo=UTC)
    if cursor is not None and (at, 11, case.id) >= (cursor.at, cursor.source, cursor.row):
        return []
    whom = "you" if reader.audience is Audience.EMPLOYEE else "the employee"
    return [
        Entry(
            at,
            EntryKind.NOTICES,
            f"The FMLA eligibility and rights notice was given to {whom}.",
            source=11,
            row=case.id,
        )
    ]


def _issued_notices(session, case: Case, reader: Reader, cursor: Cursor | None, limit: int) -> Iterable[Entry]:
    """The notices and letters issued to the employee, and by whom; what they say is in the notice itself."""
    issued = session.scalars(
        select(Notice)
        .where(Notice.case_id == case.id, _before(Notice.issued_at, Notice.id, 12, cursor))
        .options(joinedload(Notice.issued_by))
        .order_by(Notice.issued_at.desc(), Notice.id.desc())
        .limit(limit)
    )
    for notice in issued:
        yield Entry(
            notice.issued_at,
            EntryKind.NOTICES,
            f"{notice.kind_label} issued by {notice.issued_by.name}.",
            source=12,
            row=notice.id,
        )


SOURCES: list[tuple[set[EntryKind], set[Audience], SourceReader]] = [
    ({EntryKind.CASE}, set(Audience), _opened),
    ({EntryKind.CASE}, set(Audience), _case_events),
    (set(KIND_OF_ITEM.values()), set(Audience), _item_events),
    ({EntryKind.REPORTS}, set(Audience), _restriction_changes),
    ({EntryKind.ACCOMMODATIONS}, {Audience.SUPERVISOR}, _granted),
    ({EntryKind.REQUESTS}, {Audience.CASE_MANAGER, Audience.EMPLOYEE}, _requests),
    ({EntryKind.MESSAGES}, {Audience.CASE_MANAGER, Audience.EMPLOYEE}, _messages),
    ({EntryKind.NOTES}, {Audience.CASE_MANAGER}, _notes),
    ({EntryKind.PLAN}, set(Audience), _plan),
    ({EntryKind.CLINICIANS}, {Audience.CASE_MANAGER, Audience.EMPLOYEE}, _clinicians),
    ({EntryKind.NOTICES}, {Audience.CASE_MANAGER, Audience.EMPLOYEE}, _notices),
    ({EntryKind.NOTICES}, {Audience.CASE_MANAGER, Audience.EMPLOYEE}, _issued_notices),
]


def page(
    session, reader: User, case: Case, kind: str | None = None, after: str | None = None, per_page: int = 50
) -> TimelinePage:
    """One page of the case's timeline for ``reader`` (who may see the case: the caller asked access), newest
    first, of one kind or all."""
    audience = audience_of(reader)
    chosen = next((known for known in KINDS[audience] if known.value == kind), None)
    cursor = Cursor.parse(after)
    who = Reader(audience, reader)
    entries: list[Entry] = []
    for kinds, audiences, read in SOURCES:
        if audience in audiences and (chosen is None or chosen in kinds):
            entries.extend(
                entry
                for entry in read(session, case, who, cursor, per_page + 1)
                if chosen is None or entry.kind is chosen
            )
    if cursor is not None:  # each source asked for rows after the cursor; this keeps the promise exactly
        entries = [entry for entry in entries if entry.key < (cursor.at, cursor.source, cursor.row)]
    entries.sort(key=lambda entry: entry.key, reverse=True)
    shown = entries[:per_page]
    more = len(entries) > per_page
    last = shown[-1] if shown else None
    return TimelinePage(shown, str(Cursor(last.at, last.source, last.row)) if more and last else None)


def kinds_for(user: User) -> list[EntryKind]:
    return KINDS[audience_of(user)]
