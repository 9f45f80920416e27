"""The case manager's inbox: its views, their counts, and acting on several items at once.

Every view is one walk of an index in the view's order (see the Submission model's
indexes) that stops after a page, so a page costs the same at item 20 and at item
20,000: pagination is by keyset (the last row's sort value and id), never by offset.
A request runs a fixed set of queries whatever the page size or data size: the tab
counts (from counts kept as items change, so the backlog's size costs nothing; Closed is history
and has no count), the page (its items chosen from the view's index, then each one's case number,
employee, assignee and duty offer), the list of case managers, and what the page shows beside the
list (tasks, unread messages, notices to give), asked together. They read plain columns, as Core statements on
the session's connection: the ORM's way of running them cost more than SQLite took to answer.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache

from sqlalchemy import Select, and_, bindparam, case, exists, func, select, true, tuple_

from portal import access
from portal.accounts.models import ClinicianCredential, User
from portal.accounts.search import named, starts_with
from portal.cases.models import Case, CaseType
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.numbers import whole_number
from portal.core.pagination import keyset_window, moment_cursor, parse_moment_cursor
from portal.duty.models import DutyOffer
from portal.inbox.models import UNASSIGNED, InboxCount, InboxDueCount
from portal.intake import operations as intake
from portal.items import lifecycle as submissions
from portal.items.deadlines import DueNote, due_note, end_of_day, local_date
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.messages import operations as messaging
from portal.settings import DeadlineSettings
from portal.tasks import operations as tasks

S = SubmissionStatus
TABS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "needs_info": "Needs information",
    "overdue": "Overdue",
    "open": "All open",
    "closed": "Closed",
}
SORTS = {"due": "Due date", "priority": "Priority", "received": "Received, newest first"}
DUE_WINDOWS = {"overdue": "Overdue", "today": "Due today", "week": "Due this week"}
_REFERENCE = re.compile(r"^[A-Z]-[A-Z0-9]{1,4}(-[A-Z0-9]{0,4})?$")
_CASE_NUMBER = re.compile(r"^C-[0-9-]+$")


@dataclass(frozen=True)
class InboxView:
    """What the case manager is looking at; the URL holds all of it (``params``)."""

    tab: str = "open"
    sort: str = "due"
    kind: str | None = None
    status: str | None = None
    assignee: str | None = None  # a case manager's id, or "none"
    due: str | None = None
    case_type: str | None = None
    q: str = ""
    after: str | None = None
    before: str | None = None

    @classmethod
    def parse(cls, args) -> "InboxView":
        """From query parameters; a value that is not one of the choices is left out, so an old
        bookmark still opens."""

        def choice(name: str, allowed) -> str | None:
            value = args.get(name) or None
            return value if value in allowed else None

        assignee = args.get("assignee") or None
        return cls(
            tab=choice("tab", TABS) or "open",
            sort=choice("sort", SORTS) or "due",
            kind=choice("kind", {k.value for k in SubmissionKind}),
            status=choice("status", {s.value for s in SubmissionStatus}),
            assignee=assignee if assignee == "none" or whole_number(assignee) is not None else None,
            due=choice("due", DUE_WINDOWS),
            case_type=choice("case_type", {t.value for t in CaseType}),
            q=(args.get("q") or "").strip()[:100],
            after=args.get("after") or None,
            before=args.get("before") or None,
        )

    @property
    def effective_sort(self) -> str:
        # Closed items have no due date or priority left: history reads newest first.
        return "received" if self.tab == "closed" else self.sort

    @property
    def first_page(self) -> "InboxView":
        """The same view from its first page: what its filter bar shows."""
        return replace(self, after=None, before=None)

    @property
    def filtered(self) -> bool:
        return any((self.kind, self.status, self.assignee, self.due, self.case_type, self.q))

    def params(self, **changes) -> dict:
        """Query parameters for a link to this view with ``changes``; a new view starts at its first page. (A page
        draws some twenty links to its view: this is a dictionary's work, not a new view's.)"""
        if unknown := changes.keys() - _DEFAULTS.keys():
            raise TypeError(f"An inbox view has no {', '.join(sorted(unknown))}")
        values = vars(self) | {"after": None, "before": None} | changes
        return {name: value for name, value in values.items() if value not in (None, "") and value != _DEFAULTS[name]}


_DEFAULTS = vars(InboxView())


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class RowCase:
    number: str
    employee: Named


@dataclass(frozen=True)
class RowOffer:
    fit_changed_at: datetime | None
    forwarded_at: datetime | None
    employee_answer: str | None


@dataclass(frozen=True)
class InboxRow:
    """An item as its row in the list shows it, read as plain columns (building ORM objects for a page cost more
    than the query): the same names as the item's, so that the row is drawn the same way from either."""

    id: int
    reference: str
    kind: SubmissionKind
    summary: str
    submitted_at: datetime
    submitted_by_id: int
    status: SubmissionStatus
    is_open: bool
    assignee_id: int | None
    priority: int
    due_at: datetime | None
    priority_at: datetime | None
    case: RowCase
    assignee: Named | None
    duty_offer: RowOffer | None

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label


