"""The inbox's views at the service level: tabs and their counts, filters, search, order, keyset
pages, the new-items check, and acting on several items at once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import NameWord, Role
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.extensions import db
from portal.inbox import queries as inbox
from portal.items.deadlines import end_of_day, local_date
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.settings import DeadlineSettings
from tests import factories

S = SubmissionStatus
SETTINGS = DeadlineSettings()


@pytest.fixture
def me(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def colleague(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Robin Colleague")


def view_of(me, now=None, per_page=25, **choices):
    return inbox.page(db.session, me, inbox.InboxView(**choices), now or utcnow(), SETTINGS, per_page)


def references(page) -> list[str]:
    return [item.reference for item in page.items]


def test_each_tab_holds_its_items_and_counts_them(db_session, me, colleague):
    mine = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=me)
    theirs = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=colleague)
    unassigned = factories.inbox_item(db_session)
    waiting = factories.inbox_item(db_session, status=S.NEEDS_INFO, assignee=me, due_in=timedelta(days=10))
    late = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=colleague, due_in=timedelta(hours=-3))
    done = factories.inbox_item(db_session, status=S.ACCEPTED, assignee=me, due_in=None)
    db_session.commit()

    expected = {
        "mine": {mine, waiting},
        "unassigned": {unassigned},
        "needs_info": {waiting},
        "overdue": {late},
        "open": {mine, theirs, unassigned, waiting, late},
        "closed": {done},
    }
    for tab, items in expected.items():
        assert set(references(view_of(me, tab=tab))) == {i.reference for i in items}, tab
    counts = view_of(me).counts
    assert counts == {tab: len(items) for tab, items in expected.items() if tab != "closed"}


def test_the_newest_open_item_is_known_for_the_new_items_check(db_session, me):
    factories.inbox_item(db_session)
    newest = factories.inbox_item(db_session)
    factories.inbox_item(db_session, status=S.ACCEPTED, due_in=None)  # closed: not news
    db_session.commit()
    assert view_of(me).newest_id == newest.id


@pytest.mark.parametrize(
    "choice, value, wanted",
    [
        ("kind", "restriction_report", "report"),
        ("status", "needs_info", "waiting"),
        ("assignee", "none", "unassigned"),
        ("case_type", "workers_compensation", "report"),
    ],
)
def test_each_filter_keeps_only_what_it_names(db_session, me, choice, value, wanted):
    workers_comp = factories.case(db_session, case_type=CaseType.WORKERS_COMPENSATION)
    items = {
        "report": factories.inbox_item(
            db_session, workers_comp, kind=SubmissionKind.RESTRICTION_REPORT, status=S.IN_REVIEW, assignee=me
        ),
        "waiting": factories.inbox_item(db_session, status=S.NEEDS_INFO, assignee=me),
        "unassigned": factories.inbox_item(db_session),
    }
    db_session.commit()
    assert references(view_of(me, **{choice: value})) == [items[wanted].reference]


def test_the_assignee_filter_takes_a_case_managers_id(db_session, me, colleague):
    factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=me)
    theirs = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=colleague)
    db_session.commit()
    assert references(view_of(me, assignee=str(colleague.id))) == [theirs.reference]


def test_due_filters_split_overdue_today_and_this_week(db_session, me):
    now = utcnow()
    today = local_date(now, SETTINGS)
    sunday = today + timedelta(days=6 - today.weekday())
    overdue = factories.inbox_item(db_session, due_at=now - timedelta(minutes=5))
    due_today = factories.inbox_item(db_session, due_at=end_of_day(today, SETTINGS))
    this_sunday = factories.inbox_item(db_session, due_at=end_of_day(sunday, SETTINGS))
    factories.inbox_item(db_session, due_at=end_of_day(sunday + timedelta(days=1), SETTINGS))  # next week
    db_session.commit()

    assert references(view_of(me, now=now, due="overdue")) == [overdue.reference]
    assert references(view_of(me, now=now, due="today")) == [due_today.reference] + (
        [this_sunday.reference] if sunday == today else []
    )
    assert set(references(view_of(me, now=now, due="week"))) == {due_today.reference, this_sunday.reference}


def test_search_finds_by_employee_name_case_number_or_reference(db_session, me):
    jordan = factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Jordan O'Brien-Smith"))
    other = factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Pat Jones"))
    by_jordan = factories.inbox_item(db_session, jordan)
    by_pat = factories.inbox_item(db_session, other, reference="D-ABCD-2345")
    db_session.commit()

    assert references(view_of(me, q="brien-smi")) == [by_jordan.reference]  # part of a name, any case
    assert references(view_of(me, q=jordan.number.lower())) == [by_jordan.reference]
    assert references(view_of(me, q=str(int(other.number.rsplit("-", 1)[1])))) == [by_pat.reference]
    assert references(view_of(me, q="d-abcd")) == [by_pat.reference]  # the start of a reference
    assert references(view_of(me, q="nobody at all")) == []


def test_search_reaches_closed_items_in_the_closed_tab(db_session, me):
    done = factories.inbox_item(db_session, status=S.DECLINED, due_in=None, reference="D-DONE-2345")
    db_session.commit()
    assert references(view_of(me, q="D-DONE-2345")) == []
    assert references(view_of(me, tab="closed", q="D-DONE-2345")) == [done.reference]


def test_orders_by_due_date_by_received_newest_first_or_by_priority(db_session, me):
    # A report saying the employee may not work, due in 36 hours, outranks a document due in 24.
    document = factories.inbox_item(db_session, due_in=timedelta(hours=24), received_ago=timedelta(hours=5))
    report = factories.inbox_item(
        db_session,
        kind=SubmissionKind.RESTRICTION_REPORT,
        priority=3,
        due_in=timedelta(hours=36),
        received_ago=timedelta(hours=1),
    )
    offer = factories.inbox_item(
        db_session, kind=SubmissionKind.DUTY_OFFER, due_in=timedelta(days=5), received_ago=timedelta(hours=3)
    )
    db_session.commit()

    assert references(view_of(me, sort="due")) == [document.reference, report.reference, offer.reference]
    assert references(view_of(me, sort="received")) == [report.reference, offer.reference, document.reference]
    assert references(view_of(me, sort="priority")) == [report.reference, document.reference, offer.reference]


def test_closed_items_read_newest_first_whatever_order_was_asked(db_session, me):
    older = factories.inbox_item(db_session, status=S.ACCEPTED, due_in=None, received_ago=timedelta(days=9))
    newer = factories.inbox_item(db_session, status=S.ACCEPTED, due_in=None, received_ago=timedelta(days=2))
    db_session.commit()
    assert references(view_of(me, tab="closed", sort="due")) == [newer.reference, older.reference]


@pytest.mark.parametrize("sort", ["due", "received", "priority"])
def test_keyset_pages_walk_every_item_once_forwards_and_back(db_session, me, sort):
    # Several items share a due date: the id breaks the tie, so none is skipped or shown twice.
    same_due = utcnow() + timedelta(days=3)
    for n in range(11):
        factories.inbox_item(
            db_session,
            due_at=same_due if n % 2 else same_due + timedelta(hours=n),
            received_ago=timedelta(minutes=n % 4),
        )
    db_session.commit()
    everything = references(view_of(me, sort=sort, per_page=100))

    pages, after = [], None
    while True:
        page = view_of(me, sort=sort, per_page=4, after=after)
        pages.append(page)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert [ref for page in pages for ref in references(page)] == everything
    assert [len(page.items) for page in pages] == [4, 4, 3]
    assert pages[0].previous_cursor is None and pages[-1].previous_cursor is not None

    back = view_of(me, sort=sort, per_page=4, before=pages[-1].previous_cursor)
    assert references(back) == references(pages[1])
    first = view_of(me, sort=sort, per_page=4, before=back.previous_cursor)
    assert references(first) == references(pages[0]) and first.previous_cursor is None


def test_a_cursor_that_is_not_one_shows_the_first_page(db_session, me):
    factories.inbox_item(db_session)
    db_session.commit()
    assert len(view_of(me, after="not-a-cursor").items) == 1


def test_the_new_items_check_counts_what_arrived_in_this_view_since(db_session, me):
    seen = factories.inbox_item(db_session)
    db_session.commit()
    since = view_of(me).newest_id
    factories.inbox_item(db_session)
    factories.inbox_item(db_session, kind=SubmissionKind.DUTY_OFFER)
    db_session.commit()
    now = utcnow()
    assert inbox.new_items(db_session, me, inbox.InboxView(), since, now, SETTINGS) == 2
    assert inbox.new_items(db_session, me, inbox.InboxView(kind="duty_offer"), since, now, SETTINGS) == 1
    assert inbox.new_items(db_session, me, inbox.InboxView(tab="mine"), since, now, SETTINGS) == 0
    assert seen.id == since


def test_the_view_reads_from_the_url_and_drops_what_is_not_a_choice():
    view = inbox.InboxView.parse(
        {
            "tab": "overdue",
            "sort": "priority",
            "kind": "spaceship",
            "assignee": "7",
            "due": "today",
            "q": "  smith ",
            "after": "1.2",
        }
    )
    assert (view.tab, view.sort, view.kind, view.assignee, view.due, view.q) == (
        "overdue",
        "priority",
        None,
        "7",
        "today",
        "smith",
    )
    assert inbox.InboxView.parse({"tab": "everything", "assignee": "1 or 1=1"}) == inbox.InboxView()
    # A link to another tab keeps the filters and starts at the first page.
    assert view.params(tab="mine") == {"tab": "mine", "sort": "priority", "assignee": "7", "due": "today", "q": "smith"}
    # A page's own links keep its place only when asked; a default leaves the address.
    assert view.params(after="1.2", sort="due") == {
        "tab": "overdue",
        "assignee": "7",
        "due": "today",
        "q": "smith",
        "after": "1.2",
    }
    with pytest.raises(TypeError):
        view.params(page=2)  # no such part of a view: a mistake in a template, not a link that drops it


def test_claiming_several_claims_each_and_reports_those_someone_else_had(db_session, me, colleague):
    free = [factories.inbox_item(db_session) for _ in range(3)]
    taken = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=colleague)
    db_session.commit()

    result = inbox.act_on_several(db_session, me, "claim", [i.id for i in free] + [taken.id])
    db_session.expire_all()
    assert [i.reference for i in result.done] == [i.reference for i in free]
    assert all(db_session.get(Submission, i.id).assignee_id == me.id for i in free)
    assert all(db_session.get(Submission, i.id).status == S.IN_REVIEW for i in free)
    assert result.refused == [
        (
            taken.reference,
            f"{colleague.name} has already claimed this item. "
            + result.refused[0][1].split("claimed this item. ", 1)[1],
        )
    ]
    assert db_session.get(Submission, taken.id).assignee_id == colleague.id


def test_assigning_several_gives_them_all_to_one_case_manager(db_session, me, colleague):
    items = [factories.inbox_item(db_session), factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=me)]
    closed = factories.inbox_item(db_session, status=S.ACCEPTED, due_in=None)
    db_session.commit()

    result = inbox.act_on_several(db_session, me, "assign", [i.id for i in items] + [closed.id], colleague)
    db_session.expire_all()
    assert {db_session.get(Submission, i.id).assignee_id for i in items} == {colleague.id}
    assert [reference for reference, _ in result.refused] == [closed.reference]


def test_acting_on_several_needs_a_choice_and_real_items(db_session, me):
    with pytest.raises(InvalidInput, match="Choose at least one item"):
        inbox.act_on_several(db_session, me, "claim", [])
    item = factories.inbox_item(db_session)
    db_session.commit()
    with pytest.raises(InvalidInput, match="Choose a case manager"):
        inbox.act_on_several(db_session, me, "assign", [item.id])
    with pytest.raises(NotFound):
        inbox.act_on_several(db_session, me, "claim", [item.id, item.id + 1000])


def test_nobody_but_a_case_manager_sees_any_inbox_item(db_session):
    factories.inbox_item(db_session)
    stranger = factories.user(db_session, Role.SUPERVISOR)
    db_session.commit()
    page = view_of(stranger, tab="open")
    assert page.items == [] and page.counts["open"] == 0


def test_a_persons_name_words_follow_their_name(db_session):
    person = factories.user(db_session, Role.EMPLOYEE, name="Jordan O'Brien-Smith")
    db_session.commit()
    assert set(db_session.scalars(select(NameWord.word).where(NameWord.user_id == person.id))) == {
        "jordan",
        "o",
        "brien",
        "smith",
    }
    person.name = "Jordan Lee"
    db_session.commit()
    assert set(db_session.scalars(select(NameWord.word).where(NameWord.user_id == person.id))) == {"jordan", "lee"}


def test_search_by_name_matches_the_start_of_each_word_typed(db_session, me):
    factories.inbox_item(
        db_session, factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Jo Smith"))
    )
    both_names = factories.inbox_item(
        db_session,
        factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Jo Smithers-Brown")),
    )
    db_session.commit()
    assert len(view_of(me, q="smi").items) == 2 and len(view_of(me, q="smith jo").items) == 2
    assert references(view_of(me, q="JO SMITH BR")) == [both_names.reference]  # every word typed must match
    assert references(view_of(me, q="mith")) == []  # the middle of a word is not a match
