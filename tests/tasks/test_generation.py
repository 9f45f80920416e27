"""Tasks from the clocks: every rule at its edges (weekends, public holidays, the day a clock starts), made once,
closing by themselves when what they wait for happens, following the case to its case manager."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accommodations.models import AccommodationRequest, Decision
from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.documents.models import DocumentSubmission, DocumentType
from portal.extensions import db
from portal.items.models import InformationRequest, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.notices.models import Notice, NoticeKind
from portal.plans.models import PlanMilestone, ReturnToWorkPlan
from portal.restrictions.models import RestrictionReport, WorkStatus
from portal.settings import DeadlineSettings
from portal.tasks import generation, hooks, rules
from portal.tasks.models import Task, TaskStatus
from tests import factories
from tests.queries import counting_queries

SETTINGS = DeadlineSettings(timezone="America/Chicago")
RULES = rules.load()
# Wednesday 25 November 2026, the day before Thanksgiving, 9:00 in Chicago.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.fixture
def manager(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def case(db_session, manager):
    return factories.case(db_session, case_manager=manager, opened_at=NOW - timedelta(days=3))


def refresh(db_session, now=NOW, rules_used=RULES, case_ids=None):
    outcome = generation.refresh(db_session, rules_used, SETTINGS, case_ids, now=now)
    db_session.flush()
    return outcome


def task_of(db_session, rule: str) -> Task | None:
    return db_session.scalar(select(Task).where(Task.rule == rule).order_by(Task.id.desc()))


def tasks_of(db_session, rule: str) -> list[Task]:
    return list(db_session.scalars(select(Task).where(Task.rule == rule).order_by(Task.id)))


def accepted_certification(db_session, case, accepted_at: datetime):
    item = factories.inbox_item(db_session, case, kind=SubmissionKind.DOCUMENT, status=SubmissionStatus.ACCEPTED)
    db_session.add(DocumentSubmission(submission_id=item.id, document_type=DocumentType.FMLA_CERTIFICATION))
    db_session.add(SubmissionEvent(submission=item, at=accepted_at, action="accepted", to_status="accepted"))
    db_session.flush()
    return item


def designation_notice(db_session, case, issued_at: datetime) -> Notice:
    """A designation notice as issued; its PDF here is any PDF (tests/notices reads real ones back)."""
    pdf = factories.stored_file(db_session, case, current_app.config["UPLOAD_FOLDER"], uploaded_by=case.case_manager)
    notice = Notice(
        case_id=case.id,
        kind=NoticeKind.DESIGNATION,
        fields={},
        stored_file_id=pdf.id,
        sha256="0" * 64,
        issued_at=issued_at,
        issued_by_id=case.case_manager_id,
    )
    db_session.add(notice)
    db_session.flush()
    return notice


def request(db_session, case, requested_at: datetime, **attributes):
    values = {
        "case": case,
        "message": "Please send it.",
        "due_at": requested_at + timedelta(days=15),
        "requested_by_id": case.case_manager_id,
        "requested_at": requested_at,
    }
    values.update(attributes)
    record = InformationRequest(**values)
    db_session.add(record)
    db_session.flush()
    return record


def report(db_session, case, submitted_at: datetime, accepted: bool = True, **dates):
    item = factories.inbox_item(
        db_session,
        case,
        kind=SubmissionKind.RESTRICTION_REPORT,
        status=SubmissionStatus.ACCEPTED if accepted else SubmissionStatus.NEW,
        submitted_at=submitted_at,
    )
    values = {
        "visit_date": submitted_at.date(),
        "work_status": WorkStatus.MODIFIED_DUTY,
        "effective_from": submitted_at.date(),
        "attested_name": "Dr. Ortiz",
        "licence_number": "MD-1",
        "attested_at": submitted_at,
        "accepted_at": submitted_at + timedelta(hours=2) if accepted else None,
    }
    values.update(dates)
    db_session.add(RestrictionReport(submission_id=item.id, **values))
    db_session.flush()
    return item


# --- the rules file ----------------------------------------------------------------------------------------------


def test_the_rules_file_names_each_rule_with_its_citation_and_days():
    assert RULES.version == "2026-11-29"
    assert RULES["eligibility_notice"].cites == "29 CFR 825.300(b)(1)" and RULES["eligibility_notice"].days == 5
    assert RULES["certification_due"].days == 15 and RULES["certification_cure"].days == 7
    assert RULES["designation_notice"].cites == "29 CFR 825.300(d)(1)"
    assert RULES["recertification"].days == 30 and RULES["transitional_duty_end"].days == 90
    assert RULES["no_contact"].days == 14 and not RULES["no_contact"].legal and RULES["certification_due"].legal


def _copy_of_rules(tmp_path, old: str, new: str):
    text = rules.DEFAULT_FILE.read_text().replace(old, new, 1)
    assert text != rules.DEFAULT_FILE.read_text()
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


def test_a_program_changes_a_clock_in_its_own_copy_without_code(db_session, case, tmp_path):
    """A state's own law: contact every 10 days, not 14."""
    path = _copy_of_rules(tmp_path, "days = 14\n", "days = 10\n")
    path.write_text(path.read_text().replace('version = "2026-11-29"', 'version = "2026-12-01 state"'))
    state = rules.load(path)
    refresh(db_session, rules_used=state)
    task = task_of(db_session, "no_contact")
    assert task.due_on == date(2026, 11, 22) + timedelta(days=10) and task.rules_version == "2026-12-01 state"


