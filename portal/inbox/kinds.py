"""The kind table: what each kind of inbox item means to the case manager who decides it.

The lifecycle (``portal.items``) moves every item the same way and knows no kind. This table,
above the kinds, says for each what accepting it does, how its accept button and the message
after it read, what its review shows beside the item, and where its sender reads about it.
A new kind of item is one new row here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from portal.accommodations import operations as accommodations
from portal.accounts.models import Role, User
from portal.core.errors import Conflict, NotFound
from portal.documents import operations as documents
from portal.duty import operations as offers
from portal.intake import operations as intake
from portal.items import lifecycle
from portal.items.models import InformationRequest, Submission, SubmissionKind
from portal.plans import operations as plans
from portal.restrictions import clinicians, reports
from portal.restrictions import operations as restrictions
from portal.settings import DeadlineSettings

# A session, or the app's scoped session (db.session) that stands for one.
AnySession = Session | scoped_session[Any]


def _no_extra_context(session: AnySession, submission: Submission, today: date) -> dict:
    return {}


@dataclass(frozen=True)
class Kind:
    sender: str  # who sends this kind, in the case manager's words: questions and reasons go to them
    sender_screen: str  # the endpoint where the sender reads what happened to what they sent
    accepted_message: str
    # None: the kind is decided with its own form (an accommodation: granted, an alternative, or denied).
    accept_label: str | None = None
    take_effect: Callable[[AnySession, Submission, datetime], None] | None = None
    review_context: Callable[[AnySession, Submission, date], dict] = field(default=_no_extra_context)
    # Why the item cannot be accepted yet, if it cannot (a report from a clinician nobody has confirmed).
    accept_refusal: Callable[[AnySession, Submission], str | None] | None = None
    # A kind decided with its own form (accept_label None): the template of that form, in the review.
    decision_template: str | None = None
    # What declining or withdrawing the item does beyond the lifecycle's (a report that is not a case closes its case).
    closing_effect: Callable[[AnySession, Submission, datetime], None] | None = None
    # Declined with a reason by the review's own form; False where the kind's decision form can refuse it.
    declined_with_reason: bool = True
    # Where the sender reads about the item, when it depends on who sent it (a report: employee or supervisor).
    sender_screens: dict[str, str] = field(default_factory=dict)

    def screen_for(self, submission: Submission) -> str:
        return self.sender_screens.get(submission.submitted_by.role, self.sender_screen)


def _restrictions_take_effect(session: AnySession, submission: Submission, now: datetime) -> None:
    """The report becomes the case's current restrictions, and every offer still in play is checked against them,
    and so is the return-to-work plan's schedule."""
    reports.take_effect(session, submission, now)
    offers.reevaluate(session, submission.case, now)
    plans.recheck(session, submission.case, now)


def _restriction_changes(session: AnySession, submission: Submission, today: date) -> dict:
    report = submission.restriction_report
    if report is None:
        raise NotFound()
    current = restrictions.current_report(session, submission.case_id, today, excluding=submission.id)
    return {
        "changes": restrictions.compare(current, report),
        "unverified_clinician": clinicians.refusal_to_accept(session, submission),
    }


def _offer_fit(session: AnySession, submission: Submission, today: date) -> dict:
    return {"fit": offers.offer_fit(session, submission, today)}


def _interactive_process(session: AnySession, submission: Submission, today: date) -> dict:
    return {
        "log": accommodations.log_of(session, submission),
        "questions": accommodations.questions_for_request(session, submission),
    }


KINDS: dict[SubmissionKind, Kind] = {
    SubmissionKind.DOCUMENT: Kind(
        sender="employee",
        sender_screen=documents.SENDER_SCREEN,
        accept_label="Accept and file to the case",
        accepted_message="Accepted and filed to the case. The employee has been emailed.",
    ),
    SubmissionKind.RESTRICTION_REPORT: Kind(
        sender="clinician",
        sender_screen=reports.SENDER_SCREEN,
        accept_label="Accept: make these the current restrictions",
        accepted_message="Accepted: these are now the case's current restrictions. The clinician has been emailed.",
        take_effect=_restrictions_take_effect,
        review_context=_restriction_changes,
        accept_refusal=clinicians.refusal_to_accept,
    ),
    SubmissionKind.DUTY_OFFER: Kind(
        sender="supervisor",
        sender_screen=offers.SENDER_SCREEN,
        accept_label="Accept and forward to the employee",
        accepted_message="Accepted and forwarded to the employee, who has been emailed.",
        take_effect=offers.forward,
        review_context=_offer_fit,
    ),
    SubmissionKind.ACCOMMODATION_REQUEST: Kind(
        sender="employee",
        sender_screen=accommodations.SENDER_SCREEN,
        accepted_message="Decision recorded. The employee has been emailed.",
        review_context=_interactive_process,
        decision_template="inbox/_decide_accommodation.html",
        declined_with_reason=False,
    ),
    SubmissionKind.INTAKE_REPORT: Kind(
        sender="person who reported it",
        sender_screen=intake.SENDER_SCREENS[Role.EMPLOYEE],
        sender_screens=dict(intake.SENDER_SCREENS),
        accepted_message="Triaged. The employee has been told, and their supervisor that a case exists.",
        review_context=intake.triage_context,
        decision_template="inbox/_triage.html",
        closing_effect=intake.not_a_case,
    ),
}


def of(submission: Submission) -> Kind:
    return KINDS[SubmissionKind(submission.kind)]


def review_context(session: AnySession, submission: Submission, today: date) -> dict:
    """What the review shows of the item beyond what every kind shows."""
    kind = of(submission)
    return {"kind": kind, **kind.review_context(session, submission, today)}


def accept(
    session: AnySession, submission: Submission, actor: User, expected_version: int | None, now: datetime | None = None
) -> str:
    """Accept the item and do what accepting its kind means, in one transaction; the message to show."""
    kind = of(submission)
    refusal = kind.accept_refusal(session, submission) if kind.accept_refusal else None
    if refusal:
        raise Conflict(refusal)
    take_effect = partial(kind.take_effect, session, submission) if kind.take_effect else None
    lifecycle.decide(
        session,
        submission,
        actor,
        True,
        expected_version,
        kind.screen_for(submission),
        now=now,
        take_effect=take_effect,
    )
    return kind.accepted_message


def decline(
    session: AnySession,
    submission: Submission,
    actor: User,
    expected_version: int | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    kind = of(submission)
    take_effect = partial(kind.closing_effect, session, submission) if kind.closing_effect else None
    lifecycle.decide(
        session,
        submission,
        actor,
        False,
        expected_version,
        kind.screen_for(submission),
        reason=reason,
        now=now,
        take_effect=take_effect,
    )


def withdraw(session: AnySession, submission: Submission, actor: User, expected_version: int | None) -> None:
    """The sender withdraws the item before review, and what withdrawing its kind does with it."""
    kind = of(submission)
    take_effect = partial(kind.closing_effect, session, submission) if kind.closing_effect else None
    lifecycle.withdraw(session, submission, actor, expected_version, take_effect=take_effect)


def request_information(
    session: AnySession,
    submission: Submission,
    actor: User,
    message: str,
    due_date: date | None,
    expected_version: int | None,
    settings: DeadlineSettings,
    incomplete_certification: bool = False,
    now: datetime | None = None,
) -> InformationRequest:
    """Send the item back to its sender with a question; their email links to where they read it."""
    return lifecycle.request_information(
        session,
        submission,
        actor,
        message,
        due_date,
        expected_version,
        settings,
        of(submission).screen_for(submission),
        incomplete_certification,
        now,
    )
