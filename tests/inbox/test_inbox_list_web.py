"""The inbox list through the test client: its address holds the view, htmx swaps the same markup,
the pane beside it, the poll for new items, acting on several rows, and a fixed number of queries."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from tests import factories
from tests.queries import counting_queries

S = SubmissionStatus
HTMX = {"HX-Request": "true"}


@pytest.fixture
def manager(login_as):
    return login_as(Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def items(db_session, manager):
    made = [
        factories.inbox_item(db_session, summary=f"Item number {n}", due_in=timedelta(days=1 + n)) for n in range(3)
    ]
    db_session.commit()
    return made


def text(response) -> str:
    return response.get_data(as_text=True)


def test_every_link_in_the_inbox_keeps_the_view_it_was_made_in(web, items):
    page = text(web.client.get("/inbox/?tab=open&kind=document&sort=priority&q=Item"))
    assert 'id="tab-mine" href="/inbox/?tab=mine&amp;sort=priority&amp;kind=document&amp;q=Item"' in page
    assert '<option selected value="priority">Priority</option>' in page
    assert 'hx-get="/inbox/list?tab=mine&amp;sort=priority&amp;kind=document&amp;q=Item"' in page
    assert "Inbox: All open" in page


def test_an_htmx_view_change_answers_with_the_list_alone_the_same_markup_as_the_page(web, items):
    fragment = text(web.client.get("/inbox/list?tab=open&sort=received", headers=HTMX))
    page = text(web.client.get("/inbox/?tab=open&sort=received"))
    assert "<html" not in fragment and fragment.lstrip().startswith('<h1 id="inbox-title"')

    def normalised(markup: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r'value="[^"]*\.[^"]*\.[^"]*"', 'value="token"', markup)).strip()

    assert normalised(fragment) in normalised(page)


@pytest.fixture
def pages_of_items(app, db_session, manager, monkeypatch):
    """Five open items, two to a page, the soonest due first."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    made = [factories.inbox_item(db_session, summary=f"Paged item {n}", due_in=timedelta(days=1 + n)) for n in range(5)]
    db_session.commit()
    return made


def next_page_address(markup: str, attribute: str = "href") -> str:
    return html.unescape(re.search(rf'{attribute}="([^"]+)"[^>]*rel="next"', markup).group(1))


def test_another_page_of_the_same_view_answers_with_its_rows_and_pager_alone(web, pages_of_items):
    first = text(web.client.get("/inbox/?tab=open&sort=due"))
    rows_address = next_page_address(first, "hx-get")
    assert rows_address.startswith("/inbox/results?") and 'hx-target="#inbox-results"' in first

    response = web.client.get(rows_address, headers=HTMX)
    second = text(response)
    assert second.lstrip().startswith('<div class="table-wrap"')
    assert "Paged item 2" in second and "Paged item 3" in second and "Paged item 1" not in second
    assert 'rel="next"' in second and 'rel="prev"' in second
    # Nothing of what the same view keeps: the heading, the tabs, the filters and the bulk form stay as they are.
    for kept in ('id="inbox-title"', 'aria-label="Inbox views"', 'role="search"', 'id="bulk-actions"'):
        assert kept not in second
    # What may have changed meanwhile comes out of band: every tab's count, and no new items to show.
    assert '<span class="tab-count" id="count-open" hx-swap-oob="true">5</span>' in second
    assert re.search(r'<div id="new-items" hx-swap-oob="true"', second)
    assert response.headers["HX-Push-Url"] == next_page_address(first)
    # The rows carry their page for the bulk form, whose address holds the view alone.
    cursor = dict(parse_qsl(urlsplit(rows_address).query))["after"]
    assert f'<input type="hidden" form="bulk-actions" name="after" value="{cursor}">' in second


def test_the_rows_alone_without_htmx_send_the_browser_to_the_view_page(web, pages_of_items):
    response = web.client.get("/inbox/results?tab=open&kind=&after=abc")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox/?after=abc"


def test_acting_on_several_on_a_later_page_shows_that_page_again(web, pages_of_items):
    rows_address = next_page_address(text(web.client.get("/inbox/?tab=open")), "hx-get")
    cursor = dict(parse_qsl(urlsplit(rows_address).query))["after"]
    chosen = pages_of_items[2]
    body = text(bulk(web, {"ids": [chosen.id], "action": "claim", "after": cursor}))
    assert "Claimed 1 item." in body and "Paged item 2" in body and "Paged item 0" not in body
    plain = bulk(web, {"ids": [pages_of_items[3].id], "action": "claim", "after": cursor}, htmx=False)
    assert plain.headers["Location"] == f"/inbox/?after={cursor}"


