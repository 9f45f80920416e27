"""A treating clinician's work-status report, from the employee's authorisation to the supervisor's screen."""

import re

from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.columns import utcnow
from tests.browser.checks import audit, follow

DIAGNOSIS = "Sprain of medial collateral ligament of right knee"


def test_an_authorised_clinician_reports_restrictions_that_the_employee_and_supervisor_then_see(
    sign_in, open_page, portal
):
    employee = sign_in("employee")
    follow(employee.get_by_role("link", name=re.compile(r"^Your clinicians for case")))
    audit(employee, "Employee: your clinicians")
    employee.get_by_role("button", name="Authorise").click()
    expect(employee.get_by_role("alert")).to_contain_text("Enter the clinician's name.")
    audit(employee, "Employee: authorising a clinician, with errors")
    employee.get_by_label("Clinician's name").fill("Dr Riley Bone")
    employee.get_by_label("Practice or clinic").fill("Riverside Orthopaedics")
    employee.get_by_label("Clinician's email").fill("riley.bone@clinic.test")
    employee.get_by_role("button", name="Authorise").click()
    expect(employee.get_by_role("status")).to_contain_text("Dr Riley Bone is authorised until")

    clinician = open_page("new clinician")
    clinician.goto(
        portal.link_in_mail("riley.bone@clinic.test", "A patient has authorised you on the return-to-work portal")
    )
    expect(clinician.get_by_role("heading", level=1)).to_have_text("Set up your account")
    audit(clinician, "Clinician: setting up an invited account")
    clinician.get_by_label("New password", exact=True).fill("knees and elbows 2026")
    clinician.get_by_label("Type the new password again").fill("knees and elbows 2026")
    clinician.get_by_role("button", name="Save password").click()
    clinician.get_by_label("Email", exact=True).fill("riley.bone@clinic.test")
    clinician.get_by_label("Password", exact=True).fill("knees and elbows 2026")
    clinician.get_by_role("button", name="Sign in").click()
    expect(clinician.get_by_role("heading", level=1)).to_have_text("Your patients")
    audit(clinician, "Clinician: patients")

    follow(clinician.get_by_role("link", name="Write a work-status report for Alex Employee"))
    audit(clinician, "Clinician: work-status report form")
    clinician.get_by_role("button", name="Send report").click()
    expect(clinician.get_by_role("alert")).to_contain_text("Enter the date of the visit.")
    audit(clinician, "Clinician: work-status report with errors")
    today = utcnow().date().isoformat()
    clinician.get_by_label("Date of visit").fill(today)
    clinician.get_by_label("Work status").select_option(label="May return to work with restrictions")
    clinician.get_by_label("Effective from").fill(today)
    clinician.get_by_label("Lift: up to (pounds)").fill("15")
    clinician.get_by_label("Lift: how often").select_option(label="Occasionally (up to 1/3 of the day)")
    clinician.get_by_label("Squat or kneel: how often").select_option(label="Never")
    clinician.get_by_label("Diagnosis 1: ICD-10-CM code").fill("S83.411A")
    clinician.get_by_label("Diagnosis 1: description").fill(DIAGNOSIS)
    clinician.get_by_label("Your full name").fill("Dr Riley Bone")
    clinician.get_by_label("Licence number").fill("MD-77811")
    clinician.get_by_role("button", name="Send report").click()
    expect(clinician.get_by_role("status")).to_contain_text("sent to the case manager")
    audit(clinician, "Clinician: a report sent")

    manager = sign_in("case manager")
    manager.goto(portal.link_in_mail("manager@demo.test", "New item to review"))
    expect(manager.get_by_text(DIAGNOSIS)).to_be_visible()
    expect(manager.get_by_role("table", name=re.compile("Dimension by dimension"))).to_contain_text("Changed")
    audit(manager, "Case manager: reviewing a work-status report")
    manager.get_by_role("button", name="Claim (assign to me)").click()
    # The employee named this clinician: nobody has checked them, so their report cannot take effect yet.
    manager.get_by_role("button", name="Accept: make these the current restrictions").click()
    expect(manager.get_by_role("alert").or_(manager.locator(".notice--error")).first).to_contain_text(
        "Dr Riley Bone is not a verified clinician yet"
    )
    follow(manager.get_by_role("link", name="Confirm Dr Riley Bone on the case page"))
    confirm = manager.get_by_role("heading", name="Confirm Dr Riley Bone").locator("..")
    confirm.get_by_label("NPI (National Provider Identifier)").fill("1234567890")
    confirm.get_by_role("button", name="Confirm the clinician").click()
    expect(manager.get_by_role("alert")).to_contain_text("An NPI is 10 digits, the last a check digit")
    audit(manager, "Case manager: confirming a clinician, with an error")
    confirm = manager.get_by_role("heading", name="Confirm Dr Riley Bone").locator("..")
    confirm.get_by_label("NPI (National Provider Identifier)").fill("1234567893")
    confirm.get_by_role("button", name="Confirm the clinician").click()
    expect(manager.get_by_role("status")).to_contain_text("Dr Riley Bone is confirmed (NPI 1234567893)")
    manager.goto(portal.link_in_mail("manager@demo.test", "New item to review"))
    manager.get_by_role("button", name="Accept: make these the current restrictions").click()
    expect(manager.get_by_role("status")).to_contain_text("these are now the case's current restrictions")

    employee.goto("/employee/")
    expect(employee.get_by_text("Up to 15 lb, occasionally (up to 1/3 of the day)")).to_be_visible()
    audit(employee, "Employee: home with current restrictions")
    supervisor = sign_in("supervisor")
    supervisor.goto("/supervisor/")
    expect(supervisor.get_by_text("Up to 15 lb, occasionally (up to 1/3 of the day)")).to_be_visible()
    expect(supervisor.get_by_text(DIAGNOSIS)).to_have_count(0)
    assert "S83.411A" not in supervisor.content()
    audit(supervisor, "Supervisor: team with restrictions")


def test_a_clinician_whose_authorisation_ends_while_writing_keeps_what_they_typed(portal, page):
    portal.create_account("dr.kim.ended@demo.test", "Dr Kim Ended", Role.CLINICIAN, "a clinician's passphrase")
    portal.authorise_clinician("dr.kim.ended@demo.test")
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill("dr.kim.ended@demo.test")
    page.get_by_label("Password", exact=True).fill("a clinician's passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patients")
    follow(page.get_by_role("link", name=re.compile("^Write a work-status report")).first)
    page.get_by_label("Other restrictions (optional)").fill("No ladders until the next visit.")

    portal.stop_authorisation("dr.kim.ended@demo.test")  # the employee, meanwhile, in another tab
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your authorisation for Alex Employee has ended")
    expect(page.get_by_role("definition").filter(has_text="No ladders until the next visit.")).to_be_visible()
    audit(page, "Clinician: a report sent after the authorisation ended")
