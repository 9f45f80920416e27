"""People who use the portal, their sign-in sessions, one-time tokens and sign-in attempts; and the
employer's roster of people, from which accounts are made when someone needs one, and its jobs."""

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, delete, event, insert
from sqlalchemy.orm import Mapped, attributes, mapped_column, relationship

from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model


class Role(StrEnum):
    EMPLOYEE = "employee"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"
    CASE_MANAGER = "case_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"case_manager": "Case manager"}.get(self.value, self.value.capitalize())


class User(Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 20), index=True)
    # No hash until an invitation is accepted.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supervisor: Mapped["User | None"] = relationship(remote_side=[id], foreign_keys=[supervisor_id])

    # Flask-Login's interface, written out: these are the only ones it uses.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(Model):
    """A server-side sign-in session: logout or a password change ends it for good."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class AccountToken(Model):
    """A single-use, expiring link: a password reset or an invitation. Only its hash is kept."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "reset" or "invitation"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class AccessGrant(Model):
    """A request to give someone a role that sees medical content (case manager): it takes effect only
    once another person who holds that role approves it, so that no admin can give themselves access."""

    __tablename__ = "access_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None] = mapped_column(Boolean)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ClinicianCredential(Model):
    """How a case manager confirmed that a clinician's account is a real, licensed clinician: anyone named
    as a treating clinician is unverified until then, and their reports cannot take effect."""

    __tablename__ = "clinician_credentials"

    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    licence_number: Mapped[str | None] = mapped_column(String(40))
    licence_state: Mapped[str | None] = mapped_column(String(2))  # the US state or territory that issued it
    npi: Mapped[str | None] = mapped_column(String(10))  # the National Provider Identifier
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])
    verified_by: Mapped[User] = relationship(foreign_keys=[verified_by_id])

    @property
    def described(self) -> str:
        """What was checked, as the screens show it."""
        parts = []
        if self.npi:
            parts.append(f"NPI {self.npi}")
        if self.licence_number:
            parts.append(f"licence {self.licence_number} ({self.licence_state})")
        return ", ".join(parts)


class TwoStep(Model):
    """Two-step sign-in: a TOTP secret (RFC 6238) the person's authenticator app shares. Until
    ``enabled_at`` it is being set up; ``last_step`` stops a code from being used twice."""

    __tablename__ = "two_step_sign_in"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(32))
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Model):
    """A one-time code for signing in without the authenticator app (a lost phone); only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(Model):
    """Failed sign-ins, counted per account and per address to throttle guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_ip_at", "ip_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NameWord(Model):
    """Each word of a person's name, lower-cased: searching by the start of any word of a name
    ("smi" finds Jordan O'Brien-Smith) is then a range of this table's key, at any number of people."""

    __tablename__ = "name_words"

    # Byte order on PostgreSQL too, so that a prefix is exactly a range of the key whatever the locale.
    word: Mapped[str] = mapped_column(
        String(100).with_variant(String(100, collation="C"), "postgresql"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


def name_words(name: str) -> set[str]:
    """The searchable words of a name: split at anything that is not a letter or digit."""
    return {word[:100] for word in re.split(r"[\W_]+", name.lower()) if word}


@event.listens_for(User, "after_insert")
@event.listens_for(User, "after_update")
def _index_name(_mapper, connection, user: User) -> None:
    """Keep a person's name words with the name, whoever creates or renames them."""
    if not attributes.get_history(user, "name").has_changes():
        return
    connection.execute(delete(NameWord).where(NameWord.user_id == user.id))
    words = name_words(user.name)
    if words:
        connection.execute(insert(NameWord), [{"word": word, "user_id": user.id} for word in words])


class RosterPerson(Model):
    """The employer's record of a person, as its roster says: who they are at work, never anything medical.
    A person gets a portal account (``user``) only when they need one: their case opens, or they become
    someone's supervisor."""

    __tablename__ = "roster_people"
    __table_args__ = (
        # The admin's list of people, by name, whole or only those a later roster left out.
        Index("ix_roster_people_name", "name", "id"),
        Index("ix_roster_people_in_latest_roster_name", "in_latest_roster", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Byte order on PostgreSQL, as for NameWord: searching by the start of a number or an address is then a
    # range of the column's unique index, whatever the locale.
    employee_number: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    work_email: Mapped[str] = mapped_column(  # stored lower-cased
        String(254).with_variant(String(254, collation="C"), "postgresql"), unique=True
    )
    # Their job, by its title (Job.title): indexed, for a job's holders.
    job_title: Mapped[str] = mapped_column(String(200), index=True)
    department: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("roster_people.id"), index=True)
    hire_date: Mapped[date] = mapped_column(Date)
    hours_last_12_months: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    # False once a roster loaded later leaves the person out: never deleted, their cases and history stay.
    in_latest_roster: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supervisor: Mapped["RosterPerson | None"] = relationship(remote_side=[id], foreign_keys=[supervisor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class RosterNameWord(Model):
    """Each word of a roster person's name, lower-cased, as NameWord holds them for accounts (most people on a
    roster have none): an index on the name itself finds only its first word, and LIKE '%smi%' reads every
    row. The roster import writes them, as only a roster names people; an admin changes no names."""

    __tablename__ = "roster_name_words"

    word: Mapped[str] = mapped_column(
        String(100).with_variant(String(100, collation="C"), "postgresql"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("roster_people.id"), primary_key=True, index=True)


class RosterChange(Model):
    """One field of one person's roster record changed, by a roster import or an admin: the person's history."""

    __tablename__ = "roster_changes"
    __table_args__ = (Index("ix_roster_changes_person_at", "person_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("roster_people.id"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(254))
    new_value: Mapped[str | None] = mapped_column(String(254))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(300))  # "Roster import of people.csv", "Changed by an admin"

    changed_by: Mapped[User | None] = relationship()


class RosterImport(Model):
    """A roster file an admin loaded: shown as a preview, and written only once they confirm it."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)  # the file as text; a roster holds nothing medical
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added: Mapped[int | None] = mapped_column(Integer)
    changed: Mapped[int | None] = mapped_column(Integer)
    left_out: Mapped[int | None] = mapped_column(Integer)

    uploaded_by: Mapped[User | None] = relationship()


class Job(Model):
    """A job on the employer's roster, one per job title: its essential functions and, as Demand rows
    (``portal.duty.models``, on the same scales as restrictions), its physical demands. A title new to the
    portal becomes a job with neither; an admin records them. People hold a job by its title."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    essential_functions: Mapped[str] = mapped_column(Text, default="")
    # None until an admin records the job: a job that needs nothing physical is recorded with no demands.
    demands_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def recorded(self) -> bool:
        return self.demands_recorded_at is not None


class JobImport(Model):
    """A jobs file an admin loaded: shown as a preview, and written only once they confirm it."""

    __tablename__ = "job_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)  # the file as text; a job holds nothing medical
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded: Mapped[int | None] = mapped_column(Integer)  # jobs recorded, new or changed

    uploaded_by: Mapped[User | None] = relationship()
