"""Documents at the service level: sending, duplicates, refusals, replies and requests."""

import dataclasses
import io
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest

from portal.accounts.models import Role
from portal.cases.models import CaseStatus
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.documents import operations as documents
from portal.files.models import StoredFile
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import InformationRequest, Submission, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

SETTINGS = DeadlineSettings()


@pytest.fixture
def limits(app, tmp_path):
    return UploadLimits(upload_folder=str(tmp_path / "uploads"), max_bytes=5 * 1024 * 1024, max_files=3)


@pytest.fixture
def case(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER, email="morgan@example.test")
    record = factories.case(db_session, case_manager=manager)
    db_session.commit()
    return record


def upload(content: bytes, name: str) -> documents.Upload:
    return documents.Upload(io.BytesIO(content), name)


def send(db_session, case, limits, *uploads, document_type="work_status_note", description=None, note=None, **kw):
    return documents.send_document(
        db_session, case.employee, case, document_type, description, note, list(uploads), limits, SETTINGS, **kw
    )


def stored_paths(limits) -> list[Path]:
    root = Path(limits.upload_folder)
    return [path for path in root.rglob("*") if path.is_file() and "incoming" not in path.parts]


def test_a_document_enters_the_inbox_as_new_and_due_for_triage(db_session, case, limits):
    sent_at = utcnow()
    item = send(
        db_session,
        case,
        limits,
        upload(factories.pdf_bytes(), "note.pdf"),
        upload(factories.image_bytes(), "page2.jpg"),
        note="From my GP",
        now=sent_at,
    )
    assert item.status == SubmissionStatus.NEW and item.reference.startswith("D-")
    assert item.summary == "Work status or return-to-work note (2 files)"
    assert item.due_at > sent_at and item.document.note == "From my GP"
    assert [f.original_name for f in documents.files_of(db_session, item)] == ["note.pdf", "page2.jpg"]
    assert len(stored_paths(limits)) == 2


def test_the_case_manager_is_emailed_without_medical_detail(db_session, case, limits):
    send(
        db_session,
        case,
        limits,
        upload(factories.pdf_bytes(), "fmla.pdf"),
        document_type="fmla_certification",
        note="My diagnosis is in here",
    )
    email = db_session.query(OutboundEmail).one()
    assert email.to_address == "morgan@example.test"
    assert "diagnosis" not in email.body_text and "FMLA" not in email.body_text


@pytest.mark.security(
    threat="A thousand uploads in two minutes make a thousand inbox items and a thousand emails",
    control="At most 30 documents an hour from one person; past five in ten minutes, one email gathers the rest",
)
def test_a_burst_of_uploads_is_bounded_and_told_to_the_case_manager_in_one_email(db_session, case, limits):
    limits = dataclasses.replace(limits, documents_per_hour=8)
    start = utcnow()
    sent = [
        send(db_session, case, limits, upload(factories.pdf_bytes(pages=n + 1), f"page{n}.pdf"), now=start)
        for n in range(8)
    ]
    with pytest.raises(InvalidInput, match="You have sent 8 documents in the last hour") as refused:
        send(db_session, case, limits, upload(factories.pdf_bytes(pages=20), "more.pdf"), now=start)
    assert "files" in refused.value.problems
    told = db_session.query(OutboundEmail).filter_by(to_address="morgan@example.test").order_by(OutboundEmail.id)
    assert [email.template for email in told] == ["submission_received"] * 5 + ["submission_received_several"]
    gathered = told.all()[-1]
    assert sent[-1].reference in gathered.body_text and "/inbox/" in gathered.body_text
    later = start + timedelta(hours=1, minutes=1)
    send(db_session, case, limits, upload(factories.pdf_bytes(pages=30), "later.pdf"), now=later)
    assert told.count() == 7 and told.all()[-1].template == "submission_received"


def test_without_a_case_manager_every_case_manager_is_emailed(db_session, limits):
    factories.user(db_session, Role.CASE_MANAGER)
    factories.user(db_session, Role.CASE_MANAGER)
    factories.user(db_session, Role.CASE_MANAGER, active=False)
    case = factories.case(db_session)
    db_session.commit()
    send(db_session, case, limits, upload(factories.pdf_bytes(), "note.pdf"))
    assert db_session.query(OutboundEmail).count() == 2


def test_the_same_file_sent_again_to_the_case_is_caught_with_when_it_was_sent(db_session, case, limits):
    content = factories.pdf_bytes()
    first = send(db_session, case, limits, upload(content, "note.pdf"))
    with pytest.raises(InvalidInput) as refused:
        send(db_session, case, limits, upload(content, "same-note-renamed.pdf"))
    assert "You already sent same-note-renamed.pdf on" in str(refused.value)
    assert first.reference in str(refused.value) and "files" in refused.value.problems
    assert db_session.query(Submission).count() == 1 and db_session.query(StoredFile).count() == 1