@pytest.mark.parametrize(
    "old, new, says",
    [
        ("days = 14\n", "days = -1\n", "[rules.no_contact]: `days` must be a whole number"),
        ('count = "calendar"', 'count = "weekdays"', '`count` must be "business" or "calendar"'),
        ("[rules.no_contact]", "[rules.no_kontact]", "unknown rules no_kontact"),
        ("enabled = true\n", 'enabled = "yes"\n', "`enabled` must be true or false"),
        ('version = "2026-11-29"', "version = 3", "`version` must be a short text"),
        ('days = 5\ncount = "business"', 'days = 5\ncount = "calendar"', "825.300(b)(1) counts business days"),
        ("[rules.eligibility_notice]", "[rules.eligibility_notice\n", "cannot be read"),
    ],
)
def test_a_mistake_in_the_rules_file_stops_the_portal_naming_the_rule_and_field(tmp_path, old, new, says):
    with pytest.raises(rules.RulesFileError, match=None) as refused:
        rules.load(_copy_of_rules(tmp_path, old, new))
    assert says in str(refused.value)


def test_a_rule_left_out_of_the_file_is_refused_and_turning_one_off_closes_its_tasks(db_session, case, tmp_path):
    text = rules.DEFAULT_FILE.read_text()
    start = text.index("[rules.no_contact]")
    missing = tmp_path / "missing.toml"
    missing.write_text(text[:start])
    with pytest.raises(rules.RulesFileError, match="rules missing: no_contact"):
        rules.load(missing)
    refresh(db_session)
    assert task_of(db_session, "no_contact").is_open
    off = rules.load(_copy_of_rules(tmp_path, text[start:], text[start:].replace("enabled = true", "enabled = false")))
    refresh(db_session, rules_used=off)
    task = task_of(db_session, "no_contact")
    assert task.status == TaskStatus.CLOSED and task.outcome == "Closed by itself: its rule was turned off."


# --- each clock ---------------------------------------------------------------------------------------------------


def test_eligibility_notice_due_as_intake_set_it_and_closed_when_given(db_session, case):
    case.eligibility_notice_due = date(2026, 12, 2)
    refresh(db_session)
    task = task_of(db_session, "eligibility_notice")
    assert (task.due_on, task.title, task.owner_id) == (
        date(2026, 12, 2),
        "Give the FMLA eligibility and rights notice",
        case.case_manager_id,
    )
    case.eligibility_notice_given_on = date(2026, 11, 30)
    outcome = refresh(db_session)
    assert outcome.closed >= 1 and task.status == TaskStatus.CLOSED and not task.is_open
    assert task.outcome == "Closed by itself: the eligibility notice has been issued or recorded as given."


def test_certification_due_fifteen_calendar_days_from_the_program_day_it_was_asked(db_session, case):
    """Asked at 23:30 on Friday 20 November in Chicago (05:30 UTC on the 21st): the clock starts on the 20th,
    and calendar days count weekends and Thanksgiving alike."""
    asked = request(
        db_session,
        case,
        datetime(2026, 11, 21, 5, 30, tzinfo=UTC),
        document_type=DocumentType.FMLA_CERTIFICATION,
    )
    refresh(db_session)
    task = task_of(db_session, "certification_due")
    assert task.due_on == date(2026, 12, 5) and task.subject == f"request:{asked.id}"
    asked.closed_at = NOW
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED and task.outcome == "Closed by itself: the certification has arrived."


