"""The scale program (flask portal seed-scale): realistic, consistent with the services' rules, and quick."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.accommodations.models import AccommodationRequest
from portal.accounts.models import Role, RosterPerson, User
from portal.cases.models import Case, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.devtools import scale
from portal.documents.models import DocumentSubmission
from portal.duty.models import DutyOffer
from portal.extensions import db
from portal.files import storage
from portal.files.models import StoredFile
from portal.intake import operations as intake
from portal.intake.models import IntakeReport, Need
from portal.items import deadlines
from portal.items.models import OPEN_STATUSES, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.restrictions.models import RestrictionReport
from portal.settings import DeadlineSettings
from tests import factories

DETAILS = {
    SubmissionKind.DOCUMENT: DocumentSubmission,
    SubmissionKind.RESTRICTION_REPORT: RestrictionReport,
    SubmissionKind.DUTY_OFFER: DutyOffer,
    SubmissionKind.ACCOMMODATION_REQUEST: AccommodationRequest,
    SubmissionKind.INTAKE_REPORT: IntakeReport,
}
PREFIXES = {
    SubmissionKind.DOCUMENT: "D-",
    SubmissionKind.RESTRICTION_REPORT: "R-",
    SubmissionKind.DUTY_OFFER: "T-",
    SubmissionKind.ACCOMMODATION_REQUEST: "A-",
    SubmissionKind.INTAKE_REPORT: "N-",
}


@pytest.fixture
def settings(app):
    return DeadlineSettings.from_config(app.config)


@pytest.fixture
def program(app, db_session, settings):
    return scale.seed_scale(db_session, 2000, settings, app.config["UPLOAD_FOLDER"], app.config["MAX_CONTENT_LENGTH"])


def test_every_kind_and_status_is_there_with_a_case_for_about_every_five_items(program, db_session):
    items = db_session.scalars(select(Submission)).all()
    assert len(items) == 2000 == program.submissions
    assert {item.kind for item in items} == set(SubmissionKind)
    assert {item.status for item in items} == set(SubmissionStatus)
    assert db_session.scalar(select(func.count(Case.id))) == 400 == program.cases
    managers = db_session.scalars(select(User.email).where(User.role == Role.CASE_MANAGER)).all()
    assert len(managers) >= 3 and scale.FIRST_MANAGER_EMAIL in managers
    assert len({item.reference for item in items}) == len(items)
    assert all(item.reference.startswith(PREFIXES[item.kind]) for item in items)


def test_open_items_are_due_and_assigned_as_the_services_would_have_left_them(program, db_session):
    items = db_session.scalars(select(Submission)).all()
    opened = [item for item in items if item.status in OPEN_STATUSES]
    assert 0 < len(opened) < len(items) / 10 and len(opened) == program.open_items
    for item in items:
        assert item.is_open == (item.status in OPEN_STATUSES), item.reference
        assert item.priority_at == deadlines.priority_at(item.kind, item.priority, item.due_at), item.reference
        assert (item.due_at is not None) == item.is_open, item.reference
        if item.status == SubmissionStatus.NEW or item.status == SubmissionStatus.WITHDRAWN:
            assert item.assignee_id is None, item.reference
        else:
            assert item.assignee_id is not None, item.reference
    reports = [item for item in items if item.kind == SubmissionKind.RESTRICTION_REPORT]
    assert {item.priority for item in reports} == {1, 2, 3}
    offers = [item for item in items if item.kind == SubmissionKind.DUTY_OFFER]
    assert {item.priority for item in offers} == {0, 1}  # an offer that conflicts is worked sooner
    assert all(
        item.priority == 0
        for item in items
        if item.kind not in (SubmissionKind.RESTRICTION_REPORT, SubmissionKind.DUTY_OFFER)
    )


def test_each_item_has_its_details_its_submit_event_and_documents_their_file(app, program, db_session):
    for kind, detail in DETAILS.items():
        missing = db_session.scalar(
            select(func.count(Submission.id))
            .where(Submission.kind == kind)
            .outerjoin(detail, detail.submission_id == Submission.id)
            .where(detail.submission_id.is_(None))
        )
        assert missing == 0, kind
    submits = db_session.execute(
        select(SubmissionEvent.submission_id, func.count())
        .where(SubmissionEvent.action == "submit")
        .group_by(SubmissionEvent.submission_id)
    ).all()
    assert len(submits) == 2000 and all(count == 1 for _, count in submits)
    documents = db_session.scalar(select(func.count(func.distinct(StoredFile.submission_id))))
    assert documents == db_session.scalar(select(func.count(DocumentSubmission.submission_id)))
    keys = db_session.scalars(select(StoredFile.storage_key).distinct()).all()
    assert len(keys) == 1 and storage.path_for(keys[0], app.config["UPLOAD_FOLDER"]).read_bytes().startswith(b"%PDF-")


def test_every_employee_and_supervisor_is_on_the_roster_under_their_own_supervisor(program, db_session):
    users = {user.id: user for user in db_session.scalars(select(User))}
    people = db_session.scalars(select(RosterPerson)).all()
    by_user = {person.user_id: person for person in people if person.user_id is not None}
    assert len(people) == program.roster
    for user in users.values():
        if user.role not in (Role.EMPLOYEE, Role.SUPERVISOR):
            assert user.id not in by_user, user.email
            continue
        person = by_user[user.id]
        assert (person.work_email, person.name, person.in_latest_roster) == (user.email, user.name, True)
        assert person.job_title and person.department == user.department and person.location
        if user.role == Role.EMPLOYEE:
            assert person.supervisor.user_id == user.supervisor_id
        else:  # supervisors report to managers the portal has no account for
            assert person.supervisor is not None and person.supervisor.user_id is None
    managers = [person for person in people if person.user_id is None]
    assert 2 <= len(managers) < len(people) / 20
    assert len({person.employee_number for person in people}) == len(people)
    hours = [person.hours_last_12_months for person in by_user.values() if users[person.user_id].role == "employee"]
    assert min(hours) < intake.FMLA_HOURS < max(hours)


def test_each_case_starts_from_a_report_that_triage_opened_declined_or_has_still_to_look_at(
    program, db_session, settings
):
    cases = {case.id: case for case in db_session.scalars(select(Case))}
    items = db_session.scalars(select(Submission).order_by(Submission.submitted_at, Submission.id)).all()
    first: dict[int, Submission] = {}
    for item in items:
        first.setdefault(item.case_id, item)
    reports = [item for item in items if item.kind == SubmissionKind.INTAKE_REPORT]
    assert len(reports) == len(cases) and all(first[item.case_id] is item for item in reports)
    senders = Counter(item.submitted_by.role for item in reports)
    assert senders[Role.EMPLOYEE] > senders[Role.SUPERVISOR] > 0 and senders[Role.CASE_MANAGER] > 0
    outcomes = Counter()
    for item in reports:
        case, report = cases[item.case_id], item.intake
        assert case.case_type == Need(report.need).likely_tracks[0], item.reference
        assert item.submitted_at <= case.opened_at, item.reference
        sent_by = item.submitted_by.role
        assert report.need in (intake.SUPERVISOR_NEEDS if sent_by == Role.SUPERVISOR else intake.EMPLOYEE_NEEDS)
        assert (report.contact_phone is not None) == (sent_by == Role.EMPLOYEE), item.reference
        assert (report.what_happened is not None) == (sent_by == Role.SUPERVISOR), item.reference
        if report.need == Need.WORK_INJURY:
            assert report.at_work is True or sent_by == Role.CASE_MANAGER, item.reference
        if case.status == CaseStatus.INTAKE:
            outcomes["waiting"] += 1
            assert item.status in (SubmissionStatus.NEW, SubmissionStatus.IN_REVIEW), item.reference
            assert item.due_at == deadlines.triage_due(item.submitted_at, settings), item.reference
            assert case.case_manager_id is None and case.leave_start is None and len(item.events) <= 2
            continue
        actions = [(event.action, event.message) for event in item.events]
        if item.status == SubmissionStatus.DECLINED:
            outcomes["declined"] += 1
            assert case.status == CaseStatus.CLOSED, item.reference
            assert case.closure_summary == "Not opened: the report was declined at triage."
            assert [action for action, _ in actions] == ["submit", "claim", "decline"]
            continue
        outcomes["opened"] += 1
        assert item.status == SubmissionStatus.ACCEPTED and case.case_manager_id is not None, item.reference
        assert actions[:3] == [("submit", None), ("claim", None), ("accept", None)], item.reference
        assert actions[3] == ("triaged", f"{case.type_label}: opened {case.number}"), item.reference
        if case.case_type != CaseType.ACCOMMODATION:
            assert case.leave_start == report.first_day_away <= deadlines.local_date(item.submitted_at, settings)
    assert outcomes["waiting"] >= 1 and outcomes["declined"] >= 1 and outcomes["opened"] > len(reports) * 0.9
    # Only a case that triage opened has more than its report.
    assert all(first[item.case_id].status == SubmissionStatus.ACCEPTED for item in items if first[item.case_id] != item)


def test_leave_cases_give_their_eligibility_notice_within_five_business_days_of_the_report(
    program, db_session, settings
):
    reports = db_session.scalars(select(Submission).where(Submission.kind == SubmissionKind.INTAKE_REPORT)).all()
    program_now = utcnow()
    eligibility, notices = Counter(), Counter()
    for item in reports:
        case = item.case
        opened = item.status == SubmissionStatus.ACCEPTED
        if case.case_type == CaseType.LEAVE and opened:
            requested = deadlines.local_date(item.submitted_at, settings)
            assert case.eligibility_notice_due == deadlines.add_business_days(requested, 5, settings)
            if case.eligibility_notice_given_on is not None:  # given since triage, by the day for most
                assert requested <= case.eligibility_notice_given_on <= deadlines.local_date(program_now, settings)
                notices["on time" if case.eligibility_notice_given_on <= case.eligibility_notice_due else "late"] += 1
            person = intake.person_of(db_session, case.employee)
            assert person.hire_date < case.leave_start
            eligibility[intake.fmla_eligibility(person, case.leave_start).eligible] += 1
        else:
            assert case.eligibility_notice_due is None and case.eligibility_notice_given_on is None, item.reference
    # Most are eligible; some have not worked the hours or the months.
    assert eligibility[True] > eligibility[False] > 0
    assert notices["on time"] > 5 * notices["late"] > 0


def test_the_portal_adds_rows_after_the_seeded_ids(program, db_session):
    # On PostgreSQL the seeded ids must have moved the sequences on, or the insert collides with one.
    seeded = db_session.scalar(select(func.max(Case.id)))
    added = factories.case(db_session)
    db_session.commit()
    assert added.id > seeded


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_seed_scale_prints_what_it_built_and_refuses_to_run_twice(cli):
    args = ["portal", "seed-scale", "--submissions", "200"]
    if db.engine.dialect.name != "sqlite":
        refused = cli.invoke(args=args)
        assert refused.exit_code != 0 and "--force" in refused.output
        args.append("--force")
    result = cli.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "200 submissions" in result.output and "Cases: 40 " in result.output and "Roster: " in result.output
    assert scale.FIRST_MANAGER_EMAIL in result.output and scale.SCALE_PASSWORD in result.output
    again = cli.invoke(args=args)
    assert again.exit_code != 0 and "already holds a scale program" in again.output
