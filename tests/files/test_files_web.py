"""Downloading and viewing stored files: who may, how the file is served, and the audit trail."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases.models import AuthorisationScope
from tests import factories

SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"


@pytest.fixture
def store(app, db_session):
    """A file on ``case``, stored through the storage service into the app's upload folder."""

    def store_file(case, content=None, name="report.pdf", **options):
        return factories.stored_file(db_session, case, app.config["UPLOAD_FOLDER"], content, name, **options)

    return store_file


def fetch(client, path):
    """GET ``path`` and read the whole body, which closes the stored file being sent."""
    with client.get(path) as response:
        response.get_data()
    return response


def file_events(db_session):
    return db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "stored_file").order_by(AuditEvent.id)
    ).all()


def assert_served_safely(response, content_type):
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Cache-Control"] == "no-store"
    assert "Accept-Ranges" not in response.headers  # one request, one audit event


def test_a_download_is_served_as_an_attachment_and_audited(client, login_as, db_session, store):
    manager = login_as(Role.CASE_MANAGER)
    case = factories.case(db_session)
    content = factories.pdf_bytes()
    stored = store(case, content, "../../sick note.pdf.exe")

    response = fetch(client, f"/files/{stored.id}")

    assert_served_safely(response, "application/pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="sick note.pdf"'
    assert response.data == content
    [event] = file_events(db_session)
    assert (event.action, event.object_type, event.object_id, event.case_id, event.actor_id, event.ip_address) == (
        "file_downloaded",
        "stored_file",
        stored.id,
        case.id,
        manager.id,
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (factories.pdf_bytes(), "application/pdf"),
        (factories.image_bytes("JPEG"), "image/jpeg"),
        (factories.image_bytes("PNG"), "image/png"),
    ],
    ids=["pdf", "jpeg", "png"],
)
def test_viewing_shows_pdfs_and_images_inline_and_is_audited(
    client, login_as, db_session, store, content, content_type
):
    login_as(Role.CASE_MANAGER)
    stored = store(factories.case(db_session), content, "scan")

    response = fetch(client, f"/files/{stored.id}/view")

    assert_served_safely(response, content_type)
    assert response.headers["Content-Disposition"] == f"inline; filename={stored.original_name}"
    assert [event.action for event in file_events(db_session)] == ["file_viewed"]


def test_any_other_type_is_only_ever_downloaded(client, login_as, db_session, store):
    login_as(Role.CASE_MANAGER)
    stored = store(factories.case(db_session))
    stored.content_type = "text/html"  # not a type the portal stores today; the rule must still hold
    db_session.commit()

    response = fetch(client, f"/files/{stored.id}/view")

    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert [event.action for event in file_events(db_session)] == ["file_downloaded"]


def test_a_name_outside_ascii_is_offered_with_an_rfc_5987_filename(client, login_as, db_session, store):
    login_as(Role.CASE_MANAGER)
    stored = store(factories.case(db_session), name="arrêt de travail.pdf")

    disposition = fetch(client, f"/files/{stored.id}").headers["Content-Disposition"]

    assert disposition == (
        "attachment; filename=\"arret de travail.pdf\"; filename*=UTF-8''arr%C3%AAt%20de%20travail.pdf"
    )


def test_the_employee_downloads_their_own_file(client, login_as, db_session, store):
    employee = login_as(Role.EMPLOYEE)
    stored = store(factories.case(db_session, employee=employee))

    assert fetch(client, f"/files/{stored.id}").status_code == 200


def test_a_clinician_with_access_to_medical_documents_downloads(client, login_as, db_session, store):
    clinician = login_as(Role.CLINICIAN)
    case = factories.case(db_session)
    factories.authorisation(db_session, case, clinician, scope=AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS)
    stored = store(case)

    assert fetch(client, f"/files/{stored.id}").status_code == 200


@pytest.mark.parametrize("who", ["employee of another case", "supervisor", "admin", "clinician for work status only"])
@pytest.mark.parametrize("path", ["/files/{id}", "/files/{id}/view"])
def test_everyone_else_is_told_the_file_does_not_exist(client, login_as, db_session, store, who, path):
    case = factories.case(db_session)
    if who == "employee of another case":
        login_as(Role.EMPLOYEE)
    elif who == "supervisor":
        supervisor = login_as(Role.SUPERVISOR)
        case.employee.supervisor_id = supervisor.id
    elif who == "admin":
        login_as(Role.ADMIN)
    else:
        factories.authorisation(db_session, case, login_as(Role.CLINICIAN), scope=AuthorisationScope.WORK_STATUS)
    stored = store(case)

    response = fetch(client, path.format(id=stored.id))

    assert response.status_code == 404
    assert file_events(db_session) == []


def test_a_file_that_does_not_exist_is_not_found(client, login_as):
    login_as(Role.CASE_MANAGER)

    assert fetch(client, "/files/999999").status_code == 404


def test_signing_in_comes_first(client, db_session, store):
    stored = store(factories.case(db_session))

    response = fetch(client, f"/files/{stored.id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert file_events(db_session) == []
