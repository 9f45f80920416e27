"""The submission lifecycle, the same for every kind of inbox item.

    new -> in_review -> (needs_info -> in_review)* -> accepted | declined
    new -> withdrawn (by the submitter, before review)

Every action names the version of the item the user saw. If someone else
changed it since, or two people act at the same moment, exactly one wins: the
other gets a Conflict that says what happened, and nothing of theirs is saved.
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Role, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.items.deadlines import end_of_day, information_due_date, local_date, priority_at
from portal.items.models import InformationRequest, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.mail import notifications
from portal.settings import DeadlineSettings

S = SubmissionStatus
# action: (statuses it may start from, status it leads to, past tense for the history)
TRANSITIONS = {
    "claim": ((S.NEW, S.IN_REVIEW, S.NEEDS_INFO), None, "claimed"),
    "assign": ((S.NEW, S.IN_REVIEW, S.NEEDS_INFO), None, "assigned"),
    "request_information": ((S.IN_REVIEW,), S.NEEDS_INFO, "asked for more information"),
    "provide_information": ((S.NEEDS_INFO,), S.IN_REVIEW, "sent more information"),
    "accept": ((S.IN_REVIEW,), S.ACCEPTED, "accepted"),
    "decline": ((S.IN_REVIEW,), S.DECLINED, "declined"),
    "withdraw": ((S.NEW,), S.WITHDRAWN, "withdrew"),
    # A denied accommodation goes back to review when the employee asks for reconsideration.
    "reconsider": ((S.DECLINED,), S.IN_REVIEW, "asked for reconsideration"),
    # An item whose case manager's account was stopped goes back to the unassigned queue.
    "release": ((S.NEW, S.IN_REVIEW, S.NEEDS_INFO), None, "returned to the unassigned queue"),
}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: references are read out on the phone


def new_reference(prefix: str) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def case_manager_addresses(session, case) -> list[str]:
    """The case's manager, or every active case manager while the case has none."""
    if case.active_case_manager is not None:
        return [case.active_case_manager.email]
    return list(session.scalars(select(User.email).where(User.role == Role.CASE_MANAGER, User.active)))


def receive(
    session,
    kind: SubmissionKind,
    reference_prefix: str,
    case,
    sender: User,
    now: datetime,
    due_at: datetime | None,
    summary: str,
    priority: int = 0,
    message: str | None = None,
) -> Submission:
    """A new inbox item, as every kind arrives: its submit event, its audit record, and an email to
    the case's manager. Flushed, not committed: the caller adds the kind's details in the same transaction."""
    submission = Submission(
        reference=new_reference(reference_prefix),
        kind=kind,
        case=case,
        submitted_by=sender,
        submitted_at=now,
        status=S.NEW,
        due_at=due_at,
        summary=summary,
        priority=priority,
    )
    _schedule(submission)
    session.add(submission)
    session.add(
        SubmissionEvent(submission=submission, actor=sender, at=now, action="submit", to_status=S.NEW, message=message)
    )
    session.flush()
    audit.record(
        session,
        actor=sender,
        action="submission_submit",
        object_type="submission",
        object_id=submission.id,
        case_id=case.id,
    )
    # One sender's burst (a thousand uploads in two minutes) is one email, not a thousand: past the first
    # few within the window, the case manager's waiting email is rewritten to say several have arrived.
    since = now - BURST_WINDOW
    burst = session.scalar(
        select(func.count(Submission.id)).where(
            Submission.submitted_by_id == sender.id, Submission.submitted_at > since
        )
    )
    for address in case_manager_addresses(session, case):
        if burst > BURST_EMAILS:
            notifications.gather(session, address, "submission_received_several", since, submission=submission)
        else:
            notifications.queue(session, address, "submission_received", submission=submission)
    return submission


# How many items one sender may send in BURST_WINDOW each with an email of its own to the case manager.
BURST_EMAILS = 5
BURST_WINDOW = timedelta(minutes=10)


def takes_up(before: SubmissionStatus | None, after: SubmissionStatus | None) -> bool:
    """Whether a move is a case manager's first triage of an item: it leaves "new", other than by withdrawal."""
    return before == S.NEW and after not in (S.NEW, S.WITHDRAWN)


def unclaimed(submission: Submission) -> bool:
    """Open and nobody's yet: what a case manager may claim without taking it from a colleague."""
    return submission.is_open and submission.assignee_id is None


