"""Jobs through the portal: the admin's list and the page a job is recorded on, and the employee's own job on
the case manager's case page."""

import html
import io
import re

import pytest
from sqlalchemy import select

from portal.accounts import jobs
from portal.accounts.models import Job, Role, RosterPerson
from portal.restrictions.operations import Limit
from tests import factories
from tests.accounts.test_job_import import ASSOCIATE, jobs_file
from tests.accounts.test_roster_import import ROSTER, apply
from tests.queries import counting_queries


@pytest.fixture
def roster(db_session, admin) -> dict[str, Job]:
    apply(db_session, ROSTER, admin)
    return {job.title: job for job in db_session.scalars(select(Job))}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def job_page(job: Job) -> str:
    return f"/admin/jobs/{job.id}"


def rows_listed(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<th scope="row"><a href="/admin/jobs/\d+">([^<]+)</a></th>\s*<td>([^<]+)</td>\s*<td>(.*?)</td>', page
    )


def error_of(page: str, field: str) -> str:
    return re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S).group(1)


def test_the_jobs_list_shows_who_holds_each_job_and_whether_it_is_recorded(db_session, admin, admin_web, roster):
    jobs.record_job(db_session, admin, roster["Operations director"], jobs.JobInput("Run the plant", {}))
    page = text(admin_web.client.get("/admin/jobs"))
    assert re.search(r'<a href="/admin/jobs" aria-current="page">Jobs</a>', page)  # in the header, next to People
    listed = rows_listed(page)
    assert [(title, holders) for title, holders, _ in listed] == [
        ("Operations director", "1"),
        ("Warehouse associate", "2"),
        ("Warehouse supervisor", "1"),
    ]
    assert listed[0][2].startswith("Recorded ") and listed[1][2] == "<strong>Not recorded yet</strong>"
    unrecorded = text(admin_web.client.get("/admin/jobs?unrecorded=1"))
    assert [title for title, _, _ in rows_listed(unrecorded)] == ["Warehouse associate", "Warehouse supervisor"]


def test_the_roster_preview_and_its_confirmation_name_the_new_jobs(admin_web):
    checked = admin_web.post_form(
        "/admin/roster",
        {"file": (io.BytesIO(ROSTER.encode()), "people.csv")},
        token_from="/admin/roster",
        content_type="multipart/form-data",
    )
    preview = text(admin_web.client.get(checked.headers["Location"]))
    assert "<strong>3</strong> new job titles (Operations director, Warehouse associate, Warehouse supervisor)" in (
        preview
    )
    plan = re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    admin_web.post_form(checked.headers["Location"], {"plan": plan, "once": once})
    assert "3 new jobs to record on Jobs." in text(admin_web.client.get("/admin/roster"))


