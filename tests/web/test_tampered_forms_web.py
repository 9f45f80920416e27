"""A hidden field sent back altered (the version of an item, the request a document answers) is a form
problem, shown on the form again, never an error page."""

from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.inbox import kinds
from portal.items import lifecycle
from portal.items.models import InformationRequest, Submission, SubmissionStatus
from portal.settings import DeadlineSettings
from tests import factories
from tests.restrictions.test_clinician_web import report_fields

TAMPERED = ["abc", "-1", "99999999999999999999999999", "\u0661"]


@pytest.fixture
def people(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    clinician = factories.user(db_session, Role.CLINICIAN)
    case = factories.case(db_session, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    document = factories.inbox_item(db_session, case=case, status=SubmissionStatus.IN_REVIEW, assignee=manager)
    asked = factories.inbox_item(db_session, case=case, status=SubmissionStatus.NEEDS_INFO, assignee=manager)
    db_session.add(
        InformationRequest(
            case=case, submission=asked, message="Page 2?", due_at=utcnow() + timedelta(days=5), requested_by=manager
        )
    )
    db_session.commit()
    clinician_web = web_as(clinician)
    sent = clinician_web.post_form(
        f"/clinician/cases/{case.id}/report", report_fields(), content_type="multipart/form-data"
    )
    report = db_session.get(Submission, int(sent.headers["Location"].rsplit("/", 1)[1]))
    lifecycle.claim(db_session, report, manager, report.version)
    kinds.request_information(db_session, report, manager, "How long?", None, report.version, DeadlineSettings())
    return {
        "manager": web_as(manager),
        "employee": web_as(case.employee),
        "clinician": clinician_web,
        "document": document,
        "asked": asked,
        "report": report,
        "case": case,
    }


INBOX_ACTIONS = ["claim", "assign", "request-information", "accept", "decline", "decide"]


@pytest.mark.parametrize("action", INBOX_ACTIONS)
@pytest.mark.parametrize("version", TAMPERED)
def test_an_inbox_action_with_an_altered_version_is_shown_again_with_the_problem(people, action, version):
    item = people["document"]
    path = f"/inbox/submissions/{item.id}/{action}"
    response = people["manager"].post_form(
        path,
        {"version": version, "reason": "Unsigned", "message": "Page 2?", "assignee": "1"},
        token_from=f"/inbox/submissions/{item.id}",
    )
    assert response.status_code == 422
    if action != "decide":  # a document is not decided with the accommodation's form, so it is not shown
        assert "This page could not be read back. Reload it and try again." in response.get_data(as_text=True)


@pytest.mark.parametrize("version", TAMPERED)
def test_the_employee_and_the_clinician_get_the_same_answer_for_an_altered_version(people, version):
    document, asked, report = people["document"], people["asked"], people["report"]
    for who, path, shown in [
        ("employee", f"/employee/submissions/{asked.id}/reply", True),
        ("clinician", f"/clinician/reports/{report.id}/reply", True),
        # Only a denied accommodation shows the form to ask for reconsideration; the answer is the same.
        ("employee", f"/employee/submissions/{document.id}/reconsider", False),
    ]:
        response = people[who].post_form(
            path, {"version": version, "message": "Here", "reason": "Why"}, token_from=path.rsplit("/", 1)[0]
        )
        assert response.status_code == 422, path
        assert not shown or "This page could not be read back" in response.get_data(as_text=True), path
    withdrawn = people["employee"].post_form(
        f"/employee/submissions/{document.id}/withdraw",
        {"version": version},
        token_from=f"/employee/submissions/{document.id}",
    )
    assert withdrawn.status_code == 422 and "This page could not be read back" in withdrawn.get_data(as_text=True)


@pytest.mark.parametrize("request_id", TAMPERED)
def test_a_document_answering_an_altered_request_is_shown_again_with_the_problem(people, request_id):
    path = f"/employee/cases/{people['case'].id}/documents/new"
    response = people["employee"].post_form(path, {"request_id": request_id, "document_type": "other"})
    assert response.status_code == 422
    assert "This page could not be read back" in response.get_data(as_text=True)
