"""The program's figures: each section of the dashboard is a few aggregates in SQL over indexes, whatever the size
of the program. What Python gets back are counts by a small key (a month, a case type, a number of days), and
medians and 90th percentiles are read off those counts (the nearest-rank method: the value at or below which that
share of the cases lie).

Every figure counts the cases the viewer may see (``access.figures_scope``) that the filters choose; a case is a
case once a case manager opened it (a report still at intake, or joined to another case, is not one)."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql.expression import ColumnElement

from portal import access
from portal.accommodations.models import AccommodationRequest
from portal.accounts.models import Role, User
from portal.cases.models import OPEN_CASE_STATUSES, Case, CaseOutcome, CaseStatus, CaseType
from portal.intake.models import IntakeReport
from portal.items.deadlines import local_date, program_moment
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.metrics.models import DaysLostPeriod
from portal.metrics.sql import day_number, days_between, hours_between
from portal.settings import DeadlineSettings
from portal.tasks.models import Task

LONGEST_RANGE_DAYS = 5 * 366  # days lost are counted by month: at most 60 months on one page
RETURNED = (CaseOutcome.RETURNED_FULL_DUTY, CaseOutcome.RETURNED_WITH_RESTRICTIONS)


@dataclass(frozen=True)
class Filters:
    """What the figures count: a period (local dates, both included) and, optionally, one case type, department
    and case manager. The address holds all of it (``params``)."""

    since: date
    until: date
    case_type: CaseType | None = None
    department: str | None = None
    case_manager_id: int | None = None

    @classmethod
    def default(cls, today: date) -> "Filters":
        """The last three months, as a program reviews itself each quarter: this month so far and the two before."""
        first = today.replace(day=1)
        for _ in range(2):
            first = (first - timedelta(days=1)).replace(day=1)
        return cls(since=first, until=today)

    def params(self) -> dict[str, str]:
        values_ = {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "case_type": self.case_type.value if self.case_type else None,
            "department": self.department,
            "case_manager": str(self.case_manager_id) if self.case_manager_id else None,
        }
        return {name: value for name, value in values_.items() if value}


@dataclass(frozen=True)
class Clock:
    now: datetime
    today: date
    settings: DeadlineSettings

    def start_of(self, day: date) -> datetime:
        """The first moment of a local day."""
        return program_moment(datetime.combine(day, time.min), self.settings)

    @property
    def offset_hours(self) -> int:
        """The program's offset from UTC today (a day's decisions are read in it, daylight saving aside)."""
        offset = program_moment(datetime.combine(self.today, time(12)), self.settings).utcoffset()
        return round(offset.total_seconds() / 3600) if offset else 0


@dataclass(frozen=True)
class Scope:
    """The cases counted: the viewer's (None: every case) and the filters'."""

    viewer: ColumnElement[bool] | None
    filters: Filters

    def cases(self) -> list[ColumnElement[bool]]:
        """Conditions on Case; none when every case counts (the query then needs no join to the cases)."""
        conditions = [] if self.viewer is None else [self.viewer]
        if self.filters.case_type:
            conditions.append(Case.case_type == self.filters.case_type)
        if self.filters.department:
            conditions.append(Case.employee_id.in_(select(User.id).where(User.department == self.filters.department)))
        if self.filters.case_manager_id:
            conditions.append(Case.case_manager_id == self.filters.case_manager_id)
        return conditions


# Each an index range on the cases (portal/cases/models.py). Rows are counted as rows (``count(*)``), never by a
# column: PostgreSQL then reads a count from an index that does not hold the id (a third of the time).
IS_OPEN = Case.status.in_(OPEN_CASE_STATUSES)
CLOSED_AS_A_CASE = and_(Case.status == CaseStatus.CLOSED, Case.outcome.is_not(None))


Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str  # also its CSV file's name
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class Chart:
    """What a chart draws: one bar (or stack of bars) a label; ``horizontal`` for long labels."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]
    horizontal: bool = False
    stacked: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    definition: str
    headline: list[tuple[str, str]]  # (what, the figure as written)
    summary: str  # one sentence: what the chart shows, for those who cannot see it
    tables: list[Table]
    chart: Chart | None = None