def test_a_request_for_another_document_makes_no_certification_task(db_session, case):
    request(db_session, case, NOW, document_type=DocumentType.WORK_STATUS_NOTE)
    refresh(db_session)
    assert task_of(db_session, "certification_due") is None


def test_an_incomplete_certification_has_seven_days_to_cure(db_session, case):
    sent = factories.inbox_item(db_session, case, kind=SubmissionKind.DOCUMENT, status=SubmissionStatus.NEEDS_INFO)
    db_session.add(DocumentSubmission(submission_id=sent.id, document_type=DocumentType.FMLA_CERTIFICATION))
    asked = request(db_session, case, NOW, submission_id=sent.id, message="Page 2 is missing.")
    refresh(db_session)
    task = task_of(db_session, "certification_cure")
    assert task.due_on == date(2026, 12, 2) and task.subject == f"request:{asked.id}"
    assert task_of(db_session, "certification_due") is None  # a question about it, not a new request


def test_designation_notice_five_business_days_from_acceptance_skipping_thanksgiving_and_the_weekend(db_session, case):
    certification = accepted_certification(db_session, case, NOW)  # Wednesday 25 November
    refresh(db_session)
    task = task_of(db_session, "designation_notice")
    # Thu 26 Thanksgiving, Sat 28, Sun 29 skipped: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3.
    assert task.due_on == date(2026, 12, 3) and task.subject == f"certification:{certification.id}"
    designation_notice(db_session, case, NOW + timedelta(days=1))
    refresh(db_session)
    assert (
        task.status == TaskStatus.CLOSED and task.outcome == "Closed by itself: a designation notice has been issued."
    )


def test_a_designation_notice_issued_before_a_newer_certification_leaves_the_new_one_to_designate(db_session, case):
    _notice_then_certification(db_session, case)
    refresh(db_session)
    assert task_of(db_session, "designation_notice").is_open


def _notice_then_certification(db_session, case):
    designation_notice(db_session, case, NOW - timedelta(days=40))
    accepted_certification(db_session, case, NOW)


def test_recertification_from_thirty_days_after_acceptance_until_it_is_asked_for(db_session, case):
    accepted_certification(db_session, case, NOW - timedelta(days=60))
    latest = accepted_certification(db_session, case, NOW)
    refresh(db_session)
    (task,) = tasks_of(db_session, "recertification")  # the latest certification only
    assert task.due_on == date(2026, 12, 25) and task.subject == f"certification:{latest.id}"
    request(db_session, case, NOW + timedelta(days=31), document_type=DocumentType.FMLA_CERTIFICATION)
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED


def test_accommodation_review_on_its_date_and_a_new_date_replaces_it(db_session, case):
    item = factories.inbox_item(
        db_session, case, kind=SubmissionKind.ACCOMMODATION_REQUEST, status=SubmissionStatus.ACCEPTED
    )
    decided = AccommodationRequest(
        submission_id=item.id,
        difficulty="Standing",
        tasks_affected="Stocking",
        contact_preference="email",
        decision_due=date(2026, 12, 1),
        decision=Decision.GRANTED,
        review_date=date(2027, 2, 1),
    )
    db_session.add(decided)
    db_session.flush()
    refresh(db_session)
    first = task_of(db_session, "accommodation_review")
    assert first.due_on == date(2027, 2, 1)
    decided.review_date = date(2027, 3, 1)
    db_session.flush()
    refresh(db_session)
    assert first.status == TaskStatus.CLOSED and task_of(db_session, "accommodation_review").due_on == date(2027, 3, 1)


def test_accommodation_alternative_not_accepted_has_no_review(db_session, case):
    item = factories.inbox_item(
        db_session, case, kind=SubmissionKind.ACCOMMODATION_REQUEST, status=SubmissionStatus.ACCEPTED
    )
    db_session.add(
        AccommodationRequest(
            submission_id=item.id,
            difficulty="Standing",
            tasks_affected="Stocking",
            contact_preference="email",
            decision_due=date(2026, 12, 1),
            decision=Decision.ALTERNATIVE,
            review_date=date(2027, 2, 1),
        )
    )
    db_session.flush()
    refresh(db_session)
    assert task_of(db_session, "accommodation_review") is None


