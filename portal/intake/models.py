"""A report that someone needs a case, as the inbox receives it, and the employee's report while they write it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import CaseType
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.items.models import Submission


class Need(StrEnum):
    """What the report is about, in the words of whoever makes it. Never a diagnosis."""

    OWN_HEALTH = "own_health"
    WORK_INJURY = "work_injury"
    PREGNANCY = "pregnancy"
    FAMILY_CARE = "family_care"
    ACCOMMODATION = "accommodation"
    ABSENCE = "absence"  # a supervisor's: an absence that may be medical

    @property
    def label(self) -> str:
        return {
            "own_health": "Time off for a health condition",
            "work_injury": "An injury or illness from work",
            "pregnancy": "Pregnancy, or the birth or placement of a child",
            "family_care": "Time off to care for a family member",
            "accommodation": "A change at work, without time off",
            "absence": "An absence that may be medical",
        }[self.value]

    @property
    def asked_of_employee(self) -> str:
        """The choice as the employee reads it, about themselves."""
        return {
            "own_health": "Time off for your own health condition",
            "work_injury": "An injury or illness from your work",
            "pregnancy": "Pregnancy, or the birth or placement of your child",
            "family_care": "Caring for a family member with a serious health condition",
            "accommodation": "A change at work, without time off",
            "absence": "An absence that may be medical",
        }[self.value]

    @property
    def likely_tracks(self) -> tuple[CaseType, ...]:
        """The tracks triage starts from; the case manager decides."""
        return {
            "own_health": (CaseType.LEAVE,),
            "work_injury": (CaseType.WORKERS_COMPENSATION, CaseType.LEAVE),
            "pregnancy": (CaseType.LEAVE,),
            "family_care": (CaseType.LEAVE,),
            "accommodation": (CaseType.ACCOMMODATION,),
            "absence": (CaseType.LEAVE,),
        }[self.value]


EMPLOYEE_NEEDS = (Need.OWN_HEALTH, Need.WORK_INJURY, Need.PREGNANCY, Need.FAMILY_CARE, Need.ACCOMMODATION)
SUPERVISOR_NEEDS = (Need.WORK_INJURY, Need.ABSENCE)


class IntakeReport(Model):
    """The details of a report that someone needs a case: what, since when, whether at work, how to reach
    them, and for a supervisor's report what happened at work and who was there. Nothing medical."""

    __tablename__ = "intake_reports"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    need: Mapped[Need] = mapped_column(StrEnumType(Need, 30))
    first_day_away: Mapped[date | None] = mapped_column(Date)
    at_work: Mapped[bool | None] = mapped_column(Boolean)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_note: Mapped[str | None] = mapped_column(String(300))
    # A supervisor's report: what happened at work, when, and who was there.
    what_happened: Mapped[str | None] = mapped_column(Text)
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    witnesses: Mapped[str | None] = mapped_column(String(500))

    submission: Mapped[Submission] = relationship(back_populates="intake")

    @property
    def need_label(self) -> str:
        return Need(self.need).label


class IntakeDraft(Model):
    """The employee's report while they write it, one question a page: kept between pages and visits."""

    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employee: Mapped[User] = relationship()
