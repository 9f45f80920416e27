"""A document's whole journey, by the two people it concerns, each in their own browser."""

import re

from playwright.sync_api import expect

from tests.browser.checks import audit, follow, status_message
from tests.browser.inbox import open_beside_the_list, pane, row
from tests.browser.live_portal import a_new_pdf, a_new_photo


def test_a_document_goes_from_the_employee_to_the_case_manager_and_back(sign_in, portal):
    employee = sign_in("employee")
    employee.get_by_role("link", name=re.compile(r"^Send a document for case")).click()
    employee.get_by_label("What is the document?").select_option(label="Work status or return-to-work note")
    employee.get_by_label("Files", exact=True).set_input_files(
        [
            {"name": "fit-note.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()},
            {"name": "IMG_0417.jpg", "mimeType": "image/jpeg", "buffer": a_new_photo()},
        ]
    )
    employee.get_by_label("A note for your case manager (optional)").fill("From Tuesday's appointment.")
    employee.get_by_role("button", name="Send").click()

    expect(employee.get_by_role("heading", level=1)).to_have_text("Work status or return-to-work note (2 files)")
    expect(status_message(employee)).to_contain_text("It is waiting for review.")
    received = employee.get_by_role("list").filter(has=employee.get_by_role("link", name="fit-note.pdf"))
    expect(received.get_by_role("link")).to_have_text(["fit-note.pdf", "IMG_0417.jpg"])
    reference = employee.locator("dt", has_text="Reference").locator("+ dd").inner_text()
    audit(employee, "Employee: receipt for a document sent")
    # Withdraw, just under the receipt, only asks; keeping it changes nothing.
    follow(employee.get_by_role("link", name=f"Withdraw {reference}"))
    expect(employee.get_by_role("heading", level=1)).to_have_text(f"Withdraw {reference}?")
    audit(employee, "Employee: withdraw an item?")
    follow(employee.get_by_role("link", name="Keep it"))
    expect(employee.get_by_role("heading", level=1)).to_have_text("Work status or return-to-work note (2 files)")

    # The case manager works the item beside the list (a wide screen), and later, from the email,
    # on its own page.
    manager = sign_in("case manager")
    open_beside_the_list(manager, reference)
    item = pane(manager)
    expect(item.get_by_role("heading", level=2).first).to_have_text("Work status or return-to-work note (2 files)")
    expect(item.get_by_role("link", name="Download IMG_0417.jpg")).to_be_visible()
    expect(item.get_by_role("img", name="Preview of IMG_0417.jpg")).to_be_visible()
    item.get_by_role("button", name="Claim (assign to me)").click()
    expect(status_message(manager)).to_have_text("You have claimed this item.")
    expect(row(manager, reference)).to_contain_text("Morgan Manager")
    item.get_by_text("Ask the employee for more information").click()
    item.get_by_label("What do you need?").fill("Page 2 of the note is missing. Please send it.")
    item.get_by_role("button", name="Send request").click()
    expect(status_message(manager)).to_have_text("Request sent. The employee has been emailed.")
    expect(row(manager, reference)).to_contain_text("More information needed")

    employee.goto(portal.link_in_mail("employee@demo.test", "Your case manager needs more information"))
    request = employee.get_by_role("region", name="Your case manager needs more information")
    expect(request).to_contain_text("Page 2 of the note is missing.")
    audit(employee, "Employee: an item that needs more information")
    employee.get_by_role("button", name="Send reply").click()
    expect(employee.get_by_role("alert")).to_contain_text("Write a reply or choose a file to send (or both).")
    audit(employee, "Employee: an item that needs more information, empty reply")
    employee.get_by_label("Your reply").fill("Here is page 2.")
    employee.get_by_label("Add files (optional)").set_input_files(
        {"name": "fit-note-page-2.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()}
    )
    employee.get_by_role("button", name="Send reply").click()
    expect(status_message(employee)).to_have_text("Thank you. Your reply has gone to your case manager.")

    manager.goto(portal.link_in_mail("manager@demo.test", "A reply to your request for more information"))
    # The reply's file counts in the title.
    expect(manager.get_by_role("heading", level=1)).to_have_text("Work status or return-to-work note (3 files)")
    expect(manager.get_by_role("link", name="Download fit-note-page-2.pdf")).to_be_visible()
    manager.get_by_role("button", name="Accept and file to the case").click()
    expect(status_message(manager)).to_have_text("Accepted and filed to the case. The employee has been emailed.")

    employee.goto(portal.link_in_mail("employee@demo.test", "A decision on something you sent"))
    expect(employee.locator("dt", has_text="Status").locator("+ dd")).to_have_text("Accepted")
    expect(employee.get_by_text("Morgan Manager accepted it.")).to_be_visible()
    audit(employee, "Employee: an accepted item")
