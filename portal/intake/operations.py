"""Opening a case: the employee reports a need (one question a page), their supervisor reports for them, or a
case manager opens one for anyone on the roster; each report enters the inbox with a triage deadline, and triage
opens the case (or cases: one report may start a leave and a workers' compensation claim) or joins the report
to the employee's case of that kind already open.

Until triage, a report stands on a case of its own in status "intake", seen by its employee ("being looked at")
and the case managers, never by the supervisor, who learns that a case exists only once it is opened.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from portal import access
from portal.accounts import operations as accounts
from portal.accounts import roster_import
from portal.accounts.models import Role, RosterPerson, User
from portal.audit import operations as audit
from portal.cases import operations as cases
from portal.cases.models import Case, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.intake.models import EMPLOYEE_NEEDS, SUPERVISOR_NEEDS, IntakeDraft, IntakeReport, Need
from portal.items import lifecycle
from portal.items.deadlines import add_business_days, local_date, program_moment, triage_due
from portal.items.models import Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.mail import notifications
from portal.settings import AccountSettings, DeadlineSettings

# Where whoever sent a report reads what became of it.
SENDER_SCREENS: dict[str, str] = {Role.EMPLOYEE: "employee.submission", Role.SUPERVISOR: "supervisor.report"}
STEPS = ["need", "dates", "work", "contact"]
FMLA_HOURS = 1250
REFERENCE_PREFIX = "N"  # a new report


# --- FMLA eligibility -----------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether the roster shows the employee eligible for FMLA leave on a day, and why. None: the roster
    cannot say (the person is not on it)."""

    eligible: bool | None
    reasons: tuple[str, ...]


def _twelve_months_after(hired: date) -> date:
    try:
        return hired.replace(year=hired.year + 1)
    except ValueError:  # hired on 29 February: the anniversary is 1 March
        return date(hired.year + 1, 3, 1)


def fmla_eligibility(person: RosterPerson | None, on: date) -> Eligibility:
    """29 CFR 825.110: 12 months of service and 1,250 hours in the 12 months before the leave starts. The
    worksite test (50 employees within 75 miles) is the employer's to confirm, and is said so."""
    if person is None:
        return Eligibility(None, ("Not on the roster: check the months of service and the hours by hand.",))
    reasons = []
    anniversary = _twelve_months_after(person.hire_date)
    served = on >= anniversary
    reasons.append(
        f"Hired {person.hire_date:%d %b %Y}: 12 months of service "
        + (f"on {anniversary:%d %b %Y}." if served else f"only from {anniversary:%d %b %Y}.")
    )
    hours = person.hours_last_12_months
    enough_hours = hours >= FMLA_HOURS
    reasons.append(
        f"{hours:,.2f}".rstrip("0").rstrip(".")
        + f" hours in the last 12 months: {'at least' if enough_hours else 'fewer than'} {FMLA_HOURS:,}."
    )
    reasons.append("The employer confirms 50 employees within 75 miles of the worksite.")
    return Eligibility(served and enough_hours, tuple(reasons))


def person_of(session, employee: User) -> RosterPerson | None:
    return session.scalar(select(RosterPerson).where(RosterPerson.user_id == employee.id))


# --- the employee's report, one question a page ------------------------------------


def step_problems(step: str, data: dict) -> dict[str, str]:
    """What is missing or wrong in one page of the employee's report, by field."""
    found = {}
    if step == "need" and data.get("need") not in EMPLOYEE_NEEDS:
        found["need"] = "Choose what you need."
    if step == "dates" and data.get("need") != Need.ACCOMMODATION and not data.get("first_day_away"):
        found["first_day_away"] = "Enter your first day away from work, or the day you expect it to be."
    if step == "work" and data.get("at_work") not in ("yes", "no"):
        found["at_work"] = "Say whether it happened at work, or because of work."
    if step == "contact" and not (data.get("contact_phone", "").strip() or data.get("contact_email", "").strip()):
        found["contact_phone"] = "Enter a phone number or an email address we can reach you at while you are away."
    return found


def first_incomplete_step(data: dict) -> str | None:
    return next((step for step in STEPS if step_problems(step, data)), None)


