"""The privacy canary: a marker written into every medical field is found by the case manager, and
nowhere a supervisor, an admin, another employee or an unauthorised clinician can reach, in no email
and no log line."""

import io
import logging
import re
from datetime import timedelta

import pikepdf
import pytest
from sqlalchemy import select

from portal import access
from portal.accommodations import operations as accommodations
from portal.accounts.models import Role
from portal.cases import course
from portal.core.columns import utcnow
from portal.devtools.demo import one_page_pdf
from portal.documents import operations as documents
from portal.documents.models import DocumentType
from portal.files.models import StoredFile
from portal.files.storage import Upload
from portal.inbox import kinds
from portal.items import lifecycle
from portal.items.models import Submission
from portal.mail.models import OutboundEmail
from portal.messages import operations as messaging
from portal.notes import operations as notes
from portal.notes.models import NoteKind
from portal.reminders import operations as reminders
from portal.restrictions import reports
from portal.restrictions.operations import Limit, ReportInput
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

MARKER = "CANARY7Q"
DEADLINES = DeadlineSettings()


def readable_pdf(text: str) -> bytes:
    """A PDF whose page text stands in its bytes as written (not compressed), for the crawl to find."""
    document = pikepdf.Pdf.open(io.BytesIO(one_page_pdf(text)))
    buffer = io.BytesIO()
    document.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
    return buffer.getvalue()


def write_the_marker_everywhere_medical(db_session, uploads: UploadLimits) -> dict:
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor", department="Assembly")
    employee = factories.user(
        db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id, department="Assembly"
    )
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)

    # A document: the note, the file's name and its body.
    document = documents.send_document(
        db_session,
        employee,
        case,
        DocumentType.WORK_STATUS_NOTE,
        None,
        f"My knee {MARKER} after surgery.",
        [Upload(io.BytesIO(readable_pdf(f"Diagnosis {MARKER}")), f"knee-{MARKER}.pdf")],
        uploads,
        DEADLINES,
    )
    # A reply to a question about it.
    lifecycle.claim(db_session, document, manager, document.version)
    kinds.request_information(db_session, document, manager, "Which knee?", None, document.version, DEADLINES)
    documents.provide_information(
        db_session, employee, document, f"The left one, {MARKER}.", [], uploads, DEADLINES, document.version
    )
    # A clinician's report: the diagnosis.
    today = utcnow().date()
    report = reports.submit(
        db_session,
        clinician,
        case,
        ReportInput(
            visit_date=today,
            work_status="modified_duty",
            effective_from=today,
            limits={"lift": Limit(pounds=10, frequency="occasionally")},
            diagnoses=[("S83.511A", f"Sprain of the {MARKER} ligament")],
            attested_name="Dr Casey Lee",
            licence_number="MD-1",
        ),
        None,
        uploads,
        DEADLINES,
    )
    lifecycle.claim(db_session, report, manager, report.version)
    kinds.accept(db_session, report, manager, report.version)
    # An accommodation: what makes work difficult, the tasks, the log, a denial and the reconsideration asked.
    steps = {
        "difficulty": {"difficulty": f"My {MARKER} condition flares when standing."},
        "tasks": {"tasks_affected": f"Line work, because of {MARKER}."},
        "help": {"help": [{"category": "equipment", "description": "A stool at the line"}]},
        "duration": {"temporary": "no"},
        "documents": {},
        "contact": {"contact_preference": "email"},
    }
    for step, values in steps.items():
        accommodations.save_step(db_session, employee, case, step, values)
    request = accommodations.send(db_session, employee, case, DEADLINES)
    lifecycle.claim(db_session, request, manager, request.version)
    accommodations.log(
        db_session,
        manager,
        request,
        today,
        "conversation",
        f"Talked about the {MARKER} flare-ups.",
        "phone",
        "",
        "",
        None,
    )
    accommodations.decide(
        db_session,
        manager,
        request,
        "denied",
        request.version,
        why="A note is needed.",
        denial_reason="information_not_provided",
    )
    accommodations.request_reconsideration(
        db_session,
        employee,
        request,
        f"My clinician's note explains the {MARKER}.",
        [],
        uploads,
        request.version,
        DEADLINES,
    )
    # Messages: the employee's conversation and the clinician's, each way, each with a file.
    for author, clinician_id in ((employee, None), (clinician, None), (manager, None), (manager, clinician.id)):
        thread = access.get_thread(db_session, author, case.id, clinician_id=clinician_id)
        attached = Upload(io.BytesIO(readable_pdf(f"Message {MARKER} {author.id}")), f"note-{MARKER}.pdf")
        messaging.send_message(db_session, author, thread, f"About the {MARKER}.", [attached], uploads)
    # The case manager's note and the reason the expected return moved: the case managers' alone.
    notes.add_note(
        db_session, manager, case, NoteKind.CALL, utcnow(), "The employee", f"The {MARKER} is worse.", DEADLINES
    )
    course.change_expected_return(db_session, manager, case, today + timedelta(days=60), f"Surgery for the {MARKER}")
    db_session.commit()
    return {"supervisor": supervisor, "employee": employee, "manager": manager, "case": case, "clinician": clinician}