def test_transitional_duty_ends_on_its_end_date_or_after_ninety_days_whichever_is_sooner(db_session, case):
    case.transitional_duty_start = date(2026, 11, 2)
    case.transitional_duty_end = date(2026, 12, 11)
    refresh(db_session)
    task = task_of(db_session, "transitional_duty_end")
    assert task.due_on == date(2026, 12, 11) and task.title.endswith("(ends 11 Dec 2026)")
    case.transitional_duty_end = date(2027, 6, 30)  # longer than the policy allows
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED
    assert task_of(db_session, "transitional_duty_end").due_on == date(2026, 11, 2) + timedelta(days=90)
    case.actual_rtw = date(2026, 12, 1)
    refresh(db_session)
    assert task_of(db_session, "transitional_duty_end").status == TaskStatus.CLOSED


def test_restrictions_running_out_and_a_newer_accepted_report_closes_it(db_session, case):
    first = report(db_session, case, NOW - timedelta(days=10), expected_until=date(2026, 12, 4))
    refresh(db_session)
    task = task_of(db_session, "restriction_report_ends")
    assert task.due_on == date(2026, 12, 4) and task.subject == f"report:{first.id}"
    report(db_session, case, NOW, expected_until=None)
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED and task_of(db_session, "restriction_report_ends") == task


def test_next_visit_passed_three_business_days_later_until_any_newer_report_arrives(db_session, case):
    report(db_session, case, NOW - timedelta(days=10), next_visit=date(2026, 12, 4))  # a Friday
    refresh(db_session)
    task = task_of(db_session, "next_visit_passed")
    assert task.due_on == date(2026, 12, 9)  # Mon 7, Tue 8, Wed 9
    report(db_session, case, NOW, accepted=False)  # arrived, not yet accepted: the clinician did send it
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED


def test_plan_milestone_on_its_day_closed_when_met(db_session, case, manager):
    plan = ReturnToWorkPlan(case_id=case.id, goal="Back to full duty", created_by_id=manager.id)
    milestone = PlanMilestone(plan=plan, due_on=date(2026, 12, 14), description="Four hours a day, five days")
    db_session.add(plan)
    db_session.flush()
    refresh(db_session)
    task = task_of(db_session, "plan_milestone")
    assert task.due_on == date(2026, 12, 14) and task.title == "Return-to-work plan milestone of 14 Dec 2026"
    milestone.met_on = date(2026, 12, 14)
    db_session.flush()
    refresh(db_session)
    assert task.status == TaskStatus.CLOSED


def test_no_contact_fourteen_days_after_the_last_and_a_contact_starts_a_new_stretch(db_session, case):
    refresh(db_session)
    first = task_of(db_session, "no_contact")
    assert first.due_on == date(2026, 11, 22) + timedelta(days=14)  # opened on the 22nd, in Chicago
    case.last_contact_at = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 21:00 on the 27th in Chicago
    refresh(db_session)
    second = task_of(db_session, "no_contact")
    assert first.status == TaskStatus.CLOSED and second.is_open and second.due_on == date(2026, 12, 11)


# --- made once, closing by themselves, following the case --------------------------------------------------------


def test_generating_again_creates_nothing_twice_and_a_done_task_is_not_made_again(db_session, case):
    case.eligibility_notice_due = date(2026, 12, 2)
    first = refresh(db_session)
    assert first.created == 2  # the notice, and the contact
    again = refresh(db_session)
    assert (again.created, again.closed) == (0, 0)
    notice = task_of(db_session, "eligibility_notice")
    notice.status = TaskStatus.DONE
    db_session.flush()
    assert refresh(db_session).created == 0
    assert db_session.scalar(select(func.count()).select_from(Task)) == 2


def test_a_closed_case_closes_its_rule_tasks_but_not_a_case_managers_own(db_session, case, manager):
    refresh(db_session)
    own = Task(case_id=case.id, owner_id=manager.id, title="Send flowers", due_on=date(2026, 12, 1))
    db_session.add(own)
    case.status = CaseStatus.CLOSED
    db_session.flush()
    refresh(db_session, case_ids=[case.id])
    assert task_of(db_session, "no_contact").status == TaskStatus.CLOSED and own.is_open


