"""Notices and letters: drafted from the case and the roster, checked and completed by the case manager, issued
as a PDF kept unchanged with its hash, announced to the employee by a link, and read by them in the portal.

The FMLA notices carry the fields of the Department of Labor's WH-381 (eligibility and rights, 29 CFR 825.300(b)
and (c)) and WH-382 (designation, 825.300(d)); the letters put a decision already taken into writing."""

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from portal import access
from portal.accommodations.models import AccommodationRequest, Decision, DenialReason, HelpCategory
from portal.accounts.models import Job, User
from portal.audit import operations as audit
from portal.cases.models import Case
from portal.cases.operations import ensure_open, record_contact
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.core.errors import InvalidInput, NotFound
from portal.documents.models import DocumentType
from portal.duty.models import DutyOffer
from portal.files import downloads, storage
from portal.intake import operations as intake
from portal.items.deadlines import local_date
from portal.items.models import InformationRequest, Submission, SubmissionKind
from portal.mail import notifications
from portal.notices.models import (
    Designation,
    LeavePeriod,
    LeaveReason,
    NotEligibleBecause,
    Notice,
    NoticeKind,
    PaidLeave,
)
from portal.notices.pdf import render_pdf
from portal.restrictions.operations import BY_KEY, PERMISSION, describe
from portal.settings import DeadlineSettings, UploadLimits

# Who it is to and from: on every notice and letter.
COMMON = ("employee_name", "employee_number", "job_title", "from_name", "from_contact")
# What each kind holds, as the case manager completes it; the record's own facts are added at issuing.
FIELDS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.ELIGIBILITY: COMMON
    + (
        "requested_on",
        "leave_starts",
        "reason",
        "family_member",
        "eligible",
        "not_eligible_because",
        "months_of_service",
        "hours_worked",
        "certification_required",
        "certification_due",
        "relationship_documentation",
        "period",
        "weeks",
        "key_employee",
        "paid_leave",
        "premiums",
    ),
    NoticeKind.DESIGNATION: COMMON
    + (
        "information_received_on",
        "decision",
        "not_approved_reason",
        "missing_information",
        "cure_by",
        "amount_known",
        "amount",
        "paid_leave",
        "fitness_for_duty",
        "essential_functions_attached",
        "essential_functions",
    ),
    NoticeKind.ACCOMMODATION_DECISION: COMMON
    + ("asked_on", "asked_for", "decided_on", "decision_what", "decision_why", "starts_on", "ends_on", "review_on")
    + ("reconsideration",),
    NoticeKind.DUTY_OFFER: COMMON
    + ("job_offered", "duties", "demands", "location", "schedule", "pay", "start_date", "end_date", "answer_by")
    + ("contact",),
    NoticeKind.INFORMATION_REQUEST: COMMON + ("asked_for", "due_on", "if_missed"),
}
DATES = frozenset(
    {
        "requested_on",
        "leave_starts",
        "certification_due",
        "information_received_on",
        "cure_by",
        "asked_on",
        "decided_on",
        "starts_on",
        "ends_on",
        "review_on",
        "start_date",
        "end_date",
        "answer_by",
        "due_on",
    }
)
FLAGS = frozenset({"relationship_documentation", "essential_functions_attached"})  # ticked or not
LISTS = frozenset({"not_eligible_because"})
YES_NO = ("yes", "no")
# What must be there on every notice of a kind, and what is said when it is not.
REQUIRED: dict[str, str] = {
    "employee_name": "Enter the employee's name.",
    "from_name": "Enter who the notice is from.",
    "from_contact": "Enter how the employee can reach you: a phone number or an email address.",
}
REQUIRED_BY_KIND: dict[NoticeKind, dict[str, str]] = {
    NoticeKind.ELIGIBILITY: {
        "requested_on": "Enter the day the leave was asked for, or the program learned of the need.",
        "reason": "Choose why the leave is needed.",
        "eligible": "Say whether the employee is eligible for FMLA leave.",
    },
    NoticeKind.DESIGNATION: {
        "information_received_on": "Enter the day the information the decision rests on was received.",
        "decision": "Choose the decision.",
    },
    NoticeKind.ACCOMMODATION_DECISION: {
        "asked_on": "Enter the day the accommodation was asked for.",
        "asked_for": "Say what was asked for.",
        "decided_on": "Enter the day of the decision.",
        "reconsideration": "Say how the employee can ask for the decision to be looked at again.",
    },
    NoticeKind.DUTY_OFFER: {
        "job_offered": "Enter the job offered.",
        "duties": "Describe the duties.",
        "demands": "Describe the physical demands.",
        "location": "Enter where the work is.",
        "schedule": "Enter the days and hours.",
        "pay": "Say what the job pays.",
        "start_date": "Enter the day the duty starts.",
        "answer_by": "Enter the day the employee must answer by.",
        "contact": "Enter whom the employee reports to or asks.",
    },
    NoticeKind.INFORMATION_REQUEST: {
        "asked_for": "Say what is asked for.",
        "due_on": "Enter the day it is due.",
        "if_missed": "Say what happens if it is not received by then.",
    },
}
DEFAULT_RECONSIDERATION = (
    "If you disagree with this decision, or your needs change, tell your case manager in writing within 15 days "
    "and say why: the decision will be looked at again, with anything new you send."
)
DEFAULT_IF_MISSED = (
    "If we do not receive it by then, we will decide on the information we have, which may mean that your leave "
    "or request cannot be approved. If you need more time, tell us before that day."
)


