"""Notices and letters (issue 16): once the demo employee's certification is accepted, the demo case has a task
to give the designation notice; the case manager checks and completes the notice, is told beside each field what
is missing, and issues it, which closes the task; the employee, on a phone, finds it from their home page, reads
it and downloads the PDF with the keyboard; the PDF says what was issued."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.checks import audit, follow, status_message, tab_to
from tests.browser.demo import certification_accepted, demo_case_id

PHONE = {"width": 375, "height": 740}


def test_a_designation_notice_is_issued_and_the_employee_reads_and_downloads_it(sign_in, portal):
    case_id = demo_case_id(portal)
    certification_accepted(portal)

    manager = sign_in("case manager")
    manager.goto(f"/inbox/cases/{case_id}")
    tasks = manager.get_by_role("region", name="Open tasks")
    expect(tasks).to_contain_text("Give the FMLA designation notice")
    notices = manager.get_by_role("region", name="Notices and letters")
    follow(notices.get_by_role("link", name="FMLA designation notice (WH-382)"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("FMLA designation notice (WH-382): Alex Employee")
    expect(manager.get_by_label("Employee's name")).to_have_value("Alex Employee")
    audit(manager, "Case manager: a designation notice to check and issue")

    manager.get_by_label("From", exact=True).fill("")
    manager.get_by_role("button", name="Issue this notice").click()
    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter who the notice is from.", "Choose the decision."])
    expect(manager.get_by_role("group", name="Decision", exact=True)).to_contain_text("Choose the decision.")
    audit(manager, "Case manager: a designation notice with what is missing beside each field")

    manager.get_by_label("From", exact=True).fill("Casey Manager, leave team")
    manager.get_by_label("Approved: the leave is designated as FMLA leave").check()
    manager.get_by_role("group", name="The amount of leave is known").get_by_label("No").check()
    manager.get_by_role("button", name="Issue this notice").click()
    expect(status_message(manager)).to_contain_text("FMLA designation notice issued.")
    expect(manager.get_by_role("heading", level=1)).to_have_text("FMLA designation notice: Alex Employee")
    expect(manager.get_by_role("main")).to_contain_text("The amount of leave is not known yet")
    audit(manager, "Case manager: an issued notice")
    manager.goto(f"/inbox/cases/{case_id}")
    expect(manager.get_by_role("region", name="Open tasks")).not_to_contain_text("Give the FMLA designation notice")

    # The employee, on a phone, finds it from their home page, reads it and downloads it with the keyboard.
    employee = sign_in("employee")
    employee.set_viewport_size(PHONE)
    follow(employee.get_by_role("link", name=re.compile(r"^Notices and letters for case")).first)
    expect(employee.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Notices and letters: case C-"))
    audit(employee, "Employee: the notices and letters on a case")
    follow(employee.get_by_role("link", name="FMLA designation notice"))
    expect(employee.get_by_role("heading", level=1)).to_have_text("FMLA designation notice")
    expect(employee.get_by_role("main")).to_contain_text("Approved: the leave is designated as FMLA leave.")
    audit(employee, "Employee: a notice issued to them")
    download_link = employee.get_by_role("link", name=re.compile(r"^Download the PDF"))
    tab_to(employee, download_link)
    with employee.expect_download() as downloading:
        employee.keyboard.press("Enter")
    with open(downloading.value.path(), "rb") as pdf:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Alex Employee" in text and "Approved: the leave is designated as FMLA leave" in text
    assert "Casey Manager, leave team" in text
