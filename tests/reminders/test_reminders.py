"""Reminders: three days before, on the day, the day after and weekly while overdue; once each, however often and
on however many hosts the run goes; as each person chose; never anything medical."""

import os
import signal
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.extensions import db
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.reminders import operations as reminders
from portal.reminders import queries
from portal.reminders.models import Delivery, ReminderPreference, ReminderSent
from portal.restrictions.models import RestrictionReport, WorkStatus
from portal.tasks.models import Task
from tests import factories
from tests.reminders.conftest import ASKED, SETTINGS, emails_to, noon, run


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]


def stages_over(db_session, user, first: date, count: int) -> dict[date, int]:
    """Run every day from ``first`` for ``count`` days: the days that emailed ``user``, and how many emails."""
    sent = {}
    for day in days(first, count):
        before = len(emails_to(db_session, user))
        run(db_session, day)
        if (after := len(emails_to(db_session, user))) > before:
            sent[day] = after - before
    return sent


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (ASKED, None),  # the day it is asked: they were just told
        (date(2026, 11, 16), None),  # four days before
        (date(2026, 11, 17), "before"),  # three days before
        (date(2026, 11, 19), "before"),  # within the three days (a missed run is made up)
        (date(2026, 11, 20), "due"),
        (date(2026, 11, 21), "overdue:0"),
        (date(2026, 11, 27), "overdue:0"),
        (date(2026, 11, 28), "overdue:1"),
        (date(2026, 12, 5), "overdue:2"),
    ],
)
def test_the_stage_a_day_brings(today, expected):
    assert queries.stage(date(2026, 11, 20), ASKED, today) == expected


def test_a_document_is_reminded_three_days_before_on_the_day_when_overdue_and_weekly_not_between(
    db_session, team, document_request
):
    due = date(2026, 11, 20)
    document_request(due)
    sent = stages_over(db_session, team["employee"], ASKED, 41)
    assert list(sent) == [
        due - timedelta(days=3),
        due,
        due + timedelta(days=1),
        due + timedelta(days=8),
        due + timedelta(days=15),
        due + timedelta(days=22),
    ]
    assert set(sent.values()) == {1}
    wording = [email.body_text for email in emails_to(db_session, team["employee"], "reminder")]
    assert "due by 20 Nov 2026" in wording[0]
    assert "due today" in wording[1]
    assert all("overdue" in text for text in wording[2:])
    assert "http://portal.test/employee/" in wording[0]


def test_nothing_on_the_day_the_clock_starts_and_the_next_day_makes_up_the_three_days_before(
    db_session, team, document_request
):
    asked = date(2026, 11, 18)
    document_request(date(2026, 11, 20), asked_on=asked)
    assert run(db_session, asked).sent == Counter()
    assert run(db_session, date(2026, 11, 19)).sent == Counter({Role.EMPLOYEE: 1})
    assert run(db_session, date(2026, 11, 20)).sent == Counter({Role.EMPLOYEE: 1})


def test_running_twice_sends_nothing_twice(db_session, team, document_request, duty_offer):
    document_request(date(2026, 11, 20))
    duty_offer(date(2026, 11, 20))
    first = run(db_session, date(2026, 11, 20))
    second = run(db_session, date(2026, 11, 20))
    assert first.sent == Counter({Role.EMPLOYEE: 2}) and first.emails == 2
    assert second.sent == Counter() and second.emails == 0
    assert len(emails_to(db_session, team["employee"], "reminder")) == 2


def test_a_reminder_recorded_long_ago_still_is_not_sent_again(db_session, team, document_request):
    """The run reads a week of what was sent; the unique row decides beyond it (a due date moved, say)."""
    request = document_request(date(2026, 11, 20))
    db_session.add(
        ReminderSent(
            recipient_id=team["employee"].id,
            owed=f"information_request:{request.id}",
            stage="due",
            sent_at=noon(date(2026, 10, 1)),
        )
    )
    db_session.commit()
    assert run(db_session, date(2026, 11, 20)).sent == Counter()


