"""Transitional-duty offers: a supervisor makes one, the case manager forwards it, the employee answers.

Also the standing light-duty availability supervisors post for their department,
and which of it fits an employee's current restrictions.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.cases.models import Case, CaseStatus
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.duty.models import AvailabilityClosed, Demand, DutyAvailability, DutyOffer
from portal.items import lifecycle as submissions
from portal.items.deadlines import triage_due
from portal.items.models import Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.mail import notifications
from portal.restrictions import matching
from portal.restrictions import operations as restrictions
from portal.restrictions.operations import Limit
from portal.settings import DeadlineSettings

DEFAULT_MAX_DAYS = 90
# The inbox priority rank of an offer that conflicts with the restrictions (deadlines.priority_lead).
CONFLICTING = 1
# Where the supervisor reads what happened to an offer they made.
SENDER_SCREEN = "supervisor.offer"


@dataclass
class OfferInput:
    job_title: str = ""
    tasks: str = ""
    hours_per_day: float | None = None
    days: str = ""
    location: str = ""
    pay_unchanged: bool = True
    pay_rate: str = ""
    start_date: date | None = None
    end_date: date | None = None
    answer_by: date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    demands: dict[str, Limit] = field(default_factory=dict)
    # The supervisor has read the conflicts with the restrictions and sends the offer all the same.
    send_despite_conflicts: bool = False

    @property
    def all_demands(self) -> dict[str, Limit]:
        """The demands typed, with the hours a day as the work-hours demand: what the fit is checked on."""
        return with_working_hours(self.demands, self.hours_per_day)


def _required(values: dict[str, str], messages: dict[str, str]) -> dict[str, str]:
    return {name: message for name, message in messages.items() if not (values.get(name) or "").strip()}


def _work_problems(
    hours_per_day: float | None,
    start: date | None,
    end: date | None,
    demands: dict[str, Limit],
    today: date,
    max_days: int,
) -> dict[str, str]:
    """The rules an offer and standing availability share: hours, dates and demands."""
    found = {}
    if hours_per_day is None or not 0 < hours_per_day <= 24:
        found["hours_per_day"] = "Enter the hours a day, more than 0 and at most 24."
    if start is None:
        found["start_date"] = "Enter the start date."
    elif start < today:
        found["start_date"] = "The start date cannot be in the past."
    if end is None:
        found["end_date"] = "Enter the end date."
    elif start and end < start:
        found["end_date"] = "The end date must be on or after the start date."
    elif start and (end - start).days + 1 > max_days:
        found["end_date"] = f"Transitional duty lasts at most {max_days} days."
    for key, demand in demands.items():
        message = restrictions.limit_problem(restrictions.BY_KEY[key], demand)
        if message:
            found[key] = message
    return found


def problems(offer: OfferInput, today: date, max_days: int = DEFAULT_MAX_DAYS) -> dict[str, str]:
    """Every rule the offer breaks, by form field. A written offer must state all of this."""
    found = _required(
        vars(offer),
        {
            "job_title": "Enter the job title.",
            "tasks": "Describe the tasks.",
            "days": "Say which days, for example Monday to Friday.",
            "location": "Enter where the work is.",
            "contact_name": "Enter who to contact.",
        },
    )
    if not offer.pay_unchanged and not offer.pay_rate.strip():
        found["pay_rate"] = "Enter the rate of pay, or say pay is unchanged."
    found.update(_work_problems(offer.hours_per_day, offer.start_date, offer.end_date, offer.demands, today, max_days))
    if offer.answer_by is None:
        found["answer_by"] = "Enter the date by which the employee must answer."
    elif offer.answer_by < today or (offer.start_date and offer.answer_by > offer.start_date):
        found["answer_by"] = "The answer date must be from today and no later than the start date."
    return found


def conflict_warning(case: Case, result: matching.Fit) -> str:
    """What the supervisor must read before sending an offer that does not fit the restrictions."""
    names = ", ".join(conflict.label for conflict in result.conflicts)
    return (
        f"This offer does not fit {case.employee.name}'s current restrictions ({names}). Change the demands, "
        "or tick this box to send it anyway: the case manager sees the conflicts and will talk to you before "
        f"anything reaches {case.employee.name}."
    )


def with_working_hours(demands: dict[str, Limit], hours_per_day: float | None) -> dict[str, Limit]:
    """The demands, with the hours a day the work lasts as its demand on the work-hours restriction
    unless that demand is given: a 10-hour day does not fit a 6-hour limit."""
    work = demands.get("work_hours")
    if hours_per_day is None or (work is not None and not work.is_empty()):
        return demands
    return {**demands, "work_hours": Limit(hours=hours_per_day)}


def typed_demands(demands: dict[str, Limit], hours_per_day: float | None) -> dict[str, Limit]:
    """The demands as typed: without the work-hours demand ``with_working_hours`` took from the hours a day."""
    work = demands.get("work_hours")
    if work is not None and work.hours == hours_per_day:
        return {key: limit for key, limit in demands.items() if key != "work_hours"}
    return demands


def fit(session, case: Case, demands: dict[str, Limit], today: date) -> matching.Fit:
    """How the demands fit the case's current restrictions."""
    report = restrictions.current_report(session, case.id, today)
    return matching.evaluate(
        demands, report.work_status if report else None, restrictions.limits_of(report.restrictions) if report else {}
    )


