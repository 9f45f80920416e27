"""Messages on a case (issue 15): the employee writes to their case manager on a phone, by keyboard; the case
manager sees the unread count in the inbox, opens the conversation and replies with a file; the employee, from
the email's link, reads the reply and opens the file. Each screen passes the accessibility checks on the way.
"""

import re

from playwright.sync_api import expect

from tests.browser.checks import audit, follow, status_message, tab_to
from tests.browser.live_portal import a_new_pdf

PHONE = {"width": 375, "height": 740}
CASE_NUMBER = r"C-\d{4}-\d+"


def heading(page):
    return page.get_by_role("heading", level=1)


def last_message(page):
    """The newest message: the last of the conversation, at the bottom."""
    return page.get_by_role("region", name="The conversation, oldest first").locator("li.message").last


def test_the_employee_and_the_case_manager_write_to_each_other_and_a_file_goes_with_the_reply(sign_in, portal):
    question = "Can I come back on Monday for half days? My next appointment is on Friday."
    reply = "Yes, half days from Monday suit your team. The form to fill in is attached."

    # The employee, on a phone, opens the conversation from their case and writes by keyboard alone.
    employee = sign_in("employee")
    employee.set_viewport_size(PHONE)
    follow(employee.get_by_role("link", name=re.compile(rf"^Messages( \(\d+ unread\))? for case {CASE_NUMBER}$")))
    expect(heading(employee)).to_have_text(re.compile(rf"^Messages with your case manager, case {CASE_NUMBER}$"))
    expect(employee.get_by_text("Your supervisor never sees them.")).to_be_visible()
    audit(employee, "Employee: messages with the case manager")

    employee.get_by_role("button", name="Send message").click()
    summary = employee.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Write your message."])
    audit(employee, "Employee: a message sent with no words")

    box = employee.get_by_label("Your message")
    tab_to(employee, box)
    employee.keyboard.type(question)
    tab_to(employee, employee.get_by_role("button", name="Send message"))
    employee.keyboard.press("Enter")
    expect(status_message(employee)).to_have_text(
        "Sent. Your case manager has been emailed that there is a message for them."
    )
    sent = last_message(employee)
    expect(sent).to_contain_text("You")
    expect(sent).to_contain_text(question)

    # The case manager sees it counted in the inbox, and opens it from the list of unread conversations.
    manager = sign_in("case manager")
    unread = manager.get_by_role("link", name=re.compile(r"^\d+ unread messages?$"))
    expect(unread).to_be_visible()
    follow(unread)
    expect(heading(manager)).to_have_text("Unread messages")
    audit(manager, "Case manager: unread messages")
    follow(manager.get_by_role("link", name=re.compile(rf"^Case {CASE_NUMBER}: Alex Employee$")))
    expect(heading(manager)).to_have_text(re.compile(rf"^Messages with Alex Employee, case {CASE_NUMBER}$"))
    newest = last_message(manager)
    expect(newest).to_contain_text(question)
    expect(newest).to_contain_text("New")
    audit(manager, "Case manager: messages with the employee")

    manager.get_by_label("Your message").fill(reply)
    manager.get_by_label("Attach files (optional)").set_input_files(
        {"name": "half-days-form.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()}
    )
    manager.get_by_role("button", name="Send message").click()
    expect(status_message(manager)).to_have_text(
        "Sent. The employee has been emailed that there is a message for them."
    )
    answered = last_message(manager)
    expect(answered).to_contain_text(reply)
    expect(answered.get_by_role("link", name="half-days-form.pdf")).to_be_visible()
    # Read now: the inbox no longer counts it.
    manager.goto("/inbox/")
    expect(manager.get_by_role("link", name=re.compile(r"unread messages?$"))).to_have_count(0)

    # The employee's home counts the reply; the email's link leads to it, and the file opens.
    employee.goto("/employee/")
    expect(
        employee.get_by_role("link", name=re.compile(rf"^Messages \(1 unread\) for case {CASE_NUMBER}$"))
    ).to_be_visible()
    employee.goto(portal.link_in_mail("employee@demo.test", "A new message from your case manager"))
    expect(heading(employee)).to_have_text(re.compile(r"^Messages with your case manager"))
    answer = last_message(employee)
    expect(answer).to_contain_text("Morgan Manager (case manager)")
    expect(answer).to_contain_text(reply)
    expect(answer).to_contain_text("New")
    audit(employee, "Employee: a reply from the case manager, with a file")
    with employee.expect_download() as download:
        answer.get_by_role("link", name="half-days-form.pdf").click()
    assert download.value.suggested_filename == "half-days-form.pdf"
