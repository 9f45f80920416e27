"""Accommodation requests: the employee's guided form, the interactive process, the decision,
and what the employee and the supervisor may do after it.

What the employee writes about their difficulty, and their documents, stay with the
case manager; the supervisor is asked about, and told of, accommodations only.
"""

from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from portal.accommodations.models import (
    AccommodationDraft,
    AccommodationRequest,
    Decision,
    DenialReason,
    FeasibilityQuestion,
    HelpCategory,
    ProcessLogEntry,
)
from portal.accounts.models import User
from portal.cases.models import Case
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.files import storage
from portal.files.models import StoredFile
from portal.files.storage import Upload
from portal.items import lifecycle as submissions
from portal.items.deadlines import accommodation_decision_due, end_of_day
from portal.items.models import Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.mail import notifications
from portal.settings import DeadlineSettings, UploadLimits

# Where the employee reads what happened to their request.
SENDER_SCREEN = "employee.submission"
STEPS = ["difficulty", "tasks", "help", "duration", "documents", "contact"]
CONTACT_PREFERENCES = {"email": "Email", "phone": "Phone", "either": "Email or phone"}
LOG_KINDS = {
    "conversation": "Conversation",
    "information_requested": "Information requested",
    "information_received": "Information received",
    "accommodation_considered": "Accommodation considered",
    "supervisor_input": "Supervisor's input",
}
FEASIBLE = {"yes": "yes", "with_changes": "yes, with changes", "no": "no"}
LOG_METHODS = {"phone": "Phone", "meeting": "Meeting", "video": "Video call", "email": "Email", "letter": "Letter"}


# --- the guided form ----------------------------------------------------------


def step_problems(step: str, data: dict) -> dict[str, str]:
    """What is missing or wrong in one step of the form, by field."""
    found = {}
    if step == "difficulty" and not data.get("difficulty", "").strip():
        found["difficulty"] = "Say in your own words what is making work difficult."
    if step == "tasks" and not data.get("tasks_affected", "").strip():
        found["tasks_affected"] = "Say which parts of your job are affected."
    if step == "help":
        chosen = data.get("help", [])
        if not chosen:
            found["help"] = "Choose at least one kind of help."
        for item in chosen:
            if not item.get("description", "").strip():
                found[f"help_{item['category']}"] = (
                    f"Describe what would help under “{HelpCategory(item['category']).label}”."
                )
    if step == "duration":
        if data.get("temporary") not in ("yes", "no"):
            found["temporary"] = "Say whether you need it for a while or ongoing."
        elif data["temporary"] == "yes":
            start, end = data.get("needed_from"), data.get("needed_until")
            if not start:
                found["needed_from"] = "Enter when you need it from."
            if not end:
                found["needed_until"] = "Enter when you expect to need it until."
            elif start and end < start:
                found["needed_until"] = "The end date must be on or after the start date."
    if step == "contact":
        if data.get("contact_preference") not in CONTACT_PREFERENCES:
            found["contact_preference"] = "Choose how you prefer to be contacted."
        elif data["contact_preference"] in ("phone", "either") and not data.get("contact_phone", "").strip():
            found["contact_phone"] = "Enter the phone number to call."
    return found


def first_incomplete_step(data: dict) -> str | None:
    return next((step for step in STEPS if step_problems(step, data)), None)


def draft_for(session, employee: User, case: Case) -> AccommodationDraft:
    draft = session.scalar(
        select(AccommodationDraft).where(
            AccommodationDraft.employee_id == employee.id, AccommodationDraft.case_id == case.id
        )
    )
    return draft or AccommodationDraft(employee_id=employee.id, case_id=case.id, data={})


def save_step(session, employee: User, case: Case, step: str, values: dict) -> dict[str, str]:
    """Keep what the step holds, even when it has problems, so that nothing typed is lost; return the problems."""
    draft = draft_for(session, employee, case)
    draft.data = {**draft.data, **values}
    session.add(draft)
    session.commit()
    return step_problems(step, draft.data)


