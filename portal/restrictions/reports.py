"""Work-status reports: a clinician's drafts, sending a report, and what accepting one does."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.cases.models import Case
from portal.cases.operations import ensure_open
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.files import storage
from portal.files.storage import Upload
from portal.items import lifecycle as submissions
from portal.items.deadlines import triage_due
from portal.items.models import Submission, SubmissionKind
from portal.restrictions import clinicians
from portal.restrictions import operations as restrictions
from portal.restrictions.models import ReportDraft, Restriction, RestrictionReport, WorkStatus
from portal.restrictions.operations import ReportInput
from portal.settings import DeadlineSettings, UploadLimits

# Where the clinician reads what happened to a report they sent.
SENDER_SCREEN = "clinician.report"


def save_draft(session, clinician: User, case: Case, data: dict, now: datetime | None = None) -> ReportDraft:
    """Keep the form as typed, to finish later; one draft per clinician and case.

    Saved from two tabs at once, both may find no draft and create one: the second to commit
    then saves over the first's, as it would have a moment later.
    """
    try:
        return _save_draft(session, clinician, case, data, now)
    except IntegrityError:
        session.rollback()
        return _save_draft(session, clinician, case, data, now)


def _save_draft(session, clinician: User, case: Case, data: dict, now: datetime | None) -> ReportDraft:
    draft = draft_for(session, clinician, case)
    if draft is None:
        draft = ReportDraft(clinician_id=clinician.id, case_id=case.id)
        session.add(draft)
    draft.data = data
    draft.updated_at = now or utcnow()
    session.commit()
    return draft


def draft_for(session, clinician: User, case: Case) -> ReportDraft | None:
    return session.scalar(
        select(ReportDraft).where(ReportDraft.clinician_id == clinician.id, ReportDraft.case_id == case.id)
    )


def submit(
    session,
    clinician: User,
    case: Case,
    report: ReportInput,
    signed_form: Upload | None,
    limits: UploadLimits,
    settings: DeadlineSettings,
    now: datetime | None = None,
) -> Submission:
    """Send the report to the inbox as a restriction report, due for triage; may not work comes first."""
    now = now or utcnow()
    ensure_open(case)
    found = restrictions.problems(report, now.date())
    if found:
        raise InvalidInput(problems=found)
    assert report.work_status is not None  # problems() refuses a report without one
    with storage.saving(session):
        submission = submissions.receive(
            session,
            SubmissionKind.RESTRICTION_REPORT,
            "R",
            case,
            clinician,
            now,
            triage_due(now, settings),
            f"Work status: {WorkStatus(report.work_status).label}",
            priority=clinicians.report_priority(session, clinician, report.work_status),
        )
        detail = RestrictionReport(
            submission=submission,
            visit_date=report.visit_date,
            work_status=report.work_status,
            effective_from=report.effective_from,
            expected_until=report.expected_until,
            next_visit=report.next_visit,
            estimated_full_duty=report.estimated_full_duty,
            other_restrictions=report.other_restrictions.strip() or None,
            diagnoses=[{"code": code.strip().upper(), "description": text.strip()} for code, text in report.diagnoses],
            attested_name=report.attested_name.strip(),
            licence_number=report.licence_number.strip(),
            attested_at=now,
            restrictions=restrictions.rows(Restriction, report.limits),
        )
        session.add(detail)
        if signed_form is not None:
            stored = storage.store_for_field(
                session,
                signed_form,
                "signed_form",
                case=case,
                uploaded_by=clinician,
                limits=limits,
                submission=submission,
            )
            detail.signed_form_id = stored.id
        draft = draft_for(session, clinician, case)
        if draft is not None:
            session.delete(draft)
    return submission


def take_effect(session, submission: Submission, now: datetime) -> None:
    """Accepting a report makes it the case's current restrictions from its effective date."""
    report = submission.restriction_report
    if report is None:
        raise NotFound()
    report.accepted_at = now
    if report.estimated_full_duty:
        submission.case.expected_rtw = report.estimated_full_duty
    session.flush()


def reports_of_clinician(session, clinician: User, limit: int = 20) -> list[Submission]:
    query = (
        access.visible_submissions(clinician)
        .where(Submission.kind == SubmissionKind.RESTRICTION_REPORT)
        .options(joinedload(Submission.case).joinedload(Case.employee))
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_report(session, user: User, submission_id: int) -> Submission:
    submission = access.get_submission(session, user, submission_id)
    if submission.kind != SubmissionKind.RESTRICTION_REPORT:
        raise NotFound()
    return submission


def open_report(session, user: User, submission_id: int, ip_address: str | None) -> Submission:
    """A report ``user`` opened to read, diagnosis and all: recorded, as every read of a diagnosis is."""
    submission = get_report(session, user, submission_id)
    audit.record_reading(session, user, submission, ip_address)
    return submission


def last_reports(session, clinician: User, case_ids: list[int]) -> dict[int, RestrictionReport]:
    """Each case's most recent report by ``clinician``, whatever its status, for their list of patients:
    another clinician's reports on the same case are not theirs to see."""
    if not case_ids:
        return {}
    rows = session.scalars(
        select(RestrictionReport)
        .join(Submission, RestrictionReport.submission_id == Submission.id)
        .where(Submission.case_id.in_(case_ids), Submission.submitted_by_id == clinician.id)
        .options(joinedload(RestrictionReport.submission))
        .order_by(Submission.submitted_at.desc())
    )
    latest: dict[int, RestrictionReport] = {}
    for report in rows:
        latest.setdefault(report.submission.case_id, report)
    return latest
