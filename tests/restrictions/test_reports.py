"""Authorising clinicians and their work-status reports, at the service level."""

import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal import access
from portal.accounts.models import Role, User
from portal.cases import authorisations
from portal.cases.models import CaseParticipant
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.documents import operations as documents
from portal.extensions import db
from portal.files.storage import Upload
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.restrictions import operations as restrictions
from portal.restrictions import reports
from portal.restrictions.models import ReportDraft
from portal.restrictions.operations import Limit, ReportInput
from portal.settings import AccountSettings, DeadlineSettings, UploadLimits
from tests import factories

ACCOUNTS = AccountSettings()
DEADLINES = DeadlineSettings()


@pytest.fixture
def case(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    record = factories.case(
        db_session, case_manager=manager, employee=factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    )
    db_session.commit()
    return record


@pytest.fixture
def limits(tmp_path):
    return UploadLimits(str(tmp_path), 5 * 1024 * 1024, 5)


def authorise(db_session, case, email="dr.lee@clinic.example", **kw):
    values = {
        "name": "Dr Casey Lee",
        "practice": "Riverside Clinic",
        "email": email,
        "phone": "555-0100",
        "scope": "work_status",
        "valid_from": None,
        "valid_until": None,
    }
    values.update(kw)
    return authorisations.authorise(db_session, case.employee, case, settings=ACCOUNTS, **values)


def report_input(status="modified_duty", **limits) -> ReportInput:
    today = utcnow().date()
    return ReportInput(
        visit_date=today,
        work_status=status,
        effective_from=today,
        limits={key: Limit(pounds=value, frequency="occasionally") for key, value in limits.items()},
        diagnoses=[("M54.50", "Low back pain")],
        attested_name="Dr Casey Lee",
        licence_number="MD-1",
    )


def test_authorising_a_new_clinician_invites_them_for_a_year_by_default(db_session, case):
    participant = authorise(db_session, case)
    clinician = participant.clinician
    assert clinician.role == Role.CLINICIAN and clinician.password_hash is None
    assert clinician.organisation == "Riverside Clinic" and clinician.phone == "555-0100"
    assert participant.valid_until - participant.valid_from == timedelta(days=365)
    email = db_session.query(OutboundEmail).one()
    assert email.template == "clinician_invitation" and "/invitation/" in email.body_text
    assert case.number in email.body_text and "Alex Employee has named you" in email.body_text


def test_authorising_a_clinician_who_has_an_account_tells_them_of_the_new_patient(db_session, case):
    factories.user(db_session, Role.CLINICIAN, email="dr.lee@clinic.example")
    authorise(db_session, case)
    assert db_session.query(OutboundEmail).one().template == "clinician_authorised"


@pytest.mark.security(
    threat="Naming a clinician tells the employee whether an address has an account, of what kind, and its name",
    control="Any address is taken as a new one would be; another kind of account's address gives no access and its "
    "owner is told, without who named it or why; the employee is shown the name and practice they typed",
)
def test_naming_a_clinician_says_nothing_of_an_account_the_address_already_has(db_session, case):
    supervisor = factories.user(db_session, Role.SUPERVISOR, email="boss@example.test")
    named = authorise(db_session, case, email="boss@example.test", name="Dr Boss", practice="Boss Clinic")
    assert (named.shown_name, named.named_email, named.named_practice) == (
        "Dr Boss",
        "boss@example.test",
        "Boss Clinic",
    )
    assert not named.gives_access and named.clinician is None
    with pytest.raises(NotFound):
        access.get_case(db_session, supervisor, case.id)
    told = db_session.query(OutboundEmail).filter_by(to_address="boss@example.test").one()
    assert told.template == "address_not_a_clinician"
    assert case.number not in told.body_text and case.employee.name not in told.body_text
    with pytest.raises(InvalidInput, match="already authorised"):
        authorise(db_session, case, email="boss@example.test")
    factories.user(db_session, Role.CLINICIAN, name="Dr Real Name", email="dr@clinic.test", organisation="Real Clinic")
    named = authorise(db_session, case, email="dr@clinic.test", name="Dr Typed", practice="Typed Practice")
    assert (named.shown_name, named.named_practice) == ("Dr Typed", "Typed Practice")


def test_the_same_clinician_twice_is_refused_and_bad_dates_too(db_session, case):
    authorise(db_session, case)
    with pytest.raises(InvalidInput, match="already authorised"):
        authorise(db_session, case)
    today = utcnow().date()
    with pytest.raises(InvalidInput, match="after the start"):
        authorise(db_session, case, email="other@clinic.example", valid_from=today, valid_until=today)


def test_only_the_employee_or_a_case_manager_may_authorise(db_session, case):
    stranger = factories.user(db_session, Role.EMPLOYEE)
    with pytest.raises(NotFound):
        authorisations.authorise(
            db_session, stranger, case, "Dr X", "", "x@clinic.example", "", "work_status", None, None, ACCOUNTS
        )


def test_a_clinician_sees_the_case_only_while_authorised_and_revocation_is_immediate(db_session, case):
    participant = authorise(db_session, case)
    clinician = participant.clinician
    assert access.get_case(db_session, clinician, case.id) == case
    with pytest.raises(NotFound):
        access.get_case(db_session, clinician, case.id, today=participant.valid_until + timedelta(days=1))
    authorisations.revoke(db_session, case.employee, case, participant.id)
    with pytest.raises(NotFound):
        access.get_case(db_session, clinician, case.id)


def test_a_future_authorisation_is_not_yet_in_effect(db_session, case):
    start = utcnow().date() + timedelta(days=7)
    participant = authorise(db_session, case, valid_from=start, valid_until=start + timedelta(days=30))
    with pytest.raises(NotFound):
        access.get_case(db_session, participant.clinician, case.id)


def test_medical_documents_need_the_wider_scope(db_session, case):
    narrow = authorise(db_session, case)
    wide = authorise(db_session, case, email="second@clinic.example", scope="work_status_and_medical_documents")
    assert not access.can_see_medical(narrow.clinician, case, db_session)
    assert access.can_see_medical(wide.clinician, case, db_session)


def test_another_employee_cannot_revoke(db_session, case):
    participant = authorise(db_session, case)
    with pytest.raises(NotFound):
        authorisations.revoke(db_session, factories.user(db_session, Role.EMPLOYEE), case, participant.id)
    assert db_session.get(CaseParticipant, participant.id).revoked_at is None


def _clinician(db_session, case) -> User:
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    return clinician


def test_a_report_enters_the_inbox_with_priority_from_the_work_status(db_session, case, limits):
    clinician = _clinician(db_session, case)
    off = reports.submit(db_session, clinician, case, report_input("off_work"), None, limits, DEADLINES)
    modified = reports.submit(db_session, clinician, case, report_input(lift=20), None, limits, DEADLINES)
    assert off.kind == SubmissionKind.RESTRICTION_REPORT and off.status == SubmissionStatus.NEW
    assert off.priority > modified.priority and off.reference.startswith("R-")
    assert [(r.dimension, r.pounds) for r in modified.restriction_report.restrictions] == [("lift", 20)]
    assert modified.restriction_report.diagnoses == [{"code": "M54.50", "description": "Low back pain"}]
    assert db_session.query(OutboundEmail).filter_by(template="submission_received").count() == 2


def test_a_report_that_breaks_a_rule_is_refused(db_session, case, limits):
    clinician = _clinician(db_session, case)
    with pytest.raises(InvalidInput, match="at least one restriction"):
        reports.submit(db_session, clinician, case, report_input(), None, limits, DEADLINES)
    assert db_session.query(Submission).count() == 0


def test_a_signed_form_is_kept_with_the_report(db_session, case, limits):
    clinician = _clinician(db_session, case)
    item = reports.submit(
        db_session,
        clinician,
        case,
        report_input("off_work"),
        Upload(io.BytesIO(factories.pdf_bytes()), "dwc073.pdf"),
        limits,
        DEADLINES,
    )
    assert item.restriction_report.signed_form_id is not None


def test_a_draft_is_kept_per_case_and_removed_when_the_report_is_sent(db_session, case, limits):
    clinician = _clinician(db_session, case)
    reports.save_draft(db_session, clinician, case, {"work_status": "off_work"})
    reports.save_draft(db_session, clinician, case, {"work_status": "off_work", "attested_name": "Dr Casey Lee"})
    assert reports.draft_for(db_session, clinician, case).data["attested_name"] == "Dr Casey Lee"
    reports.submit(db_session, clinician, case, report_input("off_work"), None, limits, DEADLINES)
    assert db_session.query(ReportDraft).count() == 0


def _accept(db_session, item):
    manager = item.case.case_manager
    submissions.claim(db_session, item, manager, item.version)
    kinds.accept(db_session, item, manager, item.version)


def test_accepting_makes_a_report_current_and_a_later_one_supersedes_it(db_session, case, limits):
    clinician = _clinician(db_session, case)
    today = utcnow().date()
    first = reports.submit(db_session, clinician, case, report_input(lift=10), None, limits, DEADLINES)
    assert restrictions.current_report(db_session, case.id, today) is None
    _accept(db_session, first)
    assert restrictions.current_report(db_session, case.id, today) == first.restriction_report
    second = reports.submit(db_session, clinician, case, report_input(lift=30), None, limits, DEADLINES)
    _accept(db_session, second)
    assert restrictions.current_report(db_session, case.id, today) == second.restriction_report
    assert first.restriction_report.accepted_at is not None  # the earlier one stays readable


def test_a_report_effective_later_is_not_current_yet(db_session, case, limits):
    clinician = _clinician(db_session, case)
    report = report_input(lift=10)
    report.effective_from = report.visit_date + timedelta(days=3)
    _accept(db_session, reports.submit(db_session, clinician, case, report, None, limits, DEADLINES))
    assert restrictions.current_report(db_session, case.id, utcnow().date()) is None


def test_questions_and_decisions_on_a_report_go_to_the_clinician(db_session, case, limits):
    clinician = _clinician(db_session, case)
    item = reports.submit(db_session, clinician, case, report_input("off_work"), None, limits, DEADLINES)
    manager = case.case_manager
    submissions.claim(db_session, item, manager, item.version)
    kinds.request_information(db_session, item, manager, "Expected duration?", None, item.version, DEADLINES)
    asked = db_session.query(OutboundEmail).filter_by(template="information_requested").one()
    assert asked.to_address == clinician.email and f"/clinician/reports/{item.id}" in asked.body_text
    assert documents.open_requests(db_session, case.employee) == []  # not the employee's to answer


def test_restrictions_are_current_only_for_their_dates(db_session, case, limits):
    clinician = _clinician(db_session, case)
    report = report_input(lift=10)
    report.expected_until = report.effective_from + timedelta(days=14)
    item = reports.submit(db_session, clinician, case, report, None, limits, DEADLINES)
    _accept(db_session, item)
    assert restrictions.current_report(db_session, case.id, report.effective_from + timedelta(days=14)) is not None
    assert restrictions.current_report(db_session, case.id, report.effective_from + timedelta(days=15)) is None


@pytest.mark.postgres_only
def test_a_draft_saved_from_two_tabs_at_once_on_postgresql_is_kept_once(app, case):
    """Both tabs find no draft and create one: neither sees an error, and one draft is left."""
    clinician_id, case_id = authorise(db.session, case).clinician.id, case.id
    db.session.commit()

    def save_as(typed: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
        with app.app_context(), Session(db.engine) as session:
            who, record = session.get(User, clinician_id), session.get(type(case), case_id)
            barrier.wait()
            try:
                reports.save_draft(session, who, record, {"other_restrictions": typed})
                outcomes.append("saved")
            except Exception as error:  # what the clinician would have seen as an error page
                outcomes.append(f"failed: {error!r}")

    for _ in range(5):  # the race is won or lost by timing: run it several times
        barrier, outcomes = threading.Barrier(2, timeout=10), []
        threads = [threading.Thread(target=save_as, args=(typed, barrier, outcomes)) for typed in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes == ["saved", "saved"], outcomes
        db.session.expire_all()
        assert db.session.query(ReportDraft).filter_by(case_id=case_id).count() == 1
        db.session.query(ReportDraft).delete()
        db.session.commit()
