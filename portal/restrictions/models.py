"""Work-status reports from treating clinicians, and the functional restrictions they set.

Restrictions use the Dictionary of Occupational Titles scales, one row per
dimension, so that transitional-duty demands on the same dimensions can be
matched against them.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.items.models import Submission


class WorkStatus(StrEnum):
    FULL_DUTY = "full_duty"
    MODIFIED_DUTY = "modified_duty"
    OFF_WORK = "off_work"

    @property
    def label(self) -> str:
        return {
            "full_duty": "May return to full duty",
            "modified_duty": "May return to work with restrictions",
            "off_work": "May not work",
        }[self.value]


class Frequency(StrEnum):
    """DOT frequency: share of the working day."""

    NEVER = "never"
    OCCASIONALLY = "occasionally"
    FREQUENTLY = "frequently"
    CONSTANTLY = "constantly"

    @property
    def label(self) -> str:
        return {
            "never": "Never",
            "occasionally": "Occasionally (up to 1/3 of the day)",
            "frequently": "Frequently (1/3 to 2/3 of the day)",
            "constantly": "Constantly (over 2/3 of the day)",
        }[self.value]

    @property
    def rank(self) -> int:
        return list(Frequency).index(self)


class RestrictionReport(Model):
    """The details of a restriction-report submission: a clinician's work-status report."""

    __tablename__ = "restriction_reports"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    visit_date: Mapped[date] = mapped_column(Date)
    work_status: Mapped[WorkStatus] = mapped_column(StrEnumType(WorkStatus, 20))
    effective_from: Mapped[date] = mapped_column(Date)
    expected_until: Mapped[date | None] = mapped_column(Date)
    next_visit: Mapped[date | None] = mapped_column(Date)
    estimated_full_duty: Mapped[date | None] = mapped_column(Date)
    other_restrictions: Mapped[str | None] = mapped_column(Text)
    # Confidential: only the case manager, the clinician and the employee ever see these.
    diagnoses: Mapped[list] = mapped_column(JSON, default=list)  # [{"code": "M54.50", "description": "..."}]
    attested_name: Mapped[str] = mapped_column(String(200))
    licence_number: Mapped[str] = mapped_column(String(60))
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_form_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    # Set when the report is accepted: from then on it is the case's current restrictions for its dates.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="restriction_report")
    restrictions: Mapped[list["Restriction"]] = relationship(
        back_populates="report", order_by="Restriction.id", cascade="all, delete-orphan"
    )

    @property
    def work_status_label(self) -> str:
        return WorkStatus(self.work_status).label


class Restriction(Model):
    """One dimension of a report's restrictions; which value columns apply depends on the dimension."""

    __tablename__ = "restrictions"
    __table_args__ = (UniqueConstraint("report_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("restriction_reports.submission_id"), index=True)
    dimension: Mapped[str] = mapped_column(String(30))
    pounds: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[Frequency | None] = mapped_column(StrEnumType(Frequency, 20))
    hours: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    allowed: Mapped[bool | None] = mapped_column(Boolean)

    report: Mapped[RestrictionReport] = relationship(back_populates="restrictions")


class ReportDraft(Model):
    """A clinician's unfinished report for a case, as typed, until it is sent."""

    __tablename__ = "report_drafts"
    __table_args__ = (Index("ix_report_drafts_clinician_case", "clinician_id", "case_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    clinician: Mapped[User] = relationship()
