"""The whole case as a ZIP: what is in it, how its files are named, how each reading is audited, who may have it,
and that its temporary file does not outlive the response."""

import io
import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest
from flask import current_app
from sqlalchemy import select

from portal import access
from portal.accounts.models import Role, RosterPerson
from portal.audit.models import AuditEvent
from portal.cases import case_file
from portal.cases.models import AuthorisationScope
from portal.core.errors import NotFound
from portal.documents import operations as documents
from portal.files import storage
from portal.files.models import StoredFile
from portal.inbox import kinds
from portal.items import lifecycle
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories
from tests.queries import counting_queries

TIMEZONE = "America/Chicago"
FMLA, NOTE, PASSWD = factories.pdf_bytes(1), factories.pdf_bytes(2), factories.pdf_bytes(3)
PHOTO = factories.image_bytes("JPEG")


@pytest.fixture
def program(app, db_session):
    """A case with three items: a document of two files, accepted; one declined with a reason; and one whose
    file's row holds a path for a name."""
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    db_session.commit()
    limits, deadlines = UploadLimits.from_config(app.config), DeadlineSettings()

    def send(note, uploads):
        files = [documents.Upload(io.BytesIO(content), name) for name, content in uploads]
        return documents.send_document(
            db_session, employee, case, "work_status_note", None, note, files, limits, deadlines
        )

    accepted = send("Two pages", [("wh380.pdf", FMLA), ("page 2.jpg", PHOTO)])
    lifecycle.claim(db_session, accepted, manager, accepted.version)
    kinds.accept(db_session, accepted, manager, accepted.version)
    declined = send("A note", [("note.pdf", NOTE)])
    lifecycle.claim(db_session, declined, manager, declined.version)
    kinds.decline(db_session, declined, manager, declined.version, "It is not signed.\nSign it and send it again.")
    hostile = send("A third", [("../../etc/passwd", PASSWD)])
    stored = db_session.scalars(select(StoredFile).where(StoredFile.submission_id == hostile.id)).one()
    assert stored.original_name == "passwd.pdf"  # cleaned as it was received
    stored.original_name = "../../etc/passwd"  # and a row as it might have been edited since
    db_session.commit()
    return {"case": case, "manager": manager, "employee": employee, "items": [accepted, declined, hostile]}


def build(db_session, program, actor=None):
    return case_file.build(
        db_session,
        actor or program["manager"],
        program["case"],
        current_app.config["UPLOAD_FOLDER"],
        TIMEZONE,
        "203.0.113.9",
    )


@contextmanager
def opened(built):
    with built.archive, zipfile.ZipFile(built.archive) as archive:
        yield archive


