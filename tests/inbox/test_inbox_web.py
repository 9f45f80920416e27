"""The case manager's screens through the test client: list, review, actions (page and htmx), case page."""

import html
import io
import re
from datetime import timedelta

import pytest
from flask import current_app

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.files.models import StoredFile
from portal.items.models import InformationRequest, Submission, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories


@pytest.fixture
def manager(login_as):
    return login_as(Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def item(db_session, manager):
    case = factories.case(
        db_session, case_manager=manager, employee=factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    )
    db_session.commit()
    return documents.send_document(
        db_session,
        case.employee,
        case,
        "fmla_certification",
        None,
        "Two pages",
        [
            documents.Upload(io.BytesIO(factories.pdf_bytes()), "wh380.pdf"),
            documents.Upload(io.BytesIO(factories.image_bytes()), "page2.jpg"),
        ],
        UploadLimits.from_config(current_app.config),
        DeadlineSettings(),
    )


def act(web, item, action, htmx=False, from_list=False, **fields):
    headers = {"HX-Request": "true"} if htmx else {}
    if from_list:  # the review is the pane beside the inbox list
        headers["HX-Current-URL"] = "http://localhost/inbox/?tab=open"
    return web.post_form(
        f"/inbox/submissions/{item.id}/{action}",
        {"version": str(item.version), **fields},
        token_from=f"/inbox/submissions/{item.id}",
        headers=headers,
    )


def current(db_session, item) -> Submission:
    db_session.expire_all()
    return db_session.get(Submission, item.id)


def test_the_inbox_lists_the_item_with_case_employee_status_due_and_assignee(web, item):
    page = web.client.get("/inbox/").get_data(as_text=True)
    assert item.case.number in page and "Alex Employee" in page and item.reference in page
    assert "FMLA certification of a health condition (2 files)" in page
    assert "New" in page and "Unassigned" in page and "days left)" in page


def test_an_overdue_item_stands_out_in_words_not_colour_alone(web, item, db_session):
    from datetime import timedelta

    item.due_at = item.due_at - timedelta(days=10)
    db_session.commit()
    page = web.client.get("/inbox/").get_data(as_text=True)
    assert "Overdue: was due" in page and "row--overdue" in page


def test_the_review_screen_shows_details_previews_downloads_and_history_and_is_audited(web, item, db_session):
    page = web.client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)
    files = db_session.query(StoredFile).order_by(StoredFile.id).all()
    assert "FMLA certification of a health condition" in page and "Two pages" in page
    assert f'href="/files/{files[0].id}/view" target="_blank" rel="noopener">Preview wh380.pdf' in page
    assert f'src="/files/{files[1].id}/view" alt="Preview of page2.jpg"' in page
    assert f'href="/files/{files[0].id}"' in page and "Alex Employee sent it." in page
    assert db_session.query(AuditEvent).filter_by(action="submission_viewed", object_id=item.id).count() == 1


def test_claiming_as_a_plain_form_redirects_back_with_a_message(web, item, manager, db_session):
    response = act(web, item, "claim")
    assert response.status_code == 303
    page = web.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have claimed this item." in page and "In review, with Morgan Manager" in page
    assert current(db_session, item).assignee_id == manager.id


def test_claiming_over_htmx_swaps_the_pane_and_the_notice(web, item):
    response = act(web, item, "claim", htmx=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith("<section") and "data-focus-after-swap" in page
    assert '<div id="flash-messages" hx-swap-oob="innerHTML"><p class="notice notice--success">You have claimed' in page
    assert "submission-row-" not in page  # on its own page there is no list to update


def test_claiming_in_the_pane_beside_the_list_updates_its_row_and_the_tab_counts(web, item):
    page = act(web, item, "claim", htmx=True, from_list=True).get_data(as_text=True)
    assert f'<tr id="submission-row-{item.id}" hx-swap-oob="true"' in page and "Morgan Manager" in page
    assert '<span class="tab-count" id="count-mine" hx-swap-oob="true">1</span>' in page
    assert '<span class="tab-count" id="count-unassigned" hx-swap-oob="true">0</span>' in page


def test_the_fragment_is_the_same_markup_as_the_pane_in_the_full_page(web, item):
    fragment = act(web, item, "claim", htmx=True).get_data(as_text=True)
    page = web.client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)

    def normalised(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r'value="[^"]*\.[^"]*\.[^"]*"', 'value="token"', html)).strip()

    pane = normalised(fragment.split('<div id="flash-messages"')[0])
    assert len(pane) > 500 and pane in normalised(page)


