"""Cases opened from reports (issue 14): a supervisor reports an injury to someone new on their team, an employee
reports a need on a phone one question a page, and the case manager triages each into cases; someone who had no
account joins by the invitation the case sends and finds their cases on their home page.

Each test loads its own new hires with the roster, so that it runs in any order, and again.
"""

from datetime import timedelta

from playwright.sync_api import expect

from portal.core.columns import utcnow
from portal.core.dates import written_date as written
from tests.browser import roster
from tests.browser.checks import audit, follow, status_message
from tests.browser.intake import (
    claim_and_open_triage,
    heading,
    join_by_invitation,
    reference_in,
    triaged_cases,
)
from tests.browser.roster import NewHire

PHONE = {"width": 375, "height": 740}


def test_a_supervisors_injury_report_for_a_new_team_member_is_triaged_and_they_join_and_see_their_cases(
    sign_in, open_page, portal
):
    hire = NewHire.called("Dana", "Okafor", job_title="Picker", hired_days_ago=900, hours_last_12_months="1810")
    roster.load(sign_in("admin"), roster.roster_file(hire.row()))

    # The supervisor reports the injury of someone the roster has just put on their team.
    supervisor = sign_in("supervisor")
    follow(supervisor.get_by_role("main").get_by_role("link", name="Report an injury or absence"))
    expect(heading(supervisor)).to_have_text("Report an injury or an absence")
    supervisor.get_by_label("Who is it about?").select_option(label=f"{hire.name} (Picker)")
    supervisor.get_by_role("radio", name="An injury or illness from work").check()
    supervisor.get_by_label("Who was there?").fill("Priya Shah (line lead)")
    yesterday = utcnow().date() - timedelta(days=1)
    supervisor.get_by_label("When did it happen?").fill(f"{yesterday.isoformat()}T14:30")
    supervisor.get_by_label("Their first day away from work, if they are away").fill(utcnow().date().isoformat())
    supervisor.get_by_role("button", name="Send the report").click()
    summary = supervisor.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Say what happened at work, or what you have noticed. Nothing medical."]
    )
    expect(supervisor.get_by_label("Who is it about?")).not_to_have_value("0")  # the choice is kept
    audit(supervisor, "Supervisor: report an injury, what happened left out")
    supervisor.get_by_label("What happened at work?").fill(
        "A pallet slid off the top shelf in aisle 4 while they were picking and caught their shoulder."
    )
    supervisor.get_by_role("button", name="Send the report").click()
    reference = reference_in(status_message(supervisor))
    expect(heading(supervisor)).to_have_text(f"Your report {reference}")
    expect(supervisor.get_by_role("definition").filter(has_text="Waiting for a case manager")).to_be_visible()
    audit(supervisor, "Supervisor: a report they sent, waiting for a case manager")

    # The case manager triages it: a work injury that keeps them away is workers' compensation and a leave.
    manager = sign_in("case manager")
    item = claim_and_open_triage(manager, reference)
    report = item.get_by_role("region", name="The report")
    expect(report).to_contain_text(f"{hire.name}, employee {hire.employee_number}: Picker")
    expect(report).to_contain_text("Eligible, by the roster")
    audit(manager, "Case manager: triage of a supervisor's report, beside the list")
    tracks = item.get_by_role("group", name="Tracks to start")
    for track in tracks.get_by_role("checkbox").all():
        track.uncheck()
    item.get_by_role("button", name="Triage", exact=True).click()
    expect(item.get_by_role("alert")).to_be_focused()
    expect(item.get_by_role("alert")).to_contain_text("Choose at least one track")
    audit(manager, "Case manager: triage with no track chosen")
    tracks = item.get_by_role("group", name="Tracks to start")
    tracks.get_by_role("checkbox", name="Leave").check()
    tracks.get_by_role("checkbox", name="Workers' compensation").check()
    item.get_by_label("Expected return to work").fill((utcnow().date() + timedelta(days=21)).isoformat())
    item.get_by_role("button", name="Triage", exact=True).click()

    opened = triaged_cases(manager)
    assert set(opened) == {"Leave", "Workers' compensation"}, opened
    expect(heading(manager)).to_have_text(f"Case {opened['Leave']}: {hire.name}")
    fmla = manager.get_by_role("region", name="FMLA eligibility")
    expect(fmla).to_contain_text("Eligible, by the roster")
    expect(fmla).to_contain_text("1,810 hours in the last 12 months: at least 1,250.")
    expect(fmla).to_contain_text("The eligibility and rights notice is due by")
    audit(manager, "Case manager: a leave case opened at triage, with its FMLA eligibility")

    # The supervisor learns that cases exist, and for whom; never why.
    supervisor.goto("/supervisor/")
    for number in opened.values():
        expect(supervisor.get_by_role("region", name=hire.name).filter(has_text=number)).to_be_visible()
    expect(supervisor.get_by_role("main")).not_to_contain_text("shoulder")

    # Dana had no account: the case invited them. They set it up and find both cases at home.
    employee = open_page("new employee")
    join_by_invitation(employee, portal, hire)
    for track, number in opened.items():
        expect(employee.get_by_role("heading", name=f"Case {number}: {track}")).to_be_visible()
    audit(employee, "Employee: a new employee's cases, just opened")


