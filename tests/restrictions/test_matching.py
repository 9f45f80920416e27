"""Matching transitional-duty demands against restrictions: examples for each kind of
dimension and work status, and the rules as properties (hypothesis)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.restrictions.matching import Verdict, evaluate
from portal.restrictions.models import Frequency, Restriction, WorkStatus
from portal.restrictions.operations import DIMENSIONS, HOURS, PERMISSION, POSTURE, WEIGHT, Limit

KEYS = [d.key for d in DIMENSIONS]
KIND = {d.key: d.kind for d in DIMENSIONS}
RANKED = list(Frequency)
# More examples than the default 100: the rules are cheap and the value space is wide.
PROPERTY = settings(max_examples=150)


def one(fit, key):
    return next(d for d in fit.dimensions if d.dimension == key)


def modified(demands, restrictions):
    return evaluate(demands, "modified_duty", restrictions)


# Examples, one kind of dimension at a time.


@pytest.mark.parametrize(
    "demand, limit, verdict, detail",
    [
        (
            Limit(pounds=20, frequency="occasionally"),
            Limit(pounds=20, frequency="occasionally"),
            Verdict.COMPATIBLE,
            "Within the restriction",
        ),
        (
            Limit(pounds=30, frequency="occasionally"),
            Limit(pounds=20, frequency="occasionally"),
            Verdict.CONFLICT,
            "Asks 30 lb; the limit is 20 lb (10 lb over)",
        ),
        (
            Limit(pounds=10, frequency="frequently"),
            Limit(pounds=20, frequency="occasionally"),
            Verdict.CONFLICT,
            "Asks frequently; the limit is occasionally",
        ),
        (
            Limit(pounds=25, frequency="constantly"),
            Limit(pounds=20, frequency="occasionally"),
            Verdict.CONFLICT,
            "Asks 25 lb; the limit is 20 lb (5 lb over). Asks constantly; the limit is occasionally",
        ),
        (
            Limit(pounds=5, frequency="occasionally"),
            Limit(pounds=0, frequency="occasionally"),
            Verdict.CONFLICT,
            "Asks 5 lb, occasionally; the limit is none at all",
        ),
        (
            Limit(pounds=5, frequency="occasionally"),
            Limit(pounds=50, frequency="never"),
            Verdict.CONFLICT,
            "Asks 5 lb, occasionally; the limit is none at all",
        ),
        (
            Limit(pounds=0, frequency="constantly"),
            Limit(pounds=0, frequency="never"),
            Verdict.COMPATIBLE,
            "Not required",
        ),
        (Limit(pounds=50, frequency="never"), Limit(pounds=0, frequency="never"), Verdict.COMPATIBLE, "Not required"),
    ],
)
def test_weight_compares_pounds_and_frequency(demand, limit, verdict, detail):
    fit = one(modified({"lift": demand}, {"lift": limit}), "lift")
    assert (fit.verdict, fit.detail) == (verdict, detail)


def test_weight_reads_in_plain_words():
    fit = one(
        modified(
            {"carry": Limit(pounds=30, frequency="occasionally")}, {"carry": Limit(pounds=20, frequency="occasionally")}
        ),
        "carry",
    )
    assert (fit.label, fit.demand, fit.restriction) == (
        "Carry",
        "Up to 30 lb, occasionally (up to 1/3 of the day)",
        "Up to 20 lb, occasionally (up to 1/3 of the day)",
    )


@pytest.mark.parametrize(
    "asked, limit, verdict, detail",
    [
        (4, 4, Verdict.COMPATIBLE, "Within the restriction"),
        (6, 4, Verdict.CONFLICT, "Asks 6 hours a day; the limit is 4 (2 hours over)"),
        (5, 4, Verdict.CONFLICT, "Asks 5 hours a day; the limit is 4 (1 hour over)"),
        (4.3, 4.1, Verdict.CONFLICT, "Asks 4.3 hours a day; the limit is 4.1 (0.2 hours over)"),
        (1, 0, Verdict.CONFLICT, "Asks 1 hour a day; the limit is 0 (1 hour over)"),
        (0, 0, Verdict.COMPATIBLE, "Not required"),
    ],
)
def test_hours_compare_hours_a_day(asked, limit, verdict, detail):
    for key in ("stand", "walk", "sit", "work_hours"):
        fit = one(modified({key: Limit(hours=asked)}, {key: Limit(hours=limit)}), key)
        assert (fit.verdict, fit.detail) == (verdict, detail)


def test_hours_read_in_plain_words():
    fit = one(modified({"stand": Limit(hours=6)}, {"stand": Limit(hours=4)}), "stand")
    assert (fit.demand, fit.restriction) == ("No more than 6 hours a day", "No more than 4 hours a day")


@pytest.mark.parametrize(
    "asked, limit, verdict, detail",
    [
        ("occasionally", "occasionally", Verdict.COMPATIBLE, "Within the restriction"),
        ("occasionally", "constantly", Verdict.COMPATIBLE, "Within the restriction"),
        ("frequently", "occasionally", Verdict.CONFLICT, "Asks frequently; the limit is occasionally"),
        ("occasionally", "never", Verdict.CONFLICT, "Asks occasionally; the limit is never"),
        ("never", "never", Verdict.COMPATIBLE, "Not required"),
    ],
)
def test_postures_compare_frequency(asked, limit, verdict, detail):
    fit = one(modified({"bend": Limit(frequency=asked)}, {"bend": Limit(frequency=limit)}), "bend")
    assert (fit.verdict, fit.detail) == (verdict, detail)
    assert fit.label == "Bend or stoop"


@pytest.mark.parametrize(
    "key, asked, allowed, verdict, detail",
    [
        ("drive", True, False, Verdict.CONFLICT, "Asks for driving; driving is not allowed"),
        (
            "operate_machinery",
            True,
            False,
            Verdict.CONFLICT,
            "Asks for operating machinery; operating machinery is not allowed",
        ),
        ("drive", True, True, Verdict.COMPATIBLE, "Within the restriction"),
        ("drive", False, False, Verdict.COMPATIBLE, "Not required"),
    ],
)
def test_permissions_conflict_only_when_required_and_not_allowed(key, asked, allowed, verdict, detail):
    fit = one(modified({key: Limit(allowed=asked)}, {key: Limit(allowed=allowed)}), key)
    assert (fit.verdict, fit.detail) == (verdict, detail)
    assert fit.demand == ("Required" if asked else "Not required")
    assert fit.restriction == ("Allowed" if allowed else "Not allowed")


def test_a_demand_without_a_restriction_is_unknown():
    fit = modified(
        {"lift": Limit(pounds=10, frequency="occasionally"), "climb": Limit(frequency="frequently")},
        {"lift": Limit(pounds=20, frequency="frequently"), "climb": Limit()},
    )
    climb = one(fit, "climb")
    assert (climb.verdict, climb.restriction, climb.detail) == (
        Verdict.UNKNOWN,
        "No restriction recorded",
        "No restriction recorded for this",
    )
    assert [d.dimension for d in fit.unknowns] == ["climb"]
    assert fit.fits
    assert fit.summary == "Fits, but 1 dimension has no restriction recorded"


def test_a_restriction_of_another_kind_is_no_restriction_for_this_one():
    # Hours recorded on a posture say nothing about how often it may be done.
    fit = one(modified({"bend": Limit(frequency="occasionally")}, {"bend": Limit(hours=2)}), "bend")
    assert fit.verdict == Verdict.UNKNOWN


def test_nothing_asked_is_compatible_and_says_so():
    fit = one(modified({}, {"lift": Limit(pounds=20, frequency="occasionally")}), "lift")
    assert (fit.verdict, fit.demand, fit.restriction, fit.detail) == (
        Verdict.COMPATIBLE,
        "Not required",
        "Up to 20 lb, occasionally (up to 1/3 of the day)",
        "Not required",
    )
    assert one(modified({}, {}), "lift").restriction == "No restriction recorded"


def test_one_dimension_per_dimension_in_order():
    fit = modified({}, {})
    assert [d.dimension for d in fit.dimensions] == KEYS
    assert [d.label for d in fit.dimensions] == [d.label for d in DIMENSIONS]
    assert (fit.fits, fit.summary) == (True, "Fits the current restrictions")


def test_conflicts_are_counted_in_the_summary():
    restrictions = {"lift": Limit(pounds=10, frequency="occasionally"), "drive": Limit(allowed=False)}
    two = modified({"lift": Limit(pounds=20, frequency="occasionally"), "drive": Limit(allowed=True)}, restrictions)
    assert [d.dimension for d in two.conflicts] == ["lift", "drive"]
    assert (two.fits, two.summary) == (False, "2 conflicts with the current restrictions")
    one_conflict = modified({"drive": Limit(allowed=True), "sit": Limit(hours=2)}, restrictions)
    assert one_conflict.summary == "1 conflict with the current restrictions"


def test_more_than_one_unknown_is_counted():
    fit = modified({"climb": Limit(frequency="occasionally"), "sit": Limit(hours=4), "drive": Limit(allowed=True)}, {})
    assert fit.summary == "Fits, but 3 dimensions have no restriction recorded"


# Work status overrides the dimensions.


def test_off_work_makes_every_dimension_a_conflict_even_undemanded_ones():
    fit = evaluate({"sit": Limit(hours=1)}, "off_work", {"sit": Limit(hours=8)})
    assert len(fit.conflicts) == len(DIMENSIONS)
    assert {d.detail for d in fit.dimensions} == {"The employee may not work"}
    assert one(fit, "sit").demand == "No more than 1 hour a day"
    assert one(fit, "lift").demand == "Not required"
    assert (fit.fits, fit.summary) == (False, "The employee may not work: no offer fits")


def test_off_work_makes_even_an_offer_with_no_demands_a_conflict():
    fit = evaluate({}, WorkStatus.OFF_WORK, {})
    assert not fit.fits
    assert fit.summary == "The employee may not work: no offer fits"


def test_full_duty_makes_every_dimension_compatible_whatever_is_recorded():
    fit = evaluate(
        {"lift": Limit(pounds=100, frequency="constantly"), "drive": Limit(allowed=True)},
        "full_duty",
        {"lift": Limit(pounds=10, frequency="occasionally"), "drive": Limit(allowed=False)},
    )
    assert {d.verdict for d in fit.dimensions} == {Verdict.COMPATIBLE}
    assert one(fit, "lift").detail == "Full duty: no restrictions"
    assert (fit.fits, fit.summary) == (True, "Fits the current restrictions")


def test_no_report_yet_makes_every_demanded_dimension_unknown():
    fit = evaluate(
        {"lift": Limit(pounds=10, frequency="occasionally")}, None, {"lift": Limit(pounds=50, frequency="constantly")}
    )
    assert [d.dimension for d in fit.unknowns] == ["lift"]
    assert one(fit, "lift").detail == "No work-status report yet"
    assert one(fit, "carry").verdict == Verdict.COMPATIBLE
    assert (fit.fits, fit.summary) == (True, "No work-status report yet: fit unknown")


def test_restriction_rows_match_like_limits():
    rows = {
        "lift": Restriction(dimension="lift", pounds=20, frequency="occasionally"),
        "stand": Restriction(dimension="stand", hours=4.0),
    }
    fit = modified({"lift": Limit(pounds=30, frequency="occasionally"), "stand": Limit(hours=2)}, rows)
    assert [d.dimension for d in fit.conflicts] == ["lift"]
    assert one(fit, "stand").verdict == Verdict.COMPATIBLE


@pytest.mark.parametrize(
    "args",
    [
        ({}, "retired", {}),
        ({"lifting": Limit(pounds=1)}, "modified_duty", {}),
        ({}, "modified_duty", {"lifting": Limit(pounds=1)}),
    ],
)
def test_unknown_work_status_or_dimension_is_refused(args):
    with pytest.raises(ValueError):
        evaluate(*args)


# The rules as properties.

frequencies = st.sampled_from(RANKED)
pounds = st.integers(0, 200)
hours = st.integers(0, 240).map(lambda tenths: tenths / 10)  # stored to one decimal
# Mostly modified duty, the only status under which the dimensions are compared at all.
statuses = st.sampled_from(["modified_duty", "modified_duty", "modified_duty", None, "full_duty", "off_work"])


def limits(kind):
    """A complete value of one kind, as the report and offer forms accept it."""
    return {
        WEIGHT: st.builds(Limit, pounds=pounds, frequency=frequencies),
        HOURS: st.builds(Limit, hours=hours),
        POSTURE: st.builds(Limit, frequency=frequencies),
        PERMISSION: st.builds(Limit, allowed=st.booleans()),
    }[kind]


# Every dimension drawn, then some left out and some left empty: dense enough that
# hypothesis meets most combinations of kind, demand and restriction in each run.
values = st.fixed_dictionaries({key: limits(KIND[key]) | st.sampled_from([None, Limit()]) for key in KEYS}).map(
    lambda drawn: {key: limit for key, limit in drawn.items() if limit is not None}
)
asking_nothing = st.fixed_dictionaries(
    {},
    optional={
        key: st.sampled_from(
            [
                Limit(),
                {
                    WEIGHT: Limit(pounds=0, frequency="constantly"),
                    HOURS: Limit(hours=0),
                    POSTURE: Limit(frequency="never"),
                    PERMISSION: Limit(allowed=False),
                }[KIND[key]],
            ]
        )
        for key in KEYS
    },
)


@st.composite
def more(draw, key, limit):
    """The same value asking or allowing as much or more on every part: more pounds,
    more hours, more often, allowed/required."""
    if limit.is_empty():
        return limit
    kind = KIND[key]
    if kind == WEIGHT:
        return Limit(
            pounds=limit.pounds + draw(st.integers(0, 200)),
            frequency=draw(st.sampled_from(RANKED[Frequency(limit.frequency).rank :])),
        )
    if kind == HOURS:
        return Limit(hours=round(limit.hours + draw(hours), 1))
    if kind == POSTURE:
        return Limit(frequency=draw(st.sampled_from(RANKED[Frequency(limit.frequency).rank :])))
    return Limit(allowed=limit.allowed or draw(st.booleans()))


def increase_all(draw, mapping):
    return {key: draw(more(key, limit)) for key, limit in mapping.items()}


@PROPERTY
@given(demands=asking_nothing, status=st.sampled_from([None, "modified_duty", "full_duty"]), restrictions=values)
def test_an_offer_with_no_demands_always_fits_unless_the_employee_may_not_work(demands, status, restrictions):
    fit = evaluate(demands, status, restrictions)
    assert fit.fits
    assert {d.verdict for d in fit.dimensions} == {Verdict.COMPATIBLE}
    assert not evaluate(demands, "off_work", restrictions).fits


@PROPERTY
@given(demands=values, status=statuses, restrictions=values, data=st.data())
def test_loosening_a_restriction_never_turns_compatible_into_conflict(demands, status, restrictions, data):
    looser = increase_all(data.draw, restrictions)
    before, after = evaluate(demands, status, restrictions), evaluate(demands, status, looser)
    for was, now in zip(before.dimensions, after.dimensions, strict=True):
        if was.verdict == Verdict.COMPATIBLE:
            assert now.verdict == Verdict.COMPATIBLE, (was, now)


@PROPERTY
@given(demands=values, status=statuses, restrictions=values, data=st.data())
def test_asking_more_never_turns_a_conflict_into_compatible(demands, status, restrictions, data):
    tighter = increase_all(data.draw, demands)
    before, after = evaluate(demands, status, restrictions), evaluate(tighter, status, restrictions)
    for was, now in zip(before.dimensions, after.dimensions, strict=True):
        if was.verdict == Verdict.CONFLICT:
            assert now.verdict == Verdict.CONFLICT, (was, now)
