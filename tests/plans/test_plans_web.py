"""The return-to-work plan's screens through the test client: the case manager's, the employee's and the
supervisor's, who else gets a 404, refusals next to their fields, a closed case, and the queries they take."""

import re

import pytest

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.extensions import db
from portal.plans import operations as plans
from portal.restrictions.operations import Limit
from tests import factories
from tests.plans.conftest import day, step
from tests.queries import counting_queries


@pytest.fixture
def web(team, web_as):
    return {role: web_as(team[role]) for role in ("manager", "employee", "supervisor", "clinician")}


def paths(case) -> dict[str, str]:
    return {
        "manager": f"/inbox/cases/{case.id}/plan",
        "employee": f"/employee/cases/{case.id}/plan",
        "supervisor": f"/supervisor/cases/{case.id}/plan",
    }


def step_fields(starts: int, ends: int, hours: str = "4", **changes) -> dict:
    fields = {
        "step-starts_on": day(starts).isoformat(),
        "step-ends_on": day(ends).isoformat(),
        "step-hours_per_day": hours,
        "step-days_per_week": "5",
        "step-duties": "Inspect parts at a bench, seated",
        "step-duty_offer_id": "",
        "step-version": changes.pop("version", ""),
    }
    fields.update({f"step-{name}": value for name, value in changes.items()})
    return fields


def version_on(page: str, prefix: str) -> str:
    return re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', page).group(1)


