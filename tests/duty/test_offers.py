"""Transitional-duty offers at the service level: the rules, forwarding, the answer, re-evaluation, availability."""

from datetime import timedelta

import pytest

from portal import access
from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.documents import operations as documents
from portal.duty import operations as offers
from portal.duty.models import AvailabilityClosed
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import SubmissionEvent, SubmissionKind
from portal.mail.models import OutboundEmail
from portal.restrictions import operations as restrictions
from portal.restrictions import reports
from portal.restrictions.operations import Limit, ReportInput
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

DEADLINES = DeadlineSettings()


@pytest.fixture
def team(db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor", department="Assembly")
    employee = factories.user(
        db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id, department="Assembly"
    )
    manager = factories.user(db_session, Role.CASE_MANAGER)
    clinician = factories.user(db_session, Role.CLINICIAN)
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    return {"supervisor": supervisor, "employee": employee, "manager": manager, "clinician": clinician, "case": case}


def offer_input(**changes) -> offers.OfferInput:
    start = utcnow().date() + timedelta(days=3)
    values = dict(
        job_title="Parts inspector",
        tasks="Inspect parts at a bench",
        hours_per_day=6,
        days="Monday to Friday",
        location="Plant 2",
        start_date=start,
        end_date=start + timedelta(days=29),
        answer_by=start - timedelta(days=1),
        contact_name="Sam Supervisor",
        demands={"lift": Limit(pounds=10, frequency="occasionally"), "stand": Limit(hours=2)},
    )
    values.update(changes)
    return offers.OfferInput(**values)


def accept_report(db_session, team, tmp_path, **limits):
    today = utcnow().date()
    report = ReportInput(
        visit_date=today,
        work_status="modified_duty",
        effective_from=today,
        limits={
            key: value if isinstance(value, Limit) else Limit(pounds=value, frequency="occasionally")
            for key, value in limits.items()
        },
        diagnoses=[("M54.50", "Low back pain")],
        attested_name="Dr Lee",
        licence_number="MD-1",
    )
    item = reports.submit(
        db_session, team["clinician"], team["case"], report, None, UploadLimits(str(tmp_path), 10**6, 3), DEADLINES
    )
    submissions.claim(db_session, item, team["manager"], item.version)
    kinds.accept(db_session, item, team["manager"], item.version)


def forwarded(db_session, team, **changes):
    item = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(**changes), DEADLINES)
    submissions.claim(db_session, item, team["manager"], item.version)
    kinds.accept(db_session, item, team["manager"], item.version)
    return item


def test_an_offer_enters_the_inbox_with_its_fit(db_session, team, tmp_path):
    accept_report(db_session, team, tmp_path, lift=20)
    item = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(), DEADLINES)
    assert item.kind == SubmissionKind.DUTY_OFFER and item.reference.startswith("T-")
    assert item.duty_offer.fit_summary.startswith("Fits")
    assert {d.dimension for d in item.duty_offer.demands} == {"lift", "stand", "work_hours"}  # its hours a day


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"job_title": " "}, "job_title", "job title"),
        ({"hours_per_day": None}, "hours_per_day", "hours a day"),
        ({"pay_unchanged": False, "pay_rate": ""}, "pay_rate", "rate of pay"),
        ({"start_date": utcnow().date() - timedelta(days=1)}, "start_date", "in the past"),
        ({"end_date": utcnow().date() + timedelta(days=200)}, "end_date", "at most 90 days"),
        ({"answer_by": utcnow().date() + timedelta(days=10)}, "answer_by", "no later than the start"),
        ({"demands": {"lift": Limit(pounds=10)}}, "lift", "both the pounds and how often"),
    ],
)
def test_an_offer_must_state_everything_a_written_offer_needs(db_session, team, changes, field, message):
    found = offers.problems(offer_input(**changes), utcnow().date())
    assert message in found[field]
    with pytest.raises(InvalidInput):
        offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(**changes), DEADLINES)


def test_a_supervisor_cannot_offer_duty_to_someone_who_is_not_their_report(db_session, team):
    other = factories.user(db_session, Role.SUPERVISOR)
    with pytest.raises(NotFound):
        offers.make_offer(db_session, other, team["case"], offer_input(), DEADLINES)


def test_accepting_forwards_the_offer_to_the_employee(db_session, team):
    item = forwarded(db_session, team)
    assert item.duty_offer.forwarded_at is not None
    assert offers.waiting_for_answer(db_session, team["employee"]) == [item]
    email = db_session.query(OutboundEmail).filter_by(template="duty_offer_forwarded").one()
    assert email.to_address == team["employee"].email and "Parts inspector" in email.body_text


def test_an_offer_not_yet_forwarded_is_invisible_to_the_employee(db_session, team):
    item = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(), DEADLINES)
    with pytest.raises(NotFound):
        access.get_submission(db_session, team["employee"], item.id)