@dataclass(frozen=True)
class Source:
    """What a decision letter is about: the item it puts into writing, in words, with its record."""

    about: str
    submission: Submission | None = None
    information_request: InformationRequest | None = None


@dataclass(frozen=True)
class Draft:
    kind: NoticeKind
    source: Source | None
    values: dict


@dataclass(frozen=True)
class Board:
    """The case's notices and letters for its case manager: those issued, and what a letter may be written about."""

    issued: list[Notice]
    accommodations: list[AccommodationRequest]
    offers: list[DutyOffer]
    requests: list[InformationRequest]


# --- what a letter is about ---------------------------------------------------------------


def _decided_accommodations(case: Case):
    return (
        select(AccommodationRequest)
        .join(Submission, AccommodationRequest.submission_id == Submission.id)
        .where(Submission.case_id == case.id, AccommodationRequest.decision.is_not(None))
        .options(joinedload(AccommodationRequest.submission))
    )


def _forwarded_offers(case: Case):
    return (
        select(DutyOffer)
        .join(Submission, DutyOffer.submission_id == Submission.id)
        .where(Submission.case_id == case.id, DutyOffer.forwarded_at.is_not(None))
        .options(joinedload(DutyOffer.submission), joinedload(DutyOffer.demands))
    )


def _requests_of_employee(case: Case):
    """Open requests waiting on the employee: a document for the case, or more about what they sent."""
    return (
        select(InformationRequest)
        .outerjoin(Submission, InformationRequest.submission_id == Submission.id)
        .where(
            InformationRequest.case_id == case.id,
            InformationRequest.closed_at.is_(None),
            or_(
                InformationRequest.submission_id.is_(None),
                and_(Submission.submitted_by_id == case.employee_id, Submission.kind != SubmissionKind.DUTY_OFFER),
            ),
        )
        .options(joinedload(InformationRequest.submission))
    )