def _schedule(submission: Submission) -> None:
    """Bring the priority moment into line with the due date, which every transition may move."""
    submission.priority_at = priority_at(submission.kind, submission.priority, submission.due_at)


def allowed_actions(submission: Submission, user: User) -> set[str]:
    """What ``user`` may do to the item now: the lifecycle's transitions from its status, less
    claiming what they already hold, and withdrawing or reconsidering what they did not send."""
    actions = {action for action, (sources, _, _) in TRANSITIONS.items() if submission.status in sources}
    if submission.assignee_id == user.id:
        actions.discard("claim")
    if submission.submitted_by_id != user.id:
        actions -= {"withdraw", "reconsider"}
    return actions


def _describe_current(session, submission: Submission) -> str:
    last = session.scalar(
        select(SubmissionEvent)
        .where(SubmissionEvent.submission_id == submission.id)
        .order_by(SubmissionEvent.id.desc())
        .limit(1)
    )
    state = f"It is now {submission.status_label.lower()}"
    if submission.assignee is not None:
        state += f", assigned to {submission.assignee.name}"
    if last is not None and last.actor is not None:
        verb = TRANSITIONS.get(last.action, (None, None, last.action.replace("_", " ")))[2]
        return f"{last.actor.name} {verb} this item at {last.at:%H:%M} UTC. {state}."
    return f"{state}."


def transition(
    session,
    submission: Submission,
    actor: User,
    action: str,
    expected_version: int | None,
    message: str | None = None,
    now: datetime | None = None,
    recorded_as: str | None = None,
    **changes,
) -> SubmissionEvent:
    """Apply ``action`` if the item is still as the user saw it and the lifecycle allows it.

    The history records it as ``action``, or as ``recorded_as`` where a kind names its own decisions
    (an accommodation's "accept" is a grant or an alternative offered).

    Adds the history event and the audit record; the caller adds what else
    belongs in the same transaction and calls ``commit``.
    """
    now = now or utcnow()
    if expected_version is not None and expected_version != submission.version:
        raise Conflict(
            "Someone changed this item while you were looking at it. "
            + _describe_current(session, submission)
            + " Your change was not made."
        )
    sources, target, _ = TRANSITIONS[action]
    if submission.status not in sources:
        raise Conflict(
            f"This item is {submission.status_label.lower()}, so it cannot be "
            f"{'withdrawn' if action == 'withdraw' else TRANSITIONS[action][2]} now."
        )
    before = submission.status
    if target is not None:
        submission.status = target
    for name, value in changes.items():
        setattr(submission, name, value)
    if takes_up(before, submission.status) and submission.triaged_at is None:
        submission.triaged_at = now
    _schedule(submission)
    event = SubmissionEvent(
        submission=submission,
        actor=actor,
        at=now,
        action=recorded_as or action,
        from_status=before,
        to_status=submission.status,
        message=message,
    )
    session.add(event)
    audit.record(
        session,
        actor=actor,
        action=f"submission_{action}",
        object_type="submission",
        object_id=submission.id,
        case_id=submission.case_id,
        detail=f"{before} -> {submission.status}",
    )
    return event


@contextmanager
def lost_race(session, submission: Submission) -> Iterator[None]:
    """Turn a lost race at commit (the row's version moved on) into a Conflict that says who won."""
    try:
        yield
    except StaleDataError:
        session.rollback()
        session.refresh(submission)
        raise Conflict(
            "Someone else acted on this item at the same moment. "
            + _describe_current(session, submission)
            + " Your change was not made."
        ) from None


def commit(session, submission: Submission) -> None:
    with lost_race(session, submission):
        session.commit()


def claim(session, submission: Submission, actor: User, expected_version: int | None) -> None:
    if submission.assignee_id == actor.id:
        raise Conflict("You have already claimed this item.")
    if submission.assignee is not None:
        raise Conflict(
            f"{submission.assignee.name} has already claimed this item. " + _describe_current(session, submission)
        )
    assign(session, submission, actor, actor, expected_version, action="claim")