def add_document(session, employee: User, case: Case, upload: Upload, limits: UploadLimits) -> StoredFile:
    """A supporting document, kept with the draft until the request is sent."""
    draft = draft_for(session, employee, case)
    with storage.saving(session):
        stored = storage.store_for_field(session, upload, "documents", case=case, uploaded_by=employee, limits=limits)
        draft.data = {**draft.data, "file_ids": [*draft.data.get("file_ids", []), stored.id]}
        session.add(draft)
    return stored


def draft_files(session, employee: User, case: Case, data: dict) -> list[StoredFile]:
    ids = data.get("file_ids", [])
    if not ids:
        return []
    return list(
        session.scalars(
            select(StoredFile).where(
                StoredFile.id.in_(ids),
                StoredFile.case_id == case.id,
                StoredFile.uploaded_by_id == employee.id,
                StoredFile.submission_id.is_(None),
            )
        )
    )


def expire_drafts(session, untouched_since: datetime) -> int:
    """Delete the accommodation requests never sent and not changed since ``untouched_since``, with
    the documents uploaded only for them; returns how many.

    What someone wrote about their health and then left is kept for no purpose, and medical
    detail kept for no purpose is a risk, not a record. The files themselves go with the next
    sweep of the upload folder, once no row refers to them.
    """
    drafts = session.scalars(
        select(AccommodationDraft)
        .where(AccommodationDraft.updated_at < untouched_since)
        .options(joinedload(AccommodationDraft.case))
    ).all()
    for draft in drafts:
        for stored in draft_files(session, session.get(User, draft.employee_id), draft.case, draft.data):
            session.delete(stored)
        session.delete(draft)
    session.commit()
    return len(drafts)


def send(session, employee: User, case: Case, settings: DeadlineSettings, now: datetime | None = None) -> Submission:
    """Send the checked answers: the request enters the inbox with its decision due date."""
    now = now or utcnow()
    ensure_open(case)
    draft = draft_for(session, employee, case)
    data = draft.data
    step = first_incomplete_step(data)
    if step is not None:
        raise InvalidInput(next(iter(step_problems(step, data).values())), field=step)
    due = accommodation_decision_due(now, settings)
    summary = "Accommodation: " + ", ".join(HelpCategory(h["category"]).label.lower() for h in data["help"])
    submission = submissions.receive(
        session, SubmissionKind.ACCOMMODATION_REQUEST, "A", case, employee, now, end_of_day(due, settings), summary
    )
    temporary = data["temporary"] == "yes"
    session.add(
        AccommodationRequest(
            submission=submission,
            difficulty=data["difficulty"].strip(),
            tasks_affected=data["tasks_affected"].strip(),
            help=data["help"],
            temporary=temporary,
            needed_from=date.fromisoformat(data["needed_from"]) if temporary else None,
            needed_until=date.fromisoformat(data["needed_until"]) if temporary else None,
            contact_preference=data["contact_preference"],
            contact_phone=data.get("contact_phone", "").strip() or None,
            decision_due=due,
        )
    )
    for stored in draft_files(session, employee, case, data):
        stored.submission_id = submission.id
    if draft.id is not None:
        session.delete(draft)
    session.commit()
    return submission


# --- the interactive process ---------------------------------------------------


def log(
    session,
    author: User,
    submission: Submission,
    occurred_on: date | None,
    kind: str,
    summary: str,
    method: str | None = None,
    with_whom: str | None = None,
    considered: str | None = None,
    effective: bool | None = None,
) -> ProcessLogEntry:
    """Add a dated entry to the interactive-process log."""
    problems = {}
    if kind not in LOG_KINDS:
        problems["kind"] = "Choose what kind of entry this is."
    if not (summary or "").strip():
        problems["summary"] = "Write what happened."
    if occurred_on is None or occurred_on > utcnow().date():
        problems["occurred_on"] = "Enter the date it happened, today or earlier."
    if kind == "accommodation_considered" and not (considered or "").strip():
        problems["considered"] = "Name the accommodation considered."
    if problems:
        raise InvalidInput(problems=problems)
    entry = ProcessLogEntry(
        submission_id=submission.id,
        author_id=author.id,
        occurred_on=occurred_on,
        kind=kind,
        method=method or None,
        with_whom=(with_whom or "").strip() or None,
        summary=summary.strip(),
        considered=(considered or "").strip() or None,
        effective=effective,
    )
    session.add(entry)
    session.commit()
    return entry