def make_offer(
    session,
    supervisor: User,
    case: Case,
    offer: OfferInput,
    settings: DeadlineSettings,
    max_days: int = DEFAULT_MAX_DAYS,
    now: datetime | None = None,
) -> Submission:
    """Send the offer to the inbox as a duty offer; the case manager forwards it to the employee."""
    now = now or utcnow()
    if case.employee.supervisor_id != supervisor.id:
        raise NotFound()
    ensure_open(case)
    found = problems(offer, now.date(), max_days)
    if found:
        raise InvalidInput(problems=found)
    demands = offer.all_demands
    result = fit(session, case, demands, now.date())
    if result.conflicts and not offer.send_despite_conflicts:
        raise InvalidInput(problems={"send_despite_conflicts": conflict_warning(case, result)})
    submission = submissions.receive(
        session,
        SubmissionKind.DUTY_OFFER,
        "T",
        case,
        supervisor,
        now,
        triage_due(now, settings),
        f"Transitional duty offer: {offer.job_title.strip()}",
        # An offer that does not fit needs the case manager (and often the clinician) before it can go anywhere.
        priority=CONFLICTING if result.conflicts else 0,
    )
    session.add(
        DutyOffer(
            submission=submission,
            job_title=offer.job_title.strip(),
            tasks=offer.tasks.strip(),
            hours_per_day=offer.hours_per_day,
            days=offer.days.strip(),
            location=offer.location.strip(),
            pay_unchanged=offer.pay_unchanged,
            pay_rate=None if offer.pay_unchanged else offer.pay_rate.strip(),
            start_date=offer.start_date,
            end_date=offer.end_date,
            answer_by=offer.answer_by,
            contact_name=offer.contact_name.strip(),
            contact_phone=offer.contact_phone.strip() or None,
            fit_summary=result.summary,
            demands=restrictions.rows(Demand, demands),
        )
    )
    session.commit()
    return submission


def get_offer(session, user: User, submission_id: int) -> Submission:
    """A duty offer ``user`` may see (an employee only once it is forwarded), or NotFound."""
    submission = access.get_submission(session, user, submission_id)
    if submission.kind != SubmissionKind.DUTY_OFFER:
        raise NotFound()
    return submission


def _offer_of(submission: Submission) -> DutyOffer:
    if submission.duty_offer is None:
        raise NotFound()
    return submission.duty_offer


def offer_fit(session, submission: Submission, today: date) -> matching.Fit:
    return fit(session, submission.case, restrictions.limits_of(_offer_of(submission).demands), today)


def forward(session, submission: Submission, now: datetime) -> None:
    """Accepting an offer forwards it to the employee, who has until its answer date to reply."""
    offer = _offer_of(submission)
    offer.forwarded_at = now
    notifications.queue(
        session,
        submission.case.employee.email,
        "duty_offer_forwarded",
        submission=submission,
        offer=offer,
    )


