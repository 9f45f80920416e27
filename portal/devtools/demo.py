"""Demo data: one account per role, the company's roster, and a case that shows each of them something real.

The demo starts where a program does: an admin loads the roster, the employee reports that they need time off,
and the case manager triages the report into a leave case. A supervisor's report of a colleague's injury at work
waits in the inbox, so that the demo shows triage too.

Idempotent: running it again changes nothing that is already there.
"""

import csv
import io
from datetime import date, timedelta

import pikepdf
from sqlalchemy import select

from portal.accounts import jobs, roster_import
from portal.accounts import operations as accounts
from portal.accounts.models import Job, Role, RosterPerson, User
from portal.cases.models import AuthorisationScope, Case, CaseParticipant, CaseType
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.documents.models import DocumentType
from portal.files.storage import Upload
from portal.intake import operations as intake
from portal.intake.models import Need
from portal.items import lifecycle
from portal.restrictions import clinicians
from portal.restrictions.operations import Limit
from portal.settings import AccountSettings, Settings

DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS = [
    ("employee@demo.test", "Alex Employee", Role.EMPLOYEE),
    ("clinician@demo.test", "Dr Casey Clinician", Role.CLINICIAN),
    ("supervisor@demo.test", "Sam Supervisor", Role.SUPERVISOR),
    ("manager@demo.test", "Morgan Manager", Role.CASE_MANAGER),
    ("admin@demo.test", "Ada Admin", Role.ADMIN),
]
DEMO_CLINICIAN_NPI = "1234567893"
INJURED_EMAIL = "jordan.rivera@demo.test"
# The roster: (employee number, name, work email, job title, supervisor's number, days since hired, hours worked
# in the last 12 months). The director has no account: the roster invites them, since they supervise someone.
# The part-timer hired this year would not be eligible for FMLA leave.
DEMO_ROSTER = [
    ("1001", "Robin Director", "robin.director@demo.test", "Director of operations", "", 5200, "2080"),
    ("1002", "Sam Supervisor", "supervisor@demo.test", "Assembly supervisor", "1001", 3400, "2140"),
    ("1003", "Alex Employee", "employee@demo.test", "Assembler", "1002", 2100, "1880"),
    ("1004", "Jordan Rivera", INJURED_EMAIL, "Forklift operator", "1002", 900, "1975.5"),
    ("1005", "Priya Shah", "priya.shah@demo.test", "Line lead", "1002", 4100, "2010"),
    ("1006", "Chris Park", "chris.park@demo.test", "Assembler", "1002", 150, "610"),
]

# The demo employee's job, as an admin records it; the forklift operator's is left for the demo to record.
ASSEMBLER_TITLE = "Assembler"
ASSEMBLER = jobs.JobInput(
    "Assemble units at a line station to the work instruction\nLoad parts bins onto the line\nCheck each "
    "finished unit and log it",
    {
        "lift": Limit(pounds=35, frequency="frequently"),
        "carry": Limit(pounds=25, frequency="occasionally"),
        "stand": Limit(hours=7),
        "bend": Limit(frequency="occasionally"),
        "repetitive_hand": Limit(frequency="constantly"),
        "work_hours": Limit(hours=8),
    },
)


def _account(session, email: str, name: str, role: Role) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        # The demo password is shorter than the rule allows real users, so it is set directly.
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=accounts.hash_password(DEMO_PASSWORD),
            active=True,
            organisation="Demo Manufacturing",
            department="Assembly",
        )
        session.add(user)
        session.flush()
    return user


def one_page_pdf(text: str) -> bytes:
    """A one-page PDF saying what it is, so that a demo or test program has real documents to review."""
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(612, 792))
    font = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = document.make_stream(b"BT /F1 18 Tf 72 700 Td (" + text.encode("ascii") + b") Tj ET")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def roster_csv(today: date) -> str:
    """The demo company's roster file, as its HR system would export it."""
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(roster_import.COLUMNS.values())
    for number, name, email, job_title, supervisor, days, hours in DEMO_ROSTER:
        hired = (today - timedelta(days=days)).isoformat()
        writer.writerow([number, name, email, job_title, "Assembly", "Main plant", supervisor, hired, hours])
    return file.getvalue()