def test_the_address_kept_for_a_filtered_view_leaves_out_empty_and_default_fields(web, items):
    response = web.client.get(
        "/inbox/list?tab=overdue&q=&kind=&status=new&assignee=&due=&case_type=&sort=due", headers=HTMX
    )
    assert response.headers["HX-Push-Url"] == "/inbox/?tab=overdue&status=new"


def test_the_page_address_always_answers_with_the_whole_page(web, items):
    restored = text(web.client.get("/inbox/?tab=open", headers={**HTMX, "HX-History-Restore-Request": "true"}))
    assert "<html" in restored
    assert "<html" in text(web.client.get("/inbox/?tab=open", headers=HTMX))


def test_the_list_alone_without_htmx_sends_the_browser_to_the_view_page(web, items):
    response = web.client.get("/inbox/list?tab=open&kind=&sort=received")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox/?sort=received"
    pane = web.client.get(f"/inbox/submissions/{items[0].id}/pane")
    assert pane.status_code == 302 and pane.headers["Location"] == f"/inbox/submissions/{items[0].id}"


def test_an_item_opened_beside_the_list_has_the_lists_address_and_is_audited(web, items, db_session):
    item = items[0]
    response = web.client.get(
        f"/inbox/submissions/{item.id}/pane",
        headers={**HTMX, "HX-Current-URL": "http://localhost/inbox/?tab=open&open=9"},
    )
    assert response.headers["HX-Push-Url"] == f"/inbox/?tab=open&open={item.id}"
    pane = text(response)
    assert "<html" not in pane and "Item number 0" in pane and 'id="review-pane"' in pane

    reloaded = text(web.client.get(f"/inbox/?tab=open&open={item.id}"))
    assert 'id="inbox-title"' in reloaded and f"Open {item.reference} on its own page" in reloaded
    assert db_session.query(AuditEvent).filter_by(action="submission_viewed", object_id=item.id).count() == 2


def test_the_poll_says_how_many_new_items_arrived_and_updates_every_count(web, items, db_session):
    newest = max(item.id for item in items)
    quiet = web.client.get(f"/inbox/new?since={newest}&shown=0&tab=open", headers={"HX-Request": "true"})
    assert quiet.headers["HX-Reswap"] == "none"  # nothing new: the notice stays as it is, unannounced
    assert '<span class="tab-count" id="count-open" hx-swap-oob="true">3</span>' in text(quiet)

    factories.inbox_item(db_session)
    factories.inbox_item(db_session)
    db_session.commit()
    news = web.client.get(f"/inbox/new?since={newest}&shown=0&tab=open", headers={"HX-Request": "true"})
    body = text(news)
    assert "HX-Reswap" not in news.headers
    assert "2 new items in this view since you opened it." in body and "Show them" in body
    assert f'hx-get="/inbox/new?since={newest}&amp;shown=2"' in body  # the next poll knows what is shown
    assert '<span class="tab-count" id="count-open" hx-swap-oob="true">5</span>' in body
    assert re.search(r'<div id="new-items"', body).start() < body.index("tab-count")