def test_the_same_file_may_go_to_another_case(db_session, case, limits):
    content = factories.pdf_bytes()
    send(db_session, case, limits, upload(content, "note.pdf"))
    other = factories.case(db_session)
    db_session.commit()
    assert send(db_session, other, limits, upload(content, "note.pdf")).status == SubmissionStatus.NEW


def test_the_same_file_twice_in_one_upload_is_caught(db_session, case, limits):
    content = factories.pdf_bytes()
    with pytest.raises(InvalidInput, match="already sent"):
        send(db_session, case, limits, upload(content, "a.pdf"), upload(content, "b.pdf"))


def test_a_refused_file_keeps_nothing_of_the_upload(db_session, case, limits):
    locked = factories.pdf_bytes(encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(InvalidInput, match="password"):
        send(db_session, case, limits, upload(factories.pdf_bytes(), "good.pdf"), upload(locked, "locked.pdf"))
    assert db_session.query(Submission).count() == 0 and db_session.query(StoredFile).count() == 0
    assert stored_paths(limits) == [] and db_session.query(OutboundEmail).count() == 0


@pytest.mark.parametrize(
    "uploads, message",
    [
        ([], "Choose at least one file"),
        ([upload(b"x", f"{n}.pdf") for n in range(4)], "at most 3 files"),
    ],
)
def test_no_files_or_too_many_are_refused(db_session, case, limits, uploads, message):
    with pytest.raises(InvalidInput, match=message):
        send(db_session, case, limits, *uploads)


def test_other_documents_need_a_description(db_session, case, limits):
    with pytest.raises(InvalidInput, match="what the document is") as refused:
        send(db_session, case, limits, upload(factories.pdf_bytes(), "x.pdf"), document_type="other")
    assert "description" in refused.value.problems
    item = send(
        db_session,
        case,
        limits,
        upload(factories.pdf_bytes(), "x.pdf"),
        document_type="other",
        description="Pharmacy receipt",
    )
    assert item.summary == "Other document: Pharmacy receipt (1 file)"


def test_a_requested_document_appears_in_the_employees_list_and_the_upload_answers_it(db_session, case, limits):
    manager = case.case_manager
    request = documents.request_document(
        db_session, manager, case, "fmla_certification", "", (utcnow() + timedelta(days=15)).date(), SETTINGS
    )
    assert documents.open_requests(db_session, case.employee) == [request]
    assert request.message == "Please send your FMLA certification of a health condition."
    assert db_session.query(OutboundEmail).filter_by(to_address=case.employee.email).count() == 1
    item = send(
        db_session,
        case,
        limits,
        upload(factories.pdf_bytes(), "wh380.pdf"),
        document_type="fmla_certification",
        answering=request,
    )
    assert request.answered_by_id == item.id and documents.open_requests(db_session, case.employee) == []


def test_another_employee_never_sees_the_request(db_session, case):
    documents.request_document(
        db_session, case.case_manager, case, "work_status_note", "", (utcnow() + timedelta(days=3)).date(), SETTINGS
    )
    stranger = factories.user(db_session, Role.EMPLOYEE)
    assert documents.open_requests(db_session, stranger) == []


def test_the_employees_reply_sends_the_item_back_to_review_with_the_files(db_session, case, limits):
    item = send(db_session, case, limits, upload(factories.pdf_bytes(), "note.pdf"))
    submissions.claim(db_session, item, case.case_manager, item.version)
    kinds.request_information(db_session, item, case.case_manager, "Page 2 is missing.", None, item.version, SETTINGS)
    documents.provide_information(
        db_session,
        case.employee,
        item,
        "Here it is.",
        [upload(factories.image_bytes(), "page2.jpg")],
        limits,
        SETTINGS,
        item.version,
    )
    assert item.status == SubmissionStatus.IN_REVIEW
    assert item.events[-1].message == "Here it is.\nFiles added: page2.jpg"
    assert db_session.query(InformationRequest).one().closed_at is not None
    assert len(documents.files_of(db_session, item)) == 2
    assert db_session.query(OutboundEmail).filter_by(template="information_provided").count() == 1


def test_an_empty_reply_is_refused(db_session, case, limits):
    item = send(db_session, case, limits, upload(factories.pdf_bytes(), "note.pdf"))
    with pytest.raises(InvalidInput, match="Write a reply or choose a file"):
        documents.provide_information(db_session, case.employee, item, " ", [], limits, SETTINGS, item.version)


def test_a_closed_case_takes_no_new_document_request(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    closed = factories.case(db_session, case_manager=manager, status=CaseStatus.CLOSED)
    with pytest.raises(Conflict, match="was closed, so nothing new can be asked of or sent to it"):
        documents.request_document(
            db_session,
            manager,
            closed,
            "fmla_certification",
            "",
            utcnow().date() + timedelta(days=5),
            DeadlineSettings(),
        )
    assert db_session.query(InformationRequest).count() == 0
