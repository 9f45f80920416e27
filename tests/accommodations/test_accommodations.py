"""Accommodation requests at the service level: the guided form, the process, the decision, reconsideration."""

import io
from datetime import date, timedelta

import pytest

from portal.accommodations import operations as accommodations
from portal.accommodations.models import AccommodationDraft, ProcessLogEntry
from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.files.models import StoredFile
from portal.files.storage import Upload
from portal.items import lifecycle as submissions
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

SETTINGS = DeadlineSettings()
ANSWERS = {
    "difficulty": "Standing all shift makes my back seize up.",
    "tasks": "Line work for eight hours.",
    "help": [{"category": "equipment", "description": "A sit-stand stool at the line"}],
    "duration": {"temporary": "yes", "needed_from": "2026-12-01", "needed_until": "2027-02-28"},
    "contact": {"contact_preference": "email"},
}


@pytest.fixture
def team(db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager, case_type="accommodation")
    db_session.commit()
    return {"supervisor": supervisor, "employee": employee, "manager": manager, "case": case}


def fill_in(db_session, team, skip=()):
    values = {
        "difficulty": {"difficulty": ANSWERS["difficulty"]},
        "tasks": {"tasks_affected": ANSWERS["tasks"]},
        "help": {"help": ANSWERS["help"]},
        "duration": ANSWERS["duration"],
        "documents": {},
        "contact": ANSWERS["contact"],
    }
    for step in accommodations.STEPS:
        if step not in skip:
            assert accommodations.save_step(db_session, team["employee"], team["case"], step, values[step]) == {}


def sent(db_session, team):
    fill_in(db_session, team)
    return accommodations.send(db_session, team["employee"], team["case"], SETTINGS)


@pytest.mark.parametrize(
    "step, values, field",
    [
        ("difficulty", {"difficulty": " "}, "difficulty"),
        ("tasks", {"tasks_affected": ""}, "tasks_affected"),
        ("help", {"help": []}, "help"),
        ("help", {"help": [{"category": "remote", "description": ""}]}, "help_remote"),
        ("duration", {"temporary": ""}, "temporary"),
        ("duration", {"temporary": "yes", "needed_from": "2026-12-01", "needed_until": "2026-11-01"}, "needed_until"),
        ("contact", {"contact_preference": "phone", "contact_phone": ""}, "contact_phone"),
    ],
)
def test_each_step_says_what_is_missing_and_keeps_what_was_typed(db_session, team, step, values, field):
    problems = accommodations.save_step(db_session, team["employee"], team["case"], step, values)
    assert field in problems
    assert accommodations.draft_for(db_session, team["employee"], team["case"]).data.items() >= values.items()


def test_a_request_cannot_be_sent_until_every_step_is_complete(db_session, team):
    fill_in(db_session, team, skip=("contact",))
    with pytest.raises(InvalidInput, match="contacted"):
        accommodations.send(db_session, team["employee"], team["case"], SETTINGS)


def test_sending_puts_it_in_the_inbox_with_a_decision_due_in_15_business_days(db_session, team):
    item = sent(db_session, team)
    assert item.kind == SubmissionKind.ACCOMMODATION_REQUEST and item.status == SubmissionStatus.NEW
    assert item.accommodation.decision_due == item.due_at.date()
    assert 19 <= (item.accommodation.decision_due - item.submitted_at.date()).days <= 25
    assert item.accommodation.needed_until == date(2027, 2, 28)
    assert db_session.query(AccommodationDraft).count() == 0
    assert db_session.query(OutboundEmail).filter_by(to_address=team["manager"].email).count() == 1


def claimed(db_session, team):
    item = sent(db_session, team)
    submissions.claim(db_session, item, team["manager"], item.version)
    return item


def test_the_log_keeps_dated_entries_of_the_interactive_process(db_session, team):
    item = claimed(db_session, team)
    accommodations.log(
        db_session,
        team["manager"],
        item,
        utcnow().date(),
        "conversation",
        "Talked it through.",
        method="phone",
        with_whom="Alex Employee",
    )
    with pytest.raises(InvalidInput, match="Name the accommodation"):
        accommodations.log(db_session, team["manager"], item, utcnow().date(), "accommodation_considered", "x")
    with pytest.raises(InvalidInput, match="today or earlier"):
        accommodations.log(db_session, team["manager"], item, utcnow().date() + timedelta(days=1), "conversation", "x")
    assert [e.kind for e in accommodations.log_of(db_session, item)] == ["conversation"]


def test_the_supervisor_is_asked_about_the_accommodation_and_the_answer_is_logged(db_session, team):
    item = claimed(db_session, team)
    question = accommodations.ask_supervisor(
        db_session, team["manager"], item, "A sit-stand stool at the line", "Is there room for a stool at station 4?"
    )
    email = db_session.query(OutboundEmail).filter_by(to_address=team["supervisor"].email).one()
    assert "sit-stand stool" in email.body_text and "back" not in email.body_text
    with pytest.raises(NotFound):
        accommodations.answer_question(
            db_session, factories.user(db_session, Role.SUPERVISOR), question.id, "yes", "ok"
        )
    accommodations.answer_question(db_session, team["supervisor"], question.id, "with_changes", "Station 5 has room.")
    entry = db_session.query(ProcessLogEntry).one()
    assert entry.kind == "supervisor_input" and "Station 5 has room." in entry.summary
    with pytest.raises(Conflict):
        accommodations.answer_question(db_session, team["supervisor"], question.id, "no", "changed")