class TabCounts(Mapping[str, int]):
    """Each tab's count, by tab (Closed, which is history, has none). Frozen and hashable: the tab bar is drawn once
    for the same view and counts (web/drawn.py)."""

    __slots__ = ("_counts", "_key")

    def __init__(self, **counts: int) -> None:
        self._counts = counts
        self._key = frozenset(counts.items())  # equal counts hash alike, whatever the order they were given in

    def __getitem__(self, tab: str) -> int:
        return self._counts[tab]

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"TabCounts({self._counts!r})"


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxRow]
    next_cursor: str | None
    previous_cursor: str | None
    newest_id: int  # the poll for new items asks what arrived after this
    counts: TabCounts = field(default_factory=TabCounts)
    # The senders of reports on this page whom no case manager has confirmed as clinicians: their rows say so.
    unverified_senders: set[int] = field(default_factory=set)


def _sort_columns(sort: str):
    """The order's columns and whether it runs newest first."""
    if sort == "received":
        return Submission.submitted_at, True
    if sort == "priority":
        return Submission.priority_at, False
    return Submission.due_at, False


def _cursor(item: InboxRow, sort: str) -> str:
    column, _ = _sort_columns(sort)
    return moment_cursor(getattr(item, column.key), item.id)


def _search(term: str):
    """Condition for the search box: a reference or case number (or the start of one), else the
    start of words of the employee's name ("jo smi" finds Jordan Smith). Each is an index range,
    and the cases it names are found once, not looked up for every item the view walks."""
    upper = term.upper()
    if _REFERENCE.match(upper) and not upper.startswith("C-"):
        return starts_with(Submission.reference, upper)
    if _CASE_NUMBER.match(upper):
        return Submission.case_id.in_(select(Case.id).where(starts_with(Case.number, upper)))
    if upper.isdigit():  # the sequence at the end of a case number, as people read it out
        return Submission.case_id.in_(select(Case.id).where(Case.number.like(f"%-{upper.zfill(5)}")))
    return Submission.case_id.in_(select(Case.id).where(*named(Case.employee_id, term)))


def _tab_condition(tab: str, user, now: datetime):
    # Only the tab's own condition is built: a request builds one, not six.
    conditions = {
        "mine": lambda: and_(Submission.assignee_id == user.id, Submission.is_open),
        "unassigned": lambda: and_(Submission.assignee_id.is_(None), Submission.is_open),
        "needs_info": lambda: Submission.status == S.NEEDS_INFO,
        "overdue": lambda: and_(Submission.is_open, Submission.due_at < now),
        "open": lambda: Submission.is_open,
        "closed": lambda: ~Submission.is_open,
    }
    return conditions[tab]()


