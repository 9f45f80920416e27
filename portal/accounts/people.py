"""The roster's people, as admins find them, read their record and its history, and change where they work:
their supervisor, department, location and job. Never anything medical: a roster holds none."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import exists, func, select, union
from sqlalchemy.orm import aliased, joinedload

from portal.accounts import jobs, roster, roster_import
from portal.accounts.models import RosterChange, RosterPerson, User
from portal.accounts.roster_import import FIELD_LABELS, FieldChange
from portal.accounts.search import named_on_roster, starts_with
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.pagination import Page, paginate
from portal.settings import AccountSettings

CHANGED_BY_AN_ADMIN = "Changed by an admin"
# What an admin changes here. The rest (name, email, hire date, hours) is the employer's to correct, in its roster.
CHANGEABLE = ("supervisor", "department", "location", "job_title")
MAX_TEXT = 200  # the columns' length, as a roster file is held to


@dataclass(frozen=True)
class PersonRow:
    """One person in the list of people."""

    person: RosterPerson
    supervisor_name: str | None
    account: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a person's record, in words. ``old`` and ``new`` are None when there are none to show."""

    what: str
    old: str | None
    new: str | None
    changed_at: datetime
    source: str
    by: str


@dataclass(frozen=True)
class PersonRecord:
    """Everything the person's page shows. ``version`` is their latest change's id: every change to a record,
    a roster load's or an admin's, adds one to its history, so a form that carries it sees one made meanwhile."""

    person: RosterPerson
    reports: list[RosterPerson]
    account: str
    history: list[HistoryEntry]
    version: int


def account_state(user: User | None, invitation_pending: bool) -> str:
    """Whether someone on the roster has a portal account, in words: most need none until a case of theirs
    opens or someone reports to them."""
    if user is None:
        return "None"
    if not user.active:
        return "Deactivated"
    if user.password_hash:
        return "Active"
    return "Invited" if invitation_pending else "Not set up"


def people_page(
    session, page: int, per_page: int, term: str = "", left_out: bool = False, now: datetime | None = None
) -> Page:
    """The roster by name, as ``PersonRow``s: two queries for any page of any size of roster.

    With ``term``: those whose employee number or work email starts with it, or whose name has words starting
    with each of its words. With ``left_out``: only those the latest roster left out."""
    supervisor = aliased(RosterPerson)
    query = (
        select(RosterPerson, supervisor.name, User, roster.invitation_pending(now or utcnow()))
        .outerjoin(supervisor, RosterPerson.supervisor_id == supervisor.id)
        .outerjoin(User, RosterPerson.user_id == User.id)
        .order_by(RosterPerson.name, RosterPerson.id)
    )
    term = term.strip()
    if term:
        # A union of index ranges (the number's and the email's unique indexes, the name words' key): an OR of
        # them would have PostgreSQL read the whole roster.
        query = query.where(
            RosterPerson.id.in_(
                union(
                    select(RosterPerson.id).where(starts_with(RosterPerson.employee_number, term)),
                    select(RosterPerson.id).where(starts_with(RosterPerson.work_email, term.lower())),
                    named_on_roster(term),
                )
            )
        )
    if left_out:
        query = query.where(RosterPerson.in_latest_roster.is_(False))
    found = paginate(session, query, page, per_page)
    return replace(
        found,
        items=[
            PersonRow(person, supervisor_name, account_state(user, pending))
            for person, supervisor_name, user, pending in found.items
        ],
    )


def person(session, person_id: int) -> RosterPerson:
    found = session.get(RosterPerson, person_id)
    if found is None:
        raise NotFound()
    return found


