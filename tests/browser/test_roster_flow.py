"""The admin loads the employer's roster (issue 14): a file with a bad row is refused with the problem by its
line, the corrected file is checked and loaded, the same file again changes nothing, and the new people are on
People with their records."""

import re

from playwright.sync_api import expect

from tests.browser.checks import audit, follow, status_message
from tests.browser.roster import NewHire, choose_and_check, line_of, roster_file


def test_an_admin_loads_a_roster_with_a_bad_row_fixes_it_and_loads_it_again(sign_in):
    picker = NewHire.called("Lee", "Marsh", job_title="Picker", hired_days_ago=400, hours_last_12_months="1720")
    driver = NewHire.called(
        "Noor", "Haddad", job_title="Forklift operator", hired_days_ago=90, hours_last_12_months="480"
    )
    file_name = f"hr-export-{picker.tag}.csv"
    # Noor's hire date as a spreadsheet formatted it for reading ("31 Aug 2026"), not in either form a file takes.
    written = f"{driver.hire_date:%-d %b %Y}"
    bad = roster_file(picker.row(), driver.row(hire_date=written), name=file_name)
    fixed = roster_file(picker.row(), driver.row(), name=file_name)

    admin = sign_in("admin")
    follow(admin.get_by_role("link", name="Roster", exact=True))
    expect(admin.get_by_role("heading", level=1)).to_have_text("Roster")
    choose_and_check(admin, bad)

    problems = admin.get_by_role("table", name=re.compile(r"^Rows with problems"))
    expect(problems.get_by_role("row")).to_have_count(2)  # the head row and Noor's
    line = str(line_of(bad, driver.employee_number))
    problem = problems.get_by_role("row").filter(has=admin.get_by_role("rowheader", name=line, exact=True))
    expect(problem).to_contain_text(driver.employee_number)
    expect(problem).to_contain_text(f"“{written}” is not a date. Write it like 2024-03-01 or 3/1/2024.")
    expect(admin.get_by_text("1 row with problems")).to_be_visible()
    expect(admin.get_by_role("button", name=re.compile(r"^Load the roster"))).to_have_count(0)
    audit(admin, "Admin: roster file checked, a row with a problem")

    choose_and_check(admin, fixed)  # from the form under the problems
    expect(admin.get_by_text("0 rows with problems")).to_be_visible()
    added = admin.get_by_role("table", name="To add")
    for person in (picker, driver):
        expect(added.get_by_role("row").filter(has_text=person.employee_number)).to_contain_text(person.name)
    audit(admin, "Admin: roster file checked, ready to load")
    with admin.expect_navigation():
        admin.get_by_role(
            "button", name=re.compile(r"^Load the roster: 2 added, \d+ changed, \d+ no longer in it$")
        ).click()

    expect(admin.get_by_role("heading", level=1)).to_have_text("Roster")
    expect(status_message(admin)).to_contain_text(re.compile(r"Roster loaded: 2 added, \d+ changed, \d+ no longer in"))
    loads = admin.get_by_role("table", name="Roster files loaded lately")
    expect(loads.get_by_role("row").filter(has_text=file_name)).to_contain_text("Ada Admin")
    audit(admin, "Admin: roster, a file just loaded")

    # The same file again: nothing to change, and nothing to confirm.
    choose_and_check(admin, fixed)
    expect(admin.get_by_text("The roster already says all of this: nothing to change.")).to_be_visible()
    expect(admin.get_by_role("button", name=re.compile(r"^Load the roster"))).to_have_count(0)
    audit(admin, "Admin: roster file checked, nothing to change")

    # Noor is on People, with the supervisor and hire date the file gave, added by this file.
    follow(admin.get_by_role("link", name="People", exact=True))
    admin.get_by_role("searchbox", name="Find someone").fill(driver.employee_number)
    with admin.expect_navigation():
        admin.get_by_role("button", name="Search").click()
    found = admin.get_by_role("table", name=re.compile(r"^People whose name"))
    expect(found).to_have_accessible_name(re.compile(r": 1$"))
    expect(found.get_by_role("row").filter(has_text=driver.employee_number)).to_contain_text("Sam Supervisor")
    audit(admin, "Admin: people, found by employee number")
    follow(found.get_by_role("link", name=driver.name))
    expect(admin.get_by_role("heading", level=1)).to_have_text(driver.name)
    expect(admin.get_by_role("definition").filter(has_text="Sam Supervisor (1002)")).to_be_visible()
    expect(admin.get_by_role("table", name=f"Changes to {driver.name}'s record, the newest first")).to_contain_text(
        f"Roster import of {file_name}"
    )
    audit(admin, "Admin: a person's record, just added by a roster file")

    # Moved to the warehouse, and by a slip named as their own supervisor: refused by its field, then saved.
    admin.get_by_label("Supervisor", exact=True).fill(driver.employee_number)
    admin.get_by_label("Location", exact=True).fill("Warehouse 2")
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_role("alert")).to_be_focused()
    expect(admin.get_by_role("alert").get_by_role("link")).to_have_text(["A person cannot be their own supervisor."])
    expect(admin.get_by_label("Location", exact=True)).to_have_value("Warehouse 2")
    audit(admin, "Admin: a person's record, named as their own supervisor")
    admin.get_by_label("Supervisor", exact=True).fill("1002")
    admin.get_by_role("button", name="Save changes").click()
    expect(status_message(admin)).to_contain_text(f"{driver.name}'s record is changed: location.")
    expect(admin.get_by_role("definition").filter(has_text="Warehouse 2")).to_be_visible()


def test_a_file_that_is_not_a_roster_is_refused_before_any_row_is_read(sign_in):
    admin = sign_in("admin")
    follow(admin.get_by_role("link", name="Roster", exact=True))
    with admin.expect_navigation():
        admin.get_by_role("button", name="Check the file").click()
    expect(admin.get_by_role("alert")).to_be_focused()
    expect(admin.get_by_role("alert").get_by_role("link")).to_have_text(["Choose the roster's CSV file."])
    audit(admin, "Admin: roster, no file chosen")

    # An export whose hours column is named otherwise: the file as a whole is refused, naming the columns.
    header = "Employee number,Name,Work email,Job title,Department,Location,Supervisor,Hire date,Hours\n"
    misnamed = {"name": "export.csv", "mimeType": "text/csv", "buffer": (header + "9,Al Bo,al@demo.test\n").encode()}
    choose_and_check(admin, misnamed)
    refusal = admin.get_by_role("alert")
    expect(refusal).to_contain_text("This file cannot be loaded")
    expect(refusal).to_contain_text("Unknown columns: “Hours”.")
    expect(refusal).to_contain_text("Missing columns: Hours worked in the last 12 months.")
    expect(admin.get_by_role("button", name=re.compile(r"^Load the roster"))).to_have_count(0)
    audit(admin, "Admin: roster file checked, not a roster")
