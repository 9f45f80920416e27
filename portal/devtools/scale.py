"""A large, realistic program for load tests and benchmarks (``flask portal seed-scale``).

About one case per five submissions, each case with its employee, the employee's supervisor
and treating clinician, and a case manager; every employee and supervisor on the roster, the
supervisors reporting to managers who have no account. Each case starts, as in the portal, from
a report (the employee's, their supervisor's or a case manager's) that triage opened into the
case, declined, or has still to look at; then every kind of inbox item, spread over four years
with more activity lately, each with the detail rows, history and deadlines the services would
have written, so that any seeded item opens on the review screen. Old items are decided or
withdrawn; recent ones are still being worked, some of them overdue.

Built in bulk to take seconds, not hours: ids are assigned here and rows go in by Core INSERTs
in batches, never one ORM object at a time. Core INSERTs bypass the model's ``@validates``, so
``is_open`` and ``priority_at`` are set here as the services set them. Random, but the same seed
builds the same program.
"""

import io
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text

from portal.accommodations.models import AccommodationRequest, Decision, DenialReason, HelpCategory
from portal.accounts import jobs
from portal.accounts import operations as accounts
from portal.accounts.models import (
    ClinicianCredential,
    NameWord,
    Role,
    RosterNameWord,
    RosterPerson,
    User,
    name_words,
)
from portal.cases.models import AuthorisationScope, Case, CaseOutcome, CaseParticipant, CaseStatus, CaseType, ReturnDuty
from portal.core.columns import utcnow
from portal.core.errors import Conflict
from portal.devtools import demo
from portal.documents.models import DocumentSubmission, DocumentType
from portal.duty import operations as offers
from portal.duty.models import Demand, DutyOffer
from portal.extensions import Model
from portal.files import storage
from portal.files.models import StoredFile
from portal.intake import operations as intake
from portal.intake.models import IntakeReport, Need
from portal.items import deadlines, lifecycle
from portal.items.lifecycle import REFERENCE_ALPHABET
from portal.items.models import (
    OPEN_STATUSES,
    InformationRequest,
    Submission,
    SubmissionEvent,
    SubmissionKind,
    SubmissionStatus,
)
from portal.restrictions import operations as restrictions
from portal.restrictions.models import Restriction, RestrictionReport, WorkStatus
from portal.settings import DeadlineSettings

SCALE_PASSWORD = "scale-password"
DOMAIN = "scale.test"
ORGANISATION = "Scale Manufacturing"
BATCH = 5000
HISTORY_DAYS = 4 * 365
S = SubmissionStatus
K = SubmissionKind


def manager_email(n: int) -> str:
    return f"manager{n}@{DOMAIN}"


