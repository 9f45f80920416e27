"""Supervisors' transitional-duty screens, the review of an offer and the employee's answer, through the test client."""

import re
from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.duty.models import DutyAvailability
from portal.items import lifecycle as submissions
from portal.items.models import Submission
from portal.restrictions.operations import Limit
from tests import factories


@pytest.fixture
def team(web_as, db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor", department="Assembly")
    employee = factories.user(
        db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id, department="Assembly"
    )
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    clients = {"supervisor": web_as(supervisor), "employee": web_as(employee), "manager": web_as(manager)}
    return {"case": case, "manager_user": manager, **clients}


def offer_fields(**changes) -> dict:
    start = utcnow().date() + timedelta(days=3)
    fields = {
        "job_title": "Parts inspector",
        "tasks": "Inspect parts",
        "location": "Plant 2",
        "hours_per_day": "6",
        "days": "Monday to Friday",
        "pay_unchanged": "y",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=20)).isoformat(),
        "answer_by": (start - timedelta(days=1)).isoformat(),
        "contact_name": "Sam Supervisor",
        "lift_pounds": "10",
        "lift_frequency": "occasionally",
    }
    fields.update(changes)
    return fields


def availability_fields() -> dict:
    start = utcnow().date()
    return {
        "title": "Bench inspector",
        "tasks": "Inspect",
        "places": "2",
        "hours_per_day": "4",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=30)).isoformat(),
        "lift_pounds": "5",
        "lift_frequency": "occasionally",
    }


def test_the_supervisor_home_offers_transitional_duty_per_report(team):
    page = team["supervisor"].client.get("/supervisor/").get_data(as_text=True)
    assert "Alex Employee" in page and f"/supervisor/cases/{team['case'].id}/offer" in page


