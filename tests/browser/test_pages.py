"""Every screen of every person, reached as they would reach it, passes the accessibility checks:
axe-core (WCAG 2.2 A and AA), the keyboard, and 320 px wide.

Screens that exist only after something happens (an error, an htmx update, a link in an
email, a file uploaded) are checked where that happens: test_sign_in, test_htmx_swaps,
test_document_flow, test_accounts; a roster file checked before loading, and each question of a
report and its triage, in test_roster_flow and test_intake_flow.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import audit, status_message
from tests.browser.checks import follow as follow_link
from tests.browser.inbox import search


def nothing(page):
    pass


def go(path):
    return lambda page: page.goto(path)


def follow(name):
    """Follow the link with this accessible name; the checks then run on the page it leads to."""
    return lambda page: follow_link(page.get_by_role("link", name=name).first)


def first_item_in_inbox(page):
    """The first item in the list, opened beside it (a wide screen), then on its own page."""
    page.get_by_role("region", name=re.compile(r"^All open: ")).get_by_role("link").first.click()
    follow(re.compile(r"^Open .* on its own page$"))(page)


def case_of_first_item(page):
    first_item_in_inbox(page)
    follow_link(page.get_by_role("link", name=re.compile(r"^Case C-")).first)


def latest_activity(page):
    follow_link(page.get_by_role("region", name="Recent activity").get_by_role("link").first)


def a_report_they_sent(page):
    """The newest of the supervisor's reports listed on their home page (the demo's is about Jordan Rivera)."""
    follow_link(page.get_by_role("link", name=re.compile(r"^N-[A-Z0-9]{4}-[A-Z0-9]{4}$")).first)


def someone_on_people(page):
    """People, then someone found there by name and followed to their record."""
    follow("People")(page)
    page.get_by_role("searchbox", name="Find someone").fill("Sam")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    follow_link(page.get_by_role("table").get_by_role("link", name="Sam Supervisor"))


def triage_of_a_new_report(page):
    """The demo's untriaged report of Jordan Rivera's injury, found in the inbox, on its own page, claimed
    (unless a visit earlier in this run claimed it), with its triage form unfolded."""
    search(page, "Jordan")
    page.get_by_role("row").filter(has_text="New report").get_by_role("link").first.click()
    follow(re.compile(r"^Open .* on its own page$"))(page)
    claim = page.get_by_role("button", name="Claim (assign to me)")
    if claim.count():
        claim.click()
        expect(status_message(page)).to_have_text("You have claimed this item.")
    page.get_by_text("Triage: open the case", exact=True).click()
    expect(page.get_by_role("group", name="Tracks to start")).to_be_visible()


def plan_of_a_case(page):
    """The return-to-work plan of the first item's case, from its case page (started or not)."""
    case_of_first_item(page)
    follow_link(page.get_by_role("region", name="Return-to-work plan").get_by_role("link"))


def leave_case_with_a_notice_to_give(page):
    """A leave case whose FMLA eligibility notice the inbox lists as still to give: its FMLA eligibility section."""
    notices = page.get_by_role("region", name=re.compile(r"^FMLA eligibility notices to give"))
    follow_link(notices.get_by_role("link").first)
    expect(page.get_by_role("region", name="FMLA eligibility")).to_contain_text("by the roster")


def notice_to_issue(page):
    """The demo's leave case, then its designation notice to check and issue, from its notices and letters."""
    leave_case_with_a_notice_to_give(page)
    notices = page.get_by_role("region", name="Notices and letters")
    follow_link(notices.get_by_role("link", name="FMLA designation notice (WH-382)"))


def messages_with(party):
    """The demo's leave case (Alex Employee's, with Dr Casey Clinician), then its conversation with ``party``."""

    def get_there(page):
        leave_case_with_a_notice_to_give(page)
        follow(re.compile(rf", {party}$"))(page)

    return get_there


