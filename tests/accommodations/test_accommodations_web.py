"""The accommodation screens through the test client: the guided form, the log, the supervisor's question, the
decision."""

import io
import re

import pytest

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.items.models import Submission, SubmissionStatus
from tests import factories

DIFFICULTY = "My migraines get worse under the bright overhead lights at my desk."


@pytest.fixture
def team(web_as, db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    clients = {"supervisor": web_as(supervisor), "employee": web_as(employee), "manager": web_as(manager)}
    return {"case": case, **clients}


def step(team, name, fields, back=None):
    path = f"/employee/cases/{team['case'].id}/accommodation/{name}" + (f"?back={back}" if back else "")
    return team["employee"].post_form(path, {"action": "continue", **fields})


def complete_the_form(team):
    assert step(team, "difficulty", {"difficulty": DIFFICULTY}).status_code == 303
    assert step(team, "tasks", {"tasks_affected": "Screen work all day"}).status_code == 303
    assert (
        step(team, "help", {"choose_equipment": "y", "help_equipment": "A desk lamp and a screen filter"}).status_code
        == 303
    )
    assert step(team, "duration", {"temporary": "no"}).status_code == 303
    assert step(team, "documents", {}).status_code == 303
    response = step(team, "contact", {"contact_preference": "email"})
    assert response.headers["Location"].endswith("/accommodation/check")


def test_each_step_leads_to_the_next_and_the_check_page_shows_every_answer(team):
    first = team["employee"].client.get(f"/employee/cases/{team['case'].id}/accommodation/difficulty")
    assert "You do not need to give a diagnosis" in first.get_data(as_text=True)
    assert "A request you do not send is deleted, with its documents, 30 days after your last change." in " ".join(
        first.get_data(as_text=True).split()
    )
    response = step(team, "difficulty", {"difficulty": DIFFICULTY})
    assert response.headers["Location"].endswith("/accommodation/tasks")
    complete_the_form(team)
    check = team["employee"].client.get(f"/employee/cases/{team['case'].id}/accommodation/check").get_data(as_text=True)
    assert DIFFICULTY in check and "A desk lamp and a screen filter" in check and "Ongoing" in check
    assert check.count(">Change<") == 6


def test_a_step_with_an_error_keeps_what_was_typed_and_going_back_loses_nothing(team):
    response = step(
        team, "help", {"choose_remote": "y", "help_remote": "", "choose_equipment": "y", "help_equipment": "A lamp"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Describe what would help under" in page and "A lamp" in page
    step(team, "difficulty", {"difficulty": DIFFICULTY})
    back = team["employee"].client.get(f"/employee/cases/{team['case'].id}/accommodation/difficulty")
    assert DIFFICULTY in back.get_data(as_text=True)


def test_changing_an_answer_from_the_check_page_returns_to_it(team):
    complete_the_form(team)
    response = step(team, "tasks", {"tasks_affected": "Screen work, mornings"}, back="check")
    assert response.headers["Location"].endswith("/accommodation/check")


def test_sending_shows_a_confirmation_with_the_reference_and_decision_date(team, db_session):
    complete_the_form(team)
    path = f"/employee/cases/{team['case'].id}/accommodation/check"
    response = team["employee"].post_form(path, {}, follow_redirects=True)
    page = response.get_data(as_text=True)
    item = db_session.query(Submission).one()
    assert f"Sent: {item.reference}" in page and "A decision is due by" in page
    assert DIFFICULTY in page


def _sent(team, db_session):
    complete_the_form(team)
    team["employee"].post_form(f"/employee/cases/{team['case'].id}/accommodation/check", {})
    return db_session.query(Submission).one()


def test_the_case_manager_logs_a_conversation_over_htmx_in_place(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    fragment = team["manager"].post_form(
        f"{review}/log",
        {
            "occurred_on": utcnow().date().isoformat(),
            "kind": "conversation",
            "method": "phone",
            "summary": "Discussed lighting options.",
        },
        token_from=review,
        headers={"HX-Request": "true"},
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.lstrip().startswith('<section id="process-log"')
    assert "Discussed lighting options." in html and "by phone" in html
    bad = team["manager"].post_form(
        f"{review}/log",
        {"occurred_on": "", "kind": "conversation", "summary": "x"},
        token_from=review,
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "today or earlier" in bad.get_data(as_text=True)


def test_the_supervisor_answers_a_feasibility_question_without_seeing_anything_medical(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    asked = team["manager"].post_form(
        f"{review}/ask-supervisor",
        {"accommodation": "A desk lamp and screen filter", "question": "Can desk 12 have a lamp?"},
        token_from=review,
    )
    assert asked.status_code == 303
    home = team["supervisor"].client.get("/supervisor/").get_data(as_text=True)
    link = re.search(r'href="(/supervisor/questions/\d+)"', home).group(1)
    page = team["supervisor"].client.get(link).get_data(as_text=True)
    assert "Can desk 12 have a lamp?" in page and "migraine" not in page.lower()
    answered = team["supervisor"].post_form(link, {"feasible": "yes", "answer": "Yes, this week."})
    assert answered.status_code == 303
    assert "Yes, this week." in team["manager"].client.get(review).get_data(as_text=True)


def test_the_decision_is_recorded_and_the_employee_and_supervisor_see_what_they_should(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    team["manager"].post_form(f"{review}/claim", {"version": str(item.version)}, token_from=review)
    db_session.expire_all()
    version = str(db_session.get(Submission, item.id).version)
    missing = team["manager"].post_form(
        f"{review}/decide", {"version": version, "decision": "granted", "what": ""}, token_from=review
    )
    assert missing.status_code == 422 and "Say exactly what is granted." in missing.get_data(as_text=True)
    done = team["manager"].post_form(
        f"{review}/decide",
        {
            "version": version,
            "decision": "granted",
            "what": "A desk lamp and a screen filter",
            "granted_from": utcnow().date().isoformat(),
        },
        token_from=review,
    )
    assert done.status_code == 303
    employee_page = team["employee"].client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert "Granted" in employee_page and "A desk lamp and a screen filter" in employee_page
    supervisor_home = team["supervisor"].client.get("/supervisor/").get_data(as_text=True)
    assert "A desk lamp and a screen filter" in supervisor_home


def test_a_denial_can_be_reconsidered_from_the_employees_page(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    team["manager"].post_form(f"{review}/claim", {"version": str(item.version)}, token_from=review)
    db_session.expire_all()
    version = str(db_session.get(Submission, item.id).version)
    team["manager"].post_form(
        f"{review}/decide",
        {
            "version": version,
            "decision": "denied",
            "denial_reason": "information_not_provided",
            "why": "We need a note on what helps.",
        },
        token_from=review,
    )
    page_path = f"/employee/submissions/{item.id}"
    page = team["employee"].client.get(page_path).get_data(as_text=True)
    assert "Information not provided" in page and "Denied: Information not provided" not in page
    assert "Information not provided: We need a note on what helps." in page  # the history says why
    db_session.expire_all()
    version = str(db_session.get(Submission, item.id).version)
    assert 'name="files"' in page and "If the decision asked for a note from your clinician" in page
    refused = team["employee"].post_form(
        f"{page_path}/reconsider",
        {"version": version, "reason": "Here is the note.", "files": [(io.BytesIO(b"not a pdf"), "note.pdf")]},
        token_from=page_path,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and 'id="files-error"' in refused.get_data(as_text=True)
    assert "Here is the note." in refused.get_data(as_text=True)
    response = team["employee"].post_form(
        f"{page_path}/reconsider",
        {
            "version": version,
            "reason": "Here is the note.",
            "files": [(io.BytesIO(factories.pdf_bytes()), "clinician note.pdf")],
        },
        token_from=page_path,
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Submission, item.id).status == SubmissionStatus.IN_REVIEW
    assert "clinician note.pdf" in team["manager"].client.get(review).get_data(as_text=True)


def test_no_supervisor_page_shows_the_employees_words_or_documents(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    team["manager"].post_form(
        f"{review}/ask-supervisor", {"accommodation": "A desk lamp", "question": "Room?"}, token_from=review
    )
    pages = team["supervisor"].reachable_pages("/supervisor/")
    assert any("/supervisor/questions/" in path for path in pages)
    for path, html in pages.items():
        assert DIFFICULTY not in html and "migraine" not in html.lower(), path
        assert "/files/" not in html, path
    assert team["supervisor"].client.get(f"/employee/submissions/{item.id}").status_code == 404


def test_an_alternative_waits_on_the_employee_and_says_so_until_they_accept_it(team, db_session):
    item = _sent(team, db_session)
    review = f"/inbox/submissions/{item.id}"
    team["manager"].post_form(f"{review}/claim", {"version": str(item.version)}, token_from=review)
    db_session.expire_all()
    version = str(db_session.get(Submission, item.id).version)
    offered = team["manager"].post_form(
        f"{review}/decide",
        {
            "version": version,
            "decision": "alternative",
            "what": "A sit-stand stool.",
            "why": "The desk is shared.",
            "granted_from": "2026-12-07",
            "granted_until": "2027-03-05",
        },
    )
    assert offered.status_code == 303
    page = team["employee"].client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert "<strong>A sit-stand stool.</strong> From 7 Dec 2026 until 5 Mar 2027." in page
    assert "Why not what you asked for: The desk is shared." in page and "stool.." not in page
    assert "Morgan Manager offered an alternative." in page and "accepted it" not in page
    assert "An alternative is offered: your answer is needed" in page and "<strong>Accepted</strong>" not in page
    assert "reply below" not in page
    home = team["employee"].client.get("/employee/").get_data(as_text=True)
    assert "Answer an alternative accommodation: A sit-stand stool." in home and "Nothing right now" not in home

    team["employee"].post_form(f"/employee/submissions/{item.id}/accept-alternative", {})
    page = team["employee"].client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert "You accepted the alternative" in page
    assert "Answer an alternative" not in team["employee"].client.get("/employee/").get_data(as_text=True)


def test_nothing_typed_or_chosen_is_dropped_without_a_word(team, db_session):
    case_id = team["case"].id
    unticked = step(team, "help", {"help_schedule": "Start at 10 so I can see the physiotherapist"})
    page = unticked.get_data(as_text=True)
    assert unticked.status_code == 422 and "tick it, or clear what you wrote" in page
    assert "Start at 10 so I can see the physiotherapist" in page

    chosen = team["employee"].post_form(
        f"/employee/cases/{case_id}/accommodation/documents",
        {"action": "continue", "documents": [(io.BytesIO(factories.pdf_bytes()), "letter.pdf")]},
        content_type="multipart/form-data",
    )
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith("/accommodation/contact")
    check = team["employee"].client.get(f"/employee/cases/{case_id}/accommodation/check").get_data(as_text=True)
    assert "letter.pdf" in check
    nothing = team["employee"].post_form(f"/employee/cases/{case_id}/accommodation/documents", {"action": "upload"})
    assert nothing.status_code == 422 and "Choose the files to upload first." in nothing.get_data(as_text=True)

    bad_phone = step(team, "contact", {"contact_preference": "phone", "contact_phone": "call me maybe"})
    assert bad_phone.status_code == 422 and "Enter a phone number we can call" in bad_phone.get_data(as_text=True)
