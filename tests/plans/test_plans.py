"""Return-to-work plans at the service level: the schedule's rules, its checks against the restrictions in force,
the re-check when restrictions change, acknowledgement, a closed case, and who may see and do what."""

import pytest
from sqlalchemy import select

from portal import access
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases.models import CaseStatus
from portal.cases.operations import read_only_reason
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.duty import operations as offers
from portal.mail.models import OutboundEmail
from portal.plans import checks
from portal.plans import operations as plans
from portal.restrictions.operations import Limit
from tests import factories
from tests.plans.conftest import TODAY, day, step


def problems_of(db_session, team, plan, new_step) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        plans.add_step(db_session, team["manager"], plan, new_step, plan.version)
    return refused.value.problems


def test_a_plan_is_started_with_a_goal_once_per_case(db_session, team, plan):
    assert plan.version == 1 and plan.goal.startswith("Back to full duty") and not plan.awaits_acknowledgement
    with pytest.raises(Conflict, match="already has a return-to-work plan"):
        plans.start_plan(db_session, team["manager"], team["case"], "Another goal")
    other = factories.case(db_session)
    with pytest.raises(InvalidInput) as refused:
        plans.start_plan(db_session, team["manager"], other, "   ")
    assert refused.value.problems == {"goal": "Enter the goal: what the employee will be doing, and by when."}


def test_a_step_needs_its_dates_hours_and_duties(db_session, team, plan):
    found = problems_of(
        db_session, team, plan, plans.StepInput(starts_on=None, ends_on=None, hours_per_day=None, duties=" ")
    )
    assert set(found) == {"starts_on", "ends_on", "hours_per_day", "duties"}
    assert found["duties"] == "Say what the employee will do in this step."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": day(0)}, "ends_on", "The end date must be on or after the start date."),
        ({"starts_on": day(-20), "ends_on": day(-1)}, "ends_on", "This step would be over already"),
        ({"hours_per_day": 0.25}, "hours_per_day", "Enter the hours a day, from 0.5 to 24."),
        ({"hours_per_day": 24.5}, "hours_per_day", "Enter the hours a day, from 0.5 to 24."),
        ({"days_per_week": 8}, "days_per_week", "Enter the days a week, from 1 to 7"),
        ({"duty_offer_id": 999}, "duty_offer_id", "Choose transitional duty the employee accepted"),
    ],
)
def test_a_steps_dates_and_hours_are_checked(db_session, team, plan, changes, field, message):
    found = problems_of(db_session, team, plan, step(1, 14, **changes))
    assert list(found) == [field] and found[field].startswith(message)


def test_hours_at_the_limits_are_taken(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 7, hours=0.5), plan.version)
    plans.add_step(db_session, team["manager"], plan, step(8, 14, hours=24, days_per_week=None), plan.version)
    assert [s.hours_per_day for s in plan.steps] == [0.5, 24]


def test_steps_may_not_overlap(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    found = problems_of(db_session, team, plan, step(14, 28, hours=6))
    assert found == {
        "starts_on": f"These dates overlap step 1 ({day(1):%-d %b %Y} to {day(14):%-d %b %Y}). "
        f"The next step can start on {day(15):%-d %b %Y}."
    }


def test_steps_go_in_date_order(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(10, 20), plan.version)
    found = problems_of(db_session, team, plan, step(1, 5))
    assert found["starts_on"].startswith("Steps go in date order, and this one would come before step 1")
    added = plans.add_step(db_session, team["manager"], plan, step(25, 30, hours=6), plan.version)
    assert [s.id for s in plans.plan_of(db_session, team["case"]).steps][-1] == added.id


def test_a_step_may_use_transitional_duty_the_employee_accepted_within_its_dates(db_session, team, plan, accepted_duty):
    duty = accepted_duty(day(1), day(28))
    found = problems_of(db_session, team, plan, step(1, 35, duty_offer_id=duty.submission_id))
    assert found["duty_offer_id"].startswith("This step runs outside the dates of the transitional duty")
    plans.add_step(db_session, team["manager"], plan, step(1, 14, duty_offer_id=duty.submission_id), plan.version)
    assert plans.plan_of(db_session, team["case"]).steps[0].duty_offer.job_title == "Parts inspector"


def test_a_step_over_the_work_hours_limit_is_flagged_as_a_duty_offer_is(db_session, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=4))
    plans.add_step(db_session, team["manager"], plan, step(1, 14, hours=4), plan.version)
    plans.add_step(db_session, team["manager"], plan, step(15, 28, hours=6), plan.version)

    result = plans.checks(db_session, team["manager"], plans.existing_plan(db_session, team["case"]), TODAY)

    first, second = result.steps
    assert first.flags == [] and first.verdict == "Fits the restrictions in force."
    (flag,) = second.flags
    offer_fit = offers.fit(db_session, team["case"], offers.with_working_hours({}, 6), TODAY)
    assert flag.what == checks.OVER_WORK_HOURS and flag.detail == offer_fit.conflicts[0].detail
    assert flag.detail == "Asks 6 hours a day; the limit is 4 (2 hours over)"
    assert (flag.starts_on, flag.ends_on) == (day(15), day(28))
    assert result.summary == "1 step conflicts with the restrictions in force"