def draft_for(session, employee: User) -> IntakeDraft:
    draft = session.scalar(select(IntakeDraft).where(IntakeDraft.employee_id == employee.id))
    return draft or IntakeDraft(employee_id=employee.id, answers={})


def save_step(session, employee: User, step: str, values: dict) -> dict[str, str]:
    """Keep what the page holds, even with problems, so that nothing typed is lost; return the problems."""
    draft = draft_for(session, employee)
    draft.answers = {**draft.answers, **values}
    session.add(draft)
    session.commit()
    return step_problems(step, draft.answers)


def send_report(session, employee: User, settings: DeadlineSettings, now: datetime | None = None) -> Submission:
    """Send the employee's checked answers: a case in intake, and the report in the inbox to triage."""
    now = now or utcnow()
    draft = draft_for(session, employee)
    data = draft.answers
    step = first_incomplete_step(data)
    if step is not None:
        raise InvalidInput(next(iter(step_problems(step, data).values())), field=step)
    submission = _receive(
        session,
        employee,
        employee,
        Need(data["need"]),
        settings,
        now,
        first_day_away=date.fromisoformat(data["first_day_away"]) if data.get("first_day_away") else None,
        at_work=data["at_work"] == "yes",
        contact_phone=data.get("contact_phone", "").strip() or None,
        contact_email=data.get("contact_email", "").strip() or None,
        contact_note=data.get("contact_note", "").strip() or None,
    )
    if draft.id is not None:
        session.delete(draft)
    session.commit()
    return submission


# --- a supervisor's report, and a case manager's ---------------------------------------


def team_member(session, supervisor: User, person_id: int) -> RosterPerson:
    """Someone who reports to ``supervisor`` on the roster; anyone else is not found."""
    person = session.get(RosterPerson, person_id)
    mine = session.scalar(select(RosterPerson.id).where(RosterPerson.user_id == supervisor.id))
    if person is None or mine is None or person.supervisor_id != mine or not person.in_latest_roster:
        raise NotFound()
    return person


def team(session, supervisor: User) -> list[RosterPerson]:
    mine = select(RosterPerson.id).where(RosterPerson.user_id == supervisor.id).scalar_subquery()
    return list(
        session.scalars(
            select(RosterPerson)
            .where(RosterPerson.supervisor_id == mine, RosterPerson.in_latest_roster.is_(True))
            .order_by(RosterPerson.name)
        )
    )


def reports_by(session, supervisor: User, limit: int = 20) -> list[Submission]:
    """The reports a supervisor sent, newest first: where each stands."""
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.kind == SubmissionKind.INTAKE_REPORT, Submission.submitted_by_id == supervisor.id)
            .options(joinedload(Submission.case).joinedload(Case.employee), joinedload(Submission.intake))
            .order_by(Submission.submitted_at.desc(), Submission.id.desc())
            .limit(limit)
        )
    )


def report_for_team(
    session,
    supervisor: User,
    person_id: int | None,
    need: str,
    what_happened: str,
    happened_at: datetime | None,
    witnesses: str,
    first_day_away: date | None,
    settings: DeadlineSettings,
    now: datetime | None = None,
) -> Submission:
    """A supervisor reports an injury at work, or an absence that may be medical, for someone on their team:
    what happened at work, when and who was there. Nothing medical is asked."""
    now = now or utcnow()
    person = team_member(session, supervisor, person_id) if person_id else None
    happened_at = program_moment(happened_at, settings) if happened_at is not None else None
    problems = {}
    if person is None:
        problems["person"] = "Choose who it is about."
    if need not in SUPERVISOR_NEEDS:
        problems["need"] = "Choose what you are reporting."
    if not (what_happened or "").strip():
        problems["what_happened"] = "Say what happened at work, or what you have noticed. Nothing medical."
    if happened_at is not None and happened_at > now:
        problems["happened_at"] = "When it happened cannot be in the future."
    if problems:
        raise InvalidInput(problems=problems)
    assert person is not None
    employee = _account_for(session, person)
    submission = _receive(
        session,
        supervisor,
        employee,
        Need(need),
        settings,
        now,
        first_day_away=first_day_away,
        at_work=Need(need) == Need.WORK_INJURY,
        what_happened=what_happened.strip(),
        happened_at=happened_at,
        witnesses=(witnesses or "").strip() or None,
    )
    session.commit()
    return submission