def record(session, person: RosterPerson, now: datetime | None = None) -> PersonRecord:
    """The person's page: who reports to them, their account, and their history, the newest change first."""
    reports = session.scalars(
        select(RosterPerson).where(RosterPerson.supervisor_id == person.id).order_by(RosterPerson.name, RosterPerson.id)
    ).all()
    pending = (
        session.scalar(select(roster.invitation_pending(now or utcnow())).where(User.id == person.user_id))
        if person.user_id is not None
        else False
    )
    changes = session.scalars(
        select(RosterChange)
        .where(RosterChange.person_id == person.id)
        .options(joinedload(RosterChange.changed_by))
        .order_by(RosterChange.changed_at.desc(), RosterChange.id.desc())
    ).all()
    # The history names supervisors by employee number, as a roster file does: shown with their names.
    numbers = {
        value
        for change in changes
        if change.field == "supervisor"
        for value in (change.old_value, change.new_value)
        if value is not None
    }
    names = (
        dict(
            session.execute(
                select(RosterPerson.employee_number, RosterPerson.name).where(RosterPerson.employee_number.in_(numbers))
            ).all()
        )
        if numbers
        else {}
    )
    return PersonRecord(
        person=person,
        reports=list(reports),
        account=account_state(person.user, bool(pending)),
        history=[_entry(change, names) for change in changes],
        version=max((change.id for change in changes), default=0),
    )


def _entry(change: RosterChange, names: dict[str, str]) -> HistoryEntry:
    old = new = None
    if change.field == "added":
        what = "Added to the roster"
    elif change.field == "in_latest_roster":
        what = "Back in the latest roster" if change.new_value == "yes" else "Not in the latest roster"
    else:
        what = FIELD_LABELS[change.field]
        old, new = (_shown(change.field, value, names) for value in (change.old_value, change.new_value))
    return HistoryEntry(
        what=what,
        old=old,
        new=new,
        changed_at=change.changed_at,
        source=change.source,
        by=change.changed_by.name if change.changed_by else "A command on the server",
    )


def _shown(field: str, value: str | None, names: dict[str, str]) -> str:
    if value is None:
        return "(empty)"
    if field == "supervisor" and value in names:
        return f"{names[value]} ({value})"
    return value


def change_person(
    session,
    admin: User,
    person: RosterPerson,
    supervisor_ref: str | None,
    department: str | None,
    location: str | None,
    job_title: str | None,
    settings: AccountSettings,
    version: int | None = None,
    now: datetime | None = None,
) -> list[FieldChange]:
    """Change who ``person`` reports to (``supervisor_ref``, an employee number or work email; empty for no
    one), their department, location and job title, each change in their history. The changes made: none when
    everything is as it was.

    Refused, each problem by its field, when the supervisor is not on the latest roster, is the person, or
    reports to them (the reporting line would loop), or when the job title is missing; refused with Conflict
    when the record changed since the admin saw ``version``. The person's account follows, a new
    supervisor without one is given one, and a new job title becomes a job, as a roster load does.
    """
    now = now or utcnow()
    # Held until the commit: of two admins changing one person at once, the second is told of the first.
    session.refresh(person, with_for_update=True)
    if version is not None and version != _version(session, person):
        raise Conflict(
            f"{person.name}'s record changed while you were looking at it: its history below says how. "
            "Check what you want to change, then save again."
        )
    supervisor, problems = _supervisor(session, person, (supervisor_ref or "").strip())
    new = {
        "supervisor": supervisor.employee_number if supervisor else None,
        "department": (department or "").strip() or None,
        "location": (location or "").strip() or None,
        "job_title": (job_title or "").strip() or None,
    }
    if not new["job_title"]:
        problems["job_title"] = "Enter the job title."
    for key in ("department", "location", "job_title"):
        if len(new[key] or "") > MAX_TEXT:
            problems[key] = f"The {FIELD_LABELS[key].lower()} is longer than {MAX_TEXT} characters."
    if problems:
        raise InvalidInput(problems=problems)
    old = {
        "supervisor": person.supervisor.employee_number if person.supervisor else None,
        "department": person.department,
        "location": person.location,
        "job_title": person.job_title,
    }
    changes = [FieldChange(key, old[key], new[key]) for key in CHANGEABLE if old[key] != new[key]]
    if changes:
        _write(session, admin, person, supervisor, changes, settings, now)
    session.commit()
    return changes