def log_of(session, submission: Submission) -> list[ProcessLogEntry]:
    return list(
        session.scalars(
            select(ProcessLogEntry)
            .where(ProcessLogEntry.submission_id == submission.id)
            .options(joinedload(ProcessLogEntry.author))
            .order_by(ProcessLogEntry.occurred_on, ProcessLogEntry.id)
        )
    )


def ask_supervisor(
    session, actor: User, submission: Submission, accommodation: str, question: str, now: datetime | None = None
) -> FeasibilityQuestion:
    """Ask the employee's supervisor whether one accommodation is feasible; they see nothing medical."""
    supervisor = submission.case.employee.supervisor
    if supervisor is None:
        raise InvalidInput("This employee has no supervisor on record.", field="accommodation")
    problems = {}
    if not accommodation.strip():
        problems["accommodation"] = "Say which accommodation you are asking about."
    if not question.strip():
        problems["question"] = "Write your question."
    if problems:
        raise InvalidInput(problems=problems)
    asked = FeasibilityQuestion(
        submission=submission,
        supervisor=supervisor,
        asked_by=actor,
        accommodation=accommodation.strip(),
        question=question.strip(),
        asked_at=now or utcnow(),
    )
    session.add(asked)
    session.flush()
    notifications.queue(session, supervisor.email, "feasibility_question", question=asked)
    session.commit()
    return asked


def answer_question(
    session, supervisor: User, question_id: int, feasible: str, answer: str, now: datetime | None = None
) -> FeasibilityQuestion:
    """The supervisor's answer goes into the interactive-process log."""
    now = now or utcnow()
    asked = question_for(session, supervisor, question_id)
    if asked.answered_at is not None:
        raise Conflict("You have already answered this question.")
    problems = {}
    if feasible not in ("yes", "with_changes", "no"):
        problems["feasible"] = "Say whether it is feasible."
    if not (answer or "").strip():
        problems["answer"] = "Explain your answer."
    if problems:
        raise InvalidInput(problems=problems)
    asked.feasible, asked.answer, asked.answered_at = feasible, answer.strip(), now
    session.add(
        ProcessLogEntry(
            submission_id=asked.submission_id,
            author_id=supervisor.id,
            occurred_on=now.date(),
            kind="supervisor_input",
            method="email",
            with_whom=supervisor.name,
            considered=asked.accommodation,
            effective=None,
            summary=f"Feasible: {FEASIBLE[feasible]}. {asked.answer}",
        )
    )
    notifications.queue(session, asked.asked_by.email, "feasibility_answered", question=asked)
    session.commit()
    return asked


def questions_for_request(session, submission: Submission) -> list[FeasibilityQuestion]:
    return list(
        session.scalars(
            select(FeasibilityQuestion)
            .where(FeasibilityQuestion.submission_id == submission.id)
            .options(joinedload(FeasibilityQuestion.supervisor))
            .order_by(FeasibilityQuestion.asked_at)
        )
    )


def question_for(session, supervisor: User, question_id: int) -> FeasibilityQuestion:
    """A feasibility question put to this supervisor, or NotFound."""
    asked = session.get(FeasibilityQuestion, question_id)
    if asked is None or asked.supervisor_id != supervisor.id:
        raise NotFound()
    return asked


def questions_for(session, supervisor: User) -> list[FeasibilityQuestion]:
    return list(
        session.scalars(
            select(FeasibilityQuestion)
            .where(FeasibilityQuestion.supervisor_id == supervisor.id)
            .options(joinedload(FeasibilityQuestion.submission).joinedload(Submission.case).joinedload(Case.employee))
            .order_by(FeasibilityQuestion.answered_at.is_not(None), FeasibilityQuestion.asked_at.desc())
        )
    )


# --- the decision and after -----------------------------------------------------


