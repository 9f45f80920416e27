"""The case's own course: its expected return and that date's history, the return to work as reported and as
recorded, closing with an outcome, and reopening. Each change is a CaseEvent on the case's timeline."""

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.audit import operations as audit
from portal.cases.models import Case, CaseEvent, CaseEventKind, CaseOutcome, CaseStatus, ReturnDuty
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.core.errors import Conflict, InvalidInput
from portal.items.models import InformationRequest, Submission, SubmissionStatus
from portal.mail import notifications

OPEN_ITEM_STATUSES = (SubmissionStatus.NEW, SubmissionStatus.IN_REVIEW, SubmissionStatus.NEEDS_INFO)


def _event(session, case: Case, kind: CaseEventKind, actor: User | None, now: datetime, **values) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, actor=actor, at=now, **values)
    session.add(event)
    return event


def _set_status(session, case: Case, status: CaseStatus, actor: User | None, now: datetime) -> None:
    if case.status != status:
        _event(session, case, CaseEventKind.STATUS_CHANGED, actor, now, before=case.status, after=status)
        case.status = status


def _required_reason(reason: str | None, field: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"Say why {what}: it is kept on the case's timeline.", field=field)
    return reason


def change_expected_return(
    session, actor: User, case: Case, expected: date | None, reason: str, now: datetime | None = None
) -> None:
    """A new expected return date, kept with who changed it, when and why."""
    now = now or utcnow()
    ensure_open(case)
    reason = _required_reason(reason, "reason", "the expected return changes")
    if expected == case.expected_rtw:
        raise InvalidInput("That is already the expected return date.", field="expected_rtw")
    if expected is not None and case.leave_start is not None and expected < case.leave_start:
        raise InvalidInput(
            f"The expected return cannot be before the leave started ({written_date(case.leave_start)}).",
            field="expected_rtw",
        )
    _event(
        session,
        case,
        CaseEventKind.EXPECTED_RETURN_CHANGED,
        actor,
        now,
        before=case.expected_rtw.isoformat() if case.expected_rtw else None,
        after=expected.isoformat() if expected else None,
        reason=reason,
    )
    case.expected_rtw = expected
    audit.record(
        session, actor=actor, action="expected_return_changed", object_type="case", object_id=case.id, case_id=case.id
    )
    session.commit()


def expected_return_history(session, case: Case) -> list[CaseEvent]:
    """Every change of the expected return date, newest first: who, when, from what to what, and why."""
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == CaseEventKind.EXPECTED_RETURN_CHANGED)
            .options(joinedload(CaseEvent.actor))
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        )
    )


def _check_return_date(case: Case, returned_on: date | None, today: date) -> date:
    if returned_on is None:
        raise InvalidInput("Enter the day the employee came back to work.", field="returned_on")
    if returned_on > today:
        raise InvalidInput("The return cannot be in the future: record it on the day, or after.", field="returned_on")
    if case.leave_start is not None and returned_on < case.leave_start:
        raise InvalidInput(
            f"The return cannot be before the leave started ({written_date(case.leave_start)}).", field="returned_on"
        )
    return returned_on


def awaits_return(case: Case) -> bool:
    """Whether a return to work can still be reported: the case is open and no return is recorded."""
    return case.status in (CaseStatus.OPEN, CaseStatus.TRANSITIONAL_DUTY)


def report_return(
    session, reporter: User, case: Case, returned_on: date | None, duty: str, now: datetime | None = None
) -> CaseEvent:
    """The employee or their supervisor says the employee is back: the case manager is told, and confirms."""
    now = now or utcnow()
    ensure_open(case)
    returned_on = _check_return_date(case, returned_on, now.date())
    duty = ReturnDuty(duty)
    if pending_return_report(session, case) is not None:
        raise Conflict("A return is already reported on this case, waiting for the case manager to confirm it.")
    event = _event(
        session, case, CaseEventKind.RETURN_REPORTED, reporter, now, effective_on=returned_on, after=duty.value
    )
    manager = case.active_case_manager
    if manager is not None:
        notifications.queue(
            session,
            manager.email,
            "return_reported",
            recipient=manager,
            case=case,
            reporter_role=Role(reporter.role),
            link=notifications.portal_url("inbox.case", case_id=case.id),
        )
    audit.record(
        session, actor=reporter, action="return_reported", object_type="case", object_id=case.id, case_id=case.id
    )
    session.commit()
    return event