def bulk(web, data: dict, query: str = "?tab=open", htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    return web.post_form(f"/inbox/several{query}", data, token_from="/inbox/", headers=headers)


def test_claiming_the_ticked_rows_claims_them_and_shows_the_same_view(web, items, manager, db_session):
    response = bulk(web, {"ids": [items[0].id, items[2].id], "action": "claim"})
    body = text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<h1 id="inbox-title"')
    assert '<p class="notice notice--success">Claimed 2 items.</p>' in body
    db_session.expire_all()
    assert [db_session.get(Submission, i.id).assignee_id for i in items] == [manager.id, None, manager.id]


def test_a_rows_own_claim_button_claims_that_row_only(web, items, manager, db_session):
    bulk(web, {"ids": [items[0].id], "claim_one": str(items[1].id)})
    db_session.expire_all()
    assert [db_session.get(Submission, i.id).assignee_id for i in items] == [None, manager.id, None]


def test_assigning_the_ticked_rows_to_a_colleague(web, items, db_session):
    colleague = factories.user(db_session, Role.CASE_MANAGER, name="Robin Colleague")
    db_session.commit()
    body = text(bulk(web, {"ids": [i.id for i in items], "action": "assign", "bulk-assignee": str(colleague.id)}))
    assert "Assigned to Robin Colleague: 3 items." in body
    db_session.expire_all()
    assert {db_session.get(Submission, i.id).assignee_id for i in items} == {colleague.id}


def test_acting_on_nothing_or_assigning_to_nobody_says_what_is_missing(web, items):
    response = bulk(web, {"action": "claim"})
    assert response.status_code == 422 and "Choose at least one item." in text(response)
    response = bulk(web, {"ids": [items[0].id], "action": "assign"})
    assert response.status_code == 422 and "Choose an active case manager." in text(response)


def test_assigning_nothing_keeps_the_case_manager_chosen_beside_its_error(web, items, db_session):
    colleague = factories.user(db_session, Role.CASE_MANAGER, name="Robin Colleague")
    db_session.commit()
    body = text(bulk(web, {"action": "assign", "bulk-assignee": str(colleague.id)}))
    assert '<p class="field__error" id="bulk-error" role="alert">Choose at least one item.</p>' in body
    assert f'<option selected value="{colleague.id}">Robin Colleague</option>' in body
    # The form posts with the session's token, which is not drawn with it.
    assert re.search(r'<input type="hidden" form="bulk-actions" name="csrf_token" value="[^"]+">', body)


def test_without_javascript_acting_on_several_returns_to_the_same_view(web, items):
    response = bulk(web, {"ids": [items[0].id], "action": "claim"}, query="?tab=mine&sort=received", htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/?tab=mine&sort=received"
    assert "Claimed 1 item." in text(web.client.get(response.headers["Location"]))


VIEWS = [
    "/inbox/",
    "/inbox/?tab=mine&sort=priority",
    "/inbox/?tab=closed",
    "/inbox/?tab=overdue&kind=duty_offer",
    "/inbox/?tab=open&q=Employee",
    "/inbox/?tab=open&case_type=leave&due=week&sort=received",
]


def test_each_inbox_view_runs_the_same_few_queries_whatever_the_number_of_items(web, manager, db_session, app):
    def queries_per_view() -> list[int]:
        web.client.get("/inbox/")  # anything the first request of a session does once
        counts = []
        for view in VIEWS:
            with counting_queries() as statements:
                assert web.client.get(view).status_code == 200
            counts.append(len(statements))
        return counts

    factories.inbox_item(db_session)
    db_session.commit()
    few = queries_per_view()

    colleagues = [factories.user(db_session, Role.CASE_MANAGER) for _ in range(3)]
    for n in range(60):
        kind = [SubmissionKind.DOCUMENT, SubmissionKind.DUTY_OFFER, SubmissionKind.RESTRICTION_REPORT][n % 3]
        status = [S.NEW, S.IN_REVIEW, S.NEEDS_INFO, S.ACCEPTED][n % 4]
        factories.inbox_item(
            db_session,
            kind=kind,
            status=status,
            assignee=None if status == S.NEW else colleagues[n % 3],
            due_in=None if status == S.ACCEPTED else timedelta(hours=n - 20),
        )
    db_session.commit()
    many = queries_per_view()

    assert many == few
    # Signing the session in, the tab counts, the page's ids, those items (with whether each report's clinician is
    # confirmed), the case managers for the filters, and what is beside the list (the case manager's tasks, their
    # unread messages and the eligibility notices still to give, in one statement).
    assert max(many) <= 6, many


def test_the_poll_runs_a_fixed_number_of_queries(web, items, db_session):
    newest = max(item.id for item in items)
    with counting_queries() as before:
        web.client.get(f"/inbox/new?since={newest}&shown=0", headers={"HX-Request": "true"})
    for _ in range(20):
        factories.inbox_item(db_session)
    db_session.commit()
    with counting_queries() as after:
        web.client.get(f"/inbox/new?since={newest}&shown=0", headers={"HX-Request": "true"})
    assert len(after) == len(before) <= 5


def test_the_next_page_link_is_a_keyset_cursor_not_an_offset(web, manager, db_session, app):
    for n in range(app.config["PAGE_SIZE"] + 1):
        factories.inbox_item(db_session, due_in=timedelta(days=1, minutes=n))
    db_session.commit()
    page = text(web.client.get("/inbox/?tab=open"))
    next_link = html.unescape(re.search(r'href="([^"]+)"[^>]*rel="next"', page).group(1))
    assert re.fullmatch(r"/inbox/\?after=\d+\.\d+", next_link), next_link
