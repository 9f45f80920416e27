"""Return-to-work plans: the case manager writes a graduated schedule (steps with their dates, hours, duties and
the transitional duty each uses) and milestones; the employee reads and acknowledges it; their supervisor reads
its schedule.

Every current and future step is checked against the restrictions in force on its dates (``plans.checks``),
for the case manager's eyes only. The checks are computed when they are read, never stored; when new
restrictions take effect, ``recheck`` emails the case manager if a step no longer fits them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.cases.models import Case
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.duty.models import DutyOffer
from portal.items import lifecycle as submissions
from portal.items.models import Submission
from portal.mail import notifications
from portal.plans import checks as plan_checks
from portal.plans.checks import ONE_DAY, PlanCheck
from portal.plans.models import PlanMilestone, PlanStep, ReturnToWorkPlan

MIN_HOURS, MAX_HOURS = 0.5, 24
# Where the case manager works on the plan: the link in their email when new restrictions conflict with it.
PLAN_SCREEN = "inbox.plan"
STALE = "Someone changed this plan while you were looking at it: here it is as it stands now. Your change was not made."
CHANGED_SINCE_READ = (
    "Your case manager changed the plan since you opened it. Read it again as it is now, then acknowledge it."
)


@dataclass
class StepInput:
    starts_on: date | None = None
    ends_on: date | None = None
    hours_per_day: float | None = None
    days_per_week: int | None = None
    duties: str = ""
    duty_offer_id: int | None = None


@dataclass
class MilestoneInput:
    due_on: date | None = None
    description: str = ""


def goal_problems(goal: str) -> dict[str, str]:
    if not goal.strip():
        return {"goal": "Enter the goal: what the employee will be doing, and by when."}
    return {}


def order_problem(starts_on: date, ends_on: date, steps: Sequence[PlanStep]) -> str | None:
    """Steps follow one another in date order: a new one may neither overlap a step already planned nor come
    before the last of them. ``steps`` are the plan's, in date order."""
    if not steps:
        return None
    last = steps[-1]
    next_start = written_date(last.ends_on + ONE_DAY)
    for number, existing in enumerate(steps, start=1):
        if starts_on <= existing.ends_on and ends_on >= existing.starts_on:
            return (
                f"These dates overlap step {number} ({written_date(existing.starts_on)} to "
                f"{written_date(existing.ends_on)}). The next step can start on {next_start}."
            )
    if starts_on < last.starts_on:
        return (
            f"Steps go in date order, and this one would come before step {len(steps)}, which starts on "
            f"{written_date(last.starts_on)}. The next step can start on {next_start}; to plan an earlier one, "
            "remove the later steps first."
        )
    return None


def step_problems(
    step: StepInput, steps: Sequence[PlanStep], duties: Mapping[int, DutyOffer], today: date
) -> dict[str, str]:
    """Every rule a new step breaks, by form field: its dates, hours and duties, the transitional duty it uses
    (one the employee accepted on this case, covering the step's dates), and its order among ``steps``."""
    found = {}
    if step.starts_on is None:
        found["starts_on"] = "Enter the date the step starts."
    if step.ends_on is None:
        found["ends_on"] = "Enter the date the step ends."
    elif step.starts_on is not None and step.ends_on < step.starts_on:
        found["ends_on"] = "The end date must be on or after the start date."
    elif step.ends_on < today:
        found["ends_on"] = "This step would be over already: its end date is in the past."
    if step.hours_per_day is None or not MIN_HOURS <= step.hours_per_day <= MAX_HOURS:
        found["hours_per_day"] = f"Enter the hours a day, from {MIN_HOURS:g} to {MAX_HOURS}."
    if step.days_per_week is not None and not 1 <= step.days_per_week <= 7:
        found["days_per_week"] = "Enter the days a week, from 1 to 7, or leave it empty."
    if not step.duties.strip():
        found["duties"] = "Say what the employee will do in this step."
    if step.duty_offer_id is not None:
        duty = duties.get(step.duty_offer_id)
        if duty is None:
            found["duty_offer_id"] = "Choose transitional duty the employee accepted on this case, or none."
        elif step.starts_on and step.ends_on and (step.starts_on < duty.start_date or step.ends_on > duty.end_date):
            found["duty_offer_id"] = (
                f"This step runs outside the dates of the transitional duty {duty.job_title} "
                f"({written_date(duty.start_date)} to {written_date(duty.end_date)})."
            )
    if step.starts_on and step.ends_on and not {"starts_on", "ends_on"} & found.keys():
        order = order_problem(step.starts_on, step.ends_on, steps)
        if order:
            found["starts_on"] = order
    return found


