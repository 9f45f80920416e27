"""Loading jobs from a CSV file: a row for each job, its title, its essential functions and its physical
demands, a column for each part of a demand in the words of the duty-offer form. Every row meets the rules an
admin's record of a job meets; the preview says what would change; and all of it, or none, is written once an
admin confirms, as a roster is. Jobs the file does not name are left as they are, and a title new to the
portal becomes a job.
"""

import csv
import hashlib
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import jobs, roster_import
from portal.accounts.jobs import JobInput
from portal.accounts.models import Job, JobImport, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, NotFound
from portal.core.numbers import whole_number
from portal.duty.models import Demand
from portal.restrictions import operations as restrictions
from portal.restrictions.models import Frequency
from portal.restrictions.operations import Limit

# The columns of a jobs file: the title, the essential functions, and each part of each demand in the words of
# the form a job is recorded on, matched as loosely as a roster's.
COLUMNS = {"title": "Job title", "essential_functions": "Essential functions"} | {
    f"{dimension.key}_{part}": restrictions.DEMAND_WORDS[part].format(label=dimension.label)
    for dimension in restrictions.DIMENSIONS
    for part in restrictions.PARTS[dimension.kind]
}
WHAT = "the jobs CSV file"
NOT_NEEDED = "not needed"  # the form's words for an empty choice, which a cell may hold too
LOADED_ALREADY = "This jobs file was loaded already. Load the file again to see what it would change now."
CHANGED_MEANWHILE = "The jobs changed since this preview. Check the new preview, then confirm it."
MAX_TITLE = 200  # the column's length


@dataclass(frozen=True)
class JobLine:
    """One job as the file gives it, checked."""

    line: int
    title: str
    entered: JobInput


@dataclass(frozen=True)
class JobProblem:
    line: int
    title: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class JobChange:
    """What loading the file does to one job: ``job_id`` (and the ``version`` of the job it saw) is None for a
    title new to the portal, and ``what`` names what changes of a job recorded already (empty for one recorded
    for the first time)."""

    row: JobLine
    job_id: int | None
    version: int | None
    what: tuple[str, ...]

    @property
    def described(self) -> str:
        if self.job_id is None:
            return "A new job"
        return "Changes: " + ", ".join(self.what) if self.what else "Recorded for the first time"


@dataclass
class Preview:
    """What loading a jobs file would do; ``problems`` stop it, and ``digest`` names exactly this plan."""

    file_problems: list[str] = field(default_factory=list)
    problems: list[JobProblem] = field(default_factory=list)
    changes: list[JobChange] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0

    @property
    def can_apply(self) -> bool:
        return not self.file_problems and not self.problems

    @property
    def digest(self) -> str:
        plan = hashlib.sha256()
        for change in self.changes:
            # The job's version: a job an admin records meanwhile is no longer the one the plan was made over.
            plan.update(f"{change.job_id}|{change.version}|{change.row.title}|{change.row.entered}\n".encode())
        return plan.hexdigest()


def template() -> str:
    """An empty jobs file: its header row, for a spreadsheet to fill in."""
    file = io.StringIO()
    csv.writer(file).writerow(COLUMNS.values())
    return file.getvalue()


def _pounds(text: str) -> int:
    pounds = whole_number(text)
    if pounds is None:
        raise ValueError("a whole number of pounds, like 20")
    return pounds


def _frequency(text: str) -> str | None:
    wanted = text.lower()
    for frequency in Frequency:
        if wanted in (frequency.value, frequency.label.lower()):
            return frequency.value
    if wanted == NOT_NEEDED:
        return None
    raise ValueError("how often: never, occasionally, frequently or constantly")


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours):
        raise ValueError("a number of hours a day, like 6 or 7.5")
    return round(hours, 1)  # as the database keeps them


def _allowed(text: str) -> bool | None:
    wanted = text.lower()
    if wanted == NOT_NEEDED:
        return None
    if wanted not in ("yes", "no"):
        raise ValueError("yes or no")
    return wanted == "yes"


PARSE = {"pounds": _pounds, "frequency": _frequency, "hours": _hours, "allowed": _allowed}


def check_row(line: int, values: dict[str, str]) -> JobLine | JobProblem:
    """One row read into a job, or every problem with it in words."""
    messages = []
    title = values["title"]
    if not title:
        messages.append("Enter the job title.")
    elif len(title) > MAX_TITLE:
        messages.append(f"The job title is longer than {MAX_TITLE} characters.")
    if "" in values:
        messages.append("It has more cells than the header has columns. Check for a comma in the functions.")
    demands: dict[str, Limit] = {}
    unread = set()
    for dimension in restrictions.DIMENSIONS:
        limit = demands[dimension.key] = Limit()
        for part in restrictions.PARTS[dimension.kind]:
            column = f"{dimension.key}_{part}"
            if not values[column]:
                continue
            try:
                setattr(limit, part, PARSE[part](values[column]))
            except ValueError as error:
                messages.append(f"{COLUMNS[column]}: “{values[column]}” is not {error}.")
                unread.add(dimension.key)
    entered = JobInput(values["essential_functions"], demands)
    # A part that could not be read has said so; the rules speak of what was read.
    messages.extend(message for key, message in jobs.problems(entered).items() if key not in unread)
    if messages:
        return JobProblem(line, title, tuple(messages))
    return JobLine(line, title, entered)