def test_granting_tells_the_employee_and_the_supervisor_only_what_was_granted(db_session, team):
    item = claimed(db_session, team)
    start = utcnow().date()
    accommodations.decide(
        db_session,
        team["manager"],
        item,
        "granted",
        item.version,
        what="A sit-stand stool",
        granted_from=start,
        review_date=start + timedelta(days=90),
    )
    assert item.status == SubmissionStatus.ACCEPTED and item.accommodation.decision == "granted"
    told = db_session.query(OutboundEmail).filter_by(to_address=team["supervisor"].email).one()
    assert "A sit-stand stool" in told.body_text and ANSWERS["difficulty"] not in told.body_text
    assert accommodations.granted_for_team(db_session, team["supervisor"]) == [item.accommodation]
    assert accommodations.reviews_due(db_session, team["case"]) == [item.accommodation]


@pytest.mark.parametrize(
    "decision, fields, message",
    [
        ("granted", {"what": ""}, "exactly what"),
        ("granted", {"what": "Stool"}, "date it starts"),
        ("alternative", {"what": "A mat", "why": "", "granted_from": date.today()}, "why the accommodation"),
        ("alternative", {"what": "A mat", "why": "Walkway"}, "date it starts"),
        ("denied", {"why": "Too costly"}, "reason for the denial"),
        ("denied", {"denial_reason": "undue_hardship", "why": ""}, "Explain the denial"),
    ],
)
def test_a_decision_states_what_it_must(db_session, team, decision, fields, message):
    item = claimed(db_session, team)
    with pytest.raises(InvalidInput, match=message):
        accommodations.decide(db_session, team["manager"], item, decision, item.version, **fields)


def test_an_alternative_accepted_is_what_the_supervisor_puts_in_place(db_session, team):
    item = claimed(db_session, team)
    accommodations.decide(
        db_session,
        team["manager"],
        item,
        "alternative",
        item.version,
        what="An anti-fatigue mat",
        why="Stools block the walkway at this line.",
        granted_from=utcnow().date(),
    )
    assert accommodations.granted_for_team(db_session, team["supervisor"]) == []
    accommodations.accept_alternative(db_session, team["employee"], item)
    assert accommodations.granted_for_team(db_session, team["supervisor"]) == [item.accommodation]
    with pytest.raises(Conflict):
        accommodations.accept_alternative(db_session, team["employee"], item)


def test_asking_for_reconsideration_of_a_denial_reopens_it_in_the_inbox_with_the_note_sent(db_session, team, tmp_path):
    uploads = UploadLimits(str(tmp_path), 10**6, 3)
    item = claimed(db_session, team)
    accommodations.decide(
        db_session,
        team["manager"],
        item,
        "denied",
        item.version,
        denial_reason="not_qualifying",
        why="The note does not describe a limitation.",
    )
    assert item.status == SubmissionStatus.DECLINED
    with pytest.raises(InvalidInput, match="looked at again"):
        accommodations.request_reconsideration(
            db_session, team["employee"], item, "", [], uploads, item.version, SETTINGS
        )
    note = Upload(io.BytesIO(factories.pdf_bytes()), "clinician note.pdf")
    accommodations.request_reconsideration(
        db_session, team["employee"], item, "My new note explains it.", [note], uploads, item.version, SETTINGS
    )
    assert item.status == SubmissionStatus.IN_REVIEW and item.due_at is not None
    assert item.events[-1].action == "reconsider" and item.accommodation.reconsideration_reason
    assert item.events[-1].message == "My new note explains it.\nFiles added: clinician note.pdf"
    [stored] = db_session.query(StoredFile).filter_by(submission_id=item.id).all()
    assert stored.original_name == "clinician note.pdf" and stored.is_medical
    with pytest.raises(NotFound):
        accommodations.request_reconsideration(
            db_session, factories.user(db_session, Role.EMPLOYEE), item, "x", [], uploads, item.version, SETTINGS
        )


def test_a_request_never_sent_is_deleted_with_its_documents_once_long_untouched(db_session, team, tmp_path):
    fill_in(db_session, team, skip=("contact",))
    left = factories.stored_file(db_session, team["case"], tmp_path, name="letter.pdf")
    draft = accommodations.draft_for(db_session, team["employee"], team["case"])
    abandoned_at = utcnow() - timedelta(days=40)
    draft.data, draft.updated_at = {**draft.data, "file_ids": [left.id]}, abandoned_at
    db_session.commit()
    other = factories.user(db_session, Role.EMPLOYEE)
    recent_case = factories.case(db_session, employee=other, case_type="accommodation")
    accommodations.save_step(db_session, other, recent_case, "difficulty", {"difficulty": "Stairs."})
    filed = factories.stored_file(db_session, team["case"], tmp_path, content=factories.image_bytes(), name="x.jpg")

    assert accommodations.expire_drafts(db_session, abandoned_at) == 0  # not older than the cut-off
    assert accommodations.expire_drafts(db_session, utcnow() - timedelta(days=30)) == 1

    remaining = db_session.query(AccommodationDraft).all()
    assert [(d.employee_id, d.case_id) for d in remaining] == [(other.id, recent_case.id)]
    assert {f.id for f in db_session.query(StoredFile)} == {filed.id}  # only the draft's own document went


def test_a_decision_refuses_with_every_problem_at_once(db_session, team):
    item = claimed(db_session, team)
    with pytest.raises(InvalidInput) as refused:
        accommodations.decide(db_session, team["manager"], item, "granted", item.version, what="")
    assert set(refused.value.problems) == {"what", "granted_from"}
    with pytest.raises(InvalidInput) as refused:
        accommodations.log(db_session, team["manager"], item, None, "nonsense", " ")
    assert set(refused.value.problems) == {"kind", "summary", "occurred_on"}