def _decision_problems(
    decision: str,
    what: str,
    why: str,
    denial_reason: str | None,
    granted_from: date | None,
    granted_until: date | None,
    review_date: date | None,
) -> dict[str, str]:
    """Every rule a decision breaks, by field: what each kind of decision must say."""
    problems = {}
    if decision not in set(Decision):
        return {"decision": "Choose a decision."}
    if decision == Decision.DENIED:
        if denial_reason is None or denial_reason not in set(DenialReason):
            problems["denial_reason"] = "Choose the reason for the denial."
        if not why:
            problems["why"] = "Explain the denial; the employee reads it."
        return problems
    # What is put in place has dates, whether it is what was asked for or an alternative.
    if not what:
        granted = decision == Decision.GRANTED
        problems["what"] = "Say exactly what is granted." if granted else "Say what alternative is offered."
    if granted_from is None:
        problems["granted_from"] = "Enter the date it starts."
    elif granted_until and granted_until < granted_from:
        problems["granted_until"] = "The end must be on or after the start."
    if granted_from and review_date and review_date < granted_from:
        problems["review_date"] = "The review date must be on or after the start."
    if decision == Decision.ALTERNATIVE and not why:
        problems["why"] = "Say why the accommodation asked for was not chosen."
    return problems


def decide(
    session,
    actor: User,
    submission: Submission,
    decision: str,
    expected_version: int | None,
    what: str = "",
    why: str = "",
    denial_reason: str | None = None,
    granted_from: date | None = None,
    granted_until: date | None = None,
    review_date: date | None = None,
    now: datetime | None = None,
) -> None:
    """Grant (what, from when, for how long, review date), offer an alternative (the same, and why), or deny
    (a reason from the list, explained). The employee is told; the supervisor only of what was granted."""
    now = now or utcnow()
    request = submission.accommodation
    if request is None:
        raise NotFound()
    what, why = (what or "").strip(), (why or "").strip()
    problems = _decision_problems(decision, what, why, denial_reason, granted_from, granted_until, review_date)
    if problems:
        raise InvalidInput(problems=problems)
    chosen = Decision(decision)
    reason = DenialReason(denial_reason) if chosen == Decision.DENIED and denial_reason else None

    def record(decided_at: datetime) -> None:
        request.decision, request.decision_what, request.decision_why = chosen, what or None, why or None
        request.denial_reason = reason
        dated = chosen in (Decision.GRANTED, Decision.ALTERNATIVE)
        request.granted_from = granted_from if dated else None
        request.granted_until = granted_until if dated else None
        request.review_date = review_date if dated else None
        request.decided_at = decided_at
        if decision == Decision.GRANTED:
            _tell_supervisor(session, submission)

    submissions.decide(
        session,
        submission,
        actor,
        decision != Decision.DENIED,
        expected_version,
        SENDER_SCREEN,
        reason=why,
        now=now,
        take_effect=record,
        # What was granted or offered instead; a denial, which the history shows as its reason, says why.
        message=f"{reason.label}: {why}" if reason else what,
        recorded_as=chosen.recorded_as,
    )


def _tell_supervisor(session, submission: Submission) -> None:
    supervisor = submission.case.employee.supervisor
    if supervisor is not None:
        notifications.queue(
            session, supervisor.email, "accommodation_granted", submission=submission, request=submission.accommodation
        )


def accept_alternative(session, employee: User, submission: Submission, now: datetime | None = None) -> None:
    request = submission.accommodation
    if request is None or submission.submitted_by_id != employee.id:
        raise NotFound()
    if request.decision != Decision.ALTERNATIVE or request.alternative_accepted_at is not None:
        raise Conflict("There is no alternative waiting for your answer.")
    request.alternative_accepted_at = now or utcnow()
    session.add(
        SubmissionEvent(
            submission=submission, actor=employee, at=request.alternative_accepted_at, action="alternative_accepted"
        )
    )
    _tell_supervisor(session, submission)
    for address in submissions.case_manager_addresses(session, submission.case):
        notifications.queue(session, address, "information_provided", submission=submission)
    session.commit()


