"""The admin's people screens: find anyone on the roster, read their record and history, change where they work."""

import html
import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, RosterPerson
from portal.restrictions.operations import Limit
from tests import factories
from tests.accounts.test_roster_import import ROSTER, apply


@pytest.fixture
def roster(db_session, admin) -> dict[str, RosterPerson]:
    apply(db_session, ROSTER, admin)
    return {person.employee_number: person for person in db_session.scalars(select(RosterPerson))}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def names_listed(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/admin/people/\d+">([^<]+)</a>', page)


def person_page(roster, number: str) -> str:
    return f"/admin/people/{roster[number].id}"


def test_an_admin_finds_someone_by_number_name_or_email(admin_web, roster):
    everyone = text(admin_web.client.get("/admin/people"))
    assert names_listed(everyone) == ["Alex Employee", "Dana Director", "Riley Rivera", "Sam Supervisor"]
    assert "Everyone on the roster: 4" in everyone
    assert names_listed(text(admin_web.client.get("/admin/people?q=1004"))) == ["Riley Rivera"]
    assert names_listed(text(admin_web.client.get("/admin/people?q=riv"))) == ["Riley Rivera"]
    assert names_listed(text(admin_web.client.get("/admin/people?q=sam%40exa"))) == ["Sam Supervisor"]
    nobody = text(admin_web.client.get("/admin/people?q=zzz"))
    assert "No one on the roster has a name, employee number or work email starting with “zzz”." in nobody


def test_the_list_shows_job_supervisor_and_account_and_marks_those_left_out(db_session, admin, admin_web, roster):
    apply(db_session, "\n".join(line for line in ROSTER.splitlines() if not line.startswith("1004")), admin)
    page = text(admin_web.client.get("/admin/people?q=riley"))
    row = re.search(r"<tr>\s*<td>1004</td>.*?</tr>", page, re.S).group(0)
    assert 'Riley Rivera</a> <span class="muted">(Not in the latest roster)</span>' in row
    assert all(
        f"<td>{cell}</td>" in row for cell in ("Warehouse associate", "Warehouse", "Joliet", "Sam Supervisor", "None")
    )
    assert names_listed(text(admin_web.client.get("/admin/people?left_out=1"))) == ["Riley Rivera"]


def test_the_person_page_shows_the_record_the_reporting_line_and_the_history(admin_web, roster):
    page = text(admin_web.client.get(person_page(roster, "1002")))
    assert "<h1>Sam Supervisor</h1>" in page
    assert f'<a href="{person_page(roster, "1001")}">Dana Director</a> (1001)' in page  # their supervisor
    assert f'<a href="{person_page(roster, "1003")}">Alex Employee</a>' in page  # who reports to them
    assert f'<a href="{person_page(roster, "1004")}">Riley Rivera</a>' in page
    assert "Invited: <a" in page and "sam@example.test in Accounts" in page
    assert re.search(
        r"<th scope=\"row\">Added to the roster</th>.*Roster import of people.csv</td>\s*<td>Ada Admin", page, re.S
    )
    assert re.search(r'id="supervisor" name="supervisor" type="text" value="1001"', page)


def test_a_supervisor_not_on_the_roster_is_refused_by_the_field_keeping_what_was_typed(admin_web, roster):
    riley = person_page(roster, "1004")
    refused = admin_web.post_form(
        riley, {"supervisor": "9999", "department": "Transport", "location": "Aurora", "job_title": "Driver"}
    )
    page = text(refused)
    assert refused.status_code == 422
    error = re.search(r'<p class="field__error" id="supervisor-error">(.*?)</p>', page, re.S).group(1)
    assert "No one on the roster has the employee number or work email “9999”." in error
    assert 'href="#supervisor"' in page  # the summary links to the field
    for name, value in {
        "supervisor": "9999",
        "department": "Transport",
        "location": "Aurora",
        "job_title": "Driver",
    }.items():
        assert re.search(rf'id="{name}" name="{name}" type="text" value="{value}"', page)
    assert roster["1004"].job_title == "Warehouse associate"


def test_a_change_is_saved_and_shown_in_the_history(db_session, admin_web, roster):
    riley = person_page(roster, "1004")
    saved = admin_web.post_form(
        riley,
        {"supervisor": "dana@example.test", "department": "Warehouse", "location": "Aurora", "job_title": "Driver"},
    )
    assert saved.status_code == 303 and saved.headers["Location"] == riley
    page = text(admin_web.client.get(riley))
    assert "Riley Rivera's record is changed: supervisor, location, job title." in page
    assert re.search(
        r"<th scope=\"row\">Supervisor</th>\s*<td>Sam Supervisor \(1002\)</td>\s*<td>Dana Director \(1001\)</td>"
        r"\s*<td>Changed by an admin</td>\s*<td>Ada Admin</td>",
        page,
    )
    assert "<td>Joliet</td>\n    <td>Aurora</td>" in page


def test_a_change_over_one_made_meanwhile_is_refused_and_shows_what_changed(db_session, admin_web, roster):
    riley = person_page(roster, "1004")
    seen = re.search(r'name="version" type="hidden" value="(\d+)"', text(admin_web.client.get(riley))).group(1)
    form = {"supervisor": "1002", "department": "Warehouse", "location": "Joliet", "job_title": "Warehouse associate"}
    admin_web.post_form(riley, {**form, "location": "Aurora", "version": seen})  # a colleague, first
    late = admin_web.post_form(riley, {**form, "job_title": "Driver", "version": seen})
    assert late.status_code == 409 and "Riley Rivera's record changed while you were looking at it" in text(late)
    assert admin_web.post_form(riley, {**form, "job_title": "Driver"}).status_code == 303


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.EMPLOYEE, Role.CLINICIAN])
def test_only_admins_reach_the_people(db_session, web_as, roster, role):
    user = factories.user(db_session, role)
    db_session.commit()
    web = web_as(user)
    assert web.client.get("/admin/people").status_code == 404
    assert web.client.get(person_page(roster, "1004")).status_code == 404
    changed = web.post_form(person_page(roster, "1004"), {"job_title": "Driver"}, token_from="/")
    assert changed.status_code == 404
    assert roster["1004"].job_title == "Warehouse associate"


def test_the_people_screens_show_nothing_medical(db_session, admin_web, roster):
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex.account@example.test")
    roster["1003"].user_id = alex.id
    factories.accepted_report(
        db_session, factories.case(db_session, employee=alex), lift=Limit(pounds=10, frequency="occasionally")
    )
    db_session.commit()
    for path in ("/admin/people", "/admin/people?q=alex", person_page(roster, "1003")):
        page = text(admin_web.client.get(path))
        assert "Alex Employee" in page
        assert "Low back pain" not in page and "M54.50" not in page and "restriction" not in page.lower()


def test_the_header_and_the_roster_page_lead_to_the_people(admin_web, roster):
    roster_page = text(admin_web.client.get("/admin/roster"))
    assert roster_page.count('href="/admin/people"') == 2  # the header's People, and the page's link
    people = text(admin_web.client.get("/admin/people"))
    assert '<a href="/admin/people" aria-current="page">People</a>' in people