def _due_condition(window: str, now: datetime, settings: DeadlineSettings):
    today = local_date(now, settings)
    if window == "overdue":
        return and_(Submission.is_open, Submission.due_at < now)
    if window == "today":
        return and_(Submission.is_open, Submission.due_at >= now, Submission.due_at <= end_of_day(today, settings))
    sunday = today + timedelta(days=6 - today.weekday())
    return and_(Submission.is_open, Submission.due_at >= now, Submission.due_at <= end_of_day(sunday, settings))


def _filtered(query: Select, view: InboxView, user, now: datetime, settings: DeadlineSettings) -> Select:
    conditions = [_tab_condition(view.tab, user, now)]
    if view.kind:
        conditions.append(Submission.kind == view.kind)
    if view.status:
        conditions.append(Submission.status == view.status)
    if view.assignee == "none":
        conditions.append(Submission.assignee_id.is_(None))
    elif view.assignee:
        conditions.append(Submission.assignee_id == int(view.assignee))
    if view.due:
        conditions.append(_due_condition(view.due, now, settings))
    if view.case_type:
        conditions.append(Case.case_type == view.case_type)
    if view.q:
        conditions.append(_search(view.q))
    return query.where(*conditions)


def tab_counts(session, user, now: datetime) -> tuple[TabCounts, int]:
    """The live count of each tab, and the newest open item's id, in one statement whose cost does not grow with
    the open items: it sums the kept counts (portal/inbox/models.py), a row for each assignee and status and one
    for each day items fall due; it reads from the items only those due today (a UTC day) before now, a range of
    the open items' due-date index, and the newest open item's id, one probe of another."""
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    values = {"user_id": user.id, "today": midnight.date(), "midnight": midnight, "now": now}
    row = session.connection().execute(_counting(access.inbox_visibility(user)), values).one()
    counts = TabCounts(open=row[0], mine=row[1], unassigned=row[2], needs_info=row[3], overdue=row[4] + row[5])
    return counts, row[6]


@lru_cache(maxsize=4)
def _counting(visible) -> Select:
    """The tab counts' statement for one condition of what the inbox shows, built once: only its values change."""

    def counted(condition):
        return func.coalesce(func.sum(case((condition, InboxCount.n), else_=0)), 0)

    # Past days' buckets are all overdue; today's items are overdue once their moment has passed.
    overdue_days = select(func.coalesce(func.sum(InboxDueCount.n), 0)).where(
        InboxDueCount.due_on < bindparam("today", type_=InboxDueCount.due_on.type), visible
    )
    overdue_today = select(func.count()).where(
        Submission.is_open,
        Submission.due_at >= bindparam("midnight", type_=Submission.due_at.type),
        Submission.due_at < bindparam("now", type_=Submission.due_at.type),
        visible,
    )
    newest = select(Submission.id).where(Submission.is_open, visible).order_by(Submission.id.desc()).limit(1)
    return select(
        func.coalesce(func.sum(InboxCount.n), 0),
        counted(InboxCount.assignee_key == bindparam("user_id", type_=InboxCount.assignee_key.type)),
        counted(InboxCount.assignee_key == UNASSIGNED),
        counted(InboxCount.status == S.NEEDS_INFO.value),
        overdue_days.scalar_subquery(),
        overdue_today.scalar_subquery(),
        func.coalesce(newest.scalar_subquery(), 0),
    ).where(visible)