def answer(
    session, employee: User, submission: Submission, accepted: bool, reason: str | None, now: datetime | None = None
) -> None:
    """The employee accepts or declines a forwarded offer. Accepting starts transitional duty on the case."""
    now = now or utcnow()
    offer = submission.duty_offer
    if offer is None or submission.case.employee_id != employee.id or offer.forwarded_at is None:
        raise NotFound()
    if offer.employee_answer is not None:
        raise Conflict(f"You already {offer.employee_answer} this offer.")
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise InvalidInput("Say why you are declining. Your case manager will contact you about it.", field="reason")
    offer.employee_answer = "accepted" if accepted else "declined"
    offer.answer_reason = reason or None
    offer.answered_at = now
    if accepted:
        case = submission.case
        case.status = CaseStatus.TRANSITIONAL_DUTY
        case.transitional_duty_start, case.transitional_duty_end = offer.start_date, offer.end_date
    session.add(
        SubmissionEvent(
            submission=submission,
            actor=employee,
            at=now,
            action=f"employee_{offer.employee_answer}",
            message=reason or None,
        )
    )
    audit.record(
        session,
        actor=employee,
        action=f"duty_offer_{offer.employee_answer}",
        object_type="submission",
        object_id=submission.id,
        case_id=submission.case_id,
    )
    _tell_supervisor_and_case_manager(session, submission, "duty_offer_answered")
    session.commit()


def reevaluate(session, case: Case, now: datetime) -> None:
    """After new restrictions take effect, re-check every offer still in play and flag the ones whose fit
    changed. An offer the employee accepted is still in play until it ends: when its fit changes, the
    supervisor and the case manager are told, since the employee may be doing work that no longer fits."""
    open_offers = session.scalars(
        select(Submission)
        .where(
            Submission.case_id == case.id,
            Submission.kind == SubmissionKind.DUTY_OFFER,
            Submission.status.in_(
                [
                    SubmissionStatus.NEW,
                    SubmissionStatus.IN_REVIEW,
                    SubmissionStatus.NEEDS_INFO,
                    SubmissionStatus.ACCEPTED,
                ]
            ),
        )
        .options(selectinload(Submission.duty_offer).selectinload(DutyOffer.demands))
    )
    for submission in open_offers:
        offer = submission.duty_offer
        in_force = offer.employee_answer == "accepted" and offer.end_date >= now.date()
        if offer.employee_answer is not None and not in_force:
            continue
        summary = offer_fit(session, submission, now.date()).summary
        if summary != offer.fit_summary:
            session.add(
                SubmissionEvent(
                    submission=submission,
                    at=now,
                    action="fit_changed",
                    message=f"New restrictions: {summary} (was: {offer.fit_summary})",
                )
            )
            offer.fit_summary, offer.fit_changed_at = summary, now
            if in_force:
                _tell_supervisor_and_case_manager(session, submission, "duty_fit_changed")


def _tell_supervisor_and_case_manager(session, submission: Submission, template: str) -> None:
    """Email the offer's supervisor and the case's manager, each with a link to where they read the offer:
    the supervisor's page, or the inbox's review."""
    screens = {address: "inbox.review" for address in submissions.case_manager_addresses(session, submission.case)}
    screens[submission.submitted_by.email] = SENDER_SCREEN
    for address, screen in sorted(screens.items()):
        link = notifications.portal_url(screen, submission_id=submission.id)
        notifications.queue(session, address, template, submission=submission, offer=submission.duty_offer, link=link)


def waiting_for_answer(session, employee: User) -> list[Submission]:
    """Offers forwarded to the employee that they have not answered yet, soonest answer date first."""
    query = (
        access.visible_submissions(employee)
        .join(DutyOffer, DutyOffer.submission_id == Submission.id)
        .where(
            Case.employee_id == employee.id, DutyOffer.forwarded_at.is_not(None), DutyOffer.employee_answer.is_(None)
        )
        .order_by(DutyOffer.answer_by)
    )
    return list(session.scalars(query))


def duty_of_employee(session, employee: User, today: date) -> dict[int, DutyOffer]:
    """Each case's transitional duty the employee accepted and has not finished, by case id: what they
    need to know to turn up (the job, where, when, whom to ask)."""
    query = (
        select(DutyOffer)
        .join(Submission, DutyOffer.submission_id == Submission.id)
        .join(Case, Submission.case_id == Case.id)
        .where(Case.employee_id == employee.id, DutyOffer.employee_answer == "accepted", DutyOffer.end_date >= today)
        .options(joinedload(DutyOffer.submission))
        .order_by(DutyOffer.start_date)
    )
    return {offer.submission.case_id: offer for offer in session.scalars(query)}


def offers_by(session, supervisor: User) -> list[Submission]:
    query = (
        access.visible_submissions(supervisor)
        .where(Submission.kind == SubmissionKind.DUTY_OFFER)
        .options(selectinload(Submission.duty_offer))
        .order_by(Submission.submitted_at.desc())
    )
    return list(session.scalars(query))