def _version(session, person: RosterPerson) -> int:
    return session.scalar(select(func.max(RosterChange.id)).where(RosterChange.person_id == person.id)) or 0


def _supervisor(session, person: RosterPerson, reference: str) -> tuple[RosterPerson | None, dict[str, str]]:
    """The supervisor the admin named, and the problem with them if there is one."""
    if not reference:
        return None, {}
    if "@" in reference:
        found = session.scalar(select(RosterPerson).where(RosterPerson.work_email == reference.lower()))
    else:
        found = session.scalar(select(RosterPerson).where(RosterPerson.employee_number == reference))
    if found is None:
        return None, {"supervisor": f"No one on the roster has the employee number or work email “{reference}”."}
    if found.id == person.supervisor_id:
        return found, {}  # as it was: kept, whatever a roster load has said of them since
    if found.id == person.id:
        return None, {"supervisor": "A person cannot be their own supervisor."}
    if not found.in_latest_roster:
        return None, {"supervisor": f"{found.name} ({found.employee_number}) is not in the latest roster."}
    if _reports_to(session, found, person):
        return None, {
            "supervisor": f"{found.name} reports to {person.name}, directly or through others: the reporting line "
            "would loop. Choose someone outside it."
        }
    return found, {}


def _reports_to(session, someone: RosterPerson, person: RosterPerson) -> bool:
    """Whether ``someone``'s reporting line goes up through ``person``: one query, however long the line."""
    line = select(RosterPerson.supervisor_id.label("id")).where(RosterPerson.id == someone.id).cte(recursive=True)
    # UNION, not UNION ALL: a line that loops already (it cannot, but) ends rather than running forever.
    line = line.union(select(RosterPerson.supervisor_id).where(RosterPerson.id == line.c.id))
    return bool(session.scalar(select(exists().where(line.c.id == person.id))))


def _write(
    session,
    admin: User,
    person: RosterPerson,
    supervisor: RosterPerson | None,
    changes: list[FieldChange],
    settings: AccountSettings,
    now: datetime,
) -> None:
    values = {change.field: change.new for change in changes}
    if "supervisor" in values:
        person.supervisor = supervisor
        if supervisor is not None and supervisor.user_id is None:
            _account_for_supervisor(session, admin, supervisor, settings, now)
    for key in ("department", "location", "job_title"):
        if key in values:
            setattr(person, key, values[key])
    if "job_title" in values:
        jobs.add_jobs(session, [person.job_title])  # a title new to the portal is a job to record, as on a load
    person.updated_at = now
    session.add_all(
        RosterChange(
            person_id=person.id,
            field=change.field,
            old_value=change.old,
            new_value=change.new,
            changed_at=now,
            changed_by_id=admin.id,
            source=CHANGED_BY_AN_ADMIN,
        )
        for change in changes
    )
    if person.user is not None:
        roster_import.follow_roster(person.user, person, supervisor.user_id if supervisor else None)
    audit.record(
        session,
        actor=admin,
        action="roster_person_changed",
        object_type="roster_person",
        object_id=person.id,
        detail=", ".join(change.label for change in changes),
    )


def _account_for_supervisor(
    session, admin: User, supervisor: RosterPerson, settings: AccountSettings, now: datetime
) -> None:
    """A new supervisor's account, as a roster load gives one: the account at their work email unless another
    roster person has it, else a supervisor's account and an invitation."""
    taken = exists().where(RosterPerson.user_id == User.id)
    user, is_taken = session.execute(select(User, taken).where(User.email == supervisor.work_email)).one_or_none() or (
        None,
        False,
    )
    if not is_taken:
        roster_import.link_account(session, admin, supervisor, user, True, settings, now)
