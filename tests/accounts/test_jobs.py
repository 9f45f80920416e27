"""Jobs at the service level: made from the roster's titles, recorded by an admin by the rules a duty offer's
demands meet, and an employee's own job matched against their restrictions by the rules a duty offer is."""

import pytest
from sqlalchemy import func, select

from portal.accounts import jobs, people
from portal.accounts.models import Job, Role, RosterPerson
from portal.audit.models import AuditEvent
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.duty import operations as offers
from portal.duty.models import Demand
from portal.restrictions import operations as restrictions
from portal.restrictions.matching import Verdict
from portal.restrictions.operations import Limit
from portal.settings import AccountSettings
from tests import factories
from tests.accounts.test_roster_import import ROSTER, apply, load

TITLES = ["Operations director", "Warehouse associate", "Warehouse supervisor"]
WAREHOUSE = {"lift": Limit(pounds=50, frequency="frequently"), "stand": Limit(hours=6), "drive": Limit(allowed=True)}


def titles(db_session) -> list[str]:
    return list(db_session.scalars(select(Job.title).order_by(Job.title)))


def job_titled(db_session, title: str) -> Job:
    return db_session.scalar(select(Job).where(Job.title == title))


def record(db_session, admin, title: str, demands: dict[str, Limit], functions: str = "Pick and pack orders"):
    jobs.record_job(db_session, admin, job_titled(db_session, title), jobs.JobInput(functions, demands))


def test_a_roster_load_makes_a_job_of_each_new_title_with_nothing_recorded(db_session, admin):
    _, plan = load(db_session, ROSTER, admin)
    assert plan.new_jobs == TITLES and titles(db_session) == []  # nothing written before confirming
    apply(db_session, ROSTER, admin)
    assert titles(db_session) == TITLES
    assert not any(job.recorded or job.essential_functions for job in db_session.scalars(select(Job)))
    _, again = load(db_session, ROSTER, admin)
    assert again.new_jobs == []
    apply(db_session, ROSTER.replace("Operations director", "Chief operating officer"), admin)
    assert titles(db_session) == ["Chief operating officer", *TITLES]  # a title nobody holds any more stays


def test_adding_titles_that_are_jobs_already_adds_none(db_session, admin):
    apply(db_session, ROSTER, admin)
    jobs.add_jobs(db_session, ["Warehouse associate", "Forklift driver", "Forklift driver"])
    db_session.commit()
    assert titles(db_session) == ["Forklift driver", *TITLES]


def test_an_admin_giving_someone_a_new_job_title_makes_it_a_job(db_session, admin):
    apply(db_session, ROSTER, admin)
    riley = db_session.scalar(select(RosterPerson).where(RosterPerson.employee_number == "1004"))
    people.change_person(db_session, admin, riley, "1002", "Warehouse", "Joliet", "Forklift driver", AccountSettings())
    assert "Forklift driver" in titles(db_session)


def test_recording_a_job_keeps_its_functions_and_demands_apart_from_any_offer(db_session, admin):
    apply(db_session, ROSTER, admin)
    record(db_session, admin, "Warehouse associate", WAREHOUSE, "  Pick and pack orders\nLoad trucks  ")
    job = job_titled(db_session, "Warehouse associate")
    assert job.recorded and job.essential_functions == "Pick and pack orders\nLoad trucks"
    assert jobs.demands_of(db_session, job) == WAREHOUSE
    rows = db_session.scalars(select(Demand)).all()
    assert {(row.job_id, row.offer_id, row.availability_id) for row in rows} == {(job.id, None, None)}
    # Recorded again: the new demands replace the old, and a dimension left out is one the job does not need.
    record(db_session, admin, "Warehouse associate", {"lift": Limit(pounds=20, frequency="occasionally")})
    assert jobs.demands_of(db_session, job) == {"lift": Limit(pounds=20, frequency="occasionally")}
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job_recorded")).all()
    assert [(event.actor_id, event.object_id) for event in events] == [(admin.id, job.id)] * 2


def test_a_job_that_needs_nothing_physical_is_recorded_all_the_same(db_session, admin):
    apply(db_session, ROSTER, admin)
    record(db_session, admin, "Operations director", {"lift": Limit()}, "Run the plant")
    job = job_titled(db_session, "Operations director")
    assert job.recorded and jobs.demands_of(db_session, job) == {}


