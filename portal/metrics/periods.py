"""Each case's days lost, written out as periods (``DaysLostPeriod``) from the case record.

A commit that touches a case, one of its items or its record, or an employee's department, brings those cases'
periods in line (``register``); a bulk load writes without it and then runs ``refresh`` over every case (``flask
portal count-days-lost``)."""

from sqlalchemy import delete, insert, inspect, select, text
from sqlalchemy.orm import Session, load_only

from portal.accounts.models import User
from portal.cases import days_lost, followers
from portal.cases.models import Case, CaseEvent
from portal.items.models import Submission
from portal.metrics.models import DaysLostPeriod

# Set False in session.info to write without it, in bulk.
ENABLED = "metrics.days_lost"
_BATCH = 500


def refresh(session: Session, case_ids: set[int] | None = None) -> int:
    """Rewrite the periods of these cases (of every case, when none are named); returns how many were written."""
    if case_ids is None:
        case_ids = set(session.scalars(select(Case.id)))
    written = 0
    ordered = sorted(case_ids)
    for start in range(0, len(ordered), _BATCH):
        batch = ordered[start : start + _BATCH]
        cases = session.scalars(
            select(Case)
            .where(Case.id.in_(batch))
            .options(
                load_only(
                    Case.leave_start,
                    Case.case_type,
                    Case.transitional_duty_start,
                    Case.opened_at,
                    Case.status,
                    Case.outcome,
                    Case.closed_on,
                    Case.employee_id,
                )
            )
        ).all()
        cases = [case for case in cases if case.counts_as_case]
        departments = dict(
            session.execute(
                select(User.id, User.department).where(User.id.in_({case.employee_id for case in cases}))
            ).all()
        )
        changes = days_lost.changes_of(session, list(cases))
        rows = [
            {
                "case_id": case.id,
                "state": period.state.value,
                "first_day": period.first.toordinal(),
                "last_day": period.last.toordinal(),
                "case_type": case.case_type,
                "department": departments.get(case.employee_id),
            }
            for case in cases
            for period in days_lost.periods(case.leave_start, changes[case.id], days_lost.counted_until(case))
        ]
        session.execute(delete(DaysLostPeriod).where(DaysLostPeriod.case_id.in_(batch)))
        if rows:
            session.execute(insert(DaysLostPeriod), rows)
        written += len(rows)
    return written


def refresh_every_case(session: Session) -> int:
    """Every case's periods, after an upgrade or a bulk load, with the table's planner statistics brought up to
    date (a table rewritten whole is one the planner would otherwise misjudge)."""
    written = refresh(session)
    session.execute(text("ANALYZE days_lost_periods"))
    return written


def _cases_of(session: Session, thing) -> list[int]:
    # A clinician's report counts once accepted, which moves its item; a return is a case event.
    if isinstance(thing, Case):
        return [thing.id]
    if isinstance(thing, Submission | CaseEvent):
        return [thing.case_id]
    if isinstance(thing, User) and inspect(thing).attrs.department.history.has_changes():
        return list(session.scalars(select(Case.id).where(Case.employee_id == thing.id)))
    return []


def register() -> None:
    followers.follow(followers.Follower(ENABLED, _cases_of, refresh))