def read_back(db_session, program) -> dict[str, bytes]:
    with opened(build(db_session, program)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_summary_describes_the_case_and_lists_every_item_in_order_with_its_decision_and_files(db_session, program):
    employee = program["employee"]
    db_session.add(
        RosterPerson(
            employee_number="E-1042",
            name=employee.name,
            work_email=employee.email,
            job_title="Assembler",
            hire_date=date(2019, 4, 1),
            hours_last_12_months=Decimal("1880"),
            user_id=employee.id,
        )
    )
    db_session.commit()

    summary = read_back(db_session, program)["case.txt"].decode()

    case, (accepted, _, hostile) = program["case"], program["items"]
    assert summary.startswith(f"Case {case.number}: Alex Employee\n")
    for label, value in (
        ("Employee", "Alex Employee"),
        ("Employee number", "E-1042"),
        ("Type", "Leave"),
        ("Status", "Open"),
        ("Closed", "Not closed"),
        ("Expected return to work", "Not recorded"),
        ("Case manager", "Morgan Manager"),
    ):
        assert re.search(rf"^{label}: +{value}$", summary, re.MULTILINE), label
    positions = [summary.index(f"{n}. {item.reference}: ") for n, item in enumerate(program["items"], 1)]
    assert positions == sorted(positions)
    first, second, third = re.split(r"^\d\. ", summary, flags=re.MULTILINE)[1:]
    assert re.search(r"^   Status: +Accepted$", first, re.MULTILINE)
    assert re.search(r"^   Received: +.+, from Alex Employee$", first, re.MULTILINE)
    assert re.search(r"^   Decision: +Accepted on .+ by Morgan Manager$", first, re.MULTILINE)
    assert f"files/{accepted.reference}_wh380.pdf (wh380.pdf, " in first
    assert f"files/{accepted.reference}_page 2.jpg (page 2.jpg, " in first
    assert re.search(r"^   Decision: +Declined on .+ by Morgan Manager$", second, re.MULTILINE)
    assert re.search(r"^   Reason: +It is not signed\.\n {14}Sign it and send it again\.$", second, re.MULTILINE)
    assert "Decision" not in third and f"files/{hostile.reference}_passwd.pdf" in third


def test_an_employee_the_roster_does_not_hold_has_no_employee_number(db_session, program):
    assert "Employee number" not in read_back(db_session, program)["case.txt"].decode()


def test_each_file_is_there_with_its_exact_bytes(db_session, program):
    contents = read_back(db_session, program)

    accepted, declined, hostile = (item.reference for item in program["items"])
    assert contents.pop("case.txt")
    assert contents == {
        f"files/{accepted}_wh380.pdf": FMLA,
        f"files/{accepted}_page 2.jpg": PHOTO,
        f"files/{declined}_note.pdf": NOTE,
        f"files/{hostile}_passwd.pdf": PASSWD,
    }


@pytest.mark.parametrize(
    "stored_name", ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "..", "C:\\x.pdf", "a/../../b.pdf"]
)
def test_no_stored_name_becomes_a_path_in_the_archive(db_session, program, stored_name):
    stored = db_session.scalars(select(StoredFile).order_by(StoredFile.id)).first()
    stored.original_name = stored_name
    db_session.commit()

    for name in read_back(db_session, program):
        path = PurePosixPath(name)
        assert not path.is_absolute() and ".." not in path.parts and "\\" not in name and ":" not in name, name
        assert name == "case.txt" or (path.parent == PurePosixPath("files") and path.suffix in (".pdf", ".jpg"))


def test_files_of_the_same_name_on_one_item_each_get_a_name_of_their_own(db_session, program):
    accepted = program["items"][0]
    for stored in db_session.scalars(select(StoredFile).where(StoredFile.submission_id == accepted.id)):
        stored.original_name, stored.content_type = "Scan.PDF", "application/pdf"
    db_session.commit()

    names = [name for name in read_back(db_session, program) if accepted.reference in name]

    assert names == [f"files/{accepted.reference}_Scan.pdf", f"files/{accepted.reference}_Scan (2).pdf"]


def test_each_file_is_audited_as_a_download_and_the_whole_case_once(db_session, program):
    build(db_session, program).archive.close()

    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == program["manager"].id).order_by(AuditEvent.id)
    ).all()
    files = db_session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    *downloads, whole = [event for event in events if event.action in ("file_downloaded", "case_file_downloaded")]
    assert sorted((event.action, event.object_type, event.object_id) for event in downloads) == [
        ("file_downloaded", "stored_file", stored.id) for stored in files
    ]
    assert {(event.case_id, event.ip_address, event.detail) for event in downloads} == {
        (program["case"].id, "203.0.113.9", None)
    }
    assert (whole.action, whole.object_type, whole.object_id, whole.case_id, whole.ip_address, whole.detail) == (
        "case_file_downloaded",
        "case",
        program["case"].id,
        program["case"].id,
        "203.0.113.9",
        "3 items, 4 files",
    )


def test_the_employee_sees_each_file_and_the_whole_case_among_who_has_seen_their_information(
    db_session, program, web_as
):
    build(db_session, program).archive.close()

    page = web_as(program["employee"]).client.get("/employee/privacy").get_data(as_text=True)

    assert page.count('<th scope="row">Morgan Manager</th>') == 5
    assert "Downloaded your whole case, with every file in it" in page
    for name in ("wh380.pdf", "page 2.jpg", "note.pdf", "../../etc/passwd"):
        assert f"Downloaded: {name}" in page, name


def test_a_file_missing_from_storage_is_named_in_the_summary_and_not_counted_as_downloaded(db_session, program, caplog):
    stored = db_session.scalars(select(StoredFile).order_by(StoredFile.id)).first()
    stored.storage_key = storage.storage_key("0" * 64)  # well formed, nothing there
    db_session.commit()

    contents = read_back(db_session, program)

    assert len(contents) == 4  # the summary and three files
    assert "wh380.pdf: NOT INCLUDED, missing from the portal's storage" in contents["case.txt"].decode()
    downloaded = db_session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "file_downloaded")).all()
    assert stored.id not in downloaded and len(downloaded) == 3
    assert storage.storage_key("0" * 64) in caplog.text and "wh380" not in caplog.text


