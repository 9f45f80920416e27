"""Each figure's definition, on the hand-made program of conftest.py (17 June 2026; the period April to June)."""

from dataclasses import replace
from datetime import date

from portal.accounts.models import Role
from portal.cases.models import CaseType
from portal.metrics import queries
from portal.metrics.queries import Distribution, Filters
from tests import factories
from tests.metrics.conftest import NOW, PERIOD, SETTINGS


def figures(session, user, filters: Filters = PERIOD) -> dict[str, queries.Section]:
    return {section.key: section for section in queries.sections(session, user, filters, NOW, SETTINGS)}


def rows(section: queries.Section, table: str | None = None) -> dict:
    (chosen,) = [t for t in section.tables if table in (None, t.key)]
    return {row[0]: row[1:] if len(row) > 2 else row[1] for row in chosen.rows}


def test_cases_open_now_and_new_this_week_month_and_period_leave_out_reports_never_opened(db_session, program):
    counted = rows(figures(db_session, program.first_manager)["cases"])
    assert counted == {
        "Open now": 2,  # the warehouse and office cases; not the report still at intake
        "New this week (from Monday)": 1,  # the office case, opened Tuesday 16 June
        "New this month": 1,
        "Opened in the period": 4,  # 1 and 20 April, 2 May, 16 June
        "Closed in the period": 2,  # 11 May and 1 June; not the one closed in March
    }


def test_time_to_first_triage_is_the_median_and_90th_percentile_of_the_items_taken_up(db_session, program):
    counted = rows(figures(db_session, program.first_manager)["triage"])
    # Taken up after 4 and 24 hours (the item of March is outside the period, the withdrawn one never counts);
    # waiting: the office's item and the undecided request for accommodation.
    assert counted == {
        "Items received and triaged": 2,
        "Median hours to triage": 4,
        "90th percentile, hours": 24,
        "Received in the period, still waiting": 2,
    }


def test_overdue_items_and_tasks_are_counted_today_whatever_the_period(db_session, program):
    empty_period = Filters(since=date(2020, 1, 1), until=date(2020, 1, 31))
    for filters in (PERIOD, empty_period):
        assert rows(figures(db_session, program.first_manager, filters)["overdue"]) == {"Items": 2, "Tasks": 1}


def test_days_lost_are_counted_in_each_month_they_fell_in(db_session, program):
    days = figures(db_session, program.first_manager)["days_lost"]
    # Away: the warehouse case from 21 April (10 in April, 31 in May, 17 in June to today); the closed leave from
    # 2 April to its closing on 11 May (29 + 11); the office case on 11 June, then restricted from 12 June (6).
    assert rows(days, "days_lost_by_month") == {
        "Apr 2026": (39, 0),
        "May 2026": (42, 0),
        "Jun 2026": (18, 6),
    }
    assert rows(days, "days_lost_by_type") == {"Leave": (98, 0), "Workers' compensation": (1, 6)}
    assert rows(days, "days_lost_by_department") == {
        "Warehouse": (58, 0),
        "No department": (40, 0),
        "Office": (1, 6),
    }
    assert days.headline == [("Days away", "99"), ("Days restricted", "6")]
    assert days.chart is not None and days.chart.labels == ["Apr 2026", "May 2026", "Jun 2026"]


def test_a_case_that_spans_two_months_counts_its_days_in_each(db_session, program):
    may_to_june = Filters(since=date(2026, 5, 15), until=date(2026, 6, 5))
    counted = rows(figures(db_session, program.first_manager, may_to_june)["days_lost"], "days_lost_by_month")
    assert counted == {"May 2026": (17, 0), "Jun 2026": (5, 0)}  # the warehouse case: 15 to 31 May, 1 to 5 June


def test_closed_cases_last_from_opening_to_closing_median_by_type(db_session, program):
    assert rows(figures(db_session, program.first_manager)["closed_duration"]) == {
        "Accommodation": (1, 30),  # 2 May to 1 June
        "Leave": (1, 40),  # 1 April to 11 May
    }


def test_return_to_work_against_the_expected_date(db_session, program):
    assert rows(figures(db_session, program.first_manager)["return_to_work"]) == {
        "Returned to work in the period": 1,
        "By the expected date": 0,
        "After the expected date": 1,
        "Median days late, of those after": 3,  # expected 8 May, back 11 May
        "No expected date": 0,
    }


def test_return_to_work_rate_is_the_share_of_closed_cases_back_at_work(db_session, program):
    outcomes = figures(db_session, program.first_manager)["outcomes"]
    assert outcomes.headline[0] == ("Return-to-work rate", "50%")
    counted = rows(outcomes)
    assert counted["Returned to full duty"] == (1, "50%")
    assert counted["Separated from employment"] == (1, "50%")
    assert counted["Moved to long-term disability"] == (0, "0%")


