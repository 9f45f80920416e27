"""The inbox's tab counts, kept by triggers on the items (portal/inbox/models.py): after every kind of change to an
item, by the lifecycle or by a statement of its own, they equal a count over the items themselves."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.inbox import kinds
from portal.inbox import queries as inbox
from portal.inbox.models import InboxCount, InboxDueCount
from portal.items import lifecycle
from portal.items.models import Submission, SubmissionKind, SubmissionStatus
from portal.settings import DeadlineSettings
from tests import factories

S = SubmissionStatus
SETTINGS = DeadlineSettings()


@pytest.fixture
def me(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")


@pytest.fixture
def colleague(db_session):
    return factories.user(db_session, Role.CASE_MANAGER, name="Robin Colleague")


def counted_from_the_items(session, user, now: datetime) -> tuple[dict[str, int], int]:
    """The tab counts as the inbox once counted them: over every open item."""

    def count(*conditions) -> int:
        return session.scalar(select(func.count()).select_from(Submission).where(Submission.is_open, *conditions))

    counts = {
        "open": count(),
        "mine": count(Submission.assignee_id == user.id),
        "unassigned": count(Submission.assignee_id.is_(None)),
        "needs_info": count(Submission.status == S.NEEDS_INFO),
        "overdue": count(Submission.due_at < now),
    }
    newest = session.scalar(select(func.max(Submission.id)).where(Submission.is_open)) or 0
    return counts, newest


def assert_kept(session, user, now: datetime | None = None) -> None:
    session.expire_all()
    now = now or utcnow()
    assert inbox.tab_counts(session, user, now) == counted_from_the_items(session, user, now)


def test_the_counts_follow_every_step_of_the_lifecycle(db_session, me, colleague):
    assert_kept(db_session, me)
    first = factories.inbox_item(db_session, due_in=timedelta(hours=-5))  # arrived already overdue
    second = factories.inbox_item(db_session, due_in=timedelta(days=3))
    undated = factories.inbox_item(db_session, due_in=None)  # counted as open, never overdue
    withdrawn = factories.inbox_item(db_session)
    db_session.commit()
    assert_kept(db_session, me)
    assert inbox.tab_counts(db_session, me, utcnow())[0] == {
        "open": 4,
        "mine": 0,
        "unassigned": 4,
        "needs_info": 0,
        "overdue": 1,
    }

    lifecycle.claim(db_session, first, me, first.version)
    assert_kept(db_session, me)
    lifecycle.assign(db_session, second, me, colleague, second.version)
    assert_kept(db_session, me)
    assert_kept(db_session, colleague)
    lifecycle.assign(db_session, second, colleague, me, second.version)  # from one case manager to another
    assert_kept(db_session, me)
    lifecycle.claim(db_session, undated, colleague, undated.version)
    assert_kept(db_session, colleague)

    kinds.request_information(db_session, first, me, "Page 2, please.", None, first.version, SETTINGS)
    assert_kept(db_session, me)
    assert inbox.tab_counts(db_session, me, utcnow())[0]["needs_info"] == 1
    lifecycle.transition(db_session, first, first.submitted_by, "provide_information", first.version)
    lifecycle.commit(db_session, first)
    assert_kept(db_session, me)

    lifecycle.withdraw(db_session, withdrawn, withdrawn.submitted_by, withdrawn.version)
    assert_kept(db_session, me)
    kinds.accept(db_session, first, me, first.version)
    assert_kept(db_session, me)
    kinds.decline(db_session, second, me, second.version, "Not the form we asked for.")
    assert_kept(db_session, me)
    lifecycle.release_all(db_session, colleague, me, utcnow())
    db_session.commit()
    assert_kept(db_session, colleague)
    assert inbox.tab_counts(db_session, me, utcnow())[0] == {
        "open": 1,
        "mine": 0,
        "unassigned": 1,
        "needs_info": 0,
        "overdue": 0,
    }


def test_the_counts_follow_a_changed_due_date_and_a_deleted_item(db_session, me):
    item = factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=me, due_in=timedelta(days=4))
    other = factories.inbox_item(db_session, due_in=timedelta(days=4))  # the same day's bucket
    db_session.commit()
    for due_in in (timedelta(days=-40), None, timedelta(hours=-1), timedelta(days=4)):
        item.due_at = None if due_in is None else utcnow() + due_in
        db_session.commit()
        assert_kept(db_session, me)
    db_session.delete(other)
    db_session.commit()
    assert_kept(db_session, me)
    db_session.delete(item)
    db_session.commit()
    assert_kept(db_session, me)
    # Nothing open: no bucket is left behind, however many came and went.
    assert db_session.scalar(select(func.count()).select_from(InboxCount)) == 0
    assert db_session.scalar(select(func.count()).select_from(InboxDueCount)) == 0


def test_the_counts_follow_statements_that_bypass_the_models(db_session, me, colleague):
    """A bulk load (the scale seed's), and a bulk update or delete, as a script or a migration might run them."""
    case = factories.case(db_session)
    now = utcnow()
    db_session.execute(
        insert(Submission),
        [
            {
                "reference": f"B-{n:04d}-BULK",
                "kind": SubmissionKind.DOCUMENT,
                "case_id": case.id,
                "submitted_by_id": case.employee_id,
                "submitted_at": now,
                "status": status,
                "is_open": status in (S.NEW, S.IN_REVIEW, S.NEEDS_INFO),
                "assignee_id": assignee,
                "priority": 0,
                "due_at": now + timedelta(days=n - 10),
                "summary": "",
                "updated_at": now,
                "version": 1,
            }
            for n, (status, assignee) in enumerate(
                [(S.NEW, None), (S.IN_REVIEW, me.id), (S.NEEDS_INFO, colleague.id), (S.ACCEPTED, me.id)] * 5
            )
        ],
    )
    db_session.commit()
    assert_kept(db_session, me)
    db_session.execute(
        update(Submission)
        .where(Submission.assignee_id == colleague.id)
        .values(assignee_id=me.id, due_at=now + timedelta(days=30))
    )
    db_session.commit()
    assert_kept(db_session, me)
    db_session.execute(update(Submission).where(Submission.status == S.NEW).values(status=S.WITHDRAWN, is_open=False))
    db_session.commit()
    assert_kept(db_session, me)
    db_session.execute(delete(Submission).where(Submission.status == S.IN_REVIEW))
    db_session.commit()
    assert_kept(db_session, me)


def test_overdue_is_exact_across_midnight_utc(db_session, me):
    """Past days are counted from their buckets; today's items one by one against the moment, so an item is
    overdue from the instant it falls due, whatever the program's time zone."""
    midnight = datetime.combine(utcnow().date() + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    moments = [
        midnight - timedelta(days=2),
        midnight - timedelta(microseconds=1),
        midnight,
        midnight + timedelta(hours=6),
        midnight + timedelta(days=1) - timedelta(seconds=1),
        midnight + timedelta(days=1),
    ]
    for moment in moments:
        factories.inbox_item(db_session, due_at=moment)
    db_session.commit()
    instants = [moment + delta for moment in moments for delta in (-timedelta(microseconds=1), timedelta(0))]
    instants.append(moments[-1] + timedelta(days=5))
    for now in instants:
        assert_kept(db_session, me, now)


def test_who_has_no_inbox_counts_nothing(db_session, me):
    factories.inbox_item(db_session, status=S.IN_REVIEW, assignee=me, due_in=timedelta(days=-1))
    db_session.commit()
    employee = factories.user(db_session, Role.EMPLOYEE)
    assert inbox.tab_counts(db_session, employee, utcnow()) == (
        {"open": 0, "mine": 0, "unassigned": 0, "needs_info": 0, "overdue": 0},
        0,
    )


def test_the_migration_counts_the_items_already_there(tmp_path):
    """Upgrading a program that has items fills the counts from them."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    used = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'used.sqlite3'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with used.app_context():
        upgrade(revision="7c3e4f5a6d72")  # before the counts
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, role, active, created_at) VALUES "
                    "(1, 'alex@example.test', 'Alex', 'employee', 1, '2026-01-01 00:00:00'), "
                    "(2, 'morgan@example.test', 'Morgan', 'case_manager', 1, '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, number, employee_id, case_type, status, opened_at) "
                    "VALUES (1, 'C-2026-00001', 1, 'leave', 'open', '2026-01-01 00:00:00')"
                )
            )
            for n, (status, is_open, assignee, due_at) in enumerate(
                [
                    ("new", 1, None, "2026-01-02 05:59:59.000000"),
                    ("in_review", 1, 2, "2026-01-02 23:00:00.000000"),
                    ("needs_info", 1, 2, None),
                    ("accepted", 0, 2, "2026-01-02 05:59:59.000000"),
                ]
            ):
                connection.execute(
                    text(
                        "INSERT INTO submissions (reference, kind, case_id, submitted_by_id, submitted_at, status, "
                        "is_open, assignee_id, priority, due_at, summary, updated_at, version) VALUES (:reference, "
                        "'document', 1, 1, '2026-01-01 00:00:00', :status, :is_open, :assignee, 0, :due_at, '', "
                        "'2026-01-01 00:00:00', 1)"
                    ),
                    {"reference": f"D-AAAA-{n:04d}", "status": status, "is_open": is_open, "assignee": assignee}
                    | {"due_at": due_at},
                )
        upgrade(revision="8a1b2c3d4e5f")
        with db.engine.connect() as connection:
            by_assignee = connection.execute(text("SELECT assignee_key, status, n FROM inbox_counts ORDER BY 1, 2"))
            assert by_assignee.all() == [(0, "new", 1), (2, "in_review", 1), (2, "needs_info", 1)]
            by_day = connection.execute(text("SELECT due_on, n FROM inbox_due_counts"))
            assert by_day.all() == [("2026-01-02", 2)]
        db.engine.dispose()
