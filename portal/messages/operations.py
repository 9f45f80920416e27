"""Messages on a case: writing in a conversation, reading it, and what each person has not read yet.

A case has a conversation between its employee and the case managers, and one between the case managers and
each treating clinician (``access.thread_visibility`` says who takes part). Each new message emails the other
side a link to it, never its words. Each reader has a last-read mark per conversation, so that what is unread
to them is counted in one query however many conversations they have.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, exists, func, or_, select, tuple_
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal import access
from portal.accounts.models import Role, User
from portal.audit import operations as audit
from portal.cases import operations as cases
from portal.cases.models import Case, CaseParticipant
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.core.inserts import insert_in_dialect
from portal.core.pagination import moment_cursor, parse_moment_cursor
from portal.files import storage
from portal.files.storage import Upload
from portal.items.lifecycle import case_manager_addresses
from portal.mail import notifications
from portal.messages.models import MAX_BODY, Message, MessageAttachment, MessageRead, MessageThread, ThreadKind
from portal.settings import UploadLimits

# The messages a thread's screen shows at once, the newest; earlier ones are a link away.
PER_PAGE = 50
# Where each side reads a thread of each kind: its party (the employee, the clinician), and the case managers.
PARTY_SCREENS = {ThreadKind.EMPLOYEE: "employee.messages", ThreadKind.CLINICIAN: "clinician.messages"}
CASE_MANAGER_SCREENS = {
    ThreadKind.EMPLOYEE: "inbox.employee_messages",
    ThreadKind.CLINICIAN: "inbox.clinician_messages",
}


def thread_link(thread: MessageThread, for_party: bool) -> str:
    """The absolute link to ``thread``, for an email: on its party's screen (``for_party``), or the case managers'."""
    if for_party:
        return notifications.portal_url(PARTY_SCREENS[thread.kind], case_id=thread.case_id)
    values = {"clinician_id": thread.party_id} if thread.kind == ThreadKind.CLINICIAN else {}
    return notifications.portal_url(CASE_MANAGER_SCREENS[thread.kind], case_id=thread.case_id, **values)


def sending_refused(session, thread: MessageThread, today: date | None = None) -> str | None:
    """Why nothing may be written in ``thread`` now, in words for the screen, or None: the case is closed, or
    the clinician can no longer read it."""
    closed = cases.read_only_reason(thread.case)
    if closed:
        return closed
    if thread.kind == ThreadKind.CLINICIAN and not access.party_may_read(session, thread, today):
        return (
            f"{thread.party.name}'s authorisation of case {thread.case.number} has ended, so they can no longer "
            "read messages on it. Earlier messages stay here."
        )
    return None


def send_message(
    session,
    author: User,
    thread: MessageThread,
    body: str | None,
    uploads: list[Upload],
    limits: UploadLimits,
    now: datetime | None = None,
) -> Message:
    """Write in ``thread`` (from ``access.get_thread``) as ``author``, with files checked and stored as every
    upload is: all are kept, or none, and a refused file leaves neither a file nor a row.

    The other side is emailed a link, never the words: the party while they can read it, or the case's case
    manager (every case manager while it has none). A message between the employee and a case manager is
    contact with the employee, and moves the case's last contact on. Refused on a closed case, and to a
    clinician whose authorisation has ended.
    """
    now = now or utcnow()
    cases.ensure_open(thread.case)
    refused = sending_refused(session, thread, now.date())
    if refused:
        raise Conflict(refused)
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Write your message.", field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(
            f"Your message is {len(body)} characters long; a message may be at most {MAX_BODY}. Shorten it, or "
            "send the rest in a second message.",
            field="body",
        )
    storage.check_count(uploads, limits, required=False)
    case_record = thread.case
    with storage.saving(session):
        saved = _saved_thread(session, thread, now)
        message = Message(thread=saved, author=author, body=body, sent_at=now)
        session.add(message)
        session.flush()
        for upload in uploads:
            stored = storage.store_for_field(
                session, upload, "files", case=case_record, uploaded_by=author, limits=limits
            )
            session.add(MessageAttachment(message=message, stored_file=stored))
        saved.last_message_at = now
        _mark_read(session, author, saved, message.id, now)
        if saved.kind == ThreadKind.EMPLOYEE:
            cases.record_contact(case_record, now)
        audit.record(
            session,
            actor=author,
            action="message_sent",
            object_type="message",
            object_id=message.id,
            case_id=case_record.id,
        )
        _email_the_other_side(session, author, saved, now)
    return message


def _saved_thread(session, thread: MessageThread, now: datetime) -> MessageThread:
    """The thread's row, made now if this is its first message. Two first messages at once make one row: the
    insert does nothing when the other made it first (and waits for it, on PostgreSQL)."""
    if thread.id is not None:
        return thread
    session.execute(
        insert_in_dialect(session, MessageThread)
        .values(case_id=thread.case_id, kind=thread.kind, party_id=thread.party_id, started_at=now)
        .on_conflict_do_nothing(index_elements=["case_id", "party_id"])
    )
    return session.scalars(
        select(MessageThread).where(MessageThread.case_id == thread.case_id, MessageThread.party_id == thread.party_id)
    ).one()


def _mark_read(session, reader: User, thread: MessageThread, message_id: int, now: datetime) -> None:
    """``reader`` has read ``thread`` up to ``message_id``; a mark never moves back (two tabs, an older page)."""
    insert = insert_in_dialect(session, MessageRead).values(
        user_id=reader.id, thread_id=thread.id, last_read_id=message_id, read_at=now
    )
    further = insert.excluded.last_read_id > MessageRead.last_read_id
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "thread_id"],
            set_={
                "last_read_id": case((further, insert.excluded.last_read_id), else_=MessageRead.last_read_id),
                "read_at": insert.excluded.read_at,
            },
        )
    )


def _email_the_other_side(session, author: User, thread: MessageThread, now: datetime) -> None:
    if author.id == thread.party_id:
        for address in case_manager_addresses(session, thread.case):
            notifications.queue(
                session,
                address,
                "message_for_case_manager",
                thread=thread,
                sender=author,
                link=thread_link(thread, for_party=False),
            )
    elif access.party_may_read(session, thread, now.date()):
        template = "message_for_employee" if thread.kind == ThreadKind.EMPLOYEE else "message_for_clinician"
        notifications.queue(
            session, thread.party.email, template, thread=thread, recipient=thread.party, link=thread_link(thread, True)
        )


@dataclass(frozen=True)
class ThreadPage:
    """The newest messages of a thread (or those before ``before``), oldest first, as its screen shows them."""

    messages: list[Message]
    earlier: int | None  # the cursor to the messages before these, if there are any
    later: bool  # newer messages than these exist (an earlier page is shown)
    read_up_to: int  # the reader's last-read mark as it stood when they opened it: after it, new to them


def open_thread(
    session, reader: User, thread: MessageThread, ip_address: str | None, before: int | None = None
) -> ThreadPage:
    """A page of ``thread`` for ``reader``, marked read as far as it goes. Reading a clinician's thread is
    reading medical content, so it is recorded for the audit trail (and for the employee to see). The mark and
    the record are committed before the messages are read, so that none is shown unrecorded."""
    if thread.id is None:
        return ThreadPage([], None, False, 0)
    in_thread = [Message.thread_id == thread.id] + ([Message.id < before] if before is not None else [])
    newest = session.scalar(select(func.max(Message.id)).where(*in_thread))
    read_up_to = session.scalar(
        select(MessageRead.last_read_id).where(MessageRead.user_id == reader.id, MessageRead.thread_id == thread.id)
    )
    if newest is None:
        return ThreadPage([], None, before is not None, read_up_to or 0)
    _mark_read(session, reader, thread, newest, utcnow())
    if thread.is_medical:
        audit.record(
            session,
            actor=reader,
            action="messages_read",
            object_type="message_thread",
            object_id=thread.id,
            case_id=thread.case_id,
            ip_address=ip_address,
        )
    later = before is not None and bool(
        session.scalar(select(Message.id).where(Message.thread_id == thread.id, Message.id >= before).limit(1))
    )
    session.commit()
    newest_first = list(
        session.scalars(
            select(Message)
            .where(*in_thread)
            .options(
                joinedload(Message.author),
                selectinload(Message.attachments).joinedload(MessageAttachment.stored_file),
            )
            .order_by(Message.id.desc())
            .limit(PER_PAGE + 1)
        )
    )
    shown = list(reversed(newest_first[:PER_PAGE]))
    return ThreadPage(
        messages=shown,
        earlier=shown[0].id if len(newest_first) > PER_PAGE else None,
        later=later,
        read_up_to=read_up_to or 0,
    )


def thread_title(thread: MessageThread, reader: User) -> str:
    """What a thread's screen is called, for whoever reads it."""
    number = thread.case.number
    if reader.id != thread.party_id:
        who = ", treating clinician" if thread.kind == ThreadKind.CLINICIAN else ""
        return f"Messages with {thread.party.name}{who}, case {number}"
    if thread.kind == ThreadKind.CLINICIAN:
        return f"Messages with the case manager about {thread.case.employee.name}, case {number}"
    return f"Messages with your case manager, case {number}"