def page(session, user, view: InboxView, now: datetime, settings: DeadlineSettings, per_page: int) -> InboxPage:
    """One page of the view, with every tab's count."""
    counts, newest_id = tab_counts(session, user, now)
    sort = view.effective_sort
    column, newest_first = _sort_columns(sort)
    backwards = view.before is not None and parse_moment_cursor(view.before) is not None
    cursor = parse_moment_cursor(view.before if backwards else view.after)
    # Walking back from a cursor is the same walk in the opposite direction, then turned round.
    descending = newest_first != backwards
    order = (column.desc(), Submission.id.desc()) if descending else (column.asc(), Submission.id.asc())
    # First the page's ids, from the view's index alone; then those items with their case number, employee,
    # assignee and offer, by one statement built once (building it each time cost more than running it; as a join
    # of six tables, PostgreSQL spent longer planning it than running it).
    chosen: Select = select(Submission.id).where(access.inbox_visibility(user))
    if view.case_type:  # the only filter on the case's own columns
        chosen = chosen.join(Case, Submission.case_id == Case.id)
    chosen = _filtered(chosen, view, user, now, settings)
    if cursor is not None:
        key, bound = tuple_(column, Submission.id), tuple_(*cursor)
        chosen = chosen.where(key < bound if descending else key > bound)
    ids = list(session.connection().execute(chosen.order_by(*order).limit(per_page + 1)).scalars())
    place = {item_id: n for n, item_id in enumerate(ids)}
    listed = sorted(session.connection().execute(_listed(), {"ids": ids}).all(), key=lambda row: place[row.id])
    rows, has_next, has_previous = keyset_window(
        [_row(columns[:-1]) for columns in listed], per_page, backwards, cursor is not None
    )
    return InboxPage(
        items=rows,
        counts=counts,
        newest_id=newest_id,
        unverified_senders={columns.submitted_by_id for columns in listed if columns.unverified_clinician},
        next_cursor=_cursor(rows[-1], sort) if rows and has_next else None,
        previous_cursor=_cursor(rows[0], sort) if rows and has_previous else None,
    )


@cache
def _listed() -> Select:
    """The items whose ids are bound as ``ids``, with their case number, employee, assignee and offer, and whether
    each is a report from a clinician no case manager has confirmed: the case and the people asked for each row."""
    confirmed = exists().where(ClinicianCredential.clinician_id == Submission.submitted_by_id)
    return (
        select(
            Submission.id,
            Submission.reference,
            Submission.kind,
            Submission.summary,
            Submission.submitted_at,
            Submission.submitted_by_id,
            Submission.status,
            Submission.is_open,
            Submission.assignee_id,
            Submission.priority,
            Submission.due_at,
            Submission.priority_at,
            select(Case.number).where(Case.id == Submission.case_id).scalar_subquery(),
            select(User.name)
            .join(Case, Case.employee_id == User.id)
            .where(Case.id == Submission.case_id)
            .scalar_subquery(),
            select(User.name).where(User.id == Submission.assignee_id).scalar_subquery(),
            DutyOffer.submission_id,
            DutyOffer.fit_changed_at,
            DutyOffer.forwarded_at,
            DutyOffer.employee_answer,
            and_(Submission.kind == SubmissionKind.RESTRICTION_REPORT, ~confirmed).label("unverified_clinician"),
        )
        .outerjoin(DutyOffer, DutyOffer.submission_id == Submission.id)
        .where(Submission.id.in_(bindparam("ids", expanding=True)))
    )


def _row(columns) -> InboxRow:
    (
        item_id,
        reference,
        kind,
        summary,
        submitted_at,
        submitted_by_id,
        status,
        is_open,
        assignee_id,
        priority,
        due_at,
        priority_at,
        number,
        employee_name,
        assignee_name,
        offer_id,
        fit_changed_at,
        forwarded_at,
        answer,
    ) = columns
    return InboxRow(
        item_id,
        reference,
        kind,
        summary,
        submitted_at,
        submitted_by_id,
        status,
        is_open,
        assignee_id,
        priority,
        due_at,
        priority_at,
        RowCase(number, Named(employee_name)),
        Named(assignee_name) if assignee_name is not None else None,
        RowOffer(fit_changed_at, forwarded_at, answer) if offer_id is not None else None,
    )


@dataclass(frozen=True)
class NoticeDue:
    id: int
    number: str
    employee_name: str
    due: DueNote  # by the end of its day


