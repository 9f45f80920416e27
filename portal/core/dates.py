"""How dates and times are written, everywhere: on pages (the date and datetime filters), in emails and
in messages: "5 Dec 2026", and "5 Dec 2026, 14:30 CST" in the program's time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo


def written_date(value: date | str | None) -> str:
    """A day as people read it; an ISO date as a form keeps it is read first."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return f"{value:%-d %b %Y}"
    try:
        return f"{date.fromisoformat(value):%-d %b %Y}"
    except ValueError:
        return value  # not a date after all: shown as typed


def written_moment(value: datetime | None, timezone: str) -> str:
    """A moment in the program's time zone, saying which zone that is."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    return f"{local:%-d %b %Y, %H:%M} {local.tzname()}"