def who_reads(thread: MessageThread, reader: User) -> str:
    """Who else reads a thread, said on its screen so that everyone knows whom they are writing to."""
    if thread.kind == ThreadKind.CLINICIAN:
        if reader.id == thread.party_id:
            return (
                "Only you and the case managers read these messages: not your patient's supervisor or employer. "
                "Each reading is recorded."
            )
        return (
            f"Only {thread.party.name} and the case managers read these messages: not the employee, and never their "
            "supervisor. Each reading is recorded, and the employee can see who read them."
        )
    if reader.id == thread.party_id:
        return "Only you and the case managers read these messages. Your supervisor never sees them."
    return f"Only {thread.party.name} and the case managers read these messages. Their supervisor never sees them."


# --- what is unread ---------------------------------------------------------------------------


def _from_the_other_side(reader: User):
    """SQL condition on Message (joined to its thread): written by the other side of the conversation. To the
    employee or clinician, what anyone else wrote; to a case manager, what the employee or clinician wrote."""
    if reader.role == Role.CASE_MANAGER:
        return Message.author_id == MessageThread.party_id
    return Message.author_id != reader.id


def _unread(reader: User, *columns, today: date | None = None):
    """``columns`` over the messages unread to ``reader`` in the threads they take part in."""
    query = select(*columns).select_from(MessageThread)
    if reader.role != Role.CASE_MANAGER:
        # An employee's or a clinician's threads are chosen by their case (access.thread_visibility). A case
        # manager takes part in every thread: joined to the cases, the count would walk every case of the program.
        query = query.join(Case, MessageThread.case_id == Case.id)
    return (
        query.join(Message, Message.thread_id == MessageThread.id)
        .outerjoin(MessageRead, and_(MessageRead.thread_id == MessageThread.id, MessageRead.user_id == reader.id))
        .where(
            access.thread_visibility(reader, today),
            Message.id > func.coalesce(MessageRead.last_read_id, 0),
            _from_the_other_side(reader),
        )
    )