def open_for(
    session,
    case_manager: User,
    reference: str,
    need: str,
    first_day_away: date | None,
    settings: DeadlineSettings,
    now: datetime | None = None,
) -> Submission:
    """A case manager starts a case for anyone on the roster (by employee number or work email): the report
    they triage at once."""
    now = now or utcnow()
    if case_manager.role != Role.CASE_MANAGER:
        raise NotFound()
    problems = {}
    person = None
    try:
        person = roster_person(session, reference)
    except InvalidInput as error:
        problems.update(error.problems)
    if need not in EMPLOYEE_NEEDS:
        problems["need"] = "Choose what the case is for."
    if problems:
        raise InvalidInput(problems=problems)
    assert person is not None
    submission = _receive(
        session, case_manager, _account_for(session, person), Need(need), settings, now, first_day_away=first_day_away
    )
    lifecycle.claim(session, submission, case_manager, submission.version)
    return submission


def roster_person(session, reference: str) -> RosterPerson:
    """Someone on the roster by employee number or work email, as a case manager types them."""
    reference = (reference or "").strip()
    if not reference:
        raise InvalidInput("Enter the employee number or work email of someone on the roster.", field="person")
    person = session.scalar(
        select(RosterPerson).where(
            (RosterPerson.employee_number == reference) | (RosterPerson.work_email == reference.lower())
        )
    )
    if person is None:
        raise InvalidInput(f"Nobody on the roster has the employee number or work email “{reference}”.", field="person")
    return person


def open_case_to_join(session, case_id: str | None) -> Case | None:
    """The case a track joins, as the triage form names it (empty: a new case); triage checks it is fit to join."""
    if not case_id:
        return None
    case = session.get(Case, int(case_id)) if case_id.isdigit() else None
    if case is None:
        raise InvalidInput("Choose a case of this employee's to join, or a new case.", field="tracks")
    return case


def _account_for(session, person: RosterPerson) -> User:
    """The person's account, made (without an invitation yet) if they have none: a case needs its employee's
    account; they are invited when the case opens. It reports to whom the roster says, so that their
    supervisor hears of the case when it opens."""
    if person.user_id is not None:
        return session.get(User, person.user_id)
    user = session.scalar(select(User).where(User.email == person.work_email))
    if user is None:
        user = User(email=person.work_email, name=person.name, role=Role.EMPLOYEE)
        session.add(user)
        session.flush()
    person.user_id = user.id
    supervisor = person.supervisor
    roster_import.follow_roster(user, person, supervisor.user_id if supervisor is not None else None)
    return user


