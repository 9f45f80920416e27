"""Notices and letters: drafted from the case and the roster, checked, issued as a PDF kept unchanged with its hash,
announced by a link, on the timeline for the case manager and the employee, and nobody else's to see."""

import hashlib
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portal import settings
from portal.accommodations.models import AccommodationRequest, Decision
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases import timeline
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.duty.models import Demand, DutyOffer
from portal.files import storage
from portal.items.models import InformationRequest, SubmissionKind
from portal.mail.models import OutboundEmail
from portal.notices import operations as notices
from portal.notices.models import Designation, LeaveReason, NoticeKind
from portal.restrictions.models import Frequency
from portal.settings import DeadlineSettings
from tests import factories

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
DEADLINES = DeadlineSettings()


@pytest.fixture
def case(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager", phone="555 0100")
    supervisor = factories.user(db_session, Role.SUPERVISOR)
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Example", supervisor_id=supervisor.id)
    factories.roster_person(db_session, employee, employee_number="E00042", job_title="Picker")
    record = factories.case(
        db_session,
        employee=employee,
        case_manager=manager,
        leave_start=date(2026, 11, 16),
        expected_rtw=date(2027, 1, 11),
        eligibility_notice_due=date(2026, 11, 23),
        opened_at=NOW - timedelta(days=5),
    )
    db_session.commit()
    return record


def _issue(db_session, case, kind, source_id=None, **changes):
    drafted = notices.draft(db_session, case.case_manager, case, kind, source_id, DEADLINES, NOW)
    values = drafted.values | changes
    return notices.issue(
        db_session, case.case_manager, case, kind, source_id, values, DEADLINES, settings.current().uploads, now=NOW
    )


def _pdf_text(notice) -> str:
    with storage.open_stored(notice.stored_file, settings.current().uploads.upload_folder) as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == notice.sha256 == notice.stored_file.sha256
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_eligibility_notice_is_filled_from_the_case_and_the_roster(db_session, case):
    drafted = notices.draft(db_session, case.case_manager, case, "eligibility", None, DEADLINES, NOW)
    values = drafted.values
    assert values["employee_name"] == "Alex Example" and values["employee_number"] == "E00042"
    assert values["job_title"] == "Picker" and values["from_name"] == "Morgan Manager"
    assert values["from_contact"] == "555 0100 or " + case.case_manager.email
    assert values["leave_starts"] == date(2026, 11, 16) and values["eligible"] == "yes"
    assert values["hours_worked"] == "1,800" and values["not_eligible_because"] == []
    # 15 calendar days to certify (29 CFR 825.305(b)).
    assert values["certification_due"] == TODAY + timedelta(days=15)


def test_a_new_hire_short_of_hours_is_drafted_not_eligible_and_says_why(db_session, case):
    person = notices.intake.person_of(db_session, case.employee)
    person.hire_date, person.hours_last_12_months = date(2026, 3, 2), Decimal("900")
    drafted = notices.draft(db_session, case.case_manager, case, "eligibility", None, DEADLINES, NOW)
    assert drafted.values["eligible"] == "no"
    assert drafted.values["not_eligible_because"] == ["months", "hours"]
    assert drafted.values["months_of_service"] == "8"


def test_each_notice_says_what_the_law_asks_all_problems_at_once(db_session, case):
    with pytest.raises(InvalidInput) as refused:
        _issue(db_session, case, "eligibility", employee_name=" ", reason="", certification_due=TODAY)
    assert set(refused.value.problems) == {"employee_name", "reason", "certification_due"}
    assert "15 calendar days" in refused.value.problems["certification_due"]
    with pytest.raises(InvalidInput) as refused:
        _issue(db_session, case, "eligibility", reason=LeaveReason.FAMILY_CONDITION, eligible="no")
    assert set(refused.value.problems) == {"family_member", "not_eligible_because"}
    with pytest.raises(InvalidInput) as refused:
        _issue(db_session, case, "designation", decision=Designation.MORE_INFORMATION, cure_by=TODAY)
    assert set(refused.value.problems) == {"missing_information", "cure_by"}
    with pytest.raises(InvalidInput) as refused:
        _issue(db_session, case, "designation", decision="", essential_functions_attached=True)
    assert set(refused.value.problems) == {"decision", "essential_functions_attached", "essential_functions"}


def test_the_eligibility_notice_is_issued_as_a_pdf_that_says_its_fields_and_is_recorded_as_given(db_session, case):
    notice = _issue(db_session, case, "eligibility", reason=LeaveReason.OWN_CONDITION, premiums="$120 a month")
    text = _pdf_text(notice)
    for said in (
        "FMLA eligibility and rights notice (WH-381)",
        "Alex Example",
        "E00042",
        case.number,
        "20 Nov 2026",
        "The employee's own serious health condition",
        "You are eligible for FMLA leave",
        "Required: send it by 5 Dec 2026",
        "$120 a month",
        "Morgan Manager",
    ):
        assert said in text, said
    assert notice.fields["reason"] == "own_condition" and notice.fields["notice_date"] == "2026-11-20"
    assert notice.issued_by == case.case_manager and notice.issued_at == NOW
    assert case.eligibility_notice_given_on == TODAY
    assert db_session.query(AuditEvent).filter_by(action="eligibility_notice_given", case_id=case.id).count() == 1
    said = [entry.text for entry in timeline.page(db_session, case.case_manager, case).entries]
    assert said.count("FMLA eligibility and rights notice issued by Morgan Manager.") == 1
    assert not [text for text in said if "notice was given" in text]  # the issued notice says it once


def test_the_designation_notice_says_the_decision_and_the_leave_designated(db_session, case):
    notice = _issue(
        db_session,
        case,
        "designation",
        decision=Designation.APPROVED,
        fitness_for_duty="yes",
        essential_functions_attached=True,
        essential_functions="Lift boxes up to 50 lb.",
    )
    text = _pdf_text(notice)
    for said in (
        "FMLA designation notice (WH-382)",
        "Alex Example",
        "Approved: the leave is designated as FMLA leave",
        "From 16 Nov 2026 to 11 Jan 2027, continuous leave.",
        "Fitness-for-duty certification Required",
        "Lift boxes up to 50 lb.",
    ):
        assert said in text, said
    incomplete = _issue(
        db_session, case, "designation", decision=Designation.MORE_INFORMATION, missing_information="The dates."
    )
    assert "Send the missing information by 27 Nov 2026" in _pdf_text(incomplete)


def test_the_accommodation_decision_letter_puts_the_decision_in_writing(db_session, case):
    item = factories.inbox_item(db_session, case, kind=SubmissionKind.ACCOMMODATION_REQUEST, reference="A-0007")
    db_session.add(
        AccommodationRequest(
            submission=item,
            difficulty="Private words",
            tasks_affected="Lifting",
            help=[{"category": "equipment", "description": "A lift table"}],
            contact_preference="email",
            decision_due=TODAY,
            decision=Decision.ALTERNATIVE,
            decision_what="A cart instead",
            decision_why="A lift table does not fit the aisle.",
            granted_from=date(2026, 12, 1),
            decided_at=NOW - timedelta(days=1),
        )
    )
    db_session.commit()
    notice = _issue(db_session, case, "accommodation_decision", item.id)
    text = _pdf_text(notice)
    for said in ("Equipment or furniture: A lift table", "An alternative accommodation is offered", "A cart instead"):
        assert said in text, said
    assert "Private words" not in text  # the employee's own account of their difficulty is not repeated
    assert notice.submission_id == item.id and notice.fields["about"] == "Accommodation request A-0007"


def test_the_written_offer_of_transitional_duty_states_the_offer(db_session, case):
    item = factories.inbox_item(db_session, case, kind=SubmissionKind.DUTY_OFFER)
    offer = DutyOffer(
        submission=item,
        job_title="Returns desk",
        tasks="Scan returned parcels.",
        hours_per_day=6,
        days="Monday to Friday",
        location="Joliet DC",
        pay_unchanged=True,
        start_date=date(2026, 12, 7),
        end_date=date(2027, 2, 5),
        answer_by=date(2026, 12, 2),
        contact_name="Sam Lead",
        forwarded_at=NOW - timedelta(hours=2),
    )
    offer.demands = [Demand(dimension="lift", pounds=10, frequency=Frequency.OCCASIONALLY)]
    db_session.add(offer)
    db_session.commit()
    notice = _issue(db_session, case, "duty_offer", item.id)
    text = _pdf_text(notice)
    for said in (
        "Returns desk",
        "Scan returned parcels.",
        "Up to 10 lb, occasionally",
        "Monday to Friday, 6 hours a day",
        "Your pay is unchanged.",
        "Starts on 7 Dec 2026",
        "answer this offer by 2 Dec 2026",
    ):
        assert said in text, said


def test_the_request_for_more_information_says_what_by_when_and_what_if_not(db_session, case):
    request = InformationRequest(
        case=case,
        message="Your clinician's note for 16 to 20 November.",
        due_at=NOW + timedelta(days=15),
        requested_by=case.case_manager,
        requested_at=NOW,
    )
    db_session.add(request)
    db_session.commit()
    notice = _issue(db_session, case, "information_request", request.id)
    text = _pdf_text(notice)
    for said in ("Your clinician's note for 16 to 20 November.", "send it by 5 Dec 2026", "If we do not receive"):
        assert said in text, said
    request.closed_at = NOW
    db_session.commit()
    with pytest.raises(NotFound):  # a closed request asks nothing any more
        notices.draft(db_session, case.case_manager, case, "information_request", request.id, DEADLINES, NOW)


def test_an_issued_notice_is_never_changed(db_session, case):
    notice = _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="Used up.")
    notice.fields = notice.fields | {"decision": "approved"}
    with pytest.raises(ValueError, match="never changed"):
        db_session.flush()
    db_session.rollback()
    db_session.refresh(notice)
    assert notice.fields["decision"] == "not_approved"
    opened = notices.open_notice(db_session, case.employee, notice.id, now=NOW + timedelta(hours=1))
    assert opened.first_opened_at == NOW + timedelta(hours=1)  # the one thing written after issuing
    notices.open_notice(db_session, case.employee, notice.id, now=NOW + timedelta(days=1))
    assert opened.first_opened_at == NOW + timedelta(hours=1)