def test_an_admin_records_a_job_with_the_duty_offers_demand_fields(db_session, admin_web, roster):
    associate = roster["Warehouse associate"]
    page = text(admin_web.client.get(job_page(associate)))
    assert "<h1>Warehouse associate</h1>" in page and "2 people in the latest roster hold this job." in page
    for label in ("Lift: pounds the job needs", "Stand: hours a day the job needs", "Drive: does the job need it?"):
        assert f">{label}</label>" in page
    saved = admin_web.post_form(
        job_page(associate),
        {
            "essential_functions": "Pick and pack orders",
            "lift_pounds": "50",
            "lift_frequency": "frequently",
            "stand_hours": "6",
            "drive_allowed": "yes",
            "version": str(associate.version),
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"] == "/admin/jobs"
    assert "Warehouse associate: its essential functions and physical demands are recorded." in text(
        admin_web.client.get("/admin/jobs")
    )
    db_session.expire_all()
    assert jobs.demands_of(db_session, associate) == {
        "lift": Limit(pounds=50, frequency="frequently"),
        "stand": Limit(hours=6),
        "drive": Limit(allowed=True),
    }
    again = text(admin_web.client.get(job_page(associate)))  # the form shows what is recorded
    assert re.search(r'<input[^>]* id="lift_pounds"[^>]* value="50"', again)
    assert re.search(r'<option selected value="yes">Yes</option>', again)


def test_a_job_with_bad_demands_is_refused_by_each_field_keeping_what_was_typed(db_session, admin_web, roster):
    associate = roster["Warehouse associate"]
    refused = admin_web.post_form(
        job_page(associate),
        {"essential_functions": "Pick and pack orders", "lift_pounds": "50", "stand_hours": "30"},
    )
    page = text(refused)
    assert refused.status_code == 422
    assert "Lift: give both the pounds and how often, or neither." in error_of(page, "lift_pounds")
    assert "Stand: enter hours a day from 0 to 24." in error_of(page, "stand_hours")
    assert 'href="#lift_pounds"' in page  # the summary links to the field
    assert re.search(r">\s*Pick and pack orders</textarea>", page)
    assert re.search(r'<input[^>]* id="lift_pounds"[^>]* value="50"', page)
    assert re.search(r'<input[^>]* id="stand_hours"[^>]* value="30"', page)
    missing = text(admin_web.post_form(job_page(associate), {"essential_functions": " "}))
    assert "Describe the job's essential functions." in error_of(missing, "essential_functions")
    db_session.expire_all()
    assert not associate.recorded


def upload_jobs(web, text: str):
    return web.post_form(
        "/admin/jobs",
        {"file": (io.BytesIO(text.encode()), "jobs.csv")},
        token_from="/admin/jobs",
        content_type="multipart/form-data",
    )


def test_an_admin_loads_jobs_from_a_file_after_reading_its_preview(db_session, admin_web, roster):
    template = admin_web.client.get("/admin/jobs/template.csv")
    assert template.mimetype == "text/csv" and "attachment" in template.headers["Content-Disposition"]
    assert template.get_data(as_text=True).startswith("Job title,Essential functions,Lift: pounds the job needs,")
    checked = upload_jobs(admin_web, jobs_file(ASSOCIATE))
    assert checked.status_code == 303
    preview = text(admin_web.client.get(checked.headers["Location"]))
    assert "<strong>1</strong> to record" in preview
    assert re.search(r'<th scope="row">Warehouse associate</th><td>Recorded for the first time</td>', preview)
    plan = re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    done = admin_web.post_form(checked.headers["Location"], {"plan": plan, "once": once})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/jobs"
    page = text(admin_web.client.get("/admin/jobs"))
    assert "Jobs loaded: 1 recorded, 0 unchanged." in page
    assert [row for row in rows_listed(page) if row[0] == "Warehouse associate"][0][2].startswith("Recorded ")
    assert "jobs.csv was loaded" in text(admin_web.client.get(checked.headers["Location"]))


def test_a_jobs_file_with_a_problem_shows_it_by_its_line_and_offers_no_loading(admin_web, roster):
    checked = upload_jobs(admin_web, jobs_file({**ASSOCIATE, "Lift: how often": "often"}))
    preview = text(admin_web.client.get(checked.headers["Location"]))
    assert re.search(r'<th scope="row">2</th><td>Warehouse associate</td><td>Lift: how often: “often” is not', preview)
    assert "Load the jobs" not in preview and "Load the corrected file" in preview
    nothing = admin_web.post_form("/admin/jobs", {}, token_from="/admin/jobs")
    assert nothing.status_code == 422 and "Choose the jobs CSV file." in error_of(text(nothing), "file")


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.EMPLOYEE, Role.CLINICIAN])
def test_only_admins_reach_the_jobs(db_session, web_as, roster, role):
    user = factories.user(db_session, role)
    db_session.commit()
    web = web_as(user)
    associate = roster["Warehouse associate"]
    assert web.client.get("/admin/jobs").status_code == 404
    assert web.client.get(job_page(associate)).status_code == 404
    recorded = web.post_form(job_page(associate), {"essential_functions": "Pick"}, token_from="/")
    assert recorded.status_code == 404
    db_session.expire_all()
    assert not associate.recorded
    assert web.client.get("/admin/jobs/template.csv").status_code == 404
    assert upload_jobs(web, jobs_file(ASSOCIATE)).status_code == 404
    assert 'href="/admin/jobs"' not in text(web.client.get("/", follow_redirects=True))