def preview(session, content: str) -> Preview:
    """What loading ``content`` would do to the jobs as they are now, without writing anything."""
    result = Preview()
    result.file_problems, rows = roster_import.read(content, COLUMNS, rows_are="jobs")
    if result.file_problems:
        return result
    result.rows = len(rows)
    first_line: dict[str, int] = {}
    good: list[JobLine] = []
    for line, values in rows:
        checked = check_row(line, values)
        title = values["title"]
        if title and title in first_line:
            checked = JobProblem(
                line,
                title,
                (checked.messages if isinstance(checked, JobProblem) else ())
                + (f"The job title {title} is on more than one row (first on line {first_line[title]}).",),
            )
        first_line.setdefault(title, line)
        if isinstance(checked, JobProblem):
            result.problems.append(checked)
        else:
            good.append(checked)
    recorded = _recorded(session, [row.title for row in good])
    for row in good:
        job, demands = recorded.get(row.title, (None, {}))
        if job is None:
            result.changes.append(JobChange(row, None, None, ()))
            continue
        what = _differences(job, demands, row.entered) if job.recorded else ()
        if what or not job.recorded:
            result.changes.append(JobChange(row, job.id, job.version, what))
        else:
            result.unchanged += 1
    return result


def _recorded(session, titles: list[str]) -> dict[str, tuple[Job, dict[str, Limit]]]:
    """The jobs of these titles with their demands: two queries, however many."""
    found = list(session.scalars(select(Job).where(Job.title.in_(titles)))) if titles else []
    demands = defaultdict(list)
    if found:
        for row in session.scalars(select(Demand).where(Demand.job_id.in_([job.id for job in found]))):
            demands[row.job_id].append(row)
    return {job.title: (job, restrictions.limits_of(demands[job.id])) for job in found}


def _differences(job: Job, demands: dict[str, Limit], entered: JobInput) -> tuple[str, ...]:
    """What of ``job`` the file changes, in words."""
    what = ["Essential functions"] if job.essential_functions != entered.essential_functions.strip() else []
    for dimension in restrictions.DIMENSIONS:
        new = entered.demands.get(dimension.key) or Limit()
        if (demands.get(dimension.key) or Limit()) != new:
            what.append(dimension.label)
    return tuple(what)


def stage(session, admin: User, file_name: str, content: bytes, now: datetime | None = None) -> JobImport:
    """Keep an uploaded jobs file to preview; no job changes until it is confirmed."""
    staged = JobImport(
        file_name=(file_name or "jobs.csv")[:255],
        content=roster_import.decode(content, WHAT),
        uploaded_by_id=admin.id,
        uploaded_at=now or utcnow(),
    )
    session.add(staged)
    session.commit()
    return staged


def staged_import(session, import_id: int) -> JobImport:
    staged = session.get(JobImport, import_id)
    if staged is None:
        raise NotFound()
    return staged


def apply(session, admin: User, staged: JobImport, digest: str, now: datetime | None = None) -> Preview:
    """Write the plan the admin saw, all of it in one transaction or none of it.

    Refused if the file has problems, if it was applied already, or if the jobs changed since the preview so
    that the plan is no longer the one confirmed."""
    now = now or utcnow()
    if staged.applied_at is not None:
        raise Conflict(LOADED_ALREADY)
    plan = preview(session, staged.content)
    try:
        roster_import.claim(session, staged, plan, digest, now, LOADED_ALREADY, CHANGED_MEANWHILE)
        titles = [change.row.title for change in plan.changes]
        jobs.add_jobs(session, titles)
        by_title = {job.title: job for job in session.scalars(select(Job).where(Job.title.in_(titles)))}
        for change in plan.changes:
            jobs.write(session, by_title[change.row.title], change.row.entered, now)
        staged.recorded = len(plan.changes)
        audit.record(
            session,
            actor=admin,
            action="jobs_imported",
            object_type="job_import",
            object_id=staged.id,
            detail=f"{len(plan.changes)} jobs recorded",
        )
        session.commit()
    except StaleDataError:  # an admin recorded one of the jobs as this was written
        session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from None
    except Exception:
        session.rollback()
        raise
    return plan