def test_a_step_during_an_off_work_status_is_flagged_for_those_days_only(db_session, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=8))
    accept_report("off_work", starts=day(5), until=day(9))
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)

    (checked,) = plans.checks(db_session, team["manager"], plan, TODAY).steps

    assert [(f.what, f.starts_on, f.ends_on) for f in checked.flags] == [(checks.OFF_WORK, day(5), day(9))]


def test_the_duty_a_step_uses_is_checked_on_its_physical_demands(db_session, team, plan, accept_report, accepted_duty):
    accept_report(lift=Limit(pounds=10, frequency="occasionally"), work_hours=Limit(hours=8))
    duty = accepted_duty(day(1), day(28), lift=Limit(pounds=30, frequency="occasionally"))
    plans.add_step(db_session, team["manager"], plan, step(1, 14, duty_offer_id=duty.submission_id), plan.version)

    (checked,) = plans.checks(db_session, team["manager"], plan, TODAY).steps

    assert [(f.what, f.detail) for f in checked.flags] == [("Lift", "Asks 30 lb; the limit is 10 lb (20 lb over)")]


def test_steps_without_a_report_in_force_are_not_called_a_fit(db_session, team, plan, accept_report):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    result = plans.checks(db_session, team["manager"], plan, TODAY)
    assert result.steps[0].verdict.startswith("Not checked") and "cannot be checked" in result.summary
    accept_report(work_hours=Limit(hours=8), until=day(7))
    result = plans.checks(db_session, team["manager"], plan, TODAY)
    assert result.steps[0].covered and result.steps[0].uncovered and not result.conflicting


def test_new_restrictions_that_conflict_with_the_plan_email_the_case_manager_nothing_medical(
    db_session, team, plan, accept_report
):
    plans.add_step(db_session, team["manager"], plan, step(1, 14, hours=6), plan.version)
    accept_report(work_hours=Limit(hours=8))
    assert not db_session.scalars(select(OutboundEmail).filter_by(template="plan_conflict")).all()

    accept_report(work_hours=Limit(hours=4))

    (email,) = db_session.scalars(select(OutboundEmail).filter_by(template="plan_conflict")).all()
    assert email.to_address == team["manager"].email
    assert f"http://portal.test/inbox/cases/{team['case'].id}/plan" in email.body_text
    assert "Alex Employee" in email.body_text and "1 step" in email.body_text
    for medical in ("hour", "limit", "M54", "back pain", "off work", "conflict", "lb"):
        assert medical not in email.body_text.lower() and medical not in email.body_html.lower(), medical


def test_a_step_already_over_is_not_checked_again(db_session, team, plan, accept_report):
    plans.add_step(db_session, team["manager"], plan, step(0, 3, hours=6), plan.version)
    accept_report(work_hours=Limit(hours=4))
    later = plans.checks(db_session, team["manager"], plan, day(4))
    assert later.steps[0].over and not later.conflicting and later.summary == "No current or future step to check."