def test_the_offer_form_shows_the_fit_and_the_htmx_check_returns_it_alone(team):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    page = team["supervisor"].client.get(path).get_data(as_text=True)
    assert "No work-status report yet" in page and f'hx-post="{path}/fit"' in page
    fragment = team["supervisor"].post_form(
        f"{path}/fit", offer_fields(), token_from=path, headers={"HX-Request": "true"}
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and "Up to 10 lb" in html
    assert html.lstrip().startswith("<h2") and "Fit with Alex Employee" in html


def test_an_incomplete_offer_keeps_what_was_typed(team):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    response = team["supervisor"].post_form(path, offer_fields(location="", end_date=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter where the work is." in page
    assert 'value="Parts inspector"' in page


def test_a_supervisor_cannot_offer_to_someone_who_is_not_their_report(team, db_session):
    other = factories.case(db_session)
    db_session.commit()
    for path in (f"/supervisor/cases/{other.id}/offer",):
        assert team["supervisor"].client.get(path).status_code == 404
    response = team["supervisor"].post_form(
        f"/supervisor/cases/{other.id}/offer", offer_fields(), token_from="/supervisor/"
    )
    assert response.status_code == 404


def make_forwarded_offer(team, db_session) -> Submission:
    path = f"/supervisor/cases/{team['case'].id}/offer"
    sent = team["supervisor"].post_form(path, offer_fields())
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    item = db_session.query(Submission).one()
    review = team["manager"].client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)
    assert "Demands and restrictions side by side" in review and "Unknown" in review
    submissions.claim(db_session, item, team["manager_user"], item.version)
    response = team["manager"].post_form(
        f"/inbox/submissions/{item.id}/accept",
        {"version": str(item.version)},
        token_from=f"/inbox/submissions/{item.id}",
    )
    assert response.status_code == 303
    return item


def test_the_forwarded_offer_is_on_the_employees_home_and_accepting_starts_transitional_duty(team, db_session):
    item = make_forwarded_offer(team, db_session)
    home = team["employee"].client.get("/employee/").get_data(as_text=True)
    assert "Answer an offer of transitional duty: Parts inspector" in home
    path = f"/employee/offers/{item.id}"
    assert "Monday to Friday" in team["employee"].client.get(path).get_data(as_text=True)
    response = team["employee"].post_form(path, {"answer": "accept", "reason": ""})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(type(team["case"]), team["case"].id).status == CaseStatus.TRANSITIONAL_DUTY
    assert "accepted by the employee" in team["supervisor"].client.get(f"/supervisor/offers/{item.id}").get_data(
        as_text=True
    )
    assert "accepted by the employee" in team["manager"].client.get(f"/inbox/submissions/{item.id}").get_data(
        as_text=True
    )
    assert "Transitional duty" in team["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    home = team["employee"].client.get("/employee/").get_data(as_text=True)
    for detail in ("Your transitional duty", "Parts inspector", "Plant 2", "Monday to Friday, 6 hours a day"):
        assert detail in home, detail  # what they need to turn up


def test_declining_without_a_reason_is_refused(team, db_session):
    item = make_forwarded_offer(team, db_session)
    response = team["employee"].post_form(f"/employee/offers/{item.id}", {"answer": "decline", "reason": ""})
    assert response.status_code == 422 and "Say why you are declining" in response.get_data(as_text=True)


def test_an_employee_cannot_see_or_answer_another_employees_offer(team, db_session, web_as):
    item = make_forwarded_offer(team, db_session)
    stranger = factories.user(db_session, Role.EMPLOYEE)
    db_session.commit()
    stranger = web_as(stranger)
    assert stranger.client.get(f"/employee/offers/{item.id}").status_code == 404
    response = stranger.post_form(f"/employee/offers/{item.id}", {"answer": "accept"}, token_from="/employee/")
    assert response.status_code == 404


def test_an_offer_is_not_shown_to_the_employee_before_it_is_forwarded(team, db_session):
    team["supervisor"].post_form(f"/supervisor/cases/{team['case'].id}/offer", offer_fields())
    item = db_session.query(Submission).one()
    assert team["employee"].client.get(f"/employee/offers/{item.id}").status_code == 404
    assert "Parts inspector" not in team["employee"].client.get("/employee/history").get_data(as_text=True)


def test_the_supervisor_posts_availability_and_the_case_manager_sees_what_fits(team):
    fields = availability_fields()
    assert team["supervisor"].post_form("/supervisor/availability", fields).status_code == 303
    page = team["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert "Bench inspector" in page and re.search(r"Standing light duty in Assembly", page)


def test_the_offer_form_shows_every_problem_at_once_each_next_to_its_field_keeping_what_was_typed(team):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    start = utcnow().date() + timedelta(days=3)
    response = team["supervisor"].post_form(
        path,
        offer_fields(
            job_title="",
            tasks="",
            location="Plant 2, bay 7",
            hours_per_day="30",
            start_date=start.isoformat(),
            end_date=(start - timedelta(days=1)).isoformat(),
            answer_by="not a date",
            contact_name="",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = dict(re.findall(r'<p class="field__error" id="([a-z_]+)-error">.*?</span> ([^<]+)</p>', page))
    assert errors == {
        "job_title": "Enter the job title.",
        "tasks": "Describe the tasks.",
        "hours_per_day": "Enter the hours a day, more than 0 and at most 24.",  # names its field, as all do
        "end_date": "The end date must be on or after the start date.",
        "answer_by": errors["answer_by"],
        "contact_name": "Enter who to contact.",
    }
    assert "Not a valid date value." in errors["answer_by"]  # did not parse: not also blamed as missing
    assert 'value="Plant 2, bay 7"' in page
    assert team["supervisor"].client.get("/supervisor/").status_code == 200
    assert not Submission.query.count()


def test_pounds_without_how_often_is_a_message_by_the_field_not_an_error_page(team):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    fit = team["supervisor"].post_form(
        f"{path}/fit", offer_fields(lift_frequency=""), token_from=path, headers={"HX-Request": "true"}
    )
    assert fit.status_code == 200 and "Lift" in fit.get_data(as_text=True)
    sent = team["supervisor"].post_form(path, offer_fields(lift_frequency=""))
    page = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "Lift: give both the pounds and how often, or neither." in page
    assert 'id="lift_pounds"' in page and 'value="10"' in page  # what was typed is kept


def test_a_supervisor_asked_about_their_offer_answers_it_and_the_case_manager_sees_the_answer(team, db_session):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    assert team["supervisor"].post_form(path, offer_fields()).status_code == 303
    item = db_session.query(Submission).one()
    submissions.claim(db_session, item, team["manager_user"], item.version)
    review = team["manager"].client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)
    assert "Ask the supervisor for more information" in review and "Ask the employee" not in review
    asked = team["manager"].post_form(
        f"/inbox/submissions/{item.id}/request-information",
        {"version": str(item.version), "message": "Is the inspection bench at seated height?"},
        token_from=f"/inbox/submissions/{item.id}",
        follow_redirects=True,
    )
    assert "Request sent. The supervisor has been emailed." in asked.get_data(as_text=True)
    case_page = team["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert f"More information about {item.reference}</strong>, asked of Sam Supervisor" in case_page

    offer_page = f"/supervisor/offers/{item.id}"
    page = team["supervisor"].client.get(offer_page).get_data(as_text=True)
    assert "The case manager needs more information" in page and "Is the inspection bench at seated height?" in page
    empty = team["supervisor"].post_form(f"{offer_page}/reply", {"version": str(item.version + 1), "message": " "})
    assert empty.status_code == 422 and "Write a reply" in empty.get_data(as_text=True)
    db_session.expire_all()
    item = db_session.get(Submission, item.id)
    answered = team["supervisor"].post_form(
        f"{offer_page}/reply", {"version": str(item.version), "message": "Yes, and it adjusts."}
    )
    assert answered.status_code == 303
    db_session.expire_all()
    item = db_session.get(Submission, item.id)
    assert item.status == "in_review" and item.events[-1].message == "Yes, and it adjusts."
    assert "The case manager needs more information" not in team["supervisor"].client.get(offer_page).get_data(
        as_text=True
    )


def test_the_live_fit_check_also_updates_the_status_line_kept_in_sight(team):
    path = f"/supervisor/cases/{team['case'].id}/offer"
    assert 'id="offer-fit-status"' in team["supervisor"].client.get(path).get_data(as_text=True)
    fragment = (
        team["supervisor"]
        .post_form(f"{path}/fit", offer_fields(), token_from=path, headers={"HX-Request": "true"})
        .get_data(as_text=True)
    )
    assert re.search(r'<p id="offer-fit-status"[^>]* role="status" hx-swap-oob="true">', fragment)


def test_an_offer_that_conflicts_asks_the_supervisor_to_confirm_and_keeps_what_was_typed(team, db_session):
    factories.accepted_report(db_session, team["case"], lift=Limit(pounds=5, frequency="occasionally"))
    path = f"/supervisor/cases/{team['case'].id}/offer"
    refused = team["supervisor"].post_form(path, offer_fields(location="Plant 2, bay 7"))
    page = refused.get_data(as_text=True)
    offers = db_session.query(Submission).filter_by(kind="duty_offer")
    assert refused.status_code == 422 and not offers.count()
    assert (
        'id="send_despite_conflicts-error"' in page and "does not fit Alex Employee&#39;s current restrictions" in page
    )
    assert 'value="Plant 2, bay 7"' in page
    sent = team["supervisor"].post_form(path, offer_fields(send_despite_conflicts="y"))
    assert sent.status_code == 303
    item = offers.one()
    assert item.summary == "Transitional duty offer: Parts inspector" and item.priority == 1


def test_the_supervisor_changes_marks_filled_and_reopens_availability(team, db_session):
    fields = availability_fields()
    supervisor = team["supervisor"]
    assert supervisor.post_form("/supervisor/availability", fields).status_code == 303
    posted = db_session.query(DutyAvailability).one()
    change = f"/supervisor/availability/{posted.id}"
    form = supervisor.client.get(change).get_data(as_text=True)
    assert 'value="Bench inspector"' in form and re.search(r'id="lift_pounds"[^>]* value="5"', form)
    assert '<option selected value="occasionally">' in form and re.search(r'id="work_hours_hours"[^>]* value=""', form)
    refused = supervisor.post_form(change, {**fields, "places": "0"})
    assert refused.status_code == 422 and 'id="places-error"' in refused.get_data(as_text=True)
    assert "Enter how many places there are, a whole number from 1 to 500." in refused.get_data(as_text=True)
    assert supervisor.post_form(change, {**fields, "title": "Parts inspector"}).status_code == 303
    status = f"{change}/status"
    assert supervisor.post_form(status, {"action": "filled"}, token_from="/supervisor/availability").status_code == 303
    page = supervisor.client.get("/supervisor/availability").get_data(as_text=True)
    assert "Parts inspector" in page and "Filled</strong> on" in page and "Open it again" in page
    assert "Parts inspector" not in team["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert supervisor.post_form(status, {"action": "reopen"}, token_from="/supervisor/availability").status_code == 303
    assert "Parts inspector" in team["manager"].client.get(f"/inbox/cases/{team['case'].id}").get_data(as_text=True)
    assert supervisor.post_form(status, {"action": "delete"}, token_from="/supervisor/availability").status_code == 303


def test_another_supervisors_availability_answers_404(team, db_session, web_as):
    posted = DutyAvailability(
        supervisor=factories.user(db_session, Role.SUPERVISOR, department="Assembly"),
        department="Assembly",
        title="Loader",
        tasks="Load",
        places=1,
        hours_per_day=4,
        start_date=utcnow().date(),
        end_date=utcnow().date(),
    )
    db_session.add(posted)
    db_session.commit()
    assert team["supervisor"].client.get(f"/supervisor/availability/{posted.id}").status_code == 404
    response = team["supervisor"].post_form(
        f"/supervisor/availability/{posted.id}/status", {"action": "withdrawn"}, token_from="/supervisor/availability"
    )
    assert response.status_code == 404 and posted.closed_at is None


def test_accepted_duty_that_has_not_begun_leaves_the_case_open_until_its_start(team, db_session):
    item = make_forwarded_offer(team, db_session)
    team["employee"].post_form(f"/employee/offers/{item.id}", {"answer": "accept", "reason": ""})
    start = item.duty_offer.start_date  # three days from now
    pages = {
        "employee": ("/employee/", "<dt>Status</dt><dd>Open</dd>"),
        "supervisor": ("/supervisor/", f"{team['case'].number}, open"),
        "manager": (f"/inbox/cases/{team['case'].id}", "<dt>Status</dt><dd>Open</dd>"),
    }
    for who, (path, status) in pages.items():
        page = team[who].client.get(path).get_data(as_text=True)
        assert status in page and "On transitional duty" not in page, who
    home = team["employee"].client.get("/employee/").get_data(as_text=True)
    assert f"Transitional duty starts on {written_date(start)}" in home
    db_session.expire_all()
    case = db_session.get(type(team["case"]), team["case"].id)
    case.transitional_duty_start = utcnow().date() - timedelta(days=1)  # it has begun
    db_session.commit()
    for who, (path, _) in pages.items():
        page = team[who].client.get(path).get_data(as_text=True)
        assert "transitional duty" in page.lower() and "<dd>Open</dd>" not in page and ", open" not in page, who
    assert "On transitional duty from" in team["employee"].client.get("/employee/").get_data(as_text=True)


def test_the_case_page_lists_an_offer_the_employee_declined_as_declined_not_accepted(team, db_session):
    item = make_forwarded_offer(team, db_session)
    case_page = f"/inbox/cases/{team['case'].id}"
    assert "Forwarded; waiting for the employee&#39;s answer" in team["manager"].client.get(case_page).get_data(
        as_text=True
    )
    team["employee"].post_form(f"/employee/offers/{item.id}", {"answer": "decline", "reason": "Too far"})
    page = team["manager"].client.get(case_page).get_data(as_text=True)
    assert f"({item.reference})" in page and "Forwarded; declined by the employee" in page
    assert re.search(rf"\({item.reference}\), [^<]*: Accepted", page) is None
    closed = team["manager"].client.get("/inbox/?tab=closed").get_data(as_text=True)
    assert '<td class="inbox-row__status">Forwarded; declined by the employee</td>' in closed
