"""Transitional (light or modified) duty: offers to one employee, and standing availability.

Demands are kept one row per dimension, on the same scales as restrictions, so
that the two can be matched dimension by dimension; a job on the roster keeps its
demands here too.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.items.models import Submission
from portal.restrictions.models import Frequency


class DutyOffer(Model):
    """The details of a duty-offer submission: everything a bona fide written offer must state."""

    __tablename__ = "duty_offers"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    job_title: Mapped[str] = mapped_column(String(200))
    tasks: Mapped[str] = mapped_column(Text)
    hours_per_day: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False))
    days: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    pay_unchanged: Mapped[bool] = mapped_column(Boolean, default=True)
    pay_rate: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    answer_by: Mapped[date] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # The fit against the employee's restrictions when last evaluated; a change is flagged in the inbox.
    fit_summary: Mapped[str | None] = mapped_column(String(200))
    fit_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    employee_answer: Mapped[str | None] = mapped_column(String(10))  # "accepted" or "declined"
    answer_reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="duty_offer")
    demands: Mapped[list["Demand"]] = relationship(
        primaryjoin="DutyOffer.submission_id == Demand.offer_id", order_by="Demand.id", cascade="all, delete-orphan"
    )


class AvailabilityClosed(StrEnum):
    """Why availability no longer takes anyone."""

    FILLED = "filled"
    WITHDRAWN = "withdrawn"


class DutyAvailability(Model):
    """Light duty a supervisor's department can take anyone on, for case managers to match."""

    __tablename__ = "duty_availability"
    __table_args__ = (Index("ix_duty_availability_department_end", "department", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    tasks: Mapped[str] = mapped_column(Text)
    places: Mapped[int] = mapped_column(Integer)
    hours_per_day: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[AvailabilityClosed | None] = mapped_column(StrEnumType(AvailabilityClosed, 10))

    supervisor: Mapped[User] = relationship()
    demands: Mapped[list["Demand"]] = relationship(
        primaryjoin="DutyAvailability.id == Demand.availability_id", order_by="Demand.id", cascade="all, delete-orphan"
    )


class Demand(Model):
    """One dimension's physical demand of an offer, of standing availability, or of a job on the roster: each
    row belongs to one of them."""

    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("duty_offers.submission_id"), index=True)
    availability_id: Mapped[int | None] = mapped_column(ForeignKey("duty_availability.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(30))
    pounds: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[Frequency | None] = mapped_column(StrEnumType(Frequency, 20))
    hours: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    allowed: Mapped[bool | None] = mapped_column(Boolean)
