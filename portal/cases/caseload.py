"""The caseload: a case manager's open cases (or everyone's), with what each needs next, paged by keyset in a
fixed number of queries whatever the number of cases."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.orm import aliased, contains_eager

from portal.accounts.models import User
from portal.accounts.search import departments
from portal.cases import days_lost
from portal.cases.models import Case, CaseStatus, CaseType
from portal.core.numbers import whole_number
from portal.core.pagination import keyset_window, moment_cursor, parse_moment_cursor
from portal.items.models import InformationRequest, Submission, SubmissionStatus

# A case on the caseload is one being worked: opened, and not closed.
WORKED = (CaseStatus.OPEN, CaseStatus.TRANSITIONAL_DUTY, CaseStatus.RETURNED_TO_WORK)
SORTS = {"opened": "Opened, newest first", "contact": "Longest without contact first"}
OPEN_ITEMS = (SubmissionStatus.NEW, SubmissionStatus.IN_REVIEW, SubmissionStatus.NEEDS_INFO)


@dataclass(frozen=True)
class CaseloadView:
    """What the case manager is looking at; the address holds all of it."""

    manager: str = "mine"  # "mine", "all", "none" (no case manager) or a case manager's id
    case_type: str | None = None
    status: str | None = None
    department: str | None = None
    quiet_days: int | None = None  # no contact with the employee for this many days
    sort: str = "opened"
    after: str | None = None
    before: str | None = None

    @classmethod
    def parse(cls, args) -> "CaseloadView":
        """From the query string; a value that is not a choice is left out, so an old bookmark still opens."""
        manager = args.get("manager") or "mine"
        quiet = whole_number(args.get("quiet_days"))
        return cls(
            manager=manager if manager in ("mine", "all", "none") or whole_number(manager) is not None else "mine",
            case_type=args.get("case_type") if args.get("case_type") in set(CaseType) else None,
            status=args.get("status") if args.get("status") in set(WORKED) else None,
            department=(args.get("department") or "").strip()[:200] or None,
            quiet_days=quiet if quiet is not None and 0 < quiet <= 3650 else None,
            sort=args.get("sort") if args.get("sort") in SORTS else "opened",
            after=args.get("after") or None,
            before=args.get("before") or None,
        )

    def params(self, **changes) -> dict:
        """Query parameters for a link to this view with ``changes``; a new view starts at its first page."""
        view = replace(self, **({"after": None, "before": None} | changes))
        defaults = CaseloadView()
        return {
            name: value
            for name, value in vars(view).items()
            if value not in (None, "") and value != getattr(defaults, name)
        }


@dataclass(frozen=True)
class CaseloadRow:
    case: Case
    days: days_lost.DaysLost
    next_deadline: datetime | None


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    counts: dict[str, int]  # by status, under the view's other filters
    next_cursor: str | None
    previous_cursor: str | None
    departments: list[str] = field(default_factory=list)


def _contact_clock():
    """When the employee was last in contact, or, before any contact, when the case opened."""
    return func.coalesce(Case.last_contact_at, Case.opened_at)


def _filtered(query: Select, view: CaseloadView, user: User, now: datetime, with_status: bool = True) -> Select:
    # A report's case that triage joined to another is closed, so being worked is enough.
    query = query.where(Case.status.in_(WORKED))
    if view.manager == "mine":
        query = query.where(Case.case_manager_id == user.id)
    elif view.manager == "none":
        query = query.where(Case.case_manager_id.is_(None))
    elif view.manager != "all":
        query = query.where(Case.case_manager_id == int(view.manager))
    if view.case_type:
        query = query.where(Case.case_type == view.case_type)
    if with_status and view.status:
        query = query.where(Case.status == view.status)
    if view.department:
        query = query.where(Case.employee_id.in_(select(User.id).where(User.department == view.department)))
    if view.quiet_days:
        query = query.where(_contact_clock() < now - timedelta(days=view.quiet_days))
    return query


def _cursor(case: Case, sort: str) -> str:
    if sort == "contact":
        return moment_cursor(case.last_contact_at or case.opened_at, case.id)
    return str(case.id)


def _parse_cursor(cursor: str | None, sort: str) -> tuple | None:
    if cursor is None:
        return None
    if sort == "opened":
        known = whole_number(cursor)
        return None if known is None else (known,)
    return parse_moment_cursor(cursor)


def page(session, user: User, view: CaseloadView, now: datetime, today: date, per_page: int) -> CaseloadPage:
    backwards = view.before is not None and _parse_cursor(view.before, view.sort) is not None
    cursor = _parse_cursor(view.before if backwards else view.after, view.sort)
    # Opened: newest first. Contact: the longest without contact first.
    newest_first = view.sort == "opened"
    key = (Case.id,) if view.sort == "opened" else (_contact_clock(), Case.id)
    descending = newest_first != backwards
    order = [column.desc() if descending else column.asc() for column in key]
    # First the page's ids, from the cases alone; then only those rows with their employee and case manager, so
    # that no database joins thousands of rows to sort them and keep 25.
    chosen = _filtered(select(Case.id), view, user, now)
    if cursor is not None:
        bound = tuple_(*key) if len(key) > 1 else key[0]
        value = tuple_(*[literal(part) for part in cursor]) if len(cursor) > 1 else cursor[0]
        chosen = chosen.where(bound < value if descending else bound > value)
    chosen = chosen.order_by(*order).limit(per_page + 1)
    employee, manager = aliased(User), aliased(User)
    query = (
        select(Case)
        .join(employee, Case.employee_id == employee.id)
        .outerjoin(manager, Case.case_manager_id == manager.id)
        .where(Case.id.in_(chosen.scalar_subquery()))
        .options(contains_eager(Case.employee.of_type(employee)), contains_eager(Case.case_manager.of_type(manager)))
    )
    cases, has_next, has_previous = keyset_window(
        list(session.scalars(query.order_by(*order)).unique()), per_page, backwards, cursor is not None
    )
    lost = days_lost.for_cases(session, cases, today)
    deadlines = next_deadlines(session, [case.id for case in cases])
    return CaseloadPage(
        rows=[CaseloadRow(case, lost[case.id], deadlines.get(case.id)) for case in cases],
        counts=status_counts(session, user, view, now),
        next_cursor=_cursor(cases[-1], view.sort) if cases and has_next else None,
        previous_cursor=_cursor(cases[0], view.sort) if cases and has_previous else None,
        departments=departments(session),
    )


def status_counts(session, user: User, view: CaseloadView, now: datetime) -> dict[str, int]:
    """How many cases of each status the view holds, leaving its own status filter out: one grouped count."""
    counted = _filtered(select(Case.status, func.count()).select_from(Case), view, user, now, with_status=False)
    counts = {status.value: 0 for status in WORKED}
    for status, number in session.execute(counted.group_by(Case.status)):
        counts[CaseStatus(status).value] = number
    return counts


def next_deadlines(session, case_ids: list[int]) -> dict[int, datetime]:
    """Each case's soonest due date among its open items and the requests waiting on someone: two queries over
    the page's cases by their index. An item's status is checked here, not in SQL, where SQLite would walk the
    status's index through every open item of the program instead."""
    if not case_ids:
        return {}
    soonest: dict[int, datetime] = {}
    items = session.execute(
        select(Submission.case_id, Submission.due_at, Submission.status).where(
            Submission.case_id.in_(case_ids), Submission.due_at.is_not(None)
        )
    )
    requests = session.execute(
        select(InformationRequest.case_id, InformationRequest.due_at).where(
            InformationRequest.case_id.in_(case_ids), InformationRequest.closed_at.is_(None)
        )
    )
    waiting = [(case_id, due_at) for case_id, due_at, status in items if status in OPEN_ITEMS]
    for case_id, due_at in [*waiting, *requests]:
        if case_id not in soonest or due_at < soonest[case_id]:
            soonest[case_id] = due_at
    return soonest