FIRST_MANAGER_EMAIL = manager_email(1)  # the case manager the benchmark signs in as

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "Luis",
    "Maria",
    "Carlos",
    "Rosa",
    "Jose",
    "Guadalupe",
    "Juan",
    "Ana",
    "Miguel",
    "Lucia",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Min-jun",
    "Ji-woo",
    "Arjun",
    "Priya",
    "Rahul",
    "Ananya",
    "Mohammed",
    "Fatima",
    "Omar",
    "Aisha",
    "Kwame",
    "Amara",
    "Chinedu",
    "Ngozi",
    "Dmitri",
    "Olga",
    "Tomasz",
    "Katarzyna",
    "Sean",
    "Siobhan",
    "Mateo",
    "Valentina",
    "Nguyen",
    "Linh",
    "Tariq",
    "Leila",
    "Jamal",
    "Keisha",
    "DeShawn",
    "Tanisha",
    "Ahmed",
    "Sofia",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kim",
    "Park",
    "Chen",
    "Wang",
    "Patel",
    "Shah",
    "Singh",
    "Khan",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Kowalski",
    "Novak",
    "Ivanov",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Sullivan",
    "Nakamura",
    "Tanaka",
    "Yamamoto",
    "Tran",
    "Pham",
    "Cohen",
    "Rossi",
    "Romano",
    "Schmidt",
    "Muller",
    "Fischer",
    "Haddad",
    "Mansour",
    "Abdullah",
    "Silva",
    "Santos",
    "Oliveira",
    "Jensen",
    "Larsen",
    "Dubois",
    "Fontaine",
    "Washington",
    "Jefferson",
    "Booker",
    "Whitfield",
    "Castillo",
    "Delgado",
    "Vargas",
    "Mendoza",
]
# The jobs in each department, as the roster names them.
JOB_TITLES = {
    "Assembly": ("Assembler", "Assembly technician", "Line lead"),
    "Warehouse": ("Warehouse associate", "Forklift operator", "Order picker"),
    "Shipping and receiving": ("Shipping clerk", "Receiving clerk", "Dock worker"),
    "Maintenance": ("Maintenance mechanic", "Electrician", "Millwright"),
    "Quality": ("Quality inspector", "Quality technician"),
    "Customer service": ("Customer service representative", "Order administrator"),
    "Finance": ("Accounts payable clerk", "Payroll specialist", "Financial analyst"),
    "Facilities": ("Custodian", "Groundskeeper", "Facilities technician"),
    "Fleet": ("Delivery driver", "Fleet mechanic"),
    "Packaging": ("Packer", "Packaging machine operator"),
    "Machining": ("CNC machinist", "Machine operator", "Grinder"),
    "Paint shop": ("Painter", "Paint line operator"),
    "Tooling": ("Toolmaker", "Tool and die maker"),
    "Logistics": ("Logistics coordinator", "Material handler"),
}
DEPARTMENTS = list(JOB_TITLES)
LOCATIONS = ["Main plant", "North warehouse", "East distribution center", "Head office"]
CLINICS = [
    "Riverside Occupational Health",
    "Northgate Family Medicine",
    "Lakeview Orthopaedics",
    "City Physical Therapy",
    "Summit Sports Medicine",
    "Valley Medical Group",
    "Harbor Spine Center",
    "Westside Urgent Care",
]
DIAGNOSES = [
    ("M54.50", "Low back pain, unspecified"),
    ("S83.511A", "Sprain of anterior cruciate ligament of right knee"),
    ("M75.101", "Rotator cuff tear of right shoulder"),
    ("G56.01", "Carpal tunnel syndrome, right upper limb"),
    ("S62.101A", "Fracture of right wrist"),
    ("M17.11", "Primary osteoarthritis, right knee"),
    ("F32.1", "Major depressive disorder, single episode, moderate"),
    ("F41.1", "Generalized anxiety disorder"),
    ("S93.401A", "Sprain of right ankle"),
    ("M51.26", "Intervertebral disc displacement, lumbar region"),
    ("O26.891", "Pregnancy related conditions, first trimester"),
    ("I21.4", "Non-ST elevation myocardial infarction"),
]
DOCUMENT_NOTES = [
    "From my appointment last week.",
    "Second page is the doctor's signature.",
    "Sorry this is late, the clinic only sent it today.",
    "Updated form as requested.",
    "My physical therapy plan for the next six weeks.",
]
OTHER_DOCUMENTS = [
    "Physical therapy plan",
    "Hospital discharge summary",
    "Pharmacy receipt",
    "Mileage log for medical visits",
    "Letter from occupational health",
]
OTHER_RESTRICTIONS = [
    "No work at heights.",
    "Keep the right arm in a sling.",
    "Break of 10 minutes every hour.",
    "No exposure to solvents.",
    "No night shifts.",
]
INFORMATION_QUESTIONS = [
    "The certification is missing the expected duration of the condition. Please ask your "
    "provider to complete section III.",
    "Please send the second page of the form.",
    "The form is not signed. Please ask your provider to sign and date it.",
    "Please confirm the date your provider expects you back at full duty.",
]
INFORMATION_ANSWERS = [
    "Here is the completed form.",
    "My doctor signed it this morning.",
    "The clinic says full duty from the end of next month.",
    "Attached the missing page.",
]
DECLINE_REASONS = [
    "This is not the form we asked for; please send the FMLA certification instead.",
    "The document is unreadable. Please scan it again at a higher resolution.",
    "This belongs to another case and has been returned.",
]
JOBS = [
    ("Parts inspector", "Visual inspection of finished parts at a seated workstation."),
    ("Tool crib attendant", "Issue and log tools; light lifting only."),
    ("Safety trainer", "Deliver toolbox talks and update the training records."),
    ("Inventory clerk", "Cycle counts and data entry in the warehouse system."),
    ("Dispatcher", "Take calls and schedule deliveries from the office."),
    ("Quality auditor", "Walk the line once a shift and record audit results."),
]
FIT_SUMMARIES = [
    "Fits the current restrictions",
    "Fits, but 2 dimensions have no restriction recorded",
    "1 conflict with the current restrictions",
    "No work-status report yet: fit unknown",
]
DIFFICULTIES = [
    "Standing for a whole shift makes my back pain much worse by the afternoon.",
    "I cannot grip tools for long since my wrist surgery.",
    "My medication makes early mornings very hard for me.",
    "Noise on the floor triggers migraines that last the rest of the day.",
    "I get short of breath walking between buildings.",
]
TASKS_AFFECTED = [
    "Working the assembly line; carrying parts bins.",
    "Using hand tools and the torque gun.",
    "The 6 a.m. start and the first two hours of the shift.",
    "Inspections on the shop floor.",
    "Deliveries to the other sites.",
]
HELP_DESCRIPTIONS = {
    HelpCategory.SCHEDULE: "Start at 9 a.m. instead of 6 a.m.",
    HelpCategory.REMOTE: "Work from home two days a week.",
    HelpCategory.EQUIPMENT: "A sit-stand desk and an anti-fatigue mat.",
    HelpCategory.DUTIES: "Someone else does the heavy lifting on my line.",
    HelpCategory.LEAVE: "Time off for weekly physical therapy.",
    HelpCategory.REASSIGNMENT: "A move to a vacant job in quality control.",
    HelpCategory.SUPPORT: "Bring my service dog to work.",
    HelpCategory.OTHER: "A parking space near the entrance.",
}
DENIAL_EXPLANATIONS = {
    DenialReason.UNDUE_HARDSHIP: "The role has no vacant hours at that time of day.",
    DenialReason.NOT_QUALIFYING: "The information does not show a limitation that needs it.",
    DenialReason.INFORMATION_NOT_PROVIDED: "We did not receive the medical questionnaire.",
    DenialReason.OTHER: "The department closes at the end of the quarter.",
}
CASE_TYPE_WEIGHTS = {CaseType.LEAVE: 45, CaseType.WORKERS_COMPENSATION: 35, CaseType.ACCOMMODATION: 20}
# Weights of each kind of item by case type, and of document types by case type.
KIND_WEIGHTS = {
    CaseType.LEAVE: {K.DOCUMENT: 60, K.RESTRICTION_REPORT: 25, K.DUTY_OFFER: 8, K.ACCOMMODATION_REQUEST: 7},
    CaseType.WORKERS_COMPENSATION: {
        K.DOCUMENT: 35,
        K.RESTRICTION_REPORT: 40,
        K.DUTY_OFFER: 22,
        K.ACCOMMODATION_REQUEST: 3,
    },
    CaseType.ACCOMMODATION: {K.DOCUMENT: 45, K.RESTRICTION_REPORT: 8, K.DUTY_OFFER: 2, K.ACCOMMODATION_REQUEST: 45},
}
DOCUMENT_WEIGHTS = {
    CaseType.LEAVE: {
        DocumentType.FMLA_CERTIFICATION: 40,
        DocumentType.WORK_STATUS_NOTE: 35,
        DocumentType.FUNCTIONAL_CAPACITY_EVALUATION: 5,
        DocumentType.ACCOMMODATION_QUESTIONNAIRE: 5,
        DocumentType.OTHER: 15,
    },
    CaseType.WORKERS_COMPENSATION: {
        DocumentType.WORK_STATUS_NOTE: 50,
        DocumentType.FUNCTIONAL_CAPACITY_EVALUATION: 20,
        DocumentType.FMLA_CERTIFICATION: 10,
        DocumentType.OTHER: 20,
    },
    CaseType.ACCOMMODATION: {
        DocumentType.ACCOMMODATION_QUESTIONNAIRE: 50,
        DocumentType.WORK_STATUS_NOTE: 20,
        DocumentType.FMLA_CERTIFICATION: 10,
        DocumentType.OTHER: 20,
    },
}
# Days from arrival to decision, on average: reports and offers are urgent, accommodations take weeks.
MEAN_DAYS_TO_DECIDE = {K.DOCUMENT: 6, K.RESTRICTION_REPORT: 4, K.DUTY_OFFER: 4, K.ACCOMMODATION_REQUEST: 16}
DECLINED_SHARE = {K.DOCUMENT: 0.12, K.RESTRICTION_REPORT: 0.05, K.DUTY_OFFER: 0.10, K.ACCOMMODATION_REQUEST: 0.20}
WITHDRAWN_SHARE = 0.03
INFORMATION_ROUND_SHARE = 0.3
# A program behind on its work (seed_scale's open_share): of the items it never decided, this share were never
# claimed either, and their deadlines fall this many days either side of today, most of them already passed.
BACKLOG_UNCLAIMED_SHARE = 0.25
BACKLOG_DUE_DAYS = (-30, 15)
REFERENCE_PREFIX = {
    K.DOCUMENT: "D",
    K.RESTRICTION_REPORT: "R",
    K.DUTY_OFFER: "T",
    K.ACCOMMODATION_REQUEST: "A",
    K.INTAKE_REPORT: intake.REFERENCE_PREFIX,
}

# The roster: employee numbers from here on; a few part-timers and recent hires whom FMLA does not yet cover.
EMPLOYEE_NUMBERS_FROM = 100_000
SUPERVISORS_PER_AREA = 12
PART_TIME_SHARE = 0.12
RECENT_HIRE_SHARE = 0.10

# Reports: who sends them, for what need by track, and how long triage takes.
REPORTER_WEIGHTS = {  # (employee, supervisor, case manager)
    CaseType.LEAVE: (84, 10, 6),
    CaseType.WORKERS_COMPENSATION: (55, 40, 5),
    CaseType.ACCOMMODATION: (95, 0, 5),  # a supervisor reports an injury or an absence, never a need for a change
}
LEAVE_NEED_WEIGHTS = {Need.OWN_HEALTH: 60, Need.PREGNANCY: 20, Need.FAMILY_CARE: 20}
MEAN_DAYS_TO_TRIAGE = 1.2
DECLINED_REPORT_SHARE = 0.04
LATE_NOTICE_SHARE = 0.06  # FMLA eligibility notices given after their five business days
DECLINED_REPORTS = [
    "Not a case: one day off with a cold, covered by sick pay.",
    "Sent twice: this is the same absence as the report sent the day before.",
    "Not a case: the employee has already come back to full duty and needs nothing.",
]
NOT_OPENED = "Not opened: the report was declined at triage."  # as intake.not_a_case closes the case
INJURIES = [
    "Slipped on a wet floor by the loading dock and landed on their right side.",
    "Strained their back lifting a parts bin onto the line.",
    "Caught their hand in the conveyor guard while clearing a jam.",
    "Twisted their ankle stepping off the forklift.",
    "Cut their forearm on a sheet-metal edge while unloading.",
    "Felt a sharp pain in their shoulder after a shift of overhead work.",
]
ABSENCES = [
    "Has not been in for three days and has not called in; a colleague says they are in hospital.",
    "Left mid-shift saying they felt unwell, and has not been back since.",
    "Has been off on and off for two weeks; says they have appointments but has not said why.",
]
WITNESS_ROLES = ["line lead", "forklift operator", "first aider", "shift supervisor", "co-worker"]
CONTACT_NOTES = [
    "Mornings are best; I have appointments most afternoons.",
    "Text first, please: I may be asleep.",
    "My partner may answer; they know about this.",
]


