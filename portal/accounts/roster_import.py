"""Loading the employer's roster from a CSV: read and check every row, show what would change, and write
all of it, or none, once an admin confirms.

The file is the whole roster: someone it leaves out is marked "not in the latest roster", never deleted,
and loading the same file again changes nothing. A supervisor who has no portal account yet is invited,
since they now have someone to report for, and a job title new to the portal becomes a job for an admin to
record.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import joinedload

from portal.accounts import jobs
from portal.accounts import operations as accounts
from portal.accounts.models import (
    Role,
    RosterChange,
    RosterImport,
    RosterNameWord,
    RosterPerson,
    User,
    name_words,
)
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.settings import AccountSettings

# The columns of a roster file, in the words its header uses. Each header is matched loosely (case, spaces,
# underscores and punctuation do not matter), by its key or its label.
COLUMNS = {
    "employee_number": "Employee number",
    "name": "Name",
    "work_email": "Work email",
    "job_title": "Job title",
    "department": "Department",
    "location": "Location",
    "supervisor": "Supervisor",
    "hire_date": "Hire date",
    "hours_last_12_months": "Hours worked in the last 12 months",
}
# The fields a person's record holds, as the preview and their history name them.
FIELD_LABELS = {key: label for key, label in COLUMNS.items() if key != "employee_number"}
MAX_FILE_BYTES = 20 * 1024 * 1024
# A year has at most 8,784 hours.
MAX_HOURS = Decimal(8784)
SHOWN = 100  # rows of each list a preview shows; the counts are always whole
LOADED_ALREADY = "This roster file was loaded already. Load the file again to see what it would change now."


@dataclass(frozen=True)
class RosterRow:
    """One person as the file gives them, checked."""

    line: int
    employee_number: str
    name: str
    work_email: str
    job_title: str
    department: str | None
    location: str | None
    supervisor: str | None  # the supervisor's employee number, resolved from a number or an email
    hire_date: date
    hours_last_12_months: Decimal


@dataclass(frozen=True)
class RowProblem:
    line: int
    employee_number: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]


@dataclass(frozen=True)
class PersonChange:
    row: RosterRow
    person_id: int
    changes: tuple[FieldChange, ...]


@dataclass
class Preview:
    """What loading a roster file would do; ``problems`` stop it, and ``digest`` names exactly this plan."""

    file_problems: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    added: list[RosterRow] = field(default_factory=list)
    changed: list[PersonChange] = field(default_factory=list)
    left_out: list[RosterPerson] = field(default_factory=list)
    new_jobs: list[str] = field(default_factory=list)  # the job titles that are no job yet
    unchanged: int = 0
    rows: int = 0

    @property
    def can_apply(self) -> bool:
        return not self.file_problems and not self.problems

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.left_out)

    @property
    def digest(self) -> str:
        """A fingerprint of the plan: confirming applies it only if the roster still gives this same plan."""
        plan = hashlib.sha256()
        for row in self.added:
            plan.update(f"+{row}\n".encode())
        for change in self.changed:
            plan.update(f"~{change.person_id}{change.changes}\n".encode())
        for person in self.left_out:
            plan.update(f"-{person.id}\n".encode())
        return plan.hexdigest()


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (header or "").strip().lower()).strip("_")


def decode(content: bytes, what: str = "the roster's CSV file") -> str:
    """The file as text, or InvalidInput saying what is wrong with it as ``what`` (a jobs file is read alike)."""
    if not content.strip():
        raise InvalidInput(f"The file is empty. Choose {what}.", field="file")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("The file is larger than 20 MB; a roster CSV of 100,000 people is smaller.", field="file")
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput(
            "This is a spreadsheet workbook, not a CSV file. In your spreadsheet, use Save As and choose "
            "“CSV UTF-8 (comma delimited)”, then load that file.",
            field="file",
        )
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(f"This is not a CSV file: it holds binary data. Choose {what}.", field="file")
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"The file is not in UTF-8 (the first character it cannot read is on line {line}). In your "
            "spreadsheet, use Save As and choose “CSV UTF-8 (comma delimited)”, then load that file.",
            field="file",
        ) from None


def read(
    text: str, columns: dict[str, str] = COLUMNS, rows_are: str = "people"
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The file's problems as a whole (its ``columns``, labels by key), and each data row with its line number, by
    column key."""
    header_keys = {_header_key(key): key for key in columns} | {
        _header_key(label): key for key, label in columns.items()
    }
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return ["The file has no header row. Its first line must name the columns."], []
    keys = [header_keys.get(_header_key(name)) for name in header]
    problems = []
    unknown = [name for name, key in zip(header, keys, strict=True) if key is None and name.strip()]
    if unknown:
        problems.append(
            "Unknown columns: "
            + ", ".join(f"“{name}”" for name in unknown)
            + ". The columns are: "
            + ", ".join(columns.values())
            + "."
        )
    missing = [columns[key] for key in columns if key not in keys]
    if missing:
        problems.append("Missing columns: " + ", ".join(missing) + ".")
    repeated = sorted({columns[key] for key in keys if key is not None and keys.count(key) > 1})
    if repeated:
        problems.append("Columns named twice: " + ", ".join(repeated) + ".")
    if problems:
        return problems, []
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(keys):
                extra = {"": ",".join(values[len(keys) :])}
            else:
                extra = {}
            row = {key: (values[index].strip() if index < len(values) else "") for index, key in enumerate(keys) if key}
            rows.append((reader.line_num, row | extra))
    except csv.Error as error:
        return [f"Line {reader.line_num} cannot be read as CSV: {error}. Check its quotes."], []
    if not rows:
        return [f"The file has a header row but no {rows_are}."], []
    return [], rows


