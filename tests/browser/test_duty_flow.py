"""Transitional duty: an offer that conflicts, fixed while it is filled in, forwarded, accepted."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.restrictions.operations import Limit
from tests.browser.checks import audit, follow
from tests.browser.demo import restrictions_in_effect


def test_a_conflicting_offer_is_fixed_forwarded_and_accepted(sign_in, portal):
    restrictions_in_effect(portal, lift=Limit(pounds=20, frequency="occasionally"))
    supervisor = sign_in("supervisor")
    follow(supervisor.get_by_role("link", name="Offer transitional duty to Alex Employee"))
    audit(supervisor, "Supervisor: transitional-duty offer form")
    fit = supervisor.get_by_role("region", name=re.compile("Fit with Alex Employee"))
    supervisor.get_by_label("Lift: pounds the job needs").fill("40")
    supervisor.get_by_label("Lift: pounds the job needs").blur()  # a person moves on, and the change is checked
    supervisor.get_by_label("Lift: how often").select_option(label="Frequently (1/3 to 2/3 of the day)")
    expect(fit).to_contain_text("1 conflict with the current restrictions")
    expect(fit.get_by_role("row").filter(has_text="Lift")).to_contain_text("Conflict")
    supervisor.wait_for_load_state("networkidle")  # each field's change re-checks the fit; let the last land
    audit(supervisor, "Supervisor: offer form showing a conflict")
    supervisor.get_by_label("Lift: pounds the job needs").fill("10")
    supervisor.get_by_label("Lift: pounds the job needs").blur()
    supervisor.get_by_label("Lift: how often").select_option(label="Occasionally (up to 1/3 of the day)")
    expect(fit).to_contain_text("Fits the current restrictions")

    start = utcnow().date() + timedelta(days=3)
    supervisor.get_by_label("Job title", exact=True).fill("Parts inspector")
    supervisor.get_by_label("Tasks", exact=True).fill("Inspect finished parts at a bench, seated.")
    supervisor.get_by_label("Location", exact=True).fill("Plant 2, inspection bay")
    supervisor.get_by_label("Hours a day", exact=True).fill("6")
    supervisor.get_by_label("Days", exact=True).fill("Monday to Friday, 7:00 to 13:00")
    supervisor.get_by_label("Start date").fill(start.isoformat())
    supervisor.get_by_label("End date").fill((start + timedelta(days=27)).isoformat())
    supervisor.get_by_label("The employee must answer by").fill((start - timedelta(days=1)).isoformat())
    supervisor.get_by_label("Contact person").fill("Sam Supervisor")
    supervisor.get_by_role("button", name="Send the offer").click()
    expect(supervisor.get_by_role("status")).to_contain_text("sent to the case manager")
    audit(supervisor, "Supervisor: an offer sent")

    manager = sign_in("case manager")
    manager.goto(portal.link_in_mail("manager@demo.test", "New item to review"))
    expect(manager.get_by_role("table", name="Demands and restrictions side by side")).to_contain_text("Fits")
    audit(manager, "Case manager: reviewing a transitional-duty offer")
    manager.get_by_role("button", name="Claim (assign to me)").click()

    # A question about the offer goes to the supervisor, who answers it on the offer's own page.
    manager.get_by_text("Ask the supervisor for more information").click()
    manager.get_by_label("What do you need?").fill("Is the inspection bench at seated height?")
    manager.get_by_role("button", name="Send request").click()
    expect(manager.get_by_role("status")).to_contain_text("Request sent. The supervisor has been emailed.")
    supervisor.goto(portal.link_in_mail("supervisor@demo.test", "Your case manager needs more information"))
    expect(supervisor.get_by_role("region", name="The case manager needs more information")).to_contain_text(
        "Is the inspection bench at seated height?"
    )
    audit(supervisor, "Supervisor: a question about an offer")
    supervisor.get_by_label("Your reply").fill("Yes, and it adjusts.")
    supervisor.get_by_role("button", name="Send reply").click()
    expect(supervisor.get_by_role("status")).to_contain_text("Your reply has gone to the case manager.")
    manager.goto(portal.link_in_mail("manager@demo.test", "A reply to your request for more information"))
    expect(manager.get_by_role("heading", name="In review, with Morgan Manager")).to_be_visible()
    expect(manager.locator("main")).to_contain_text("Yes, and it adjusts.")
    manager.get_by_role("button", name="Accept and forward to the employee").click()
    expect(manager.get_by_role("status")).to_contain_text("forwarded to the employee")

    employee = sign_in("employee")
    employee.goto(portal.link_in_mail("employee@demo.test", "An offer of transitional duty"))
    expect(employee.get_by_role("heading", level=1)).to_contain_text("Parts inspector")
    audit(employee, "Employee: an offer of transitional duty")
    employee.get_by_role("button", name="Accept the offer").click()
    expect(employee.get_by_role("status")).to_contain_text("You accepted the offer")
    employee.goto("/employee/")
    expect(employee.get_by_text(re.compile("Transitional duty starts on")).first).to_be_visible()
    supervisor.goto("/supervisor/")
    expect(supervisor.get_by_text(re.compile(r"accepted by the employee"))).to_be_visible()