@dataclass
class ScaleSummary:
    """What was built, for the command to print."""

    people: Counter = field(default_factory=Counter)  # accounts, by role
    roster: int = 0  # people on the roster, most with an account, their supervisors' managers without
    case_types: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    due: Counter = field(default_factory=Counter)  # open items by deadlines.DueState
    case_managers: list[tuple[str, str]] = field(default_factory=list)  # (email, name)

    @property
    def cases(self) -> int:
        return sum(self.case_types.values())

    @property
    def submissions(self) -> int:
        return sum(self.statuses.values())

    @property
    def open_items(self) -> int:
        return sum(self.statuses[status] for status in OPEN_STATUSES)


def seed_scale(
    session,
    submissions: int,
    settings: DeadlineSettings,
    upload_folder: str,
    max_bytes: int,
    seed: int = 1,
    now: datetime | None = None,
    open_share: float | None = None,
) -> ScaleSummary:
    """Build a program of about ``submissions`` inbox items and commit it. Refuses a database that has one.

    ``open_share`` makes a program with a backlog: items that would have been decided by now are still open, until
    that share of all items is open, with deadlines around today (most passed). Without it, about 2% are open."""
    if session.scalar(select(User.id).where(User.email == FIRST_MANAGER_EMAIL)) is not None:
        raise Conflict(
            f"This database already holds a scale program ({FIRST_MANAGER_EMAIL} exists). "
            "Seed a fresh database instead."
        )
    program = _Program(session, random.Random(seed), settings, now or utcnow(), open_share)
    program.build(submissions)
    program.insert()
    program.attach_files(upload_folder, max_bytes)  # commits
    if session.get_bind().dialect.name == "sqlite":
        # A bulk load changes every table at once, and SQLite gathers statistics only when asked (on PostgreSQL,
        # autovacuum analyses a table within a minute of it): without them its planner may walk the wrong index.
        session.execute(text("ANALYZE"))
        session.commit()
    return program.summary


@dataclass(frozen=True)
class _Timeline:
    """When an item moves through its lifecycle, whether or not ``now`` has reached each step."""

    submitted_at: datetime
    claimed_at: datetime
    decided_at: datetime
    withdrawn: bool
    information: tuple[datetime, datetime] | None  # (asked, answered)


@dataclass(frozen=True)
class _Triage:
    """The report a case starts from: who sent it, when it came in, was claimed and was triaged (whether or not
    ``now`` has reached that), and what triage made of it."""

    reporter: Role
    reported_at: datetime
    claimed_at: datetime
    triaged_at: datetime
    waiting: bool  # not triaged yet: the case is in intake
    declined: bool  # not a case: it closed at triage

    @property
    def opened(self) -> bool:
        return not self.waiting and not self.declined


@dataclass(frozen=True)
class _Item:
    """What an item's kind decides about its inbox row and history."""

    summary: str
    priority: int = 0
    note: str | None = None  # the sender's message with the submission
    decision: str | None = None  # the message with the accept or decline
    decided_as: str | None = None  # the decision's action in the history, where the kind names its own


# An item's history: (action, actor id, at, from status, to status, message).
_Event = tuple[str, int | None, datetime, SubmissionStatus | None, SubmissionStatus | None, str | None]