def _date(text: str) -> date:
    """A hire date as ISO (2024-03-01) or as US spreadsheets write it (3/1/2024)."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def check_rows(rows: list[tuple[int, dict[str, str]]], today: date) -> tuple[list[RosterRow], list[RowProblem]]:
    """Every row checked on its own and against the others: duplicates, supervisors, reporting lines."""
    numbers: dict[str, int] = {}
    emails: dict[str, str] = {}
    for line, values in rows:
        numbers.setdefault(values.get("employee_number", ""), line)
        email = values.get("work_email", "").lower()
        if email:
            emails.setdefault(email, values.get("employee_number", ""))
    repeated_numbers = _repeated(values.get("employee_number", "") for _, values in rows)
    repeated_emails = _repeated(values.get("work_email", "").lower() for _, values in rows)
    good, problems = [], []
    for line, values in rows:
        messages = []
        number = values["employee_number"]
        if "" in values:
            messages.append("It has more cells than the header has columns. Check for a comma inside a name.")
        if not number:
            messages.append("Enter the employee number.")
        elif len(number) > 40:
            messages.append("The employee number is longer than 40 characters.")
        elif number in repeated_numbers:
            messages.append(f"Employee number {number} is on more than one row (first on line {numbers[number]}).")
        if not values["name"]:
            messages.append("Enter the name.")
        if not values["job_title"]:
            messages.append("Enter the job title.")
        email = ""
        try:
            email = accounts.valid_email(values["work_email"])
        except InvalidInput:
            messages.append(
                "Enter the work email, like name@example.com."
                if not values["work_email"]
                else f"“{values['work_email']}” is not an email address."
            )
        if email and email in repeated_emails:
            messages.append(f"The work email {email} is on more than one row.")
        supervisor = values["supervisor"]
        supervisor_number = None
        if supervisor:
            supervisor_number = supervisor if supervisor in numbers else emails.get(supervisor.lower())
            if supervisor_number is None:
                messages.append(f"The supervisor “{supervisor}” is not in this roster (by employee number or email).")
            elif supervisor_number == number:
                messages.append("A person cannot be their own supervisor.")
        hire_date = None
        try:
            hire_date = _date(values["hire_date"])
            if hire_date > today:
                messages.append("The hire date is in the future.")
        except ValueError:
            messages.append(
                "Enter the hire date, like 2024-03-01 or 3/1/2024."
                if not values["hire_date"]
                else f"“{values['hire_date']}” is not a date. Write it like 2024-03-01 or 3/1/2024."
            )
        hours = None
        try:
            hours = Decimal(values["hours_last_12_months"].replace(",", ""))
            if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
                messages.append("The hours worked in the last 12 months must be between 0 and 8,784.")
        except InvalidOperation:
            messages.append(
                "Enter the hours worked in the last 12 months, like 1600 or 1250.5."
                if not values["hours_last_12_months"]
                else f"“{values['hours_last_12_months']}” is not a number of hours."
            )
        for key in ("name", "job_title", "department", "location"):
            if len(values[key]) > 200:
                messages.append(f"The {COLUMNS[key].lower()} is longer than 200 characters.")
        if messages:
            problems.append(RowProblem(line, number, tuple(messages)))
            continue
        assert hire_date is not None and hours is not None
        good.append(
            RosterRow(
                line=line,
                employee_number=number,
                name=values["name"],
                work_email=email,
                job_title=values["job_title"],
                department=values["department"] or None,
                location=values["location"] or None,
                supervisor=supervisor_number,
                hire_date=hire_date,
                hours_last_12_months=hours.quantize(Decimal("0.01")),
            )
        )
    problems.extend(_loops(good))
    looping = {problem.line for problem in problems}
    return [row for row in good if row.line not in looping], sorted(problems, key=lambda problem: problem.line)


def _repeated(values: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    repeated = set()
    for value in values:
        if value and value in seen:
            repeated.add(value)
        seen.add(value)
    return repeated


def _loops(rows: list[RosterRow]) -> list[RowProblem]:
    """Rows whose reporting line comes back to itself (A reports to B, B to A): nobody would be at the top."""
    supervisor_of = {row.employee_number: row.supervisor for row in rows}
    state: dict[str, str] = {}  # "walking" while on the current path, "done" once known to reach the top
    in_loop: dict[str, list[str]] = {}
    for start in supervisor_of:
        path: list[str] = []
        number: str | None = start
        while number is not None and state.get(number) is None and number in supervisor_of:
            state[number] = "walking"
            path.append(number)
            number = supervisor_of[number]
        if number is not None and state.get(number) == "walking":
            loop = path[path.index(number) :]
            for member in loop:
                in_loop[member] = loop
        for member in path:
            state[member] = "done"
    return [
        RowProblem(
            row.line,
            row.employee_number,
            (
                "The reporting line loops: "
                + " reports to ".join(in_loop[row.employee_number] + [in_loop[row.employee_number][0]])
                + ". Someone in it must report to a person outside it, or to no one.",
            ),
        )
        for row in rows
        if row.employee_number in in_loop
    ]


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _record_of(person: RosterPerson, numbers_by_id: dict[int, str]) -> dict[str, str | None]:
    return {
        "name": person.name,
        "work_email": person.work_email,
        "job_title": person.job_title,
        "department": person.department,
        "location": person.location,
        "supervisor": numbers_by_id.get(person.supervisor_id) if person.supervisor_id else None,
        "hire_date": _as_text(person.hire_date),
        "hours_last_12_months": _as_text(person.hours_last_12_months),
    }


def _record_from(row: RosterRow) -> dict[str, str | None]:
    return {key: _as_text(getattr(row, key)) for key in FIELD_LABELS}


def preview(session, content: str, today: date) -> Preview:
    """What loading ``content`` would do to the roster as it is now, without writing anything."""
    result = Preview()
    result.file_problems, rows = read(content)
    if result.file_problems:
        return result
    result.rows = len(rows)
    good, result.problems = check_rows(rows, today)
    people = session.scalars(select(RosterPerson)).all()
    by_number = {person.employee_number: person for person in people}
    numbers_by_id = {person.id: person.employee_number for person in people}
    by_email = {person.work_email: person for person in people}
    in_file = {values["employee_number"] for _, values in rows}
    for row in good:
        person = by_number.get(row.employee_number)
        holder = by_email.get(row.work_email)
        if holder is not None and holder.employee_number != row.employee_number and holder.employee_number in in_file:
            # The address moves from one person to another within this file: allowed, both rows say so.
            holder = None
        if holder is not None and holder.employee_number != row.employee_number:
            result.problems.append(
                RowProblem(
                    row.line,
                    row.employee_number,
                    (
                        f"The work email {row.work_email} belongs to employee {holder.employee_number}, who is not "
                        "in this file.",
                    ),
                )
            )
            continue
        if person is None:
            result.added.append(row)
            continue
        old, new = _record_of(person, numbers_by_id), _record_from(row)
        changes = tuple(FieldChange(key, old[key], new[key]) for key in FIELD_LABELS if old[key] != new[key])
        if changes or not person.in_latest_roster:
            result.changed.append(PersonChange(row, person.id, changes))
        else:
            result.unchanged += 1
    result.problems.sort(key=lambda problem: problem.line)
    result.new_jobs = jobs.unknown_titles(session, (row.job_title for row in good))
    result.left_out = sorted(
        (person for person in people if person.in_latest_roster and person.employee_number not in in_file),
        key=lambda person: person.employee_number,
    )
    return result


def stage(session, admin: User | None, file_name: str, content: bytes, now: datetime | None = None) -> RosterImport:
    """Keep an uploaded roster file to preview; nothing on the roster changes until it is confirmed."""
    text = decode(content)
    staged = RosterImport(
        file_name=(file_name or "roster.csv")[:255],
        content=text,
        uploaded_by_id=admin.id if admin is not None else None,
        uploaded_at=now or utcnow(),
    )
    session.add(staged)
    session.commit()
    return staged


def recent_loads(session, limit: int = 10) -> list[RosterImport]:
    """The roster files loaded most recently, the ones confirmed with what they changed."""
    return list(
        session.scalars(
            select(RosterImport)
            .where(RosterImport.applied_at.is_not(None))
            .options(joinedload(RosterImport.uploaded_by))
            .order_by(RosterImport.applied_at.desc())
            .limit(limit)
        )
    )


def staged_import(session, import_id: int) -> RosterImport:
    staged = session.get(RosterImport, import_id)
    if staged is None:
        raise NotFound()
    return staged


def apply(
    session,
    admin: User | None,
    staged: RosterImport,
    digest: str,
    settings: AccountSettings,
    now: datetime | None = None,
) -> Preview:
    """Write the plan the admin saw, all of it in one transaction or none of it.

    Refused if the file has problems, if it was applied already, or if the roster changed since the preview
    so that the plan is no longer the one confirmed."""
    now = now or utcnow()
    if staged.applied_at is not None:
        raise Conflict(LOADED_ALREADY)
    plan = preview(session, staged.content, now.date())
    try:
        claim(
            session,
            staged,
            plan,
            digest,
            now,
            LOADED_ALREADY,
            "The roster changed since this preview. Check the new preview, then confirm it.",
        )
        _write(session, admin, staged, plan, settings, now)
    except Exception:
        session.rollback()
        raise
    session.commit()
    return plan


def claim(session, staged, plan, digest: str, now: datetime, loaded_already: str, changed_meanwhile: str) -> None:
    """Take a staged file (a roster's or jobs') for the confirmation of ``plan``, in the transaction that writes
    it: refused if the file has problems, if the plan is no longer the one the admin saw (``digest``), or if
    another confirmation took it first (of two at once, one writes, the other is told it was loaded already)."""
    if not plan.can_apply:
        raise InvalidInput("The file has problems. Fix them and load it again: nothing was changed.")
    if plan.digest != digest:
        raise Conflict(changed_meanwhile)
    loaded = type(staged)
    claimed = session.execute(
        update(loaded)
        .where(loaded.id == staged.id, loaded.applied_at.is_(None))
        .values(applied_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(loaded_already)


def _write(session, admin: User | None, staged: RosterImport, plan: Preview, settings: AccountSettings, now) -> None:
    source = f"Roster import of {staged.file_name}"
    actor_id = admin.id if admin is not None else None
    rows = plan.added + [change.row for change in plan.changed]
    if plan.added:
        session.execute(
            insert(RosterPerson),
            [
                {**_columns(row), "in_latest_roster": True, "updated_at": now, "supervisor_id": None}
                for row in plan.added
            ],
        )
    if plan.changed:
        session.execute(
            update(RosterPerson),
            [
                {"id": change.person_id, **_columns(change.row), "in_latest_roster": True, "updated_at": now}
                for change in plan.changed
            ],
        )
    ids = {number: id_ for number, id_ in session.execute(select(RosterPerson.employee_number, RosterPerson.id))}
    # Supervisors are set once everyone is in, so that a row may name someone further down the file.
    session.execute(
        update(RosterPerson),
        [
            {"id": ids[row.employee_number], "supervisor_id": ids[row.supervisor] if row.supervisor else None}
            for row in rows
        ],
    )
    if plan.left_out:
        session.execute(
            update(RosterPerson),
            [{"id": person.id, "in_latest_roster": False, "updated_at": now} for person in plan.left_out],
        )
    history = [
        {
            "person_id": ids[row.employee_number],
            "field": "added",
            "old_value": None,
            "new_value": row.name[:254],
            "changed_at": now,
            "changed_by_id": actor_id,
            "source": source,
        }
        for row in plan.added
    ]
    for change in plan.changed:
        for item in change.changes:
            history.append(
                {
                    "person_id": change.person_id,
                    "field": item.field,
                    "old_value": (item.old or "")[:254] or None,
                    "new_value": (item.new or "")[:254] or None,
                    "changed_at": now,
                    "changed_by_id": actor_id,
                    "source": source,
                }
            )
        if not change.changes:
            history.append(_roster_membership(change.person_id, True, now, actor_id, source))
    history.extend(_roster_membership(person.id, False, now, actor_id, source) for person in plan.left_out)
    if history:
        session.execute(insert(RosterChange), history)
    jobs.add_jobs(session, plan.new_jobs)
    _index_names(
        session,
        added={ids[row.employee_number]: row.name for row in plan.added},
        renamed={
            change.person_id: change.row.name
            for change in plan.changed
            if any(item.field == "name" for item in change.changes)
        },
    )
    _link_accounts(session, admin, plan, ids, settings, now)
    staged.added, staged.changed, staged.left_out = len(plan.added), len(plan.changed), len(plan.left_out)
    audit.record(
        session,
        actor=admin,
        action="roster_imported",
        object_type="roster_import",
        object_id=staged.id,
        detail=f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.left_out)} not in the roster",
    )


def _roster_membership(person_id: int, back: bool, now, actor_id, source: str) -> dict:
    return {
        "person_id": person_id,
        "field": "in_latest_roster",
        "old_value": "no" if back else "yes",
        "new_value": "yes" if back else "no",
        "changed_at": now,
        "changed_by_id": actor_id,
        "source": source,
    }


def _index_names(session, added: dict[int, str], renamed: dict[int, str]) -> None:
    """The words of the names of people added or renamed, which the people screens search by; a renamed
    person's old words go. In batches, as the people are written."""
    if renamed:
        # On the connection: the ORM runs no DELETE for many parameter sets.
        session.connection().execute(
            delete(RosterNameWord).where(RosterNameWord.person_id == bindparam("renamed_id")),
            [{"renamed_id": person_id} for person_id in renamed],
        )
    rows = [
        {"word": word, "person_id": person_id}
        for person_id, name in (added | renamed).items()
        for word in name_words(name)
    ]
    if rows:
        session.execute(insert(RosterNameWord), rows)