def _load_roster(session, admin: User, settings: AccountSettings, today: date) -> None:
    """As an admin loads it: staged, previewed, then confirmed."""
    staged = roster_import.stage(session, admin, "demo-roster.csv", roster_csv(today).encode())
    plan = roster_import.preview(session, staged.content, today)
    roster_import.apply(session, admin, staged, plan.digest, settings)


def seed(session, settings: Settings) -> None:
    """Everything the demo shows, made through the services as people would; what is there already is kept."""
    users = {role: _account(session, email, name, role) for email, name, role in DEMO_ACCOUNTS}
    employee, manager = users[Role.EMPLOYEE], users[Role.CASE_MANAGER]
    today = utcnow().date()
    if session.scalar(select(RosterPerson.id).where(RosterPerson.work_email == employee.email)) is None:
        _load_roster(session, users[Role.ADMIN], settings.accounts, today)
    assembler = session.scalar(select(Job).where(Job.title == ASSEMBLER_TITLE))
    if assembler is not None and not assembler.recorded:
        jobs.record_job(session, users[Role.ADMIN], assembler, ASSEMBLER)
    if clinicians.credential_of(session, users[Role.CLINICIAN]) is None:
        # The demo clinician has been checked; a clinician an employee names in the demo has not.
        clinicians.confirm(session, manager, users[Role.CLINICIAN], "MD-12345", "IL", DEMO_CLINICIAN_NPI)
    if session.scalar(select(Case).where(Case.employee_id == employee.id)) is None:
        _open_demo_case(session, users, settings, today)
    _report_an_injury(session, users[Role.SUPERVISOR], settings, today)
    session.commit()


def _open_demo_case(session, users: dict[Role, User], settings: Settings, today: date) -> None:
    """The employee reports, page by page, that they need time off; the case manager triages it into a leave;
    the employee authorises their clinician, sends a note, and is asked for their FMLA certification."""
    employee, manager = users[Role.EMPLOYEE], users[Role.CASE_MANAGER]
    answers = {
        "need": {"need": Need.OWN_HEALTH.value},
        "dates": {"first_day_away": (today - timedelta(days=10)).isoformat()},
        "work": {"at_work": "no"},
        "contact": {"contact_phone": "555-201-4477", "contact_email": "", "contact_note": "Mornings are best."},
    }
    for step in intake.STEPS:
        intake.save_step(session, employee, step, answers[step])
    report = intake.send_report(session, employee, settings.deadlines)
    lifecycle.claim(session, report, manager, report.version)
    # No leave start given: the case's leave starts on the first day away the employee reported.
    (case,) = intake.triage(
        session,
        manager,
        report,
        [intake.Track(CaseType.LEAVE)],
        manager.id,
        None,
        today + timedelta(days=25),
        report.version,
        settings.deadlines,
        settings.accounts,
    ).cases
    session.add(
        CaseParticipant(
            case=case,
            clinician=users[Role.CLINICIAN],
            named_email=users[Role.CLINICIAN].email,
            granted_by_id=employee.id,
            scope=AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS,
            valid_from=today - timedelta(days=10),
            valid_until=today + timedelta(days=355),
        )
    )
    session.commit()
    documents.send_document(
        session,
        employee,
        case,
        DocumentType.WORK_STATUS_NOTE,
        None,
        "From my appointment last week.",
        [Upload(io.BytesIO(one_page_pdf("Demo work status note")), "work-status.pdf")],
        settings.uploads,
        settings.deadlines,
    )
    documents.request_document(
        session,
        manager,
        case,
        DocumentType.FMLA_CERTIFICATION,
        "",
        today + timedelta(days=settings.deadlines.document_request_days),
        settings.deadlines,
    )


def _report_an_injury(session, supervisor: User, settings: Settings, today: date) -> None:
    """The supervisor reports a colleague's injury at work, left for the case manager to triage."""
    person = session.scalar(select(RosterPerson).where(RosterPerson.work_email == INJURED_EMAIL))
    if person is None or (
        person.user_id is not None and session.scalar(select(Case.id).where(Case.employee_id == person.user_id))
    ):
        return
    intake.report_for_team(
        session,
        supervisor,
        person.id,
        Need.WORK_INJURY.value,
        "Stepped down from the forklift onto an uneven dock plate and went over on their ankle. They could not "
        "put weight on it, and went home at the end of the shift.",
        utcnow() - timedelta(hours=3),
        "Priya Shah (line lead)",
        today,
        settings.deadlines,
    )
