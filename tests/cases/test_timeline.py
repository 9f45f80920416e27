"""The timeline: everything on a case in order, in the reader's words; who reads which entries."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.cases import course, timeline
from portal.cases.models import CaseOutcome, ReturnDuty
from portal.cases.timeline import EntryKind
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.items.models import Submission, SubmissionEvent, SubmissionKind
from portal.messages.models import Message, MessageThread, ThreadKind
from portal.notes import operations as notes
from portal.notes.models import NoteKind
from portal.restrictions.operations import Limit
from portal.settings import DeadlineSettings
from tests import factories

# Noon of yesterday: every moment the case records (up to a day earlier) then falls on the day of its return, whatever
# the hour the suite runs (at 00:30, "three hours ago" was the day before the return, which the case refuses).
NOW = (datetime.now(UTC) - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
MEDICAL = "lumbar disc herniation"
NOTE = "Spoke to HR about a possible dismissal"


@pytest.fixture
def case(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    boss = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=boss.id)
    record = factories.case(
        db_session,
        employee=alex,
        case_manager=manager,
        leave_start=NOW.date() - timedelta(days=20),
        opened_at=NOW - timedelta(days=19),
    )
    factories.accepted_report(db_session, record, "modified_duty", lift=Limit(pounds=10, frequency="occasionally"))
    notes.add_note(
        db_session,
        manager,
        record,
        NoteKind.INTERNAL,
        NOW - timedelta(days=2),
        "",
        NOTE,
        DeadlineSettings(),
        now=NOW - timedelta(days=2),
    )
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Ortiz")
    for party, kind, body in (
        (alex, ThreadKind.EMPLOYEE, "When is my next visit?"),
        (clinician, ThreadKind.CLINICIAN, f"MRI shows {MEDICAL}"),
    ):
        thread = MessageThread(case=record, kind=kind, party=party, started_at=NOW - timedelta(days=1))
        db_session.add(Message(thread=thread, author=party, body=body, sent_at=NOW - timedelta(days=1)))
    documents.request_document(
        db_session,
        manager,
        record,
        "fmla_certification",
        "",
        NOW.date() + timedelta(days=15),
        DeadlineSettings(),
        now=NOW - timedelta(hours=5),
    )
    course.change_expected_return(
        db_session, manager, record, NOW.date() + timedelta(days=30), "After the MRI", NOW - timedelta(hours=4)
    )
    course.report_return(db_session, boss, record, NOW.date(), ReturnDuty.MODIFIED_DUTY, NOW - timedelta(hours=3))
    course.record_return(db_session, manager, record, NOW.date(), ReturnDuty.MODIFIED_DUTY, NOW - timedelta(hours=2))
    db_session.commit()
    return record


def texts(db_session, user, case, kind=None):
    found = timeline.page(db_session, user, case, kind)
    return [entry.text for entry in found.entries], " ".join(f"{e.text} {e.detail or ''}" for e in found.entries)


def test_the_case_manager_reads_everything_newest_first(db_session, case):
    entries = timeline.page(db_session, case.case_manager, case).entries
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    kinds = {entry.kind for entry in entries}
    assert {
        EntryKind.CASE,
        EntryKind.REPORTS,
        EntryKind.NOTES,
        EntryKind.MESSAGES,
        EntryKind.REQUESTS,
        EntryKind.CLINICIANS,
    } <= kinds
    _, everything = texts(db_session, case.case_manager, case)
    assert NOTE in everything and MEDICAL in everything and "After the MRI" in everything
    assert "Sam Supervisor reported a return to modified duty" in everything
    assert "You recorded a return to modified duty" in everything  # the reader did it


def test_the_employee_reads_their_own_story_and_never_a_note_or_a_clinicians_thread(db_session, case):
    lines, everything = texts(db_session, case.employee, case)
    assert NOTE not in everything and MEDICAL not in everything and "After the MRI" not in everything
    assert "You wrote to your case manager." in lines
    assert any(line.startswith("Your case manager asked you for") for line in lines)
    assert any(line.startswith("Your supervisor reported a return") for line in lines)
    assert any(line.startswith("Your work status from") for line in lines)
    assert EntryKind.NOTES not in timeline.kinds_for(case.employee)
    assert all(
        entry.kind is not EntryKind.NOTES for entry in timeline.page(db_session, case.employee, case, "notes").entries
    )


def test_the_supervisor_reads_nothing_medical_no_note_no_message_no_document(db_session, case):
    supervisor = db_session.get(User, case.employee.supervisor_id)
    lines, everything = texts(db_session, supervisor, case)
    for secret in (NOTE, MEDICAL, "When is my next visit?", "After the MRI", "Dr Ortiz", "FMLA", "Low back pain"):
        assert secret not in everything
    assert "You reported a return to modified duty" in everything
    assert any(line.startswith("Work status from") for line in lines)
    assert {entry.kind for entry in timeline.page(db_session, supervisor, case).entries} <= {
        EntryKind.CASE,
        EntryKind.REPORTS,
        EntryKind.ACCOMMODATIONS,
        EntryKind.OFFERS,
        EntryKind.PLAN,
    }


def test_a_filter_shows_one_kind(db_session, case):
    entries = timeline.page(db_session, case.case_manager, case, "messages").entries
    assert len(entries) == 2 and {entry.kind for entry in entries} == {EntryKind.MESSAGES}


def test_pages_follow_each_other_by_keyset_without_gaps_or_repeats(db_session, case):
    whole = timeline.page(db_session, case.case_manager, case, per_page=500).entries
    seen, after = [], None
    while True:
        found = timeline.page(db_session, case.case_manager, case, after=after, per_page=3)
        seen.extend(found.entries)
        if not found.next_cursor:
            break
        after = found.next_cursor
    assert [entry.key for entry in seen] == [entry.key for entry in whole]
    assert (
        timeline.page(db_session, case.case_manager, case, after="nonsense").entries
        == timeline.page(db_session, case.case_manager, case).entries
    )


def test_closing_and_reopening_are_on_the_timeline(db_session, case):
    # Now, not when the module was read: what the fixture wrote at the real time comes before the closing.
    now = utcnow()
    course.close_case(
        db_session,
        case.case_manager,
        case,
        CaseOutcome.RETURNED_WITH_RESTRICTIONS,
        now.date(),
        "Permanent lifting limit.",
        now,
    )
    course.reopen_case(db_session, case.case_manager, case, "Worse again.", now + timedelta(minutes=1))
    lines, everything = texts(db_session, case.case_manager, case)
    assert "You reopened the case." in lines[:2] and "Worse again." in everything  # with its status change
    assert any("closed the case on" in line and "permanent restrictions" in line for line in lines)
    supervisor_lines, supervisor_all = texts(
        db_session, db_session.get(type(case.employee), case.employee.supervisor_id), case
    )
    assert "Permanent lifting limit." not in supervisor_all and "Worse again." not in supervisor_all


def test_the_employee_reads_what_was_asked_of_them_never_what_was_asked_of_their_clinician(db_session, case):
    report = db_session.scalars(select(Submission).where(Submission.kind == SubmissionKind.RESTRICTION_REPORT)).one()
    mine = factories.inbox_item(db_session, case=case, submitted_by=case.employee)
    for item, question in ((report, "Is the lumbar MRI booked?"), (mine, "Please send page 2 as well.")):
        db_session.add(
            SubmissionEvent(
                submission=item, actor=case.case_manager, at=NOW, action="request_information", message=question
            )
        )
    db_session.commit()
    _, everything = texts(db_session, case.employee, case)
    assert "Please send page 2 as well." in everything and "MRI" not in everything
    _, the_managers = texts(db_session, case.case_manager, case)
    assert "Is the lumbar MRI booked?" in the_managers