def test_answered_things_are_never_reminded(db_session, team, document_request, duty_offer, plan, feasibility_question):
    due = date(2026, 11, 20)
    document_request(due).closed_at = noon(ASKED)
    offer = duty_offer(due)
    offer.employee_answer, offer.answered_at = "accepted", noon(ASKED)
    acknowledged = plan(starts_on=due)
    acknowledged.acknowledged_version, acknowledged.acknowledged_at = acknowledged.version, noon(ASKED)
    question = feasibility_question()
    question.feasible, question.answer, question.answered_at = "yes", "Fine", noon(ASKED)
    db_session.commit()
    for day in days(ASKED, 30):
        run(db_session, day)
    # The accommodation being decided is in the case manager's digest; nobody owes anything else.
    assert set(db_session.scalars(select(OutboundEmail.template))) == {"case_manager_digest"}


def test_a_closed_case_reminds_nobody(db_session, team, document_request):
    document_request(date(2026, 11, 20))
    team["case"].status = "closed"
    db_session.commit()
    assert run(db_session, date(2026, 11, 20)).sent == Counter()


def test_a_duty_offer_is_reminded_until_its_answer_date_and_after(db_session, team, duty_offer):
    offer = duty_offer(date(2026, 11, 10))
    sent = stages_over(db_session, team["employee"], ASKED, 12)
    assert list(sent) == [date(2026, 11, 7), date(2026, 11, 10), date(2026, 11, 11)]
    [first, *_] = emails_to(db_session, team["employee"], "reminder")
    assert f"/employee/offers/{offer.submission_id}" in first.body_text
    assert "transitional duty" in first.body_text


def test_a_plan_is_acknowledged_before_its_first_step_and_each_new_version_is_reminded_again(db_session, team, plan):
    record = plan(starts_on=date(2026, 11, 6))
    assert run(db_session, date(2026, 11, 3)).sent == Counter({Role.EMPLOYEE: 1})  # three days before the step
    assert run(db_session, date(2026, 11, 4)).sent == Counter()
    record.version, record.changed_at = 2, noon(date(2026, 11, 4))
    db_session.commit()
    # Changed once under way... not yet under way: still due the day the first step starts.
    assert run(db_session, date(2026, 11, 5)).sent == Counter({Role.EMPLOYEE: 1})
    assert f"/employee/cases/{team['case'].id}/plan" in emails_to(db_session, team["employee"])[-1].body_text


def test_a_plan_changed_once_under_way_is_due_a_few_days_after_the_change():
    assert queries.plan_acknowledgement_due(date(2026, 11, 2), date(2026, 11, 10)) == date(2026, 11, 15)
    assert queries.plan_acknowledgement_due(date(2026, 11, 12), date(2026, 11, 10)) == date(2026, 11, 12)
    assert queries.plan_acknowledgement_due(date(2026, 11, 30), date(2026, 11, 10)) == date(2026, 11, 15)


def test_a_supervisors_feasibility_answer_counts_business_days_past_a_weekend_and_a_holiday(
    db_session, team, feasibility_question
):
    # Asked Wednesday 25 November 2026; Thanksgiving (26th) and the weekend do not count: due Thursday 3 December.
    question = feasibility_question(asked_on=date(2026, 11, 25))
    assert queries.feasibility_due(question.asked_at, SETTINGS) == date(2026, 12, 3)
    sent = stages_over(db_session, team["supervisor"], date(2026, 11, 25), 12)
    assert list(sent) == [date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 4)]
    assert f"/supervisor/questions/{question.id}" in emails_to(db_session, team["supervisor"])[0].body_text


def test_a_clinician_is_reminded_of_information_asked_about_their_report(db_session, team, question_about):
    request = question_about(team["clinician"], SubmissionKind.RESTRICTION_REPORT, date(2026, 11, 20))
    assert run(db_session, date(2026, 11, 20)).sent[Role.CLINICIAN] == 1
    [email] = emails_to(db_session, team["clinician"], "reminder")
    assert f"/clinician/reports/{request.submission_id}" in email.body_text
    assert "work-status report" in email.body_text