def pending_return_report(session, case: Case) -> CaseEvent | None:
    """A return reported and not yet confirmed (or overtaken by a return the case manager recorded)."""
    return session.scalar(
        select(CaseEvent)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind == CaseEventKind.RETURN_REPORTED,
            CaseEvent.settled_at.is_(None),
        )
        .order_by(CaseEvent.at.desc())
        .limit(1)
    )


def record_return(
    session, actor: User, case: Case, returned_on: date | None, duty: str, now: datetime | None = None
) -> None:
    """The case manager records the actual return (or confirms one reported): the date and full or modified
    duty. A return to modified duty can be followed by a return to full duty: each is kept."""
    now = now or utcnow()
    ensure_open(case)
    returned_on = _check_return_date(case, returned_on, now.date())
    duty = ReturnDuty(duty)
    if case.actual_rtw_duty == ReturnDuty.FULL_DUTY and duty == ReturnDuty.FULL_DUTY:
        raise Conflict(f"A return to full duty on {written_date(case.actual_rtw)} is already recorded.")
    _event(session, case, CaseEventKind.RETURN_RECORDED, actor, now, effective_on=returned_on, after=duty.value)
    session.execute(
        update(CaseEvent)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind == CaseEventKind.RETURN_REPORTED,
            CaseEvent.settled_at.is_(None),
        )
        .values(settled_at=now)
    )
    case.actual_rtw, case.actual_rtw_duty = returned_on, duty
    _set_status(session, case, CaseStatus.RETURNED_TO_WORK, actor, now)
    audit.record(session, actor=actor, action="return_recorded", object_type="case", object_id=case.id, case_id=case.id)
    session.commit()


def open_items(session, case: Case) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.case_id == case.id, Submission.status.in_(OPEN_ITEM_STATUSES))
        )
        or 0
    )


def close_case(
    session,
    actor: User,
    case: Case,
    outcome: str | None,
    closed_on: date | None,
    summary: str,
    now: datetime | None = None,
) -> None:
    """Close with an outcome, a date and a summary: the case is read only from then on, until reopened."""
    now = now or utcnow()
    ensure_open(case)
    problems = {}
    if not outcome:
        problems["outcome"] = "Choose how the case ended."
    if closed_on is None:
        problems["closed_on"] = "Enter the closing date."
    elif closed_on > now.date():
        problems["closed_on"] = "The closing date cannot be in the future."
    elif closed_on < case.opened_at.date():
        problems["closed_on"] = (
            f"The case was opened on {written_date(case.opened_at.date())}: close it on or after that."
        )
    if not (summary or "").strip():
        problems["summary"] = "Write a closing summary: what happened and why it closes."
    if problems or not outcome:
        raise InvalidInput(problems=problems)
    waiting = open_items(session, case)
    if waiting:
        raise Conflict(
            f"{waiting} item{'s are' if waiting != 1 else ' is'} still open on this case. Decide "
            f"{'them' if waiting != 1 else 'it'} first, so nothing is left waiting on a closed case."
        )
    ended = CaseOutcome(outcome)
    case.outcome, case.closed_on, case.closure_summary, case.closed_at = ended, closed_on, summary.strip(), now
    _set_status(session, case, CaseStatus.CLOSED, actor, now)
    _event(
        session,
        case,
        CaseEventKind.CLOSED,
        actor,
        now,
        after=ended.value,
        effective_on=closed_on,
        reason=summary.strip(),
    )
    # Nothing more is asked of anyone on a closed case.
    session.execute(
        update(InformationRequest)
        .where(InformationRequest.case_id == case.id, InformationRequest.closed_at.is_(None))
        .values(closed_at=now)
    )
    audit.record(session, actor=actor, action="case_closed", object_type="case", object_id=case.id, case_id=case.id)
    session.commit()


def reopen_case(session, actor: User, case: Case, reason: str, now: datetime | None = None) -> None:
    """Reopen a closed case, with the reason on its timeline; its earlier outcome stays there too."""
    now = now or utcnow()
    if case.status != CaseStatus.CLOSED or case.joined_to_id is not None:
        raise Conflict(
            "Only a closed case can be reopened."
            if case.joined_to_id is None
            else "This report was joined to another case: work on that case instead."
        )
    reason = _required_reason(reason, "reason", "the case reopens")
    _event(session, case, CaseEventKind.REOPENED, actor, now, before=case.outcome, reason=reason)
    case.outcome, case.closed_on, case.closed_at = None, None, None
    _set_status(session, case, CaseStatus.RETURNED_TO_WORK if case.actual_rtw else CaseStatus.OPEN, actor, now)
    audit.record(session, actor=actor, action="case_reopened", object_type="case", object_id=case.id, case_id=case.id)
    session.commit()
