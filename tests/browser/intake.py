"""Opening a case as people do it in the browser: a report sent, triaged by a case manager, and someone new
joining by the invitation their case sent."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from tests.browser import roster
from tests.browser.checks import follow, status_message
from tests.browser.inbox import open_beside_the_list, pane
from tests.browser.roster import NewHire

PASSWORD = "a long passphrase of my own"
INVITATION = "You are invited to the return-to-work portal"
CASE_NUMBER = r"C-\d{4}-\d+"


def heading(page):
    return page.get_by_role("heading", level=1)


def reference_in(message) -> str:
    """The reference the portal gave what was just sent ("Sent: N-ABCD-2345. ..."), from its status message."""
    expect(message).to_contain_text(re.compile(r"Sent: N-[A-Z0-9]{4}-[A-Z0-9]{4}\."))
    return re.search(r"N-[A-Z0-9]{4}-[A-Z0-9]{4}", message.inner_text()).group(0)


def triaged_cases(manager) -> dict[str, str]:
    """After triage, on the case it led to: each track and the case it opened, from the message."""
    manager.wait_for_url(re.compile(r"/inbox/cases/\d+$"))
    message = status_message(manager)
    expect(message).to_contain_text(re.compile(r"Triaged\. "))
    return dict(re.findall(rf"([A-Z][\w' ]+): opened ({CASE_NUMBER})", message.inner_text()))


def join_by_invitation(page, portal, person: NewHire) -> None:
    """The person opens the invitation the case sent them, chooses a password and signs in."""
    page.goto(portal.link_in_mail(person.email, INVITATION))
    expect(heading(page)).to_have_text("Set up your account")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the new password again").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(status_message(page)).to_contain_text("Your account is ready.")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Your cases")


def claim_and_open_triage(manager, reference: str):
    """Find the report in the inbox, open it beside the list, claim it and unfold its triage form; the pane."""
    open_beside_the_list(manager, reference)
    item = pane(manager)
    item.get_by_role("button", name="Claim (assign to me)").click()
    expect(status_message(manager)).to_have_text("You have claimed this item.")
    item.get_by_text("Triage: open the case", exact=True).click()
    tracks = item.get_by_role("group", name="Tracks to start")
    expect(tracks).to_be_visible()
    return item


def injury_reported_and_triaged(sign_in, open_page, portal, hire: NewHire) -> tuple:
    """A new hire's injury, reported by their supervisor and triaged by the case manager into a leave; the new
    hire joins by the invitation. The supervisor's, the case manager's and the employee's tabs, and the case."""
    roster.load(sign_in("admin"), roster.roster_file(hire.row()))
    supervisor = sign_in("supervisor")
    follow(supervisor.get_by_role("main").get_by_role("link", name="Report an injury or absence"))
    supervisor.get_by_label("Who is it about?").select_option(label=f"{hire.name} ({hire.job_title})")
    supervisor.get_by_role("radio", name="An injury or illness from work").check()
    supervisor.get_by_label("What happened at work?").fill("Twisted a knee stepping off the loading dock.")
    supervisor.get_by_label("Their first day away from work, if they are away").fill(
        (utcnow().date() - timedelta(days=3)).isoformat()
    )
    supervisor.get_by_role("button", name="Send the report").click()
    reference = reference_in(status_message(supervisor))
    manager = sign_in("case manager")
    item = claim_and_open_triage(manager, reference)
    tracks = item.get_by_role("group", name="Tracks to start")
    for track in tracks.get_by_role("checkbox").all():
        track.uncheck()
    tracks.get_by_role("checkbox", name="Leave").check()
    item.get_by_label("Expected return to work").fill((utcnow().date() + timedelta(days=21)).isoformat())
    item.get_by_role("button", name="Triage", exact=True).click()
    case_number = triaged_cases(manager)["Leave"]
    employee = open_page("new employee")
    join_by_invitation(employee, portal, hire)
    return supervisor, manager, employee, case_number
