"""What each person owes and by when, and the rule of which reminder a day brings.

Nothing here says more than what is owed, on which case, by when, and where to do it: a reminder carries no
diagnosis, no restriction, no message text and no document name beyond its kind.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.accommodations.models import FeasibilityQuestion
from portal.cases.models import Case, CaseParticipant, CaseStatus, CaseType
from portal.documents.models import DocumentType
from portal.duty.models import DutyOffer
from portal.inbox import kinds
from portal.items.deadlines import add_business_days, end_of_day, local_date
from portal.items.models import InformationRequest, Submission, SubmissionKind, SubmissionStatus
from portal.plans.models import PlanStep, ReturnToWorkPlan
from portal.restrictions.models import RestrictionReport
from portal.settings import DeadlineSettings
from portal.tasks.models import Task
from portal.tasks.rules import RuleKey

BEFORE_DAYS = 3
WEEK = 7
# A supervisor's answer feeds the accommodation decision (due in 15 business days by default), so it is asked
# for within a third of that.
FEASIBILITY_BUSINESS_DAYS = 5
# A plan is acknowledged before its first step starts; one that changes once under way, within this many days.
PLAN_ACKNOWLEDGEMENT_DAYS = 5
# Lines of each list in a case manager's digest; the rest are counted, and the inbox has them all.
DIGEST_LINES = 20


def stage(due_on: date, started_on: date, today: date) -> str | None:
    """The reminder ``today`` brings for something asked on ``started_on`` and due on ``due_on``, if any.

    Within three days before it is due, "before"; on the day, "due"; the week after it, "overdue:0"; each week
    after that, "overdue:1", "overdue:2" ... Each is sent once (``reminders_sent``), on the first day of its
    window, so a day the run was missed is made up the next day without sending anything twice. Nothing on
    the day it is asked: the person was told that day."""
    if today <= started_on:
        return None
    left = (due_on - today).days
    if left > BEFORE_DAYS:
        return None
    if left > 0:
        return "before"
    if left == 0:
        return "due"
    return f"overdue:{(-left - 1) // WEEK}"


@dataclass(frozen=True)
class Owed:
    """One thing one person owes: ``owed`` names it in ``reminders_sent``; ``what`` says it in a few words, as the
    middle of a sentence."""

    recipient_id: int
    owed: str
    what: str
    case_number: str
    due_on: date
    started_on: date
    endpoint: str
    link_values: dict = field(hash=False)
    required_by_law: bool = False


def required_by_law(case_type: str, document_type: str | None) -> bool:
    """Whether a request for information is one the person may not turn reminders off for.

    The FMLA lets a program deny leave for a certification not provided in time only after telling the employee
    what is missing, by when and what follows if it is not sent (29 CFR 825.305(b)-(d), 825.313): a reminder
    of a certification, and of any information asked for on a leave case, is part of that notice and stays on.
    Everything else (a duty offer's answer, a plan's acknowledgement, a supervisor's answer, information for an
    accommodation or a workers' compensation claim) is the program's own courtesy, which a person may decline.
    """
    return case_type == CaseType.LEAVE or document_type == DocumentType.FMLA_CERTIFICATION


def owed_on(session, today: date, settings: DeadlineSettings) -> list[Owed]:
    """Everything someone owes that is due within three days, due today or overdue, on cases still open."""
    horizon = end_of_day(today + timedelta(days=BEFORE_DAYS), settings)
    return [
        *_information_requests(session, horizon, settings),
        *_duty_offers(session, today + timedelta(days=BEFORE_DAYS), settings),
        *_plan_acknowledgements(session, today, settings),
        *_feasibility_questions(session, today, settings),
        *_reports_after_visits(session, today),
    ]


def _information_requests(session, horizon: datetime, settings: DeadlineSettings) -> list[Owed]:
    """Documents asked of the employee, and more information asked of whoever sent an item: the employee, their
    clinician about a report, their supervisor about an offer or a report."""
    requests = session.scalars(
        select(InformationRequest)
        .join(Case, Case.id == InformationRequest.case_id)
        .where(
            InformationRequest.closed_at.is_(None),
            InformationRequest.due_at <= horizon,
            Case.status != CaseStatus.CLOSED,
        )
        .options(
            joinedload(InformationRequest.case),
            joinedload(InformationRequest.submission).joinedload(Submission.submitted_by),
        )
    )
    found = []
    for request in requests:
        submission = request.submission
        if submission is None:
            what = f"a document your case manager asked for ({DocumentType(request.document_type).label})"
            recipient_id, endpoint, values = request.case.employee_id, "employee.home", {}
        else:
            what = f"more information about {submission.kind_label.lower()} {submission.reference}"
            recipient_id = submission.submitted_by_id
            endpoint, values = kinds.of(submission).screen_for(submission), {"submission_id": submission.id}
        found.append(
            Owed(
                recipient_id=recipient_id,
                owed=f"information_request:{request.id}",
                what=what,
                case_number=request.case.number,
                due_on=local_date(request.due_at, settings),
                started_on=local_date(request.requested_at, settings),
                endpoint=endpoint,
                link_values=values,
                required_by_law=required_by_law(request.case.case_type, request.document_type),
            )
        )
    return found


def _duty_offers(session, latest: date, settings: DeadlineSettings) -> list[Owed]:
    """Offers of transitional duty forwarded to the employee and not answered yet."""
    rows = session.execute(
        select(DutyOffer.submission_id, DutyOffer.answer_by, DutyOffer.forwarded_at, Case.number, Case.employee_id)
        .join(Submission, Submission.id == DutyOffer.submission_id)
        .join(Case, Case.id == Submission.case_id)
        .where(
            DutyOffer.forwarded_at.is_not(None),
            DutyOffer.answered_at.is_(None),
            DutyOffer.answer_by <= latest,
            Submission.status == SubmissionStatus.ACCEPTED,
            Case.status != CaseStatus.CLOSED,
        )
    )
    return [
        Owed(
            recipient_id=row.employee_id,
            owed=f"duty_offer:{row.submission_id}",
            what="your answer to an offer of transitional duty",
            case_number=row.number,
            due_on=row.answer_by,
            started_on=local_date(row.forwarded_at, settings),
            endpoint="employee.offer",
            link_values={"submission_id": row.submission_id},
        )
        for row in rows
    ]


def _reports_after_visits(session, today: date) -> list[Owed]:
    """A clinician's new report after the next visit their last one named: owed while the case manager's task
    "the next visit has passed without a new report" is open (portal/tasks), to the clinician who wrote that
    report, while they are still authorised on the case."""
    latest = today + timedelta(days=BEFORE_DAYS)
    tasks = {
        int(task.subject.removeprefix("report:")): task
        for task in session.scalars(
            select(Task).where(Task.rule == RuleKey.NEXT_VISIT_PASSED, Task.is_open, Task.due_on <= latest)
        )
    }
    if not tasks:
        return []
    rows = session.execute(
        select(
            Submission.id,
            Submission.submitted_by_id,
            RestrictionReport.next_visit,
            Case.id.label("case_id"),
            Case.number,
        )
        .join(RestrictionReport, RestrictionReport.submission_id == Submission.id)
        .join(Case, Case.id == Submission.case_id)
        .join(
            CaseParticipant,
            (CaseParticipant.case_id == Case.id) & (CaseParticipant.clinician_id == Submission.submitted_by_id),
        )
        .where(
            Submission.id.in_(tasks),
            Case.status != CaseStatus.CLOSED,
            CaseParticipant.revoked_at.is_(None),
            CaseParticipant.valid_until >= today,
        )
    )
    return [
        Owed(
            recipient_id=row.submitted_by_id,
            owed=f"report_after_visit:{row.id}",
            what=f"a new work-status report after the visit of {row.next_visit:%-d %b %Y}",
            case_number=row.number,
            due_on=tasks[row.id].due_on,
            started_on=row.next_visit,
            endpoint="clinician.new_report",
            link_values={"case_id": row.case_id},
        )
        for row in rows.unique()
    ]


def plan_acknowledgement_due(first_step_on: date, changed_on: date) -> date:
    """Before the schedule starts; a plan that changed once under way, within a few days of the change."""
    by_change = changed_on + timedelta(days=PLAN_ACKNOWLEDGEMENT_DAYS)
    return min(first_step_on, by_change) if first_step_on > changed_on else by_change


def _plan_acknowledgements(session, today: date, settings: DeadlineSettings) -> list[Owed]:
    """Return-to-work plans with steps that the employee has not acknowledged as they stand. Each version is
    acknowledged, so each version is reminded of anew."""
    first_step = (
        select(PlanStep.plan_id, func.min(PlanStep.starts_on).label("starts_on")).group_by(PlanStep.plan_id).subquery()
    )
    rows = session.execute(
        select(ReturnToWorkPlan.id, ReturnToWorkPlan.version, ReturnToWorkPlan.changed_at, first_step.c.starts_on)
        .add_columns(Case.id.label("case_id"), Case.number, Case.employee_id)
        .join(first_step, first_step.c.plan_id == ReturnToWorkPlan.id)
        .join(Case, Case.id == ReturnToWorkPlan.case_id)
        .where(
            or_(
                ReturnToWorkPlan.acknowledged_version.is_(None),
                ReturnToWorkPlan.acknowledged_version != ReturnToWorkPlan.version,
            ),
            Case.status != CaseStatus.CLOSED,
        )
    )
    found = []
    for row in rows:
        changed_on = local_date(row.changed_at, settings)
        due_on = plan_acknowledgement_due(row.starts_on, changed_on)
        if (due_on - today).days <= BEFORE_DAYS:
            found.append(
                Owed(
                    recipient_id=row.employee_id,
                    owed=f"rtw_plan:{row.id}:v{row.version}",
                    what="your acknowledgement of your return-to-work plan",
                    case_number=row.number,
                    due_on=due_on,
                    started_on=changed_on,
                    endpoint="employee.plan",
                    link_values={"case_id": row.case_id},
                )
            )
    return found


def feasibility_due(asked_at: datetime, settings: DeadlineSettings) -> date:
    return add_business_days(local_date(asked_at, settings), FEASIBILITY_BUSINESS_DAYS, settings)


def _feasibility_questions(session, today: date, settings: DeadlineSettings) -> list[Owed]:
    """A case manager's questions to a supervisor about an accommodation still being decided, not answered yet."""
    rows = session.execute(
        select(FeasibilityQuestion.id, FeasibilityQuestion.supervisor_id, FeasibilityQuestion.asked_at, Case.number)
        .join(Submission, Submission.id == FeasibilityQuestion.submission_id)
        .join(Case, Case.id == Submission.case_id)
        .where(FeasibilityQuestion.answered_at.is_(None), Submission.is_open, Case.status != CaseStatus.CLOSED)
    )
    found = []
    for row in rows:
        due_on = feasibility_due(row.asked_at, settings)
        if (due_on - today).days <= BEFORE_DAYS:
            found.append(
                Owed(
                    recipient_id=row.supervisor_id,
                    owed=f"feasibility_question:{row.id}",
                    what="your answer to a question about an accommodation in your team",
                    case_number=row.number,
                    due_on=due_on,
                    started_on=local_date(row.asked_at, settings),
                    endpoint="supervisor.question",
                    link_values={"question_id": row.id},
                )
            )
    return found


@dataclass(frozen=True)
class Line:
    """One line of a case manager's digest: an item by its reference and kind, or a task by its title."""

    what: str
    case_number: str
    due_on: date | None
    endpoint: str
    link_values: dict = field(hash=False)


@dataclass
class Listed:
    lines: list[Line]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass
class Digest:
    """A case manager's day: items new since their last digest, their tasks due today, and what is overdue.
    Theirs: assigned to them, or on a case they keep that nobody has claimed."""

    new_items: Listed
    unclaimed_new: int  # new since then, on cases nobody keeps yet: the shared queue
    overdue_items: Listed
    tasks_due_today: Listed
    overdue_tasks: Listed

    @property
    def is_empty(self) -> bool:
        return not (
            self.new_items.total
            or self.unclaimed_new
            or self.overdue_items.total
            or self.tasks_due_today.total
            or self.overdue_tasks.total
        )


def digest_for(session, case_manager_id: int, since: datetime, today: date, settings: DeadlineSettings) -> Digest:
    theirs = or_(
        Submission.assignee_id == case_manager_id,
        (Submission.assignee_id.is_(None)) & (Case.case_manager_id == case_manager_id),
    )
    overdue_before = end_of_day(today - timedelta(days=1), settings)
    unclaimed_new = session.scalar(
        select(func.count())
        .select_from(Submission)
        .join(Case, Case.id == Submission.case_id)
        .where(
            Submission.is_open,
            Submission.submitted_at > since,
            Submission.assignee_id.is_(None),
            Case.case_manager_id.is_(None),
        )
    )
    return Digest(
        new_items=_items(session, theirs, Submission.submitted_at > since, settings),
        unclaimed_new=unclaimed_new or 0,
        overdue_items=_items(session, theirs, Submission.due_at <= overdue_before, settings),
        tasks_due_today=_tasks(session, case_manager_id, Task.due_on == today),
        overdue_tasks=_tasks(session, case_manager_id, Task.due_on < today),
    )


def _items(session, theirs, condition, settings: DeadlineSettings) -> Listed:
    query = (
        select(Submission.id, Submission.reference, Submission.kind, Submission.due_at, Case.number)
        .join(Case, Case.id == Submission.case_id)
        .where(Submission.is_open, theirs, condition)
    )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(Submission.due_at, Submission.id).limit(DIGEST_LINES))
    return Listed(
        [
            Line(
                what=f"{SubmissionKind(row.kind).label} {row.reference}",
                case_number=row.number,
                due_on=local_date(row.due_at, settings) if row.due_at else None,
                endpoint="inbox.review",
                link_values={"submission_id": row.id},
            )
            for row in rows
        ],
        total or 0,
    )


def _tasks(session, case_manager_id: int, condition) -> Listed:
    query = (
        select(Task.id, Task.title, Task.rule, Task.due_on, Case.id.label("case_id"), Case.number)
        .join(Case, Case.id == Task.case_id)
        .where(Task.owner_id == case_manager_id, Task.is_open, condition)
    )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(Task.due_on, Task.id).limit(DIGEST_LINES))
    return Listed(
        [
            Line(
                # A rule's task is titled by the rules file; a case manager's own title is free text that may say
                # something medical, so the digest only points at it.
                what=row.title if row.rule else "A task of your own",
                case_number=row.number,
                due_on=row.due_on,
                endpoint="inbox.case",
                link_values={"case_id": row.case_id},
            )
            for row in rows
        ],
        total or 0,
    )
