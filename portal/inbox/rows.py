"""An item as its row in the inbox reads: each cell's words worked out once, in Python.

The list draws 25 of these a page and the review sends its item's again after an action; a template
calling a helper for every cell of every row cost more than the query that found them. A row is made
from a listed row (``queries.InboxRow``) or from the item itself, which share their names.

A page shows much the same rows request after request, and a row's words change with the clock only at a few
moments (a new day, its due moment, its priority's), so a listed row's words are kept for what of the clock they
read (``listed_row``): a list works out only the rows that changed.
"""

from dataclasses import dataclass
from datetime import datetime

from portal.core.dates import written_moment
from portal.items import deadlines, lifecycle
from portal.items.deadlines import DueNote, DueState, Priority
from portal.items.models import SubmissionKind
from portal.settings import DeadlineSettings


def item_status(submission) -> str:
    """A submission's status for the case manager: an offer they accepted went on to the employee, whose
    answer is what matters now (a declined offer is not "Accepted")."""
    offer = submission.duty_offer if submission.kind == SubmissionKind.DUTY_OFFER else None
    if offer is not None and offer.forwarded_at is not None:
        return (
            f"Forwarded; {offer.employee_answer} by the employee"
            if offer.employee_answer
            else ("Forwarded; waiting for the employee's answer")
        )
    return submission.status_label


@dataclass(frozen=True)
class Row:
    id: int
    reference: str
    summary: str
    kind_label: str
    received: str
    fit_changed: bool  # a transitional-duty offer whose fit new restrictions changed
    unverified_clinician: bool
    case_number: str
    employee_name: str
    status: str
    due_state: DueState | None  # None once decided or withdrawn
    due: DueNote | None
    priority: Priority | None
    priority_reason: str
    assignee_name: str | None
    claimable: bool  # open and nobody's yet


def listed_row(item, now: datetime, settings: DeadlineSettings, unverified_senders=frozenset()) -> Row:
    """``row`` of a listed item (``queries.InboxRow``, frozen), kept for the same words and clock."""
    unverified = item.submitted_by_id in unverified_senders
    key = (item, unverified, settings, *_clock_read(item, now, settings))
    words = _KEPT.get(key)
    if words is None:
        if len(_KEPT) >= _KEEP:
            _KEPT.clear()
        words = _KEPT[key] = row(item, now, settings, unverified_senders)
    return words


_KEPT: dict[tuple, Row] = {}
_KEEP = 4096  # every case manager's pages, at about 1 KB a row


def _clock_read(item, now: datetime, settings: DeadlineSettings) -> tuple:
    """All that a row's words read of ``now``: the day, whether the item is past due, and its priority (as stored
    and as its reason works it out). tests/inbox/test_rows.py holds ``row`` to it."""
    return (
        deadlines.local_date(now, settings),
        item.due_at is not None and now > item.due_at,
        deadlines.priority(item.priority_at, now),
        deadlines.priority(deadlines.priority_at(item.kind, item.priority, item.due_at), now),
    )


def row(item, now: datetime, settings: DeadlineSettings, unverified_senders=frozenset()) -> Row:
    """The row of ``item`` at ``now``; ``unverified_senders``: the clinicians no case manager has confirmed."""
    due_state = deadlines.item_due_state(item.status, item.due_at, now, settings)
    level = deadlines.priority(item.priority_at, now) if item.is_open else None
    offer = item.duty_offer
    return Row(
        id=item.id,
        reference=item.reference,
        summary=item.summary,
        kind_label=item.kind_label,
        received=written_moment(item.submitted_at, settings.timezone),
        fit_changed=offer is not None and offer.fit_changed_at is not None,
        unverified_clinician=item.submitted_by_id in unverified_senders,
        case_number=item.case.number,
        employee_name=item.case.employee.name,
        status=item_status(item),
        due_state=due_state,
        due=deadlines.due_note(item.due_at, now, settings) if due_state else None,
        priority=level,
        priority_reason=(
            deadlines.priority_reason(item.kind, item.priority, item.due_at, now, settings) if level else ""
        ),
        assignee_name=item.assignee.name if item.assignee is not None else None,
        claimable=lifecycle.unclaimed(item),
    )