def test_accepting_the_offer_puts_the_case_on_transitional_duty_and_tells_both(db_session, team):
    item = forwarded(db_session, team)
    offers.answer(db_session, team["employee"], item, True, None)
    case = team["case"]
    assert case.status == CaseStatus.TRANSITIONAL_DUTY
    assert (case.transitional_duty_start, case.transitional_duty_end) == (
        item.duty_offer.start_date,
        item.duty_offer.end_date,
    )
    told = {
        e.to_address: e.body_text for e in db_session.query(OutboundEmail).filter_by(template="duty_offer_answered")
    }
    assert set(told) == {team["supervisor"].email, team["manager"].email}
    assert f"/supervisor/offers/{item.id}" in told[team["supervisor"].email]  # each to where they read it
    assert f"/inbox/submissions/{item.id}" in told[team["manager"].email]
    with pytest.raises(Conflict, match="already accepted"):
        offers.answer(db_session, team["employee"], item, False, "Changed my mind")


def test_declining_needs_a_reason(db_session, team):
    item = forwarded(db_session, team)
    with pytest.raises(InvalidInput, match="why"):
        offers.answer(db_session, team["employee"], item, False, " ")
    offers.answer(db_session, team["employee"], item, False, "The site is too far")
    assert item.duty_offer.employee_answer == "declined" and team["case"].status == CaseStatus.OPEN


def test_another_employee_cannot_answer(db_session, team):
    item = forwarded(db_session, team)
    with pytest.raises(NotFound):
        offers.answer(db_session, factories.user(db_session, Role.EMPLOYEE), item, True, None)


def test_new_restrictions_re_evaluate_open_offers_and_flag_a_change(db_session, team, tmp_path):
    accept_report(db_session, team, tmp_path, lift=20)
    item = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(), DEADLINES)
    assert item.duty_offer.fit_changed_at is None
    accept_report(db_session, team, tmp_path, lift=5)
    db_session.refresh(item.duty_offer)
    assert item.duty_offer.fit_changed_at is not None and "conflict" in item.duty_offer.fit_summary
    event = db_session.query(SubmissionEvent).filter_by(submission_id=item.id, action="fit_changed").one()
    assert "New restrictions" in event.message


def availability(**changes) -> offers.AvailabilityInput:
    start = utcnow().date()
    values = dict(
        title="Inspector",
        tasks="Bench inspection",
        places=1,
        hours_per_day=6,
        start_date=start,
        end_date=start + timedelta(days=60),
        demands={"lift": Limit(pounds=5, frequency="occasionally")},
    )
    values.update(changes)
    return offers.AvailabilityInput(**values)


def test_availability_that_fits_best_comes_first(db_session, team, tmp_path):
    accept_report(db_session, team, tmp_path, lift=20)
    heavy = offers.post_availability(
        db_session,
        team["supervisor"],
        availability(
            title="Loader", places=2, hours_per_day=8, demands={"lift": Limit(pounds=50, frequency="frequently")}
        ),
    )
    light = offers.post_availability(db_session, team["supervisor"], availability())
    ranked = offers.matching_availability(db_session, team["case"], utcnow().date())
    assert [row.id for row, _ in ranked] == [light.id, heavy.id]
    assert ranked[1][1].conflicts


def test_availability_needs_places(db_session, team):
    with pytest.raises(InvalidInput, match="how many places"):
        offers.post_availability(db_session, team["supervisor"], availability(places=0))


def test_changed_availability_is_matched_as_changed_and_keeps_a_start_already_past(db_session, team, tmp_path):
    accept_report(db_session, team, tmp_path, lift=20)
    posted = offers.post_availability(db_session, team["supervisor"], availability())
    posted.start_date = utcnow().date() - timedelta(days=10)  # started ten days ago
    db_session.commit()
    heavier = availability(start_date=posted.start_date, demands={"lift": Limit(pounds=40, frequency="occasionally")})
    offers.change_availability(db_session, posted, heavier)
    [(row, fit)] = offers.matching_availability(db_session, team["case"], utcnow().date())
    assert row.id == posted.id and [c.dimension for c in fit.conflicts] == ["lift"]
    with pytest.raises(InvalidInput, match="start date cannot be in the past"):
        offers.change_availability(db_session, posted, availability(start_date=posted.start_date - timedelta(days=1)))


def test_the_work_hours_demand_taken_from_the_hours_a_day_is_not_typed_back_in(db_session, team):
    posted = offers.post_availability(db_session, team["supervisor"], availability())
    typed = offers.typed_demands(restrictions.limits_of(posted.demands), posted.hours_per_day)
    assert set(typed) == {"lift"}


