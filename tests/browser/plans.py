"""The return-to-work plan as a case manager writes it in the browser."""

from playwright.sync_api import expect

from tests.browser.checks import status_message


def add_step(manager, starts, ends, hours: str, duties: str) -> None:
    steps = manager.get_by_role("region", name="Schedule")
    if not steps.get_by_label("From").is_visible():
        steps.get_by_text("Add a step", exact=True).click()
    steps.get_by_label("From").fill(starts.isoformat())
    steps.get_by_label("Until").fill(ends.isoformat())
    steps.get_by_label("Hours a day").fill(hours)
    steps.get_by_label("Days a week (optional)").fill("5")
    steps.get_by_label("Duties").fill(duties)
    steps.get_by_role("button", name="Add the step").click()
    expect(status_message(manager)).to_contain_text("Step added")