def test_the_case_manager_starts_a_plan_from_the_case_page(web, team):
    case_page = web["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert "Return-to-work plan" in case_page and "Write the return-to-work plan" in case_page
    assert case_page.index('id="plan-title"') < case_page.index('id="availability-title"')
    path = paths(team["case"])["manager"]
    page = web["manager"].client.get(path).get_data(as_text=True)
    assert "Start the plan" in page

    refused = web["manager"].post_form(path, {"goal-goal": " "})
    assert refused.status_code == 422
    assert "Enter the goal: what the employee will be doing, and by when." in refused.get_data(as_text=True)

    started = web["manager"].post_form(path, {"goal-goal": "Back to full duty by June"})
    assert started.status_code == 303 and started.location.endswith(path)
    page = web["manager"].client.get(path).get_data(as_text=True)
    assert "Back to full duty by June" in page and "Plan started" in page and "Add the step" in page


def test_a_step_with_problems_comes_back_with_each_next_to_its_field_and_what_was_typed(web, team, plan):
    path = paths(team["case"])["manager"]
    response = web["manager"].post_form(
        f"{path}/steps", step_fields(5, 1, hours="30", duties="Sorting returns, standing"), token_from=path
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="step-ends_on-error"' in page and "The end date must be on or after the start date." in page
    assert 'id="step-hours_per_day-error"' in page and "Enter the hours a day, from 0.5 to 24." in page
    assert "Sorting returns, standing" in page and f'value="{day(5).isoformat()}"' in page
    assert '<details class="action" open>' in page


def test_steps_and_milestones_are_added_checked_and_removed(web, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=4))
    path = paths(team["case"])["manager"]
    client = web["manager"]
    page = client.client.get(path).get_data(as_text=True)
    added = client.post_form(f"{path}/steps", step_fields(1, 14, version=version_on(page, "step")), token_from=path)
    assert added.status_code == 303
    page = client.client.get(path).get_data(as_text=True)
    assert f'value="{day(15).isoformat()}"' in page  # the next step starts the day after
    client.post_form(f"{path}/steps", step_fields(15, 28, "6", version=version_on(page, "step")), token_from=path)
    page = client.client.get(path).get_data(as_text=True)
    assert "Step 2: " in page and "6 hours a day, 5 days a week" in page
    assert "1 step conflicts with the restrictions in force" in page
    assert "Over the work-hours limit" in page and "Asks 6 hours a day; the limit is 4 (2 hours over)" in page

    client.post_form(
        f"{path}/milestones",
        {"milestone-due_on": day(28).isoformat(), "milestone-description": "Full days", "milestone-version": ""},
        token_from=path,
    )
    record = plans.existing_plan(db.session, team["case"])
    milestone, second = record.milestones[0], record.steps[1]
    page = client.client.get(path).get_data(as_text=True)
    assert "Full days" in page and "Not met yet" in page
    met = client.post_form(f"{path}/milestones/{milestone.id}/met", {}, token_from=path)
    assert met.status_code == 303
    assert "Met on" in client.client.get(path).get_data(as_text=True)

    page = client.client.get(path).get_data(as_text=True)
    removed = client.post_form(
        f"{path}/steps/{second.id}/remove", {f"step-{second.id}-version": version_on(page, f"step-{second.id}")}
    )
    assert removed.status_code == 303
    page = client.client.get(path).get_data(as_text=True)
    assert "Step removed." in page and "Step 2: " not in page and "Every current and future step fits" in page


def test_a_stale_page_is_told_so_and_shown_the_plan_as_it_is(web, team, plan):
    path = paths(team["case"])["manager"]
    stale = version_on(web["manager"].client.get(path).get_data(as_text=True), "step")
    plans.change_goal(db.session, team["manager"], plans.existing_plan(db.session, team["case"]), "Later", None)
    response = web["manager"].post_form(f"{path}/steps", step_fields(1, 14, version=stale), token_from=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone changed this plan" in page
    assert version_on(page, "step") == str(int(stale) + 1)  # sent again, it is about the plan as it is now


def test_the_employee_reads_and_acknowledges_their_plan(web, team, plan):
    plans.add_step(db.session, team["manager"], plan, step(1, 14), plan.version)
    plans.add_milestone(
        db.session, team["manager"], plan, plans.MilestoneInput(day(14), "Six hours a day"), plan.version
    )
    home = web["employee"].client.get("/employee/").get_data(as_text=True)
    assert "Your return-to-work plan, to acknowledge" in home
    path = paths(team["case"])["employee"]
    page = web["employee"].client.get(path).get_data(as_text=True)
    for words in ("Back to full duty", "Step 1: from", "4 hours a day, 5 days a week", "Six hours a day"):
        assert words in page, words
    assert "Acknowledge my plan" in page

    shown = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert shown == str(plan.version) == "3"
    response = web["employee"].post_form(path, {"version": shown})
    assert response.status_code == 303
    page = web["employee"].client.get(path).get_data(as_text=True)
    assert "You acknowledged this plan on" in page and "Acknowledge my plan" not in page
    home = web["employee"].client.get("/employee/").get_data(as_text=True)
    assert "Your return-to-work plan" in home and "to acknowledge" not in home
    case_page = web["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert "acknowledged by Alex Employee on" in case_page


def test_an_acknowledgement_of_a_version_since_changed_is_refused_by_the_button(web, team, plan):
    plans.add_step(db.session, team["manager"], plan, step(1, 14), plan.version)
    path = paths(team["case"])["employee"]
    web["employee"].client.get(path)
    plans.add_step(db.session, team["manager"], plan, step(15, 28), plan.version)
    response = web["employee"].post_form(path, {"version": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Your case manager changed the plan since you opened it" in page
    assert 'name="version" type="hidden" value="3"' in page and "Step 2: from" in page


def test_the_supervisor_sees_the_schedule_and_nothing_medical(web, team, plan, accept_report):
    accept_report(work_hours=Limit(hours=4), lift=Limit(pounds=10, frequency="occasionally"))
    plans.add_step(db.session, team["manager"], plan, step(1, 14, hours=6), plan.version)
    plans.add_milestone(
        db.session, team["manager"], plan, plans.MilestoneInput(day(14), "Knee pain-free"), plan.version
    )
    home = web["supervisor"].client.get("/supervisor/").get_data(as_text=True)
    assert f'href="/supervisor/cases/{team["case"].id}/plan"' in home
    response = web["supervisor"].client.get(paths(team["case"])["supervisor"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Return-to-work schedule: Alex Employee" in page and "6 hours a day" in page
    assert "Inspect parts at a bench, seated" in page
    for medical in ("M54", "Low back pain", "limit", "Over the work-hours", "conflict", "Knee", "by June"):
        assert medical.lower() not in page.lower(), medical


@pytest.mark.security(
    threat="Someone outside the case reads or changes its return-to-work plan",
    control="The plan's screens answer 404 to all but its case manager, its employee and their supervisor",
)
def test_the_plan_screens_answer_404_to_everyone_else(web, team, plan, web_as, db_session):
    others = [factories.user(db_session, role) for role in (Role.EMPLOYEE, Role.SUPERVISOR, Role.ADMIN)]
    db_session.commit()
    outsiders = {
        **{f"another {user.role}": web_as(user) for user in others},
        "the authorised clinician": web["clinician"],
    }
    for who, client in outsiders.items():
        for path in paths(team["case"]).values():
            assert client.client.get(path).status_code == 404, (who, path)
    # Each area answers only its own role, whoever's case it is.
    assert web["employee"].client.get(paths(team["case"])["supervisor"]).status_code == 404
    assert web["supervisor"].client.get(paths(team["case"])["manager"]).status_code == 404
    assert (
        web["supervisor"].post_form(paths(team["case"])["employee"], {}, token_from="/supervisor/").status_code == 404
    )


def test_a_closed_cases_plan_is_read_only_and_says_why(web, team, plan, db_session):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    team["case"].status = CaseStatus.CLOSED
    db_session.commit()
    path = paths(team["case"])["manager"]
    page = web["manager"].client.get(path).get_data(as_text=True)
    assert f"Case {team['case'].number} was closed" in page
    assert "Add the step" not in page and "Remove step 1" not in page and "Change the goal" not in page
    response = web["manager"].post_form(f"{path}/steps", step_fields(15, 28, version="2"), token_from=path)
    assert response.status_code == 409 and "error-summary" in response.get_data(as_text=True)
    employee_page = web["employee"].client.get(paths(team["case"])["employee"]).get_data(as_text=True)
    assert "was closed" in employee_page and "Acknowledge my plan" not in employee_page
    refused = web["employee"].post_form(paths(team["case"])["employee"], {"version": "2"})
    assert refused.status_code == 409 and "was closed" in refused.get_data(as_text=True)


def test_the_employee_and_supervisor_screens_without_a_plan(web, team):
    assert "has not written a return-to-work plan" in web["employee"].client.get(
        paths(team["case"])["employee"]
    ).get_data(as_text=True)
    assert "No schedule yet" in web["supervisor"].client.get(paths(team["case"])["supervisor"]).get_data(as_text=True)
    assert web["employee"].post_form(paths(team["case"])["employee"], {"version": "1"}).status_code == 404


def test_each_plan_screen_takes_a_fixed_number_of_queries_whatever_the_number_of_steps(
    web, team, plan, accept_report, accepted_duty
):
    accept_report(work_hours=Limit(hours=4))
    duty = accepted_duty(day(1), day(90), lift=Limit(pounds=10, frequency="occasionally"))

    def counts() -> list[int]:
        found = []
        for role, path in paths(team["case"]).items():
            web[role].client.get(path)
            with counting_queries() as statements:
                assert web[role].client.get(path).status_code == 200
            found.append(len(statements))
        return found

    plans.add_step(db.session, team["manager"], plan, step(1, 7, duty_offer_id=duty.submission_id), plan.version)
    few = counts()
    for week in range(1, 6):
        plans.add_step(
            db.session,
            team["manager"],
            plan,
            step(7 * week + 1, 7 * week + 7, hours=4 + week, duty_offer_id=duty.submission_id),
            plan.version,
        )
        plans.add_milestone(db.session, team["manager"], plan, plans.MilestoneInput(day(7 * week), "Check"), None)
    assert counts() == few


def test_a_step_sent_twice_is_added_once(web, team, plan):
    path = paths(team["case"])["manager"]
    page = web["manager"].client.get(path).get_data(as_text=True)
    key = re.search(r'name="step-once" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    fields = step_fields(1, 14, version=version_on(page, "step"), once=key)
    assert web["manager"].post_form(f"{path}/steps", fields, token_from=path).status_code == 303
    again = web["manager"].post_form(f"{path}/steps", fields, token_from=path)
    assert again.status_code == 303 and again.location.endswith(path)
    page = web["manager"].client.get(path).get_data(as_text=True)
    assert "received once" in page and len(plans.existing_plan(db.session, team["case"]).steps) == 1


def test_an_acknowledgement_sent_twice_is_received_once(web, team, plan, db_session):
    plans.add_step(db_session, team["manager"], plan, step(1, 14), plan.version)
    path = paths(team["case"])["employee"]
    page = web["employee"].client.get(path).get_data(as_text=True)
    key = re.search(r'name="once" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    for _ in range(2):
        assert web["employee"].post_form(path, {"version": "2", "once": key}).status_code == 303
    assert "received once" in web["employee"].client.get(path).get_data(as_text=True)
