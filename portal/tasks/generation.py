"""Tasks from the clocks: each rule reads, for open cases, the things its clock runs on and when it started.

``refresh`` makes the tasks the rules call for that do not exist yet (a rule's task about one thing is made
once: done, it is not made again), closes the open ones nothing calls for any more (what they waited for
happened), and hands a case's tasks to its case manager. It is the same for one case after a change
(``hooks``) and for every open case (``flask portal remind`` and ``flask portal generate-tasks``).
"""

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, tuple_
from sqlalchemy.orm import aliased

from portal.accommodations.models import AccommodationRequest, Decision
from portal.cases.models import Case, CaseStatus
from portal.core.columns import utcnow
from portal.core.inserts import insert_in_dialect
from portal.documents.models import DocumentSubmission, DocumentType
from portal.items.deadlines import local_date
from portal.items.models import InformationRequest, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.notices.models import Notice, NoticeKind
from portal.plans.models import PlanMilestone, ReturnToWorkPlan
from portal.restrictions.models import RestrictionReport
from portal.settings import DeadlineSettings
from portal.tasks.models import Task, TaskAction, TaskEvent, TaskStatus
from portal.tasks.rules import Rule, RuleKey, TaskRules

# Case ids are sent to the database in batches of this many (a bound parameter each).
BATCH = 500


@dataclass(frozen=True)
class Called:
    """A task a rule calls for: the case, what it is about, when the clock started and what it adds to the title."""

    case_id: int
    subject: str
    start: date
    detail: str = ""
    # Some clocks end on a day of their own: the task is due then if that comes before the rule's days are up
    # (a duty's end date before its 90 days).
    ends_on: date | None = None


@dataclass
class Refreshed:
    created: int = 0
    closed: int = 0
    reassigned: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} made, {self.closed} closed by themselves, {self.reassigned} passed to a new case manager"
        )


# Narrows a case id column to the cases being refreshed.
Scope = Callable[[Any], ColumnElement[bool]]


