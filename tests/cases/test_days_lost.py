"""Days lost counted as OSHA counts them: calendar days from the day after the injury or first absence, days
away and days restricted apart, 180 at most together."""

from datetime import UTC, date, datetime, timedelta

from portal.cases import days_lost
from portal.cases.days_lost import CAP, Change, DaysLost, WorkState
from portal.cases.models import CaseEvent, CaseEventKind, CaseType, ReturnDuty
from portal.restrictions.operations import Limit
from tests import factories

RECORDED = datetime(2026, 1, 1, tzinfo=UTC)
FRIDAY = date(2026, 11, 6)


def change(on: date, state: WorkState, minute: int = 0) -> Change:
    return Change(on, state, RECORDED + timedelta(minutes=minute))


def test_an_injury_on_a_friday_counts_from_saturday_weekend_included():
    away = [change(FRIDAY, WorkState.AWAY)]
    assert days_lost.count(FRIDAY, away, FRIDAY) == DaysLost(0, 0)  # the day of the injury never counts
    assert days_lost.count(FRIDAY, away, FRIDAY + timedelta(days=1)) == DaysLost(1, 0)
    assert days_lost.count(FRIDAY, away, FRIDAY + timedelta(days=3)) == DaysLost(3, 0)  # Saturday to Monday


def test_days_away_then_restricted_are_counted_apart():
    changes = [change(FRIDAY, WorkState.AWAY), change(date(2026, 11, 16), WorkState.RESTRICTED)]
    # Away from Saturday 7 to Sunday 15 (9 days), restricted from Monday 16 to Friday 20 (5 days).
    assert days_lost.count(FRIDAY, changes, date(2026, 11, 20)) == DaysLost(9, 5)


def test_a_gap_back_at_full_duty_counts_for_neither():
    changes = [
        change(FRIDAY, WorkState.AWAY),
        change(date(2026, 11, 10), WorkState.AT_WORK),  # back Tuesday 10
        change(date(2026, 11, 16), WorkState.AWAY),  # off again Monday 16
    ]
    # Away 7, 8, 9 (3 days); at work 10 to 15; away 16 to 18 (3 days).
    assert days_lost.count(FRIDAY, changes, date(2026, 11, 18)) == DaysLost(6, 0)


def test_the_last_word_on_a_day_wins():
    changes = [change(FRIDAY, WorkState.AWAY), change(FRIDAY, WorkState.RESTRICTED, minute=5)]
    assert days_lost.count(FRIDAY, changes, FRIDAY + timedelta(days=2)) == DaysLost(0, 2)


def test_away_and_restricted_stop_at_180_together():
    changes = [change(FRIDAY, WorkState.AWAY), change(FRIDAY + timedelta(days=101), WorkState.RESTRICTED)]
    counted = days_lost.count(FRIDAY, changes, FRIDAY + timedelta(days=400))
    assert counted == DaysLost(100, 80) and counted.capped
    assert days_lost.count(FRIDAY, changes[:1], FRIDAY + timedelta(days=180)) == DaysLost(CAP, 0)
    assert not days_lost.count(FRIDAY, changes[:1], FRIDAY + timedelta(days=179)).capped


def test_nothing_is_lost_without_an_absence_or_a_report():
    assert days_lost.count(None, [], FRIDAY) == DaysLost(0, 0)


def test_a_case_counts_its_absence_its_reports_and_its_recorded_returns(db_session):
    today = date.today()
    start = today - timedelta(days=20)
    leave = factories.case(db_session, leave_start=start)
    factories.accepted_report(
        db_session,
        leave,
        "modified_duty",
        effective_from=today - timedelta(days=10),
        lift=Limit(pounds=10, frequency="occasionally"),
    )
    db_session.add(
        CaseEvent(
            case=leave,
            kind=CaseEventKind.RETURN_RECORDED,
            effective_on=today - timedelta(days=4),
            after=ReturnDuty.FULL_DUTY,
        )
    )
    accommodation = factories.case(db_session, case_type=CaseType.ACCOMMODATION, leave_start=start)
    db_session.flush()
    counted = days_lost.for_cases(db_session, [leave, accommodation], today)
    # Away from day 19 to day 11 before today (9 days), restricted from day 10 to day 5 (6 days).
    assert counted[leave.id] == DaysLost(9, 6)
    assert counted[accommodation.id] == DaysLost(0, 0)  # asking for an accommodation is no absence