def source_of(session, case: Case, kind: NoticeKind, source_id: int | None) -> Source | None:
    """The item a letter of ``kind`` is about, which must be on ``case`` and ready for it; None for the FMLA
    notices, which are about the case. NotFound otherwise."""
    if kind in (NoticeKind.ELIGIBILITY, NoticeKind.DESIGNATION):
        return None
    if source_id is None:
        raise NotFound()
    if kind is NoticeKind.ACCOMMODATION_DECISION:
        request = session.scalar(_decided_accommodations(case).where(AccommodationRequest.submission_id == source_id))
        if request is None:
            raise NotFound()
        return Source(f"Accommodation request {request.submission.reference}", submission=request.submission)
    if kind is NoticeKind.DUTY_OFFER:
        offer = session.scalar(_forwarded_offers(case).where(DutyOffer.submission_id == source_id))
        if offer is None:
            raise NotFound()
        return Source(f"Transitional-duty offer {offer.submission.reference}", submission=offer.submission)
    information = session.scalar(_requests_of_employee(case).where(InformationRequest.id == source_id))
    if information is None:
        raise NotFound()
    return Source(f"Request of {written_date(information.requested_at.date())}", information_request=information)


# --- drafting -------------------------------------------------------------------------------


def draft(
    session, issuer: User, case: Case, kind: str, source_id: int | None, deadlines: DeadlineSettings, now: datetime
) -> Draft:
    """A notice of ``kind`` filled in from the case, the roster and the item it is about, for the case manager to
    check and complete."""
    access.ensure_issues_notices(issuer)
    kind = NoticeKind(kind)
    source = source_of(session, case, kind, source_id)
    today = local_date(now, deadlines)
    person = intake.person_of(session, case.employee)
    values: dict = {
        "employee_name": person.name if person else case.employee.name,
        "employee_number": person.employee_number if person else "",
        "job_title": person.job_title if person else "",
        "from_name": issuer.name,
        "from_contact": " or ".join(filter(None, [issuer.phone, issuer.email])),
    }
    if kind is NoticeKind.ELIGIBILITY:
        starts = case.leave_start or today
        eligibility = intake.fmla_eligibility(person, starts)
        months = _months_between(person.hire_date, starts) if person else None
        because = []
        if months is not None and months < 12:
            because.append(NotEligibleBecause.MONTHS.value)
        if person is not None and person.hours_last_12_months < intake.FMLA_HOURS:
            because.append(NotEligibleBecause.HOURS.value)
        values |= {
            "requested_on": _requested_on(session, case, deadlines),
            "leave_starts": case.leave_start,
            "eligible": {True: "yes", False: "no", None: None}[eligibility.eligible],
            "not_eligible_because": because,
            "months_of_service": str(months) if months is not None else "",
            "hours_worked": f"{person.hours_last_12_months:,.2f}".rstrip("0").rstrip(".") if person else "",
            "certification_required": "yes",
            "certification_due": today + timedelta(days=deadlines.information_days),
            "period": LeavePeriod.ROLLING_BACKWARD.value,
            "weeks": "12",
            "key_employee": "no",
            "paid_leave": PaidLeave.OPTIONAL.value,
        }
    elif kind is NoticeKind.DESIGNATION:
        known = case.leave_start is not None and case.expected_rtw is not None
        job = session.scalar(select(Job).where(Job.title == person.job_title)) if person else None
        values |= {
            "information_received_on": today,
            "cure_by": today + timedelta(days=deadlines.incomplete_certification_days),
            "amount_known": "yes" if known else "no",
            "amount": (
                f"From {written_date(case.leave_start)} to {written_date(case.expected_rtw)}, continuous leave."
                if known
                else ""
            ),
            "paid_leave": PaidLeave.OPTIONAL.value,
            "fitness_for_duty": "no",
            "essential_functions": job.essential_functions if job else "",
        }
    elif kind is NoticeKind.ACCOMMODATION_DECISION:
        assert source is not None and source.submission is not None
        request = source.submission.accommodation
        assert request is not None and request.decided_at is not None
        values |= {
            "asked_on": local_date(source.submission.submitted_at, deadlines),
            "asked_for": "\n".join(
                f"{HelpCategory(help['category']).label}: {help.get('description') or ''}".rstrip(": ")
                for help in request.help
            ),
            "decided_on": local_date(request.decided_at, deadlines),
            "decision_what": request.decision_what or "",
            "decision_why": request.decision_why or "",
            "starts_on": request.granted_from,
            "ends_on": request.granted_until,
            "review_on": request.review_date,
            "reconsideration": DEFAULT_RECONSIDERATION,
        }
    elif kind is NoticeKind.DUTY_OFFER:
        assert source is not None and source.submission is not None
        offer = source.submission.duty_offer
        assert offer is not None
        values |= {
            "job_offered": offer.job_title,
            "duties": offer.tasks,
            "demands": "\n".join(_demand_words(demand) for demand in offer.demands),
            "location": offer.location,
            "schedule": f"{offer.days}, {offer.hours_per_day:g} hours a day",
            "pay": "Your pay is unchanged." if offer.pay_unchanged else (offer.pay_rate or ""),
            "start_date": offer.start_date,
            "end_date": offer.end_date,
            "answer_by": offer.answer_by,
            "contact": " ".join(filter(None, [offer.contact_name, offer.contact_phone])),
        }
    else:
        assert source is not None and source.information_request is not None
        information = source.information_request
        asked = DocumentType(information.document_type).label if information.document_type else ""
        values |= {
            "asked_for": "\n".join(filter(None, [asked, information.message])),
            "due_on": local_date(information.due_at, deadlines),
            "if_missed": DEFAULT_IF_MISSED,
        }
    return Draft(kind, source, values)