def refresh(
    session,
    rules: TaskRules,
    settings: DeadlineSettings,
    case_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> Refreshed:
    """Bring the tasks of these cases (every case when None) in line with the rules."""
    now = now or utcnow()
    outcome = Refreshed()
    batches: Iterable[Collection[int] | None]
    if case_ids is None:
        batches = [None]
    else:
        ordered = sorted(set(case_ids))
        batches = [ordered[index : index + BATCH] for index in range(0, len(ordered), BATCH)]
    for batch in batches:
        _refresh(session, rules, settings, batch, now, outcome)
    return outcome


def _refresh(session, rules, settings, batch, now, outcome: Refreshed) -> None:
    def scope(column) -> ColumnElement[bool]:
        return column.in_(batch) if batch is not None else column.is_not(None)

    owners = dict(
        session.execute(
            select(Case.id, Case.case_manager_id).where(scope(Case.id), Case.status != CaseStatus.CLOSED)
        ).all()
    )
    called: dict[tuple[str, str], tuple[Rule, Called]] = {}
    for rule in rules.enabled():
        for call in CLOCKS[rule.key](session, scope, settings):
            if call.case_id in owners:
                called[(rule.key.value, call.subject)] = (rule, call)

    open_tasks = session.scalars(select(Task).where(scope(Task.case_id), Task.is_open, Task.rule.is_not(None))).all()
    for task in open_tasks:
        key = (task.rule, task.subject)
        if key in called:
            called.pop(key)
            owner = owners[task.case_id]
            if task.owner_id != owner:
                task.owner_id = owner
                session.add(TaskEvent(task=task, at=now, action=TaskAction.REASSIGNED))
                outcome.reassigned += 1
            continue
        task.status = TaskStatus.CLOSED
        task.closed_at = now
        task.outcome = _closed_because(rules, task.rule)
        session.add(TaskEvent(task=task, at=now, action=TaskAction.CLOSED, note=task.outcome))
        outcome.closed += 1

    for key in _made_before(session, list(called)):
        called.pop(key)
    rows = []
    for rule, call in called.values():
        due_on = rule.due_on(call.start, settings)
        if call.ends_on is not None and call.ends_on < due_on:
            due_on = call.ends_on
        rows.append(
            {
                "case_id": call.case_id,
                "owner_id": owners[call.case_id],
                "rule": rule.key.value,
                "subject": call.subject,
                "rules_version": rules.version,
                "title": f"{rule.title}{call.detail}",
                "due_on": due_on,
                "status": TaskStatus.OPEN,
                "is_open": True,
                "created_at": now,
            }
        )
    session.flush()
    outcome.created += _insert_once(session, rows)


def _insert_once(session, rows: list[dict]) -> int:
    """Insert the tasks, skipping any another transaction made meanwhile (two changes to one case at once both
    find the task missing): the unique (rule, subject) decides, and nobody gets an error. How many were made."""
    made = 0
    for index in range(0, len(rows), BATCH):
        inserted = session.execute(
            insert_in_dialect(session, Task)
            .values(rows[index : index + BATCH])
            .on_conflict_do_nothing(index_elements=["rule", "subject"])
            .returning(Task.id)
        )
        made += len(inserted.all())
    return made


def _closed_because(rules: TaskRules, rule: str | None) -> str:
    if rule not in {key.value for key in RuleKey} or not rules[rule].enabled:
        return "Closed by itself: its rule was turned off."
    return f"Closed by itself: {rules[rule].closes}."


def _made_before(session, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these tasks exist already, done or closed: they are never made twice."""
    made: set[tuple[str, str]] = set()
    for index in range(0, len(keys), BATCH):
        chunk = keys[index : index + BATCH]
        made.update(
            (rule, subject)
            for rule, subject in session.execute(
                select(Task.rule, Task.subject).where(tuple_(Task.rule, Task.subject).in_(chunk))
            )
        )
    return made


# --- the clocks -----------------------------------------------------------------------------------------------


def _open_case(scope: Scope) -> tuple[ColumnElement[bool], ...]:
    return (scope(Case.id), Case.status != CaseStatus.CLOSED)


def eligibility_notice(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """Its due day was set when the leave was asked for (intake), by this same rule."""
    for case_id, due in session.execute(
        select(Case.id, Case.eligibility_notice_due).where(
            *_open_case(scope), Case.eligibility_notice_due.is_not(None), Case.eligibility_notice_given_on.is_(None)
        )
    ):
        yield Called(case_id, f"case:{case_id}", due, ends_on=due)


def _certification_requests(scope: Scope):
    return (
        select(InformationRequest.id, InformationRequest.case_id, InformationRequest.requested_at)
        .join(Case, Case.id == InformationRequest.case_id)
        .where(*_open_case(scope), InformationRequest.closed_at.is_(None))
    )


def certification_due(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    for request_id, case_id, requested_at in session.execute(
        _certification_requests(scope).where(InformationRequest.document_type == DocumentType.FMLA_CERTIFICATION)
    ):
        yield Called(case_id, f"request:{request_id}", local_date(requested_at, settings))


def certification_cure(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """More information asked about a certification the employee sent: it is incomplete, and they may cure it."""
    for request_id, case_id, requested_at in session.execute(
        _certification_requests(scope)
        .join(DocumentSubmission, DocumentSubmission.submission_id == InformationRequest.submission_id)
        .where(DocumentSubmission.document_type == DocumentType.FMLA_CERTIFICATION)
    ):
        yield Called(case_id, f"request:{request_id}", local_date(requested_at, settings))


def _accepted_certifications(session, scope: Scope) -> list[tuple[int, int, datetime]]:
    """Each open case's accepted FMLA certifications: (case, submission, when accepted), oldest first."""
    return [
        (case_id, submission_id, accepted_at)
        for case_id, submission_id, accepted_at in session.execute(
            select(Submission.case_id, Submission.id, func.max(SubmissionEvent.at))
            .join(Case, Case.id == Submission.case_id)
            .join(DocumentSubmission, DocumentSubmission.submission_id == Submission.id)
            .join(SubmissionEvent, SubmissionEvent.submission_id == Submission.id)
            .where(
                *_open_case(scope),
                Submission.status == SubmissionStatus.ACCEPTED,
                DocumentSubmission.document_type == DocumentType.FMLA_CERTIFICATION,
                SubmissionEvent.to_status == SubmissionStatus.ACCEPTED,
            )
            .group_by(Submission.case_id, Submission.id)
            .order_by(func.max(SubmissionEvent.at))
        )
    ]


def designation_notice(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """Once a certification is accepted the program has enough to designate the leave, unless a designation
    notice has been issued since."""
    latest_notice = dict(
        session.execute(
            select(Notice.case_id, func.max(Notice.issued_at))
            .join(Case, Case.id == Notice.case_id)
            .where(*_open_case(scope), Notice.kind == NoticeKind.DESIGNATION)
            .group_by(Notice.case_id)
        ).all()
    )
    for case_id, submission_id, accepted_at in _accepted_certifications(session, scope):
        issued = latest_notice.get(case_id)
        if issued is None or issued < accepted_at:
            yield Called(case_id, f"certification:{submission_id}", local_date(accepted_at, settings))


def recertification(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """From the latest accepted certification of a case, until a recertification is asked for."""
    latest: dict[int, tuple[int, datetime]] = {}
    for case_id, submission_id, accepted_at in _accepted_certifications(session, scope):
        latest[case_id] = (submission_id, accepted_at)  # oldest first: the last one stays
    asked = dict(
        session.execute(
            select(InformationRequest.case_id, func.max(InformationRequest.requested_at))
            .join(Case, Case.id == InformationRequest.case_id)
            .where(*_open_case(scope), InformationRequest.document_type == DocumentType.FMLA_CERTIFICATION)
            .group_by(InformationRequest.case_id)
        ).all()
    )
    for case_id, (submission_id, accepted_at) in latest.items():
        if case_id in asked and asked[case_id] > accepted_at:
            continue
        yield Called(case_id, f"certification:{submission_id}", local_date(accepted_at, settings))


def accommodation_review(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    for submission_id, case_id, review_date in session.execute(
        select(Submission.id, Submission.case_id, AccommodationRequest.review_date)
        .join(Case, Case.id == Submission.case_id)
        .join(AccommodationRequest, AccommodationRequest.submission_id == Submission.id)
        .where(
            *_open_case(scope),
            AccommodationRequest.review_date.is_not(None),
            (AccommodationRequest.decision == Decision.GRANTED)
            | and_(
                AccommodationRequest.decision == Decision.ALTERNATIVE,
                AccommodationRequest.alternative_accepted_at.is_not(None),
            ),
        )
    ):
        yield Called(case_id, f"accommodation:{submission_id}:{review_date.isoformat()}", review_date)


def transitional_duty_end(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """Due when the duty ends, and no later than the rule's days after it began."""
    for case_id, start, end in session.execute(
        select(Case.id, Case.transitional_duty_start, Case.transitional_duty_end).where(
            *_open_case(scope), Case.transitional_duty_start.is_not(None), Case.actual_rtw.is_(None)
        )
    ):
        subject = f"duty:{case_id}:{start.isoformat()}:{end.isoformat() if end else ''}"
        yield Called(case_id, subject, start, detail=_ends(end), ends_on=end)


def _ends(end: date | None) -> str:
    return f" (ends {end:%-d %b %Y})" if end else ""


def _reports_in_force(session, scope: Scope) -> list[tuple[int, int, RestrictionReport, datetime]]:
    """Each open case's latest accepted report: (case, submission, report, when it arrived)."""
    newer = aliased(RestrictionReport)
    newer_submission = aliased(Submission)
    superseded = (
        select(newer.submission_id)
        .join(newer_submission, newer_submission.id == newer.submission_id)
        .where(
            newer_submission.case_id == Submission.case_id,
            newer.accepted_at.is_not(None),
            newer.accepted_at > RestrictionReport.accepted_at,
        )
        .exists()
    )
    return [
        (case_id, submission_id, report, submitted_at)
        for case_id, submission_id, report, submitted_at in session.execute(
            select(Submission.case_id, Submission.id, RestrictionReport, Submission.submitted_at)
            .join(Case, Case.id == Submission.case_id)
            .join(RestrictionReport, RestrictionReport.submission_id == Submission.id)
            .where(*_open_case(scope), RestrictionReport.accepted_at.is_not(None), ~superseded)
        )
    ]


def restriction_report_ends(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    for case_id, submission_id, report, _ in _reports_in_force(session, scope):
        if report.expected_until is not None:
            yield Called(case_id, f"report:{submission_id}", report.expected_until)


def next_visit_passed(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """Until a newer report arrives from the clinician, accepted or not yet."""
    latest_arrival = dict(
        session.execute(
            select(Submission.case_id, func.max(Submission.submitted_at))
            .join(Case, Case.id == Submission.case_id)
            .where(*_open_case(scope), Submission.kind == SubmissionKind.RESTRICTION_REPORT)
            .group_by(Submission.case_id)
        ).all()
    )
    for case_id, submission_id, report, submitted_at in _reports_in_force(session, scope):
        if report.next_visit is not None and latest_arrival.get(case_id, submitted_at) <= submitted_at:
            yield Called(case_id, f"report:{submission_id}", report.next_visit)


def plan_milestone(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    for case_id, milestone_id, due_on in session.execute(
        select(ReturnToWorkPlan.case_id, PlanMilestone.id, PlanMilestone.due_on)
        .join(ReturnToWorkPlan, ReturnToWorkPlan.id == PlanMilestone.plan_id)
        .join(Case, Case.id == ReturnToWorkPlan.case_id)
        .where(*_open_case(scope), PlanMilestone.met_on.is_(None))
    ):
        # Its date, not its words: a title goes into the case manager's digest, and a milestone's words may be
        # medical ("walks without crutches").
        yield Called(
            case_id, f"milestone:{milestone_id}:{due_on.isoformat()}", due_on, detail=f" of {due_on:%-d %b %Y}"
        )


def no_contact(session, scope: Scope, settings: DeadlineSettings) -> Iterator[Called]:
    """One task per stretch without contact: a contact starts a new stretch, and the old task closes."""
    for case_id, last_contact_at, opened_at in session.execute(
        select(Case.id, Case.last_contact_at, Case.opened_at).where(*_open_case(scope))
    ):
        since = local_date(last_contact_at or opened_at, settings)
        yield Called(case_id, f"contact:{case_id}:{since.isoformat()}", since)


CLOCKS: dict[RuleKey, Callable[..., Iterator[Called]]] = {
    RuleKey.ELIGIBILITY_NOTICE: eligibility_notice,
    RuleKey.CERTIFICATION_DUE: certification_due,
    RuleKey.CERTIFICATION_CURE: certification_cure,
    RuleKey.DESIGNATION_NOTICE: designation_notice,
    RuleKey.RECERTIFICATION: recertification,
    RuleKey.ACCOMMODATION_REVIEW: accommodation_review,
    RuleKey.TRANSITIONAL_DUTY_END: transitional_duty_end,
    RuleKey.RESTRICTION_REPORT_ENDS: restriction_report_ends,
    RuleKey.NEXT_VISIT_PASSED: next_visit_passed,
    RuleKey.PLAN_MILESTONE: plan_milestone,
    RuleKey.NO_CONTACT: no_contact,
}