def milestone_problems(milestone: MilestoneInput) -> dict[str, str]:
    found = {}
    if milestone.due_on is None:
        found["due_on"] = "Enter the date the milestone is due."
    if not milestone.description.strip():
        found["description"] = "Describe the milestone, for example: back to six hours a day."
    return found


def plan_of(session, case: Case) -> ReturnToWorkPlan | None:
    """The case's plan with its steps (and the transitional duty each uses) and milestones, in a fixed number
    of queries whatever their number."""
    return session.scalar(
        select(ReturnToWorkPlan)
        .where(ReturnToWorkPlan.case_id == case.id)
        .options(
            selectinload(ReturnToWorkPlan.steps)
            .selectinload(PlanStep.duty_offer)
            .options(selectinload(DutyOffer.demands), joinedload(DutyOffer.submission)),
            selectinload(ReturnToWorkPlan.milestones),
        )
    )


def existing_plan(session, case: Case) -> ReturnToWorkPlan:
    plan = plan_of(session, case)
    if plan is None:
        raise NotFound()
    return plan


def plans_by_case(session, case_ids: list[int]) -> dict[int, ReturnToWorkPlan]:
    """The plans of these cases, by case id, with their steps: for the homes' links (to acknowledge or not)."""
    if not case_ids:
        return {}
    rows = session.scalars(
        select(ReturnToWorkPlan)
        .where(ReturnToWorkPlan.case_id.in_(case_ids))
        .options(selectinload(ReturnToWorkPlan.steps))
    )
    return {plan.case_id: plan for plan in rows}


def accepted_duty(session, case: Case) -> list[DutyOffer]:
    """The transitional duty the employee accepted on this case, soonest first: what a step may use."""
    return list(
        session.scalars(
            select(DutyOffer)
            .join(Submission, DutyOffer.submission_id == Submission.id)
            .where(Submission.case_id == case.id, DutyOffer.employee_answer == "accepted")
            .options(joinedload(DutyOffer.submission))
            .order_by(DutyOffer.start_date, DutyOffer.submission_id)
        )
    )


def _may_change(actor: User, case: Case) -> None:
    if not access.may_change_plan(actor):
        raise NotFound()
    ensure_open(case)


def _expect(plan: ReturnToWorkPlan, expected_version: int | None, message: str = STALE) -> None:
    if expected_version is not None and expected_version != plan.version:
        raise Conflict(message)


def _next_version(session, plan: ReturnToWorkPlan, now: datetime, **values) -> None:
    """Move the plan on to its next version, or refuse if another change got there first: the row is
    updated only while it still has the version this change was decided on."""
    claimed = session.execute(
        update(ReturnToWorkPlan)
        .where(ReturnToWorkPlan.id == plan.id, ReturnToWorkPlan.version == plan.version)
        .values(version=plan.version + 1, changed_at=now, **values)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict(STALE)


def _audit(session, actor: User, action: str, plan: ReturnToWorkPlan, detail: str | None = None) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="rtw_plan",
        object_id=plan.id,
        case_id=plan.case_id,
        detail=detail,
    )


def start_plan(session, actor: User, case: Case, goal: str, now: datetime | None = None) -> ReturnToWorkPlan:
    """Start the case's plan with its goal; its steps and milestones are added to it after."""
    now = now or utcnow()
    _may_change(actor, case)
    found = goal_problems(goal)
    if found:
        raise InvalidInput(problems=found)
    if plan_of(session, case) is not None:
        raise Conflict("This case already has a return-to-work plan: here it is.")
    plan = ReturnToWorkPlan(case=case, goal=goal.strip(), created_by=actor, created_at=now, changed_at=now)
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("Someone else started this case's plan at the same moment: here it is.") from None
    _audit(session, actor, "plan_started", plan)
    session.commit()
    return plan


