"""Notes: only case managers write and read them; never edited or deleted, only amended, dated and signed."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import Role
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.notes import operations as notes
from portal.notes.models import NoteKind
from portal.settings import DeadlineSettings
from tests import factories

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SETTINGS = DeadlineSettings()


@pytest.fixture
def case(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    record = factories.case(db_session, case_manager=manager, opened_at=NOW - timedelta(days=9))
    db_session.commit()
    return record


def test_a_call_with_the_employee_is_kept_and_counts_as_contact(db_session, case):
    called = datetime(2026, 11, 20, 9, 30)  # as typed: the program's local time
    note = notes.add_note(
        db_session,
        case.case_manager,
        case,
        NoteKind.CALL,
        called,
        "Alex, the employee",
        "Pain easing.",
        SETTINGS,
        with_employee=True,
        now=NOW,
    )
    assert note.happened_at.tzinfo is not None and note.written_at == NOW
    assert case.last_contact_at == note.happened_at
    internal = notes.add_note(
        db_session,
        case.case_manager,
        case,
        NoteKind.INTERNAL,
        NOW,
        "",
        "Think about a job fit.",
        SETTINGS,
        with_employee=True,
        now=NOW + timedelta(hours=1),
    )
    assert internal.with_whom is None and case.last_contact_at == note.happened_at  # thinking is no contact


def test_a_note_says_when_with_whom_and_what_all_problems_at_once(db_session, case):
    with pytest.raises(InvalidInput) as refused:
        notes.add_note(
            db_session, case.case_manager, case, NoteKind.MEETING, NOW + timedelta(days=1), " ", " ", SETTINGS, now=NOW
        )
    assert set(refused.value.problems) == {"happened_at", "with_whom", "text"}


def test_a_note_is_never_changed_only_amended_with_the_amendment_dated_and_signed(db_session, case):
    note = notes.add_note(
        db_session, case.case_manager, case, NoteKind.INTERNAL, NOW, "", "Offer light duty.", SETTINGS, now=NOW
    )
    colleague = factories.user(db_session, Role.CASE_MANAGER, name="Casey Colleague")
    amendment = notes.amend_note(
        db_session, colleague, case, note.id, "Not before the visit.", now=NOW + timedelta(days=1)
    )
    # An amendment of an amendment amends the note itself.
    notes.amend_note(
        db_session, case.case_manager, case, amendment.id, "Visit is on Friday.", now=NOW + timedelta(days=2)
    )
    [listed] = notes.notes_for(db_session, case.case_manager, case)
    assert listed.text == "Offer light duty."
    assert [(a.author.name, a.text) for a in listed.amendments] == [
        ("Casey Colleague", "Not before the visit."),
        ("Morgan Manager", "Visit is on Friday."),
    ]
    assert listed.amendments[0].written_at == NOW + timedelta(days=1)


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.SUPERVISOR, Role.CLINICIAN, Role.ADMIN])
def test_nobody_but_a_case_manager_writes_or_reads_a_note(db_session, case, role):
    note = notes.add_note(
        db_session, case.case_manager, case, NoteKind.INTERNAL, NOW, "", "Private.", SETTINGS, now=NOW
    )
    someone = case.employee if role is Role.EMPLOYEE else factories.user(db_session, role)
    with pytest.raises(NotFound):
        notes.notes_for(db_session, someone, case)
    with pytest.raises(NotFound):
        notes.add_note(db_session, someone, case, NoteKind.INTERNAL, NOW, "", "Mine.", SETTINGS, now=NOW)
    with pytest.raises(NotFound):
        notes.amend_note(db_session, someone, case, note.id, "Changed.", now=NOW)


def test_a_note_of_another_case_is_not_found(db_session, case):
    other = factories.case(db_session)
    note = notes.add_note(db_session, case.case_manager, other, NoteKind.INTERNAL, NOW, "", "Other.", SETTINGS, now=NOW)
    with pytest.raises(NotFound):
        notes.amend_note(db_session, case.case_manager, case, note.id, "Wrong case.", now=NOW)


def test_a_closed_case_takes_no_new_note(db_session, case):
    case.status = "closed"
    with pytest.raises(Conflict, match="was closed"):
        notes.add_note(db_session, case.case_manager, case, NoteKind.INTERNAL, NOW, "", "Late.", SETTINGS, now=NOW)