def test_a_clinician_is_reminded_of_the_report_owed_after_the_next_visit_until_it_arrives(db_session, team):
    """The accepted report named a next visit on Friday 6 November: a new report is due three business days
    after it (the case manager's task, portal/tasks), past Veterans Day on Wednesday 11th: Thursday 12th."""
    clinician, case = team["clinician"], team["case"]
    report = factories.inbox_item(
        db_session,
        case,
        kind=SubmissionKind.RESTRICTION_REPORT,
        status=SubmissionStatus.ACCEPTED,
        submitted_by=clinician,
        submitted_at=noon(ASKED),
    )
    db_session.add(
        RestrictionReport(
            submission_id=report.id,
            visit_date=ASKED,
            work_status=WorkStatus.MODIFIED_DUTY,
            effective_from=ASKED,
            next_visit=date(2026, 11, 6),
            attested_name=clinician.name,
            licence_number="MD-1",
            attested_at=noon(ASKED),
            accepted_at=noon(ASKED),
        )
    )
    db_session.commit()  # the commit makes the case manager's task
    assert run(db_session, date(2026, 11, 6)).sent[Role.CLINICIAN] == 0  # the visit itself
    assert run(db_session, date(2026, 11, 9)).sent[Role.CLINICIAN] == 1  # three days before the 12th
    [email] = emails_to(db_session, clinician, "reminder")
    assert f"/clinician/cases/{case.id}/report" in email.body_text
    assert "a new work-status report after the visit of 6 Nov 2026" in email.body_text
    assert "12 Nov 2026" in email.body_text
    factories.inbox_item(
        db_session,
        case,
        kind=SubmissionKind.RESTRICTION_REPORT,
        submitted_by=clinician,
        submitted_at=noon(date(2026, 11, 10)),
    )
    db_session.commit()  # it arrived: the task closes, and nothing more is owed
    assert run(db_session, date(2026, 11, 12)).sent[Role.CLINICIAN] == 0


def test_a_supervisor_is_reminded_of_information_asked_about_their_offer(db_session, team, question_about):
    question_about(team["supervisor"], SubmissionKind.DUTY_OFFER, date(2026, 11, 20))
    assert run(db_session, date(2026, 11, 20)).sent[Role.SUPERVISOR] == 1
    [email] = emails_to(db_session, team["supervisor"], "reminder")
    assert "transitional-duty offer" in email.body_text


def test_a_daily_digest_gathers_the_days_reminders_into_one_email(db_session, team, document_request, duty_offer):
    db_session.add(ReminderPreference(user_id=team["employee"].id, delivery=Delivery.DIGEST))
    document_request(date(2026, 11, 20))
    duty_offer(date(2026, 11, 20))
    summary = run(db_session, date(2026, 11, 20))
    assert summary.sent == Counter({Role.EMPLOYEE: 2}) and summary.emails == 1
    [email] = emails_to(db_session, team["employee"])
    assert email.template == "reminders_digest"
    assert email.body_text.count("due today") == 2
    assert run(db_session, date(2026, 11, 20)).emails == 0


def test_turning_off_optional_reminders_keeps_the_ones_the_law_requires(
    db_session, team, document_request, duty_offer, plan
):
    db_session.add(ReminderPreference(user_id=team["employee"].id, optional_reminders=False))
    other = factories.case(db_session, employee=team["employee"], case_type=CaseType.ACCOMMODATION)
    due = date(2026, 11, 20)
    on_leave = document_request(due)  # on a leave case: required
    certification = document_request(due, document_type="fmla_certification", case=other)  # required anywhere
    document_request(due, case=other)  # information for an accommodation: optional
    duty_offer(due)  # optional
    plan(starts_on=due)  # optional
    assert run(db_session, due).sent == Counter({Role.EMPLOYEE: 2})
    owed = set(db_session.scalars(select(ReminderSent.owed)))
    assert owed == {f"information_request:{on_leave.id}", f"information_request:{certification.id}"}