def test_someone_without_medical_access_to_the_case_gets_nothing(db_session, program):
    supervisor = factories.user(db_session, Role.SUPERVISOR)
    program["employee"].supervisor_id = supervisor.id
    db_session.commit()

    with pytest.raises(NotFound):
        build(db_session, program, actor=supervisor)
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.actor_id == supervisor.id)).all() == []


def test_the_same_few_queries_whatever_the_number_of_items_and_files(app, db_session, program):
    def queries(case) -> int:
        db_session.expire_all()
        with counting_queries() as statements:
            record = access.get_case(db_session, program["manager"], case.id)
            case_file.build(
                db_session, program["manager"], record, app.config["UPLOAD_FOLDER"], TIMEZONE, None
            ).archive.close()
        return len(statements)

    small = factories.case(db_session)
    factories.stored_file(
        db_session, small, app.config["UPLOAD_FOLDER"], submission=factories.inbox_item(db_session, small)
    )

    assert queries(small) == queries(program["case"])


# --- through the portal -----------------------------------------------------------------------


def download(web, case):
    with web.client.get(f"/inbox/cases/{case.id}/case-file") as response:
        response.get_data()
    return response


def test_a_case_manager_downloads_the_whole_case_as_an_attachment_from_the_case_page(db_session, program, web_as):
    manager = web_as(program["manager"])
    case = program["case"]

    page = manager.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert re.search(rf'<a href="/inbox/cases/{case.id}/case-file">Download the whole case \(ZIP\)</a>', page)
    response = download(manager, case)

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == f"attachment; filename=case-{case.number}.zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Length"] == str(len(response.data))
    assert "Accept-Ranges" not in response.headers  # one request, one set of audit events
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert len(archive.namelist()) == 5 and archive.testzip() is None
    recorded = db_session.scalars(select(AuditEvent.action).where(AuditEvent.ip_address == "127.0.0.1")).all()
    assert recorded.count("file_downloaded") == 4 and recorded.count("case_file_downloaded") == 1


@pytest.mark.security(
    threat="Someone other than a case manager takes a whole case, every medical file in it, in one download",
    control="The case file answers 404 to another case's employee, a supervisor, a clinician and an admin, "
    "and records nothing",
)
@pytest.mark.parametrize("who", ["employee of another case", "supervisor", "clinician", "admin"])
def test_everyone_but_a_case_manager_is_told_the_case_file_does_not_exist(db_session, program, web_as, who):
    role = {"employee of another case": Role.EMPLOYEE, "supervisor": Role.SUPERVISOR, "clinician": Role.CLINICIAN}
    user = factories.user(db_session, role.get(who, Role.ADMIN))
    if who == "employee of another case":
        factories.case(db_session, employee=user)
    elif who == "supervisor":
        program["employee"].supervisor_id = user.id
    elif who == "clinician":
        scope = AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS
        factories.authorisation(db_session, program["case"], user, scope=scope)
    db_session.commit()

    response = download(web_as(user), program["case"])

    assert response.status_code == 404 and response.mimetype == "text/html"
    reads = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["file_downloaded", "case_file_downloaded"]))
    ).all()
    assert reads == []


def test_the_temporary_file_has_no_name_on_disk_and_is_closed_once_the_response_is_sent(
    app, program, web_as, monkeypatch
):
    made = []
    make = tempfile.TemporaryFile

    def watched(*args, **kwargs):
        made.append(make(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", watched)
    incoming = Path(app.config["UPLOAD_FOLDER"]) / storage.INCOMING
    manager = web_as(program["manager"])

    with manager.client.get(f"/inbox/cases/{program['case'].id}/case-file") as response:
        [archive] = made
        assert os.fstat(archive.fileno()).st_nlink == 0  # already gone from the folder while it is sent
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as sent:
            assert "case.txt" in sent.namelist()
    assert archive.closed
    assert list(incoming.glob("case-file-*")) == []