def assign(
    session, submission: Submission, actor: User, assignee: User, expected_version: int | None, action: str = "assign"
) -> None:
    if assignee.role != Role.CASE_MANAGER or not assignee.active:
        raise InvalidInput("Choose an active case manager.", field="assignee")
    status = S.IN_REVIEW if submission.status == S.NEW else submission.status
    message = None if assignee == actor else f"Assigned to {assignee.name}"
    transition(session, submission, actor, action, expected_version, message=message, assignee=assignee, status=status)
    commit(session, submission)


def held_by(session, case_manager: User) -> list[Submission]:
    """The open items assigned to ``case_manager``."""
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.assignee_id == case_manager.id, Submission.is_open)
            .order_by(Submission.id)
        )
    )


def release_all(session, case_manager: User, actor: User, now: datetime) -> int:
    """Return every open item ``case_manager`` holds to the unassigned queue, so that none waits on
    someone who has left; the caller commits. Returns how many."""
    held = held_by(session, case_manager)
    for submission in held:
        transition(session, submission, actor, "release", None, now=now, assignee=None)
    return len(held)


def request_information(
    session,
    submission: Submission,
    actor: User,
    message: str,
    due_date: date | None,
    expected_version: int | None,
    settings: DeadlineSettings,
    sender_screen: str,
    incomplete_certification: bool = False,
    now: datetime | None = None,
) -> InformationRequest:
    """Send the item back to the employee with a question, due by ``due_date``.

    Without a date: 15 calendar days, or 7 to cure an incomplete certification.
    """
    now = now or utcnow()
    message = (message or "").strip()
    due_date = due_date or information_due_date(now, settings, incomplete_certification)
    problems = {}
    if not message:
        problems["message"] = "Say what information you need."
    if due_date <= local_date(now, settings):
        problems["due_date"] = "The reply date must be after today."
    if problems:
        raise InvalidInput(problems=problems)
    due_at = end_of_day(due_date, settings)
    with lost_race(session, submission):
        transition(
            session, submission, actor, "request_information", expected_version, message=message, now=now, due_at=due_at
        )
        request = InformationRequest(
            case_id=submission.case_id,
            submission=submission,
            message=message,
            due_at=due_at,
            requested_by=actor,
            requested_at=now,
        )
        session.add(request)
        notifications.to_sender(session, submission, sender_screen, "information_requested", due_at=due_at)
        session.commit()
    return request


def close_requests(session, submission: Submission, now: datetime) -> None:
    session.execute(
        update(InformationRequest)
        .where(InformationRequest.submission_id == submission.id, InformationRequest.closed_at.is_(None))
        .values(closed_at=now)
    )


def decide(
    session,
    submission: Submission,
    actor: User,
    accepted: bool,
    expected_version: int | None,
    sender_screen: str,
    reason: str | None = None,
    now: datetime | None = None,
    take_effect: Callable[[datetime], None] | None = None,
    message: str | None = None,
    recorded_as: str | None = None,
) -> None:
    """Accept or decline, in one transaction with what accepting the item's kind does (``take_effect``).

    A decline needs a reason, which the sender sees; ``message`` replaces it, and ``recorded_as`` the
    action, in the history where a kind records its own decision. The sender is emailed a link to
    ``sender_screen``.
    """
    now = now or utcnow()
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise InvalidInput("Give the reason for declining. Whoever sent it will see it.", field="reason")
    # What accepting does, and closing the item's requests, write before the commit: a rival who
    # decided first is noticed there as much as at the commit.
    with lost_race(session, submission):
        transition(
            session,
            submission,
            actor,
            "accept" if accepted else "decline",
            expected_version,
            message=message or reason or None,
            now=now,
            due_at=None,
            recorded_as=recorded_as,
        )
        if take_effect is not None:
            take_effect(now)
        close_requests(session, submission, now)
        notifications.to_sender(session, submission, sender_screen, "submission_decided")
        session.commit()


def withdraw(
    session,
    submission: Submission,
    actor: User,
    expected_version: int | None,
    take_effect: Callable[[datetime], None] | None = None,
) -> None:
    """Withdraw an item its sender no longer wants reviewed, with what withdrawing its kind does (``take_effect``)."""
    if submission.submitted_by_id != actor.id:
        raise Conflict("Only the person who sent an item can withdraw it.")
    now = utcnow()
    transition(session, submission, actor, "withdraw", expected_version, due_at=None, now=now)
    if take_effect is not None:
        take_effect(now)
    commit(session, submission)
