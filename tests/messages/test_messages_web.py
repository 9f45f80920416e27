"""The messages screens through the test client: each audience's conversation, the inbox's unread list, the
counts on each home, the case page's section; refusals shown by the form; a form sent twice; queries."""

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.messages.models import Message, MessageThread
from portal.settings import UploadLimits
from tests import factories
from tests.messages.conftest import send, upload
from tests.queries import counting_queries

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(people, web_as):
    return {who: web_as(getattr(people, who)) for who in ("employee", "manager", "clinician", "supervisor", "admin")}


@pytest.fixture
def app_limits(app):
    return UploadLimits.from_config(app.config)


def paths(people) -> dict[str, str]:
    case = people.case.id
    return {
        "employee": f"/employee/cases/{case}/messages",
        "clinician": f"/clinician/cases/{case}/messages",
        "manager": f"/inbox/cases/{case}/messages/employee",
        "manager with clinician": f"/inbox/cases/{case}/messages/clinicians/{people.clinician.id}",
    }


def text(response) -> str:
    return response.get_data(as_text=True)


def post_message(web, path, body, files=(), headers=None, **fields):
    data = {"body": body, "files": [(io.BytesIO(content), name) for content, name in files], **fields}
    return web.post_form(path, data, token_from=path, content_type="multipart/form-data", headers=headers or {})


def messages_count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Message))


def once_key(page: str) -> str:
    return re.search(r'name="once"[^>]*value="([0-9a-f]{32})"', page).group(1)


@pytest.mark.parametrize("who, where", [("employee", "employee"), ("clinician", "clinician"), ("manager", "manager")])
def test_each_side_opens_their_conversation_with_a_form_to_write(signed_in, people, who, where):
    response = signed_in[who].client.get(paths(people)[where])
    page = text(response)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and "<textarea" in page and 'type="file"' in page
    assert "No messages yet." in page and "Send message" in page
    assert "supervisor" in page[page.index("<h1") : page.index('id="conversation-title"')]


def test_the_employee_writes_and_the_message_shows_at_the_bottom_of_the_conversation(signed_in, people, db_session):
    web = signed_in["employee"]
    path = paths(people)["employee"]
    response = post_message(web, path, "First line\nSecond line", [(factories.pdf_bytes(), "wh380.pdf")])
    assert response.status_code == 303 and response.headers["Location"] == path
    page = text(web.client.get(path))
    assert "Sent. Your case manager has been emailed" in page
    assert "First line\nSecond line" in page and "wh380.pdf" in page and "You</strong>" in page
    assert page.index("First line") < page.index('id="message-form"')  # the conversation, then the form
    manager_page = text(signed_in["manager"].client.get(paths(people)["manager"]))
    assert "Alex Employee</strong>" in manager_page and "New</span>" in manager_page
    file_link = re.search(r'href="(/files/\d+)"', manager_page).group(1)
    with signed_in["manager"].client.get(file_link) as download:
        assert download.status_code == 200


def test_the_newest_message_is_last(signed_in, people, db_session, app_limits):
    send(db_session, people.employee, people.case, "Older words", app_limits)
    send(db_session, people.manager, people.case, "Newer words", app_limits)
    page = text(signed_in["employee"].client.get(paths(people)["employee"]))
    assert page.index("Older words") < page.index("Newer words")


@pytest.mark.parametrize(
    "body, files, problem, field",
    [
        ("", [], "Write your message.", "body"),
        ("Kept words", [(b"", "empty.pdf")], "empty.pdf is empty", "files"),
        ("Kept words", [(b"GIF89a....", "x.gif")], "not a type of file we accept", "files"),
        ("x" * 5001, [], "at most 5000 characters", "body"),
    ],
    ids=["no words", "empty file", "wrong type", "too long"],
)
def test_a_refused_message_is_shown_again_with_its_problem_by_its_field_and_its_words_kept(
    signed_in, people, db_session, body, files, problem, field
):
    response = post_message(signed_in["employee"], paths(people)["employee"], body, files)
    page = text(response)
    assert response.status_code == 422
    assert problem in page and f'id="{field}-error"' in page and f'href="#{field}"' in page
    if body:
        assert body[:50] in page  # what was typed is kept
    assert messages_count(db_session) == 0