def test_a_closed_case_takes_no_notice(db_session, case):
    case.status = "closed"
    with pytest.raises(Conflict, match="was closed"):
        _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="No.")


def test_the_employee_is_emailed_a_link_and_nothing_of_what_the_notice_says(db_session, case):
    notice = _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="Used up.")
    [email] = db_session.query(OutboundEmail).filter_by(to_address=case.employee.email).all()
    assert f"http://portal.test/employee/notices/{notice.id}" in email.body_text
    assert f"/employee/notices/{notice.id}" in email.body_html
    for content in ("Used up", "designation", "FMLA", "approved"):
        assert content not in email.body_text + email.body_html + email.subject


def test_the_timeline_shows_the_notice_to_the_case_manager_and_the_employee_not_the_supervisor(db_session, case):
    _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="Used up.")
    said = "FMLA designation notice issued by Morgan Manager."
    for reader in (case.case_manager, case.employee):
        assert said in [entry.text for entry in timeline.page(db_session, reader, case).entries]
    supervisor = case.employee.supervisor
    assert not [e for e in timeline.page(db_session, supervisor, case).entries if e.kind == timeline.EntryKind.NOTICES]


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.SUPERVISOR, Role.CLINICIAN, Role.ADMIN])
def test_only_a_case_manager_drafts_or_issues_a_notice(db_session, case, role):
    someone = case.employee if role is Role.EMPLOYEE else factories.user(db_session, role)
    with pytest.raises(NotFound):
        notices.draft(db_session, someone, case, "designation", None, DEADLINES, NOW)
    with pytest.raises(NotFound):
        notices.issue(db_session, someone, case, "designation", None, {}, DEADLINES, settings.current().uploads)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CLINICIAN, Role.ADMIN])
