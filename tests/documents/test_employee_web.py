"""The employee's screens through the test client: home, sending documents, replies, history."""

import errno
import io
from datetime import timedelta

import pikepdf
import pytest
from flask import current_app

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.files.models import StoredFile
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import Submission, SubmissionStatus
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories


@pytest.fixture
def employee(login_as):
    return login_as(Role.EMPLOYEE, name="Alex Employee")


@pytest.fixture
def case(db_session, employee):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    record = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    return record


def send_form(web, case, files, token_page=None, headers=None, **fields):
    data = {
        "document_type": "work_status_note",
        "note": "",
        "description": "",
        "request_id": "",
        "files": [(io.BytesIO(content), name) for content, name in files],
        **fields,
    }
    path = f"/employee/cases/{case.id}/documents/new"
    return web.post_form(
        path, data, token_from=token_page or path, content_type="multipart/form-data", headers=headers or {}
    )


def test_home_shows_the_case_and_its_case_manager_and_how_to_send_a_document(web, case):
    page = web.client.get("/employee/").get_data(as_text=True)
    assert f"Case {case.number}: Leave" in page and "Morgan Manager" in page
    assert f"/employee/cases/{case.id}/documents/new" in page
    assert "What we need from you" in page and "Nothing right now" in page


def test_the_send_form_accepts_phone_photos_and_pdfs_and_works_as_a_plain_form(web, case):
    page = web.client.get(f"/employee/cases/{case.id}/documents/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and f'action="/employee/cases/{case.id}/documents/new"' in page
    assert 'type="file"' in page and "multiple" in page and "image/jpeg" in page and "application/pdf" in page
    assert "<progress" in page and "data-upload-progress" in page


def test_sending_a_document_shows_a_receipt_at_once(web, case, db_session):
    response = send_form(
        web, case, [(factories.pdf_bytes(), "fit-note.pdf"), (factories.image_bytes(), "IMG_2041.JPG")]
    )
    assert response.status_code == 303
    receipt = web.client.get(response.headers["Location"]).get_data(as_text=True)
    item = db_session.query(Submission).one()
    assert f"Received: {item.reference}. It is waiting for review." in receipt
    assert "fit-note.pdf" in receipt and "IMG_2041.jpg" in receipt and "Received, waiting for review" in receipt
    assert " KB)" in receipt or "bytes)" in receipt
    assert "You sent it." in receipt  # people read what they did themselves in the first person


def test_an_htmx_send_is_answered_with_where_to_go_next(web, case):
    response = send_form(web, case, [(factories.pdf_bytes(), "note.pdf")], headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Location"].startswith("/employee/submissions/")


@pytest.mark.parametrize(
    "files, message",
    [
        ([], "Choose at least one file to send."),
        ([(b"", "empty.pdf")], "empty"),
        ([(b"<html><script>alert(1)</script></html>", "invoice.pdf")], "not a type of file we accept"),
        ([(factories.pdf_bytes(encryption=pikepdf.Encryption(owner="o", user="u")), "locked.pdf")], "password"),
        ([(b"%PDF-1.7\n<html><body>hi</body></html>", "fake.pdf")], "fake.pdf"),
        ([(factories.pdf_bytes(), f"{n}.pdf") for n in range(11)], "at most 10 files"),
    ],
)
def test_every_refusal_keeps_what_was_typed_and_is_announced(web, case, db_session, files, message):
    response = send_form(
        web, case, files, note="Please look at page 3", document_type="other", description="Physio letter"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'role="alert"' in page and 'href="#files"' in page and 'id="files-error"' in page
    assert "Please look at page 3" in page and 'value="Physio letter"' in page
    assert '<option selected value="other">' in page
    assert db_session.query(Submission).count() == 0 and db_session.query(StoredFile).count() == 0


def test_an_htmx_refusal_returns_the_form_alone_with_422(web, case):
    response = send_form(web, case, [(b"GIF89a....", "x.gif")], headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.lstrip().startswith('<form id="document-form"')
    assert "<html" not in page


def test_sending_the_same_file_again_says_when_it_was_sent(web, case):
    content = factories.pdf_bytes()
    send_form(web, case, [(content, "note.pdf")])
    again = send_form(web, case, [(content, "note (1).pdf")])
    assert again.status_code == 422 and "You already sent note (1).pdf on" in again.get_data(as_text=True)


def test_a_requested_document_shows_with_its_due_date_and_the_upload_answers_it(web, case, db_session):
    due = (utcnow() + timedelta(days=15)).date()
    request = documents.request_document(
        db_session, case.case_manager, case, "fmla_certification", "", due, DeadlineSettings()
    )
    home = web.client.get("/employee/").get_data(as_text=True)
    assert "FMLA certification of a health condition" in home and "(15 days left)" in home
    link = f"/employee/cases/{case.id}/documents/new?request={request.id}"
    assert link.replace("&", "&amp;") in home or link in home
    form = web.client.get(link).get_data(as_text=True)
    assert "This answers your case manager's request" in form
    response = send_form(
        web,
        case,
        [(factories.pdf_bytes(), "wh380.pdf")],
        token_page=link,
        document_type="fmla_certification",
        request_id=str(request.id),
    )
    assert response.status_code == 303
    assert "Nothing right now" in web.client.get("/employee/").get_data(as_text=True)


def _needs_info(db_session, case):
    item = documents.send_document(
        db_session,
        case.employee,
        case,
        "work_status_note",
        None,
        None,
        [documents.Upload(io.BytesIO(factories.pdf_bytes()), "note.pdf")],
        UploadLimits.from_config(current_app.config),
        DeadlineSettings(),
    )
    submissions.claim(db_session, item, case.case_manager, item.version)
    kinds.request_information(
        db_session, item, case.case_manager, "Page 2 is missing.", None, item.version, DeadlineSettings()
    )
    return item


def test_the_employee_reads_the_request_and_replies(web, case, db_session):
    item = _needs_info(db_session, case)
    page = web.client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert "Your case manager needs more information" in page and "Page 2 is missing." in page
    empty = web.post_form(
        f"/employee/submissions/{item.id}/reply",
        {"message": "", "version": str(item.version)},
        token_from=f"/employee/submissions/{item.id}",
    )
    assert empty.status_code == 422 and "Write a reply or choose a file" in empty.get_data(as_text=True)
    response = web.post_form(
        f"/employee/submissions/{item.id}/reply",
        {
            "message": "Attached.",
            "version": str(item.version),
            "files": [(io.BytesIO(factories.image_bytes()), "page2.jpg")],
        },
        token_from=f"/employee/submissions/{item.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Submission, item.id).status == SubmissionStatus.IN_REVIEW
    after = web.client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert "You replied." in after and "page2.jpg" in after
    assert db_session.get(Submission, item.id).summary.endswith("(2 files)")  # the title counts the new file


def test_history_lists_every_submission_with_decisions_in_plain_language(web, case, db_session):
    item = _needs_info(db_session, case)
    db_session.refresh(item)
    item.status = SubmissionStatus.IN_REVIEW
    db_session.commit()
    kinds.decline(db_session, item, case.case_manager, item.version, "The note is not signed.")
    page = web.client.get("/employee/history").get_data(as_text=True)
    assert "Morgan Manager asked for more information." in page
    assert "Morgan Manager declined it." in page and "The note is not signed." in page


def test_an_employee_withdraws_an_item_before_review(web, case, db_session):
    send_form(web, case, [(factories.pdf_bytes(), "note.pdf")])
    item = db_session.query(Submission).one()
    page = web.client.get(f"/employee/submissions/{item.id}").get_data(as_text=True)
    assert f'href="/employee/submissions/{item.id}/withdraw">Withdraw {item.reference}</a>' in page
    asked = web.client.get(f"/employee/submissions/{item.id}/withdraw").get_data(as_text=True)
    assert f"Withdraw {item.reference}?" in asked and "Keep it" in asked  # one press only asks
    db_session.expire_all()
    assert db_session.get(Submission, item.id).status == SubmissionStatus.NEW
    response = web.post_form(
        f"/employee/submissions/{item.id}/withdraw", {"version": str(item.version)}, follow_redirects=True
    )
    assert "is withdrawn" in response.get_data(as_text=True)


def test_another_employees_case_submission_and_file_answer_404(web, case, db_session):
    stranger_case = factories.case(db_session)
    foreign = documents.send_document(
        db_session,
        stranger_case.employee,
        stranger_case,
        "work_status_note",
        None,
        None,
        [documents.Upload(io.BytesIO(factories.pdf_bytes()), "theirs.pdf")],
        UploadLimits.from_config(current_app.config),
        DeadlineSettings(),
    )
    stored = db_session.query(StoredFile).one()
    for path in (
        f"/employee/cases/{stranger_case.id}/documents/new",
        f"/employee/submissions/{foreign.id}",
        f"/files/{stored.id}",
        f"/files/{stored.id}/view",
    ):
        assert web.client.get(path).status_code == 404, path
    for path in (
        f"/employee/submissions/{foreign.id}/reply",
        f"/employee/submissions/{foreign.id}/withdraw",
        f"/employee/cases/{stranger_case.id}/documents/new",
    ):
        response = web.post_form(path, {"message": "x", "version": "1"}, token_from="/employee/")
        assert response.status_code == 404, path


def test_a_full_disk_keeps_the_form_and_says_to_try_again_later(web, case, db_session, monkeypatch):
    from portal.files import storage

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    response = send_form(web, case, [(factories.pdf_bytes(), "fit-note.pdf")], note="From Tuesday's visit")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="files-error"' in page and "We could not store fit-note.pdf just now" in page
    assert "From Tuesday&#39;s visit" in page
    assert db_session.query(Submission).count() == 0 and db_session.query(StoredFile).count() == 0


def test_everything_you_have_sent_lists_only_what_the_employee_sent(web, case, db_session, employee):
    mine = _needs_info(db_session, case)
    supervisor = factories.user(db_session, Role.SUPERVISOR)
    offered = factories.inbox_item(db_session, case=case, submitted_by=supervisor, summary="An offer made to them")
    db_session.commit()
    page = web.client.get("/employee/history").get_data(as_text=True)
    assert mine.reference in page and offered.reference not in page
