"""A case: one employee's leave, accommodation or workers' compensation matter."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Date, ForeignKey, Index, String, Text, and_, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model


class CaseType(StrEnum):
    LEAVE = "leave"
    ACCOMMODATION = "accommodation"
    WORKERS_COMPENSATION = "workers_compensation"

    @property
    def label(self) -> str:
        return {"leave": "Leave", "accommodation": "Accommodation", "workers_compensation": "Workers' compensation"}[
            self.value
        ]


class CaseStatus(StrEnum):
    INTAKE = "intake"
    OPEN = "open"
    TRANSITIONAL_DUTY = "transitional_duty"
    RETURNED_TO_WORK = "returned_to_work"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        if self == CaseStatus.INTAKE:
            return "Reported, waiting for a case manager to open it"
        return self.value.replace("_", " ").capitalize()


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.TRANSITIONAL_DUTY, CaseStatus.RETURNED_TO_WORK)


class CaseOutcome(StrEnum):
    """How a case ended."""

    RETURNED_FULL_DUTY = "returned_full_duty"
    RETURNED_WITH_RESTRICTIONS = "returned_with_restrictions"
    SEPARATED = "separated"
    LONG_TERM_DISABILITY = "long_term_disability"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "returned_full_duty": "Returned to full duty",
            "returned_with_restrictions": "Returned with permanent restrictions or an accommodation",
            "separated": "Separated from employment",
            "long_term_disability": "Moved to long-term disability",
            "other": "Other",
        }[self.value]


class ReturnDuty(StrEnum):
    """What the employee came back to."""

    FULL_DUTY = "full_duty"
    MODIFIED_DUTY = "modified_duty"

    @property
    def label(self) -> str:
        return {"full_duty": "Full duty", "modified_duty": "Modified duty"}[self.value]


class AuthorisationScope(StrEnum):
    """What an employee lets their treating clinician see and send."""

    WORK_STATUS = "work_status"
    WORK_STATUS_AND_MEDICAL_DOCUMENTS = "work_status_and_medical_documents"

    @property
    def label(self) -> str:
        return {
            "work_status": "work status and restrictions",
            "work_status_and_medical_documents": "work status and restrictions, and medical documents",
        }[self.value]


class Case(Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_case_manager_status", "case_manager_id", "status"),
        Index("ix_cases_case_type", "case_type"),
        # The program's figures (metrics.queries): each reads a range of one of these, from the index alone unless
        # a filter asks for more.
        Index("ix_cases_figures_open", "status", "case_manager_id", "opened_at"),
        Index("ix_cases_figures_opened", "opened_at", "status", "outcome"),
        Index("ix_cases_figures_closed", "closed_on", "status", "outcome", "case_type", "opened_at"),
        Index("ix_cases_figures_returned", "actual_rtw", "expected_rtw", "status", "outcome"),
        Index(
            "ix_cases_figures_duty",
            "transitional_duty_start",
            "transitional_duty_end",
            "closed_on",
            "opened_at",
            "status",
            "outcome",
        ),
        # The caseload of every case manager: counted by status, and paged newest first within it.
        Index("ix_cases_status_id", "status", "id"),
        # The inbox's eligibility notices still to give, soonest first.
        Index("ix_cases_notice_due", "eligibility_notice_given_on", "eligibility_notice_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_type: Mapped[CaseType] = mapped_column(StrEnumType(CaseType, 30))
    status: Mapped[CaseStatus] = mapped_column(StrEnumType(CaseStatus, 30), default=CaseStatus.INTAKE)
    leave_start: Mapped[date | None] = mapped_column(Date)
    expected_rtw: Mapped[date | None] = mapped_column(Date)
    actual_rtw: Mapped[date | None] = mapped_column(Date)
    # Set when the employee accepts a transitional-duty offer; the end is a deadline to act on.
    transitional_duty_start: Mapped[date | None] = mapped_column(Date)
    transitional_duty_end: Mapped[date | None] = mapped_column(Date)
    actual_rtw_duty: Mapped[ReturnDuty | None] = mapped_column(StrEnumType(ReturnDuty, 20))
    outcome: Mapped[CaseOutcome | None] = mapped_column(StrEnumType(CaseOutcome, 40))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_summary: Mapped[str | None] = mapped_column(Text)
    # A leave case's FMLA eligibility and rights notice is due by this day (29 CFR 825.300(b)).
    eligibility_notice_due: Mapped[date | None] = mapped_column(Date)
    eligibility_notice_given_on: Mapped[date | None] = mapped_column(Date)
    # A case opened for a report that triage then joined to the employee's case already open: closed, pointing there.
    joined_to_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last call, meeting, email, letter or message with the employee: the caseload's "no contact for N days".
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employee: Mapped[User] = relationship(foreign_keys=[employee_id])
    case_manager: Mapped[User | None] = relationship(foreign_keys=[case_manager_id])
    joined_to: Mapped["Case | None"] = relationship(remote_side=[id], foreign_keys=[joined_to_id])
    participants: Mapped[list["CaseParticipant"]] = relationship(back_populates="case", order_by="CaseParticipant.id")

    @property
    def active_case_manager(self) -> User | None:
        """The case's manager while their account is active: once it is stopped, the case has none."""
        return self.case_manager if self.case_manager is not None and self.case_manager.active else None

    @staticmethod
    def stored_number(typed: str) -> str:
        """A case number as a person types it (any letter case, spaces around), as it is stored."""
        return typed.strip().upper()

    @property
    def type_label(self) -> str:
        return CaseType(self.case_type).label

    @hybrid_property
    def counts_as_case(self) -> bool:
        """Whether a case manager opened it: open now, or closed with an outcome. A report declined at triage, or
        joined to a case already open, closes its own case with none; one at intake is not a case yet."""
        return self.status in OPEN_CASE_STATUSES or (self.status == CaseStatus.CLOSED and self.outcome is not None)

    @counts_as_case.inplace.expression
    @classmethod
    def _counts_as_case(cls) -> ColumnElement[bool]:
        return or_(cls.status.in_(OPEN_CASE_STATUSES), and_(cls.status == CaseStatus.CLOSED, cls.outcome.is_not(None)))

    def status_on(self, today: date) -> CaseStatus:
        """The status as it stands on ``today``: transitional duty accepted but not yet begun leaves the case
        open: nobody should read that the employee is on transitional duty days before it begins."""
        if self.status == CaseStatus.TRANSITIONAL_DUTY and self.duty_to_start(today):
            return CaseStatus.OPEN
        return CaseStatus(self.status)

    def duty_to_start(self, today: date) -> bool:
        """Whether the transitional duty the employee accepted is still to begin on ``today``."""
        return self.transitional_duty_start is not None and today < self.transitional_duty_start


