"""The upload limits: said before anything is chosen, and an upload over them refused next to its field,
with everything else typed kept and nothing stored, on every screen that takes files."""

import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal import settings as portal_settings
from portal.accounts.models import Role
from portal.config import Config
from portal.files import storage
from portal.files.models import StoredFile
from portal.items.models import Submission
from portal.settings import UploadLimits
from tests import factories
from tests.documents.test_employee_web import _needs_info
from tests.restrictions.test_clinician_web import report_fields

MB = 1024 * 1024


def noisy_photo(width: int = 400, height: int = 300) -> bytes:
    """A real JPEG of camera-like noise, which does not compress: its size is about its pixels'."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def photos():
    """Three different photos of about the same size."""
    return [noisy_photo() for _ in range(3)]


@pytest.fixture
def limits(app, monkeypatch, photos):
    """Upload limits scaled to the photos: each one fits, two fit together, three are too much."""
    size = max(len(photo) for photo in photos)
    current = app.extensions["portal.settings"]
    scaled = replace(current.uploads, max_bytes=size + 1024, max_total_bytes=2 * size + 2048)
    monkeypatch.setitem(app.extensions, "portal.settings", replace(current, uploads=scaled))
    return scaled


@pytest.fixture
def employee(login_as):
    return login_as(Role.EMPLOYEE, name="Alex Employee")


@pytest.fixture
def case(db_session, employee):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    record = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    return record


def kept_files(app) -> set[Path]:
    return {path for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()}


def stored_rows(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(StoredFile))


def send_document(web, case, files, headers=None):
    path = f"/employee/cases/{case.id}/documents/new"
    data = {
        "document_type": "other",
        "description": "Physio letter",
        "note": "Please look at page 3",
        "request_id": "",
        "files": [(io.BytesIO(content), name) for content, name in files],
    }
    return web.post_form(path, data, content_type="multipart/form-data", headers=headers or {})


def error_next_to(page: str, field_id: str) -> str:
    """The text of the error shown next to the field, after its hint and before it, as the form macro puts it."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to #{field_id}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


# What is said, and from where


def test_the_limits_are_said_in_words_from_the_settings():
    limits = UploadLimits("uploads", max_bytes=25 * MB, max_files=10, max_total_bytes=100 * MB)
    assert storage.limits_in_words(limits, multiple=True) == "Up to 10 files, each up to 25 MB and 100 MB in all."
    assert storage.limits_in_words(limits, multiple=False) == "Up to 25 MB."
    assert storage.limits_in_words(replace(limits, max_bytes=100 * MB), True) == "Up to 10 files, 100 MB in all."
    assert [storage.human_size(size) for size in (512, 300 * 1024, int(3.24 * MB), 130 * MB, 1500 * MB)] == [
        "512 bytes",
        "300 KB",
        "3.24 MB",
        "130 MB",
        "1500 MB",
    ]


def test_a_choice_is_checked_for_count_then_each_file_then_the_total():
    limits = UploadLimits("uploads", max_bytes=10 * MB, max_files=3, max_total_bytes=20 * MB)
    assert storage.size_problem([("a.jpg", 9 * MB), ("b.jpg", 9 * MB)], limits) is None
    assert storage.size_problem([("a.pdf", 1)] * 4, limits) == "Send at most 3 files at a time. You chose 4."
    assert storage.size_problem([("a.jpg", 1), ("scan.pdf", 11 * MB)], limits) == (
        "scan.pdf is larger than 10 MB, the most one file may be. "
        "Scan or photograph it at a lower resolution, or split it into parts."
    )
    assert storage.size_problem([("a.jpg", 11 * MB), ("b.jpg", 12 * MB), ("c.tif", 13 * MB)], limits).startswith(
        "a.jpg, b.jpg and c.tif are larger than 10 MB, the most one file may be."
    )
    assert storage.size_problem([("a.jpg", 9 * MB), ("b.jpg", 9 * MB), ("c.jpg", 9 * MB)], limits) == (
        "The files you chose come to 27 MB, and one upload may be at most 20 MB. "
        "Send some of them now and the rest in another upload."
    )
    # One file in a field that takes one: only its own limit counts.
    assert storage.size_problem([("a.pdf", 9 * MB)], limits, multiple=False) is None