def _columns(row: RosterRow) -> dict:
    return {
        "employee_number": row.employee_number,
        "name": row.name,
        "work_email": row.work_email,
        "job_title": row.job_title,
        "department": row.department,
        "location": row.location,
        "hire_date": row.hire_date,
        "hours_last_12_months": row.hours_last_12_months,
    }


def _link_accounts(session, admin, plan: Preview, ids: dict[str, int], settings: AccountSettings, now) -> None:
    """Tie roster people to the accounts they already have (by work email), invite each supervisor who has
    none, and keep every account's supervisor and department as the roster says."""
    people = session.scalars(select(RosterPerson).where(RosterPerson.in_latest_roster.is_(True))).all()
    users = {user.email: user for user in session.scalars(select(User))}
    linked = set(session.scalars(select(RosterPerson.user_id).where(RosterPerson.user_id.is_not(None))))
    supervising = {person.supervisor_id for person in people if person.supervisor_id is not None}
    for person in people:
        if person.user_id is not None:
            continue
        user = users.get(person.work_email)
        if user is not None and user.id in linked:
            continue  # another roster person's account: never two people on one
        user = link_account(session, admin, person, user, person.id in supervising, settings, now)
        if user is not None:
            users[user.email] = user
            linked.add(user.id)
    by_user = {user.id: user for user in users.values()}
    user_of = {person.id: person.user_id for person in people}
    for person in people:
        user = by_user.get(person.user_id) if person.user_id else None
        if user is not None:
            follow_roster(user, person, user_of.get(person.supervisor_id) if person.supervisor_id else None)
    # Someone the roster no longer holds reports to nobody: their former supervisor stops seeing their cases.
    for person in plan.left_out:
        user = by_user.get(person.user_id) if person.user_id else None
        if user is not None:
            user.supervisor_id = None


def link_account(
    session,
    admin: User | None,
    person: RosterPerson,
    user: User | None,
    supervising: bool,
    settings: AccountSettings,
    now: datetime,
) -> User | None:
    """Tie ``person`` to ``user``, the account at their work email that no other roster person has (None if
    there is none). Without one, someone who supervises gets a supervisor's account and an invitation: they
    now have someone to report for. Their account, if they have one now."""
    if user is None and supervising:
        user = accounts.send_invitation(
            session,
            admin,
            person.work_email,
            person.name,
            Role.SUPERVISOR,
            settings,
            now,
            department=person.department,
        )
    if user is not None:
        person.user_id = user.id
    return user


def follow_roster(user: User, person: RosterPerson, supervisor_user_id: int | None) -> None:
    """Keep ``person``'s account as the roster says: their supervisor's account (``supervisor_user_id``) and
    their department."""
    if user.supervisor_id != supervisor_user_id:
        user.supervisor_id = supervisor_user_id
    if user.department != person.department:
        user.department = person.department