def _table(model: type[Model]) -> Table:
    """The model's table (a declarative class's ``__table__`` is typed as any FromClause)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class _Program:
    """The program's rows, built in memory with their ids, then inserted table by table."""

    def __init__(
        self, session, rng: random.Random, settings: DeadlineSettings, now: datetime, open_share: float | None = None
    ) -> None:
        self.session, self.rng, self.settings, self.now = session, rng, settings, now
        self.open_share = open_share
        self.rows: dict[type[Model], list[dict]] = {
            model: []
            for model in (
                User,
                NameWord,
                ClinicianCredential,
                RosterPerson,
                RosterNameWord,
                Case,
                CaseParticipant,
                Submission,
                IntakeReport,
                DocumentSubmission,
                RestrictionReport,
                Restriction,
                DutyOffer,
                Demand,
                AccommodationRequest,
                SubmissionEvent,
                InformationRequest,
            )
        }
        self.files: list[dict] = []  # StoredFile rows but for the blob's key, size and hash (attach_files)
        self.summary = ScaleSummary()
        self.password_hash = accounts.hash_password(SCALE_PASSWORD)  # once: scrypt is slow on purpose
        self.next_id = {
            model: (session.scalar(select(func.max(model.id))) or 0) + 1
            for model in (User, RosterPerson, Case, Submission)
        }
        self.references = set(session.scalars(select(Submission.reference)))

    # --- people ---------------------------------------------------------------------------------

    def _person(
        self,
        role: Role,
        email: str,
        name: str,
        created_at: datetime,
        supervisor_id: int | None = None,
        organisation: str = ORGANISATION,
        department: str | None = None,
    ) -> dict:
        self.rows[User].append(
            {
                "id": self._take_id(User),
                "email": email,
                "name": name,
                "role": role,
                "password_hash": self.password_hash,
                "active": True,
                "supervisor_id": supervisor_id,
                "organisation": organisation,
                "department": department,
                "phone": self._phone(),
                "created_at": created_at,
            }
        )
        self.rows[NameWord].extend({"word": word, "user_id": self.rows[User][-1]["id"]} for word in name_words(name))
        self.summary.people[role] += 1
        return self.rows[User][-1]

    def _on_roster(
        self,
        name: str,
        email: str,
        job_title: str,
        department: str,
        location: str,
        supervisor: dict | None,
        hired: date,
        part_time: bool = False,
        user: dict | None = None,
    ) -> dict:
        """A person as the roster import writes them: the roster's record, tied to their account if they have one."""
        person_id = self._take_id(RosterPerson)
        self.rows[RosterPerson].append(
            {
                "id": person_id,
                "employee_number": str(EMPLOYEE_NUMBERS_FROM + person_id),
                "name": name,
                "work_email": email,
                "job_title": job_title,
                "department": department,
                "location": location,
                "supervisor_id": supervisor["id"] if supervisor is not None else None,
                "hire_date": hired,
                "hours_last_12_months": self._hours(hired, part_time),
                "in_latest_roster": True,
                "user_id": user["id"] if user is not None else None,
                "updated_at": self.now,
            }
        )
        self.rows[RosterNameWord].extend({"word": word, "person_id": person_id} for word in name_words(name))
        self.summary.roster += 1
        return self.rows[RosterPerson][-1]

    def _hours(self, hired: date, part_time: bool) -> Decimal:
        """Hours worked in the 12 months to today, less a few weeks away: a part-timer's fall under FMLA's
        1,250, as do those of someone hired within the year."""
        rng = self.rng
        weekly = rng.uniform(16, 24) if part_time else rng.uniform(36, 45)
        weeks = min(52, (self.now.date() - hired).days / 7) - rng.uniform(0, 3)
        return Decimal(f"{max(0.0, weekly * weeks):.2f}")

    def _hire_date(self, leave_day: date) -> date:
        """Hired before the leave, or the report, a case starts from: some within the 12 months FMLA asks."""
        rng = self.rng
        if rng.random() < RECENT_HIRE_SHARE:
            return leave_day - timedelta(days=rng.randrange(30, 365))
        return leave_day - timedelta(days=rng.randrange(365, 25 * 365))

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _phone(self) -> str:
        return f"555-{self.rng.randrange(100, 1000)}-{self.rng.randrange(1000, 10000)}"

    def _take_id(self, model) -> int:
        self.next_id[model] += 1
        return self.next_id[model] - 1

    # --- the program ----------------------------------------------------------------------------

    def build(self, submissions: int) -> None:
        rng, now, settings = self.rng, self.now, self.settings
        case_count = max(1, submissions // 5)
        long_ago = now - timedelta(days=HISTORY_DAYS + 365)
        managers = [
            self._person(
                Role.CASE_MANAGER, manager_email(n), self._name(), long_ago, department="Disability management"
            )
            for n in range(1, max(3, submissions // 12_500) + 1)
        ]
        self.summary.case_managers = [(m["email"], m["name"]) for m in managers]
        supervisors = [
            self._person(
                Role.SUPERVISOR,
                f"supervisor{n}@{DOMAIN}",
                self._name(),
                long_ago,
                department=DEPARTMENTS[n % len(DEPARTMENTS)],
            )
            for n in range(1, math.ceil(case_count / 10) + 1)
        ]
        supervisors_on_roster = self._roster_above(supervisors)
        clinicians = [
            self._person(
                Role.CLINICIAN,
                f"clinician{n}@{DOMAIN}",
                "Dr " + self._name(),
                long_ago,
                organisation=rng.choice(CLINICS),
            )
            for n in range(1, max(2, case_count // 40) + 1)
        ]
        licences = {c["id"]: f"MD-{rng.randrange(100000, 1000000)}" for c in clinicians}
        for clinician in clinicians:  # each confirmed by a case manager when they first reported
            self.rows[ClinicianCredential].append(
                {
                    "clinician_id": clinician["id"],
                    "licence_number": licences[clinician["id"]],
                    "licence_state": "IL",
                    "npi": None,
                    "verified_at": long_ago,
                    "verified_by_id": managers[0]["id"],
                }
            )

        # Every case starts from a report, triaged within a day or two. The newest has only just come in, so that
        # even a small program has one waiting for triage.
        reported = sorted(now - timedelta(days=self._age_days()) for _ in range(case_count))
        reported[-1] = max(reported[-1], now - timedelta(hours=rng.uniform(1, 6)))
        case_types = rng.choices(list(CASE_TYPE_WEIGHTS), weights=list(CASE_TYPE_WEIGHTS.values()), k=case_count)
        triages = [
            self._triage(case_type, reported_at, newest=n == case_count)
            for n, (case_type, reported_at) in enumerate(zip(case_types, reported, strict=True), start=1)
        ]
        # The report is each case's first item; the rest fall where they may, as they do, on the cases triage
        # opened (anywhere in a program too small to have one).
        per_case = [1] * case_count
        worked = [n for n, triage in enumerate(triages) if triage.opened] or list(range(case_count))
        for _ in range(submissions - case_count):
            per_case[rng.choice(worked)] += 1
        numbers = self._case_numbers(reported)
        cases = zip(case_types, triages, numbers, per_case, strict=True)
        for n, (case_type, triage, number, count) in enumerate(cases, start=1):
            supervisor = supervisors[(n - 1) // 10]
            boss = supervisors_on_roster[(n - 1) // 10]
            need = self._need(case_type, triage.reporter)
            first_day_away = self._first_day_away(need, triage.reported_at)
            hired = self._hire_date(first_day_away or deadlines.local_date(triage.reported_at, settings))
            employee = self._person(
                Role.EMPLOYEE,
                f"employee{n}@{DOMAIN}",
                self._name(),
                # An account from some time before the report, never before they were hired.
                max(
                    triage.reported_at - timedelta(days=rng.randrange(30, 3000)),
                    datetime.combine(hired, time(), tzinfo=UTC),
                ),
                supervisor_id=supervisor["id"],
                department=supervisor["department"],
            )
            self._on_roster(
                employee["name"],
                employee["email"],
                rng.choice(JOB_TITLES[supervisor["department"]]),
                supervisor["department"],
                boss["location"],
                boss,
                hired,
                part_time=rng.random() < PART_TIME_SHARE,
                user=employee,
            )
            case_manager = rng.choice(managers)
            case = {
                "id": self._take_id(Case),
                "number": number,
                "employee_id": employee["id"],
                # Triage gives the case its manager, and opens it; until then it dates from the report.
                "case_manager_id": case_manager["id"] if triage.opened else None,
                "case_type": case_type,
                "opened_at": triage.triaged_at if triage.opened else triage.reported_at,
            }
            people = {
                "employee": employee,
                "supervisor": supervisor,
                "case_manager": case_manager,
                "managers": managers,
            }
            statuses = [self._intake(case, people, triage, need, first_day_away)]
            last_activity = case["opened_at"]
            if triage.opened:
                clinician = rng.choice(clinicians)
                people.update(clinician=clinician, licence=licences[clinician["id"]])
                self._authorise(case, employee, clinician)
                opened_at = case["opened_at"]
                active_days = min(rng.uniform(20, 240), (now - opened_at).total_seconds() / 86400)
                times = sorted(opened_at + timedelta(days=active_days * rng.random()) for _ in range(count - 1))
                statuses += [self._submission(case, people, submitted_at) for submitted_at in times]
                last_activity = max([last_activity, *times])
            self._finish_case(
                case, triage, first_day_away, last_activity, any(status in OPEN_STATUSES for status in statuses)
            )
            self.summary.case_types[case_type] += 1

    def _roster_above(self, supervisors: list[dict]) -> list[dict]:
        """Each supervisor's roster record, under the area managers and the plant's director, who have no account."""
        rng = self.rng
        director = self._on_roster(
            self._name(), f"director@{DOMAIN}", "Plant director", "Operations", "Head office", None, self._long_hired()
        )
        area_managers = [
            self._on_roster(
                self._name(),
                f"area.manager{n}@{DOMAIN}",
                "Area manager",
                "Operations",
                rng.choice(LOCATIONS),
                director,
                self._long_hired(),
            )
            for n in range(1, math.ceil(len(supervisors) / SUPERVISORS_PER_AREA) + 1)
        ]
        return [
            self._on_roster(
                supervisor["name"],
                supervisor["email"],
                f"{supervisor['department']} supervisor",
                supervisor["department"],
                rng.choice(LOCATIONS),
                area_managers[n // SUPERVISORS_PER_AREA],
                self._long_hired(),
                user=supervisor,
            )
            for n, supervisor in enumerate(supervisors)
        ]

    def _long_hired(self) -> date:
        """A supervisor's or manager's hire date: years before the program's history."""
        return (self.now - timedelta(days=HISTORY_DAYS + self.rng.randrange(365, 20 * 365))).date()

    def _age_days(self) -> float:
        """Days ago a case's report came in: the program grows, so recent years are busier (density 1 - 0.6 x
        age/span)."""
        return HISTORY_DAYS * (1 - math.sqrt(1 - 0.84 * self.rng.random())) / 0.6

    def _case_numbers(self, reported: list[datetime]) -> list[str]:
        """C-<year>-<sequence>, as cases.next_case_number numbers a report's case, following any cases there."""
        sequences = {}
        for year in {moment.year for moment in reported}:
            last = self.session.scalar(select(func.max(Case.number)).where(Case.number.like(f"C-{year}-%")))
            sequences[year] = int(last.rpartition("-")[2]) if last else 0
        numbers = []
        for moment in reported:
            sequences[moment.year] += 1
            numbers.append(f"C-{moment.year}-{sequences[moment.year]:05d}")
        return numbers

    def _authorise(self, case: dict, employee: dict, clinician: dict) -> None:
        start = case["opened_at"].date()
        self.rows[CaseParticipant].append(
            {
                "case_id": case["id"],
                "clinician_id": clinician["id"],
                "named_email": clinician["email"],
                "scope": self.rng.choice(list(AuthorisationScope)),
                "valid_from": start,
                "valid_until": start + timedelta(days=365),
                "granted_by_id": employee["id"],
                "granted_at": case["opened_at"],
                "revoked_at": None,
                "revoked_by_id": None,
            }
        )

    def _finish_case(
        self,
        case: dict,
        triage: _Triage,
        first_day_away: date | None,
        last_activity: datetime,
        has_open_items: bool,
    ) -> None:
        # A report's case has none of these until triage opens it.
        case.update(
            status=CaseStatus.INTAKE,
            leave_start=None,
            expected_rtw=None,
            actual_rtw=None,
            transitional_duty_start=None,
            transitional_duty_end=None,
            eligibility_notice_due=None,
            eligibility_notice_given_on=None,
            closure_summary=None,
            closed_at=None,
            actual_rtw_duty=None,
            outcome=None,
            closed_on=None,
            last_contact_at=None,
        )
        if triage.declined:
            case.update(status=CaseStatus.CLOSED, closed_at=triage.triaged_at, closure_summary=NOT_OPENED)
        elif triage.opened:
            self._open_case(case, triage, first_day_away, last_activity, has_open_items)
        self.rows[Case].append(case)

    def _open_case(
        self,
        case: dict,
        triage: _Triage,
        first_day_away: date | None,
        last_activity: datetime,
        has_open_items: bool,
    ) -> None:
        """A case as triage opened it, and where it has got to since."""
        rng, today, settings = self.rng, self.now.date(), self.settings
        quiet_days = (self.now - last_activity).days
        status, closed_at, actual_rtw, summary = CaseStatus.OPEN, None, None, None
        if not has_open_items and quiet_days > 60:
            actual_rtw = min(last_activity.date() + timedelta(days=rng.randrange(1, 30)), today)
            status = rng.choice([CaseStatus.CLOSED, CaseStatus.CLOSED, CaseStatus.RETURNED_TO_WORK])
            if status == CaseStatus.CLOSED:
                closed_at = min(last_activity + timedelta(days=rng.randrange(30, 60)), self.now)
                summary = f"Returned to full duty on {actual_rtw:%-d %B %Y}; no further restrictions."
        elif case["case_type"] != CaseType.ACCOMMODATION and rng.random() < 0.2:
            status = CaseStatus.TRANSITIONAL_DUTY
        leave_start = first_day_away  # as intake.triage sets it when the case manager gives no other
        duty_start = today - timedelta(days=rng.randrange(1, 30)) if status == CaseStatus.TRANSITIONAL_DUTY else None
        notice_due = notice_given = None
        if case["case_type"] == CaseType.LEAVE:
            requested = deadlines.local_date(triage.reported_at, settings)
            notice_due = deadlines.add_business_days(requested, settings.eligibility_notice_business_days, settings)
            # Most notices go out by their day, a few late; the newest cases' are still to give.
            opened_on = deadlines.local_date(triage.triaged_at, settings)
            late = rng.random() < LATE_NOTICE_SHARE
            notice_given = (
                notice_due + timedelta(days=rng.randrange(1, 8))
                if late
                else opened_on + timedelta(days=rng.randrange(0, max(1, (notice_due - opened_on).days + 1)))
            )
            if notice_given > today:
                notice_given = None
        case.update(
            status=status,
            leave_start=leave_start,
            expected_rtw=leave_start + timedelta(days=rng.randrange(14, 120)) if leave_start is not None else None,
            actual_rtw=actual_rtw,
            transitional_duty_start=duty_start,
            transitional_duty_end=duty_start + timedelta(days=60) if duty_start else None,
            eligibility_notice_due=notice_due,
            eligibility_notice_given_on=notice_given,
            closure_summary=summary,
            closed_at=closed_at,
            actual_rtw_duty=ReturnDuty.FULL_DUTY if actual_rtw else None,
            outcome=CaseOutcome.RETURNED_FULL_DUTY if closed_at else None,
            closed_on=closed_at.date() if closed_at else None,
            # Most cases' last activity was a contact with the employee; one in ten has had none since opening
            # (chosen by its id, so the random draws, and with them the rest of the program, stay as they were).
            last_contact_at=last_activity if case["id"] % 10 else None,
        )

    # --- the report a case starts from ----------------------------------------------------------

    def _triage(self, case_type: CaseType, reported_at: datetime, newest: bool) -> _Triage:
        """Who reports, and how long triage takes: a day or so, now and then a week."""
        rng = self.rng
        reporter = rng.choices(
            (Role.EMPLOYEE, Role.SUPERVISOR, Role.CASE_MANAGER), weights=REPORTER_WEIGHTS[case_type]
        )[0]
        days = min(rng.expovariate(1 / MEAN_DAYS_TO_TRIAGE) + 0.05, 10)
        # A case manager's own report is theirs from the moment they make it (intake.open_for claims it).
        claimed_at = (
            reported_at
            if reporter == Role.CASE_MANAGER
            else reported_at + timedelta(days=days * rng.uniform(0.05, 0.5))
        )
        triaged_at = reported_at + timedelta(days=days)
        waiting = newest or triaged_at > self.now
        declined = not waiting and rng.random() < DECLINED_REPORT_SHARE
        return _Triage(reporter, reported_at, claimed_at, triaged_at, waiting, declined)

    def _need(self, case_type: CaseType, reporter: Role) -> Need:
        """What the report says is needed: what leads triage to the case's track (Need.likely_tracks)."""
        if case_type == CaseType.ACCOMMODATION:
            return Need.ACCOMMODATION
        if case_type == CaseType.WORKERS_COMPENSATION:
            return Need.WORK_INJURY
        if reporter == Role.SUPERVISOR:
            return Need.ABSENCE
        return self.rng.choices(list(LEAVE_NEED_WEIGHTS), weights=list(LEAVE_NEED_WEIGHTS.values()))[0]

    def _first_day_away(self, need: Need, reported_at: datetime) -> date | None:
        """None for a change at work; else a day or so before the report for an injury, up to ten for the rest."""
        if need == Need.ACCOMMODATION:
            return None
        days_before = self.rng.randrange(0, 4 if need == Need.WORK_INJURY else 10)
        return deadlines.local_date(reported_at, self.settings) - timedelta(days=days_before)

    def _intake(self, case: dict, people: dict, triage: _Triage, need: Need, first_day_away: date | None) -> str:
        """The report, as intake.send_report, report_for_team or open_for writes it, and what triage made of it:
        a case opened (intake.triage) or not a case (declined, and its case closed)."""
        rng, settings = self.rng, self.settings
        triager = people["case_manager"] if rng.random() < 0.85 else rng.choice(people["managers"])
        sender = {Role.EMPLOYEE: people["employee"], Role.SUPERVISOR: people["supervisor"]}.get(
            triage.reporter, triager
        )
        submission_id = self._take_id(Submission)
        report = {
            "submission_id": submission_id,
            "need": need,
            "first_day_away": first_day_away,
            "at_work": None,  # a case manager's report does not say
            "contact_phone": None,
            "contact_email": None,
            "contact_note": None,
            "what_happened": None,
            "happened_at": None,
            "witnesses": None,
        }
        if triage.reporter == Role.EMPLOYEE:
            report.update(
                at_work=need == Need.WORK_INJURY,
                contact_phone=people["employee"]["phone"],
                contact_note=rng.choice(CONTACT_NOTES) if rng.random() < 0.3 else None,
            )
        elif triage.reporter == Role.SUPERVISOR and need == Need.WORK_INJURY:
            injured_on = first_day_away or deadlines.local_date(triage.reported_at, settings)
            on_shift = datetime.combine(
                injured_on, time(rng.randrange(6, 18), rng.randrange(60)), tzinfo=ZoneInfo(settings.timezone)
            )
            report.update(
                at_work=True,
                what_happened=rng.choice(INJURIES),
                happened_at=min(on_shift, triage.reported_at - timedelta(minutes=30)),
                witnesses=f"{self._name()} ({rng.choice(WITNESS_ROLES)})",
            )
        elif triage.reporter == Role.SUPERVISOR:
            report.update(at_work=False, what_happened=rng.choice(ABSENCES))
        self.rows[IntakeReport].append(report)

        if triage.waiting:
            status = S.NEW if self.now < triage.claimed_at else S.IN_REVIEW
        else:
            status = S.DECLINED if triage.declined else S.ACCEPTED
        assignee = None if status == S.NEW else triager["id"]
        events: list[_Event] = [("submit", sender["id"], triage.reported_at, None, S.NEW, None)]
        if status != S.NEW:
            events.append(("claim", assignee, triage.claimed_at, S.NEW, S.IN_REVIEW, None))
        if status == S.DECLINED:
            events.append(
                ("decline", assignee, triage.triaged_at, S.IN_REVIEW, S.DECLINED, rng.choice(DECLINED_REPORTS))
            )
        elif status == S.ACCEPTED:
            opened = f"{CaseType(case['case_type']).label}: opened {case['number']}"
            events.append(("accept", assignee, triage.triaged_at, S.IN_REVIEW, S.ACCEPTED, None))
            events.append(("triaged", assignee, triage.triaged_at, None, None, opened))
        due_at = deadlines.triage_due(triage.reported_at, settings) if status in OPEN_STATUSES else None
        item = _Item(f"New report: {need.label.lower()}")
        self._record(K.INTAKE_REPORT, submission_id, case, sender, status, assignee, item, due_at, events)
        return status

    # --- inbox items ----------------------------------------------------------------------------

    def _timeline(self, kind: SubmissionKind, submitted_at: datetime) -> _Timeline:
        rng = self.rng
        days = min(rng.expovariate(1 / MEAN_DAYS_TO_DECIDE[kind]) + 0.1, 60)
        claimed = submitted_at + timedelta(days=days * rng.uniform(0.05, 0.35))
        decided = submitted_at + timedelta(days=days)
        information = None
        if rng.random() < INFORMATION_ROUND_SHARE:
            work = decided - claimed
            information = (claimed + work * rng.uniform(0.05, 0.3), claimed + work * rng.uniform(0.5, 0.9))
        return _Timeline(submitted_at, claimed, decided, rng.random() < WITHDRAWN_SHARE, information)

    def _status(self, kind: SubmissionKind, timeline: _Timeline) -> SubmissionStatus:
        """Where the item stands now on its timeline."""
        now = self.now
        if now < timeline.claimed_at:
            return S.NEW
        if timeline.withdrawn:
            return S.WITHDRAWN
        if now >= timeline.decided_at:
            return S.DECLINED if self.rng.random() < DECLINED_SHARE[kind] else S.ACCEPTED
        if timeline.information and timeline.information[0] <= now < timeline.information[1]:
            return S.NEEDS_INFO
        return S.IN_REVIEW

    def _reference(self, kind: SubmissionKind) -> str:
        while True:
            code = "".join(self.rng.choices(REFERENCE_ALPHABET, k=8))
            reference = f"{REFERENCE_PREFIX[kind]}-{code[:4]}-{code[4:]}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _submission(self, case: dict, people: dict, submitted_at: datetime) -> str:
        rng, now, settings = self.rng, self.now, self.settings
        kind_weights = KIND_WEIGHTS[case["case_type"]]
        kind = rng.choices(list(kind_weights), weights=list(kind_weights.values()))[0]
        timeline = self._timeline(kind, submitted_at)
        status = self._status(kind, timeline)
        backlogged = self._behind(status)
        if backlogged:
            status = S.NEW if rng.random() < BACKLOG_UNCLAIMED_SHARE else S.IN_REVIEW
        sender = (
            people["supervisor"]
            if kind == K.DUTY_OFFER
            else (people["clinician"] if kind == K.RESTRICTION_REPORT else people["employee"])
        )
        submission_id = self._take_id(Submission)
        assignee = None
        if status not in (S.NEW, S.WITHDRAWN):
            assignee = case["case_manager_id"] if rng.random() < 0.85 else rng.choice(people["managers"])["id"]
        detail = {
            K.DOCUMENT: self._document,
            K.RESTRICTION_REPORT: self._report,
            K.DUTY_OFFER: self._offer,
            K.ACCOMMODATION_REQUEST: self._accommodation,
        }[kind]
        item = detail(case, people, submission_id, status, timeline)

        events: list[_Event] = [("submit", sender["id"], submitted_at, None, S.NEW, item.note)]
        if status == S.WITHDRAWN:
            events.append(("withdraw", sender["id"], timeline.claimed_at, S.NEW, S.WITHDRAWN, None))
        elif status != S.NEW:
            events.append(("claim", assignee, timeline.claimed_at, S.NEW, S.IN_REVIEW, None))
        information_due = self._information_round(case, submission_id, status, timeline, assignee, sender, events)
        if status in (S.ACCEPTED, S.DECLINED):
            action = item.decided_as or ("accept" if status == S.ACCEPTED else "decline")
            events.append((action, assignee, timeline.decided_at, S.IN_REVIEW, status, item.decision))

        due_at = None  # decided and withdrawn items are due for nothing
        if status == S.NEW:
            due_at = self._arrival_due(kind, submitted_at)
        elif status == S.NEEDS_INFO:
            due_at = information_due
        elif status == S.IN_REVIEW:
            information = timeline.information
            # An answer puts the item back for triage (documents.provide_information); else the arrival deadline holds.
            due_at = (
                deadlines.triage_due(information[1], settings)
                if information is not None and information[1] <= now
                else self._arrival_due(kind, submitted_at)
            )
        if backlogged:
            today = deadlines.local_date(now, settings)
            due_at = deadlines.end_of_day(today + timedelta(days=rng.randrange(*BACKLOG_DUE_DAYS)), settings)

        self._record(kind, submission_id, case, sender, status, assignee, item, due_at, events)
        return status

    def _behind(self, status: SubmissionStatus) -> bool:
        """Whether an item that would have been decided is still open, to keep the backlog at its share so far (the
        backlog spreads over the whole history, as work falls behind over years)."""
        if self.open_share is None or status not in (S.ACCEPTED, S.DECLINED):
            return False
        return self.summary.open_items < self.open_share * (self.summary.submissions + 1)

    def _record(
        self,
        kind: SubmissionKind,
        submission_id: int,
        case: dict,
        sender: dict,
        status: SubmissionStatus,
        assignee: int | None,
        item: _Item,
        due_at: datetime | None,
        events: list[_Event],
    ) -> None:
        """The item's inbox row and its history, as the lifecycle leaves them; the first event is its arrival."""
        self.rows[Submission].append(
            {
                "id": submission_id,
                "reference": self._reference(kind),
                "kind": kind,
                "case_id": case["id"],
                "submitted_by_id": sender["id"],
                "submitted_at": events[0][2],
                "status": status,
                "is_open": status in OPEN_STATUSES,
                "assignee_id": assignee,
                "priority": item.priority,
                "due_at": due_at,
                "priority_at": deadlines.priority_at(kind, item.priority, due_at),
                "triaged_at": next(
                    (at for _, _, at, before, after, _ in events if lifecycle.takes_up(before, after)), None
                ),
                "summary": item.summary,
                "updated_at": events[-1][2],
                "version": 1,
            }
        )
        self.rows[SubmissionEvent].extend(
            {
                "submission_id": submission_id,
                "actor_id": actor,
                "at": at,
                "action": action,
                "from_status": before,
                "to_status": after,
                "message": message,
            }
            for action, actor, at, before, after, message in events
        )
        self.summary.kinds[kind] += 1
        self.summary.statuses[status] += 1
        if due_at is not None:
            self.summary.due[deadlines.due_state(due_at, self.now, self.settings)] += 1

    def _arrival_due(self, kind: SubmissionKind, submitted_at: datetime) -> datetime:
        """The deadline an item arrives with: an accommodation decision, or else triage."""
        if kind == K.ACCOMMODATION_REQUEST:
            return deadlines.end_of_day(
                deadlines.accommodation_decision_due(submitted_at, self.settings), self.settings
            )
        return deadlines.triage_due(submitted_at, self.settings)

    def _information_round(
        self,
        case: dict,
        submission_id: int,
        status: str,
        timeline: _Timeline,
        assignee: int | None,
        sender: dict,
        events: list,
    ) -> datetime | None:
        """The request for more information the item went through, if it did and has got that far; its due time."""
        if timeline.information is None or status in (S.NEW, S.WITHDRAWN):
            return None
        asked, answered = timeline.information
        if asked > self.now:
            return None
        due_at = deadlines.end_of_day(
            deadlines.information_due_date(asked, self.settings, incomplete_certification=self.rng.random() < 0.2),
            self.settings,
        )
        question = self.rng.choice(INFORMATION_QUESTIONS)
        events.append(("request_information", assignee, asked, S.IN_REVIEW, S.NEEDS_INFO, question))
        closed_at = answered if answered <= self.now else None
        if closed_at:
            events.append(
                (
                    "provide_information",
                    sender["id"],
                    answered,
                    S.NEEDS_INFO,
                    S.IN_REVIEW,
                    self.rng.choice(INFORMATION_ANSWERS),
                )
            )
        self.rows[InformationRequest].append(
            {
                "case_id": case["id"],
                "submission_id": submission_id,
                "document_type": None,
                "message": question,
                "due_at": due_at,
                "requested_by_id": assignee,
                "requested_at": asked,
                "closed_at": closed_at,
                "answered_by_id": None,
            }
        )
        return due_at

    # Each kind's details, as its service writes them.

    def _document(self, case: dict, people: dict, submission_id: int, status: str, timeline: _Timeline) -> _Item:
        rng = self.rng
        weights = DOCUMENT_WEIGHTS[case["case_type"]]
        document_type = rng.choices(list(weights), weights=list(weights.values()))[0]
        description = rng.choice(OTHER_DOCUMENTS) if document_type == DocumentType.OTHER else None
        note = rng.choice(DOCUMENT_NOTES) if rng.random() < 0.4 else None
        self.rows[DocumentSubmission].append(
            {"submission_id": submission_id, "document_type": document_type, "description": description, "note": note}
        )
        count = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
        stem = (description or document_type.value).lower().replace(" ", "-").replace("_", "-")
        for n in range(1, count + 1):
            self.files.append(
                {
                    "original_name": f"{stem}{f'-{n}' if count > 1 else ''}.pdf",
                    "case_id": case["id"],
                    "submission_id": submission_id,
                    "uploaded_by_id": people["employee"]["id"],
                    "uploaded_at": timeline.submitted_at,
                    "is_medical": True,
                }
            )
        label = f"{DocumentType.OTHER.label}: {description}" if description else document_type.label
        return _Item(
            f"{label} ({count} file{'s' if count != 1 else ''})",
            note=note,
            decision=rng.choice(DECLINE_REASONS) if status == S.DECLINED else None,
        )

    def _report(self, case: dict, people: dict, submission_id: int, status: str, timeline: _Timeline) -> _Item:
        rng = self.rng
        work_status = rng.choices(list(WorkStatus), weights=(20, 55, 25))[0]
        visit = deadlines.local_date(timeline.submitted_at, self.settings) - timedelta(days=rng.randrange(0, 4))
        restricted = work_status != WorkStatus.FULL_DUTY
        expected_until = visit + timedelta(days=rng.randrange(14, 61)) if restricted else None
        self.rows[RestrictionReport].append(
            {
                "submission_id": submission_id,
                "visit_date": visit,
                "work_status": work_status,
                "effective_from": visit,
                "expected_until": expected_until,
                "next_visit": visit + timedelta(days=rng.randrange(14, 43))
                if restricted or rng.random() < 0.5
                else None,
                "estimated_full_duty": expected_until + timedelta(days=rng.randrange(0, 31))
                if expected_until and rng.random() < 0.5
                else None,
                "other_restrictions": rng.choice(OTHER_RESTRICTIONS) if restricted and rng.random() < 0.2 else None,
                "diagnoses": [
                    {"code": code, "description": text} for code, text in rng.sample(DIAGNOSES, rng.randint(1, 2))
                ],
                "attested_name": people["clinician"]["name"],
                "licence_number": people["licence"],
                "attested_at": timeline.submitted_at,
                "signed_form_id": None,
                "accepted_at": timeline.decided_at if status == S.ACCEPTED else None,
            }
        )
        if work_status == WorkStatus.MODIFIED_DUTY:
            for dimension in rng.sample(restrictions.DIMENSIONS, rng.randint(2, 5)):
                self.rows[Restriction].append(
                    {"report_id": submission_id, "dimension": dimension.key, **self._limit(dimension, restricting=True)}
                )
        return _Item(
            f"Work status: {work_status.label}",
            restrictions.priority(work_status),
            decision="This report is for another patient; please send it again for the right one."
            if status == S.DECLINED
            else None,
        )

    def _limit(self, dimension: restrictions.Dimension, restricting: bool) -> dict:
        """A value on the dimension's scale: a restriction (what the employee may do) or a demand (what the job
        asks)."""
        rng = self.rng
        pounds = frequency = hours = allowed = None
        if dimension.kind == restrictions.WEIGHT:
            pounds = rng.choice((5, 10, 15, 20, 25, 35, 50))
            frequency = rng.choice(("occasionally", "frequently"))
        elif dimension.kind == restrictions.HOURS:
            hours = float(rng.choice((2, 4, 6)))
        elif dimension.kind == restrictions.POSTURE:
            frequency = rng.choice(("never", "occasionally") if restricting else ("occasionally", "frequently"))
        else:
            allowed = not restricting
        return {"pounds": pounds, "frequency": frequency, "hours": hours, "allowed": allowed}

    def _offer(self, case: dict, people: dict, submission_id: int, status: str, timeline: _Timeline) -> _Item:
        rng, supervisor = self.rng, people["supervisor"]
        job_title, tasks = rng.choice(JOBS)
        sent_on = deadlines.local_date(timeline.submitted_at, self.settings)
        start = sent_on + timedelta(days=rng.randrange(3, 11))
        answer_by = max(start - timedelta(days=rng.randrange(1, 3)), sent_on)
        fit_summary = rng.choices(FIT_SUMMARIES, weights=(50, 25, 15, 10))[0]
        forwarded = timeline.decided_at if status == S.ACCEPTED else None
        answer = answered_at = reason = None
        if forwarded and answer_by < self.now.date():
            answer = rng.choices(("accepted", "declined"), weights=(80, 20))[0]
            answered_at = min(forwarded + timedelta(days=rng.uniform(0.2, 3)), self.now)
            reason = "The hours clash with my physical therapy." if answer == "declined" else None
        pay_unchanged = rng.random() < 0.85
        self.rows[DutyOffer].append(
            {
                "submission_id": submission_id,
                "job_title": job_title,
                "tasks": tasks,
                "hours_per_day": float(rng.choice((4, 6, 8))),
                "days": rng.choice(("Monday to Friday", "Monday to Thursday")),
                "location": f"{supervisor['department']}, building {rng.randint(1, 6)}",
                "pay_unchanged": pay_unchanged,
                "pay_rate": None if pay_unchanged else "$19.50 an hour",
                "start_date": start,
                "end_date": start + timedelta(days=rng.randrange(14, 90)),
                "answer_by": answer_by,
                "contact_name": supervisor["name"],
                "contact_phone": supervisor["phone"],
                "fit_summary": fit_summary,
                "fit_changed_at": None,
                "forwarded_at": forwarded,
                "employee_answer": answer,
                "answer_reason": reason,
                "answered_at": answered_at,
            }
        )
        for dimension in rng.sample(restrictions.DIMENSIONS, rng.randint(2, 4)):
            self.rows[Demand].append(
                {
                    "offer_id": submission_id,
                    "availability_id": None,
                    "dimension": dimension.key,
                    **self._limit(dimension, restricting=False),
                }
            )
        return _Item(
            f"Transitional duty offer: {job_title}",
            priority=offers.CONFLICTING if "conflict" in fit_summary else 0,
            decision="The employee's clinician has said they may not work yet." if status == S.DECLINED else None,
        )

    def _accommodation(self, case: dict, people: dict, submission_id: int, status: str, timeline: _Timeline) -> _Item:
        rng, settings = self.rng, self.settings
        categories = rng.sample(list(HelpCategory), rng.choice((1, 1, 2)))
        sent_on = deadlines.local_date(timeline.submitted_at, settings)
        temporary = rng.random() < 0.4
        needed_from = sent_on + timedelta(days=rng.randrange(0, 15)) if temporary else None
        contact = rng.choice(("email", "phone", "either"))
        row = {
            "submission_id": submission_id,
            "difficulty": rng.choice(DIFFICULTIES),
            "tasks_affected": rng.choice(TASKS_AFFECTED),
            "help": [
                {"category": category.value, "description": HELP_DESCRIPTIONS[category]} for category in categories
            ],
            "temporary": temporary,
            "needed_from": needed_from,
            "needed_until": needed_from + timedelta(days=rng.randrange(30, 181)) if needed_from is not None else None,
            "contact_preference": contact,
            "contact_phone": people["employee"]["phone"] if contact != "email" else None,
            "decision_due": deadlines.accommodation_decision_due(timeline.submitted_at, settings),
            "decision": None,
            "decision_what": None,
            "decision_why": None,
            "denial_reason": None,
            "granted_from": None,
            "granted_until": None,
            "review_date": None,
            "decided_at": None,
            "alternative_accepted_at": None,
            "reconsideration_reason": None,
        }
        message = decided_as = None
        if status in (S.ACCEPTED, S.DECLINED):
            decided_on = deadlines.local_date(timeline.decided_at, settings)
            what = HELP_DESCRIPTIONS[categories[0]]
            if status == S.DECLINED:
                reason = rng.choice(list(DenialReason))
                decision = Decision.DENIED
                row.update(decision=decision, decision_why=DENIAL_EXPLANATIONS[reason], denial_reason=reason)
                message = f"{reason.label}: {DENIAL_EXPLANATIONS[reason]}"
            elif rng.random() < 0.8:
                decision = Decision.GRANTED
                row.update(
                    decision=decision,
                    decision_what=what,
                    granted_from=decided_on,
                    granted_until=row["needed_until"],
                    review_date=decided_on + timedelta(days=180),
                )
                message = what
            else:
                decision, message = Decision.ALTERNATIVE, "A fixed later shift in another team."
                row.update(
                    decision=decision,
                    decision_what=message,
                    decision_why="The team cannot cover the early start, but the late shift can.",
                    granted_from=decided_on + timedelta(days=7),
                )
            row["decided_at"] = timeline.decided_at
            decided_as = decision.recorded_as
        self.rows[AccommodationRequest].append(row)
        summary = "Accommodation: " + ", ".join(category.label.lower() for category in categories)
        return _Item(summary, decision=message, decided_as=decided_as)

    # --- into the database ----------------------------------------------------------------------

    def insert(self) -> None:
        """Every row but the files, parents before children, in batches."""
        for model, rows in self.rows.items():
            for start in range(0, len(rows), BATCH):
                self.session.execute(insert(_table(model)), rows[start : start + BATCH])
        # The roster's job titles are jobs with nothing recorded, as a roster load leaves them.
        jobs.add_jobs(self.session, {person["job_title"] for person in self.rows[RosterPerson]})
        if self.session.get_bind().dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; the next row the portal adds must not collide.
            for model in self.next_id:
                table = _table(model)
                self.session.execute(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(table.name, "id"),
                            select(func.max(table.c.id)).scalar_subquery(),
                        )
                    )
                )

    def attach_files(self, upload_folder: str, max_bytes: int) -> None:
        """One real PDF, stored once through the storage service for the first document; every
        other document's file rows name the same content-addressed blob. Commits everything."""
        if not self.files:
            self.session.commit()
            return
        first, *others = self.files
        with storage.saving(self.session):
            stored = storage.store_upload(
                self.session,
                io.BytesIO(demo.one_page_pdf("Sample document for the scale test")),
                first["original_name"],
                case=self.session.get(Case, first["case_id"]),
                uploaded_by=self.session.get(User, first["uploaded_by_id"]),
                upload_folder=upload_folder,
                max_bytes=max_bytes,
                submission=self.session.get(Submission, first["submission_id"]),
            )
            stored.uploaded_at = first["uploaded_at"]
            blob = {
                "storage_key": stored.storage_key,
                "size": stored.size,
                "sha256": stored.sha256,
                "content_type": stored.content_type,
            }
            rows = [{**row, **blob} for row in others]
            for start in range(0, len(rows), BATCH):
                self.session.execute(insert(_table(StoredFile)), rows[start : start + BATCH])