def _receive(session, sender: User, employee: User, need: Need, settings: DeadlineSettings, now, **details):
    case = Case(
        number=cases.next_case_number(session, now),
        employee=employee,
        case_type=need.likely_tracks[0],
        status=CaseStatus.INTAKE,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    submission = lifecycle.receive(
        session,
        SubmissionKind.INTAKE_REPORT,
        REFERENCE_PREFIX,
        case,
        sender,
        now,
        triage_due(now, settings),
        f"New report: {need.label.lower()}",
    )
    session.add(IntakeReport(submission=submission, need=need, **details))
    session.flush()
    return submission


# --- triage -----------------------------------------------------------------------


def likely_duplicates(session, submission: Submission) -> dict[CaseType, list[Case]]:
    """The employee's cases already open, by type: a report of a need they already have a case for joins it."""
    found: dict[CaseType, list[Case]] = {}
    for case in session.scalars(
        select(Case)
        .where(
            Case.employee_id == submission.case.employee_id,
            Case.id != submission.case_id,
            Case.status.not_in((CaseStatus.CLOSED, CaseStatus.INTAKE)),
        )
        .order_by(Case.opened_at.desc())
    ):
        found.setdefault(CaseType(case.case_type), []).append(case)
    return found


def other_reports(session, submission: Submission) -> list[Submission]:
    """Other reports about the same employee still waiting for triage: the same need reported twice."""
    return list(
        session.scalars(
            select(Submission)
            .join(Case, Submission.case_id == Case.id)
            .where(
                Submission.kind == SubmissionKind.INTAKE_REPORT,
                Submission.is_open.is_(True),
                Submission.id != submission.id,
                Case.employee_id == submission.case.employee_id,
            )
            .options(joinedload(Submission.submitted_by))
        )
    )


def triage_context(session, submission: Submission, today: date) -> dict:
    """What the review of a report shows beside it: eligibility from the roster, likely duplicates."""
    report = submission.intake
    if report is None:
        raise NotFound()
    person = person_of(session, submission.case.employee)
    return {
        "person": person,
        "eligibility": fmla_eligibility(person, report.first_day_away or submission.submitted_at.date()),
        "duplicates": likely_duplicates(session, submission),
        "other_reports": other_reports(session, submission),
        "likely_tracks": Need(report.need).likely_tracks,
    }


@dataclass(frozen=True)
class Triaged:
    cases: list[Case]
    summary: str  # "Leave: opened C-2026-00012; Workers' compensation: joined to C-2026-00009"


@dataclass(frozen=True)
class Track:
    """One track triage starts: its type, and the employee's open case of that type to join, if any."""

    case_type: CaseType
    join: Case | None = None


def triage(
    session,
    actor: User,
    submission: Submission,
    tracks: list[Track],
    case_manager_id: int | None,
    leave_start: date | None,
    expected_rtw: date | None,
    expected_version: int | None,
    settings: DeadlineSettings,
    account_settings: AccountSettings,
    now: datetime | None = None,
) -> "Triaged":
    """Open the report's case, or cases, or join it to the employee's case already open of each kind: the cases
    it leads to (the first being where the report now stands), and what was done, in words."""
    now = now or utcnow()
    if submission.kind != SubmissionKind.INTAKE_REPORT or not access.may_enter_area(actor, "inbox"):
        raise NotFound()
    problems = {}
    if not tracks:
        problems["tracks"] = "Choose at least one track: a leave, an accommodation or workers' compensation."
    case_manager = session.get(User, case_manager_id) if case_manager_id else None
    if case_manager is None or case_manager.role != Role.CASE_MANAGER or not case_manager.active:
        problems["case_manager"] = "Choose an active case manager."
    if leave_start and expected_rtw and expected_rtw < leave_start:
        problems["expected_rtw"] = "The expected return must be on or after the leave starts."
    if len({track.case_type for track in tracks}) != len(tracks):
        problems["tracks"] = "Choose each track once."
    for track in tracks:
        if track.join is not None and (
            track.join.employee_id != submission.case.employee_id
            or track.join.case_type != track.case_type
            or track.join.status in (CaseStatus.CLOSED, CaseStatus.INTAKE)
        ):
            problems["tracks"] = (
                f"{track.join.number} is not this employee's open {track.case_type.label.lower()} case."
            )
    if problems:
        raise InvalidInput(problems=problems)
    assert case_manager is not None
    if submission.status not in (SubmissionStatus.NEW, SubmissionStatus.IN_REVIEW, SubmissionStatus.NEEDS_INFO):
        raise Conflict("This report was triaged already.")
    report, intake_case = submission.intake, submission.case
    assert report is not None  # an intake report's details are written with it
    employee = intake_case.employee
    reached: list[Case] = []
    opened: list[Case] = []
    summary: list[str] = []

    def take_effect(at: datetime) -> None:
        for track in tracks:
            if track.join is not None:
                reached.append(track.join)
                continue
            case = intake_case if not opened else Case(number=cases.next_case_number(session, at), employee=employee)
            case.case_type = track.case_type
            case.status = CaseStatus.OPEN
            case.case_manager = case_manager
            case.leave_start = leave_start or report.first_day_away
            case.expected_rtw = expected_rtw
            case.opened_at = at
            if track.case_type == CaseType.LEAVE:
                requested = local_date(submission.submitted_at, settings)
                case.eligibility_notice_due = add_business_days(
                    requested, settings.eligibility_notice_business_days, settings
                )
            session.add(case)
            session.flush()
            opened.append(case)
            reached.append(case)
            audit.record(
                session, actor=actor, action="case_opened", object_type="case", object_id=case.id, case_id=case.id
            )
        if not opened:
            # Every track joined a case already open: the report goes there, and its own case closes, pointing to it.
            submission.case = reached[0]
            intake_case.status = CaseStatus.CLOSED
            intake_case.closed_at = at
            intake_case.joined_to = reached[0]
            intake_case.closure_summary = f"Joined to {reached[0].number}."
        summary.append(
            "; ".join(
                f"{case.type_label}: " + ("opened " if case in opened else "joined to ") + case.number
                for case in reached
            )
        )
        session.add(SubmissionEvent(submission=submission, actor=actor, at=at, action="triaged", message=summary[0]))
        _tell_people(session, actor, submission, employee, opened, account_settings, at)

    lifecycle.decide(
        session,
        submission,
        actor,
        True,
        expected_version,
        SENDER_SCREENS.get(Role(submission.submitted_by.role), "employee.submission"),
        now=now,
        take_effect=take_effect,
    )
    return Triaged(reached, summary[0])


def notices_due_query(limit: int = 5) -> Select:
    """Leave cases whose FMLA eligibility notice is still to give, the soonest due first: the first ``limit``, each
    row (id, number, employee_name, due) carrying how many wait in all (``waiting``).

    The soonest are chosen from the cases' notice index before their employees are joined, so that a planner
    expecting many waiting never joins every person of the roster to find five."""
    waiting = (
        Case.eligibility_notice_given_on.is_(None),
        Case.eligibility_notice_due.is_not(None),
        Case.status != CaseStatus.CLOSED,
    )
    soonest = (
        select(Case.id, Case.number, Case.employee_id, Case.eligibility_notice_due.label("due"))
        .where(*waiting)
        .order_by(Case.eligibility_notice_due, Case.id)
        # Written into the statement, not bound: PostgreSQL's plan kept for the statement (its generic plan) then
        # knows that it takes a few, and joins no more than those to their employees.
        .limit(bindparam("notices_shown", limit, literal_execute=True))
        .subquery()
    )
    return (
        select(
            soonest.c.id,
            soonest.c.number,
            User.name.label("employee_name"),
            soonest.c.due,
            select(func.count()).select_from(Case).where(*waiting).scalar_subquery().label("waiting"),
        )
        .join(User, soonest.c.employee_id == User.id)
        .order_by(soonest.c.due, soonest.c.id)
    )


def record_notice_given(session, actor: User, case: Case, given_on: date | None, now: datetime | None = None) -> None:
    """The case manager gave the eligibility and rights notice: its deadline is met."""
    now = now or utcnow()
    given_on = given_on or now.date()
    if case.eligibility_notice_due is None:
        raise Conflict("This case has no eligibility notice to give.")
    if given_on > now.date():
        raise InvalidInput("The notice cannot have been given in the future.", field="given_on")
    case.eligibility_notice_given_on = given_on
    audit.record(
        session,
        actor=actor,
        action="eligibility_notice_given",
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        detail=given_on.isoformat(),
    )
    session.commit()


def not_a_case(session, submission: Submission, now: datetime) -> None:
    """A report declined at triage (no need for a case) or withdrawn by its sender: its case closes, saying why."""
    intake_case = submission.case
    if intake_case.status == CaseStatus.INTAKE:
        intake_case.status = CaseStatus.CLOSED
        intake_case.closed_at = now
        intake_case.closure_summary = (
            "Not opened: the report was withdrawn."
            if submission.status == SubmissionStatus.WITHDRAWN
            else "Not opened: the report was declined at triage."
        )


def _tell_people(session, actor, submission: Submission, employee: User, opened: list[Case], settings, now) -> None:
    """The employee: invited if they have no account yet, else told (unless they sent the report, whose
    decision they are told of anyway); the supervisor: only that a case exists and its expected dates."""
    if not opened:
        return
    if employee.password_hash is None and employee.active:
        accounts.send_invitation(session, actor, employee.email, employee.name, Role.EMPLOYEE, settings, now)
    elif submission.submitted_by_id != employee.id:
        notifications.queue(session, employee.email, "case_opened", employee=employee, cases=opened)
    supervisor = employee.supervisor
    if supervisor is not None and supervisor.active:
        notifications.queue(
            session, supervisor.email, "team_case_opened", supervisor=supervisor, employee=employee, cases=opened
        )
