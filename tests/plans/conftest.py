"""A team with a case, and what a plan is checked against: accepted work-status reports and accepted duty."""

import tempfile
from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.duty.models import Demand, DutyOffer
from portal.inbox import kinds
from portal.items import lifecycle
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.plans import operations as plans
from portal.restrictions import operations as restrictions
from portal.restrictions import reports
from portal.restrictions.operations import Limit, ReportInput
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

TODAY = utcnow().date()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@pytest.fixture
def team(db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor", department="Assembly")
    employee = factories.user(
        db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id, department="Assembly"
    )
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Clinician")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    return {"supervisor": supervisor, "employee": employee, "manager": manager, "clinician": clinician, "case": case}


@pytest.fixture
def accept_report(db_session, team):
    """``accept_report(work_status, from_day, until_day, **limits)``: the clinician's report, accepted by the case
    manager, so that it is in force from ``from_day`` (today unless told) to ``until_day`` (open unless told)."""

    def accepted(work_status: str = "modified_duty", starts: date | None = None, until: date | None = None, **limits):
        starts = starts or TODAY
        report = ReportInput(
            visit_date=min(starts, TODAY),
            work_status=work_status,
            effective_from=starts,
            expected_until=until,
            limits=limits,
            diagnoses=[("M54.50", "Low back pain")],
            attested_name="Dr Casey Clinician",
            licence_number="MD-1",
        )
        uploads = UploadLimits(tempfile.gettempdir(), 10**6, 3)  # no file is sent
        item = reports.submit(db_session, team["clinician"], team["case"], report, None, uploads, DeadlineSettings())
        lifecycle.claim(db_session, item, team["manager"], item.version)
        kinds.accept(db_session, item, team["manager"], item.version)
        return item

    return accepted


@pytest.fixture
def accepted_duty(db_session, team):
    """``accepted_duty(starts, ends, **demands)``: a transitional-duty offer on the case that the employee accepted."""

    def duty(starts: date, ends: date, **demands: Limit) -> DutyOffer:
        item = factories.inbox_item(
            db_session,
            team["case"],
            kind=SubmissionKind.DUTY_OFFER,
            status=SubmissionStatus.ACCEPTED,
            submitted_by=team["supervisor"],
        )
        offer = DutyOffer(
            submission=item,
            job_title="Parts inspector",
            tasks="Inspect parts at a bench",
            hours_per_day=8,
            days="Monday to Friday",
            location="Plant 2",
            start_date=starts,
            end_date=ends,
            answer_by=TODAY,
            contact_name="Sam Supervisor",
            forwarded_at=utcnow(),
            employee_answer="accepted",
            answered_at=utcnow(),
            demands=restrictions.rows(Demand, demands),
        )
        db_session.add(offer)
        db_session.commit()
        return offer

    return duty


def step(starts: int, ends: int, hours: float = 4, **changes) -> plans.StepInput:
    values = {
        "starts_on": day(starts),
        "ends_on": day(ends),
        "hours_per_day": hours,
        "days_per_week": 5,
        "duties": "Inspect parts at a bench, seated",
    }
    values.update(changes)
    return plans.StepInput(**values)


@pytest.fixture
def plan(db_session, team):
    """The case's plan, started by its case manager, with no steps yet."""
    return plans.start_plan(db_session, team["manager"], team["case"], "Back to full duty, 8 hours a day, by June")