def crawl(web, start: str, also: list[str]) -> dict[str, bytes]:
    """Every page, fragment (hx-get) and file this user can reach from ``start``, and the addresses in ``also``
    tried directly: what each answered, when it answered 200."""
    seen, queue, answers = set(), [start, *also], {}
    while queue:
        path = queue.pop()
        if path in seen or path.startswith(("/static/", "/logout")):
            continue
        seen.add(path)
        headers = {"HX-Request": "true"} if "/pane" in path else {}
        with web.client.get(path, follow_redirects=True, headers=headers) as response:
            if response.status_code != 200:
                continue
            answers[path] = response.get_data()
            html = response.mimetype == "text/html"
        if html:
            page = answers[path].decode()
            queue.extend(re.findall(r'(?:href|hx-get)="(/[^"#]*)"', page.replace("&amp;", "&")))
    return answers


def where_the_marker_is(answers: dict[str, bytes]) -> list[str]:
    return [path for path, body in answers.items() if MARKER.encode() in body or MARKER.lower().encode() in body]


@pytest.mark.security(
    threat=(
        "Medical content reaching a supervisor, an admin, another employee, an unauthorised clinician, an "
        "email or a log"
    ),
    control=(
        "One access policy, 404 for what is refused; emails and logs carry no medical content (a marker in "
        "every medical field is found 0 times)"
    ),
)
def test_no_medical_marker_reaches_anyone_who_may_not_see_it_nor_any_email_or_log(app, db_session, web_as, caplog):
    caplog.set_level(logging.DEBUG)
    program = write_the_marker_everywhere_medical(db_session, UploadLimits.from_config(app.config))
    items = list(db_session.scalars(select(Submission.id)))
    files = list(db_session.scalars(select(StoredFile.id)))
    direct = [
        *(f"/inbox/submissions/{item}" for item in items),
        *(f"/employee/submissions/{item}" for item in items),
        *(f"/clinician/reports/{item}" for item in items),
        *(f"/supervisor/offers/{item}" for item in items),
        *(f"/files/{file}" for file in files),
        *(f"/files/{file}/view" for file in files),
        f"/inbox/cases/{program['case'].id}",
        f"/inbox/cases/{program['case'].id}/case-file",
        f"/inbox/cases/{program['case'].id}/messages/employee",
        f"/inbox/cases/{program['case'].id}/messages/clinicians/{program['clinician'].id}",
        f"/employee/cases/{program['case'].id}/messages",
        f"/clinician/cases/{program['case'].id}/messages",
    ]

    manager = crawl(web_as(program["manager"]), "/inbox/", direct)
    found = where_the_marker_is(manager)  # the canary is there to be found, by the one who may
    assert len(found) >= 5 and any(path.startswith("/files/") for path in found), found

    outsiders = {
        "supervisor": (program["supervisor"], "/supervisor/"),
        "admin": (factories.user(db_session, Role.ADMIN), "/admin/"),
        "another employee": (factories.user(db_session, Role.EMPLOYEE), "/employee/"),
        "an unauthorised clinician": (factories.user(db_session, Role.CLINICIAN), "/clinician/"),
    }
    db_session.commit()
    reached = {}
    for who, (user, home) in outsiders.items():
        answers = crawl(web_as(user), home, direct)
        reached[who] = len(answers)
        assert where_the_marker_is(answers) == [], who
    assert all(count > 1 for count in reached.values()), reached  # each crawl went somewhere

    # The reminders of the weeks ahead, and the case manager's digests, go out too: of a document asked for with
    # the marker in its words, among the rest.
    today = utcnow().date()
    documents.request_document(
        db_session,
        program["manager"],
        program["case"],
        DocumentType.FMLA_CERTIFICATION,
        f"The certification for the {MARKER}, please.",
        today + timedelta(days=10),
        DEADLINES,
    )
    for day in range(1, 25):
        reminders.remind(db_session, DEADLINES, today + timedelta(days=day))
    emails = list(db_session.scalars(select(OutboundEmail)))
    assert len(emails) >= 5 and {"reminder", "case_manager_digest"} <= {email.template for email in emails}
    for email in emails:
        assert MARKER not in f"{email.subject} {email.body_text} {email.body_html}", email.template
    assert MARKER not in caplog.text and MARKER.lower() not in caplog.text.lower()
