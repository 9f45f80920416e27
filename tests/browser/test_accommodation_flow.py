"""An accommodation asked for on a phone, worked through the interactive process, and decided."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.core.dates import written_date as written
from tests.browser.checks import audit, follow

PHONE = {"width": 375, "height": 740}


def test_an_accommodation_asked_for_on_a_phone_is_discussed_checked_with_the_supervisor_and_granted(sign_in, portal):
    employee = sign_in("employee")
    employee.set_viewport_size(PHONE)
    follow(employee.get_by_role("link", name=re.compile(r"^Ask for an accommodation for case")))
    audit(employee, "Employee: accommodation step 1, what is making work difficult")
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("alert")).to_contain_text("Say in your own words")
    audit(employee, "Employee: accommodation step with an error")
    employee.get_by_label("What is making work difficult for you?").fill(
        "Standing at the line for a whole shift makes my back seize up by midday."
    )
    employee.get_by_role("button", name="Continue").click()
    employee.get_by_label("Which parts of your job are affected?").fill("Line work, eight hours standing.")
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text("What would help")
    audit(employee, "Employee: accommodation step 3, what would help")
    employee.get_by_role("checkbox", name="Equipment or furniture").check()
    employee.get_by_label("What would help: equipment or furniture").fill("A sit-stand stool at my station")
    employee.get_by_role("button", name="Continue").click()
    employee.get_by_label("Ongoing").check()
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text("Supporting documents")
    audit(employee, "Employee: accommodation step 5, documents")
    employee.get_by_role("button", name="Continue").click()
    employee.get_by_label("Email", exact=True).check()
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text("Check your answers")
    audit(employee, "Employee: check your answers")
    employee.get_by_role("link", name="Back").click()
    expect(employee.get_by_label("Email", exact=True)).to_be_checked()  # going back loses nothing
    employee.get_by_role("button", name="Continue").click()
    employee.get_by_role("button", name="Send request").click()
    expect(employee.get_by_role("status")).to_contain_text("A decision is due by")
    audit(employee, "Employee: an accommodation request sent")

    manager = sign_in("case manager")
    manager.goto(portal.link_in_mail("manager@demo.test", "New item to review"))
    manager.get_by_role("button", name="Claim (assign to me)").click()
    expect(manager.get_by_role("status")).to_have_text("You have claimed this item.")
    log = manager.get_by_role("region", name="Interactive-process log")
    log.get_by_text("Add to the log").click()
    log.get_by_label("Entry").select_option(label="Conversation")
    log.get_by_label("How").select_option(label="Phone")
    log.get_by_label("What happened").fill("Talked through the line set-up and what a stool would change.")
    log.get_by_role("button", name="Add entry").click()
    expect(log).to_contain_text("Talked through the line set-up")
    expect(manager.get_by_role("heading", name="Interactive-process log")).to_be_focused()
    audit(manager, "Case manager: interactive-process log after an entry")
    manager.get_by_text("Ask the supervisor about feasibility").click()
    manager.get_by_label("Accommodation to ask about").fill("A sit-stand stool at the line")
    manager.get_by_label("Your question to the supervisor").fill("Is there room for a stool at station 4?")
    manager.get_by_role("button", name="Send question").click()
    expect(manager.get_by_role("status")).to_have_text("Question sent to the supervisor.")

    supervisor = sign_in("supervisor")
    supervisor.goto(portal.link_in_mail("supervisor@demo.test", "A question about an accommodation in your team"))
    expect(supervisor.get_by_text("back seize up")).to_have_count(0)
    audit(supervisor, "Supervisor: a feasibility question")
    supervisor.get_by_label("Yes, with changes").check()
    supervisor.get_by_label("Explain").fill("Station 5 has room; we can move Alex there.")
    supervisor.get_by_role("button", name="Send answer").click()
    expect(supervisor.get_by_role("status")).to_contain_text("Your answer has gone to the case manager")

    manager.reload()
    expect(manager.get_by_text("Station 5 has room").first).to_be_visible()
    manager.get_by_text("Decide", exact=True).click()
    manager.get_by_label("Grant it").check()
    manager.get_by_label("What exactly is granted, or the alternative offered").fill("A sit-stand stool at station 5")
    manager.get_by_label("In place from").fill(utcnow().date().isoformat())
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.get_by_role("status")).to_contain_text("Decision recorded")

    employee.goto(portal.link_in_mail("employee@demo.test", "A decision on something you sent"))
    expect(employee.get_by_role("heading", name="Granted")).to_be_visible()
    expect(employee.get_by_text("A sit-stand stool at station 5.", exact=True)).to_be_visible()
    audit(employee, "Employee: a granted accommodation")


def test_an_alternative_with_its_dates_is_offered_and_the_employee_accepts_it_on_a_phone(sign_in, portal):
    reference = portal.new_accommodation_request("A stool at the packing line")
    portal.claim_as("manager@demo.test", reference)
    manager = sign_in("case manager")
    manager.goto(portal.link_in_mail("manager@demo.test", "New item to review"))
    expect(manager.locator("main")).to_contain_text("A stool at the packing line")
    manager.get_by_text("Decide", exact=True).click()
    manager.get_by_label("Offer an alternative").check()
    manager.get_by_label("What exactly is granted, or the alternative offered").fill(
        "An anti-fatigue mat at station 2."
    )
    starts = utcnow().date() + timedelta(days=7)
    manager.get_by_label("In place from").fill(starts.isoformat())
    manager.get_by_label("In place until (optional)").fill((starts + timedelta(days=90)).isoformat())
    manager.get_by_label("Why (for an alternative or a denial; the employee reads it)").fill(
        "A stool would block the walkway at the packing line."
    )
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.get_by_role("status")).to_contain_text("Decision recorded")

    employee = sign_in("employee")
    employee.set_viewport_size(PHONE)
    employee.goto("/employee/")
    needed = employee.get_by_role("region", name="What we need from you")
    expect(needed).to_contain_text("Answer an alternative accommodation: An anti-fatigue mat at station 2.")
    follow(needed.get_by_role("link", name=re.compile(f"Read it and answer about {reference}")))
    decision = employee.get_by_role("region", name="An alternative is offered")
    expect(decision).to_contain_text(f"An anti-fatigue mat at station 2. From {written(starts)} until")
    expect(decision).to_contain_text("Why not what you asked for: A stool would block the walkway")
    audit(employee, "Employee: an alternative accommodation to answer")
    decision.get_by_role("button", name="Accept the alternative").click()
    expect(employee.get_by_role("status")).to_contain_text("You accepted the alternative")
    expect(employee.get_by_role("button", name="Accept the alternative")).to_have_count(0)
    employee.goto("/employee/")
    expect(employee.get_by_role("region", name="What we need from you")).not_to_contain_text("anti-fatigue mat")

    supervisor = sign_in("supervisor")
    supervisor.goto("/supervisor/")
    expect(supervisor.get_by_text(re.compile(r"An anti-fatigue mat at station 2\., from"))).to_be_visible()
