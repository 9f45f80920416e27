"""Reminders sent, so that none is sent twice; and each person's choice of how to be reminded."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model


class Delivery(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return {
            "immediate": "An email for each reminder, as it falls due",
            "digest": "One email a day with all of that day's reminders",
        }[self.value]


class ReminderSent(Model):
    """One reminder of one thing owed, at one stage, to one person: the row is written before the email is queued,
    in the same transaction, so a second run (or a second host) that reaches the same reminder finds it taken."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("recipient_id", "owed", "stage", name="uq_reminders_sent_recipient_owed_stage"),
        Index("ix_reminders_sent_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What is owed, as "information_request:42", "duty_offer:7", "rtw_plan:3:v2"; or "case_manager_digest".
    owed: Mapped[str] = mapped_column(String(60))
    # "before", "due", "overdue:0" (the day after), "overdue:1" (a week on) ...; a digest's day, as 2026-11-29.
    stage: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderPreference(Model):
    """How one person is reminded. No row: an email for each reminder, and every reminder."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(StrEnumType(Delivery, 10), default=Delivery.IMMEDIATE)
    # False: only the reminders the law makes the program give (see queries.required_by_law).
    optional_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
