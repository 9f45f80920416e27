"""A number too large for the database, in an address or a query string, is a 404 or the default view,
never a failed query."""

import pytest

from portal.accounts.models import Role
from tests import factories

HUGE = "99999999999999999999"


@pytest.fixture
def manager_web(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    factories.inbox_item(db_session, case=factories.case(db_session, case_manager=manager))
    db_session.commit()
    return web_as(manager)


@pytest.mark.parametrize(
    "path",
    [
        f"/inbox/submissions/{HUGE}",
        f"/inbox/submissions/{HUGE}/pane",
        f"/files/{HUGE}",
        f"/inbox/cases/{HUGE}",
        f"/inbox/tasks/{HUGE}",
        f"/inbox/notices/{HUGE}",
    ],
)
def test_an_id_too_large_in_an_address_is_not_found(manager_web, path):
    assert manager_web.client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"?assignee={HUGE}",
        f"?after=1.{HUGE}",
        f"?before=1.{HUGE}",
        f"?after={HUGE}{HUGE}.1",
        f"?open={HUGE}",
        "?assignee=\u0661",
    ],
)
def test_a_number_too_large_in_the_inbox_query_shows_the_default_view(manager_web, query):
    response = manager_web.client.get("/inbox/" + query)
    assert response.status_code == 200 and "Inbox: All open" in response.get_data(as_text=True)


def test_the_poll_with_a_number_too_large_counts_from_the_start(manager_web):
    response = manager_web.client.get(f"/inbox/new?since={HUGE}&shown={HUGE}", headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_a_document_answering_a_request_too_large_is_an_ordinary_document(db_session, web_as):
    case = factories.case(db_session)
    db_session.commit()
    employee = web_as(case.employee)
    response = employee.client.get(f"/employee/cases/{case.id}/documents/new?request={HUGE}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", [f"?case={HUGE}", "?case=\u0661", f"?after=2026-12-01.{HUGE}", "?after=9999-99-99.1"])
def test_a_number_too_large_for_the_tasks_starts_them_empty_or_from_the_first_page(manager_web, query):
    assert manager_web.client.get("/inbox/tasks/new" + query).status_code == 200
    assert manager_web.client.get("/inbox/tasks" + query).status_code == 200
