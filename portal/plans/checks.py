"""A return-to-work plan's steps against the restrictions in force on their dates.

By the duty offers' own matching (``restrictions.matching``): a step's hours a day are its demand on the
work-hours restriction, as an offer's hours are (``duty.operations.with_working_hours``), with the physical
demands of the transitional duty it uses. Under an off-work status every day of a step is a conflict. A step
that is over is not checked; days no accepted report covers are said to be unchecked, not to fit.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.duty import operations as offers
from portal.plans.models import PlanStep, ReturnToWorkPlan
from portal.restrictions import matching
from portal.restrictions import operations as restrictions
from portal.restrictions.models import RestrictionReport, WorkStatus
from portal.restrictions.operations import Limit

ONE_DAY = timedelta(days=1)
OVER_WORK_HOURS = "Over the work-hours limit"
OFF_WORK = "During an off-work status"


@dataclass(frozen=True)
class Flag:
    """A conflict of a step with the restrictions in force on some of its days, in words."""

    what: str
    detail: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class StepCheck:
    number: int
    step: PlanStep
    flags: list[Flag] = field(default_factory=list)
    over: bool = False  # the step has ended: nothing to check
    covered: bool = False  # some of its days have an accepted report in force
    uncovered: bool = False  # some of its days have none

    @property
    def verdict(self) -> str:
        if self.over:
            return "Over: not checked."
        if self.flags:
            return "Conflicts with the restrictions in force:"
        if not self.covered:
            return "Not checked: no accepted work-status report covers these days."
        if self.uncovered:
            return "Fits the restrictions in force on the days a report covers; no accepted report covers the others."
        return "Fits the restrictions in force."


@dataclass(frozen=True)
class PlanCheck:
    """Each step of a plan against the restrictions in force on its dates, from today on."""

    steps: list[StepCheck]

    @property
    def conflicting(self) -> list[StepCheck]:
        return [step for step in self.steps if step.flags]

    def of(self, step: PlanStep) -> StepCheck | None:
        return next((checked for checked in self.steps if checked.step is step), None)

    @property
    def summary(self) -> str:
        ahead = [step for step in self.steps if not step.over]
        if not ahead:
            return "No current or future step to check."
        if self.conflicting:
            n = len(self.conflicting)
            return f"{n} step{'s' if n != 1 else ''} conflict{'s' if n == 1 else ''} with the restrictions in force"
        if not any(step.covered for step in ahead):
            return "No accepted work-status report covers the steps' dates: they cannot be checked yet"
        if any(step.uncovered for step in ahead):
            return "No conflict with the restrictions in force; some days have no accepted work-status report"
        return "Every current and future step fits the restrictions in force"


def step_demands(step: PlanStep) -> dict[str, Limit]:
    """What a step asks of the employee: the physical demands of the transitional duty it uses, and its own
    hours a day as the demand on the work-hours restriction, as an offer's hours are."""
    demands = restrictions.limits_of(step.duty_offer.demands) if step.duty_offer is not None else {}
    demands.pop("work_hours", None)  # the step's hours are what it asks, whatever the offer's were
    return offers.with_working_hours(demands, step.hours_per_day)


def _in_force_between(
    reports: list[RestrictionReport], first: date, last: date
) -> list[tuple[RestrictionReport | None, date, date]]:
    """The reports in force from ``first`` to ``last``, each with the days it covers, in order. Which report is
    in force changes only on a day one takes effect, or the day after one's expected end."""
    changes = {first}
    for report in reports:
        ends = report.expected_until + ONE_DAY if report.expected_until else None
        changes.update(day for day in (report.effective_from, ends) if day is not None and first < day <= last)
    days = sorted(changes)
    segments: list[tuple[RestrictionReport | None, date, date]] = []
    for start, following in zip(days, [*days[1:], last + ONE_DAY], strict=True):
        in_force = restrictions.in_force_on(reports, start)
        if segments and segments[-1][0] is in_force:
            segments[-1] = (in_force, segments[-1][1], following - ONE_DAY)
        else:
            segments.append((in_force, start, following - ONE_DAY))
    return segments


def _check_step(number: int, step: PlanStep, reports: list[RestrictionReport], today: date) -> StepCheck:
    if step.ends_on < today:
        return StepCheck(number, step, over=True)
    demands = step_demands(step)
    flags, covered, uncovered = [], False, False
    for report, first, last in _in_force_between(reports, max(step.starts_on, today), step.ends_on):
        if report is None:
            uncovered = True
            continue
        covered = True
        fit = matching.evaluate(demands, report.work_status, restrictions.limits_of(report.restrictions))
        if fit.work_status == WorkStatus.OFF_WORK:
            flags.append(Flag(OFF_WORK, "The employee may not work on these days.", first, last))
            continue
        for conflict in fit.conflicts:
            what = OVER_WORK_HOURS if conflict.dimension == "work_hours" else conflict.label
            flags.append(Flag(what, conflict.detail, first, last))
    return StepCheck(number, step, flags, covered=covered, uncovered=uncovered)


def check(session, plan: ReturnToWorkPlan, today: date) -> PlanCheck:
    """Each step of the plan against the restrictions in force on its dates, from ``today`` on."""
    reports = restrictions.accepted_reports(session, plan.case_id)
    return PlanCheck([_check_step(number, step, reports, today) for number, step in enumerate(plan.steps, start=1)])
