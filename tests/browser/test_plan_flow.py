"""The return-to-work plan (issue 15): the case manager writes a graduated schedule of two steps and a milestone,
a step over the work-hours limit is flagged and replaced, the employee acknowledges the plan with the keyboard, the
supervisor reads its schedule, and new restrictions that conflict with it bring the case manager back to it."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.restrictions.operations import Limit
from tests.browser.checks import audit, follow, status_message, tab_to
from tests.browser.demo import demo_case_id, restrictions_in_effect
from tests.browser.plans import add_step

PHONE = {"width": 375, "height": 740}
CONFLICT_EMAIL = "A return-to-work plan to check: new restrictions"


def test_a_plan_of_two_steps_is_written_acknowledged_and_read_by_the_supervisor(sign_in, portal):
    restrictions_in_effect(portal, work_hours=Limit(hours=6))
    case_id = demo_case_id(portal)
    start = utcnow().date() + timedelta(days=1)

    manager = sign_in("case manager")
    manager.goto(f"/inbox/cases/{case_id}")
    follow(manager.get_by_role("region", name="Return-to-work plan").get_by_role("link"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Return-to-work plan: Alex Employee")
    audit(manager, "Case manager: a return-to-work plan, not started")
    manager.get_by_role("button", name="Start the plan").click()
    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter the goal: what the employee will be doing, and by when."])
    audit(manager, "Case manager: a return-to-work plan started with no goal")
    manager.get_by_label("Goal").fill("Back to full duty as an assembler, 8 hours a day, 5 days a week, in four weeks.")
    manager.get_by_role("button", name="Start the plan").click()
    expect(status_message(manager)).to_contain_text("Plan started")

    add_step(manager, start, start + timedelta(days=13), "4", "Bench assembly of small units, seated.")
    add_step(manager, start + timedelta(days=14), start + timedelta(days=27), "8", "Line assembly, full shifts.")
    schedule = manager.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text("1 step conflicts with the restrictions in force")
    expect(schedule.get_by_role("listitem").filter(has_text="Step 2:")).to_contain_text("Over the work-hours limit")
    audit(manager, "Case manager: a return-to-work plan with a step over the work-hours limit")
    schedule.get_by_role("button", name="Remove step 2").click()
    expect(status_message(manager)).to_contain_text("Step removed.")
    add_step(manager, start + timedelta(days=14), start + timedelta(days=27), "6", "Line assembly, six-hour shifts.")
    expect(schedule).to_contain_text("Every current and future step fits the restrictions in force")

    milestones = manager.get_by_role("region", name="Milestones")
    milestones.get_by_text("Add a milestone", exact=True).click()
    milestones.get_by_role("button", name="Add the milestone").click()
    expect(milestones.get_by_role("alert")).to_be_focused()
    milestones.get_by_label("Due by").fill((start + timedelta(days=13)).isoformat())
    milestones.get_by_label("What is to be reached").fill("Four hours a day for two weeks, every day attended")
    milestones.get_by_role("button", name="Add the milestone").click()
    expect(status_message(manager)).to_contain_text("Milestone added.")
    expect(manager.get_by_role("region", name="Milestones")).to_contain_text("Not met yet.")
    audit(manager, "Case manager: a return-to-work plan of two steps and a milestone")

    # The employee, on a phone, reads the plan from their home page and acknowledges it with the keyboard.
    employee = sign_in("employee")
    employee.set_viewport_size(PHONE)
    follow(employee.get_by_role("link", name=re.compile(r"^Your return-to-work plan, to acknowledge")))
    expect(employee.get_by_role("heading", level=1)).to_have_text("Your return-to-work plan")
    expect(employee.get_by_role("main")).to_contain_text("4 hours a day, 5 days a week")
    expect(employee.get_by_role("main")).to_contain_text("Four hours a day for two weeks")
    audit(employee, "Employee: their return-to-work plan, to acknowledge")
    acknowledge = employee.get_by_role("button", name="Acknowledge my plan")
    tab_to(employee, acknowledge)
    employee.keyboard.press("Enter")
    expect(status_message(employee)).to_contain_text("you have acknowledged your return-to-work plan")
    expect(employee.get_by_role("region", name="Your acknowledgement")).to_contain_text("You acknowledged this plan")
    audit(employee, "Employee: their return-to-work plan, acknowledged")

    # The supervisor reads the schedule and its duties, and nothing of why.
    supervisor = sign_in("supervisor")
    follow(supervisor.get_by_role("link", name="Return-to-work schedule of Alex Employee"))
    main = supervisor.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text([re.compile(r"^Step 1: "), re.compile(r"^Step 2: ")])
    expect(main).to_contain_text("Alex Employee acknowledged this schedule on")
    expect(main).to_contain_text("Line assembly, six-hour shifts.")
    expect(main).not_to_contain_text("limit")
    expect(main).not_to_contain_text("assembler, 8 hours a day")  # the goal stays with the case manager
    audit(supervisor, "Supervisor: a return-to-work schedule")

    # Tighter restrictions: the case manager is emailed a link to the plan, where the step now conflicts.
    restrictions_in_effect(portal, work_hours=Limit(hours=5))
    manager.goto(portal.link_in_mail("manager@demo.test", CONFLICT_EMAIL))
    expect(manager.get_by_role("region", name="Schedule")).to_contain_text(
        "1 step conflicts with the restrictions in force"
    )
    manager.goto(f"/inbox/cases/{case_id}")
    expect(manager.get_by_role("region", name="Return-to-work plan")).to_contain_text("acknowledged by Alex Employee")
