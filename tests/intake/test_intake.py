"""Opening a case: reports by the employee, their supervisor or a case manager; triage into cases; FMLA
eligibility from the roster."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import access
from portal.accounts.models import Role, User
from portal.cases.models import Case, CaseStatus, CaseType
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.inbox import kinds
from portal.intake import operations as intake
from portal.intake.models import IntakeDraft, Need
from portal.items import lifecycle
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import AccountSettings, DeadlineSettings
from tests import factories

SETTINGS = DeadlineSettings(timezone="America/Chicago")
ACCOUNTS = AccountSettings()
# A Wednesday, the day before Thanksgiving.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.fixture
def program(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    boss = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=boss.id)
    boss_person = factories.roster_person(db_session, boss)
    alex_person = factories.roster_person(db_session, alex, supervisor=boss_person)
    # On the roster, on Sam's team, with no portal account yet.
    riley_person = factories.roster_person(db_session, supervisor=boss_person, name="Riley Rivera")
    db_session.commit()
    return {
        "manager": manager,
        "boss": boss,
        "alex": alex,
        "alex_person": alex_person,
        "riley_person": riley_person,
    }


def employee_report(db_session, employee, need=Need.OWN_HEALTH, first_day="2026-11-23", at_work="no", now=NOW):
    for step, values in (
        ("need", {"need": need.value}),
        ("dates", {"first_day_away": first_day}),
        ("work", {"at_work": at_work}),
        ("contact", {"contact_phone": "555-0100", "contact_email": "", "contact_note": "Mornings"}),
    ):
        assert intake.save_step(db_session, employee, step, values) == {}
    return intake.send_report(db_session, employee, SETTINGS, now=now)


def triage(db_session, program, submission, tracks, **changes):
    if submission.status == SubmissionStatus.NEW:
        lifecycle.claim(db_session, submission, program["manager"], submission.version)
    values = {
        "case_manager": program["manager"],
        "leave_start": None,
        "expected_rtw": date(2027, 1, 4),
        "expected_version": submission.version,
    }
    values.update(changes)
    return intake.triage(
        db_session,
        program["manager"],
        submission,
        tracks,
        values["case_manager"].id,
        values["leave_start"],
        values["expected_rtw"],
        values["expected_version"],
        SETTINGS,
        ACCOUNTS,
        now=NOW,
    ).cases


# --- the employee's report ------------------------------------------------------------


def test_each_page_says_what_is_missing_and_keeps_what_was_typed(db_session, program):
    alex = program["alex"]
    assert intake.save_step(db_session, alex, "need", {"need": "diagnosis"}) == {"need": "Choose what you need."}
    assert intake.save_step(db_session, alex, "need", {"need": "own_health"}) == {}
    assert "first_day_away" in intake.save_step(db_session, alex, "dates", {"first_day_away": ""})
    problems = intake.save_step(db_session, alex, "contact", {"contact_phone": " ", "contact_note": "Evenings"})
    assert "contact_phone" in problems
    assert intake.draft_for(db_session, alex).answers["contact_note"] == "Evenings"
    with pytest.raises(InvalidInput):
        intake.send_report(db_session, alex, SETTINGS, now=NOW)


def test_an_accommodation_without_time_off_needs_no_first_day_away(db_session, program):
    alex = program["alex"]
    intake.save_step(db_session, alex, "need", {"need": "accommodation"})
    assert intake.save_step(db_session, alex, "dates", {"first_day_away": ""}) == {}


def test_a_sent_report_is_a_case_in_intake_with_a_triage_deadline_and_the_draft_is_gone(db_session, program):
    submission = employee_report(db_session, program["alex"])
    case = submission.case
    assert submission.kind == SubmissionKind.INTAKE_REPORT and submission.reference.startswith("N-")
    assert case.status == CaseStatus.INTAKE and case.employee_id == program["alex"].id
    assert case.case_type == CaseType.LEAVE
    # Two business days, Thanksgiving not among them: Friday 27 and Monday 30 November, end of day in Chicago.
    assert submission.due_at == datetime(2026, 12, 1, 5, 59, 59, tzinfo=UTC)
    assert submission.intake.first_day_away == date(2026, 11, 23) and submission.intake.at_work is False
    assert db_session.scalar(select(IntakeDraft)) is None
    assert db_session.query(OutboundEmail).filter_by(template="submission_received").count() == 1


def test_the_supervisor_does_not_see_a_case_before_it_is_opened(db_session, program):
    submission = employee_report(db_session, program["alex"])
    with pytest.raises(NotFound):
        access.get_case(db_session, program["boss"], submission.case_id)
    assert access.get_case(db_session, program["alex"], submission.case_id) == submission.case


# --- a supervisor's report, a case manager's ---------------------------------------------


def test_a_supervisor_reports_for_their_team_only_and_nothing_medical(db_session, program):
    riley = program["riley_person"]
    submission = intake.report_for_team(
        db_session,
        program["boss"],
        riley.id,
        "work_injury",
        "Slipped on a wet floor by dock 4 while carrying a box.",
        datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
        "Jo Lee",
        None,
        SETTINGS,
        now=NOW,
    )
    report = submission.intake
    assert report.need == Need.WORK_INJURY and report.at_work is True and report.witnesses == "Jo Lee"
    employee = submission.case.employee
    assert employee.email == riley.work_email and employee.password_hash is None  # an account, not yet invited
    assert employee.supervisor_id == program["boss"].id and employee.department == riley.department
    assert db_session.query(OutboundEmail).filter_by(to_address=riley.work_email).count() == 0
    # A time typed into the form has no zone: it is the program's local time.
    typed = intake.report_for_team(
        db_session,
        program["boss"],
        riley.id,
        "absence",
        "Did not come in after lunch.",
        datetime(2026, 11, 25, 8, 30),
        "",
        None,
        SETTINGS,
        now=NOW,
    )
    assert typed.intake.happened_at == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="future"):
        intake.report_for_team(
            db_session,
            program["boss"],
            riley.id,
            "absence",
            "Away",
            datetime(2026, 11, 25, 10, 0),
            "",
            None,
            SETTINGS,
            now=NOW,
        )
    stranger = factories.roster_person(db_session)
    with pytest.raises(NotFound):
        intake.report_for_team(
            db_session, program["boss"], stranger.id, "absence", "Away", None, "", None, SETTINGS, now=NOW
        )
    with pytest.raises(InvalidInput) as refused:
        intake.report_for_team(db_session, program["boss"], None, "own_health", " ", None, "", None, SETTINGS)
    assert set(refused.value.problems) == {"person", "need", "what_happened"}


def test_a_case_manager_opens_a_case_for_anyone_on_the_roster_and_holds_its_report(db_session, program):
    riley = program["riley_person"]
    found = intake.roster_person(db_session, riley.employee_number)
    assert found == intake.roster_person(db_session, riley.work_email.upper())
    submission = intake.open_for(
        db_session, program["manager"], riley.employee_number, "family_care", None, SETTINGS, now=NOW
    )
    assert submission.assignee_id == program["manager"].id and submission.status == SubmissionStatus.IN_REVIEW
    assert submission.case.employee.email == found.work_email
    with pytest.raises(InvalidInput) as refused:
        intake.open_for(db_session, program["manager"], "E99999", "", None, SETTINGS, now=NOW)
    assert "Nobody on the roster" in refused.value.problems["person"] and "need" in refused.value.problems


# --- triage --------------------------------------------------------------------------------


def test_triage_opens_the_case_with_its_manager_dates_and_eligibility_notice_date(db_session, program):
    submission = employee_report(db_session, program["alex"])
    [case] = triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)])
    assert case.id == submission.case_id and case.status == CaseStatus.OPEN
    assert case.case_manager_id == program["manager"].id and case.leave_start == date(2026, 11, 23)
    assert case.expected_rtw == date(2027, 1, 4)
    # Five business days from Wednesday 25 November, Thanksgiving skipped: Thursday 3 December.
    assert case.eligibility_notice_due == date(2026, 12, 3)
    assert submission.status == SubmissionStatus.ACCEPTED
    assert "Leave: opened " + case.number in submission.events[-1].message
    assert access.get_case(db_session, program["boss"], case.id) == case


def test_the_supervisor_is_told_only_that_a_case_exists_and_its_dates(db_session, program):
    submission = employee_report(db_session, program["alex"])
    triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)])
    [told] = db_session.query(OutboundEmail).filter_by(template="team_case_opened").all()
    assert told.to_address == program["boss"].email
    assert "Alex Employee" in told.body_text and "4 Jan 2027" in told.body_text
    for medical in ("health", "own_health", Need.OWN_HEALTH.label.lower(), "555-0100", "Mornings"):
        assert medical not in told.body_text.lower().replace("nothing medical", "")
    assert "health" not in told.subject.lower()


def test_one_report_may_start_two_tracks(db_session, program):
    submission = employee_report(db_session, program["alex"], need=Need.WORK_INJURY, at_work="yes")
    cases = triage(
        db_session,
        program,
        submission,
        [intake.Track(CaseType.WORKERS_COMPENSATION), intake.Track(CaseType.LEAVE)],
    )
    assert [case.case_type for case in cases] == [CaseType.WORKERS_COMPENSATION, CaseType.LEAVE]
    assert cases[0].id == submission.case_id and cases[1].number != cases[0].number
    assert cases[0].eligibility_notice_due is None and cases[1].eligibility_notice_due == date(2026, 12, 3)


def test_a_likely_duplicate_is_pointed_out_and_joining_it_closes_the_reports_own_case(db_session, program):
    first = employee_report(db_session, program["alex"])
    [open_case] = triage(db_session, program, first, [intake.Track(CaseType.LEAVE)])
    again = employee_report(db_session, program["alex"])
    assert intake.likely_duplicates(db_session, again) == {CaseType.LEAVE: [open_case]}
    own_case = again.case
    [joined] = triage(db_session, program, again, [intake.Track(CaseType.LEAVE, join=open_case)])
    assert joined == open_case and again.case_id == open_case.id
    assert own_case.status == CaseStatus.CLOSED and own_case.joined_to_id == open_case.id
    assert "joined to " + open_case.number in again.events[-1].message


def test_reports_waiting_about_the_same_person_are_pointed_out(db_session, program):
    first = employee_report(db_session, program["alex"])
    second = intake.open_for(
        db_session, program["manager"], program["alex_person"].employee_number, "own_health", None, SETTINGS, now=NOW
    )
    assert intake.other_reports(db_session, second) == [first]


def test_triage_refuses_what_cannot_be(db_session, program):
    submission = employee_report(db_session, program["alex"])
    someone_else = factories.case(db_session)
    with pytest.raises(InvalidInput) as refused:
        triage(db_session, program, submission, [], case_manager=program["boss"])
    assert set(refused.value.problems) == {"tracks", "case_manager"}
    with pytest.raises(InvalidInput, match="not this employee's open leave case"):
        triage(db_session, program, submission, [intake.Track(CaseType.LEAVE, join=someone_else)])
    with pytest.raises(InvalidInput, match="on or after"):
        triage(
            db_session,
            program,
            submission,
            [intake.Track(CaseType.LEAVE)],
            leave_start=date(2026, 12, 1),
            expected_rtw=date(2026, 11, 30),
        )
    triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)])
    with pytest.raises(Conflict):
        triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)], expected_version=1)


def test_an_employee_without_an_account_is_invited_when_the_case_opens(db_session, program):
    submission = intake.open_for(
        db_session, program["manager"], program["riley_person"].employee_number, "own_health", None, SETTINGS, now=NOW
    )
    assert db_session.query(OutboundEmail).filter_by(template="invitation").count() == 0
    triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)])
    [invitation] = db_session.query(OutboundEmail).filter_by(template="invitation").all()
    assert invitation.to_address == program["riley_person"].work_email
    [told] = db_session.query(OutboundEmail).filter_by(template="team_case_opened").all()
    assert told.to_address == program["boss"].email


def test_a_report_declined_at_triage_closes_its_case(db_session, program):
    submission = employee_report(db_session, program["alex"])
    lifecycle.claim(db_session, submission, program["manager"], submission.version)
    kinds.decline(db_session, submission, program["manager"], submission.version, "Sent twice by mistake.")
    assert submission.case.status == CaseStatus.CLOSED
    assert "declined at triage" in submission.case.closure_summary


# --- FMLA eligibility, at its edges ------------------------------------------------------------


@pytest.mark.parametrize(
    "hired, on, eligible",
    [
        (date(2025, 3, 1), date(2026, 2, 28), False),  # the day before the 12-month anniversary
        (date(2025, 3, 1), date(2026, 3, 1), True),  # the anniversary itself
        (date(2024, 2, 29), date(2025, 2, 28), False),  # hired on 29 February: 12 months on 1 March
        (date(2024, 2, 29), date(2025, 3, 1), True),
    ],
)
def test_twelve_months_of_service_count_from_the_anniversary(db_session, hired, on, eligible):
    person = factories.roster_person(db_session, hire_date=hired)
    assert intake.fmla_eligibility(person, on).eligible is eligible


@pytest.mark.parametrize("hours, eligible", [("1249", False), ("1249.99", False), ("1250", True), ("1250.5", True)])
def test_1250_hours_in_the_last_12_months(db_session, hours, eligible):
    person = factories.roster_person(db_session, hours_last_12_months=Decimal(hours))
    found = intake.fmla_eligibility(person, date(2026, 11, 25))
    assert found.eligible is eligible
    assert any("hours in the last 12 months" in reason for reason in found.reasons)


def test_someone_not_on_the_roster_cannot_be_judged_from_it():
    found = intake.fmla_eligibility(None, date(2026, 11, 25))
    assert found.eligible is None and "by hand" in found.reasons[0]


def test_the_triage_review_shows_eligibility_and_duplicates(db_session, program):
    submission = employee_report(db_session, program["alex"])
    context = kinds.review_context(db_session, submission, NOW.date())
    assert context["eligibility"].eligible is True and context["person"] == program["alex_person"]
    assert context["duplicates"] == {} and context["likely_tracks"] == (CaseType.LEAVE,)
    assert db_session.scalar(select(User).where(User.role == Role.SUPERVISOR)) == program["boss"]
    assert db_session.scalar(select(Case).where(Case.status == CaseStatus.INTAKE)) == submission.case


def test_the_eligibility_notice_waits_in_the_inbox_until_it_is_given(db_session, program):
    submission = employee_report(db_session, program["alex"])
    [case] = triage(db_session, program, submission, [intake.Track(CaseType.LEAVE)])
    assert [(row.id, row.waiting) for row in db_session.execute(intake.notices_due_query())] == [(case.id, 1)]
    with pytest.raises(InvalidInput, match="future"):
        intake.record_notice_given(db_session, program["manager"], case, date(2026, 11, 26), now=NOW)
    intake.record_notice_given(db_session, program["manager"], case, None, now=NOW)
    assert case.eligibility_notice_given_on == NOW.date()
    assert db_session.execute(intake.notices_due_query()).all() == []


def test_a_report_withdrawn_by_its_sender_closes_its_case(db_session, program):
    submission = employee_report(db_session, program["alex"])
    kinds.withdraw(db_session, submission, program["alex"], submission.version)
    assert submission.status == SubmissionStatus.WITHDRAWN and submission.case.status == CaseStatus.CLOSED
    assert submission.case.closure_summary == "Not opened: the report was withdrawn."