def _requested_on(session, case: Case, deadlines: DeadlineSettings) -> date:
    """When the leave was asked for: the report that opened the case, else the day it was opened."""
    reported = session.scalar(
        select(Submission.submitted_at)
        .where(Submission.case_id == case.id, Submission.kind == SubmissionKind.INTAKE_REPORT)
        .order_by(Submission.submitted_at)
        .limit(1)
    )
    return local_date(reported or case.opened_at, deadlines)


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def _demand_words(demand) -> str:
    dimension = BY_KEY[demand.dimension]
    # describe() words a permission as "Allowed", which misreads for a demand.
    return f"{dimension.label}: {'Required' if dimension.kind == PERMISSION else describe(demand.dimension, demand)}"


# --- issuing ------------------------------------------------------------------------------


def issue(
    session,
    issuer: User,
    case: Case,
    kind: str,
    source_id: int | None,
    values: Mapping[str, object],
    deadlines: DeadlineSettings,
    limits: UploadLimits,
    now: datetime | None = None,
) -> Notice:
    """Issue a notice of ``kind`` with ``values`` (as drafted, checked and completed): every problem is refused
    at once, by field. Its PDF is stored with its hash, the values kept as issued, the employee emailed a link,
    and an eligibility notice recorded as given."""
    now = now or utcnow()
    access.ensure_issues_notices(issuer)
    ensure_open(case)
    kind = NoticeKind(kind)
    source = source_of(session, case, kind, source_id)
    today = local_date(now, deadlines)
    fields = kept_values(kind, values)
    problems = field_problems(kind, fields, today, deadlines)
    if problems:
        raise InvalidInput(problems=problems)
    fields |= _facts(kind, case, source, today)
    pdf = render_pdf(kind, fields)
    with storage.saving(session):
        stored = storage.store_upload(
            session,
            io.BytesIO(pdf),
            f"{kind.label} {case.number} {today.isoformat()}.pdf",
            case=case,
            uploaded_by=issuer,
            upload_folder=limits.upload_folder,
            max_bytes=limits.max_bytes,
        )
        notice = Notice(
            case=case,
            kind=kind,
            submission_id=source.submission.id if source and source.submission else None,
            information_request_id=source.information_request.id if source and source.information_request else None,
            fields=fields,
            stored_file=stored,
            sha256=stored.sha256,
            issued_at=now,
            issued_by=issuer,
        )
        session.add(notice)
        session.flush()
        audit.record(
            session,
            actor=issuer,
            action="notice_issued",
            object_type="notice",
            object_id=notice.id,
            case_id=case.id,
            detail=kind.value,
        )
        record_contact(case, now)  # a letter to the employee is contact with them
        notifications.queue(
            session,
            case.employee.email,
            "notice_issued",
            employee=case.employee,
            case=case,
            link=notifications.portal_url("employee.notice", notice_id=notice.id),
        )
        if kind is NoticeKind.ELIGIBILITY and case.eligibility_notice_due and not case.eligibility_notice_given_on:
            intake.record_notice_given(session, issuer, case, None, now=now)  # commits: last in the block
    return notice