def change_goal(
    session, actor: User, plan: ReturnToWorkPlan, goal: str, expected_version: int | None, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _may_change(actor, plan.case)
    _expect(plan, expected_version)
    found = goal_problems(goal)
    if found:
        raise InvalidInput(problems=found)
    _next_version(session, plan, now, goal=goal.strip())
    _audit(session, actor, "plan_goal_changed", plan)
    session.commit()


def add_step(
    session,
    actor: User,
    plan: ReturnToWorkPlan,
    step: StepInput,
    expected_version: int | None,
    now: datetime | None = None,
) -> PlanStep:
    """Add the next step of the schedule. Acknowledged or not, the plan then waits for the employee's
    acknowledgement of this version."""
    now = now or utcnow()
    _may_change(actor, plan.case)
    _expect(plan, expected_version)
    duties = {duty.submission_id: duty for duty in accepted_duty(session, plan.case)}
    found = step_problems(step, plan.steps, duties, now.date())
    if found:
        raise InvalidInput(problems=found)
    assert step.starts_on and step.ends_on and step.hours_per_day  # step_problems refuses a step without them
    _next_version(session, plan, now)
    added = PlanStep(
        plan_id=plan.id,
        starts_on=step.starts_on,
        ends_on=step.ends_on,
        hours_per_day=step.hours_per_day,
        days_per_week=step.days_per_week,
        duties=step.duties.strip(),
        duty_offer_id=step.duty_offer_id,
    )
    session.add(added)
    _audit(session, actor, "plan_step_added", plan)
    session.commit()
    return added


def remove_step(
    session,
    actor: User,
    plan: ReturnToWorkPlan,
    step_id: int,
    expected_version: int | None,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _may_change(actor, plan.case)
    _expect(plan, expected_version)
    step = next((step for step in plan.steps if step.id == step_id), None)
    if step is None:
        raise NotFound()
    _next_version(session, plan, now)
    session.delete(step)
    _audit(session, actor, "plan_step_removed", plan)
    session.commit()


def add_milestone(
    session,
    actor: User,
    plan: ReturnToWorkPlan,
    milestone: MilestoneInput,
    expected_version: int | None,
    now: datetime | None = None,
) -> PlanMilestone:
    now = now or utcnow()
    _may_change(actor, plan.case)
    _expect(plan, expected_version)
    found = milestone_problems(milestone)
    if found:
        raise InvalidInput(problems=found)
    assert milestone.due_on is not None  # milestone_problems refuses a milestone without it
    _next_version(session, plan, now)
    added = PlanMilestone(plan_id=plan.id, due_on=milestone.due_on, description=milestone.description.strip())
    session.add(added)
    _audit(session, actor, "plan_milestone_added", plan)
    session.commit()
    return added


def _milestone(plan: ReturnToWorkPlan, milestone_id: int) -> PlanMilestone:
    milestone = next((milestone for milestone in plan.milestones if milestone.id == milestone_id), None)
    if milestone is None:
        raise NotFound()
    return milestone


def remove_milestone(
    session,
    actor: User,
    plan: ReturnToWorkPlan,
    milestone_id: int,
    expected_version: int | None,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    _may_change(actor, plan.case)
    _expect(plan, expected_version)
    milestone = _milestone(plan, milestone_id)
    _next_version(session, plan, now)
    session.delete(milestone)
    _audit(session, actor, "plan_milestone_removed", plan)
    session.commit()


def mark_met(session, actor: User, plan: ReturnToWorkPlan, milestone_id: int, now: datetime | None = None) -> None:
    """Record that a milestone was met today. Progress, not a change to what the employee agreed to: the
    plan's version, and so the employee's acknowledgement, stand."""
    now = now or utcnow()
    _may_change(actor, plan.case)
    milestone = _milestone(plan, milestone_id)
    if milestone.met_on is not None:
        raise Conflict(f"This milestone was already marked met on {written_date(milestone.met_on)}.")
    milestone.met_on = now.date()
    _audit(session, actor, "plan_milestone_met", plan, detail=milestone.description[:200])
    session.commit()


def acknowledge(
    session,
    employee: User,
    plan: ReturnToWorkPlan,
    expected_version: int | None,
    now: datetime | None = None,
    ip_address: str | None = None,
) -> None:
    """The employee acknowledges the plan as they read it (``expected_version``): once for each version."""
    now = now or utcnow()
    if not access.may_acknowledge_plan(employee, plan.case):
        raise NotFound()
    ensure_open(plan.case)
    if not plan.steps:
        raise Conflict("Your case manager has not planned any steps yet: there is nothing to acknowledge.")
    _expect(plan, expected_version, CHANGED_SINCE_READ)
    if plan.acknowledged and plan.acknowledged_at is not None:
        raise Conflict(f"You already acknowledged this plan on {written_date(plan.acknowledged_at.date())}.")
    claimed = session.execute(
        update(ReturnToWorkPlan)
        .where(ReturnToWorkPlan.id == plan.id, ReturnToWorkPlan.version == plan.version)
        .values(acknowledged_version=plan.version, acknowledged_at=now, acknowledged_by_id=employee.id)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict(CHANGED_SINCE_READ)
    audit.record(
        session,
        actor=employee,
        action="plan_acknowledged",
        object_type="rtw_plan",
        object_id=plan.id,
        case_id=plan.case_id,
        ip_address=ip_address,
        detail=f"version {plan.version}",
    )
    session.commit()


def checks(session, user: User, plan: ReturnToWorkPlan, today: date) -> PlanCheck:
    """The plan's steps against the restrictions in force on their dates: medical, so the case manager's only."""
    if not access.sees_plan_checks(user):
        raise NotFound()
    return plan_checks.check(session, plan, today)


@dataclass(frozen=True)
class PlanSummary:
    """The plan in a line, for the case page."""

    plan: ReturnToWorkPlan | None
    conflicting: int = 0


def summary(session, user: User, case: Case, today: date) -> PlanSummary:
    plan = plan_of(session, case)
    if plan is None:
        return PlanSummary(None)
    return PlanSummary(plan, len(checks(session, user, plan, today).conflicting))


def recheck(session, case: Case, now: datetime) -> PlanCheck | None:
    """After new restrictions take effect, check the plan's current and future steps again; if any no longer
    fits, email the case manager a link to the plan (the email says nothing medical). The caller commits."""
    plan = plan_of(session, case)
    if plan is None or not plan.steps:
        return None
    result = plan_checks.check(session, plan, now.date())
    if result.conflicting:
        link = notifications.portal_url(PLAN_SCREEN, case_id=case.id)
        for address in submissions.case_manager_addresses(session, case):
            notifications.queue(session, address, "plan_conflict", case=case, steps=len(result.conflicting), link=link)
    return result


@dataclass(frozen=True)
class ScheduledStep:
    """A step as the supervisor reads it: when, how long, what the employee does. Nothing medical."""

    number: int
    starts_on: date
    ends_on: date
    hours_per_day: float
    days_per_week: int | None
    duties: str
    duty_title: str | None
    duty_location: str | None


@dataclass(frozen=True)
class Schedule:
    steps: list[ScheduledStep]
    acknowledged_on: date | None


def schedule(plan: ReturnToWorkPlan) -> Schedule:
    """The supervisor's part of a plan: the steps' dates, hours and duties. Not its goal or milestones, which
    may speak of the employee's health, nor its checks against the restrictions."""
    return Schedule(
        [
            ScheduledStep(
                number,
                step.starts_on,
                step.ends_on,
                step.hours_per_day,
                step.days_per_week,
                step.duties,
                step.duty_offer.job_title if step.duty_offer else None,
                step.duty_offer.location if step.duty_offer else None,
            )
            for number, step in enumerate(plan.steps, start=1)
        ],
        plan.acknowledged_at.date() if plan.acknowledged and plan.acknowledged_at else None,
    )