def test_the_employee_acknowledges_each_version_once(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    assert plan.awaits_acknowledgement

    plans.acknowledge(db_session, team["employee"], plan, plan.version, ip_address="10.0.0.1")

    assert plan.acknowledged and plan.acknowledged_by_id == team["employee"].id and not plan.awaits_acknowledgement
    event = db_session.scalars(select(AuditEvent).filter_by(action="plan_acknowledged")).one()
    assert (event.actor_id, event.case_id, event.detail) == (team["employee"].id, team["case"].id, "version 2")
    with pytest.raises(Conflict, match="You already acknowledged this plan"):
        plans.acknowledge(db_session, team["employee"], plan, plan.version)


def test_a_change_after_the_acknowledgement_asks_for_it_again(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    read = plan.version
    plans.acknowledge(db_session, team["employee"], plan, read)

    plans.add_step(db_session, team["manager"], plan, step(15, 28, hours=6), plan.version)

    assert plan.changed_since_acknowledged and plan.awaits_acknowledgement
    with pytest.raises(Conflict, match="changed the plan since you opened it"):
        plans.acknowledge(db_session, team["employee"], plan, read)
    plans.acknowledge(db_session, team["employee"], plan, plan.version)
    assert plan.acknowledged and plan.acknowledged_version == plan.version == read + 1


def test_marking_a_milestone_met_keeps_the_acknowledgement(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    milestone = plans.add_milestone(
        db_session, team["manager"], plan, plans.MilestoneInput(day(14), "Six hours a day"), plan.version
    )
    plans.acknowledge(db_session, team["employee"], plan, plan.version)
    plans.mark_met(db_session, team["manager"], plan, milestone.id)
    assert plan.acknowledged and plan.milestones[0].met_on == TODAY
    with pytest.raises(Conflict, match="already marked met"):
        plans.mark_met(db_session, team["manager"], plan, milestone.id)
    plans.remove_milestone(db_session, team["manager"], plan, milestone.id, plan.version)
    assert plans.plan_of(db_session, team["case"]).milestones == [] and not plan.acknowledged


def test_a_milestone_needs_a_date_and_words(db_session, team, plan):
    with pytest.raises(InvalidInput) as refused:
        plans.add_milestone(db_session, team["manager"], plan, plans.MilestoneInput(None, " "), plan.version)
    assert set(refused.value.problems) == {"due_on", "description"}


def test_a_change_made_from_a_stale_page_is_refused(db_session, team, plan):
    seen = plan.version
    plans.change_goal(db_session, team["manager"], plan, "Back to full duty by July", seen)
    with pytest.raises(Conflict, match="Someone changed this plan"):
        plans.add_step(db_session, team["manager"], plan, step(1, 14), seen)
    with pytest.raises(Conflict, match="Someone changed this plan"):
        plans.change_goal(db_session, team["manager"], plan, "Something else", seen)
    assert plans.existing_plan(db_session, team["case"]).goal == "Back to full duty by July"


def test_nothing_changes_on_a_closed_case(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    milestone = plans.add_milestone(
        db_session, team["manager"], plan, plans.MilestoneInput(day(14), "Six hours a day"), plan.version
    )
    team["case"].status = CaseStatus.CLOSED
    db_session.commit()
    refusals = [
        lambda: plans.change_goal(db_session, team["manager"], plan, "New goal", plan.version),
        lambda: plans.add_step(db_session, team["manager"], plan, step(15, 28), plan.version),
        lambda: plans.remove_step(db_session, team["manager"], plan, plan.steps[0].id, plan.version),
        lambda: plans.add_milestone(
            db_session, team["manager"], plan, plans.MilestoneInput(day(20), "Full days"), plan.version
        ),
        lambda: plans.mark_met(db_session, team["manager"], plan, milestone.id),
        lambda: plans.remove_milestone(db_session, team["manager"], plan, milestone.id, plan.version),
        lambda: plans.acknowledge(db_session, team["employee"], plan, plan.version),
    ]
    for refused in refusals:
        with pytest.raises(Conflict, match=f"Case {team['case'].number} was closed"):
            refused()
    assert read_only_reason(team["case"]).startswith(f"Case {team['case'].number} was closed")
    other = factories.case(db_session, status=CaseStatus.CLOSED)
    with pytest.raises(Conflict, match="was closed"):
        plans.start_plan(db_session, team["manager"], other, "A goal")


def test_the_supervisor_sees_the_schedule_and_nothing_medical(db_session, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=4))
    plans.add_step(db_session, team["manager"], plan, step(1, 14, hours=6), plan.version)
    plans.add_milestone(db_session, team["manager"], plan, plans.MilestoneInput(day(14), "Pain-free"), plan.version)

    case = access.get_plan_case(db_session, team["supervisor"], team["case"].id)
    seen = plans.schedule(plans.existing_plan(db_session, case))

    (scheduled,) = seen.steps
    assert (scheduled.starts_on, scheduled.hours_per_day, scheduled.duties) == (day(1), 6, plan.steps[0].duties)
    assert set(vars(scheduled)) == {
        "number",
        "starts_on",
        "ends_on",
        "hours_per_day",
        "days_per_week",
        "duties",
        "duty_title",
        "duty_location",
    }
    assert set(vars(seen)) == {"steps", "acknowledged_on"}  # no goal, no milestones, no checks
    with pytest.raises(NotFound):
        plans.checks(db_session, team["supervisor"], plan, TODAY)
    with pytest.raises(NotFound):
        plans.checks(db_session, team["employee"], plan, TODAY)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ADMIN, Role.EMPLOYEE, Role.SUPERVISOR])
def test_no_one_else_may_open_the_plan(db_session, team, plan, role):
    stranger = team["clinician"] if role == Role.CLINICIAN else factories.user(db_session, role)
    with pytest.raises(NotFound):
        access.get_plan_case(db_session, stranger, team["case"].id)


def test_only_the_case_manager_changes_the_plan_and_only_the_employee_acknowledges_it(db_session, team, plan):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    for someone in (team["employee"], team["supervisor"], team["clinician"]):
        with pytest.raises(NotFound):
            plans.add_step(db_session, someone, plan, step(15, 28), plan.version)
    for someone in (team["manager"], team["supervisor"], factories.user(db_session, Role.EMPLOYEE)):
        with pytest.raises(NotFound):
            plans.acknowledge(db_session, someone, plan, plan.version)
    assert not plan.acknowledged


def test_the_homes_find_each_cases_plan(db_session, team, plan):
    other = factories.case(db_session)
    assert plans.plans_by_case(db_session, [team["case"].id, other.id]) == {team["case"].id: plan}
    assert plans.plans_by_case(db_session, []) == {}


def test_the_case_page_summary_counts_the_conflicting_steps(db_session, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=4))
    plans.add_step(db_session, team["manager"], plan, step(1, 14, hours=6), plan.version)
    summary = plans.summary(db_session, team["manager"], team["case"], utcnow().date())
    assert summary.plan is not None and summary.conflicting == 1
    assert plans.summary(db_session, team["manager"], factories.case(db_session), TODAY).plan is None