def unread_counts(session, reader: User, case_ids: list[int], today: date | None = None) -> dict[int, int]:
    """How many messages are unread to ``reader`` on each of these cases (only those with any): their own
    conversation on it, for an employee or a clinician. One query."""
    if not case_ids:
        return {}
    rows = session.execute(
        _unread(reader, MessageThread.case_id, func.count(Message.id), today=today)
        .where(MessageThread.case_id.in_(case_ids))
        .group_by(MessageThread.case_id)
    )
    return {case_id: count for case_id, count in rows}


def _followed_by(case_manager: User):
    """SQL condition on a thread (joined to the case manager's read mark): the conversations a case manager
    follows. Those on their cases; on a case with no case manager (as its emails go to every one); and any they
    have opened. The case is asked for each thread (EXISTS), so that the cost follows the conversations, never
    every case of the program."""
    stopped = select(User.id).where(User.role == Role.CASE_MANAGER, ~User.active)
    followed_case = aliased(Case)
    return or_(
        exists().where(
            followed_case.id == MessageThread.case_id,
            or_(
                followed_case.case_manager_id == case_manager.id,
                followed_case.case_manager_id.is_(None),
                followed_case.case_manager_id.in_(stopped),
            ),
        ),
        MessageRead.user_id.is_not(None),
    )