def test_acting_on_a_stale_screen_is_refused_with_what_happened(web, item, db_session, manager):
    seen_version = item.version
    act(web, item, "claim")
    other = factories.user(db_session, Role.CASE_MANAGER, name="Other Manager")
    db_session.commit()
    response = web.post_form(
        f"/inbox/submissions/{item.id}/assign",
        {"version": str(seen_version), "assignee": str(other.id)},
        token_from=f"/inbox/submissions/{item.id}",
        headers={"HX-Request": "true"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Morgan Manager claimed this item at" in page and "Your change was not made" in page
    assert current(db_session, item).assignee_id == manager.id


def test_assigning_to_another_case_manager(web, item, db_session):
    other = factories.user(db_session, Role.CASE_MANAGER, name="Other Manager")
    db_session.commit()
    assert act(web, item, "assign", assignee=str(other.id)).status_code == 303
    assert current(db_session, item).assignee_id == other.id


def test_requesting_information_defaults_the_date_and_emails_the_employee(web, item, db_session):
    act(web, item, "claim")
    item = current(db_session, item)
    missing = act(web, item, "request-information", message="")
    assert missing.status_code == 422 and "Say what information you need." in missing.get_data(as_text=True)
    response = act(
        web, item, "request-information", htmx=True, message="Section III is blank.", incomplete_certification="y"
    )
    assert response.status_code == 200 and "More information needed" in response.get_data(as_text=True)
    request = db_session.query(InformationRequest).one()
    assert (request.due_at.date() - request.requested_at.date()).days == 7
    assert db_session.query(OutboundEmail).filter_by(template="information_requested").count() == 1


def test_accepting_files_the_document_to_the_case(web, item, db_session):
    act(web, item, "claim")
    assert act(web, current(db_session, item), "accept").status_code == 303
    assert current(db_session, item).status == SubmissionStatus.ACCEPTED
    case_page = web.client.get(f"/inbox/cases/{item.case_id}").get_data(as_text=True)
    assert "wh380.pdf" in case_page and "page2.jpg" in case_page and "No accepted documents yet." not in case_page


def test_declining_needs_a_reason(web, item, db_session):
    act(web, item, "claim")
    item = current(db_session, item)
    refused = act(web, item, "decline", reason="  ")
    assert refused.status_code == 422 and "Give the reason for declining" in refused.get_data(as_text=True)
    assert act(web, item, "decline", reason="Unsigned.").status_code == 303
    assert current(db_session, item).status == SubmissionStatus.DECLINED


def test_an_impossible_action_is_refused_clearly(web, item):
    response = act(web, item, "accept")
    assert response.status_code == 409 and "cannot be accepted now" in response.get_data(as_text=True)


def test_asking_for_a_document_from_the_case_page(web, item, db_session):
    page = web.client.get(f"/inbox/cases/{item.case_id}").get_data(as_text=True)
    assert "Ask for a document" in page
    due = re.search(r'<input[^>]*name="due_date"[^>]*value="([0-9-]+)"', page).group(1)
    response = web.post_form(
        f"/inbox/cases/{item.case_id}/request-document",
        {"document_type": "work_status_note", "message": "", "due_date": due},
        token_from=f"/inbox/cases/{item.case_id}",
    )
    assert response.status_code == 303
    assert db_session.query(InformationRequest).filter_by(document_type="work_status_note").count() == 1
    bad = web.post_form(
        f"/inbox/cases/{item.case_id}/request-document",
        {"document_type": "", "message": "keep me", "due_date": ""},
        token_from=f"/inbox/cases/{item.case_id}",
    )
    assert bad.status_code == 422 and "keep me" in bad.get_data(as_text=True)
    assert "Choose the document you need." in bad.get_data(as_text=True)


def test_a_closed_case_offers_no_document_request_form_and_refuses_one_sent(web, item, db_session):
    item.case.status = CaseStatus.CLOSED
    db_session.commit()
    path = f"/inbox/cases/{item.case_id}"
    page = web.client.get(path).get_data(as_text=True)
    assert "was closed, so nothing new can be asked of or sent to it" in page
    assert "/request-document" not in page
    due = (utcnow().date() + timedelta(days=15)).isoformat()
    response = web.post_form(
        f"{path}/request-document", {"document_type": "work_status_note", "due_date": due}, token_from=path
    )
    assert response.status_code == 409 and not db_session.query(InformationRequest).count()


@pytest.mark.security(
    threat="Another role reads the inbox, an item or a file",
    control="The inbox and files answer 404 to every role but the case manager",
)
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CLINICIAN, Role.EMPLOYEE, Role.ADMIN])
def test_other_roles_get_404_on_every_inbox_and_file_url(app, db_session, item, role):
    from tests.conftest import WebActions

    outsider = WebActions(app.test_client())
    user = factories.user(db_session, role)
    db_session.commit()
    outsider.login(user.email)
    stored = db_session.query(StoredFile).first()
    for path in (
        "/inbox/",
        f"/inbox/submissions/{item.id}",
        f"/inbox/cases/{item.case_id}",
        f"/files/{stored.id}",
        f"/files/{stored.id}/view",
    ):
        assert outsider.client.get(path).status_code == 404, (role, path)
    for action in ("claim", "assign", "request-information", "accept", "decline"):
        response = outsider.post_form(f"/inbox/submissions/{item.id}/{action}", {"version": "1"}, token_from="/login")
        assert response.status_code == 404, (role, action)


def test_a_case_whose_manager_left_offers_to_take_it_and_the_employee_sees_who_now(web, web_as, db_session, manager):
    leaving = factories.user(db_session, Role.CASE_MANAGER, name="Lee Leaving", active=False)
    case = factories.case(
        db_session, case_manager=leaving, employee=factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    )
    db_session.commit()
    employee = web_as(case.employee)
    assert "Lee Leaving" not in employee.client.get("/employee/").get_data(as_text=True)

    page = html.unescape(web.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True))
    assert "None: Lee Leaving's account is deactivated" in page
    assert "Become this case's case manager" in page

    taken = web.post_form(
        f"/inbox/cases/{case.id}/take", {}, token_from=f"/inbox/cases/{case.id}", follow_redirects=True
    )
    page = html.unescape(taken.get_data(as_text=True))
    assert "You are this case's case manager now." in page
    assert "Become this case's case manager" not in page
    assert "Morgan Manager" in employee.client.get("/employee/").get_data(as_text=True)

    again = web.post_form(f"/inbox/cases/{case.id}/take", {}, token_from=f"/inbox/cases/{case.id}")
    assert again.status_code == 409
    assert "Morgan Manager is already this case's case manager." in html.unescape(again.get_data(as_text=True))


def test_a_case_with_an_active_manager_offers_no_take_over(web, item):
    page = web.client.get(f"/inbox/cases/{item.case_id}").get_data(as_text=True)
    assert "Morgan Manager" in page and "Become this case" not in page
