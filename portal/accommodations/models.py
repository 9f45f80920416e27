"""Workplace accommodation requests and the interactive process around them.

The employee's own words about their difficulty stay with the case manager; a
supervisor sees only the accommodation asked about, and what was granted.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.items.models import Submission


class HelpCategory(StrEnum):
    SCHEDULE = "schedule"
    REMOTE = "remote"
    EQUIPMENT = "equipment"
    DUTIES = "duties"
    LEAVE = "leave"
    REASSIGNMENT = "reassignment"
    SUPPORT = "support"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "schedule": "Schedule or hours",
            "remote": "Remote or hybrid work",
            "equipment": "Equipment or furniture",
            "duties": "Changes to duties",
            "leave": "Leave",
            "reassignment": "Reassignment to another job",
            "support": "A support person or service animal",
            "other": "Something else",
        }[self.value]


class Decision(StrEnum):
    GRANTED = "granted"
    ALTERNATIVE = "alternative"
    DENIED = "denied"

    @property
    def recorded_as(self) -> str:
        """The decision's action in the item's history: the employee reads "offered an alternative",
        not "accepted it", before they have accepted anything."""
        return {"granted": "grant", "alternative": "offer_alternative", "denied": "deny"}[self.value]


class DenialReason(StrEnum):
    UNDUE_HARDSHIP = "undue_hardship"
    NOT_QUALIFYING = "not_qualifying"
    INFORMATION_NOT_PROVIDED = "information_not_provided"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "undue_hardship": "Undue hardship",
            "not_qualifying": "Not a qualifying limitation",
            "information_not_provided": "Information not provided",
            "other": "Other",
        }[self.value]


class AccommodationRequest(Model):
    """The details of an accommodation-request submission, and its decision."""

    __tablename__ = "accommodation_requests"
    # The decisions of a period, and those still waiting past their due day (metrics).
    __table_args__ = (Index("ix_accommodation_requests_decided", "decided_at", "decision_due", "submission_id"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    difficulty: Mapped[str] = mapped_column(Text)  # the employee's words: never shown to a supervisor
    tasks_affected: Mapped[str] = mapped_column(Text)
    help: Mapped[list] = mapped_column(JSON, default=list)  # [{"category": ..., "description": ...}]
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    needed_from: Mapped[date | None] = mapped_column(Date)
    needed_until: Mapped[date | None] = mapped_column(Date)
    contact_preference: Mapped[str] = mapped_column(String(20))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    decision_due: Mapped[date] = mapped_column(Date)
    decision: Mapped[Decision | None] = mapped_column(StrEnumType(Decision, 20))
    decision_what: Mapped[str | None] = mapped_column(Text)  # what is granted, or the alternative offered
    decision_why: Mapped[str | None] = mapped_column(Text)  # why the alternative, or the denial explained
    denial_reason: Mapped[DenialReason | None] = mapped_column(StrEnumType(DenialReason, 30))
    granted_from: Mapped[date | None] = mapped_column(Date)
    granted_until: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alternative_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconsideration_reason: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="accommodation")


class AccommodationDraft(Model):
    """The guided form as typed so far, kept between steps so that going back loses nothing."""

    __tablename__ = "accommodation_drafts"
    __table_args__ = (Index("ix_accommodation_drafts_employee_case", "employee_id", "case_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()


class ProcessLogEntry(Model):
    """One dated entry of the interactive process: a conversation, information asked or received,
    an accommodation considered and whether it would be effective, or the supervisor's input."""

    __tablename__ = "process_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    method: Mapped[str | None] = mapped_column(String(20))
    with_whom: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    considered: Mapped[str | None] = mapped_column(String(300))
    effective: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class FeasibilityQuestion(Model):
    """A case manager's question to the supervisor about one accommodation; no medical reasons in it."""

    __tablename__ = "feasibility_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accommodation: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    feasible: Mapped[str | None] = mapped_column(String(20))  # "yes", "with_changes", "no"
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