def unread_total(session, case_manager: User) -> int:
    """How many messages from employees and clinicians the case manager has not read, in the conversations
    they follow: the inbox's count. One query."""
    return session.scalar(unread_total_query(case_manager)) or 0


def unread_total_query(case_manager: User) -> Select:
    """``unread_total``'s statement, for a screen that asks it together with other things."""
    return _unread(case_manager, func.count(Message.id)).where(_followed_by(case_manager))


@dataclass(frozen=True)
class UnreadThread:
    thread: MessageThread
    unread: int


@dataclass(frozen=True)
class UnreadPage:
    threads: list[UnreadThread]
    next_cursor: str | None


def _cursor(thread: MessageThread) -> str:
    # last_message_at is set with the first message, in the same transaction
    return moment_cursor(thread.last_message_at or thread.started_at, thread.id)


def unread_threads(session, case_manager: User, after: str | None, per_page: int) -> UnreadPage:
    """The conversations the case manager follows with messages unread to them, the newest message first, a
    page at a time by keyset (its last message's time and id): two queries, whatever the page or the data."""
    counted = (
        _unread(case_manager, MessageThread.id, func.count(Message.id).label("unread"))
        .where(_followed_by(case_manager))
        .group_by(MessageThread.id, MessageThread.last_message_at)
    )
    cursor = parse_moment_cursor(after)
    if cursor is not None:
        counted = counted.where(tuple_(MessageThread.last_message_at, MessageThread.id) < tuple_(*cursor))
    rows = session.execute(
        counted.order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc()).limit(per_page + 1)
    ).all()
    unread = {thread_id: count for thread_id, count in rows[:per_page]}
    threads = session.scalars(
        select(MessageThread)
        .where(MessageThread.id.in_(unread))
        .options(joinedload(MessageThread.case).joinedload(Case.employee), joinedload(MessageThread.party))
    ).all()
    by_id = {thread.id: thread for thread in threads}
    page = [UnreadThread(by_id[thread_id], count) for thread_id, count in unread.items()]
    more = len(rows) > per_page
    return UnreadPage(page, _cursor(page[-1].thread) if more and page else None)


@dataclass(frozen=True)
class Conversation:
    """One of a case's conversations as its case page lists it, whether anyone has written in it yet or not."""

    kind: ThreadKind
    party: User
    thread: MessageThread | None
    unread: int
    may_write: bool  # the clinician's authorisation is live (the employee's thread always may be written in)


def conversations(session, case_manager: User, case_record: Case, today: date | None = None) -> list[Conversation]:
    """The case's conversations for its case page: the employee's, then each clinician the case has named,
    with what is unread to the case manager. Three queries, however many clinicians and messages."""
    today = today or utcnow().date()
    threads = {
        thread.party_id: thread
        for thread in session.scalars(select(MessageThread).where(MessageThread.case_id == case_record.id))
    }
    unread = dict(
        session.execute(
            _unread(case_manager, MessageThread.party_id, func.count(Message.id))
            .where(MessageThread.case_id == case_record.id)
            .group_by(MessageThread.party_id)
        ).all()
    )
    participants = session.scalars(
        select(CaseParticipant)
        .where(CaseParticipant.case_id == case_record.id, CaseParticipant.clinician_id.is_not(None))
        .options(joinedload(CaseParticipant.clinician))
        .order_by(CaseParticipant.id)
    ).all()
    clinicians: dict[int, tuple[User, bool]] = {}
    for participant in participants:
        clinician = participant.clinician
        if clinician is None:
            continue
        live = participant.revoked_at is None and participant.valid_from <= today <= participant.valid_until
        _, was_live = clinicians.get(clinician.id, (clinician, False))
        clinicians[clinician.id] = (clinician, was_live or (live and clinician.is_active))
    employee = case_record.employee
    found = [Conversation(ThreadKind.EMPLOYEE, employee, threads.get(employee.id), unread.get(employee.id, 0), True)]
    found += [
        Conversation(ThreadKind.CLINICIAN, clinician, threads.get(clinician.id), unread.get(clinician.id, 0), live)
        for clinician, live in clinicians.values()
    ]
    return found