def test_the_defaults_take_ordinary_phone_photos_and_the_body_limit_is_well_above_them(monkeypatch):
    for name in ("MAX_FILE_SIZE", "MAX_UPLOAD_SIZE", "MAX_FILES_PER_UPLOAD", "MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    config = Config()
    limits = UploadLimits.from_config(vars(config))
    assert (limits.max_bytes, limits.max_files, limits.max_total_bytes) == (25 * MB, 10, 100 * MB)
    assert (
        config.MAX_CONTENT_LENGTH == 4 * limits.max_total_bytes
    )  # over the allowance: read, then refused by the field


def test_an_allowance_above_the_body_limit_shrinks_to_fit_under_it():
    """Else the browser's check would pass what the server then refuses unread, with no form to show again."""
    config = {
        "UPLOAD_FOLDER": "uploads",
        "MAX_FILE_SIZE": 25 * MB,
        "MAX_UPLOAD_SIZE": 100 * MB,
        "MAX_FILES_PER_UPLOAD": 10,
        "MAX_DOCUMENTS_PER_HOUR": 30,
        "MAX_CONTENT_LENGTH": 25 * MB,
    }
    limits = UploadLimits.from_config(config)
    assert limits.max_total_bytes == 24 * MB and limits.max_bytes == 24 * MB


def test_the_hint_says_the_limits_before_anything_is_chosen_and_gives_them_to_the_script(web, case):
    page = web.client.get(f"/employee/cases/{case.id}/documents/new").get_data(as_text=True)
    hint = re.search(r'<p class="field__hint" id="files-hint">(.*?)</p>', page, re.S).group(1)
    assert (
        "PDF, or photos and scans as JPEG, PNG, HEIC or TIFF. Up to 10 files, each up to 25 MB and 100 MB in all."
        in (" ".join(hint.split()))
    )
    attribute = re.search(r'data-upload-limits="([^"]+)"', page).group(1)
    given = json.loads(attribute.replace("&#34;", '"').replace("&quot;", '"'))
    assert (given["maxFiles"], given["maxFileBytes"], given["maxTotalBytes"]) == (10, 25 * MB, 100 * MB)
    assert given["messages"]["tooMuch"] == (
        "The files you chose come to {total}, and one upload may be at most 100 MB. "
        "Send some of them now and the rest in another upload."
    )
    assert '<p class="field__status" id="files-status" aria-live="polite"></p>' in page


# Refused next to the field, everything else kept, nothing stored


def test_photos_over_the_upload_total_are_refused_next_to_the_field_with_everything_else_kept(
    web, case, db_session, app, limits, photos
):
    before = kept_files(app)
    response = send_document(web, case, [(photo, f"IMG_{n}.jpg") for n, photo in enumerate(photos)])
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    total = storage.human_size(sum(len(photo) for photo in photos))
    assert error_next_to(page, "files") == (
        f"Error: The files you chose come to {total}, and one upload may be at most "
        f"{storage.human_size(limits.max_total_bytes)}. Send some of them now and the rest in another upload."
    )
    assert 'href="#files"' in page  # and in the summary at the top, which takes the focus
    assert 'value="Physio letter"' in page and "Please look at page 3" in page
    assert '<option selected value="other">' in page
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 0 and stored_rows(db_session) == 0
    assert kept_files(app) == before


def test_one_file_over_the_limit_for_a_file_is_named_next_to_the_field(web, case, db_session, app, limits):
    before = kept_files(app)
    big = noisy_photo(800, 600)
    assert len(big) > limits.max_bytes
    response = send_document(web, case, [(factories.pdf_bytes(), "letter.pdf"), (big, "IMG_9001.jpg")])
    assert response.status_code == 422
    assert error_next_to(response.get_data(as_text=True), "files").startswith(
        f"Error: IMG_9001.jpg is larger than {storage.human_size(limits.max_bytes)}, the most one file may be."
    )
    assert stored_rows(db_session) == 0 and kept_files(app) == before


def test_the_same_photos_within_the_limits_are_kept(web, case, db_session, limits, photos):
    response = send_document(web, case, [(photo, f"IMG_{n}.jpg") for n, photo in enumerate(photos[:2])])
    assert response.status_code == 303 and stored_rows(db_session) == 2


def test_an_htmx_upload_over_the_total_gets_the_form_back_with_the_message(web, case, limits, photos):
    response = send_document(
        web, case, [(photo, f"IMG_{n}.jpg") for n, photo in enumerate(photos)], headers={"HX-Request": "true"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.lstrip().startswith('<form id="document-form"')
    assert "and one upload may be at most" in error_next_to(page, "files")
    assert "Please look at page 3" in page


def test_a_reply_over_the_total_is_refused_next_to_its_field_with_the_reply_kept(
    web, case, db_session, app, limits, photos
):
    item = _needs_info(db_session, case)
    rows, before = stored_rows(db_session), kept_files(app)
    response = web.post_form(
        f"/employee/submissions/{item.id}/reply",
        {
            "message": "Here are the other pages.",
            "version": str(item.version),
            "files": [(io.BytesIO(photo), f"page-{n}.jpg") for n, photo in enumerate(photos)],
        },
        token_from=f"/employee/submissions/{item.id}",
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "and one upload may be at most" in error_next_to(page, "files")
    assert "Here are the other pages." in page
    assert stored_rows(db_session) == rows and kept_files(app) == before


def test_an_accommodation_upload_over_the_total_says_why_and_keeps_nothing(web, case, db_session, app, limits, photos):
    before = kept_files(app)
    response = web.post_form(
        f"/employee/cases/{case.id}/accommodation/documents",
        {"action": "upload", "documents": [(io.BytesIO(photo), f"letter-{n}.jpg") for n, photo in enumerate(photos)]},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "and one upload may be at most" in error_next_to(page, "documents")  # not "Choose the files first"
    assert stored_rows(db_session) == 0 and kept_files(app) == before


def test_a_clinicians_signed_form_over_the_limit_is_refused_with_the_report_kept(web_as, db_session, app, limits):
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    case = factories.case(db_session)
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    before = kept_files(app)
    fields = report_fields(signed_form=(io.BytesIO(noisy_photo(800, 600)), "signed.jpg"))
    response = web_as(clinician).post_form(
        f"/clinician/cases/{case.id}/report", fields, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_next_to(page, "signed_form").startswith("Error: signed.jpg is larger than")
    assert 'value="Dr Casey Lee"' in page and "Seated work only" in page
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 0 and kept_files(app) == before


def test_a_body_over_even_the_hard_limit_gets_a_page_that_says_the_limits(app, web, case, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", MB)
    body = b'--b\r\nContent-Disposition: form-data; name="files"; filename="huge.pdf"\r\n\r\n%PDF-' + b"0" * MB
    response = web.client.post(
        f"/employee/cases/{case.id}/documents/new", data=body, content_type="multipart/form-data; boundary=b"
    )
    page = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 413 and "That upload is too large" in page
    limits = portal_settings.current().uploads
    assert storage.limits_in_words(limits, multiple=True) in page and "Go back to the form" in page
