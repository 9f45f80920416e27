"""The audit trail: append-only, written in the caller's transaction; read by case managers on the audit
screen, and by each employee as who has seen their medical information."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.cases.models import Case
from portal.files.models import StoredFile
from portal.items.models import Submission


def record(
    session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    ip_address: str | None = None,
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        ip_address=ip_address,
        detail=detail,
    )
    session.add(event)
    return event


def record_each(
    session,
    actor: User | None,
    action: str,
    object_type: str,
    objects: Sequence[tuple[int, int | None]],
    ip_address: str | None = None,
) -> None:
    """``record`` for each of ``objects`` (its id, and its case's), in one statement however many there are."""
    if objects:
        session.execute(
            insert(AuditEvent),
            [
                {
                    "actor_id": actor.id if actor else None,
                    "action": action,
                    "object_type": object_type,
                    "object_id": object_id,
                    "case_id": case_id,
                    "ip_address": ip_address,
                    "detail": None,
                }
                for object_id, case_id in objects
            ],
        )


def record_reading(session, reader: User, submission: Submission, ip_address: str | None) -> None:
    """``reader`` opened an item, which may hold medical content (a diagnosis, a document): recorded and
    committed before they see it."""
    record(
        session,
        actor=reader,
        action="submission_viewed",
        object_type="submission",
        object_id=submission.id,
        case_id=submission.case_id,
        ip_address=ip_address,
    )
    session.commit()


# --- reading the trail ------------------------------------------------------------------------

# Reads of medical content: what an employee is shown of who has seen theirs.
MEDICAL_READS = {
    "submission_viewed": "opened",
    "file_viewed": "viewed",
    "file_downloaded": "downloaded",
    "case_viewed": "opened your case page, with your current restrictions",
    # Each file in it is listed as downloaded as well.
    "case_file_downloaded": "downloaded your whole case, with every file in it",
    "messages_read": "read the messages between your case manager and your clinician",
}
# Why each role may see it, in the employee's words.
WHY_THEY_MAY = {
    "case_manager": "a case manager: case managers run the cases and decide on what you send",
    "clinician": "a clinician you authorised for your case",
}


@dataclass(frozen=True)
class TrailFilter:
    """What the audit screen is asked for: every part optional."""

    case_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def conditions(self) -> list:
        found = []
        if self.case_id is not None:
            found.append(AuditEvent.case_id == self.case_id)
        if self.actor_id is not None:
            found.append(AuditEvent.actor_id == self.actor_id)
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.start is not None:
            found.append(AuditEvent.at >= self.start)
        if self.end is not None:
            found.append(AuditEvent.at < self.end)
        return found


def trail_filter(
    session,
    case_number: str,
    email: str,
    action: str | None,
    start: date | None,
    end: date | None,
    timezone: str,
) -> tuple[TrailFilter, bool]:
    """The filter for what was typed: a case by its number, a person by their email, whole days in the
    program's time zone; and whether a case or person typed does not exist (nothing matches then)."""
    zone = ZoneInfo(timezone)
    case_id = actor_id = None
    unknown = False
    if case_number.strip():
        case_id = session.scalar(select(Case.id).where(Case.number == Case.stored_number(case_number)))
        unknown |= case_id is None
    if email.strip():
        actor_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
        unknown |= actor_id is None
    since = datetime.combine(start, time(), zone) if start else None
    until = datetime.combine(end + timedelta(days=1), time(), zone) if end else None
    return TrailFilter(case_id, actor_id, action, since, until), unknown


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
    older: int | None  # the cursor to the next, older, page


def trail_page(session, wanted: TrailFilter, before: int | None, per_page: int) -> TrailPage:
    """One page of the trail, newest first, by keyset on the id: the same cost on the last page as the first."""
    query = select(AuditEvent).where(*wanted.conditions()).options(joinedload(AuditEvent.actor))
    if before is not None:
        query = query.where(AuditEvent.id < before)
    events = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(per_page + 1)))
    older = events[per_page - 1].id if len(events) > per_page else None
    return TrailPage(events[:per_page], older)


def trail_rows(session, wanted: TrailFilter, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every event the filter matches, newest first, read in batches: for an export of any size."""
    before = None
    while True:
        page = trail_page(session, wanted, before, batch)
        yield from page.events
        if page.older is None:
            return
        before = page.older


def seen_by_others(session, employee: User, before: int | None, per_page: int) -> TrailPage:
    """Every view and download of the employee's medical content by someone else, newest first."""
    query = (
        select(AuditEvent)
        .join(Case, Case.id == AuditEvent.case_id)
        .where(
            Case.employee_id == employee.id,
            AuditEvent.action.in_(MEDICAL_READS),
            AuditEvent.actor_id != employee.id,
        )
        .options(joinedload(AuditEvent.actor))
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    events = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(per_page + 1)))
    older = events[per_page - 1].id if len(events) > per_page else None
    return TrailPage(events[:per_page], older)


def what_was_seen(session, events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each event was about, as its person knows it: an item by its reference and title, a file by its
    name. Two queries, however many events."""
    ids: dict[str, set[int]] = {"submission": set(), "stored_file": set()}
    for event in events:
        if event.object_type in ids and event.object_id is not None:
            ids[event.object_type].add(event.object_id)
    named: dict[tuple[str, int], str] = {}
    if ids["submission"]:
        for item in session.scalars(select(Submission).where(Submission.id.in_(ids["submission"]))):
            named["submission", item.id] = f"{item.summary} ({item.reference})"
    if ids["stored_file"]:
        for stored in session.scalars(select(StoredFile).where(StoredFile.id.in_(ids["stored_file"]))):
            named["stored_file", stored.id] = stored.original_name
    return named
