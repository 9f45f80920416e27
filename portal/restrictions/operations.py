"""Functional restrictions: the dimensions, their scales, the rules a report must meet,
how they read in plain language, and which report is a case's current one.

Dimensions and scales follow the U.S. Department of Labor's Dictionary of
Occupational Titles: weights in pounds with a frequency (never, occasionally up
to 1/3 of the day, frequently 1/3 to 2/3, constantly over 2/3), hours a day for
standing, walking, sitting and work, a frequency for postures, yes or no for
driving and machinery. Transitional-duty demands use the same dimensions.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.items.models import Submission
from portal.restrictions.models import Frequency, Restriction, RestrictionReport, WorkStatus

WEIGHT, HOURS, POSTURE, PERMISSION = "weight", "hours", "posture", "permission"
MAX_POUNDS = 200


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    kind: str


DIMENSIONS = [
    Dimension("lift", "Lift", WEIGHT),
    Dimension("carry", "Carry", WEIGHT),
    Dimension("push", "Push", WEIGHT),
    Dimension("pull", "Pull", WEIGHT),
    Dimension("stand", "Stand", HOURS),
    Dimension("walk", "Walk", HOURS),
    Dimension("sit", "Sit", HOURS),
    Dimension("bend", "Bend or stoop", POSTURE),
    Dimension("squat_kneel", "Squat or kneel", POSTURE),
    Dimension("climb", "Climb", POSTURE),
    Dimension("reach_overhead", "Reach overhead", POSTURE),
    Dimension("repetitive_hand", "Repetitive hand motion", POSTURE),
    Dimension("keyboard", "Keyboarding", POSTURE),
    Dimension("drive", "Drive", PERMISSION),
    Dimension("operate_machinery", "Operate machinery", PERMISSION),
    Dimension("work_hours", "Work", HOURS),
]
BY_KEY = {dimension.key: dimension for dimension in DIMENSIONS}
# The parts of a dimension a person enters, by its kind: each a form field (or a file's column) "<key>_<part>".
PARTS = {WEIGHT: ("pounds", "frequency"), HOURS: ("hours",), POSTURE: ("frequency",), PERMISSION: ("allowed",)}
# Each part as a physical demand of a job, in the same words wherever one is entered or loaded (a duty offer,
# standing availability, a job on the roster); ``{label}`` is the dimension's.
DEMAND_WORDS = {
    "pounds": "{label}: pounds the job needs",
    "frequency": "{label}: how often",
    "hours": "{label}: hours a day the job needs",
    "allowed": "{label}: does the job need it?",
}
# ICD-10-CM: a letter, two characters, then optionally a dot and up to four more (e.g. S83.511A).
ICD10CM = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


@dataclass
class Limit:
    """One dimension's restriction as entered; which parts apply depends on the dimension's kind."""

    pounds: int | None = None
    frequency: str | None = None
    hours: float | None = None
    allowed: bool | None = None

    def is_empty(self) -> bool:
        return self.pounds is None and not self.frequency and self.hours is None and self.allowed is None


@dataclass
class ReportInput:
    visit_date: date | None = None
    work_status: str | None = None
    effective_from: date | None = None
    expected_until: date | None = None
    next_visit: date | None = None
    estimated_full_duty: date | None = None
    limits: dict[str, Limit] = field(default_factory=dict)
    other_restrictions: str = ""
    diagnoses: list[tuple[str, str]] = field(default_factory=list)
    attested_name: str = ""
    licence_number: str = ""


def problems(report: ReportInput, today: date) -> dict[str, str]:
    """Every rule the report breaks, keyed by the form field it belongs to (empty when it is fine)."""
    found: dict[str, str] = {}
    if report.visit_date is None:
        found["visit_date"] = "Enter the date of the visit."
    elif report.visit_date > today:
        found["visit_date"] = "The date of the visit cannot be in the future."
    if report.work_status not in set(WorkStatus):
        found["work_status"] = "Choose the work status."
    if report.effective_from is None:
        found["effective_from"] = "Enter the date this status takes effect."
    elif report.visit_date and report.effective_from < report.visit_date:
        found["effective_from"] = "The status cannot take effect before the visit."
    start = report.effective_from
    if report.expected_until and start and report.expected_until < start:
        found["expected_until"] = "The expected end must be on or after the date it takes effect."
    if report.next_visit and report.visit_date and report.next_visit <= report.visit_date:
        found["next_visit"] = "The next visit must be after this visit."
    if report.estimated_full_duty and start and report.estimated_full_duty < start:
        found["estimated_full_duty"] = "Full duty cannot be expected before this status takes effect."
    for key, limit in report.limits.items():
        message = limit_problem(BY_KEY[key], limit)
        if message:
            found[f"{key}"] = message
    has_restriction = any(not limit.is_empty() for limit in report.limits.values()) or report.other_restrictions.strip()
    if report.work_status == WorkStatus.MODIFIED_DUTY and not has_restriction:
        found["restrictions"] = "Enter at least one restriction when the employee may work with restrictions."
    if not report.diagnoses:
        found["diagnoses"] = "Enter at least one diagnosis as an ICD-10-CM code with its description."
    for code, description in report.diagnoses:
        if not ICD10CM.match(code.strip().upper()):
            found["diagnoses"] = f"{code} is not an ICD-10-CM code. Codes look like M54.50 or S83.511A."
            break
        if not description.strip():
            found["diagnoses"] = f"Describe diagnosis {code}."
            break
    if not report.attested_name.strip():
        found["attested_name"] = "Type your full name to sign the report."
    if not report.licence_number.strip():
        found["licence_number"] = "Enter your licence number."
    return found


def limit_problem(dimension: Dimension, limit: Limit) -> str | None:
    if dimension.kind == WEIGHT:
        if limit.pounds is not None and not 0 <= limit.pounds <= MAX_POUNDS:
            return f"{dimension.label}: enter pounds from 0 to {MAX_POUNDS}."
        if (limit.pounds is None) != (not limit.frequency):
            return f"{dimension.label}: give both the pounds and how often, or neither."
    if limit.frequency and limit.frequency not in set(Frequency):
        return f"{dimension.label}: choose how often."
    if dimension.kind == HOURS and limit.hours is not None and not 0 <= limit.hours <= 24:
        return f"{dimension.label}: enter hours a day from 0 to 24."
    return None


def priority(work_status: str) -> int:
    """Inbox priority of a report: may not work first, then restrictions, then full duty."""
    return {WorkStatus.OFF_WORK: 3, WorkStatus.MODIFIED_DUTY: 2, WorkStatus.FULL_DUTY: 1}[WorkStatus(work_status)]


def describe(dimension_key: str, limit: Limit | Restriction | None) -> str:
    """A restriction in plain words, e.g. "up to 20 lb, occasionally" or "no more than 4 hours a day"."""
    if limit is None or (isinstance(limit, Limit) and limit.is_empty()):
        return "No restriction"
    dimension = BY_KEY[dimension_key]
    if dimension.kind == WEIGHT:
        if limit.pounds == 0 or limit.frequency == Frequency.NEVER:
            return "Not at all"
        how_often = f", {Frequency(limit.frequency).label.lower()}" if limit.frequency else ""
        return f"Up to {limit.pounds} lb{how_often}"
    if dimension.kind == HOURS:
        hours = f"{limit.hours:g}"
        return "Not at all" if limit.hours == 0 else f"No more than {hours} hour{'s' if limit.hours != 1 else ''} a day"
    if dimension.kind == POSTURE:
        if not limit.frequency:
            return "No restriction"
        return "Not at all" if limit.frequency == Frequency.NEVER else Frequency(limit.frequency).label
    return "Allowed" if limit.allowed else "Not allowed"


def _accepted():
    """Accepted reports, latest first: the one that began last, then the one accepted last, wins a day."""
    return (
        select(RestrictionReport)
        .join(Submission, RestrictionReport.submission_id == Submission.id)
        .where(RestrictionReport.accepted_at.is_not(None))
        .options(selectinload(RestrictionReport.restrictions))
        .order_by(RestrictionReport.effective_from.desc(), RestrictionReport.accepted_at.desc())
    )


def _in_effect(today: date):
    """Accepted reports whose dates cover today (an open end means until superseded), latest first."""
    return _accepted().where(
        RestrictionReport.effective_from <= today,
        or_(RestrictionReport.expected_until.is_(None), RestrictionReport.expected_until >= today),
    )


def current_report(session, case_id: int, today: date, excluding: int | None = None) -> RestrictionReport | None:
    """The case's current restrictions: the accepted report in effect today that began last.

    A later report supersedes an earlier one; every report stays readable in the history.
    """
    query = _in_effect(today).where(Submission.case_id == case_id).limit(1)
    if excluding is not None:
        query = query.where(RestrictionReport.submission_id != excluding)
    return session.scalar(query)


def current_reports(session, case_ids: list[int], today: date) -> dict[int, RestrictionReport]:
    """The current report of each case, in two queries whatever the number of cases."""
    if not case_ids:
        return {}
    reports = session.scalars(
        _in_effect(today).where(Submission.case_id.in_(case_ids)).options(selectinload(RestrictionReport.submission))
    )
    current: dict[int, RestrictionReport] = {}
    for report in reports:
        current.setdefault(report.submission.case_id, report)
    return current


def accepted_reports(session, case_id: int) -> list[RestrictionReport]:
    """Every accepted report of the case with its restrictions, in one query, for ``in_force_on``."""
    return list(session.scalars(_accepted().where(Submission.case_id == case_id)))


def in_force_on(reports: list[RestrictionReport], day: date) -> RestrictionReport | None:
    """Of ``accepted_reports``, the one in effect on ``day``: the rule of ``current_report``, for any day."""
    for report in reports:
        if report.effective_from <= day and (report.expected_until is None or report.expected_until >= day):
            return report
    return None


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def compare(previous: RestrictionReport | None, report: RestrictionReport) -> list[Change]:
    """Dimension by dimension, what the report changes against the case's current restrictions."""
    before = {r.dimension: r for r in previous.restrictions} if previous else {}
    after = {r.dimension: r for r in report.restrictions}
    changes = [
        Change("Work status", previous.work_status_label if previous else "No report yet", report.work_status_label)
    ]
    for dimension in DIMENSIONS:
        changes.append(
            Change(
                dimension.label,
                describe(dimension.key, before.get(dimension.key)),
                describe(dimension.key, after.get(dimension.key)),
            )
        )
    changes.append(
        Change(
            "Other restrictions",
            (previous.other_restrictions or "None") if previous else "None",
            report.other_restrictions or "None",
        )
    )
    return changes


def limits_of(rows) -> dict[str, Limit]:
    """Restriction or demand rows as Limits by dimension, the form the matching rules take."""
    return {
        row.dimension: Limit(pounds=row.pounds, frequency=row.frequency, hours=row.hours, allowed=row.allowed)
        for row in rows
    }


def rows(model, limits: dict[str, Limit]) -> list:
    """Restriction or demand rows (``model``) for the dimensions that have a value."""
    return [
        model(
            dimension=key,
            pounds=limit.pounds,
            frequency=limit.frequency or None,
            hours=limit.hours,
            allowed=limit.allowed,
        )
        for key, limit in limits.items()
        if not limit.is_empty()
    ]