def kept_values(kind: NoticeKind, values: Mapping[str, object]) -> dict:
    """The kind's fields from ``values``, as kept: text trimmed, dates as ISO text, lists of choices, flags."""
    kept: dict = {}
    for name in FIELDS[kind]:
        value = values.get(name)
        if name in DATES:
            kept[name] = value.isoformat() if isinstance(value, date) else None
        elif name in FLAGS:
            kept[name] = bool(value)
        elif name in LISTS:
            kept[name] = [str(item) for item in value or []]  # type: ignore[attr-defined]
        else:
            kept[name] = str(value).strip() if value is not None else ""
    return kept


def field_problems(kind: NoticeKind, fields: dict, today: date, deadlines: DeadlineSettings) -> dict[str, str]:
    """What is missing or wrong in a notice's fields, by field: what the law asks each notice to say."""
    problems = {name: message for name, message in (REQUIRED | REQUIRED_BY_KIND[kind]).items() if not fields[name]}

    def need(name: str, message: str) -> None:
        if not fields[name]:
            problems.setdefault(name, message)

    if kind is NoticeKind.ELIGIBILITY:
        if fields["requested_on"] and fields["requested_on"] > today.isoformat():
            problems["requested_on"] = "That is in the future: enter the day the leave was asked for."
        if fields["reason"] in (LeaveReason.FAMILY_CONDITION, LeaveReason.MILITARY_CAREGIVER):
            need("family_member", "Say whom the employee will care for: a spouse, child, parent or next of kin.")
        if fields["eligible"] == "no":
            need("not_eligible_because", "Tick why the employee is not eligible.")
        if fields["eligible"] == "yes":
            # Part B, the rights and responsibilities, is for an eligible employee only.
            need("certification_required", "Say whether a certification is required.")
            need("period", "Choose how the 12-month period is counted.")
            need("weeks", "Enter the weeks of leave the employee is entitled to.")
            need("key_employee", "Say whether the employee is a key employee.")
            need("paid_leave", "Say whether paid leave runs alongside FMLA leave.")
            if fields["certification_required"] == "yes":
                need("certification_due", "Enter the day the certification is due.")
                _at_least(problems, fields, "certification_due", today, deadlines.information_days)
    elif kind is NoticeKind.DESIGNATION:
        if fields["decision"] == Designation.APPROVED:
            need("amount_known", "Say whether the amount of leave is known.")
            if fields["amount_known"] == "yes":
                need("amount", "Say how much leave is designated: the hours, days or weeks, and the dates.")
            need("paid_leave", "Say whether paid leave runs alongside FMLA leave.")
            need("fitness_for_duty", "Say whether a fitness-for-duty certification is required on return.")
        elif fields["decision"] == Designation.NOT_APPROVED:
            need("not_approved_reason", "Say why the leave is not FMLA leave.")
        elif fields["decision"] == Designation.MORE_INFORMATION:
            need("missing_information", "Say what is missing from the certification.")
            need("cure_by", "Enter the day the missing information is due.")
            _at_least(problems, fields, "cure_by", today, deadlines.incomplete_certification_days)
        if fields["essential_functions_attached"]:
            need("essential_functions", "List the essential functions, or untick the box.")
            if fields["fitness_for_duty"] != "yes":
                problems.setdefault(
                    "essential_functions_attached", "The list goes with a fitness-for-duty certification only."
                )
    elif kind is NoticeKind.ACCOMMODATION_DECISION:
        if fields["ends_on"] and fields["starts_on"] and fields["ends_on"] < fields["starts_on"]:
            problems["ends_on"] = "The end is before the start."
    elif kind is NoticeKind.DUTY_OFFER:
        if fields["end_date"] and fields["start_date"] and fields["end_date"] < fields["start_date"]:
            problems["end_date"] = "The end is before the start."
        if fields["answer_by"] and fields["start_date"] and fields["answer_by"] > fields["start_date"]:
            problems["answer_by"] = "The answer is due before the duty starts, or on that day."
    elif fields["due_on"] and fields["due_on"] < today.isoformat():
        problems["due_on"] = "That day has passed: give the employee a day still to come."
    return problems


