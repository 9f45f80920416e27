"""Matching transitional-duty demands against an employee's functional restrictions.

Pure functions: no database, no request. A duty offer's demands and a work-status
report's restrictions use the same dimensions and scales (see
``portal.restrictions.operations``), so each dimension is judged on its own:

* compatible: nothing is asked, or what is asked is within the restriction;
* conflict: what is asked exceeds the restriction, with by how much in words;
* unknown: something is asked but no restriction is recorded for that dimension.

The work status overrides the dimensions: "off_work" makes every dimension a
conflict, demanded or not, so an offer with no demands at all is still a conflict
(the employee may not work at all); "full_duty" makes every dimension compatible;
no accepted report yet (``None``) makes every demanded dimension unknown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from portal.restrictions.models import Frequency, WorkStatus
from portal.restrictions.operations import BY_KEY, DIMENSIONS, HOURS, PERMISSION, POSTURE, WEIGHT, Limit, describe

NOT_REQUIRED = "Not required"
NO_RESTRICTION = "No restriction recorded"
# The permission dimensions as an activity, for "Asks for driving; driving is not allowed".
ACTIVITY = {"drive": "driving", "operate_machinery": "operating machinery"}


class Verdict(StrEnum):
    COMPATIBLE = "compatible"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DimensionFit:
    """One dimension of an offer against the restrictions, every part in plain words."""

    dimension: str
    label: str
    verdict: Verdict
    demand: str
    restriction: str
    detail: str


@dataclass(frozen=True)
class Fit:
    """An offer against the restrictions: one DimensionFit per dimension, in DIMENSIONS order.

    ``fits`` means no conflict; an offer can fit and still have unknown dimensions,
    which a case manager should check with the clinician before forwarding it.
    """

    work_status: str | None
    dimensions: list[DimensionFit]

    @property
    def conflicts(self) -> list[DimensionFit]:
        return [d for d in self.dimensions if d.verdict == Verdict.CONFLICT]

    @property
    def unknowns(self) -> list[DimensionFit]:
        return [d for d in self.dimensions if d.verdict == Verdict.UNKNOWN]

    @property
    def fits(self) -> bool:
        return not self.conflicts

    @property
    def summary(self) -> str:
        if self.work_status == WorkStatus.OFF_WORK:
            return "The employee may not work: no offer fits"
        if self.work_status is None:
            # Even an offer that asks for nothing cannot be called a fit before any report.
            return "No work-status report yet: fit unknown"
        if self.conflicts:
            return _count(len(self.conflicts), "conflict") + " with the current restrictions"
        if self.unknowns:
            n = len(self.unknowns)
            return f"Fits, but {_count(n, 'dimension')} {'has' if n == 1 else 'have'} no restriction recorded"
        return "Fits the current restrictions"


def evaluate(demands: Mapping[str, Limit], work_status: str | None, restrictions: Mapping[str, Limit]) -> Fit:
    """Match an offer's demands against the current work status and restrictions.

    ``demands`` and ``restrictions`` map dimension keys to ``Limit`` values (or
    anything with the same attributes, such as Restriction rows); a missing key or
    an empty value means nothing asked or nothing recorded. A demand that asks for
    nothing (0 lb, never, 0 hours, driving not needed) counts as no demand, so it is
    compatible even where no restriction is recorded.

    Properties the tests check: with any work status except "off_work", an offer
    with no demands fits whatever the restrictions; loosening a restriction never
    turns a compatible dimension into a conflict; asking for more never turns a
    conflict into a compatible dimension. Under "off_work" every offer, even one
    with no demands, is a conflict.

    Raises ValueError for an unknown work status or dimension key, so that a typo
    cannot silently read as "no restriction".
    """
    if work_status is not None:
        work_status = WorkStatus(work_status)
    for key in (*demands, *restrictions):
        if key not in BY_KEY:
            raise ValueError(f"Unknown dimension: {key}")
    return Fit(
        work_status, [_dimension(d.key, demands.get(d.key), work_status, restrictions.get(d.key)) for d in DIMENSIONS]
    )


def _dimension(key: str, demand, work_status: str | None, limit) -> DimensionFit:
    dimension = BY_KEY[key]
    asked = _asks(dimension.kind, demand)
    recorded = _recorded(dimension.kind, limit)
    demand_text = _demand_text(key, demand) if asked else NOT_REQUIRED

    def fit(verdict: Verdict, restriction: str, detail: str) -> DimensionFit:
        return DimensionFit(key, dimension.label, verdict, demand_text, restriction, detail)

    # The work status decides before any dimension is compared: a report saying the
    # employee may not work, or may work without restriction, leaves nothing to weigh.
    if work_status == WorkStatus.OFF_WORK:
        return fit(Verdict.CONFLICT, "May not work", "The employee may not work")
    if work_status == WorkStatus.FULL_DUTY:
        return fit(Verdict.COMPATIBLE, "Full duty", "Full duty: no restrictions")
    if not asked:
        return fit(Verdict.COMPATIBLE, describe(key, limit) if recorded else NO_RESTRICTION, NOT_REQUIRED)
    if work_status is None:
        return fit(Verdict.UNKNOWN, "No work-status report yet", "No work-status report yet")
    if not recorded:
        return fit(Verdict.UNKNOWN, NO_RESTRICTION, "No restriction recorded for this")
    excess = _excess(dimension.kind, key, demand, limit)
    if excess:
        return fit(Verdict.CONFLICT, describe(key, limit), excess)
    return fit(Verdict.COMPATIBLE, describe(key, limit), "Within the restriction")


def _asks(kind: str, demand) -> bool:
    """Whether the demand asks for anything: "0 lb", "never", "0 hours" or "no driving" ask for nothing."""
    if demand is None:
        return False
    pounds, frequency = demand.pounds, demand.frequency or None
    if kind == WEIGHT:
        # Validation requires both parts; if one is missing, the other alone decides.
        if pounds is None and frequency is None:
            return False
        return (pounds is None or pounds > 0) and frequency != Frequency.NEVER
    if kind == HOURS:
        return demand.hours is not None and demand.hours > 0
    if kind == POSTURE:
        return frequency is not None and frequency != Frequency.NEVER
    return demand.allowed is True


def _recorded(kind: str, limit) -> bool:
    """Whether the restriction says anything about this kind of dimension."""
    if limit is None:
        return False
    if kind == WEIGHT:
        return limit.pounds is not None or bool(limit.frequency)
    if kind == HOURS:
        return limit.hours is not None
    if kind == POSTURE:
        return bool(limit.frequency)
    return limit.allowed is not None


def _demand_text(key: str, demand) -> str:
    # describe() words a permission as "Allowed", which misreads for a demand.
    return "Required" if BY_KEY[key].kind == PERMISSION else describe(key, demand)


def _excess(kind: str, key: str, demand, limit) -> str | None:
    """By how much the demand exceeds the restriction, in words; None when it does not."""
    if kind == WEIGHT:
        if limit.pounds == 0 or limit.frequency == Frequency.NEVER:
            # A ban has no meaningful "lb over" or "more often": say it is not allowed at all.
            return f"Asks {_weight(demand)}; the limit is none at all"
        parts = []
        if demand.pounds is not None and limit.pounds is not None and demand.pounds > limit.pounds:
            parts.append(
                f"Asks {demand.pounds} lb; the limit is {limit.pounds} lb ({demand.pounds - limit.pounds} lb over)"
            )
        if _more_often(demand.frequency, limit.frequency):
            parts.append(f"Asks {demand.frequency}; the limit is {limit.frequency}")
        return ". ".join(parts) or None
    if kind == HOURS:
        if demand.hours > limit.hours:
            over = round(demand.hours - limit.hours, 1)  # hours are kept to one decimal
            return f"Asks {_hours(demand.hours)} a day; the limit is {limit.hours:g} ({_hours(over)} over)"
        return None
    if kind == POSTURE:
        if _more_often(demand.frequency, limit.frequency):
            return f"Asks {demand.frequency}; the limit is {limit.frequency}"
        return None
    if limit.allowed is False:
        activity = ACTIVITY.get(key, BY_KEY[key].label.lower())
        return f"Asks for {activity}; {activity} is not allowed"
    return None


def _more_often(asked: str | None, limit: str | None) -> bool:
    if not asked or not limit:
        return False
    return Frequency(asked).rank > Frequency(limit).rank


def _weight(demand) -> str:
    pounds = f"{demand.pounds} lb" if demand.pounds is not None else "any weight"
    return f"{pounds}, {demand.frequency}" if demand.frequency else pounds


def _hours(hours: float) -> str:
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
