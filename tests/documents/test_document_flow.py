"""The first whole loop, through the web as each person would do it, with every email delivered over SMTP."""

import io
import re

from portal.accounts.models import Role
from portal.extensions import db, mail
from portal.items.models import Submission
from portal.mail import delivery as mailer
from tests import factories
from tests.conftest import WebActions


def deliver(smtp_server) -> list:
    """Run the mail worker once and return what the SMTP server received this time."""
    before = len(smtp_server.messages)
    report = mailer.deliver_due(db.session, mail, "test-worker")
    assert report.failed == 0 and report.retried == 0
    return smtp_server.messages[before:]


def link_in(message, path_start: str) -> str:
    body = message["message"].get_body(preferencelist=("plain",)).get_content()
    assert "diagnosis" not in body.lower()
    return re.search(r"http://portal\.test(" + re.escape(path_start) + r"\S*)", body).group(1)


def test_employee_sends_manager_asks_employee_answers_manager_accepts(app, db_session, smtp_server):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager", email="morgan@example.test")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex@example.test")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    alex, morgan = WebActions(app.test_client()), WebActions(app.test_client())
    alex.login(employee.email)
    morgan.login(manager.email)

    # The employee sends a PDF from the case on their home page.
    send_path = f"/employee/cases/{case.id}/documents/new"
    sent = alex.post_form(
        send_path,
        {
            "document_type": "fmla_certification",
            "note": "From Dr Lee",
            "files": [(io.BytesIO(factories.pdf_bytes()), "certification.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    item = db_session.query(Submission).one()
    [received] = deliver(smtp_server)
    assert received["to"] == ["morgan@example.test"]
    review = link_in(received, "/inbox/submissions/")
    assert review == f"/inbox/submissions/{item.id}"

    # The case manager opens it from the email, claims it and asks for more information.
    assert "certification.pdf" in morgan.client.get(review).get_data(as_text=True)

    def version() -> str:
        """The version a fresh screen would carry now."""
        db_session.expire_all()
        return str(db_session.get(Submission, item.id).version)

    assert morgan.post_form(f"{review}/claim", {"version": version()}, token_from=review).status_code == 303
    asked = morgan.post_form(
        f"{review}/request-information",
        {"version": version(), "message": "Section III is not filled in."},
        token_from=review,
    )
    assert asked.status_code == 303
    [question] = deliver(smtp_server)
    assert question["to"] == ["alex@example.test"]
    answer_page = link_in(question, "/employee/submissions/")
    assert "Section III is not filled in." in alex.client.get(answer_page).get_data(as_text=True)

    # The employee answers with a photo of the missing page.
    answered = alex.post_form(
        f"{answer_page}/reply",
        {
            "version": version(),
            "message": "Here is section III.",
            "files": [(io.BytesIO(factories.image_bytes()), "section3.jpg")],
        },
        token_from=answer_page,
        content_type="multipart/form-data",
    )
    assert answered.status_code == 303
    [reply] = deliver(smtp_server)
    assert reply["to"] == ["morgan@example.test"] and link_in(reply, "/inbox/submissions/") == review

    # The case manager accepts; the employee is told and sees the result.
    assert morgan.post_form(f"{review}/accept", {"version": version()}, token_from=review).status_code == 303
    [decision] = deliver(smtp_server)
    assert decision["to"] == ["alex@example.test"]
    result = alex.client.get(link_in(decision, "/employee/submissions/")).get_data(as_text=True)
    assert "Accepted" in result and "Morgan Manager accepted it." in result and "section3.jpg" in result
