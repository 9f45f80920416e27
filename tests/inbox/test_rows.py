"""A listed row's words are kept for what of the clock they read; kept or worked out afresh, they are the same at
every moment: across midnight in the program's time zone, the due moment, and the priority's."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.inbox import rows
from portal.inbox.queries import InboxRow, Named, RowCase, RowOffer
from portal.items.deadlines import priority_at
from portal.items.models import OPEN_STATUSES, SubmissionKind, SubmissionStatus
from portal.settings import DeadlineSettings

SETTINGS = DeadlineSettings(timezone="America/Chicago")
START = datetime(2026, 11, 30, 3, 7, tzinfo=UTC)


def listed(kind: SubmissionKind, rank: int, due_at: datetime | None, status=SubmissionStatus.NEW, **changes):
    values = {
        "id": 7,
        "reference": "R-ABCD-2345",
        "kind": kind,
        "summary": "Work status report",
        "submitted_at": START - timedelta(days=2),
        "submitted_by_id": 3,
        "status": status,
        "is_open": status in OPEN_STATUSES,
        "assignee_id": None,
        "priority": rank,
        "due_at": due_at,
        "priority_at": priority_at(kind, rank, due_at),
        "case": RowCase("C-2026-00012", Named("Jordan Smith")),
        "assignee": None,
        "duty_offer": None,
    }
    return InboxRow(**(values | changes))


ITEMS = [
    listed(SubmissionKind.RESTRICTION_REPORT, 3, START + timedelta(days=2, hours=5)),  # two days ahead
    listed(SubmissionKind.RESTRICTION_REPORT, 2, START + timedelta(hours=20)),
    listed(SubmissionKind.ACCOMMODATION_REQUEST, 0, START + timedelta(days=1, minutes=30)),
    listed(SubmissionKind.DOCUMENT, 0, START + timedelta(hours=9)),  # no priority ahead of its due date
    # Its priority moment stored before the rules gave reports like it a longer lead.
    listed(SubmissionKind.RESTRICTION_REPORT, 3, START + timedelta(days=3.5), priority_at=START + timedelta(days=2.5)),
    listed(SubmissionKind.DOCUMENT, 0, None),
    listed(SubmissionKind.DOCUMENT, 0, START - timedelta(days=1), status=SubmissionStatus.ACCEPTED),
    listed(
        SubmissionKind.DUTY_OFFER,
        1,
        START + timedelta(days=1),
        duty_offer=RowOffer(START, START, "accepted"),
        assignee=Named("Alex Morgan"),
        assignee_id=2,
    ),
]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: f"{item.kind}-{item.priority}-{item.status}")
def test_a_listed_rows_kept_words_are_those_worked_out_at_every_moment(item):
    rows._KEPT.clear()
    for minutes in range(0, 4 * 24 * 60, 17):  # four days, every 17 minutes
        now = START + timedelta(minutes=minutes)
        assert rows.listed_row(item, now, SETTINGS, {3}) == rows.row(item, now, SETTINGS, {3}), now
    assert len(rows._KEPT) < 4 * 24 * 60 / 17 / 10  # kept, not worked out each time


def test_a_row_whose_item_changed_is_worked_out_again():
    before = ITEMS[0]
    claimed = listed(SubmissionKind.RESTRICTION_REPORT, 3, before.due_at, assignee=Named("Alex Morgan"), assignee_id=2)
    assert rows.listed_row(before, START, SETTINGS).assignee_name is None
    assert rows.listed_row(claimed, START, SETTINGS).assignee_name == "Alex Morgan"