def _at_least(problems: dict, fields: dict, name: str, today: date, days: int) -> None:
    """The law's least time to answer (825.305: 15 days to certify, 7 to cure), counted from the notice."""
    earliest = today + timedelta(days=days)
    if fields[name] and fields[name] < earliest.isoformat():
        problems.setdefault(name, f"Give at least {days} calendar days: {written_date(earliest)} or later.")


def _facts(kind: NoticeKind, case: Case, source: Source | None, today: date) -> dict:
    """What the record says and the case manager does not choose: the case, the day, the decision taken."""
    facts: dict = {"case_number": case.number, "notice_date": today.isoformat()}
    if source is not None:
        facts["about"] = source.about
    if kind is NoticeKind.ACCOMMODATION_DECISION:
        assert source is not None and source.submission is not None and source.submission.accommodation
        request = source.submission.accommodation
        assert request.decision is not None  # only decided requests are written up
        facts["decision"] = Decision(request.decision).value
        facts["denial_reason"] = DenialReason(request.denial_reason).label if request.denial_reason else ""
    return facts


# --- reading --------------------------------------------------------------------------------


def board(session, reader: User, case: Case) -> Board:
    """The case's notices and letters, newest first, and the items a letter may be written about."""
    access.ensure_issues_notices(reader)
    return Board(
        issued=issued_on(session, reader, case),
        accommodations=list(session.scalars(_decided_accommodations(case).order_by(Submission.submitted_at))),
        offers=list(session.scalars(_forwarded_offers(case).order_by(Submission.submitted_at)).unique()),
        requests=list(session.scalars(_requests_of_employee(case).order_by(InformationRequest.requested_at))),
    )


def issued_on(session, reader: User, case: Case) -> list[Notice]:
    """The notices issued on ``case`` that ``reader`` may read (the caller asked access for the case), newest first."""
    return list(
        session.scalars(
            select(Notice)
            .join(Case, Notice.case_id == Case.id)
            .where(Notice.case_id == case.id, access.notice_visibility(reader))
            .options(joinedload(Notice.issued_by))
            .order_by(Notice.issued_at.desc(), Notice.id.desc())
        )
    )


def open_notice(session, reader: User, notice_id: int, now: datetime | None = None) -> Notice:
    """A notice ``reader`` may read; the first time its employee opens it is kept."""
    notice = access.get_notice(session, reader, notice_id)
    _opened_by(session, reader, notice, now or utcnow())
    return notice


@dataclass(frozen=True)
class NoticeFile:
    path: Path
    name: str


def download(
    session, reader: User, notice_id: int, upload_folder: str, ip_address: str | None, now: datetime | None = None
) -> NoticeFile:
    """The notice's PDF, as issued; each download is audited as any stored file's, before a byte is sent."""
    notice = access.get_notice(session, reader, notice_id)
    downloads.record_openings(session, reader, [notice.stored_file], False, ip_address)
    _opened_by(session, reader, notice, now or utcnow())
    session.commit()
    return NoticeFile(storage.path_for(notice.stored_file.storage_key, upload_folder), notice.stored_file.original_name)


def _opened_by(session, reader: User, notice: Notice, now: datetime) -> None:
    if notice.first_opened_at is None and notice.case.employee_id == reader.id:
        notice.first_opened_at = now
        session.commit()