def request_reconsideration(
    session,
    employee: User,
    submission: Submission,
    reason: str,
    uploads: list[Upload],
    limits: UploadLimits,
    expected_version: int | None,
    settings: DeadlineSettings,
    now: datetime | None = None,
) -> None:
    """The employee asks for a denial to be looked at again, with their reasons and what backs them (a
    clinician's note the denial asked for): it reopens in the inbox."""
    now = now or utcnow()
    request = submission.accommodation
    if request is None or submission.submitted_by_id != employee.id:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the decision should be looked at again.", field="reason")
    storage.check_count(uploads, limits, required=False)
    due = accommodation_decision_due(now, settings)
    with submissions.lost_race(session, submission), storage.saving(session):
        files = storage.store_all(session, uploads, submission.case, submission, employee, limits, settings.timezone)
        added = f"Files added: {', '.join(f.original_name for f in files)}" if files else ""
        submissions.transition(
            session,
            submission,
            employee,
            "reconsider",
            expected_version,
            message="\n".join(filter(None, [reason, added])),
            now=now,
            due_at=end_of_day(due, settings),
        )
        request.reconsideration_reason, request.decision_due = reason, due
        if submission.assignee is not None:
            notifications.queue(session, submission.assignee.email, "information_provided", submission=submission)


def alternatives_to_answer(session, employee: User) -> list[AccommodationRequest]:
    """Alternatives offered to the employee that they have not accepted yet: waiting on them."""
    query = (
        select(AccommodationRequest)
        .join(Submission, AccommodationRequest.submission_id == Submission.id)
        .where(
            Submission.submitted_by_id == employee.id,
            AccommodationRequest.decision == Decision.ALTERNATIVE,
            AccommodationRequest.alternative_accepted_at.is_(None),
            Submission.status == SubmissionStatus.ACCEPTED,
        )
        .options(joinedload(AccommodationRequest.submission).joinedload(Submission.case))
        .order_by(AccommodationRequest.decided_at)
    )
    return list(session.scalars(query))


def granted_for_team(session, supervisor: User) -> list[AccommodationRequest]:
    """What the supervisor must put in place: granted accommodations, and alternatives the employee accepted."""
    query = (
        select(AccommodationRequest)
        .join(Submission, AccommodationRequest.submission_id == Submission.id)
        .join(Case, Submission.case_id == Case.id)
        .join(User, Case.employee_id == User.id)
        .where(
            User.supervisor_id == supervisor.id,
            (AccommodationRequest.decision == Decision.GRANTED)
            | AccommodationRequest.alternative_accepted_at.is_not(None),
        )
        .options(joinedload(AccommodationRequest.submission).joinedload(Submission.case).joinedload(Case.employee))
        .order_by(AccommodationRequest.decided_at.desc())
    )
    return list(session.scalars(query))


def reviews_due(session, case: Case) -> list[AccommodationRequest]:
    """Granted accommodations on the case with a review date, soonest first (deadlines to act on)."""
    return list(
        session.scalars(
            select(AccommodationRequest)
            .join(Submission)
            .where(
                Submission.case_id == case.id,
                AccommodationRequest.decision == Decision.GRANTED,
                AccommodationRequest.review_date.is_not(None),
            )
            .order_by(AccommodationRequest.review_date)
        )
    )


def in_force(session, case: Case, today: date) -> list[AccommodationRequest]:
    """The accommodations granted on the case (or alternatives the employee accepted) that apply today."""
    return list(
        session.scalars(
            select(AccommodationRequest)
            .join(Submission)
            .where(
                Submission.case_id == case.id,
                or_(
                    AccommodationRequest.decision == Decision.GRANTED,
                    and_(
                        AccommodationRequest.decision == Decision.ALTERNATIVE,
                        AccommodationRequest.alternative_accepted_at.is_not(None),
                    ),
                ),
                or_(AccommodationRequest.granted_from.is_(None), AccommodationRequest.granted_from <= today),
                or_(AccommodationRequest.granted_until.is_(None), AccommodationRequest.granted_until >= today),
            )
            .order_by(AccommodationRequest.decided_at)
        )
    )