def test_filled_or_withdrawn_availability_is_no_longer_matched_until_opened_again(db_session, team):
    posted = offers.post_availability(db_session, team["supervisor"], availability())
    offers.close_availability(db_session, posted, AvailabilityClosed.FILLED)
    assert offers.matching_availability(db_session, team["case"], utcnow().date()) == []
    with pytest.raises(Conflict, match="already marked filled"):
        offers.close_availability(db_session, posted, AvailabilityClosed.WITHDRAWN)
    offers.reopen_availability(db_session, posted)
    assert [row.id for row, _ in offers.matching_availability(db_session, team["case"], utcnow().date())] == [posted.id]
    offers.close_availability(db_session, posted, AvailabilityClosed.WITHDRAWN)
    with pytest.raises(Conflict, match="has ended"):
        offers.reopen_availability(db_session, posted, today=posted.end_date + timedelta(days=1))


def test_only_the_supervisor_who_posted_availability_may_change_it(db_session, team):
    posted = offers.post_availability(db_session, team["supervisor"], availability())
    other = factories.user(db_session, Role.SUPERVISOR, department="Assembly")
    assert access.get_availability(db_session, team["supervisor"], posted.id) is posted
    for someone in (other, team["employee"], team["manager"]):
        with pytest.raises(NotFound):
            access.get_availability(db_session, someone, posted.id)


def test_an_offer_that_conflicts_is_sent_only_when_the_supervisor_says_so_and_is_worked_sooner(
    db_session, team, tmp_path
):
    accept_report(db_session, team, tmp_path, lift=5)
    with pytest.raises(InvalidInput) as refused:
        offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(), DEADLINES)
    assert (
        "does not fit Alex Employee's current restrictions (Lift)" in refused.value.problems["send_despite_conflicts"]
    )
    conflicting = offers.make_offer(
        db_session, team["supervisor"], team["case"], offer_input(send_despite_conflicts=True), DEADLINES
    )
    fitting = offers.make_offer(
        db_session,
        team["supervisor"],
        team["case"],
        offer_input(demands={"lift": Limit(pounds=5, frequency="occasionally")}),
        DEADLINES,
    )
    assert conflicting.priority_at < fitting.priority_at  # same due date, worked a day sooner
    assert conflicting.summary == "Transitional duty offer: Parts inspector"  # the fit is the case manager's


def test_an_offer_is_refused_with_every_problem_at_once(db_session, team):
    empty = offer_input(job_title="", tasks="", days="", location="", contact_name="", start_date=None, answer_by=None)
    with pytest.raises(InvalidInput) as refused:
        offers.make_offer(db_session, team["supervisor"], team["case"], empty, DEADLINES)
    assert set(refused.value.problems) >= {
        "job_title",
        "tasks",
        "days",
        "location",
        "contact_name",
        "start_date",
        "answer_by",
    }


def test_the_hours_a_day_are_checked_against_the_work_hours_restriction(db_session, team, tmp_path):
    accept_report(db_session, team, tmp_path, lift=20, work_hours=Limit(hours=6))
    long_days = offers.make_offer(
        db_session,
        team["supervisor"],
        team["case"],
        offer_input(hours_per_day=10, send_despite_conflicts=True),
        DEADLINES,
    )
    assert "conflict" in long_days.duty_offer.fit_summary
    fitting = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(hours_per_day=6), DEADLINES)
    assert "conflict" not in fitting.duty_offer.fit_summary


def test_new_restrictions_recheck_an_accepted_offer_in_force_and_tell_the_supervisor_and_case_manager(
    db_session, team, tmp_path
):
    accept_report(db_session, team, tmp_path, lift=20)
    item = forwarded(db_session, team)
    offers.answer(db_session, team["employee"], item, True, None)
    accept_report(db_session, team, tmp_path, lift=5)
    db_session.refresh(item.duty_offer)
    assert "conflict" in item.duty_offer.fit_summary and item.duty_offer.fit_changed_at is not None
    told = {e.to_address: e for e in db_session.query(OutboundEmail).filter_by(template="duty_fit_changed")}
    assert set(told) == {team["supervisor"].email, team["manager"].email}
    assert "Low back pain" not in told[team["supervisor"].email].body_text  # never anything medical


@pytest.mark.security(
    threat="Someone else answers a question put to the supervisor about their offer",
    control=(
        "Only the person asked may answer: the one reply service refuses anyone but the item's sender, as not found"
    ),
)
def test_only_the_supervisor_asked_about_their_offer_may_answer(db_session, team, tmp_path):
    item = offers.make_offer(db_session, team["supervisor"], team["case"], offer_input(), DEADLINES)
    submissions.claim(db_session, item, team["manager"], item.version)
    kinds.request_information(db_session, item, team["manager"], "Seated?", None, item.version, DEADLINES)
    uploads = UploadLimits(str(tmp_path), 10**6, 3)
    for someone in (team["employee"], team["manager"], factories.user(db_session, Role.SUPERVISOR)):
        with pytest.raises(NotFound):
            documents.provide_information(db_session, someone, item, "Yes", [], uploads, DEADLINES, item.version)
    documents.provide_information(db_session, team["supervisor"], item, "Yes", [], uploads, DEADLINES, item.version)
    assert item.status == "in_review"
