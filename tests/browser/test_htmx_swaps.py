"""Each screen that htmx updates in place: focus goes somewhere sensible, the change is announced,
and the updated screen passes the same checks as a page."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.checks import announcements, audit, follow, listen_for_announcements, status_message
from tests.browser.inbox import open_beside_the_list, pane, row, tab_counts
from tests.browser.live_portal import a_new_pdf

SEND_A_DOCUMENT = re.compile(r"^Send a document for case")


def open_review(manager, reference: str) -> None:
    """Open the item beside the list (the desktop viewport is a wide screen), then listen."""
    open_beside_the_list(manager, reference)
    listen_for_announcements(manager)


def claim(manager) -> None:
    manager.get_by_role("button", name="Claim (assign to me)").click()
    expect(status_message(manager)).to_have_text("You have claimed this item.")


@pytest.fixture
def review(sign_in, portal, request):
    """A case manager with a document that has just arrived open beside the inbox list; its reference."""
    reference = portal.new_document(note=request.node.name)
    manager = sign_in("case manager")
    open_review(manager, reference)
    return manager, reference


def test_claiming_focuses_the_new_state_and_announces_it(review):
    manager, reference = review
    before = tab_counts(manager)
    manager.get_by_role("button", name="Claim (assign to me)").click()

    expect(manager.get_by_role("heading", name="In review, with Morgan Manager")).to_be_focused()
    assert announcements(manager) == ["You have claimed this item."]
    expect(row(manager, reference)).to_contain_text("Morgan Manager")  # the list's row too, out of band,
    # ...and the tab counts, out of band
    expect(manager.locator("#count-mine")).to_have_text(str(before["mine"] + 1))
    expect(manager.locator("#count-unassigned")).to_have_text(str(before["unassigned"] - 1))
    audit(manager, "Case manager: review beside the list, after claiming (htmx)")


def test_claiming_on_the_items_own_page_focuses_the_new_state_and_announces_it(review):
    manager, reference = review
    follow(pane(manager).get_by_role("link", name=f"Open {reference} on its own page"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Work status or return-to-work note (1 file)")
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Claim (assign to me)").click()

    expect(manager.get_by_role("heading", name="In review, with Morgan Manager")).to_be_focused()
    assert announcements(manager) == ["You have claimed this item."]
    audit(manager, "Case manager: review, after claiming (htmx)")


def test_asking_for_more_information_without_saying_what_focuses_the_error(review):
    manager, _ = review
    claim(manager)
    manager.get_by_text("Ask the employee for more information").click()
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Send request").click()

    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Say what information you need.")).to_be_visible()
    assert any("Say what information you need." in said for said in announcements(manager))
    expect(status_message(manager)).to_be_empty()  # no stale "claimed" message beside the error
    audit(manager, "Case manager: review beside the list, more information asked for with nothing entered (htmx)")

    summary.get_by_role("link", name="Say what information you need.").click()
    expect(manager.get_by_label("What do you need?")).to_be_focused()
    manager.get_by_label("What do you need?").fill("Please send the second page.")
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Send request").click()

    expect(manager.get_by_role("heading", name="More information needed, with Morgan Manager")).to_be_focused()
    assert announcements(manager) == ["Request sent. The employee has been emailed."]
    audit(manager, "Case manager: review beside the list, waiting for more information (htmx)")


def test_declining_needs_a_reason_which_the_employee_then_reads(review, sign_in):
    manager, reference = review
    claim(manager)
    manager.locator("summary").get_by_text("Decline").click()
    manager.get_by_role("button", name="Decline").click()

    expect(manager.get_by_role("alert")).to_be_focused()
    expect(manager.get_by_role("alert")).to_contain_text("Give the reason for declining.")
    audit(manager, "Case manager: review beside the list, declined with no reason (htmx)")

    manager.get_by_label("Reason for declining").fill("This is last year's note. Please send this year's.")
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Decline").click()
    expect(manager.get_by_role("heading", name="Declined, with Morgan Manager")).to_be_focused()
    assert announcements(manager) == ["Declined. The employee has been emailed the reason."]
    audit(manager, "Case manager: review beside the list, declined (htmx)")

    employee = sign_in("employee")
    employee.get_by_role("link", name=f"Work status or return-to-work note (1 file) ({reference})").first.click()
    expect(employee.get_by_text("This is last year's note.").first).to_be_visible()
    audit(employee, "Employee: a declined item")


def test_accepting_focuses_the_final_state_and_announces_it(review):
    manager, _ = review
    claim(manager)
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Accept and file to the case").click()

    expect(manager.get_by_role("heading", name="Accepted, with Morgan Manager")).to_be_focused()
    assert announcements(manager) == ["Accepted and filed to the case. The employee has been emailed."]
    audit(manager, "Case manager: review beside the list, accepted (htmx)")


def test_a_case_manager_who_lost_a_race_is_told_who_won(review, portal):
    manager, reference = review
    portal.create_account("second.manager@demo.test", "Robin Second", Role.CASE_MANAGER, "a long enough password")
    portal.claim_as("second.manager@demo.test", reference)
    manager.get_by_role("button", name="Claim (assign to me)").click()

    expect(manager.get_by_role("heading", name="In review, with Robin Second")).to_be_focused()
    assert announcements(manager)[0].startswith("Robin Second has already claimed this item.")
    audit(manager, "Case manager: review beside the list, someone else acted first (htmx)")


def test_sending_nothing_shows_every_problem_in_place_and_focuses_them(sign_in):
    employee = sign_in("employee")
    follow(employee.get_by_role("link", name=SEND_A_DOCUMENT))
    listen_for_announcements(employee)
    employee.get_by_role("button", name="Send").click()

    summary = employee.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose what the document is.", "Choose at least one file to send."]
    )
    assert any("Choose at least one file to send." in said for said in announcements(employee))
    audit(employee, "Employee: send a document, nothing chosen (htmx)")


def test_a_file_that_is_not_a_document_is_refused_in_place(sign_in):
    employee = sign_in("employee")
    follow(employee.get_by_role("link", name=SEND_A_DOCUMENT))
    employee.get_by_label("What is the document?").select_option(label="Other document")
    employee.get_by_label("Describe the document").fill("Pharmacy receipt")
    employee.get_by_label("Files", exact=True).set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"just some text, not a PDF"}
    )
    listen_for_announcements(employee)
    employee.get_by_role("button", name="Send").click()

    expect(employee.get_by_role("alert")).to_be_focused()
    expect(employee.get_by_role("alert")).to_contain_text("receipt.pdf is not a type of file we accept.")
    expect(employee.get_by_label("Describe the document")).to_have_value("Pharmacy receipt")
    assert any("is not a type of file we accept" in said for said in announcements(employee))
    audit(employee, "Employee: send a document, a file refused (htmx)")


def test_a_document_sent_opens_its_receipt_with_focus_on_it_and_announces_it(sign_in):
    employee = sign_in("employee")
    follow(employee.get_by_role("link", name=SEND_A_DOCUMENT))
    employee.get_by_label("What is the document?").select_option(label="FMLA certification of a health condition")
    employee.get_by_label("Files", exact=True).set_input_files(
        {"name": "fmla.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()}
    )
    listen_for_announcements(employee)
    employee.get_by_role("button", name="Send").click()

    expect(employee.get_by_role("heading", level=1)).to_have_text("FMLA certification of a health condition (1 file)")
    expect(employee.get_by_role("heading", level=1)).to_be_focused()
    assert any(said.startswith("Received: D-") for said in announcements(employee))
