"""The notices' screens: the case manager checks, completes and issues; the employee reads and downloads; nobody
else learns there are any."""

import re
from datetime import date

import pytest

from portal.accounts.models import Role
from portal.notices.models import Notice
from tests import factories


@pytest.fixture
def case(db_session):
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Example")
    factories.roster_person(db_session, employee)
    record = factories.case(db_session, employee=employee, leave_start=date(2026, 11, 16))
    db_session.commit()
    return record


def _form_values(page: str) -> dict:
    """The form as the page fills it in: text, dates, chosen options, ticked boxes and the one-time key."""
    values: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        if 'type="radio"' in tag or 'type="checkbox"' in tag:
            if "checked" in tag:
                values.setdefault(name.group(1), []).append(value.group(1) if value else "y")
        else:
            values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options
        )
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_the_case_manager_checks_completes_and_issues_a_designation_notice(app, web, login_as, case, db_session):
    login_as(Role.CASE_MANAGER, name="Morgan Manager")
    path = f"/inbox/cases/{case.id}/notices/designation/new"
    page = web.client.get(path).get_data(as_text=True)
    values = _form_values(page)
    assert values["employee_name"] == "Alex Example" and values["from_name"] == "Morgan Manager"

    values["decision"] = "more_information"
    values["employee_name"] = "Alex Q. Example"
    refused = web.post_form(path, values)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'id="missing_information-error"[^>]*>.*Say what is missing', page, re.S)
    assert 'value="Alex Q. Example"' in page
    assert "checked" in re.search(r'<input[^>]*value="more_information"[^>]*>', page).group(0)
    assert db_session.query(Notice).count() == 0

    values["missing_information"] = "The dates of the leave."
    issued = web.post_form(path, values)
    assert issued.status_code == 303
    [notice] = db_session.query(Notice).all()
    assert issued.headers["Location"].endswith(f"/inbox/notices/{notice.id}")
    assert notice.fields["employee_name"] == "Alex Q. Example"
    again = web.post_form(path, values)  # a second press of the same page
    assert again.status_code in (303, 302) and db_session.query(Notice).count() == 1

    shown = web.client.get(f"/inbox/notices/{notice.id}").get_data(as_text=True)
    assert "The dates of the leave." in shown and notice.sha256 in shown
    case_page = web.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert f'href="/inbox/notices/{notice.id}"' in case_page and "Notices and letters" in case_page


def test_a_closed_case_shows_why_and_takes_no_notice(app, web, login_as, case, db_session):
    login_as(Role.CASE_MANAGER)
    case.status = "closed"
    db_session.commit()
    page = web.client.get(f"/inbox/cases/{case.id}/notices/designation/new").get_data(as_text=True)
    assert "was closed" in page and "Issue the" not in page


def test_an_unknown_kind_or_a_letter_about_nothing_is_not_found(app, web, login_as, case):
    login_as(Role.CASE_MANAGER)
    assert web.client.get(f"/inbox/cases/{case.id}/notices/poem/new").status_code == 404
    assert web.client.get(f"/inbox/cases/{case.id}/notices/duty_offer/new").status_code == 404
    assert web.client.get(f"/inbox/cases/{case.id}/notices/duty_offer/new?about=999").status_code == 404


def _issued(app, case, db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    db_session.commit()
    manager_web = web_as(manager)
    path = f"/inbox/cases/{case.id}/notices/designation/new"
    values = _form_values(manager_web.client.get(path).get_data(as_text=True))
    values |= {"decision": "not_approved", "not_approved_reason": "The entitlement is used up."}
    assert manager_web.post_form(path, values).status_code == 303
    return db_session.query(Notice).one()


def test_the_employee_reads_and_downloads_their_notice(app, web, web_as, case, db_session):
    notice = _issued(app, case, db_session, web_as)
    assert web.login(case.employee.email).status_code == 303
    home = web.client.get("/employee/").get_data(as_text=True)
    assert f'href="/employee/cases/{case.id}/notices"' in home
    listed = web.client.get(f"/employee/cases/{case.id}/notices").get_data(as_text=True)
    assert f'href="/employee/notices/{notice.id}"' in listed and "(new)" in listed
    page = web.client.get(f"/employee/notices/{notice.id}").get_data(as_text=True)
    assert "The entitlement is used up." in page
    with web.client.get(f"/employee/notices/{notice.id}/pdf") as downloaded:
        assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
        assert downloaded.headers["Content-Disposition"].startswith("attachment")
        assert downloaded.get_data()[:5] == b"%PDF-"
    db_session.refresh(notice)
    assert notice.first_opened_at is not None


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CLINICIAN, Role.ADMIN, Role.EMPLOYEE])
def test_nobody_else_finds_a_notice(app, web, web_as, login_as, case, db_session, role):
    notice = _issued(app, case, db_session, web_as)
    login_as(role)  # an employee, but not this one
    for path in (
        f"/employee/notices/{notice.id}",
        f"/employee/notices/{notice.id}/pdf",
        f"/employee/cases/{case.id}/notices",
        f"/inbox/notices/{notice.id}",
        f"/inbox/notices/{notice.id}/pdf",
        f"/inbox/cases/{case.id}/notices/designation/new",
        f"/files/{notice.stored_file_id}",
    ):
        assert web.client.get(path).status_code == 404, path
