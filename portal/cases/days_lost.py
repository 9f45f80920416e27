"""Days lost on a case, counted as OSHA counts them for its log (29 CFR 1904.7(b)(3)): calendar days, weekends
and holidays included, from the day after the injury or first absence; days away from work and days on
restricted duty apart; and no more than 180 of the two together.

The work state on each day is the last word on it: the absence that opened the case, then each accepted
clinician's report (off work, restricted, full duty) from the day it takes effect, transitional duty from the
day it starts, and each return the case manager records. A day back at full duty counts for neither, so a
return to work and a new absence after it leave a gap."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from sqlalchemy import select

from portal.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus, CaseType, ReturnDuty
from portal.items.models import Submission
from portal.restrictions.models import RestrictionReport, WorkStatus

CAP = 180


class WorkState(Enum):
    AWAY = "away"
    RESTRICTED = "restricted"
    AT_WORK = "at_work"


@dataclass(frozen=True)
class Change:
    """From ``on``, the employee is in ``state``; ``recorded`` orders two changes on one day."""

    on: date
    state: WorkState
    recorded: datetime


@dataclass(frozen=True)
class DaysLost:
    away: int
    restricted: int

    @property
    def capped(self) -> bool:
        return self.away + self.restricted >= CAP


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (inclusive) counted as ``state`` (away or restricted)."""

    state: WorkState
    first: date
    last: date


def periods(start: date | None, changes: Iterable[Change], until: date | None = None) -> list[Period]:
    """The days counted, as periods: from the day after ``start`` to ``until`` (inclusive), capped together at
    180. With no ``until`` (a case still open) the last period runs to the day the cap would be reached, so that
    the days counted up to any later day are its days up to then."""
    ordered = sorted(changes, key=lambda change: (change.on, change.recorded))
    if start is None:
        if not ordered:
            return []
        start = ordered[0].on
    first_day = start + timedelta(days=1)
    counted = 0
    found: list[Period] = []
    for index, change in enumerate(ordered):
        if change.state == WorkState.AT_WORK:
            continue
        begins = max(change.on, first_day)
        ends = ordered[index + 1].on - timedelta(days=1) if index + 1 < len(ordered) else until
        if ends is not None and until is not None:
            ends = min(ends, until)
        days = CAP - counted if ends is None else min((ends - begins).days + 1, CAP - counted)
        if days <= 0:
            continue
        found.append(Period(change.state, begins, begins + timedelta(days=days - 1)))
        counted += days
        if counted >= CAP:
            break
    return found


def count(start: date | None, changes: Iterable[Change], until: date) -> DaysLost:
    """Days away and restricted from the day after ``start`` to ``until`` (inclusive), capped together at 180."""
    totals = {WorkState.AWAY: 0, WorkState.RESTRICTED: 0}
    for period in periods(start, changes, until):
        totals[period.state] += (period.last - period.first).days + 1
    return DaysLost(totals[WorkState.AWAY], totals[WorkState.RESTRICTED])


STATE_OF_WORK_STATUS = {
    WorkStatus.OFF_WORK: WorkState.AWAY,
    WorkStatus.MODIFIED_DUTY: WorkState.RESTRICTED,
    WorkStatus.FULL_DUTY: WorkState.AT_WORK,
}
STATE_OF_RETURN = {ReturnDuty.FULL_DUTY: WorkState.AT_WORK, ReturnDuty.MODIFIED_DUTY: WorkState.RESTRICTED}


def changes_of(session, cases: list[Case]) -> dict[int, list[Change]]:
    """Each case's changes of work state, in two queries whatever the number of cases."""
    ids = [case.id for case in cases]
    changes: dict[int, list[Change]] = {case.id: [] for case in cases}
    for case in cases:
        if case.leave_start is not None and case.case_type != CaseType.ACCOMMODATION:
            changes[case.id].append(Change(case.leave_start, WorkState.AWAY, case.opened_at))
        if case.transitional_duty_start is not None:
            changes[case.id].append(Change(case.transitional_duty_start, WorkState.RESTRICTED, case.opened_at))
    # Accepted reports are those with an acceptance time: a condition on the report, so that the planner walks
    # the page's cases by their index (on SQLite, a status condition sends it through every accepted item).
    reports = session.execute(
        select(
            Submission.case_id,
            RestrictionReport.effective_from,
            RestrictionReport.work_status,
            RestrictionReport.accepted_at,
        )
        .join(Submission, RestrictionReport.submission_id == Submission.id)
        .where(Submission.case_id.in_(ids), RestrictionReport.accepted_at.is_not(None))
    )
    for case_id, effective_from, work_status, accepted_at in reports:
        changes[case_id].append(Change(effective_from, STATE_OF_WORK_STATUS[WorkStatus(work_status)], accepted_at))
    returns = session.execute(
        select(CaseEvent.case_id, CaseEvent.effective_on, CaseEvent.after, CaseEvent.at).where(
            CaseEvent.case_id.in_(ids), CaseEvent.kind == CaseEventKind.RETURN_RECORDED
        )
    )
    for case_id, effective_on, duty, at in returns:
        changes[case_id].append(Change(effective_on, STATE_OF_RETURN[ReturnDuty(duty)], at))
    return changes


def counted_until(case: Case) -> date | None:
    """The last day a case counts: its closing day, or none while it is open."""
    return case.closed_on if case.status == CaseStatus.CLOSED and case.closed_on else None


def for_cases(session, cases: list[Case], today: date) -> dict[int, DaysLost]:
    """Each case's days lost so far."""
    if not cases:
        return {}
    changes = changes_of(session, cases)
    return {
        case.id: count(
            case.leave_start,
            changes[case.id],
            min(today, until) if (until := counted_until(case)) else today,
        )
        for case in cases
    }
