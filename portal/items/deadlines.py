"""Deadlines, computed here and nowhere else.

Business-day rules skip weekends and the public holidays of the program's
country (the maintained ``holidays`` library, not a hand-made list); calendar-day
rules count every day. A deadline falls at the end of its day in the program's
time zone, so "due 5 December" means all of 5 December where the program is.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.settings import DeadlineSettings


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"  # within two days
    LATER = "later"


@lru_cache(maxsize=32)
def _holidays(country: str, subdivision: str | None, year: int):
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def is_business_day(day: date, settings: DeadlineSettings) -> bool:
    return day.weekday() < 5 and day not in _holidays(settings.holiday_country, settings.holiday_subdivision, day.year)


def add_business_days(start: date, days: int, settings: DeadlineSettings) -> date:
    """The date ``days`` business days after ``start`` (which itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day, settings):
            remaining -= 1
    return day


def program_moment(local: datetime, settings: DeadlineSettings) -> datetime:
    """A date and time typed without a zone (a form's date-time field), read as the program's local time."""
    return local.replace(tzinfo=ZoneInfo(settings.timezone)) if local.tzinfo is None else local


def local_moment(moment: datetime, settings: DeadlineSettings) -> datetime:
    """``moment`` as the program's clock reads it, to the minute and without a zone: a date-time field's value."""
    return moment.astimezone(ZoneInfo(settings.timezone)).replace(tzinfo=None, second=0, microsecond=0)


def local_date(moment: datetime, settings: DeadlineSettings) -> date:
    return moment.astimezone(ZoneInfo(settings.timezone)).date()


def program_today(settings: DeadlineSettings) -> date:
    """Today as the program's clock reads it."""
    return local_date(utcnow(), settings)


def end_of_day(day: date, settings: DeadlineSettings) -> datetime:
    """The last moment of ``day`` in the program's time zone, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(settings.timezone))


def triage_due(received_at: datetime, settings: DeadlineSettings) -> datetime:
    """A new submission is triaged within N business days of receipt."""
    return end_of_day(
        add_business_days(local_date(received_at, settings), settings.triage_business_days, settings), settings
    )


def information_due_date(
    requested_at: datetime, settings: DeadlineSettings, incomplete_certification: bool = False
) -> date:
    """The default date for a reply to a request for more information (the case manager may change it)."""
    days = settings.incomplete_certification_days if incomplete_certification else settings.information_days
    return local_date(requested_at, settings) + timedelta(days=days)


def document_request_due_date(requested_at: datetime, settings: DeadlineSettings) -> date:
    return local_date(requested_at, settings) + timedelta(days=settings.document_request_days)


def accommodation_decision_due(received_at: datetime, settings: DeadlineSettings) -> date:
    """An accommodation decision is due N business days after the request arrives."""
    return add_business_days(local_date(received_at, settings), settings.accommodation_business_days, settings)


def days_remaining(due_at: datetime, now: datetime, settings: DeadlineSettings) -> int:
    """Whole days from today to the due day: 0 on the day, negative once overdue."""
    return (local_date(due_at, settings) - local_date(now, settings)).days


def due_state(due_at: datetime | None, now: datetime, settings: DeadlineSettings) -> DueState | None:
    if due_at is None:
        return None
    if now > due_at:
        return DueState.OVERDUE
    remaining = days_remaining(due_at, now, settings)
    if remaining == 0:
        return DueState.DUE_TODAY
    return DueState.DUE_SOON if remaining <= 2 else DueState.LATER


@dataclass(frozen=True)
class DueNote:
    """A due date as it reads beside what is due; an overdue one or one due today stands out."""

    modifier: str  # how it is marked: "overdue", "today", "soon" (tomorrow), or "" (later)
    words: str

    @property
    def pressing(self) -> bool:
        return self.modifier in ("overdue", "today")


def due_note(due_at: datetime, now: datetime, settings: DeadlineSettings) -> DueNote:
    day = written_date(local_date(due_at, settings))
    state = due_state(due_at, now, settings)
    remaining = days_remaining(due_at, now, settings)
    if state == DueState.OVERDUE:
        return DueNote("overdue", f"Overdue: was due {day}")
    if state == DueState.DUE_TODAY:
        return DueNote("today", f"Due today ({day})")
    if remaining == 1:
        return DueNote("soon", f"Due tomorrow ({day})")
    return DueNote("", f"Due {day} ({remaining} days left)")


def item_due_state(status: str, due_at: datetime | None, now: datetime, settings: DeadlineSettings) -> DueState | None:
    """An inbox item's due state; none once it is decided or withdrawn."""
    from portal.items.models import OPEN_STATUSES  # models import nothing from services

    return due_state(due_at, now, settings) if status in OPEN_STATUSES else None


# Priority: an item is worked ahead of its due date by as much as what it is warrants. Someone a
# clinician says may not work, or an employee waiting on a decision about their job, should not
# wait behind routine paperwork due the same day. The earlier moment is stored as the item's
# ``priority_at``, so sorting by priority is one index walk and the order is the same as the levels.
_LEADS = {
    # (kind, work-status rank from restrictions.priority): (lead, why)
    ("restriction_report", 3): (timedelta(days=2), "a clinician says the employee may not work"),
    ("restriction_report", 2): (timedelta(days=1), "a clinician has set new restrictions to put in place"),
    ("accommodation_request", 0): (timedelta(days=1), "an employee is waiting on an accommodation decision"),
    ("duty_offer", 0): (timedelta(days=1), "a transitional-duty offer is waiting to reach the employee"),
    ("duty_offer", 1): (timedelta(days=2), "a transitional-duty offer conflicts with the employee's restrictions"),
}


class Priority(StrEnum):
    URGENT = "urgent"  # past its brought-forward moment
    HIGH = "high"  # within a day of it
    NORMAL = "normal"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def priority_lead(kind: str, work_status_rank: int) -> tuple[timedelta, str]:
    return _LEADS.get((kind, work_status_rank), (timedelta(0), ""))


def priority_at(kind: str, work_status_rank: int, due_at: datetime | None) -> datetime | None:
    return None if due_at is None else due_at - priority_lead(kind, work_status_rank)[0]


def priority(priority_moment: datetime | None, now: datetime) -> Priority | None:
    if priority_moment is None:
        return None
    if now >= priority_moment:
        return Priority.URGENT
    return Priority.HIGH if priority_moment - now < timedelta(days=1) else Priority.NORMAL


def priority_reason(
    kind: str, work_status_rank: int, due_at: datetime | None, now: datetime, settings: DeadlineSettings
) -> str:
    """Why an item has its priority, in a sentence: what it is, and how long until it is due."""
    level = priority(priority_at(kind, work_status_rank, due_at), now)
    if level is None or due_at is None:  # no due date, no priority
        return ""
    lead, why = priority_lead(kind, work_status_rank)
    remaining = days_remaining(due_at, now, settings)
    if now > due_at:
        when = "it is overdue"
    elif remaining == 0:
        when = "it is due today"
    else:
        when = f"it is due in {remaining} day{'s' if remaining != 1 else ''}"
    ahead = (
        f"{why}, so it is worked {lead.days} day{'s' if lead.days != 1 else ''} ahead of its due date; " if why else ""
    )
    return f"{level.label} priority: {ahead}{when}."