def test_nobody_but_the_case_manager_and_the_employee_reads_a_notice_or_its_file(db_session, case, role):
    notice = _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="No.")
    someone = factories.user(db_session, role)
    if role is Role.CLINICIAN:  # even one authorised to see the case's medical documents
        factories.authorisation(db_session, case, someone, scope="work_status_and_medical_documents")
    if role is Role.SUPERVISOR:
        case.employee.supervisor_id = someone.id
    db_session.commit()
    with pytest.raises(NotFound):
        notices.open_notice(db_session, someone, notice.id)
    with pytest.raises(NotFound):
        notices.access.get_file(db_session, someone, notice.stored_file_id)
    other = factories.user(db_session, Role.EMPLOYEE)
    with pytest.raises(NotFound):
        notices.open_notice(db_session, other, notice.id)
    assert notices.issued_on(db_session, case.employee, case) == [notice]


def test_a_download_is_audited_and_counts_as_the_employee_opening_it(db_session, case):
    notice = _issue(db_session, case, "designation", decision=Designation.NOT_APPROVED, not_approved_reason="No.")
    upload_folder = settings.current().uploads.upload_folder
    sent = notices.download(db_session, case.employee, notice.id, upload_folder, "192.0.2.1", now=NOW)
    assert sent.path.read_bytes()[:5] == b"%PDF-" and sent.name.endswith(".pdf")
    assert notice.first_opened_at == NOW
    event = db_session.query(AuditEvent).filter_by(action="file_downloaded", object_id=notice.stored_file_id).one()
    assert event.actor_id == case.employee_id and event.case_id == case.id


def test_the_case_page_offers_a_letter_about_each_item_ready_for_one(db_session, case):
    NoticeKind("designation")  # the FMLA notices are always offered; letters need their item
    board = notices.board(db_session, case.case_manager, case)
    assert board.issued == [] and board.accommodations == [] and board.offers == [] and board.requests == []
