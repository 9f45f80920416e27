"""The program's figures (issue 17): a case manager narrows the figures to one case type from a date, the address
keeps the filters, a table downloads as CSV; a mistaken period is explained beside its field; a supervisor sees
their team's figures on a phone, with nothing medical."""

import re

from playwright.sync_api import expect

from portal.core.columns import utcnow
from tests.browser.checks import audit, follow

PHONE = {"width": 375, "height": 740}


def test_a_case_manager_filters_the_figures_and_downloads_a_table(sign_in):
    manager = sign_in("case manager")
    follow(manager.get_by_role("link", name="Cases", exact=True))
    follow(manager.get_by_role("link", name="Program figures"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Program figures")
    expect(manager.get_by_role("heading", name="Days lost", level=2)).to_be_visible()
    expect(manager.get_by_role("img", name=re.compile(r"^Days lost by month: "))).to_be_visible()
    audit(manager, "Case manager: program figures")

    year = utcnow().year
    manager.get_by_label("From", exact=True).fill(f"{year}-01-01")
    manager.get_by_role("combobox", name="Case type").select_option(label="Leave")
    manager.get_by_role("button", name="Show").click()
    expect(manager).to_have_url(re.compile(rf"since={year}-01-01.*case_type=leave"))
    expect(manager.get_by_text(re.compile(rf"^Period: 1 Jan {year} to .*; leave cases\.$"))).to_be_visible()
    expect(manager.get_by_role("combobox", name="Case type")).to_have_value("leave")

    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download “Days lost by month” as CSV").click()
    assert re.fullmatch(
        rf"days_lost_by_month-{year}-01-01-to-\d{{4}}-\d\d-\d\d\.csv", download.value.suggested_filename
    )
    with open(download.value.path(), encoding="utf-8") as saved:
        lines = saved.read().splitlines()
    assert lines[0] == "Month,Days away,Days restricted"
    assert lines[1].startswith(f"Jan {year},")

    # A period that ends before it starts: said beside its field, the day typed kept.
    manager.get_by_label("To", exact=True).fill(f"{year - 1}-06-30")
    manager.get_by_role("button", name="Show").click()
    summary = manager.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        ["The end of the period comes before its start: give a later day."]
    )
    expect(manager.get_by_label("To", exact=True)).to_have_value(f"{year - 1}-06-30")
    audit(manager, "Case manager: program figures with a mistaken period")


def test_a_supervisor_sees_their_teams_figures_on_a_phone(sign_in):
    supervisor = sign_in("supervisor")
    supervisor.set_viewport_size(PHONE)
    follow(supervisor.get_by_role("link", name="Figures"))
    expect(supervisor.get_by_role("main")).to_contain_text("Your team's figures")
    expect(supervisor.get_by_role("heading", name="Days lost", level=2)).to_be_visible()
    expect(supervisor.get_by_role("heading", name="Accommodation decisions")).to_have_count(0)
    expect(supervisor.get_by_role("combobox", name="Case type")).to_have_count(0)
    audit(supervisor, "Supervisor: their team's figures")
