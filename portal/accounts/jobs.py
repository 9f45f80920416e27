"""Jobs: each job title on the roster, with its essential functions and its physical demands on the same
Dictionary of Occupational Titles scales as restrictions and duty offers; and how an employee's own job fits
their case's current restrictions, by the rules a duty offer is matched by.

A roster load makes a job of each title new to the portal, with nothing recorded; an admin records it. A job
holds nothing medical: the admin's screens never show a restriction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Job, RosterPerson, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.inserts import insert_in_dialect
from portal.core.pagination import Page, paginate
from portal.duty.models import Demand
from portal.restrictions import matching
from portal.restrictions import operations as restrictions
from portal.restrictions.models import RestrictionReport, WorkStatus
from portal.restrictions.operations import Limit

MAX_FUNCTIONS = 4000


@dataclass(frozen=True)
class JobRow:
    """One job in the list of jobs: ``holders`` is how many people in the latest roster hold it."""

    job: Job
    holders: int


@dataclass
class JobInput:
    """A job as an admin records it: each dimension left empty is one the job does not need."""

    essential_functions: str = ""
    demands: dict[str, Limit] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnJob:
    """An employee's own job against their case's current restrictions. ``person`` is None when they are not on
    the roster; ``fit`` is None until the job's demands are recorded."""

    person: RosterPerson | None
    job: Job | None
    fit: matching.Fit | None

    @property
    def summary(self) -> str:
        # The matching rules' summary speaks of offers; off work, the employee's own job is no different.
        if self.fit is not None and self.fit.work_status == WorkStatus.OFF_WORK:
            return "The employee may not work: not in their own job either"
        return self.fit.summary if self.fit is not None else ""


def unknown_titles(session, titles: Iterable[str]) -> list[str]:
    """Of ``titles``, those that are no job yet, in order."""
    return sorted(set(titles) - set(session.scalars(select(Job.title))))


def add_jobs(session, titles: Iterable[str]) -> None:
    """A job with nothing recorded for each of ``titles`` that is none yet, in the caller's transaction. A title
    that another load or admin makes a job of at the same moment stays one job."""
    new = unknown_titles(session, titles)
    if new:
        session.execute(
            insert_in_dialect(session, Job).on_conflict_do_nothing(index_elements=["title"]),
            [{"title": title, "essential_functions": "", "version": 1} for title in new],
        )


def jobs_page(session, page: int, per_page: int, unrecorded: bool = False) -> Page:
    """Every job by title, as ``JobRow``s; with ``unrecorded``, only those an admin has still to record."""
    holders = (
        select(func.count())
        .where(RosterPerson.job_title == Job.title, RosterPerson.in_latest_roster.is_(True))
        .correlate(Job)
        .scalar_subquery()
    )
    query = select(Job, holders).order_by(Job.title, Job.id)
    if unrecorded:
        query = query.where(Job.demands_recorded_at.is_(None))
    found = paginate(session, query, page, per_page)
    return replace(found, items=[JobRow(job, count) for job, count in found.items])


def job(session, job_id: int) -> Job:
    found = session.get(Job, job_id)
    if found is None:
        raise NotFound()
    return found


def holders(session, job: Job) -> int:
    """How many people in the latest roster hold ``job``."""
    return session.scalar(
        select(func.count()).where(RosterPerson.job_title == job.title, RosterPerson.in_latest_roster.is_(True))
    )


def demands_of(session, job: Job) -> dict[str, Limit]:
    """The job's physical demands, by dimension, as the matching rules and the form take them."""
    return restrictions.limits_of(session.scalars(select(Demand).where(Demand.job_id == job.id).order_by(Demand.id)))


def problems(entered: JobInput) -> dict[str, str]:
    """Every rule the job breaks, by form field: its demands meet the rules a duty offer's demands meet."""
    found = {}
    functions = entered.essential_functions.strip()
    if not functions:
        found["essential_functions"] = "Describe the job's essential functions."
    elif len(functions) > MAX_FUNCTIONS:
        found["essential_functions"] = f"The essential functions are longer than {MAX_FUNCTIONS:,} characters."
    for key, demand in entered.demands.items():
        message = restrictions.limit_problem(restrictions.BY_KEY[key], demand)
        if message:
            found[key] = message
    return found


def record_job(
    session, admin: User, job: Job, entered: JobInput, version: int | None = None, now: datetime | None = None
) -> None:
    """Record the job's essential functions and physical demands, in place of what was recorded before.

    Refused, each problem by its field, when ``problems`` finds any; refused with Conflict when another admin
    recorded the job since this one saw ``version``."""
    now = now or utcnow()
    found = problems(entered)
    if found:
        raise InvalidInput(problems=found)
    # Held until the commit: of two admins recording one job at once, the second is told of the first.
    session.refresh(job, with_for_update=True)
    if version is not None and version != job.version:
        raise _recorded_meanwhile(job)
    write(session, job, entered, now)
    audit.record(session, actor=admin, action="job_recorded", object_type="job", object_id=job.id, detail=job.title)
    try:
        session.commit()
    except StaleDataError:  # where rows are not locked (SQLite), the version still tells
        session.rollback()
        raise _recorded_meanwhile(job) from None


def write(session, job: Job, entered: JobInput, now: datetime) -> None:
    """Put what ``entered`` says in place of what was recorded of ``job``, in the caller's transaction: the
    caller has checked it (``problems``)."""
    session.execute(delete(Demand).where(Demand.job_id == job.id))
    rows = restrictions.rows(Demand, entered.demands)
    for row in rows:
        row.job_id = job.id
    session.add_all(rows)
    job.essential_functions = entered.essential_functions.strip()
    job.demands_recorded_at = now


def _recorded_meanwhile(job: Job) -> Conflict:
    return Conflict(
        f"Another admin recorded {job.title} while you were looking at it. Load this page again to see what they "
        "recorded, or save again to record what you entered instead."
    )


def own_job(session, person: RosterPerson | None, report: RestrictionReport | None) -> OwnJob:
    """``person``'s job, by their job title on the roster, and once its demands are recorded, how they fit
    ``report`` (the case's current restrictions, None before any): at most two queries."""
    if person is None:
        return OwnJob(None, None, None)
    found = session.scalar(select(Job).where(Job.title == person.job_title))
    if found is None or not found.recorded:
        return OwnJob(person, found, None)
    fit = matching.evaluate(
        demands_of(session, found),
        report.work_status if report else None,
        restrictions.limits_of(report.restrictions) if report else {},
    )
    return OwnJob(person, found, fit)