@pytest.mark.parametrize(
    ("case_type", "document_type", "required"),
    [
        (CaseType.LEAVE, None, True),
        (CaseType.LEAVE, "work_status_note", True),
        (CaseType.ACCOMMODATION, "fmla_certification", True),
        (CaseType.ACCOMMODATION, None, False),
        (CaseType.WORKERS_COMPENSATION, "work_status_note", False),
    ],
)
def test_which_reminders_the_law_requires(case_type, document_type, required):
    assert queries.required_by_law(case_type, document_type) is required


def test_an_inactive_account_is_not_reminded(db_session, team, document_request):
    document_request(date(2026, 11, 20))
    team["employee"].active = False
    db_session.commit()
    assert run(db_session, date(2026, 11, 20)).sent == Counter()


def test_the_case_managers_digest_new_items_tasks_due_today_and_whats_overdue_once_a_day(db_session, team):
    manager, case = team["manager"], team["case"]
    today = date(2026, 11, 20)
    new = factories.inbox_item(
        db_session, case, submitted_at=noon(today) - timedelta(hours=3), due_at=noon(today) + timedelta(days=2)
    )
    late = factories.inbox_item(
        db_session, case, submitted_at=noon(today) - timedelta(days=9), due_at=noon(today) - timedelta(days=2)
    )
    someone_elses = factories.inbox_item(db_session, case, assignee=factories.user(db_session, Role.CASE_MANAGER))
    db_session.commit()
    # Written past the session, as the rules' generation writes its own: it would close a task of a rule it did
    # not call for on this case.
    db_session.execute(
        insert(Task),
        [
            {
                "case_id": case.id,
                "owner_id": manager.id,
                "rule": "designation_notice",
                "subject": "test:1",
                "title": "Give the FMLA designation notice",
                "due_on": today,
                "status": "open",
                "is_open": True,
                "created_at": noon(today),
            },
            {
                "case_id": case.id,
                "owner_id": manager.id,
                "title": "Call about the knee surgery",
                "due_on": today - timedelta(days=1),
                "status": "open",
                "is_open": True,
                "created_at": noon(today),
            },
        ],
    )
    db_session.commit()
    # The other case manager's digest has the item they hold.
    assert run(db_session, today).sent[Role.CASE_MANAGER] == 2
    [email] = emails_to(db_session, manager, "case_manager_digest")
    new_part, _, rest = email.body_text.partition("Tasks due today")
    # The first digest reaches back to the start of yesterday.
    assert "New since 19 Nov 2026, 00:00 UTC (1)" in new_part and new.reference in new_part
    assert "Give the FMLA designation notice" in rest.partition("Overdue tasks")[0]
    overdue_tasks = rest.partition("Overdue tasks")[2].partition("Overdue items")[0]
    assert "A task of your own" in overdue_tasks and "knee" not in email.body_text + (email.body_html or "")
    assert late.reference in rest.partition("Overdue items")[2]
    assert someone_elses.reference not in email.body_text
    assert run(db_session, today).sent == Counter()
    # The next day, what is new is only what came since this digest.
    run(db_session, today + timedelta(days=1))
    latest = emails_to(db_session, manager, "case_manager_digest")[-1].body_text
    assert "New since" not in latest and late.reference in latest


def test_a_case_manager_with_nothing_to_report_gets_no_digest(db_session, team):
    assert run(db_session, date(2026, 11, 20)).sent == Counter()
    assert emails_to(db_session, team["manager"]) == []


MARKER = "CANARY7Q"


def test_no_reminder_or_digest_carries_anything_medical(
    db_session, team, document_request, question_about, duty_offer, plan, feasibility_question
):
    """Every free text the things owed carry holds the marker; no email says it."""
    due = date(2026, 11, 20)
    document_request(due).message = f"The MRI of the {MARKER}"
    question_about(team["clinician"], SubmissionKind.RESTRICTION_REPORT, due).message = f"Diagnosis {MARKER}?"
    question_about(team["employee"], SubmissionKind.DOCUMENT, due).submission.summary = f"Knee {MARKER}"
    offer = duty_offer(due)
    offer.tasks = offer.job_title = f"Sorting, no lifting ({MARKER})"
    plan(starts_on=due).steps[0].duties = f"Light bench work for the {MARKER}"
    question = feasibility_question()
    question.question = question.accommodation = f"A stool for the {MARKER}"
    db_session.add(Task(case=team["case"], owner=team["manager"], title=f"Chase {MARKER}", due_on=due))
    db_session.add(ReminderPreference(user_id=team["supervisor"].id, delivery=Delivery.DIGEST))
    db_session.commit()
    for day in days(ASKED, 25):
        run(db_session, day)
    emails = list(db_session.scalars(select(OutboundEmail)))
    assert {email.template for email in emails} >= {"reminder", "reminders_digest", "case_manager_digest"}
    for email in emails:
        assert MARKER not in email.subject + email.body_text + (email.body_html or ""), email.template


