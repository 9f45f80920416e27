"""Uploads from a phone: large photos are made smaller in the browser and go through; a file that cannot be
made smaller and is over the limit is refused next to the field before anything is sent, with what was typed
kept."""

import io
import os
import re
from dataclasses import replace

import pikepdf
import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.files import storage
from portal.files.models import StoredFile
from portal.items.models import Submission
from tests.browser.checks import audit, status_message
from tests.browser.conftest import ARTIFACTS
from tests.browser.live_portal import a_new_pdf

MB = 1024 * 1024
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
CAMERA = (4032, 3024)  # a 12-megapixel phone camera
LONGEST_SIDE = 3000  # what static/js/uploads.js makes a large photo's longest side at most


def phone_photo() -> bytes:
    """A real 12-megapixel JPEG of about 9 MB, noisy as a dim indoor photo is, so that it does not
    compress away: a gradient under random noise, saved at a camera's high quality."""
    noise = Image.frombytes("RGB", CAMERA, os.urandom(CAMERA[0] * CAMERA[1] * 3))
    gradient = Image.linear_gradient("L").resize(CAMERA).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(gradient, noise, 0.35).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def large_pdf(size: int) -> bytes:
    """A real PDF of about ``size`` bytes: one page with an incompressible stream beside it."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.Attachment = document.make_stream(os.urandom(size))
    buffer = io.BytesIO()
    document.save(buffer, compress_streams=False)
    return buffer.getvalue()


@pytest.fixture
def limits(portal):
    """Limits a few photos go over, as nine ordinary photos go over the default 100 MB in all. Each photo
    fits on its own; three together do not, until they are made smaller. Put back after the test."""
    app = portal.app
    before = app.extensions["portal.settings"]
    scaled = replace(before.uploads, max_bytes=10 * MB, max_total_bytes=20 * MB)
    app.extensions["portal.settings"] = replace(before, uploads=scaled)
    yield scaled
    app.extensions["portal.settings"] = before


def count(portal, model) -> int:
    with portal.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def stored_photos(portal, reference: str) -> list[tuple[str, int, tuple[int, int]]]:
    """The files kept for the item: name, size and pixel size, each opened as the image it claims to be."""
    with portal.app.app_context():
        item = db.session.scalar(select(Submission).where(Submission.reference == reference))
        rows = db.session.scalars(select(StoredFile).where(StoredFile.submission_id == item.id).order_by(StoredFile.id))
        kept = []
        for row in rows:
            with Image.open(storage.path_for(row.storage_key, portal.app.config["UPLOAD_FOLDER"])) as image:
                kept.append((row.original_name, row.size, image.size))
        return kept


def open_the_send_form(employee):
    employee.get_by_role("link", name=re.compile(r"^Send a document for case")).click()
    expect(employee.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Send a document for case"))


def test_large_phone_photos_are_made_smaller_in_the_browser_and_sent(sign_in, portal, limits):
    photos = [phone_photo() for _ in range(3)]
    assert all(len(photo) < limits.max_bytes for photo in photos)
    assert sum(len(photo) for photo in photos) > limits.max_total_bytes  # as they are, too much in all
    employee = sign_in("employee")
    open_the_send_form(employee)
    files = employee.get_by_label("Files", exact=True)
    # The limits are there to read before anything is chosen.
    expect(employee.locator("#files-hint")).to_contain_text("Up to 10 files, each up to 10 MB and 20 MB in all.")

    employee.get_by_label("What is the document?").select_option(label="Work status or return-to-work note")
    files.set_input_files(
        [{"name": f"IMG_20{n}.jpg", "mimeType": "image/jpeg", "buffer": photo} for n, photo in enumerate(photos)]
    )
    employee.get_by_label("A note for your case manager (optional)").fill("Photos of the three pages.")
    # Sent at once, while the photos are most likely still being made smaller: the form waits for them.
    employee.get_by_role("button", name="Send").click()

    expect(employee.get_by_role("heading", level=1)).to_have_text(
        "Work status or return-to-work note (3 files)", timeout=60_000
    )
    expect(status_message(employee)).to_contain_text("It is waiting for review.")
    reference = employee.locator("dt", has_text="Reference").locator("+ dd").inner_text()
    kept = stored_photos(portal, reference)
    assert [name for name, _, _ in kept] == ["IMG_200.jpg", "IMG_201.jpg", "IMG_202.jpg"]
    for (name, size, pixels), original in zip(kept, photos, strict=True):
        assert max(pixels) == LONGEST_SIDE and size < len(original) / 2, (name, size, pixels)
    assert sum(size for _, size, _ in kept) <= limits.max_total_bytes


def test_a_file_that_cannot_be_made_smaller_is_refused_next_to_the_field_before_sending(sign_in, portal, limits):
    employee = sign_in("employee")
    open_the_send_form(employee)
    address = employee.url
    employee.get_by_label("What is the document?").select_option(label="Other document")
    employee.get_by_label("Describe the document").fill("Physiotherapy assessment")
    employee.get_by_label("A note for your case manager (optional)").fill("The full assessment, all 40 pages.")
    items = count(portal, Submission)
    posts = []
    employee.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    files = employee.get_by_label("Files", exact=True)
    files.set_input_files(
        {"name": "assessment.pdf", "mimeType": "application/pdf", "buffer": large_pdf(limits.max_bytes + MB)}
    )
    message = (
        "assessment.pdf is larger than 10 MB, the most one file may be. "
        "Scan or photograph it at a lower resolution, or split it into parts."
    )
    # Said as soon as it is chosen, where the server would say it, and read out.
    error = employee.locator("#files-error")
    expect(error).to_have_text(f"Error: {message}")
    expect(error).to_have_attribute("role", "alert")
    expect(files).to_have_attribute("aria-invalid", "true")
    expect(files).to_have_attribute("aria-describedby", "files-hint files-error")

    # Sending anyway sends nothing: the keyboard goes to the field, and everything typed is still there.
    employee.get_by_role("button", name="Send").click()
    expect(files).to_be_focused()
    expect(error).to_have_text(f"Error: {message}")
    assert employee.url == address and posts == [] and count(portal, Submission) == items
    expect(employee.get_by_label("Describe the document")).to_have_value("Physiotherapy assessment")
    expect(employee.get_by_label("A note for your case manager (optional)")).to_have_value(
        "The full assessment, all 40 pages."
    )
    folder = ARTIFACTS / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    employee.screenshot(path=folder / "refused-desktop.png", full_page=True)
    employee.set_viewport_size(PHONE)
    employee.screenshot(path=folder / "refused-375px.png", full_page=True)
    employee.set_viewport_size(DESKTOP)
    audit(employee, "Employee: an upload refused before it is sent")

    # Another choice within the limits takes the message away, and the form goes.
    files.set_input_files({"name": "assessment-summary.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()})
    expect(employee.locator("#files-status")).to_have_text(
        re.compile(r"^Ready to send: 1 file, [\d.]+ (KB|bytes) in all\.$")
    )
    expect(error).to_have_count(0)
    expect(files).not_to_have_attribute("aria-invalid", "true")
    employee.get_by_role("button", name="Send").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text("Other document: Physiotherapy assessment (1 file)")
    assert count(portal, Submission) == items + 1


def test_the_field_says_what_it_did_with_the_photos_chosen(sign_in, limits):
    employee = sign_in("employee")
    open_the_send_form(employee)
    employee.get_by_label("Files", exact=True).set_input_files(
        {"name": "IMG_3001.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
    )
    expect(employee.locator("#files-status")).to_have_text(
        re.compile(r"^Ready to send: 1 file, [\d.]+ MB in all \(1 photo made smaller\)\.$")
    )
    expect(employee.locator("#files-error")).to_have_count(0)
    folder = ARTIFACTS / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    employee.set_viewport_size(PHONE)
    employee.screenshot(path=folder / "ready-375px.png", full_page=True)
