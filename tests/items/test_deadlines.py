"""Deadlines: business days skip weekends and public holidays; calendar days do not."""

from datetime import UTC, date, datetime

import pytest

from portal.items import deadlines
from portal.items.deadlines import DueNote, DueState
from portal.settings import DeadlineSettings

US = DeadlineSettings()


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 11, 16), 2, date(2026, 11, 18)),  # Monday + 2 = Wednesday
        (date(2026, 11, 20), 2, date(2026, 11, 24)),  # Friday + 2 skips the weekend
        (date(2026, 11, 25), 2, date(2026, 11, 30)),  # Wednesday: skips Thanksgiving (26th) and the weekend
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # skips Christmas Day and the weekend
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # received on a Saturday
    ],
)
def test_business_days_skip_weekends_and_public_holidays(start, days, expected):
    assert deadlines.add_business_days(start, days, US) == expected


def test_holidays_follow_the_configured_country():
    # 26 December is a holiday in the UK, not in the US.
    uk = DeadlineSettings(holiday_country="GB")
    assert deadlines.is_business_day(date(2028, 12, 26), US)
    assert not deadlines.is_business_day(date(2028, 12, 26), uk)


def test_triage_is_due_at_the_end_of_the_second_business_day():
    received = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert deadlines.triage_due(received, US) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)


def test_deadlines_fall_at_the_end_of_the_day_in_the_programs_time_zone():
    new_york = DeadlineSettings(timezone="America/New_York")
    # 02:00 UTC on the 17th is still the 16th in New York.
    received = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
    due = deadlines.triage_due(received, new_york)
    assert due.astimezone(UTC) == datetime(2026, 11, 19, 4, 59, 59, tzinfo=UTC)


def test_information_is_due_in_15_calendar_days_or_7_to_cure_an_incomplete_certification():
    asked = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert deadlines.information_due_date(asked, US) == date(2026, 12, 5)
    assert deadlines.information_due_date(asked, US, incomplete_certification=True) == date(2026, 11, 27)


def test_a_document_request_is_due_in_15_calendar_days_by_default():
    assert deadlines.document_request_due_date(datetime(2026, 12, 20, tzinfo=UTC), US) == date(2027, 1, 4)


@pytest.mark.parametrize(
    "now, state, remaining",
    [
        (datetime(2026, 12, 1, 9, tzinfo=UTC), DueState.LATER, 4),
        (datetime(2026, 12, 3, 9, tzinfo=UTC), DueState.DUE_SOON, 2),
        (datetime(2026, 12, 5, 9, tzinfo=UTC), DueState.DUE_TODAY, 0),
        (datetime(2026, 12, 6, 0, 0, 1, tzinfo=UTC), DueState.OVERDUE, -1),
    ],
)
def test_what_is_due_soon_today_or_overdue(now, state, remaining):
    due = deadlines.end_of_day(date(2026, 12, 5), US)
    assert deadlines.due_state(due, now, US) == state
    assert deadlines.days_remaining(due, now, US) == remaining


@pytest.mark.parametrize(
    "now, note",
    [
        (datetime(2026, 12, 1, 9, tzinfo=UTC), DueNote("", "Due 5 Dec 2026 (4 days left)")),
        (datetime(2026, 12, 4, 9, tzinfo=UTC), DueNote("soon", "Due tomorrow (5 Dec 2026)")),
        (datetime(2026, 12, 5, 9, tzinfo=UTC), DueNote("today", "Due today (5 Dec 2026)")),
        (datetime(2026, 12, 6, 0, 0, 1, tzinfo=UTC), DueNote("overdue", "Overdue: was due 5 Dec 2026")),
    ],
)
def test_a_due_date_reads_by_how_near_it_is_and_stands_out_on_the_day_and_after(now, note):
    due = deadlines.end_of_day(date(2026, 12, 5), US)
    assert deadlines.due_note(due, now, US) == note
    assert note.pressing == (note.modifier in ("today", "overdue"))


def test_nothing_due_has_no_state():
    assert deadlines.due_state(None, datetime.now(UTC), US) is None


def test_an_accommodation_decision_is_due_in_15_business_days_skipping_holidays():
    # Received Wednesday 18 Nov 2026: 15 business days, skipping Thanksgiving (26 Nov) and weekends.
    received = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    assert deadlines.accommodation_decision_due(received, US) == date(2026, 12, 10)
    # Received Friday 18 Dec 2026: skips Christmas Day and New Year's Day.
    assert deadlines.accommodation_decision_due(datetime(2026, 12, 18, tzinfo=UTC), US) == date(2027, 1, 12)


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "kind, rank, due, level",
    [
        ("document", 0, datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC), deadlines.Priority.NORMAL),
        ("document", 0, datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC), deadlines.Priority.HIGH),  # due today
        ("document", 0, datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC), deadlines.Priority.URGENT),  # overdue
        # May not work: worked two days ahead, so due in two days is already urgent.
        ("restriction_report", 3, datetime(2026, 11, 25, 8, 0, tzinfo=UTC), deadlines.Priority.URGENT),
        ("restriction_report", 2, datetime(2026, 11, 25, 8, 0, tzinfo=UTC), deadlines.Priority.HIGH),
        ("restriction_report", 1, datetime(2026, 11, 25, 8, 0, tzinfo=UTC), deadlines.Priority.NORMAL),  # full duty
        ("accommodation_request", 0, datetime(2026, 11, 24, 23, 59, 59, tzinfo=UTC), deadlines.Priority.HIGH),
    ],
)
def test_priority_combines_what_an_item_is_with_the_time_to_its_due_date(kind, rank, due, level):
    assert deadlines.priority(deadlines.priority_at(kind, rank, due), NOW) == level


def test_priority_is_explained_in_words():
    due = datetime(2026, 11, 24, 23, 59, 59, tzinfo=UTC)
    assert deadlines.priority_reason("restriction_report", 3, due, NOW, US) == (
        "Urgent priority: a clinician says the employee may not work, so it is worked 2 days ahead of its due "
        "date; it is due in 1 day."
    )
    assert deadlines.priority_reason("document", 0, NOW.replace(hour=8), NOW, US) == "Urgent priority: it is overdue."
    assert deadlines.priority_reason("document", 0, None, NOW, US) == ""