@pytest.mark.postgres_only
def test_two_runs_at_once_on_postgresql_send_each_reminder_once(
    app, team, document_request, duty_offer, feasibility_question
):
    """Two threads, two connections, released at the same moment: every reminder and digest goes once."""
    due = date(2026, 11, 20)
    for _ in range(5):
        extra = factories.user(db.session, Role.EMPLOYEE)
        document_request(due, case=factories.case(db.session, employee=extra, case_manager=team["manager"]))
    document_request(due)
    duty_offer(due)
    feasibility_question(asked_on=date(2026, 11, 13))
    factories.inbox_item(db.session, team["case"], submitted_at=noon(due) - timedelta(hours=1))
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    summaries: list = []

    def remind_at_once():
        with app.app_context(), Session(db.engine) as session:
            barrier.wait()
            try:
                summaries.append(reminders.remind(session, SETTINGS, due, now=noon(due)))
            except Exception as error:  # a failed run would show here, not as a silent thread
                summaries.append(error)

    threads = [threading.Thread(target=remind_at_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(summary, reminders.RunSummary) for summary in summaries), summaries
    together = sum((summary.sent for summary in summaries), Counter())
    assert together == Counter({Role.EMPLOYEE: 7, Role.SUPERVISOR: 1, Role.CASE_MANAGER: 1})
    emails = db.session.scalars(select(OutboundEmail.to_address)).all()
    assert len(emails) == 9 == len(set(db.session.scalars(select(ReminderSent.id))))
    assert Counter(emails)[team["employee"].email] == 2


def test_the_command_reminds_for_the_day_it_is_given(app, db_session, team, document_request):
    document_request(date(2026, 11, 20))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "remind", "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "1 reminders (1 to employees) in 1 emails" in result.output
    again = runner.invoke(args=["portal", "remind", "--today", "2026-11-20"])
    assert "nothing to send" in again.output


def test_the_command_refuses_a_day_with_a_loop(app):
    result = app.test_cli_runner().invoke(args=["portal", "remind", "--today", "2026-11-20", "--loop"])
    assert result.exit_code == 2 and "a loop reminds for each day" in result.output


def test_the_command_reminds_for_today_by_default(app, db_session, team, document_request):
    today = utcnow().date()
    document_request(today, asked_on=today - timedelta(days=5))
    result = app.test_cli_runner().invoke(args=["portal", "remind"])
    assert result.exit_code == 0 and "1 to employees" in result.output


def test_the_loop_reminds_for_each_day_as_it_comes_until_stopped(app, monkeypatch):
    days_run = []

    def remind(session, settings, today, now=None):
        days_run.append(today)
        return reminders.RunSummary()

    def stop_after_two_runs():
        for _ in range(100):
            if len(days_run) >= 2:
                break
            threading.Event().wait(0.1)
        if signal.getsignal(signal.SIGTERM) is not default_handler:  # never kill the test run itself
            os.kill(os.getpid(), signal.SIGTERM)

    default_handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(reminders, "remind", remind)
    stopper = threading.Thread(target=stop_after_two_runs)
    stopper.start()
    result = app.test_cli_runner().invoke(args=["portal", "remind", "--loop", "--interval", "1"])
    stopper.join()
    assert result.exit_code == 0 and "Reminders stopped." in result.output
    assert len(days_run) >= 2 and set(days_run) <= {utcnow().date(), utcnow().date() + timedelta(days=1)}
    assert signal.getsignal(signal.SIGTERM) is default_handler
