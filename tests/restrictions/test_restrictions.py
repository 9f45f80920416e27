"""The rules a work-status report must meet, and how restrictions read and compare."""

from datetime import date

import pytest

from portal.restrictions import operations as restrictions
from portal.restrictions.models import Restriction, RestrictionReport
from portal.restrictions.operations import Limit, ReportInput

TODAY = date(2026, 11, 20)


def valid(**changes) -> ReportInput:
    report = ReportInput(
        visit_date=TODAY,
        work_status="modified_duty",
        effective_from=TODAY,
        limits={"lift": Limit(pounds=20, frequency="occasionally")},
        diagnoses=[("M54.50", "Low back pain, unspecified")],
        attested_name="Dr Casey Lee",
        licence_number="MD-12345",
    )
    for name, value in changes.items():
        setattr(report, name, value)
    return report


def test_a_complete_report_breaks_no_rule():
    assert restrictions.problems(valid(), TODAY) == {}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"visit_date": None}, "visit_date", "Enter the date of the visit"),
        ({"visit_date": date(2026, 11, 21)}, "visit_date", "cannot be in the future"),
        ({"work_status": None}, "work_status", "Choose the work status"),
        ({"effective_from": date(2026, 11, 19)}, "effective_from", "before the visit"),
        ({"expected_until": date(2026, 11, 19)}, "expected_until", "on or after"),
        ({"next_visit": TODAY}, "next_visit", "after this visit"),
        ({"estimated_full_duty": date(2026, 11, 1)}, "estimated_full_duty", "before this status"),
        ({"limits": {"lift": Limit(pounds=250, frequency="occasionally")}}, "lift", "0 to 200"),
        ({"limits": {"lift": Limit(pounds=20)}}, "lift", "both the pounds and how often"),
        ({"limits": {"stand": Limit(hours=25)}}, "stand", "0 to 24"),
        ({"limits": {}}, "restrictions", "at least one restriction"),
        ({"diagnoses": []}, "diagnoses", "at least one diagnosis"),
        ({"diagnoses": [("back pain", "Low back pain")]}, "diagnoses", "not an ICD-10-CM code"),
        ({"diagnoses": [("U07.1", "COVID-19")]}, "diagnoses", "not an ICD-10-CM code"),
        ({"diagnoses": [("S83.511A", "")]}, "diagnoses", "Describe diagnosis S83.511A"),
        ({"attested_name": " "}, "attested_name", "Type your full name"),
        ({"licence_number": ""}, "licence_number", "licence number"),
    ],
)
def test_each_rule_names_its_field_and_says_what_to_do(changes, field, message):
    found = restrictions.problems(valid(**changes), TODAY)
    assert message in found[field]


def test_other_restrictions_alone_count_as_a_restriction():
    assert restrictions.problems(valid(limits={}, other_restrictions="No work at heights"), TODAY) == {}


def test_full_duty_and_off_work_need_no_restriction():
    for status in ("full_duty", "off_work"):
        assert restrictions.problems(valid(work_status=status, limits={}), TODAY) == {}


def test_may_not_work_comes_first_in_the_inbox():
    assert (
        restrictions.priority("off_work") > restrictions.priority("modified_duty") > restrictions.priority("full_duty")
    )


@pytest.mark.parametrize(
    "key, limit, words",
    [
        ("lift", Limit(pounds=20, frequency="occasionally"), "Up to 20 lb, occasionally (up to 1/3 of the day)"),
        ("lift", Limit(pounds=0, frequency="never"), "Not at all"),
        ("stand", Limit(hours=2), "No more than 2 hours a day"),
        ("work_hours", Limit(hours=1), "No more than 1 hour a day"),
        ("bend", Limit(frequency="never"), "Not at all"),
        ("keyboard", Limit(frequency="frequently"), "Frequently (1/3 to 2/3 of the day)"),
        ("drive", Limit(allowed=False), "Not allowed"),
        ("sit", Limit(), "No restriction"),
    ],
)
def test_restrictions_read_in_plain_language(key, limit, words):
    assert restrictions.describe(key, limit) == words


def _report(status, **limits) -> RestrictionReport:
    return RestrictionReport(
        work_status=status,
        restrictions=[Restriction(dimension=key, pounds=value[0], frequency=value[1]) for key, value in limits.items()],
    )


def test_the_comparison_says_what_changed_dimension_by_dimension():
    before = _report("modified_duty", lift=(10, "occasionally"))
    after = _report("modified_duty", lift=(25, "occasionally"), carry=(10, "frequently"))
    changes = {change.label: change for change in restrictions.compare(before, after)}
    assert changes["Lift"].changed and changes["Lift"].before == "Up to 10 lb, occasionally (up to 1/3 of the day)"
    assert changes["Carry"].changed and changes["Carry"].before == "No restriction"
    assert not changes["Work status"].changed and not changes["Push"].changed


def test_a_first_report_is_compared_with_nothing_yet():
    changes = restrictions.compare(None, _report("off_work"))
    assert changes[0].before == "No report yet" and changes[0].after == "May not work"
