"""The figures screen and its CSV downloads, through the test client."""

import csv
import io

import pytest

from portal.accounts.models import Role
from portal.metrics.csv_tables import neutralised
from tests import factories


def test_a_case_manager_sees_every_section_with_its_definition_table_and_csv_link(web, login_as):
    login_as(Role.CASE_MANAGER)
    page = web.client.get("/figures/?since=2026-04-01&until=2026-06-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for title in ("Cases", "Time to first triage", "Days lost", "Accommodation decisions", "Caseload per case manager"):
        assert f">{title}</h2>" in html
    assert "How it is counted:" in html
    assert 'href="/figures/days_lost_by_month.csv?since=2026-04-01&amp;until=2026-06-30"' in html
    assert 'src="data:image/svg+xml;base64,' in html  # the charts, drawn on the server
    assert 'value="2026-04-01"' in html  # the filters keep what was asked


def test_a_period_that_ends_before_it_starts_is_explained_next_to_its_field_and_the_input_kept(web, login_as):
    login_as(Role.CASE_MANAGER)
    html = web.client.get("/figures/?since=2026-06-01&until=2026-05-01").get_data(as_text=True)
    assert 'id="figures-until-error"' in html and "comes before its start" in html
    assert 'value="2026-05-01"' in html


@pytest.mark.parametrize(
    "query",
    [
        "since=not-a-date&until=2026-13-45",
        "since=0001-01-01&until=9999-12-31",
        "case_type=%00&department=%00&case_manager=99999999999999999999999",
        "since=2026-01-01%00",
        "since=0001-01-01",
        "until=9999-12-31",
        "since=9999-12-30&until=9999-12-31",
    ],
)
def test_odd_input_in_the_address_never_answers_an_error_page(web, login_as, query):
    login_as(Role.CASE_MANAGER)
    assert web.client.get(f"/figures/?{query}").status_code == 200
    assert web.client.get(f"/figures/cases.csv?{query}").status_code == 200


def test_a_period_too_long_or_out_of_any_history_is_explained_and_the_last_three_months_shown(web, login_as):
    login_as(Role.CASE_MANAGER)
    html = web.client.get("/figures/?since=1990-01-01").get_data(as_text=True)
    assert 'id="figures-since-error"' in html and "five years or less" in html
    html = web.client.get("/figures/?since=9999-12-30&until=9999-12-31").get_data(as_text=True)
    assert "between the years 1900 and 2199" in html


def test_a_csv_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(web, login_as, db_session):
    login_as(Role.CASE_MANAGER)
    employee = factories.user(db_session, department='=HYPERLINK("http://evil.test","x")')
    factories.case(db_session, employee, leave_start=factories.utcnow().date().replace(day=1))
    db_session.commit()
    response = web.client.get("/figures/days_lost_by_department.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["Department", "Days away", "Days restricted"]
    assert table[1][0] == '\'=HYPERLINK("http://evil.test","x")'
    assert [neutralised(cell) for cell in ("+1", "-2", "@SUM(A1)", "\tx", "plain", 3, None)] == [
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        3,
        "",
    ]


def test_a_supervisor_sees_their_team_and_cannot_download_a_medical_table(web, login_as):
    login_as(Role.SUPERVISOR)
    html = web.client.get("/figures/").get_data(as_text=True)
    assert "Your team&#39;s figures" in html or "Your team's figures" in html
    assert "Accommodation decisions" not in html and "How cases closed" not in html
    assert 'id="figures-case_type"' not in html  # no filter that would narrow to a few people
    assert web.client.get("/figures/outcomes.csv").status_code == 404
    assert web.client.get("/figures/days_lost_by_month.csv").status_code == 200


def test_an_admin_sees_the_workload_only(web, login_as):
    login_as(Role.ADMIN)
    html = web.client.get("/figures/").get_data(as_text=True)
    assert "Caseload per case manager" in html and "Days lost" not in html
    assert web.client.get("/figures/days_lost_by_month.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.CLINICIAN])
def test_employees_and_clinicians_have_no_figures(web, login_as, role):
    login_as(role)
    assert web.client.get("/figures/").status_code == 404
    assert web.client.get("/figures/cases.csv").status_code == 404


def test_an_unknown_table_is_not_found(web, login_as):
    login_as(Role.CASE_MANAGER)
    assert web.client.get("/figures/nothing.csv").status_code == 404