def test_an_employee_reports_a_need_on_a_phone_and_the_case_manager_triages_it_into_a_leave(sign_in, open_page, portal):
    # Someone hired three months ago, invited to the portal by the admin, then on the roster that is loaded.
    hire = NewHire.called("Lee", "Marsh", job_title="Assembler", hired_days_ago=90, hours_last_12_months="470")
    admin = sign_in("admin")
    follow(admin.get_by_role("link", name="Invite someone").first)
    admin.get_by_label("Full name").fill(hire.name)
    admin.get_by_label("Email").fill(hire.email)
    admin.get_by_label("Role").select_option(label="Employee")
    admin.get_by_role("button", name="Send invitation").click()
    expect(status_message(admin)).to_contain_text(f"Invitation sent to {hire.email}.")
    roster.load(admin, roster.roster_file(hire.row()))

    employee = open_page("employee on a phone")
    join_by_invitation(employee, portal, hire)
    employee.set_viewport_size(PHONE)
    follow(employee.get_by_role("link", name="Report a need"))

    # Question 1 of 4: nothing chosen, then the need.
    expect(heading(employee)).to_have_text("What you need")
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("alert")).to_be_focused()
    expect(employee.get_by_role("alert").get_by_role("link")).to_have_text(["Choose what you need."])
    audit(employee, "Employee: report a need on a phone, question 1 with nothing chosen")
    employee.get_by_role("radio", name="Caring for a family member with a serious health condition").check()
    employee.get_by_role("button", name="Continue").click()

    # Question 2: the first day away is needed for time off; left empty, then given.
    expect(heading(employee)).to_have_text("When")
    first_day = utcnow().date() + timedelta(days=3)
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("alert").get_by_role("link")).to_have_text(
        ["Enter your first day away from work, or the day you expect it to be."]
    )
    audit(employee, "Employee: report a need on a phone, question 2 with no date")
    employee.get_by_label("Your first day away from work").fill(first_day.isoformat())
    employee.get_by_role("button", name="Continue").click()

    # Question 3, and Back to question 2: the date given is still there.
    expect(heading(employee)).to_have_text("At work?")
    audit(employee, "Employee: report a need on a phone, question 3")
    follow(employee.get_by_role("link", name="Back", exact=True))
    expect(heading(employee)).to_have_text("When")
    expect(employee.get_by_label("Your first day away from work")).to_have_value(first_day.isoformat())
    employee.get_by_role("button", name="Continue").click()
    expect(heading(employee)).to_have_text("At work?")
    employee.get_by_role("radio", name="No").check()
    employee.get_by_role("button", name="Continue").click()

    # Question 4: an email address mistyped, then put right.
    expect(heading(employee)).to_have_text("How to reach you")
    employee.get_by_label("Phone").fill("555-0142")
    employee.get_by_label("Email (if not your work email)").fill("lee at home")
    employee.get_by_label("When is best to reach you?").fill("Afternoons, text first")
    employee.get_by_role("button", name="Continue").click()
    expect(employee.get_by_role("alert").get_by_role("link")).to_have_text(
        ["Enter an email address like name@example.com."]
    )
    expect(employee.get_by_label("Phone")).to_have_value("555-0142")  # what was right is kept
    audit(employee, "Employee: report a need on a phone, question 4 with a mistyped email")
    employee.get_by_label("Email (if not your work email)").fill("lee.marsh@example.com")
    employee.get_by_role("button", name="Continue").click()

    # Check, then send.
    expect(heading(employee)).to_have_text("Check your answers")
    answers = employee.locator("dl.summary-list--check")
    expect(answers).to_contain_text("Caring for a family member with a serious health condition")
    expect(answers).to_contain_text("555-0142, lee.marsh@example.com, Afternoons, text first")
    audit(employee, "Employee: report a need on a phone, check your answers")
    employee.get_by_role("button", name="Send").click()
    reference = reference_in(status_message(employee))
    audit(employee, "Employee: a report of a need, sent")

    # The case manager triages it into a leave; the roster says Lee is not yet eligible for FMLA.
    manager = sign_in("case manager")
    item = claim_and_open_triage(manager, reference)
    report = item.get_by_role("region", name="The report")
    expect(report).to_contain_text("Time off to care for a family member")
    expect(report).to_contain_text("Not eligible, by the roster")
    tracks = item.get_by_role("group", name="Tracks to start")
    expect(tracks.get_by_role("checkbox", name="Leave")).to_be_checked()  # what the need suggests
    expect(tracks.get_by_role("checkbox", name="Accommodation")).not_to_be_checked()
    item.get_by_role("button", name="Triage", exact=True).click()

    opened = triaged_cases(manager)
    assert list(opened) == ["Leave"], opened
    fmla = manager.get_by_role("region", name="FMLA eligibility")
    expect(fmla).to_contain_text("Not eligible, by the roster")
    expect(fmla).to_contain_text("470 hours in the last 12 months: fewer than 1,250.")
    audit(manager, "Case manager: a leave case opened at triage, not eligible for FMLA")

    # Lee, still on the phone, finds the case on their home page.
    follow(employee.get_by_role("link", name="Your cases", exact=True))
    case = employee.get_by_role("region", name=f"Case {opened['Leave']}: Leave")
    expect(case).to_contain_text("Morgan Manager")
    expect(case.get_by_role("definition").filter(has_text=written(first_day))).to_be_visible()
    audit(employee, "Employee: your cases on a phone, a case just opened from their report")