@dataclass
class AvailabilityInput:
    """Standing light duty as the supervisor types it."""

    title: str = ""
    tasks: str = ""
    places: int | None = None
    hours_per_day: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    demands: dict[str, Limit] = field(default_factory=dict)


def _availability_problems(posting: AvailabilityInput, earliest_start: date) -> dict[str, str]:
    found = _required(
        {"title": posting.title, "tasks": posting.tasks},
        {"title": "Enter the job title.", "tasks": "Describe the tasks."},
    )
    found.update(
        _work_problems(
            posting.hours_per_day, posting.start_date, posting.end_date, posting.demands, earliest_start, max_days=366
        )
    )
    if not posting.places or posting.places < 1:
        found["places"] = "Enter how many places there are, at least 1."
    return found


def _set_availability(availability: DutyAvailability, posting: AvailabilityInput) -> None:
    availability.title = posting.title.strip()
    availability.tasks = posting.tasks.strip()
    availability.places = posting.places or 1
    availability.hours_per_day = posting.hours_per_day or 0
    if posting.start_date is not None and posting.end_date is not None:  # checked by _availability_problems
        availability.start_date, availability.end_date = posting.start_date, posting.end_date
    availability.demands = restrictions.rows(Demand, with_working_hours(posting.demands, posting.hours_per_day))


def post_availability(
    session, supervisor: User, posting: AvailabilityInput, now: datetime | None = None
) -> DutyAvailability:
    """Standing light duty in the supervisor's department, open to any of its employees."""
    now = now or utcnow()
    if not supervisor.department:
        raise InvalidInput("Your account has no department; ask an admin to set it.")
    found = _availability_problems(posting, now.date())
    if found:
        raise InvalidInput(problems=found)
    availability = DutyAvailability(supervisor=supervisor, department=supervisor.department, created_at=now)
    _set_availability(availability, posting)
    session.add(availability)
    session.commit()
    return availability


def change_availability(
    session, availability: DutyAvailability, posting: AvailabilityInput, now: datetime | None = None
) -> None:
    """Change posted availability. Work already started keeps its start date, even though it is past."""
    now = now or utcnow()
    found = _availability_problems(posting, min(now.date(), availability.start_date))
    if found:
        raise InvalidInput(problems=found)
    _set_availability(availability, posting)
    session.commit()


def close_availability(
    session, availability: DutyAvailability, reason: AvailabilityClosed, now: datetime | None = None
) -> None:
    """Take availability off the case managers' matches: its places are filled, or it is withdrawn."""
    if availability.closed_at is not None:
        raise Conflict(f"This availability was already marked {availability.closed_reason}.")
    availability.closed_at, availability.closed_reason = now or utcnow(), reason
    session.commit()


def reopen_availability(session, availability: DutyAvailability, today: date | None = None) -> None:
    """Undo marking availability filled or withdrawn, while its dates have not passed."""
    if availability.closed_at is None:
        raise Conflict("This availability is already open.")
    if availability.end_date < (today or utcnow().date()):
        raise Conflict("This availability has ended; post it again with new dates.")
    availability.closed_at = availability.closed_reason = None
    session.commit()


def availability_of(session, supervisor: User) -> list[DutyAvailability]:
    """The supervisor's availability: open first, then by start date, latest first."""
    return list(
        session.scalars(
            select(DutyAvailability)
            .where(DutyAvailability.supervisor_id == supervisor.id)
            .order_by(DutyAvailability.closed_at.is_not(None), DutyAvailability.start_date.desc())
        )
    )


def matching_availability(session, case: Case, today: date) -> list[tuple[DutyAvailability, matching.Fit]]:
    """Open availability in the employee's department, best fit first (fewest conflicts, then fewest unknowns)."""
    department = case.employee.department
    if not department:
        return []
    rows = session.scalars(
        select(DutyAvailability)
        .where(
            DutyAvailability.department == department,
            DutyAvailability.closed_at.is_(None),
            DutyAvailability.end_date >= today,
        )
        .options(selectinload(DutyAvailability.demands))
    )
    report = restrictions.current_report(session, case.id, today)
    status = report.work_status if report else None
    limits = restrictions.limits_of(report.restrictions) if report else {}
    scored = [(row, matching.evaluate(restrictions.limits_of(row.demands), status, limits)) for row in rows]
    return sorted(scored, key=lambda pair: (len(pair[1].conflicts), len(pair[1].unknowns), pair[0].start_date))