@dataclass
class Distribution:
    """Counts by a whole number (hours, days); its median and 90th percentile by nearest rank."""

    counts: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[int | None, int]]) -> "Distribution":
        found = cls()
        for value, count in rows:
            if value is not None:
                found.counts[value] = found.counts.get(value, 0) + count
        return found

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percentile(self, share: float) -> int | None:
        rank = max(1, math.ceil(share * self.total))
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if seen >= rank:
                return value
        return None


def _measures(key: str, caption: str, rows: list[tuple[Cell, ...]]) -> Table:
    """A section's table of its measures, one a row."""
    return Table(key, caption, ("Measure", "Value"), rows)


def _count_if(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _later(a, b) -> ColumnElement:
    return case((a > b, a), else_=b)


def _earlier(a, b) -> ColumnElement:
    return case((a < b, a), else_=b)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none to count"


def _days(value: int | None) -> str:
    if value is None:
        return "none to count"
    return "the same day" if value == 0 else ("1 day" if value == 1 else f"{value:,} days")


def _number(count: int, thing: str) -> str:
    """``count`` things, in words that agree: 1 case, 2 cases."""
    return f"{count:,} {thing}" if count == 1 else f"{count:,} {thing}s"


def _hours(value: int | None) -> str:
    if value is None:
        return "none to count"
    if value < 48:
        return "under an hour" if value < 1 else ("1 hour" if value == 1 else f"{value} hours")
    return f"{value / 24:.1f} days"


def _months(filters: Filters, today: date) -> list[tuple[str, date, date]]:
    """Each month of the period up to today, cut to the period: (label, first day, last day)."""
    last_day = min(filters.until, today)
    found = []
    first = filters.since
    while first <= last_day:
        next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        found.append((first.strftime("%b %Y"), first, min(next_month - timedelta(days=1), last_day)))
        first = next_month
    return found


def _joined(query, conditions: list):
    """The query on ``Case`` too, when its conditions need the case."""
    return query.join(Case, Submission.case_id == Case.id).where(*conditions) if conditions else query


# --- the sections ---------------------------------------------------------------------------------------------


def cases(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    today, filters = clock.today, scope.filters
    week = today - timedelta(days=today.weekday())

    def counted(*conditions) -> ColumnElement[int]:
        return select(func.count()).where(*conditions, *scope.cases()).scalar_subquery()

    def opened_from(since: date, until: date | None = None) -> ColumnElement[int]:
        ends = [] if until is None else [Case.opened_at < clock.start_of(until + timedelta(1))]
        return counted(Case.opened_at >= clock.start_of(since), *ends, Case.counts_as_case)

    row = session.execute(
        select(
            counted(IS_OPEN),
            opened_from(week),
            opened_from(today.replace(day=1)),
            opened_from(filters.since, filters.until),
            counted(Case.closed_on >= filters.since, Case.closed_on <= filters.until, CLOSED_AS_A_CASE),
        )
    ).one()
    open_now, this_week, this_month, opened, closed = (int(value) for value in row)
    rows: list[tuple[Cell, ...]] = [
        ("Open now", open_now),
        ("New this week (from Monday)", this_week),
        ("New this month", this_month),
        ("Opened in the period", opened),
        ("Closed in the period", closed),
    ]
    return Section(
        "cases",
        "Cases",
        "A case counts from the day a case manager opened it from a report (a report still waiting for triage, or "
        "joined to a case already open, is not a case) until it is closed. This week and this month are the "
        "program's calendar, whatever the period chosen.",
        [("Open now", f"{open_now:,}"), ("New this week", f"{this_week:,}"), ("New this month", f"{this_month:,}")],
        f"{_number(open_now, 'case')} open now; {opened:,} opened and {closed:,} closed in the period.",
        [Table("cases", "Cases", ("Cases", "Number"), rows)],
    )


def triage(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    waited = hours_between(Submission.submitted_at, Submission.triaged_at)
    query = (
        select(waited, func.count())
        .where(
            Submission.submitted_at >= clock.start_of(filters.since),
            Submission.submitted_at < clock.start_of(filters.until + timedelta(1)),
            # Withdrawn before anyone took it up: never to be triaged.
            or_(Submission.triaged_at.is_not(None), Submission.status == SubmissionStatus.NEW),
        )
        .group_by(waited)
    )
    rows = list(session.execute(_joined(query, scope.cases())))
    times = Distribution.of(rows)
    waiting = sum(count for hours, count in rows if hours is None)
    median, slowest = times.percentile(0.5), times.percentile(0.9)
    return Section(
        "triage",
        "Time to first triage",
        "From an item's receipt (a report, a document, a clinician's report, a duty offer, a request for "
        "accommodation) to the first time a case manager claimed, assigned or decided it, in hours on the clock "
        "(nights and weekends included), for the items received in the period.",
        [("Median", _hours(median)), ("90th percentile", _hours(slowest)), ("Still waiting", f"{waiting:,}")],
        (
            f"Half the {_number(times.total, 'item')} triaged were taken up within {_hours(median)}, and nine in "
            f"ten within {_hours(slowest)}; {waiting:,} still waiting."
            if times.total
            else f"No item received in the period has been triaged; {waiting:,} still waiting."
        ),
        [
            _measures(
                "triage",
                "Time to first triage",
                [
                    ("Items received and triaged", times.total),
                    ("Median hours to triage", median),
                    ("90th percentile, hours", slowest),
                    ("Received in the period, still waiting", waiting),
                ],
            )
        ],
    )


def overdue(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    conditions = scope.cases()
    items = select(func.count()).where(Submission.is_open, Submission.due_at < clock.now)
    tasks = select(func.count()).where(Task.is_open, Task.due_on < clock.today)
    if conditions:
        # Each overdue item's case asked about (few), rather than every case of a type searched for its items: as
        # a join, SQLite walks all the leave cases (14 ms) to find a handful of items.
        items = items.where(exists().where(Case.id == Submission.case_id, *conditions))
        tasks = tasks.where(exists().where(Case.id == Task.case_id, *conditions))
    items_overdue, tasks_overdue = session.execute(select(items.scalar_subquery(), tasks.scalar_subquery())).one()
    return Section(
        "overdue",
        "Overdue now",
        "Open inbox items past their deadline (triage, a reply to a request for information, an accommodation "
        "decision) and open tasks past their due day, today, whatever the period chosen.",
        [("Items overdue", f"{items_overdue:,}"), ("Tasks overdue", f"{tasks_overdue:,}")],
        f"{items_overdue:,} items and {tasks_overdue:,} tasks are past their deadline.",
        [Table("overdue", "Overdue now", ("What", "Overdue"), [("Items", items_overdue), ("Tasks", tasks_overdue)])],
    )


def caseload(session, scope: Scope, clock: Clock, managers: dict[int, str]) -> Section:
    rows = session.execute(
        select(Case.case_manager_id, func.count()).where(IS_OPEN, *scope.cases()).group_by(Case.case_manager_id)
    ).all()
    counted = {manager_id: count for manager_id, count in rows}
    named = sorted(  # the busiest first; those with as many, by name
        (
            (managers.get(manager_id, "Former case manager") if manager_id else "No case manager", count)
            for manager_id, count in counted.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    total = sum(counted.values())
    average = total / len([m for m in counted if m]) if any(counted) else 0
    busiest = named[0] if named else None
    return Section(
        "caseload",
        "Caseload per case manager",
        "Open cases by their case manager today, whatever the period chosen.",
        [("Open cases", f"{total:,}"), ("Average per case manager", f"{average:.0f}")],
        (
            f"{busiest[0]} holds the most open cases ({busiest[1]:,}); the average is {average:.0f}."
            if busiest
            else "No case is open."
        ),
        [Table("caseload", "Open cases per case manager", ("Case manager", "Open cases"), list(named))],
        Chart(
            "Open cases per case manager", [name for name, _ in named], [("Open cases", [n for _, n in named])], True
        ),
    )


def report_lag(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    lag = days_between(IntakeReport.first_day_away, Submission.submitted_at)
    query = (
        select(lag, func.count())
        .select_from(IntakeReport)
        .join(Submission, IntakeReport.submission_id == Submission.id)
        .where(
            IntakeReport.first_day_away.is_not(None),
            Submission.kind == SubmissionKind.INTAKE_REPORT,
            Submission.submitted_at >= clock.start_of(filters.since),
            Submission.submitted_at < clock.start_of(filters.until + timedelta(1)),
        )
        .group_by(lag)
    )
    lags = Distribution.of(session.execute(_joined(query, scope.cases())))
    ahead = sum(count for days, count in lags.counts.items() if days < 0)
    after = Distribution({days: count for days, count in lags.counts.items() if days >= 0})
    median, slowest = after.percentile(0.5), after.percentile(0.9)
    return Section(
        "report_lag",
        "From the first day away to the report",
        "Calendar days from the first day away (or the injury) that a report names to the day it reached the "
        "program, for the reports received in the period; a leave reported before it began is counted apart.",
        [("Median", _days(median)), ("90th percentile", _days(slowest)), ("Reported ahead", f"{ahead:,}")],
        (
            f"Half the {_number(after.total, 'absence')} were reported within {_days(median)} and nine in ten "
            f"within {_days(slowest)}; {ahead:,} reported before they began."
            if after.total
            else f"No report of an absence already begun came in the period; {ahead:,} reported ahead."
        ),
        [
            _measures(
                "report_lag",
                "From the first day away to the report",
                [
                    ("Reports after the first day away", after.total),
                    ("Median days", median),
                    ("90th percentile, days", slowest),
                    ("Reported before the leave began", ahead),
                ],
            )
        ],
    )


def days_lost(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    months = _months(filters, clock.today)
    by_month: dict[str, dict[str, int]] = {label: {"away": 0, "restricted": 0} for label, _, _ in months}
    by_type: dict[str, dict[str, int]] = {}
    by_department: dict[str, dict[str, int]] = {}
    if months:
        # One pass over the periods that reach into the period: the days each had up to the end of each month
        # (so a month's days are the difference of two), summed by state, case type and department.
        ends = [months[0][1].toordinal() - 1] + [last.toordinal() for _, _, last in months]
        up_to = [
            func.sum(
                case(
                    (
                        DaysLostPeriod.first_day <= end,
                        _earlier(DaysLostPeriod.last_day, end) - DaysLostPeriod.first_day + 1,
                    ),
                    else_=0,
                )
            )
            for end in ends
        ]
        query = (
            select(DaysLostPeriod.state, DaysLostPeriod.case_type, DaysLostPeriod.department, *up_to)
            .where(DaysLostPeriod.last_day > ends[0], DaysLostPeriod.first_day <= ends[-1])
            .group_by(DaysLostPeriod.state, DaysLostPeriod.case_type, DaysLostPeriod.department)
        )
        if conditions := scope.cases():
            query = query.join(Case, DaysLostPeriod.case_id == Case.id).where(*conditions)
        for state, case_type, department, *totals in session.execute(query):
            for (label, _, _), before, after in zip(months, totals, totals[1:], strict=False):
                by_month[label][state] += int(after - before)
            days = int(totals[-1] - totals[0])
            by_type.setdefault(CaseType(case_type).label, {"away": 0, "restricted": 0})[state] += days
            by_department.setdefault(department or "No department", {"away": 0, "restricted": 0})[state] += days
    away = sum(days["away"] for days in by_month.values())
    restricted = sum(days["restricted"] for days in by_month.values())

    def rows(counted: dict[str, dict[str, int]], ordered: Iterable[str]) -> list[tuple[Cell, ...]]:
        return [(name, counted[name]["away"], counted[name]["restricted"]) for name in ordered]

    busiest = max(by_month.items(), key=lambda item: sum(item[1].values()), default=None)
    headers = ("Days away", "Days restricted")
    return Section(
        "days_lost",
        "Days lost",
        "Days away from work and days on restricted or transitional duty, counted as OSHA counts them for its log: "
        "calendar days from the day after the injury or first absence, at most 180 a case, by the day they fell "
        "on (a case that spans two months counts in each). The work state of each day is the last word on it: "
        "the absence, each accepted clinician's report, transitional duty, each return recorded.",
        [("Days away", f"{away:,}"), ("Days restricted", f"{restricted:,}")],
        (
            f"{away:,} days away and {restricted:,} days restricted in the period; the most were in "
            f"{busiest[0]} ({sum(busiest[1].values()):,})."
            if busiest and away + restricted
            else "No days were lost in the period."
        ),
        [
            Table("days_lost_by_month", "Days lost by month", ("Month", *headers), rows(by_month, by_month)),
            Table(
                "days_lost_by_type", "Days lost by case type", ("Case type", *headers), rows(by_type, sorted(by_type))
            ),
            Table(
                "days_lost_by_department",
                "Days lost by department",
                ("Department", *headers),
                rows(by_department, sorted(by_department, key=lambda name: -sum(by_department[name].values()))),
            ),
        ],
        Chart(
            "Days lost by month",
            list(by_month),
            [
                ("Days away", [days["away"] for days in by_month.values()]),
                ("Days restricted", [days["restricted"] for days in by_month.values()]),
            ],
            stacked=True,
        ),
    )


def _closed_in(filters: Filters) -> list[ColumnElement[bool]]:
    return [Case.closed_on >= filters.since, Case.closed_on <= filters.until, CLOSED_AS_A_CASE]


def closed_duration(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    lasted = days_between(Case.opened_at, Case.closed_on)
    found: dict[str, Distribution] = {}
    for case_type, days, count in session.execute(
        select(Case.case_type, lasted, func.count())
        .where(*_closed_in(scope.filters), *scope.cases())
        .group_by(Case.case_type, lasted)
    ):
        found.setdefault(CaseType(case_type).label, Distribution()).counts[max(days, 0)] = count
    every = Distribution()
    for durations in found.values():
        for days, count in durations.counts.items():
            every.counts[days] = every.counts.get(days, 0) + count
    rows: list[tuple[Cell, ...]] = [
        (label, found[label].total, found[label].percentile(0.5)) for label in sorted(found)
    ]
    return Section(
        "closed_duration",
        "How long closed cases lasted",
        "Calendar days from the day a case was opened to the day it closed, for the cases closed in the period; the "
        "median by case type.",
        [("Cases closed", f"{every.total:,}"), ("Median", _days(every.percentile(0.5)))],
        (
            f"The {_number(every.total, 'case')} closed in the period lasted {_days(every.percentile(0.5))} at the "
            "median."
            if every.total
            else "No case closed in the period."
        ),
        [Table("closed_duration", "Duration of closed cases", ("Case type", "Cases closed", "Median days"), rows)],
    )


def return_to_work(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    late = days_between(Case.expected_rtw, Case.actual_rtw)
    rows = list(
        session.execute(
            select(late, func.count())
            .where(
                Case.actual_rtw >= filters.since, Case.actual_rtw <= filters.until, Case.counts_as_case, *scope.cases()
            )
            .group_by(late)
        )
    )
    returned = sum(count for _, count in rows)
    unexpected = sum(count for days, count in rows if days is None)
    on_time = sum(count for days, count in rows if days is not None and days <= 0)
    later = Distribution({days: count for days, count in rows if days is not None and days > 0})
    expected = returned - unexpected
    return Section(
        "return_to_work",
        "Return to work against the expected date",
        "The cases whose employee returned to work in the period (the actual return date), against the expected "
        "return date the case held; by the expected date means on it or earlier.",
        [("Returned", f"{returned:,}"), ("By the expected date", _share(on_time, expected))],
        (
            f"Of {_number(expected, 'return')} with an expected date, {on_time:,} came by it"
            + (f"; the later ones came {_days(later.percentile(0.5))} late at the median." if later.total else ".")
            if expected
            else f"No return with an expected date in the period ({returned:,} returns in all)."
        ),
        [
            _measures(
                "return_to_work",
                "Return to work against the expected date",
                [
                    ("Returned to work in the period", returned),
                    ("By the expected date", on_time),
                    ("After the expected date", later.total),
                    ("Median days late, of those after", later.percentile(0.5)),
                    ("No expected date", unexpected),
                ],
            )
        ],
    )


def outcomes(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    counted = {
        CaseOutcome(outcome): count
        for outcome, count in session.execute(
            select(Case.outcome, func.count()).where(*_closed_in(scope.filters), *scope.cases()).group_by(Case.outcome)
        )
    }
    closed = sum(counted.values())
    returned = sum(counted.get(outcome, 0) for outcome in RETURNED)
    rows: list[tuple[Cell, ...]] = [
        (outcome.label, counted.get(outcome, 0), _share(counted.get(outcome, 0), closed)) for outcome in CaseOutcome
    ]
    return Section(
        "outcomes",
        "Return-to-work rate and how cases closed",
        "The outcome recorded at closing, for the cases closed in the period; the return-to-work rate is the share "
        "that closed with the employee back at work, at full duty or with permanent restrictions or an "
        "accommodation.",
        [("Return-to-work rate", _share(returned, closed)), ("Cases closed", f"{closed:,}")],
        (
            f"{_share(returned, closed)} of the {_number(closed, 'case')} closed in the period ended with a return "
            "to work."
            if closed
            else "No case closed in the period."
        ),
        [Table("outcomes", "How cases closed", ("Outcome", "Cases", "Share"), rows)],
        Chart(
            "How cases closed",
            [outcome.label for outcome in CaseOutcome],
            [("Cases", [counted.get(outcome, 0) for outcome in CaseOutcome])],
            horizontal=True,
        ),
    )


def transitional_duty(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    last_day = min(filters.until, clock.today)
    planned_end = func.coalesce(Case.transitional_duty_end, last_day)
    ends = _earlier(
        case((and_(Case.closed_on.is_not(None), Case.closed_on < planned_end), Case.closed_on), else_=planned_end),
        last_day,
    )
    starts = _later(Case.transitional_duty_start, filters.since)
    opened_by_then = Case.opened_at < clock.start_of(last_day + timedelta(1))
    # Open at some time in the period: open now, or closed in it or after it (each an index range).
    opened_cases = select(func.count()).where(opened_by_then, *scope.cases())
    active_now = opened_cases.where(IS_OPEN).scalar_subquery()
    active_then = opened_cases.where(Case.closed_on >= filters.since, CLOSED_AS_A_CASE).scalar_subquery()
    on_duty = (
        select(func.count(), func.coalesce(func.sum(day_number(ends) - day_number(starts) + 1), 0))
        .where(
            Case.transitional_duty_start <= last_day,
            ends >= starts,
            opened_by_then,
            Case.counts_as_case,
            *scope.cases(),
        )
        .subquery()
    )
    open_now, open_then, with_duty, days = session.execute(select(active_now, active_then, *on_duty.c)).one()
    active = open_now + open_then
    return Section(
        "transitional_duty",
        "Transitional duty",
        "Of the cases open at any time in the period, those whose employee was on transitional (light or modified) "
        "duty in it, and the days on that duty in the period, from its start to its planned end or the closing.",
        [("Share of cases", _share(with_duty, active)), ("Days on duty", f"{days:,}")],
        f"{with_duty:,} of {active:,} cases ({_share(with_duty, active)}) used transitional duty, "
        f"{days:,} days in all.",
        [
            _measures(
                "transitional_duty",
                "Transitional duty",
                [("Cases open in the period", active), ("With transitional duty", with_duty), ("Days on duty", days)],
            )
        ],
    )


def accommodation(session, scope: Scope, clock: Clock, _managers: dict[int, str]) -> Section:
    filters = scope.filters
    took = days_between(Submission.submitted_at, AccommodationRequest.decided_at)
    on_time = day_number(AccommodationRequest.decided_at, clock.offset_hours) <= day_number(
        AccommodationRequest.decision_due
    )
    query = (
        select(took, on_time, func.count())
        .select_from(AccommodationRequest)
        .join(Submission, AccommodationRequest.submission_id == Submission.id)
        .where(
            AccommodationRequest.decided_at >= clock.start_of(filters.since),
            AccommodationRequest.decided_at < clock.start_of(filters.until + timedelta(1)),
            # Implied, and said so that the items are read from their kind's index, not all of them.
            Submission.kind == SubmissionKind.ACCOMMODATION_REQUEST,
            Submission.submitted_at < clock.start_of(filters.until + timedelta(1)),
        )
        .group_by(took, on_time)
    )
    rows = list(session.execute(_joined(query, scope.cases())))
    waiting = session.scalar(
        _joined(
            select(func.count())
            .select_from(AccommodationRequest)
            .join(Submission, AccommodationRequest.submission_id == Submission.id)
            .where(
                Submission.is_open,
                AccommodationRequest.decided_at.is_(None),
                AccommodationRequest.decision_due < clock.today,
            ),
            scope.cases(),
        )
    )
    took_days = Distribution.of((days, count) for days, _, count in rows)
    within = sum(count for _, in_time, count in rows if in_time)
    goal = clock.settings.accommodation_business_days
    return Section(
        "accommodation",
        "Accommodation decisions",
        f"Requests for accommodation decided in the period: the share decided by their due day ({goal} business "
        "days after the request, weekends and holidays excluded, in the program's time) and the calendar days "
        "they took; and the requests still undecided past their due day today.",
        [
            ("Within the goal", _share(within, took_days.total)),
            ("Median", _days(took_days.percentile(0.5))),
            ("Waiting past the goal", f"{waiting:,}"),
        ],
        (
            f"{within:,} of {_number(took_days.total, 'decision')} ({_share(within, took_days.total)}) met the "
            f"{goal}-business-day goal; {waiting:,} requests are past it undecided."
            if took_days.total
            else f"No request for accommodation was decided in the period; {waiting:,} are past the goal undecided."
        ),
        [
            _measures(
                "accommodation",
                "Accommodation decisions",
                [
                    ("Decided in the period", took_days.total),
                    (f"Within {goal} business days", within),
                    ("Median calendar days to decide", took_days.percentile(0.5)),
                    ("90th percentile, days", took_days.percentile(0.9)),
                    ("Undecided past the due day, today", waiting),
                ],
            )
        ],
    )


SectionQuery = Callable[..., Section]
SECTIONS: dict[str, SectionQuery] = {
    "cases": cases,
    "overdue": overdue,
    "triage": triage,
    "caseload": caseload,
    "report_lag": report_lag,
    "days_lost": days_lost,
    "closed_duration": closed_duration,
    "return_to_work": return_to_work,
    "outcomes": outcomes,
    "transitional_duty": transitional_duty,
    "accommodation": accommodation,
}
TABLES = {
    "cases": "cases",
    "overdue": "overdue",
    "triage": "triage",
    "caseload": "caseload",
    "report_lag": "report_lag",
    "days_lost_by_month": "days_lost",
    "days_lost_by_type": "days_lost",
    "days_lost_by_department": "days_lost",
    "closed_duration": "closed_duration",
    "return_to_work": "return_to_work",
    "outcomes": "outcomes",
    "transitional_duty": "transitional_duty",
    "accommodation": "accommodation",
}


def case_managers(session) -> dict[int, str]:
    query = select(User.id, User.name).where(User.role == Role.CASE_MANAGER).order_by(User.name)
    return {manager_id: name for manager_id, name in session.execute(query)}


def sections(
    session,
    user: User,
    filters: Filters,
    now: datetime,
    settings: DeadlineSettings,
    only: str | None = None,
    managers: dict[int, str] | None = None,
) -> list[Section]:
    """The sections ``user`` may see (``only`` the one named), counted over the cases they may see; ``managers``:
    the case managers' names (``case_managers``), when the caller has them already."""
    clock = Clock(now, local_date(now, settings), settings)
    allowed = access.figure_filters(user)
    kept = replace(
        filters,
        case_type=filters.case_type if "case_type" in allowed else None,
        department=filters.department if "department" in allowed else None,
        case_manager_id=filters.case_manager_id if "case_manager" in allowed else None,
    )
    scope = Scope(access.figures_scope(user), kept)
    managers = case_managers(session) if managers is None else managers
    return [
        query(session, scope, clock, managers)
        for key, query in SECTIONS.items()
        if access.may_see_figures(user, key) and only in (None, key)
    ]
