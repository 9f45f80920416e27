"""Tasks (issue 16): the case manager sees their task counts beside the inbox, opens the task list, clears the
demo case's contact task with a note (after being told the note is missing), adds a task of their own from the
case (after a day in the past is refused), and puts it off with a reason, on a phone."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.core.dates import written_date as written
from tests.browser.checks import audit, follow, status_message
from tests.browser.demo import demo_case_id

PHONE = {"width": 375, "height": 740}


def test_a_case_manager_clears_a_task_and_puts_off_one_of_their_own(sign_in, portal):
    case_id = demo_case_id(portal)
    manager = sign_in("case manager")
    manager.goto("/inbox/")
    expect(manager.locator("#my-tasks")).to_have_text("Your tasks")
    follow(manager.locator("#my-tasks"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(manager.get_by_role("link", name=re.compile(r"^All open \d+ tasks$"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(manager.get_by_role("table")).to_contain_text("Contact the employee")
    audit(manager, "Case manager: my tasks")

    # The demo case's own tasks, from its page: the contact task is cleared with a note.
    manager.goto(f"/inbox/cases/{case_id}")
    tasks = manager.get_by_role("region", name="Open tasks")
    follow(tasks.get_by_role("link", name="Contact the employee"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Contact the employee")
    expect(manager.get_by_role("main")).to_contain_text("the program's contact standard: due 14 days after")
    audit(manager, "Case manager: a task")
    manager.get_by_role("button", name="Mark done").click()
    summary = manager.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Say in a few words what was done."])
    audit(manager, "Case manager: a task done without a note")
    manager.get_by_label("What was done").fill("Called Alex: the knee is better, physio on Friday.")
    manager.get_by_role("button", name="Mark done").click()
    expect(status_message(manager)).to_contain_text("Done: Contact the employee.")
    expect(manager.get_by_role("heading", level=1)).to_have_text("My tasks")

    # A task of their own, from the case, on a phone: a day in the past is refused, beside its field.
    manager.set_viewport_size(PHONE)
    manager.goto(f"/inbox/cases/{case_id}")
    expect(manager.get_by_role("region", name="Open tasks")).not_to_contain_text("Contact the employee")
    follow(manager.get_by_role("link", name="Add a task to this case"))
    expect(manager.get_by_label("Case", exact=True)).to_have_value(re.compile(r"^C-\d{4}-\d{5}$"))
    manager.get_by_label("What is to be done").fill("Ask Alex how the first week back went")
    yesterday = utcnow().date() - timedelta(days=1)
    manager.get_by_label("Due on").fill(yesterday.isoformat())
    manager.get_by_role("button", name="Add the task").click()
    expect(manager.get_by_role("alert").get_by_role("link")).to_have_text(["A task cannot be due before today."])
    expect(manager.get_by_label("What is to be done")).to_have_value("Ask Alex how the first week back went")
    audit(manager, "Case manager: adding a task with a day in the past")
    week = utcnow().date() + timedelta(days=7)
    manager.get_by_label("Due on").fill(week.isoformat())
    manager.get_by_role("button", name="Add the task").click()
    expect(status_message(manager)).to_contain_text(f"due {written(week)}")
    follow(manager.get_by_role("region", name="Open tasks").get_by_role("link", name="Ask Alex how the first week"))

    # Put off with a reason; its history says from when to when, and why.
    later = week + timedelta(days=7)
    manager.get_by_label("Put off to").fill(later.isoformat())
    manager.get_by_label("Why").fill("Alex is away until the 14th.")
    manager.get_by_role("button", name="Put off").click()
    expect(status_message(manager)).to_contain_text(f"Put off to {written(later)}.")
    history = manager.get_by_role("region", name="History")
    expect(history).to_contain_text(f"from {written(week)} to {written(later)}: Alex is away until the 14th.")
    audit(manager, "Case manager: a task put off")