def test_the_jobs_screens_show_nothing_medical(db_session, admin, admin_web, roster):
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex.account@example.test")
    db_session.scalar(select(RosterPerson).where(RosterPerson.employee_number == "1003")).user_id = alex.id
    factories.accepted_report(
        db_session, factories.case(db_session, employee=alex), lift=Limit(pounds=10, frequency="occasionally")
    )
    recorded = jobs.JobInput("Pick", {"lift": Limit(pounds=50, frequency="never")})
    jobs.record_job(db_session, admin, roster["Warehouse associate"], recorded)
    for path in ("/admin/jobs", job_page(roster["Warehouse associate"])):
        page = text(admin_web.client.get(path))
        assert "Warehouse associate" in page
        assert "Low back pain" not in page and "M54.50" not in page and "Alex Employee" not in page
        assert "Up to 10 lb" not in page and "Conflict" not in page


# --- the employee's own job on the case page ----------------------------------------------------------------


@pytest.fixture
def alex_case(db_session, roster):
    """Alex, a warehouse associate on the roster, with a case and a case manager."""
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex@example.test")
    db_session.scalar(select(RosterPerson).where(RosterPerson.employee_number == "1003")).user_id = employee.id
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    return {"case": case, "manager": manager}


def own_job_section(web, case) -> str:
    page = text(web.client.get(f"/inbox/cases/{case.id}"))
    return re.search(r'<section aria-labelledby="own-job-title">(.*?)</section>', page, re.S).group(1)


def test_the_case_page_shows_the_employees_own_job_against_their_restrictions(
    db_session, admin, web_as, roster, alex_case
):
    case, manager = alex_case["case"], web_as(alex_case["manager"])
    section = own_job_section(manager, case)
    assert "Their own job against the current restrictions" in section
    assert "<dd>Warehouse associate</dd>" in section and "are not recorded yet: an admin records them" in section
    demands = {"lift": Limit(pounds=50, frequency="frequently"), "stand": Limit(hours=6)}
    jobs.record_job(db_session, admin, roster["Warehouse associate"], jobs.JobInput("Pick and pack orders", demands))
    section = own_job_section(manager, case)
    assert '<dd class="pre-line">Pick and pack orders</dd>' in section
    assert "<strong>No work-status report yet: fit unknown</strong>" in section
    factories.accepted_report(db_session, case, lift=Limit(pounds=10, frequency="occasionally"))
    db_session.commit()
    section = own_job_section(manager, case)
    assert "<strong>1 conflict with the current restrictions</strong>" in section
    lift = re.search(r'<tr class="fit--conflict">\s*<th scope="row">Lift</th>(.*?)</tr>', section, re.S).group(1)
    assert "Up to 50 lb, frequently" in lift and "Up to 10 lb, occasionally" in lift and "40 lb over" in lift
    assert re.search(r'<tr class="fit--unknown">\s*<th scope="row">Stand</th>', section)


def test_the_case_page_says_when_the_employee_is_not_on_the_roster(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    case = factories.case(db_session, employee=factories.user(db_session, Role.EMPLOYEE, name="Jo Contractor"))
    db_session.commit()
    assert "Jo Contractor is not on the roster, so their job is not known." in own_job_section(web_as(manager), case)


def test_the_case_page_runs_the_same_queries_however_many_demands_the_job_has(
    db_session, admin, web_as, roster, alex_case
):
    case, manager = alex_case["case"], web_as(alex_case["manager"])
    factories.accepted_report(db_session, case, lift=Limit(pounds=10, frequency="occasionally"))
    db_session.commit()

    def queries(demands: dict[str, Limit]) -> int:
        jobs.record_job(db_session, admin, roster["Warehouse associate"], jobs.JobInput("Pick", demands))
        with counting_queries() as statements:
            assert manager.client.get(f"/inbox/cases/{case.id}").status_code == 200
        return len(statements)

    one = queries({"lift": Limit(pounds=50, frequency="frequently")})
    many = queries(
        {
            "lift": Limit(pounds=50, frequency="frequently"),
            "carry": Limit(pounds=30, frequency="occasionally"),
            "stand": Limit(hours=6),
            "bend": Limit(frequency="frequently"),
            "drive": Limit(allowed=True),
        }
    )
    assert one == many