def test_transitional_duty_share_of_cases_open_in_the_period_and_its_days(db_session, program):
    assert rows(figures(db_session, program.first_manager)["transitional_duty"]) == {
        "Cases open in the period": 4,
        "With transitional duty": 1,
        "Days on duty": 6,  # 12 to 17 June, today
    }


def test_accommodation_decisions_against_the_goal(db_session, program):
    assert rows(figures(db_session, program.first_manager)["accommodation"]) == {
        "Decided in the period": 2,
        "Within 15 business days": 1,  # decided 20 May, due 22 May; the other was due 26 May, decided 29 May
        "Median calendar days to decide": 19,
        "90th percentile, days": 24,
        "Undecided past the due day, today": 1,
    }


def test_lag_from_first_absence_to_report_counts_a_leave_reported_ahead_apart(db_session, program):
    assert rows(figures(db_session, program.first_manager)["report_lag"]) == {
        "Reports after the first day away": 2,
        "Median days": 0,
        "90th percentile, days": 2,
        "Reported before the leave began": 1,
    }


def test_caseload_is_open_cases_by_case_manager(db_session, program):
    counted = rows(figures(db_session, program.first_manager)["caseload"])
    assert counted == {program.first_manager.name: 1, program.second_manager.name: 1}


def test_an_empty_period_counts_nothing_and_says_so(db_session, program):
    empty = figures(db_session, program.first_manager, Filters(since=date(2020, 1, 1), until=date(2020, 1, 31)))
    assert rows(empty["days_lost"], "days_lost_by_month") == {"Jan 2020": (0, 0)}
    assert rows(empty["triage"])["Median hours to triage"] is None
    assert empty["outcomes"].headline[0] == ("Return-to-work rate", "none to count")
    assert empty["days_lost"].summary == "No days were lost in the period."


def test_filters_by_case_type_department_and_case_manager(db_session, program):
    manager = program.first_manager
    leave = figures(db_session, manager, replace(PERIOD, case_type=CaseType.LEAVE))
    assert rows(leave["cases"])["Open now"] == 1
    assert rows(leave["overdue"]) == {"Items": 0, "Tasks": 1}  # the task is the warehouse case's
    compensation = figures(db_session, manager, replace(PERIOD, case_type=CaseType.WORKERS_COMPENSATION))
    assert rows(compensation["overdue"]) == {"Items": 1, "Tasks": 0}  # the office case's item
    warehouse = figures(db_session, manager, replace(PERIOD, department="Warehouse"))
    assert rows(warehouse["days_lost"], "days_lost_by_type") == {"Leave": (58, 0)}
    second = figures(db_session, manager, replace(PERIOD, case_manager_id=program.second_manager.id))
    assert rows(second["caseload"]) == {program.second_manager.name: 1}
    assert rows(second["closed_duration"]) == {"Accommodation": (1, 30)}


def test_a_supervisor_sees_their_own_team_and_nothing_medical(db_session, program):
    seen = figures(db_session, program.supervisor)
    assert set(seen) == {"cases", "report_lag", "days_lost", "return_to_work", "transitional_duty"}
    assert rows(seen["cases"])["Open now"] == 1  # the warehouse case: their report's
    assert rows(seen["days_lost"], "days_lost_by_type") == {"Leave": (58, 0)}
    # Filters narrow nothing further for them: a case type would be ignored.
    assert figures(db_session, program.supervisor, replace(PERIOD, case_type=CaseType.WORKERS_COMPENSATION)) == seen


def test_an_admin_sees_the_programs_workload_and_nothing_medical(db_session, program):
    admin = factories.user(db_session, Role.ADMIN)
    seen = figures(db_session, admin)
    assert set(seen) == {"cases", "overdue", "triage", "caseload", "report_lag"}
    assert rows(seen["cases"])["Open now"] == 2
    narrowed = figures(db_session, admin, replace(PERIOD, department="Warehouse"))
    assert rows(narrowed["cases"])["Open now"] == 2  # no department filter for an admin


def test_employees_and_clinicians_see_no_figures(db_session, program):
    for role in (Role.EMPLOYEE, Role.CLINICIAN):
        assert figures(db_session, factories.user(db_session, role)) == {}


def test_percentiles_are_read_off_the_counts_by_nearest_rank():
    spread = Distribution({1: 4, 2: 3, 10: 3})  # ten values: 1 1 1 1 2 2 2 10 10 10
    assert (spread.percentile(0.5), spread.percentile(0.9)) == (2, 10)
    assert Distribution().percentile(0.5) is None
