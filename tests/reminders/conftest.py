"""A team with a case, and the things its people can owe, each asked on a day and due on a day."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.accommodations.models import AccommodationRequest, FeasibilityQuestion
from portal.accounts.models import Role
from portal.duty.models import DutyOffer
from portal.items.deadlines import end_of_day
from portal.items.models import InformationRequest, SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.plans.models import PlanStep, ReturnToWorkPlan
from portal.reminders import operations as reminders
from portal.settings import DeadlineSettings
from tests import factories

SETTINGS = DeadlineSettings()
# A Monday; the run's clock is at noon of whichever day it runs.
ASKED = date(2026, 11, 2)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def run(db_session, day: date) -> reminders.RunSummary:
    return reminders.remind(db_session, SETTINGS, day, now=noon(day))


def emails_to(db_session, user, template: str | None = None) -> list[OutboundEmail]:
    query = select(OutboundEmail).where(OutboundEmail.to_address == user.email).order_by(OutboundEmail.id)
    if template:
        query = query.where(OutboundEmail.template == template)
    return list(db_session.scalars(query))


@pytest.fixture
def team(db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Clinician")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    return {"supervisor": supervisor, "employee": employee, "manager": manager, "clinician": clinician, "case": case}


@pytest.fixture
def document_request(db_session, team):
    """``document_request(due_on, asked_on=ASKED, document_type=..., case=...)``: a document asked of the employee."""

    def asked(due_on: date, asked_on: date = ASKED, document_type: str = "work_status_note", case=None):
        request = InformationRequest(
            case=case or team["case"],
            document_type=document_type,
            message="Please send the note about your knee surgery.",
            due_at=end_of_day(due_on, SETTINGS),
            requested_by=team["manager"],
            requested_at=noon(asked_on),
        )
        db_session.add(request)
        db_session.commit()
        return request

    return asked


@pytest.fixture
def question_about(db_session, team):
    """``question_about(sender, kind, due_on)``: more information asked about an item ``sender`` sent."""

    def asked(sender, kind: str, due_on: date, asked_on: date = ASKED):
        item = factories.inbox_item(
            db_session, team["case"], kind=kind, status=SubmissionStatus.NEEDS_INFO, submitted_by=sender
        )
        request = InformationRequest(
            case=team["case"],
            submission=item,
            message="Which knee, and how bad is the swelling?",
            due_at=end_of_day(due_on, SETTINGS),
            requested_by=team["manager"],
            requested_at=noon(asked_on),
        )
        db_session.add(request)
        db_session.commit()
        return request

    return asked


@pytest.fixture
def duty_offer(db_session, team):
    def forwarded(answer_by: date, forwarded_on: date = ASKED) -> DutyOffer:
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
            tasks="Inspect parts at a bench, no lifting because of the back injury",
            hours_per_day=6,
            days="Monday to Friday",
            location="Plant 2",
            start_date=answer_by + timedelta(days=7),
            end_date=answer_by + timedelta(days=60),
            answer_by=answer_by,
            contact_name="Sam Supervisor",
            forwarded_at=noon(forwarded_on),
        )
        db_session.add(offer)
        db_session.commit()
        return offer

    return forwarded


@pytest.fixture
def plan(db_session, team):
    def with_step(starts_on: date, changed_on: date = ASKED) -> ReturnToWorkPlan:
        record = ReturnToWorkPlan(
            case=team["case"],
            goal="Back to full duty",
            created_by=team["manager"],
            created_at=noon(changed_on),
            changed_at=noon(changed_on),
        )
        record.steps.append(
            PlanStep(starts_on=starts_on, ends_on=starts_on + timedelta(days=14), hours_per_day=4, duties="Bench work")
        )
        db_session.add(record)
        db_session.commit()
        return record

    return with_step


@pytest.fixture
def feasibility_question(db_session, team):
    def asked(asked_on: date = ASKED) -> FeasibilityQuestion:
        item = factories.inbox_item(
            db_session, team["case"], kind=SubmissionKind.ACCOMMODATION_REQUEST, status=SubmissionStatus.IN_REVIEW
        )
        db_session.add(
            AccommodationRequest(
                submission=item,
                difficulty="Standing hurts after the surgery",
                tasks_affected="Line work",
                contact_preference="email",
                decision_due=asked_on + timedelta(days=21),
            )
        )
        question = FeasibilityQuestion(
            submission=item,
            supervisor=team["supervisor"],
            asked_by=team["manager"],
            accommodation="A stool at the line",
            question="Could the line take a stool, given the knee?",
            asked_at=noon(asked_on),
        )
        db_session.add(question)
        db_session.commit()
        return question

    return asked
