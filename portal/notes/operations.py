"""Notes: the case manager's record of calls, meetings, emails, letters and internal thoughts on a case.
Only case managers read them; a note is never changed or removed, only amended by a dated, signed note."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.cases.models import Case
from portal.cases.operations import ensure_open, record_contact
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.items.deadlines import program_moment
from portal.notes.models import CaseNote, NoteKind
from portal.settings import DeadlineSettings

# What reaches the employee, or comes from them, moves the caseload's last contact; an internal note does not.
CONTACT_KINDS = frozenset({NoteKind.CALL, NoteKind.MEETING, NoteKind.EMAIL, NoteKind.LETTER})


def add_note(
    session,
    author: User,
    case: Case,
    kind: str,
    happened_at: datetime | None,
    with_whom: str,
    text: str,
    settings: DeadlineSettings,
    with_employee: bool = False,
    now: datetime | None = None,
) -> CaseNote:
    """Write a note down. ``happened_at`` without a zone is the program's local time. ``with_employee``: the
    call, meeting, email or letter was with the employee, so it counts as contact."""
    now = now or utcnow()
    access.ensure_keeps_notes(author)
    ensure_open(case)
    kind = NoteKind(kind)
    happened_at = program_moment(happened_at, settings) if happened_at is not None else None
    problems = {}
    if happened_at is None:
        problems["happened_at"] = "Enter when it happened."
    elif happened_at > now:
        problems["happened_at"] = "That is in the future: enter when it happened."
    if not (text or "").strip():
        problems["text"] = "Write the note."
    if kind is not NoteKind.INTERNAL and not (with_whom or "").strip():
        problems["with_whom"] = f"Say with whom: a {kind.label.lower()} has someone on the other side."
    if problems:
        raise InvalidInput(problems=problems)
    assert happened_at is not None
    note = CaseNote(
        case=case,
        kind=kind,
        happened_at=happened_at,
        with_whom=(with_whom or "").strip() or None,
        text=text.strip(),
        author=author,
        written_at=now,
    )
    session.add(note)
    if with_employee and kind in CONTACT_KINDS:
        record_contact(case, happened_at)
    session.flush()
    audit.record(
        session, actor=author, action="note_written", object_type="case_note", object_id=note.id, case_id=case.id
    )
    session.commit()
    return note


def amend_note(session, author: User, case: Case, note_id: int, text: str, now: datetime | None = None) -> CaseNote:
    """Correct or add to a note: the amendment is a note of its own, dated and signed; the note stays as it was."""
    now = now or utcnow()
    access.ensure_keeps_notes(author)
    ensure_open(case)
    original = note_on(session, case, note_id)
    if original.amends_id is not None:
        original = note_on(session, case, original.amends_id)
    if not (text or "").strip():
        raise InvalidInput("Write the amendment.", field="text")
    amendment = CaseNote(
        case=case,
        kind=original.kind,
        happened_at=original.happened_at,
        with_whom=original.with_whom,
        text=text.strip(),
        author=author,
        written_at=now,
        amends=original,
    )
    session.add(amendment)
    session.flush()
    audit.record(
        session, actor=author, action="note_amended", object_type="case_note", object_id=amendment.id, case_id=case.id
    )
    session.commit()
    return amendment


def note_on(session, case: Case, note_id: int) -> CaseNote:
    note = session.get(CaseNote, note_id)
    if note is None or note.case_id != case.id:
        raise NotFound()
    return note


def notes_for(session, reader: User, case: Case, kind: str | None = None) -> list[CaseNote]:
    """The case's notes, newest first, each with its amendments in order; in two queries."""
    access.ensure_keeps_notes(reader)
    query = (
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.amends_id.is_(None))
        .options(joinedload(CaseNote.author), selectinload(CaseNote.amendments).joinedload(CaseNote.author))
        .order_by(CaseNote.happened_at.desc(), CaseNote.id.desc())
    )
    if kind:
        query = query.where(CaseNote.kind == NoteKind(kind))
    return list(session.scalars(query))