def test_a_file_over_the_limit_is_refused_by_the_form_before_anything_is_stored(
    signed_in, people, app, db_session, monkeypatch
):
    current = app.extensions["portal.settings"]
    small = replace(current, uploads=replace(current.uploads, max_bytes=1024))
    monkeypatch.setitem(app.extensions, "portal.settings", small)
    big = factories.pdf_bytes(pages=40)
    assert len(big) > 1024
    response = post_message(signed_in["employee"], paths(people)["employee"], "Kept words", [(big, "big.pdf")])
    page = text(response)
    assert response.status_code == 422 and "larger than" in page and "Kept words" in page
    assert messages_count(db_session) == 0


def test_an_htmx_refusal_returns_the_form_alone_with_422_and_a_sending_is_followed(signed_in, people):
    path = paths(people)["employee"]
    refused = post_message(signed_in["employee"], path, "", headers=HTMX)
    assert refused.status_code == 422 and text(refused).lstrip().startswith('<form id="message-form"')
    assert "<html" not in text(refused)
    sent = post_message(signed_in["employee"], path, "Hello", headers=HTMX)
    assert sent.status_code == 200 and sent.headers["HX-Location"] == path


def test_the_same_message_sent_twice_is_sent_once(signed_in, people, db_session):
    web, path = signed_in["employee"], paths(people)["employee"]
    key = once_key(text(web.client.get(path)))
    first = post_message(web, path, "Only once", once=key)
    again = post_message(web, path, "Only once", once=key)
    assert first.status_code == 303 and again.status_code == 303
    assert again.headers["Location"] == path and messages_count(db_session) == 1
    assert "received once" in text(web.client.get(path))


def test_a_refused_message_keeps_its_key_for_the_corrected_sending(signed_in, people, db_session):
    web, path = signed_in["employee"], paths(people)["employee"]
    key = once_key(text(web.client.get(path)))
    refused = post_message(web, path, "", once=key)
    assert once_key(text(refused)) == key
    assert post_message(web, path, "Now with words", once=key).status_code == 303
    assert messages_count(db_session) == 1


def test_a_closed_case_shows_why_in_place_of_the_form_and_refuses_a_sending(signed_in, people, db_session):
    people.case.status = CaseStatus.CLOSED
    people.case.closed_on = utcnow().date()
    db_session.commit()
    path = paths(people)["employee"]
    page = text(signed_in["employee"].client.get(path))
    assert "was closed" in page and "<textarea" not in page
    refused = post_message(signed_in["employee"], path, "Hello?")
    assert refused.status_code == 409 and "was closed" in text(refused) and 'role="alert"' in text(refused)
    assert messages_count(db_session) == 0


def test_a_clinician_whose_authorisation_ended_cannot_be_written_to_and_the_screen_says_why(
    signed_in, people, db_session
):
    people.case.participants[0].revoked_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    path = paths(people)["manager with clinician"]
    page = text(signed_in["manager"].client.get(path))
    assert "authorisation of case" in page and "has ended" in page and "<textarea" not in page
    assert post_message(signed_in["manager"], path, "Hello").status_code == 409
    assert signed_in["clinician"].client.get(paths(people)["clinician"]).status_code == 404


@pytest.mark.security(
    threat="A supervisor, an admin or another clinician reads a conversation on a case",
    control="A conversation's screens answer 404 to all but its employee or clinician and the case managers",
)
@pytest.mark.parametrize(
    "who, where",
    [
        ("supervisor", "employee"),
        ("supervisor", "manager"),
        ("supervisor", "manager with clinician"),
        ("admin", "manager"),
        ("admin", "clinician"),
        ("clinician", "employee"),
        ("employee", "manager with clinician"),
    ],
)
def test_nobody_else_reaches_a_conversation(signed_in, people, who, where):
    assert signed_in[who].client.get(paths(people)[where]).status_code == 404


def test_another_employee_and_an_unauthorised_clinician_get_404(people, db_session, web_as):
    stranger = factories.user(db_session, Role.EMPLOYEE)
    other_clinician = factories.user(db_session, Role.CLINICIAN)
    db_session.commit()
    assert web_as(stranger).client.get(paths(people)["employee"]).status_code == 404
    assert web_as(other_clinician).client.get(paths(people)["clinician"]).status_code == 404
    manager = web_as(people.manager)
    assert (
        manager.client.get(f"/inbox/cases/{people.case.id}/messages/clinicians/{other_clinician.id}").status_code == 404
    )
    assert manager.client.get("/inbox/cases/999999/messages/employee").status_code == 404


