"""The return-to-work plan: one per case, a graduated schedule of steps and the milestones on the way back.

The plan's ``version`` moves on with every change to what the employee agrees to (the goal, a step, a
milestone); the employee's acknowledgement names the version they read, so a change after it asks them
to acknowledge the plan again.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import UTCDateTime, utcnow
from portal.duty.models import DutyOffer
from portal.extensions import Model


class ReturnToWorkPlan(Model):
    __tablename__ = "rtw_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    goal: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The version the employee read and acknowledged, when and by whom: acknowledged while it is the version.
    acknowledged_version: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    steps: Mapped[list["PlanStep"]] = relationship(
        back_populates="plan", order_by="PlanStep.starts_on", cascade="all, delete-orphan"
    )
    milestones: Mapped[list["PlanMilestone"]] = relationship(
        back_populates="plan", order_by="[PlanMilestone.due_on, PlanMilestone.id]", cascade="all, delete-orphan"
    )

    @property
    def acknowledged(self) -> bool:
        """The employee acknowledged the plan as it stands now."""
        return self.acknowledged_version is not None and self.acknowledged_version == self.version

    @property
    def awaits_acknowledgement(self) -> bool:
        """There is a schedule for the employee to read, and they have not acknowledged it as it stands."""
        return bool(self.steps) and not self.acknowledged

    @property
    def changed_since_acknowledged(self) -> bool:
        return self.acknowledged_version is not None and self.acknowledged_version != self.version


class PlanStep(Model):
    """One step of the graduated schedule: its dates, hours, duties and the transitional duty it uses."""

    __tablename__ = "rtw_plan_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rtw_plans.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    hours_per_day: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))
    days_per_week: Mapped[int | None] = mapped_column(Integer)
    duties: Mapped[str] = mapped_column(Text)
    duty_offer_id: Mapped[int | None] = mapped_column(ForeignKey("duty_offers.submission_id"))

    plan: Mapped[ReturnToWorkPlan] = relationship(back_populates="steps")
    duty_offer: Mapped[DutyOffer | None] = relationship()


class PlanMilestone(Model):
    """A point on the way back to check: due on a day, met on a day (or not yet)."""

    __tablename__ = "rtw_plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rtw_plans.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    met_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[ReturnToWorkPlan] = relationship(back_populates="milestones")