class CaseParticipant(Model):
    """A treating clinician on a case, with the employee's authorisation and its revocation."""

    __tablename__ = "case_participants"
    __table_args__ = (Index("ix_case_participants_clinician_case", "clinician_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # None when the address named belongs to an account that is not a clinician's: the naming stands, to
    # the one who made it, as any invitation not yet taken up, and gives no one any access.
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scope: Mapped[AuthorisationScope] = mapped_column(
        StrEnumType(AuthorisationScope, 40), default=AuthorisationScope.WORK_STATUS
    )
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The clinician as whoever authorised them named them: what the employee is shown, never what an
    # existing account holds, which would tell them whose the address is.
    named_as: Mapped[str | None] = mapped_column(String(200))
    named_practice: Mapped[str | None] = mapped_column(String(200))
    named_email: Mapped[str] = mapped_column(String(254))

    case: Mapped[Case] = relationship(back_populates="participants")
    clinician: Mapped[User | None] = relationship(foreign_keys=[clinician_id])

    @property
    def shown_name(self) -> str:
        """The clinician's name as the person who authorised them typed it."""
        return self.named_as or (self.clinician.name if self.clinician is not None else self.named_email)

    @property
    def gives_access(self) -> bool:
        """False when the address named is another kind of account's, which no naming makes a clinician."""
        return self.clinician_id is not None

    @property
    def sees_medical_documents(self) -> bool:
        return self.scope == AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS


class CaseEventKind(StrEnum):
    """What happened to the case itself (its items keep their own history)."""

    OPENED = "opened"
    STATUS_CHANGED = "status_changed"
    EXPECTED_RETURN_CHANGED = "expected_return_changed"
    RETURN_REPORTED = "return_reported"
    RETURN_RECORDED = "return_recorded"
    CLOSED = "closed"
    REOPENED = "reopened"


class CaseEvent(Model):
    """One change to a case, kept for its timeline: who, when, from what to what, and why."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[CaseEventKind] = mapped_column(StrEnumType(CaseEventKind, 30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The values before and after, as words or ISO dates (an expected return's old and new date, a status's).
    before: Mapped[str | None] = mapped_column(String(60))
    after: Mapped[str | None] = mapped_column(String(60))
    # A date the event is about (the day of a return, a closing), when it is not the day it was recorded.
    effective_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    # A reported return waits for the case manager: set when they confirm it (or record it otherwise).
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    actor: Mapped[User | None] = relationship()