def test_unread_counts_show_on_each_home_and_go_once_read(signed_in, people, db_session, app_limits):
    send(db_session, people.employee, people.case, "For the manager", app_limits)
    send(db_session, people.clinician, people.case, "From the clinic", app_limits)
    manager = signed_in["manager"]
    inbox = text(manager.client.get("/inbox/"))
    assert "2 unread messages</a>" in inbox and 'href="/inbox/messages"' in inbox
    listed = text(manager.client.get("/inbox/messages"))
    assert "2 unread messages from employees and clinicians" in listed
    assert f'href="{paths(people)["manager"]}"' in listed
    assert f'href="{paths(people)["manager with clinician"]}"' in listed
    case_page = text(manager.client.get(f"/inbox/cases/{people.case.id}"))
    section = case_page[case_page.index('id="messages-title"') : case_page.index('id="clinicians-title"')]
    assert "(1 unread)" in section and "With Alex Employee, the employee" in section
    assert "With Dr Casey Lee, treating clinician" in section

    manager.client.get(paths(people)["manager"])
    manager.client.get(paths(people)["manager with clinician"])
    assert "none unread" in text(manager.client.get("/inbox/"))

    post_message(manager, paths(people)["manager"], "For the employee")
    post_message(manager, paths(people)["manager with clinician"], "For the clinic")
    assert "Messages (1 unread)" in text(signed_in["employee"].client.get("/employee/"))
    assert "Messages (1 unread)" in text(signed_in["clinician"].client.get("/clinician/"))
    signed_in["employee"].client.get(paths(people)["employee"])
    home = text(signed_in["employee"].client.get("/employee/"))
    assert "unread)" not in home and f'href="{paths(people)["employee"]}"' in home


def test_the_unread_list_pages_by_the_newest_message(signed_in, people, db_session, app, app_limits):
    start = utcnow() - timedelta(hours=1)
    cases = [factories.case(db_session, case_manager=people.manager) for _ in range(app.config["PAGE_SIZE"] + 2)]
    db_session.commit()
    for n, case in enumerate(cases):
        send(db_session, case.employee, case, "Hello", app_limits, now=start + timedelta(minutes=n))
    first = text(signed_in["manager"].client.get("/inbox/messages"))
    assert f"Case {cases[-1].number}" in first and f"Case {cases[0].number}" not in first
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = text(signed_in["manager"].client.get(older))
    assert f"Case {cases[0].number}" in second and f"Case {cases[-1].number}" not in second
    assert 'rel="next"' not in second and "First page" in second


def test_the_employee_home_links_each_case_to_its_messages(signed_in, people):
    home = text(signed_in["employee"].client.get("/employee/"))
    assert f'href="{paths(people)["employee"]}"' in home and ">Messages<" in home


def test_the_clinician_home_links_each_patient_to_the_conversation(signed_in, people):
    home = text(signed_in["clinician"].client.get("/clinician/"))
    assert f'href="{paths(people)["clinician"]}"' in home


def test_the_thread_screen_runs_the_same_queries_however_long_the_conversation(
    signed_in, people, db_session, app_limits
):
    manager = signed_in["manager"]
    path = paths(people)["manager with clinician"]

    seen: list[str] = []

    def queries() -> int:
        with counting_queries() as statements:
            assert manager.client.get(path).status_code == 200
        seen[:] = statements
        return len(statements)

    send(db_session, people.clinician, people.case, "One", app_limits, upload(factories.pdf_bytes(), "a.pdf"))
    send(db_session, people.manager, people.case, "Two", app_limits, clinician_id=people.clinician.id)
    few = queries()
    for n in range(20):
        author = people.clinician if n % 2 else people.manager
        files = [upload(factories.pdf_bytes(pages=n + 2), f"{n}.pdf")] if n % 3 == 0 else []
        send(
            db_session,
            author,
            people.case,
            f"Message {n}",
            app_limits,
            *files,
            clinician_id=None if n % 2 else people.clinician.id,
        )
    assert queries() == few, "\n".join(seen)


def test_the_unread_list_runs_the_same_queries_however_many_conversations(signed_in, people, db_session, app_limits):
    manager = signed_in["manager"]

    def queries() -> int:
        with counting_queries() as statements:
            assert manager.client.get("/inbox/messages").status_code == 200
        return len(statements)

    send(db_session, people.employee, people.case, "One", app_limits)
    few = queries()
    for _ in range(12):
        case = factories.case(db_session, case_manager=people.manager)
        clinician = factories.user(db_session, Role.CLINICIAN)
        factories.authorisation(db_session, case, clinician)
        db_session.commit()
        send(db_session, case.employee, case, "Hello", app_limits)
        send(db_session, clinician, case, "From the clinic", app_limits)
    assert queries() == few
    assert db_session.scalar(select(func.count()).select_from(MessageThread)) == 25