@pytest.mark.parametrize(
    "functions, demands, field, message",
    [
        (" ", {}, "essential_functions", "Describe the job's essential functions."),
        ("x" * 4001, {}, "essential_functions", "longer than 4,000 characters"),
        ("Pick", {"lift": Limit(pounds=50)}, "lift", "Lift: give both the pounds and how often, or neither."),
        ("Pick", {"carry": Limit(pounds=250, frequency="never")}, "carry", "Carry: enter pounds from 0 to 200."),
        ("Pick", {"stand": Limit(hours=30)}, "stand", "Stand: enter hours a day from 0 to 24."),
        ("Pick", {"bend": Limit(frequency="always")}, "bend", "Bend or stoop: choose how often."),
    ],
)
def test_a_job_that_breaks_a_rule_is_refused_by_its_field_and_nothing_is_written(
    db_session, admin, functions, demands, field, message
):
    apply(db_session, ROSTER, admin)
    job = job_titled(db_session, "Warehouse associate")
    with pytest.raises(InvalidInput) as refused:
        jobs.record_job(db_session, admin, job, jobs.JobInput(functions, demands))
    assert message in refused.value.problems[field]
    # The very rule a duty offer's demands meet.
    if field != "essential_functions":
        (key, demand), *_ = demands.items()
        assert refused.value.problems[field] == restrictions.limit_problem(restrictions.BY_KEY[key], demand)
    db_session.expire_all()
    assert not job.recorded and db_session.scalar(select(func.count()).select_from(Demand)) == 0


def test_recording_over_a_job_another_admin_recorded_meanwhile_is_refused(db_session, admin):
    apply(db_session, ROSTER, admin)
    job = job_titled(db_session, "Warehouse associate")
    seen = job.version
    jobs.record_job(db_session, admin, job, jobs.JobInput("Pick", WAREHOUSE), version=seen)
    with pytest.raises(Conflict, match="Another admin recorded Warehouse associate"):
        jobs.record_job(db_session, admin, job, jobs.JobInput("Pack", {}), version=seen)
    assert job.essential_functions == "Pick" and jobs.demands_of(db_session, job) == WAREHOUSE


@pytest.fixture
def alex(db_session, admin):
    """Alex, a warehouse associate on the roster, with a case."""
    apply(db_session, ROSTER, admin)
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex@example.test")
    person = db_session.scalar(select(RosterPerson).where(RosterPerson.employee_number == "1003"))
    person.user_id = employee.id
    case = factories.case(db_session, employee=employee)
    db_session.commit()
    return {"person": person, "case": case}


def own_job(db_session, alex):
    return jobs.own_job(db_session, alex["person"], restrictions.current_report(db_session, alex["case"].id, today()))


def today():
    return utcnow().date()


def verdicts(result) -> dict[str, Verdict]:
    return {row.dimension: row.verdict for row in result.fit.dimensions if row.demand != "Not required"}


def test_someone_not_on_the_roster_has_no_job_to_match(db_session):
    assert jobs.own_job(db_session, None, None) == jobs.OwnJob(None, None, None)


def test_a_job_not_recorded_yet_has_no_fit(db_session, alex):
    result = own_job(db_session, alex)
    assert result.job.title == "Warehouse associate" and result.fit is None


def test_before_any_report_the_fit_of_the_job_is_unknown(db_session, admin, alex):
    record(db_session, admin, "Warehouse associate", WAREHOUSE)
    result = own_job(db_session, alex)
    assert result.summary == "No work-status report yet: fit unknown"
    assert verdicts(result) == {"lift": Verdict.UNKNOWN, "stand": Verdict.UNKNOWN, "drive": Verdict.UNKNOWN}


def test_a_job_within_the_restrictions_fits(db_session, admin, alex):
    record(db_session, admin, "Warehouse associate", WAREHOUSE)
    factories.accepted_report(
        db_session,
        alex["case"],
        lift=Limit(pounds=60, frequency="frequently"),
        stand=Limit(hours=8),
        drive=Limit(allowed=True),
    )
    result = own_job(db_session, alex)
    assert result.fit.fits and result.summary == "Fits the current restrictions"
    assert set(verdicts(result).values()) == {Verdict.COMPATIBLE}


def test_a_job_beyond_a_restriction_conflicts_and_one_without_a_restriction_is_unknown(db_session, admin, alex):
    record(db_session, admin, "Warehouse associate", WAREHOUSE)
    factories.accepted_report(db_session, alex["case"], lift=Limit(pounds=10, frequency="occasionally"))
    result = own_job(db_session, alex)
    assert not result.fit.fits and result.summary == "1 conflict with the current restrictions"
    assert verdicts(result) == {"lift": Verdict.CONFLICT, "stand": Verdict.UNKNOWN, "drive": Verdict.UNKNOWN}
    (conflict,) = result.fit.conflicts
    assert conflict.detail.startswith("Asks 50 lb; the limit is 10 lb (40 lb over)")


def test_off_work_no_job_fits_not_even_their_own(db_session, admin, alex):
    record(db_session, admin, "Warehouse associate", WAREHOUSE)
    factories.accepted_report(db_session, alex["case"], work_status="off_work")
    result = own_job(db_session, alex)
    assert result.summary == "The employee may not work: not in their own job either"
    assert {row.verdict for row in result.fit.dimensions} == {Verdict.CONFLICT}


def test_the_job_is_matched_exactly_as_a_duty_offer_with_the_same_demands_is(db_session, admin, alex):
    record(db_session, admin, "Warehouse associate", WAREHOUSE)
    factories.accepted_report(
        db_session, alex["case"], lift=Limit(pounds=10, frequency="occasionally"), stand=Limit(hours=8)
    )
    assert own_job(db_session, alex).fit == offers.fit(db_session, alex["case"], WAREHOUSE, today())
