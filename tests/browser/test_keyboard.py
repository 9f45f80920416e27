"""Whole tasks done with the keyboard alone (Tab, Enter, Space, typing), focus visible at every step."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.checks import (
    announcements,
    assert_focus_visible,
    listen_for_announcements,
    status_message,
    tab_to,
)
from tests.browser.demo import DEMO_PASSWORD, EMAILS
from tests.browser.inbox import first_row, pane, row
from tests.browser.live_portal import a_new_pdf


def test_the_skip_link_takes_keyboard_users_past_the_header(sign_in):
    page = sign_in("case manager")
    tab_to(page, page.get_by_role("link", name="Skip to main content"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    tab_to(page, page.get_by_role("main").get_by_role("link").first)


def choose_files_by_keyboard(page, files) -> None:
    """Open the focused file input's chooser with Space, as a keyboard user does, and pick ``files``.

    Now and then, on a busy machine, headless Chromium lets a key press on a file input pass
    without opening the chooser (seen in a run that took a third longer than usual); Enter opens
    it as well, so the test tries Space, Enter and Space again, each given the page's whole
    timeout for the chooser to appear, before failing.
    """
    for key in ("Space", "Enter", "Space"):
        expect(page.locator("input[type=file]:focus")).to_have_count(1)  # still where the key goes
        try:
            with page.expect_file_chooser() as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(files)
        return
    raise AssertionError("Neither Space nor Enter opened the file chooser of the focused file input")


def test_an_employee_signs_in_and_sends_a_document_by_keyboard_alone(page):
    page.goto("/login")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(EMAILS["employee"])
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Send a document for case")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Send a document for case"))
    document_type = page.get_by_label("What is the document?")
    tab_to(page, document_type)
    page.keyboard.type("Work status")  # a closed list picks the option its letters start
    expect(document_type).to_have_value("work_status_note")
    tab_to(page, page.get_by_label("Files", exact=True))
    choose_files_by_keyboard(
        page, {"name": "note-by-keyboard.pdf", "mimeType": "application/pdf", "buffer": a_new_pdf()}
    )
    tab_to(page, page.get_by_label("A note for your case manager (optional)"))
    page.keyboard.type("Sent without a mouse.")
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Space")

    receipt = page.get_by_role("heading", level=1)
    expect(receipt).to_have_text("Work status or return-to-work note (1 file)")
    expect(receipt).to_be_focused()
    assert_focus_visible(page)
    expect(page.get_by_role("link", name="note-by-keyboard.pdf")).to_be_visible()


def test_a_case_manager_claims_and_asks_for_more_information_by_keyboard_alone(sign_in, portal):
    reference = portal.new_document(note="For the keyboard review")
    page = sign_in("case manager")
    tab_to(page, page.get_by_role("searchbox", name="Search", exact=True))
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-caption")).to_contain_text("filtered")
    tab_to(page, row(page, reference).get_by_role("link"))
    page.keyboard.press("Enter")
    # A wide screen: the item opens beside the list, focus on its title.
    expect(pane(page).get_by_role("heading", level=2).first).to_have_text("Work status or return-to-work note (1 file)")
    expect(pane(page).get_by_role("heading", level=2).first).to_be_focused()
    assert_focus_visible(page)
    listen_for_announcements(page)

    tab_to(page, page.get_by_role("button", name="Claim (assign to me)"))
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="In review, with Morgan Manager")).to_be_focused()
    assert_focus_visible(page)

    tab_to(page, page.locator("summary").get_by_text("Ask the employee for more information"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("What do you need?"))
    page.keyboard.type("Please send the page with the doctor's signature.")
    incomplete = page.get_by_label("The certification is incomplete or insufficient (7-day cure period)")
    tab_to(page, incomplete)
    page.keyboard.press("Space")
    expect(incomplete).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send request"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="More information needed, with Morgan Manager")).to_be_focused()
    assert_focus_visible(page)
    assert announcements(page)[-1] == "Request sent. The employee has been emailed."


def test_the_inbox_shortcuts_work_as_soon_as_it_loads_and_focus_stays_on_the_row_after_claiming(sign_in, portal):
    # Three new documents, the newest first in the list ordered by when items came.
    older, middle, newest = (portal.new_document(note=f"Claimed by shortcut, number {n}") for n in (1, 2, 3))
    page = sign_in("case manager")
    searchbox = page.get_by_role("searchbox", name="Search", exact=True)

    # Right after the page loads, focus on the page itself: / goes to the search box, j to the first item.
    page.goto("/inbox/?sort=received")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox: All open")
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("/")
    expect(searchbox).to_be_focused()
    expect(searchbox).to_have_value("")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox: All open")
    page.keyboard.press("j")
    expect(first_row(page).get_by_role("link").first).to_be_focused()
    expect(row(page, newest).get_by_role("link")).to_be_focused()
    assert_focus_visible(page)

    # c claims it; focus stays on its row, so that j goes on to the next one.
    page.keyboard.press("c")
    expect(status_message(page)).to_have_text("Claimed 1 item.")
    expect(row(page, newest)).to_contain_text("Morgan Manager")
    expect(row(page, newest).get_by_role("link")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("j")
    expect(row(page, middle).get_by_role("link")).to_be_focused()

    # In the Unassigned view a claimed item leaves the list: focus goes to the item now in its place.
    page.goto("/inbox/?tab=unassigned&sort=received")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox: Unassigned")
    page.keyboard.press("j")
    expect(row(page, middle).get_by_role("link")).to_be_focused()
    page.keyboard.press("c")
    expect(row(page, middle)).to_have_count(0)
    expect(row(page, older).get_by_role("link")).to_be_focused()
    assert_focus_visible(page)

    # A ticked box has focus after a click: the keys still work from there. Typed into a box, they are text.
    row(page, older).get_by_role("checkbox").click()
    page.keyboard.press("x")
    expect(row(page, older).get_by_role("checkbox")).not_to_be_checked()
    page.keyboard.press("/")
    page.keyboard.type("jc")
    expect(searchbox).to_have_value("jc")
    expect(row(page, older)).to_contain_text("Unassigned")
