"""A case from the caseload to its closing (issue 15): the case manager finds the case on their caseload, reads
where it stands, exchanges messages with the employee, keeps a note, writes a plan of two steps that the employee
acknowledges and the supervisor reads, records the return and closes the case; the employee and the supervisor
each read their part of its timeline, and nothing more."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.core.dates import written_date as written
from tests.browser.checks import audit, follow, status_message
from tests.browser.intake import heading, injury_reported_and_triaged
from tests.browser.plans import add_step
from tests.browser.roster import NewHire

PHONE = {"width": 375, "height": 740}
NOTE = "Called about the knee; the physiotherapist's visit is on Friday."


def test_a_case_manager_works_a_case_from_the_caseload_to_its_closing(sign_in, open_page, portal):
    hire = NewHire.called("Rory", "Lindqvist", job_title="Loader", hired_days_ago=700, hours_last_12_months="1700")
    supervisor, manager, employee, number = injury_reported_and_triaged(sign_in, open_page, portal, hire)

    # The caseload: every open case, this one among them with its days away.
    follow(manager.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True))
    expect(heading(manager)).to_have_text("My cases")
    manager.get_by_label("Case manager").select_option(label="Everyone's")
    manager.get_by_role("button", name="Show").click()
    expect(heading(manager)).to_have_text("Every open case")
    row = manager.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(hire.name)
    expect(row.get_by_role("cell").nth(4)).to_have_text("3")  # days away: from the day after the first absence
    audit(manager, "Case manager: every open case")
    follow(row.get_by_role("link", name=number))
    expect(heading(manager)).to_have_text(f"Case {number}: {hire.name}")
    picture = manager.get_by_role("region", name="Where the case stands")
    expect(picture).to_contain_text("3 days away from work, 0 days on restricted duty")
    audit(manager, "Case manager: a case, where it stands")

    # The employee writes to the case manager, who answers from the case.
    question, answer = "The swelling is down: can I come back on Monday?", "Yes: Monday, full duty, day shift."
    follow(employee.get_by_role("link", name=re.compile(rf"^Messages( \(\d+ unread\))? for case {number}$")))
    employee.get_by_label("Your message").fill(question)
    employee.get_by_role("button", name="Send message").click()
    expect(status_message(employee)).to_contain_text("Sent.")
    follow(
        manager.get_by_role("navigation", name=f"Case {number}").get_by_role("link", name="Messages with the employee")
    )
    expect(manager.get_by_role("main")).to_contain_text(question)
    manager.get_by_label("Your message").fill(answer)
    manager.get_by_role("button", name="Send message").click()
    expect(status_message(manager)).to_contain_text("Sent.")
    employee.reload()
    expect(employee.get_by_role("main")).to_contain_text(answer)
    follow(manager.get_by_role("link", name="Back to the case"))

    # A note of the call; it reads back with who wrote it, and can only be amended.
    follow(manager.get_by_role("navigation", name=f"Case {number}").get_by_role("link", name="Notes"))
    manager.get_by_label("What it was").select_option(label="Phone call")
    manager.get_by_label("With whom").fill(f"{hire.name}, the employee")
    manager.get_by_label("It was with the employee").check()
    manager.get_by_role("button", name="Keep the note").click()
    expect(manager.get_by_role("alert")).to_be_focused()
    expect(manager.get_by_role("alert").get_by_role("link")).to_have_text(["Write the note."])
    expect(manager.get_by_label("With whom")).to_have_value(f"{hire.name}, the employee")  # kept
    audit(manager, "Case manager: a note with nothing written")
    manager.get_by_label("Note", exact=True).fill(NOTE)
    manager.get_by_role("button", name="Keep the note").click()
    expect(status_message(manager)).to_contain_text("The note is kept.")
    expect(manager.get_by_role("main")).to_contain_text(NOTE)
    audit(manager, "Case manager: notes on a case")

    # The supervisor reads the case's course from their team's page: nothing medical, never the note.
    supervisor.goto("/supervisor/")
    follow(supervisor.get_by_role("link", name=f"What has happened on the case of {hire.name}"))
    expect(heading(supervisor)).to_have_text(f"What has happened: {hire.name}, case {number}")
    expect(supervisor.get_by_role("main")).to_contain_text(f"A case was opened for {hire.name}.")
    for secret in ("physiotherapist", "knee", "phone call"):
        expect(supervisor.get_by_role("main")).not_to_contain_text(secret)
    audit(supervisor, "Supervisor: what has happened on a case of their team")

    # A plan of two steps; the employee acknowledges it and the supervisor reads its schedule.
    follow(manager.get_by_role("navigation", name=f"Case {number}").get_by_role("link", name="Return-to-work plan"))
    manager.get_by_label("Goal").fill("Back to full duty as a loader, 8 hours a day, within two weeks.")
    manager.get_by_role("button", name="Start the plan").click()
    expect(status_message(manager)).to_contain_text("Plan started")
    start = utcnow().date() + timedelta(days=1)
    add_step(manager, start, start + timedelta(days=6), "4", "Scanning and labelling at the dock office, seated.")
    add_step(manager, start + timedelta(days=7), start + timedelta(days=13), "8", "Loading, full shifts.")
    audit(manager, "Case manager: a return-to-work plan of two steps, on a new case")
    employee.goto("/employee/")
    follow(employee.get_by_role("link", name=re.compile(r"^Your return-to-work plan, to acknowledge")))
    expect(employee.get_by_role("main")).to_contain_text("4 hours a day, 5 days a week")
    employee.get_by_role("button", name="Acknowledge my plan").click()
    expect(status_message(employee)).to_contain_text("you have acknowledged your return-to-work plan")
    supervisor.goto("/supervisor/")
    follow(supervisor.get_by_role("link", name=f"Return-to-work schedule of {hire.name}"))
    expect(supervisor.get_by_role("main")).to_contain_text("Loading, full shifts.")
    expect(supervisor.get_by_role("main")).to_contain_text(f"{hire.name} acknowledged this schedule on")
    expect(supervisor.get_by_role("main")).not_to_contain_text("within two weeks")  # the goal is not theirs

    # The return, then the closing, each from the case.
    follow(manager.get_by_role("navigation", name=f"Case {number}").get_by_role("link", name="The case"))
    manager.get_by_text("Record the return to work", exact=True).click()
    today = utcnow().date()
    manager.get_by_label("Day back at work").fill(today.isoformat())
    manager.get_by_role("radio", name="Full duty").check()
    manager.get_by_role("button", name="Record the return").click()
    expect(status_message(manager)).to_contain_text("The return to work is recorded.")
    expect(manager.get_by_role("region", name="Where the case stands")).to_contain_text(f"{written(today)}, full duty")
    follow(manager.get_by_role("link", name="Close this case"))
    expect(heading(manager)).to_have_text(f"Close case {number}: {hire.name}")
    manager.get_by_role("radio", name="Returned to full duty").check()
    manager.get_by_label("Closing summary").fill("Back at full duty after three days; no restrictions.")
    audit(manager, "Case manager: close a case")
    manager.get_by_role("button", name="Close the case").click()
    expect(status_message(manager)).to_contain_text(f"Case {number} is closed.")
    expect(manager.get_by_role("main")).to_contain_text("so nothing new can be asked of or sent to it")
    expect(manager.get_by_role("button", name="Reopen the case")).to_be_visible()
    audit(manager, "Case manager: a closed case")

    # The case manager's timeline has it all; the filter keeps to one kind.
    follow(manager.get_by_role("navigation", name=f"Case {number}").get_by_role("link", name="Timeline"))
    timeline = manager.get_by_role("main")
    expect(timeline).to_contain_text("You closed the case on")
    expect(timeline).to_contain_text("You wrote a note: phone call")
    expect(timeline).to_contain_text(f"{hire.name} acknowledged the plan (version")
    manager.get_by_label("Show", exact=True).select_option(label="Notes")
    manager.get_by_role("button", name="Show").click()
    expect(manager.get_by_role("listitem").filter(has_text="closed the case")).to_have_count(0)
    audit(manager, "Case manager: a case's timeline, notes only")

    # The employee reads their own story, on a phone; never the note.
    employee.set_viewport_size(PHONE)
    employee.goto("/employee/")
    follow(employee.get_by_role("link", name=f"What has happened on case {number}"))
    expect(heading(employee)).to_have_text(f"What has happened on your case {number}")
    story = employee.get_by_role("main")
    expect(story).to_contain_text(f"Your case manager recorded a return to full duty on {written(today)}.")
    expect(story).to_contain_text("You acknowledged the plan")
    expect(story).to_contain_text("You wrote to your case manager.")
    expect(story).not_to_contain_text("physiotherapist")
    audit(employee, "Employee: what has happened on their case, on a phone")

    # Closed, the case leaves the supervisor's list of their team's open cases.
    supervisor.goto("/supervisor/")
    expect(supervisor.get_by_role("region", name=hire.name)).to_have_count(0)