@dataclass(frozen=True)
class Beside:
    """What the inbox shows beside its list: the case manager's tasks, their unread messages, and the FMLA
    eligibility notices still to give. Frozen: it is drawn once for the same words (web/drawn.py)."""

    task_counts: tasks.TaskCounts
    unread_messages: int
    notices_waiting: int
    notices: tuple[NoticeDue, ...]


def beside_the_list(session, user, now: datetime, settings: DeadlineSettings) -> Beside:
    """Asked of the tasks, the messages and intake together, in one statement: the tasks' counts (one row), the
    unread messages (one number) and the soonest notices to give, each carrying how many wait (none, or a few)."""
    rows = session.connection().execute(_beside_statement(user, local_date(now, settings))).all()
    first = rows[0]
    return Beside(
        task_counts=tasks.TaskCounts(first[0], first[1], first[2], first[3]),
        unread_messages=first[4] or 0,
        notices_waiting=first.waiting or 0,
        notices=tuple(
            NoticeDue(row.id, row.number, row.employee_name, due_note(end_of_day(row.due, settings), now, settings))
            for row in rows
            if row.id is not None
        ),
    )


# Building the statement took longer than running it; it is the same for a case manager all day, so each process
# keeps the latest few (what it depends on is the key: who asks, as what, and the day).
_BESIDE_STATEMENTS: dict[tuple, Select] = {}
_BESIDE_KEPT = 256


def _beside_statement(user, today: date) -> Select:
    key = (user.id, user.role, user.is_active, today)
    statement = _BESIDE_STATEMENTS.get(key)
    if statement is None:
        counted = tasks.counts_query(user, today).subquery()
        notices = intake.notices_due_query().subquery()
        statement = (
            select(
                counted.c.overdue,
                counted.c.today,
                counted.c.week,
                counted.c.all,
                messaging.unread_total_query(user).scalar_subquery(),
                notices.c.id,
                notices.c.number,
                notices.c.employee_name,
                notices.c.due,
                notices.c.waiting,
            )
            .select_from(counted)
            .outerjoin(notices, true())
            .order_by(notices.c.due, notices.c.id)
        )
        if len(_BESIDE_STATEMENTS) >= _BESIDE_KEPT:
            _BESIDE_STATEMENTS.clear()
        _BESIDE_STATEMENTS[key] = statement
    return statement


def new_items(session, user, view: InboxView, since: int, now: datetime, settings: DeadlineSettings) -> int:
    """How many items in this view arrived after ``since``; they are shown only when asked for."""
    query = (
        select(func.count(Submission.id))
        .select_from(Submission)
        .join(Case, Submission.case_id == Case.id)
        .where(Submission.id > since, access.inbox_visibility(user))
    )
    return session.scalar(_filtered(query, view, user, now, settings))


@dataclass
class BulkResult:
    done: list[Submission] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)


def act_on_several(
    session, actor: User, action: str, submission_ids: list[int], assignee: User | None = None
) -> BulkResult:
    """Claim, or assign to ``assignee``, each chosen item; one that someone else got to first is
    left as it is and reported, and the others still go through."""
    if not submission_ids:
        raise InvalidInput("Choose at least one item.", field="ids")
    if action == "assign":
        if assignee is None:
            raise InvalidInput("Choose a case manager to assign the items to.", field="assignee")
    elif action != "claim":
        raise InvalidInput("Choose claim or assign.", field="action")
    result = BulkResult()
    items = session.scalars(
        select(Submission)
        .where(Submission.id.in_(submission_ids), access.inbox_visibility(actor))
        .order_by(Submission.id)
    ).all()
    if len(items) != len(set(submission_ids)):
        raise NotFound()
    for item in items:
        try:
            if action == "assign" and assignee is not None:  # always named, as checked above
                submissions.assign(session, item, actor, assignee, expected_version=None)
            else:
                submissions.claim(session, item, actor, expected_version=None)
            result.done.append(item)
        except Conflict as refusal:
            session.rollback()
            result.refused.append((item.reference, str(refusal)))
    return result