def test_a_rule_task_follows_the_case_to_its_new_case_manager(db_session, case):
    refresh(db_session)
    task = task_of(db_session, "no_contact")
    colleague = factories.user(db_session, Role.CASE_MANAGER)
    case.case_manager = colleague
    db_session.flush()
    assert refresh(db_session).reassigned == 1
    assert task.owner_id == colleague.id and task.events[-1].action == "reassigned"


def test_a_commit_that_changes_a_case_brings_its_tasks_in_line_by_itself(db_session, case):
    """No feature calls the tasks: the commit does (portal.tasks.hooks)."""
    db_session.commit()
    task = task_of(db_session, "no_contact")
    assert task is not None and task.is_open
    case.last_contact_at = NOW
    db_session.commit()
    assert task.status == TaskStatus.CLOSED and task_of(db_session, "no_contact").id != task.id


def test_refreshing_every_case_reads_a_fixed_number_of_statements(db_session, manager):
    """Reading is a fixed number of statements; writing the new tasks is one batch of inserts."""
    for _ in range(3):
        factories.case(db_session, case_manager=manager, eligibility_notice_due=date(2026, 12, 2))
    db_session.flush()
    with counting_queries() as few:
        refresh(db_session)
    for _ in range(12):
        factories.case(db_session, case_manager=manager, eligibility_notice_due=date(2026, 12, 2))
    db_session.flush()
    with counting_queries() as many:
        refresh(db_session)
    assert len([s for s in many if s.startswith("SELECT")]) == len([s for s in few if s.startswith("SELECT")])


def test_the_commands_make_the_tasks_a_bulk_load_left_out_and_nothing_twice(app, db_session, manager):
    """A bulk load (the scale seed) commits without the hook; generate-tasks, and remind before it reminds,
    bring every case in line."""
    db_session.info[hooks.ENABLED] = False
    try:
        factories.case(db_session, case_manager=manager, eligibility_notice_due=date(2026, 12, 2))
        db_session.commit()
    finally:
        db_session.info.pop(hooks.ENABLED)
    assert task_of(db_session, "no_contact") is None
    runner = app.test_cli_runner()
    made = runner.invoke(args=["portal", "generate-tasks"])
    assert made.exit_code == 0 and "Tasks: 2 made, 0 closed by themselves" in made.output, made.output
    again = runner.invoke(args=["portal", "remind", "--today", "2026-11-25"])
    assert again.exit_code == 0 and "Tasks: 0 made, 0 closed by themselves" in again.output, again.output
    assert db_session.scalar(select(func.count()).select_from(Task)) == 2


@pytest.mark.postgres_only
def test_two_changes_to_one_case_at_once_make_its_tasks_once(app, db_session, manager, monkeypatch):
    """Two transactions both find the case's tasks missing and both insert them: the second waits for the
    first's rows, then skips them; neither fails."""
    db_session.info[hooks.ENABLED] = False
    try:
        case_id = factories.case(db_session, case_manager=manager, eligibility_notice_due=date(2026, 12, 2)).id
        db_session.commit()
    finally:
        db_session.info.pop(hooks.ENABLED)
    both_read = threading.Barrier(2, timeout=10)
    insert_once = generation._insert_once

    def insert_after_both_read(session, rows):
        both_read.wait()
        return insert_once(session, rows)

    monkeypatch.setattr(generation, "_insert_once", insert_after_both_read)
    outcomes: list = []

    def refresh_at_once():
        with app.app_context(), Session(db.engine) as session:
            try:
                outcomes.append(generation.refresh(session, RULES, SETTINGS, [case_id], now=NOW))
                session.commit()
            except Exception as error:  # a failed transaction would show here, not as a silent thread
                outcomes.append(error)

    threads = [threading.Thread(target=refresh_at_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if isinstance(o, Exception)], [repr(o) for o in outcomes]
    assert sorted(outcome.created for outcome in outcomes) == [0, 2], outcomes
    assert db_session.scalar(select(func.count()).select_from(Task).where(Task.case_id == case_id)) == 2
