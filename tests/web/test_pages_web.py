"""Each audience's home, the base layout, error pages and the health check, through the test client."""

import html
import re
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from portal.accounts.models import Role
from portal.items.models import Submission, SubmissionKind
from tests import factories


def test_every_page_has_a_language_a_skip_link_landmarks_and_its_own_title(web, login_as):
    login_as(Role.EMPLOYEE)
    page = web.client.get("/employee/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert '<nav aria-label="Main">' in page and "<header" in page and "<footer" in page
    assert "<title>Your cases – " in page
    assert 'role="status" aria-live="polite"' in page


def test_the_layout_sends_the_csrf_token_with_every_htmx_request_and_configures_htmx_once(web, login_as):
    login_as(Role.EMPLOYEE)
    page = web.client.get("/employee/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert '"includeIndicatorStyles": false' in page and '{"code": "422", "swap": true}' in page
    assert "/static/vendor/htmx.min.js" in page


def test_every_page_names_an_icon_that_is_served_so_browsers_do_not_ask_for_a_missing_favicon(client):
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    with client.get(icon) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.security(
    threat="A cache serves a fragment for a page, or one person's page to another",
    control="Vary: HX-Request and Cookie",
)
def test_responses_say_they_vary_with_htmx_and_the_session(web, db_session, login_as):
    login_as(Role.CASE_MANAGER)
    for headers in ({}, {"HX-Request": "true"}):
        vary = {part.strip() for part in web.client.get("/inbox/list", headers=headers).headers["Vary"].split(",")}
        assert {"HX-Request", "Cookie"} <= vary


def test_the_employee_home_shows_their_case_and_case_manager(web, db_session, login_as):
    employee = login_as(Role.EMPLOYEE)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.case(db_session)  # someone else's
    db_session.commit()
    page = web.client.get("/employee/").get_data(as_text=True)
    assert f"Case {case.number}: Leave" in page and "Morgan Manager" in page
    assert page.count('<section class="card"') == 1


def test_the_supervisor_home_lists_direct_reports_cases_without_medical_content(web, db_session, login_as):
    supervisor = login_as(Role.SUPERVISOR)
    report = factories.user(db_session, Role.EMPLOYEE, name="Riley Report", supervisor_id=supervisor.id)
    factories.case(db_session, employee=report)
    factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Not Mine"))
    db_session.commit()
    page = web.client.get("/supervisor/").get_data(as_text=True)
    assert "Riley Report" in page and "Not Mine" not in page


def test_the_clinician_home_lists_only_patients_who_authorised_them(web, db_session, login_as):
    clinician = login_as(Role.CLINICIAN)
    patient = factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Pat Patient"))
    factories.authorisation(db_session, patient, clinician)
    factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Not Authorised"))
    db_session.commit()
    page = web.client.get("/clinician/").get_data(as_text=True)
    assert "Pat Patient" in page and "Not Authorised" not in page


def test_the_inbox_lists_submissions_newest_first_a_page_at_a_time(app, web, db_session, login_as):
    login_as(Role.CASE_MANAGER)
    case = factories.case(db_session)
    for n in range(app.config["PAGE_SIZE"] + 3):
        db_session.add(
            Submission(
                reference=f"D-{n:04d}",
                kind=SubmissionKind.DOCUMENT,
                case=case,
                submitted_by=case.employee,
                summary=f"Document number {n:04d}",
            )
        )
        db_session.flush()
    db_session.commit()
    first = web.client.get("/inbox/?sort=received").get_data(as_text=True)
    assert first.index("Document number 0027") < first.index("Document number 0026")
    assert "Document number 0002" not in first
    next_page = html.unescape(re.search(r'href="([^"]+)"[^>]*rel="next"', first).group(1))
    second = web.client.get(next_page).get_data(as_text=True)
    assert "Document number 0000" in second and "Document number 0027" not in second
    assert 'rel="next"' not in second and 'rel="prev"' in second


def test_the_admin_home_lists_accounts_and_pending_invitations_without_cases(web, db_session, login_as):
    login_as(Role.ADMIN)
    factories.user(db_session, Role.EMPLOYEE, name="Invited Person", password_hash=None)
    db_session.commit()
    page = web.client.get("/admin/").get_data(as_text=True)
    assert "Invited Person" in page and "Invitation expired" in page


def test_an_unknown_address_gets_the_styled_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "<main" in response.get_data(as_text=True)


def test_an_htmx_request_for_a_missing_page_gets_the_message_alone(client):
    response = client.get("/no/such/page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_a_body_over_the_limit_gets_the_413_page(app, client, monkeypatch):
    limit = 1024 * 1024  # the default is hundreds of megabytes: the same rule, with less to build
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", limit)
    response = client.post("/login", data=b"x" * (limit + 1), content_type="application/octet-stream")
    assert response.status_code == 413
    assert "That upload is too large" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_unavailable_when_the_database_cannot_be_reached(client, app, monkeypatch):
    from portal.extensions import db

    def refuse(*args, **kwargs):
        raise OperationalError("connect", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


@pytest.mark.security(
    threat="/healthz says fine while SQLite is locked and every request fails",
    control="/healthz checks the database takes a write",
)
def test_healthz_says_unavailable_while_sqlite_is_locked_by_another_writer(client, app):
    from portal.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's whole-database write lock")
    locker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        locker.execute("BEGIN IMMEDIATE")  # another process writing, holding the lock
        response = client.get("/healthz")
        assert response.status_code == 503 and response.get_json()["error"] == "OperationalError"
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert client.get("/healthz").status_code == 200


def test_a_database_that_is_down_gives_a_clear_page_and_healthz_says_so(web, login_as, monkeypatch):
    from portal.extensions import db

    login_as(Role.EMPLOYEE)

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)
    response = web.client.get("/employee/")
    assert response.status_code == 503
    assert "could not reach the database, so nothing was saved" in response.get_data(as_text=True)


def incident_on(page: str) -> str:
    return re.search(r"quote incident <strong>([A-Z2-9]{4}-[A-Z2-9]{4})</strong>", page).group(1)


@pytest.mark.security(
    threat="A failure with nothing to quote to support",
    control="An incident id on the error page and in its log line",
)
def test_a_failure_gives_an_incident_id_to_quote_that_the_log_line_carries(app, web, login_as, monkeypatch, caplog):
    from portal.documents import operations as documents
    from portal.extensions import db

    login_as(Role.EMPLOYEE)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(documents, "open_requests", lambda *args: 1 / 0)
    failed = web.client.get("/employee/")
    assert failed.status_code == 500
    incident = incident_on(failed.get_data(as_text=True))
    assert f"incident {incident}: ZeroDivisionError" in caplog.text and "Traceback" in caplog.text

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "scalar", refuse)
    unavailable = web.client.get("/employee/")
    assert unavailable.status_code == 503
    other = incident_on(unavailable.get_data(as_text=True))
    assert other != incident and f"incident {other}: database unavailable" in caplog.text


def test_each_error_status_has_its_own_plain_language_page(app):
    from portal.web.errors import MESSAGES, render_error

    for status, (title, _advice) in MESSAGES.items():
        with app.test_request_context("/"):
            body, code = render_error(status)
        assert code == status and f"<title>{title} – " in body and f"Error code {status}." in body
