"""A form sent twice makes one change: a document request, a duty offer, a clinician's report, a
process-log entry and a feasibility question, sent again with the same page (a double click, or back
and send) or at the same moment."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accommodations import operations as accommodations
from portal.accommodations.models import FeasibilityQuestion, ProcessLogEntry
from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.items.models import InformationRequest, Submission, SubmissionKind
from portal.settings import DeadlineSettings
from tests import factories
from tests.duty.test_supervisor_web import offer_fields
from tests.restrictions.test_clinician_web import report_fields


@pytest.fixture
def program(db_session, web_as):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor", department="Assembly")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    steps = {
        "difficulty": {"difficulty": "Standing all shift."},
        "tasks": {"tasks_affected": "Line work."},
        "help": {"help": [{"category": "equipment", "description": "A stool"}]},
        "duration": {"temporary": "no"},
        "documents": {},
        "contact": {"contact_preference": "email"},
    }
    for step, values in steps.items():
        accommodations.save_step(db_session, employee, case, step, values)
    request = accommodations.send(db_session, employee, case, DeadlineSettings())
    db_session.commit()
    people = {"manager": manager, "supervisor": supervisor, "clinician": clinician}
    return {"case": case, "request": request, "people": people, **{who: web_as(user) for who, user in people.items()}}


def count(db_session, model, *where) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def forms(program):
    """Each form: who sends it, the page that shows it, where it posts, what it sends, and what it makes."""
    case, review = program["case"], f"/inbox/submissions/{program['request'].id}"
    due = (utcnow().date() + timedelta(days=15)).isoformat()
    return {
        "document request": (
            "manager",
            f"/inbox/cases/{case.id}",
            f"/inbox/cases/{case.id}/request-document",
            {"document_type": "work_status_note", "message": "", "due_date": due},
            (InformationRequest, InformationRequest.document_type.is_not(None)),
        ),
        "duty offer": (
            "supervisor",
            f"/supervisor/cases/{case.id}/offer",
            f"/supervisor/cases/{case.id}/offer",
            offer_fields(),
            (Submission, Submission.kind == SubmissionKind.DUTY_OFFER),
        ),
        "clinician's report": (
            "clinician",
            f"/clinician/cases/{case.id}/report",
            f"/clinician/cases/{case.id}/report",
            report_fields(),
            (Submission, Submission.kind == SubmissionKind.RESTRICTION_REPORT),
        ),
        "process-log entry": (
            "manager",
            review,
            f"{review}/log",
            {"occurred_on": utcnow().date().isoformat(), "kind": "conversation", "summary": "Talked it through."},
            (ProcessLogEntry,),
        ),
        "feasibility question": (
            "manager",
            review,
            f"{review}/ask-supervisor",
            {"accommodation": "A stool", "question": "Is there room at station 4?"},
            (FeasibilityQuestion,),
        ),
    }


FORMS = ["document request", "duty offer", "clinician's report", "process-log entry", "feasibility question"]


def key_on(page: str, form_action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(form_action)}".*?</form>', page, re.S).group(0)
    return re.search(r'name="once"[^>]*value="([0-9a-f]{32})"', form).group(1)


@pytest.mark.security(
    threat="A form sent twice (a double click, back and send) makes two records",
    control="A one-time form key written in the operation's own transaction",
)
@pytest.mark.parametrize("name", FORMS)
def test_the_same_form_sent_twice_in_a_row_makes_one_change_and_leads_to_it(program, db_session, name):
    who, page, action, fields, (model, *where) = forms(program)[name]
    web = program[who]
    fields = {**fields, "once": key_on(web.client.get(page).get_data(as_text=True), action)}
    first = web.post_form(action, fields, token_from=page, content_type="multipart/form-data")
    again = web.post_form(action, fields, token_from=page, content_type="multipart/form-data")
    assert first.status_code == 303 and again.status_code == 303
    assert count(db_session, model, *where) == 1
    assert again.headers["Location"] == first.headers["Location"]  # to what the first sending made
    told = web.client.get(again.headers["Location"]).get_data(as_text=True)
    assert "That was already sent a moment ago, and it was received once" in told


@pytest.mark.parametrize("name", FORMS)
def test_a_form_refused_for_its_problems_keeps_its_key_for_the_corrected_sending(program, db_session, name):
    who, page, action, fields, (model, *where) = forms(program)[name]
    web = program[who]
    key = key_on(web.client.get(page).get_data(as_text=True), action)
    emptied = {field: "" for field in fields if field not in ("kind", "document_type", "action")}
    refused = web.post_form(action, {**fields, **emptied, "once": key}, token_from=page)
    assert refused.status_code in (409, 422) and count(db_session, model, *where) == 0
    assert key_on(refused.get_data(as_text=True), action) == key
    sent = web.post_form(action, {**fields, "once": key}, token_from=page, content_type="multipart/form-data")
    assert sent.status_code == 303 and count(db_session, model, *where) == 1


@pytest.mark.security(
    threat="A form sent twice at the same moment makes two records",
    control="The one-time form key is unique: the second commit fails and is told it was received once",
)
@pytest.mark.postgres_only
@pytest.mark.parametrize("name", ["document request", "duty offer", "feasibility question"])
def test_the_same_form_sent_twice_at_the_same_moment_makes_one_change(program, db_session, web_as, name):
    who, page, action, fields, (model, *where) = forms(program)[name]
    tabs = [program[who], web_as(program["people"][who])]  # two tabs, or a click sent twice over a slow line
    fields = {**fields, "once": key_on(tabs[0].client.get(page).get_data(as_text=True), action)}
    tokens = [tab.csrf_token(page) for tab in tabs]
    barrier, answers = threading.Barrier(2, timeout=10), []

    def send(tab, token):
        barrier.wait()
        answers.append(tab.client.post(action, data={**fields, "csrf_token": token}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(tabs, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303, 303] and count(db_session, model, *where) == 1


def test_the_keys_of_forms_sent_more_than_a_day_ago_are_forgotten_daily(program, db_session, app):
    from portal.core.models import FormSubmission

    user_id = program["people"]["manager"].id
    db_session.add_all(
        [
            FormSubmission(key="a" * 32, user_id=user_id, created_at=utcnow() - timedelta(days=2)),
            FormSubmission(key="b" * 32, user_id=user_id, created_at=utcnow() - timedelta(hours=1)),
        ]
    )
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "expire-drafts"])
    assert "1 one-time form key older than a day forgotten." in result.output
    assert [row.key for row in db_session.query(FormSubmission)] == ["b" * 32]