SCREENS = [
    # (screen, who, how they get there from their home page or the sign-in page, the main heading they see)
    ("Signed out: sign in", None, go("/login"), "Sign in"),
    ("Signed out: forgotten password", None, follow("Forgotten your password?"), "Reset your password"),
    ("Signed out: a link that no longer works", None, go("/reset-password/no-such-link"), "This link no longer works"),
    ("Signed out: page not found", None, go("/no-such-page"), "Page not found"),
    ("Employee: your cases", "employee", nothing, "Your cases"),
    ("Employee: history", "employee", follow("History"), "Everything you have sent"),
    (
        "Employee: notices and letters",
        "employee",
        follow(re.compile(r"^Notices and letters for case")),
        re.compile(r"^Notices and letters: case C-"),
    ),
    (
        "Employee: send a document",
        "employee",
        follow(re.compile(r"^Send a document for case")),
        re.compile(r"^Send a document for case"),
    ),
    (
        "Employee: send the document asked for",
        "employee",
        follow(re.compile(r"^Send this document")),
        re.compile(r"^Send a document for case"),
    ),
    ("Employee: an item they sent", "employee", latest_activity, re.compile(".")),
    ("Employee: a page of someone else's", "employee", go("/inbox/"), "Page not found"),
    (
        "Employee: your clinicians",
        "employee",
        follow(re.compile(r"^Your clinicians for case")),
        re.compile(r"^Your clinicians for case"),
    ),
    (
        "Employee: stop authorising a clinician?",
        "employee",
        lambda page: (
            follow(re.compile(r"^Your clinicians for case"))(page),
            follow("Stop authorising Dr Casey Clinician")(page),
        ),
        "Stop authorising Dr Casey Clinician?",
    ),
    (
        "Employee: ask for an accommodation",
        "employee",
        follow(re.compile(r"^Ask for an accommodation")),
        "What is making work difficult for you?",
    ),
    ("Employee: report a need, question 1", "employee", follow("Report a need"), "What you need"),
    (
        "Employee: messages with the case manager",
        "employee",
        follow(re.compile(r"^Messages( \(\d+ unread\))? for case")),
        re.compile(r"^Messages with your case manager, case C-"),
    ),
    (
        "Employee: tell us you are back at work",
        "employee",
        follow(re.compile(r"^Tell us you are back at work for case")),
        "Tell the case manager you are back at work",
    ),
    ("Employee: change your password", "employee", follow("Change password"), "Change your password"),
    ("Employee: reminders", "employee", follow(re.compile("^Reminders$")), "Reminders"),
    (
        "Employee: who has seen my information",
        "employee",
        follow("Who has seen my information"),
        "Who has seen your medical information",
    ),
    ("Clinician: your patients", "clinician", nothing, "Your patients"),
    (
        "Clinician: write a work-status report",
        "clinician",
        follow(re.compile(r"^Write a work-status report")),
        re.compile(r"^Work-status report for"),
    ),
    (
        "Clinician: messages about a patient",
        "clinician",
        follow(re.compile(r"^Messages( \(\d+ unread\))? about")),
        re.compile(r"^Messages with the case manager about"),
    ),
    ("Supervisor: your team", "supervisor", nothing, "Your team"),
    (
        "Supervisor: offer transitional duty",
        "supervisor",
        follow(re.compile(r"^Offer transitional duty")),
        re.compile(r"^Offer transitional duty to"),
    ),
    (
        "Supervisor: tell the case manager someone is back",
        "supervisor",
        follow(re.compile(r"^Tell the case manager they are back")),
        re.compile(r"^Tell the case manager .* is back at work$"),
    ),
    ("Supervisor: light-duty availability", "supervisor", follow("Light-duty availability"), "Light-duty availability"),
    (
        "Supervisor: report an injury or absence",
        "supervisor",
        follow("Report an injury or absence"),
        "Report an injury or an absence",
    ),
    ("Supervisor: a report they sent", "supervisor", a_report_they_sent, re.compile(r"^Your report N-")),
    ("Case manager: inbox", "case manager", nothing, "Inbox: All open"),
    ("Case manager: review an item", "case manager", first_item_in_inbox, re.compile(".")),
    ("Case manager: a case", "case manager", case_of_first_item, re.compile(r"^Case C-")),
    ("Case manager: a return-to-work plan", "case manager", plan_of_a_case, re.compile(r"^Return-to-work plan: ")),
    (
        "Case manager: a leave case, its FMLA eligibility",
        "case manager",
        leave_case_with_a_notice_to_give,
        re.compile(r"^Case C-"),
    ),
    (
        "Case manager: a notice to check and issue",
        "case manager",
        notice_to_issue,
        re.compile(r"^FMLA designation notice \(WH-382\): "),
    ),
    ("Case manager: open a case", "case manager", follow("Open a case"), "Open a case"),
    (
        "Case manager: unread messages",
        "case manager",
        follow(re.compile(r"^(\d+ unread messages?|Messages)$")),
        "Unread messages",
    ),
    (
        "Case manager: messages with the employee",
        "case manager",
        messages_with("the employee"),
        re.compile(r"^Messages with Alex Employee, case C-"),
    ),
    (
        "Case manager: messages with a clinician",
        "case manager",
        messages_with("treating clinician"),
        re.compile(r"^Messages with Dr Casey Clinician, treating clinician, case C-"),
    ),
    ("Case manager: my cases", "case manager", follow(re.compile("^Cases$")), "My cases"),
    (
        "Case manager: every open case",
        "case manager",
        go("/inbox/cases?manager=all&quiet_days=7"),
        "Every open case",
    ),
    (
        "Case manager: notes on a case",
        "case manager",
        lambda page: (case_of_first_item(page), follow(re.compile("^Notes$"))(page)),
        re.compile(r"^Notes: case C-"),
    ),
    (
        "Case manager: close a case",
        "case manager",
        lambda page: (case_of_first_item(page), follow("Close this case")(page)),
        re.compile(r"^Close case C-"),
    ),
    (
        "Case manager: triage of a new report",
        "case manager",
        triage_of_a_new_report,
        "New report: an injury or illness from work",
    ),
    ("Case manager: invite someone", "case manager", follow("Invite someone"), "Invite someone"),
    ("Case manager: audit trail", "case manager", follow("Audit trail"), "Audit trail"),
    ("Case manager: reminders", "case manager", follow(re.compile("^Reminders$")), "Reminders"),
    ("Case manager: access requests", "case manager", follow("Access requests"), "Requests for case-manager access"),
    ("Admin: accounts", "admin", nothing, "Accounts"),
    ("Admin: invite someone", "admin", follow("Invite someone"), "Invite someone"),
    ("Admin: roster", "admin", follow("Roster"), "Roster"),
    ("Admin: people", "admin", follow("People"), "People"),
    ("Admin: a person's record", "admin", someone_on_people, "Sam Supervisor"),
]


@pytest.mark.parametrize(("screen", "who", "get_there", "heading"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen_passes_the_accessibility_checks(page, sign_in, screen, who, get_there, heading):
    if who is None:
        page.goto("/login")
    else:
        page = sign_in(who)
    get_there(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    audit(page, screen)


def test_a_case_managers_request_for_a_document_says_what_is_missing(sign_in):
    manager = sign_in("case manager")
    case_of_first_item(manager)
    manager.get_by_label("Needed by").fill("")
    manager.get_by_role("button", name="Send request").click()

    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose the document you need.", "Enter the date the document is needed by."]
    )
    audit(manager, "Case manager: a case, document asked for with nothing chosen")


def test_a_case_opened_for_no_one_says_who_is_missing(sign_in):
    manager = sign_in("case manager")
    follow("Open a case")(manager)
    manager.get_by_role("button", name="Continue to triage").click()

    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter the employee number or work email of someone on the roster.", "Choose what the case is for."]
    )
    audit(manager, "Case manager: open a case, no one named")
