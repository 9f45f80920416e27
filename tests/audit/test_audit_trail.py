"""The audit trail that someone can read: what is recorded, the case managers' screen and export, the trail
kept append-only on PostgreSQL, and each employee's list of who has seen their medical information."""

import csv
import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.accounts import operations as accounts
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.settings import AccountSettings
from tests import factories


@pytest.fixture
def people(app, db_session, web_as):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager", email="morgan@example.test")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    item = factories.inbox_item(db_session, case=case)
    stored = factories.stored_file(db_session, case, app.config["UPLOAD_FOLDER"], name="knee.pdf", submission=item)
    db_session.commit()
    return {
        "case": case,
        "item": item,
        "file": stored,
        "employee": employee,
        "manager": manager,
        "supervisor": supervisor,
        **{f"{who}_web": web_as(user) for who, user in (("manager", manager), ("employee", employee))},
    }


def actions(db_session) -> list[str]:
    return list(db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.security(
    threat="Sign-ins, refusals and case-page views leave no trace to review",
    control="Failed and successful sign-ins, sign-outs, resets, refusals and case-page views are recorded",
)
def test_sign_ins_sign_outs_resets_refusals_and_case_views_are_recorded(db_session, people, web_as, client):
    from tests.conftest import WebActions

    stranger = WebActions(client)
    assert stranger.login("morgan@example.test", "not the password").status_code == 422
    accounts.request_password_reset(db_session, "morgan@example.test", AccountSettings())
    manager = people["manager_web"]
    manager.client.get(f"/inbox/cases/{people['case'].id}")
    other = factories.case(db_session)
    db_session.commit()
    people["employee_web"].client.get(f"/employee/cases/{other.id}/documents/new")
    people["employee_web"].logout()
    recorded = actions(db_session)
    for action in ("sign_in_failed", "signed_in", "password_reset_requested", "case_viewed", "access_denied"):
        assert action in recorded, action
    assert recorded[-1] == "signed_out"
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "access_denied")).one()
    assert denied.actor_id == people["employee"].id and denied.detail == f"/employee/cases/{other.id}/documents/new"


def test_the_case_managers_audit_screen_filters_pages_and_exports_and_is_itself_recorded(db_session, people):
    manager = people["manager_web"]
    manager.client.get(f"/inbox/submissions/{people['item'].id}")
    page = manager.client.get(
        "/inbox/audit", query_string={"case": people["case"].number, "action": "submission_viewed"}
    ).get_data(as_text=True)
    assert "Item opened (may hold medical content)" in page and "Morgan Manager" in page
    assert "Signed in</th>" not in page  # filtered to the one action
    with manager.client.get("/inbox/audit.csv", query_string={"action": "submission_viewed"}) as export:
        rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert export.mimetype == "text/csv" and rows[0][0] == "when (UTC)"
    assert [row[1:4] for row in rows[1:]] == [["morgan@example.test", "case_manager", "submission_viewed"]]
    assert {"audit_viewed", "audit_exported"} <= set(actions(db_session))
    nothing = manager.client.get("/inbox/audit", query_string={"person": "nobody@example.test"})
    assert "No case or person matches" in nothing.get_data(as_text=True)


def test_the_audit_screen_pages_by_keyset(db_session, people, monkeypatch):
    from portal.audit.views import case_manager as screen

    monkeypatch.setattr(screen, "PER_PAGE", 2)
    for _ in range(3):
        people["manager_web"].client.get(f"/inbox/submissions/{people['item'].id}")
    first = people["manager_web"].client.get("/inbox/audit?action=submission_viewed").get_data(as_text=True)
    older = first.split('href="/inbox/audit?before=')[1].split('"')[0].replace("&amp;", "&")
    second = people["manager_web"].client.get(f"/inbox/audit?before={older}").get_data(as_text=True)
    assert first.count('<th scope="row">Item opened') == 2 and second.count('<th scope="row">Item opened') == 1


def test_no_one_but_a_case_manager_reads_the_audit_trail(db_session, people):
    for path in ("/inbox/audit", "/inbox/audit.csv"):
        assert people["employee_web"].client.get(path).status_code == 404


@pytest.mark.postgres_only
@pytest.mark.security(
    threat="Someone with the application's database account rewrites or deletes the audit trail",
    control="On PostgreSQL a trigger refuses any update, delete or truncate of audit rows",
)
def test_on_postgresql_the_application_cannot_change_or_delete_the_audit_trail(db_session, people):
    people["manager_web"].client.get(f"/inbox/submissions/{people['item'].id}")
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(statement))
        db_session.rollback()
    assert "submission_viewed" in actions(db_session)


@pytest.mark.security(
    threat="An employee cannot tell who has looked at their medical information",
    control="Who has seen my medical information: every view and download by someone else, who, when and why",
)
def test_an_employee_sees_who_has_seen_their_medical_information_and_why(db_session, people, web_as):
    manager = people["manager_web"]
    manager.client.get(f"/inbox/submissions/{people['item'].id}")
    with manager.client.get(f"/files/{people['file'].id}") as download:
        assert download.status_code == 200
    people["employee_web"].client.get(f"/employee/submissions/{people['item'].id}")  # their own look: not listed
    page = people["employee_web"].client.get("/employee/privacy").get_data(as_text=True)
    assert page.count('<th scope="row">Morgan Manager</th>') == 2
    assert "Downloaded: knee.pdf" in page and f"({people['item'].reference})" in page
    assert "A case manager: case managers run the cases" in page and "Alex Employee</th>" not in page
    other = factories.user(db_session, Role.EMPLOYEE)
    db_session.commit()
    someone_else = web_as(other)
    assert "Nobody but you has opened" in someone_else.client.get("/employee/privacy").get_data(as_text=True)
