"""Reminders: a nudge to whoever owes the next step, before it is due, on the day and weekly once overdue; and
each case manager's daily digest. Run by ``flask portal remind``.

Nothing is sent twice, however often the run is repeated and on however many hosts: each reminder is a row of
``reminders_sent`` under a unique key, inserted (ON CONFLICT DO NOTHING) before its email is queued and
committed with it. A second run reaching the same reminder inserts nothing and sends nothing; on PostgreSQL a
run racing another waits on the other's row until it commits, then skips it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput
from portal.core.inserts import insert_in_dialect
from portal.mail import notifications
from portal.reminders import queries
from portal.reminders.models import Delivery, ReminderPreference, ReminderSent
from portal.settings import DeadlineSettings

CASE_MANAGER_DIGEST = "case_manager_digest"
# Every stage's window is at most a week long, so a reminder already sent for today's stage was sent within it.
_LOOK_BACK = timedelta(days=queries.WEEK + 1)


@dataclass
class RunSummary:
    """What one run sent, by the role of whoever it went to; a case manager's digest counts one."""

    sent: Counter = field(default_factory=Counter)
    emails: int = 0

    def __str__(self) -> str:
        if not self.sent:
            return "nothing to send"
        counts = ", ".join(f"{count} to {Role(role).label.lower()}s" for role, count in sorted(self.sent.items()))
        return f"{sum(self.sent.values())} reminders ({counts}) in {self.emails} emails"


@dataclass(frozen=True)
class Reminder:
    """What one reminder says: what is owed, on which case, by when, where to do it. Nothing more."""

    what: str
    case_number: str
    due_on: date
    state: str  # "before", "due" or "overdue"
    link: str


def remind(session, settings: DeadlineSettings, today: date, now: datetime | None = None) -> RunSummary:
    """Send today's reminders to everyone who owes something, as each has chosen, and each case manager's digest.
    Needs an app context (the emails are rendered). Commits one person at a time."""
    now = now or utcnow()
    summary = RunSummary()
    sent = _sent_lately(session, now)
    owing: dict[int, list[tuple[queries.Owed, str]]] = defaultdict(list)
    for owed in queries.owed_on(session, today, settings):
        stage = queries.stage(owed.due_on, owed.started_on, today)
        if stage is not None and (owed.recipient_id, owed.owed, stage) not in sent:
            owing[owed.recipient_id].append((owed, stage))
    people = _active(session, owing)
    preferences = _preferences(session, owing)
    # One order for every run, so that two runs at once wait on each other's rows instead of deadlocking.
    for person_id in sorted(owing):
        person = people.get(person_id)
        if person is None:
            continue
        preference = preferences.get(person_id) or _default(person_id)
        wanted = sorted(
            (item for item in owing[person_id] if item[0].required_by_law or preference.optional_reminders),
            key=lambda item: (item[0].owed, item[1]),
        )
        claimed = [
            _reminder(owed, stage) for owed, stage in wanted if _claim(session, person_id, owed.owed, stage, now)
        ]
        if claimed:
            summary.emails += _send(session, person, claimed, Delivery(preference.delivery))
            summary.sent[person.role] += len(claimed)
        session.commit()
    for manager in session.scalars(select(User).where(User.role == Role.CASE_MANAGER, User.active).order_by(User.id)):
        if (manager.id, CASE_MANAGER_DIGEST, today.isoformat()) not in sent and _send_digest(
            session, manager, today, now, settings
        ):
            summary.sent[manager.role] += 1
            summary.emails += 1
    return summary


def _sent_lately(session, now: datetime) -> set[tuple[int, str, str]]:
    """The reminders already sent that today's could repeat: read at once, so that a second run costs one query
    instead of an insert for each reminder (the insert still decides)."""
    rows = session.execute(
        select(ReminderSent.recipient_id, ReminderSent.owed, ReminderSent.stage).where(
            ReminderSent.sent_at >= now - _LOOK_BACK
        )
    )
    return {(row.recipient_id, row.owed, row.stage) for row in rows}


def _active(session, owing) -> dict[int, User]:
    if not owing:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(owing), User.active))}


def _preferences(session, owing) -> dict[int, ReminderPreference]:
    if not owing:
        return {}
    rows = session.scalars(select(ReminderPreference).where(ReminderPreference.user_id.in_(owing)))
    return {row.user_id: row for row in rows}


def _claim(session, recipient_id: int, owed: str, stage: str, now: datetime) -> bool:
    """Record the reminder as sent, unless it is already: True if this run is the one to send it.

    ON CONFLICT DO NOTHING on both databases the portal runs on: no error to catch, and on PostgreSQL a run whose
    insert meets another's uncommitted row waits for that commit, then inserts nothing."""
    inserted = session.scalar(
        insert_in_dialect(session, ReminderSent)
        .values(recipient_id=recipient_id, owed=owed, stage=stage, sent_at=now)
        .on_conflict_do_nothing()
        .returning(ReminderSent.id)
    )
    return inserted is not None


def _reminder(owed: queries.Owed, stage: str) -> Reminder:
    return Reminder(
        what=owed.what,
        case_number=owed.case_number,
        due_on=owed.due_on,
        state=stage.partition(":")[0],
        link=notifications.portal_url(owed.endpoint, **owed.link_values),
    )


def _send(session, person: User, reminders: list[Reminder], delivery: Delivery) -> int:
    """Queue ``person``'s reminders: one email each, or one for the day. Returns how many emails."""
    if delivery == Delivery.DIGEST:
        notifications.queue(session, person.email, "reminders_digest", recipient=person, reminders=reminders)
        return 1
    for reminder in reminders:
        notifications.queue(session, person.email, "reminder", recipient=person, reminder=reminder)
    return len(reminders)


def _send_digest(session, manager: User, today: date, now: datetime, settings: DeadlineSettings) -> bool:
    """The case manager's digest for ``today``, unless there is nothing in it or another run has sent it."""
    previous = session.scalar(
        select(func.max(ReminderSent.sent_at)).where(
            ReminderSent.recipient_id == manager.id, ReminderSent.owed == CASE_MANAGER_DIGEST
        )
    )
    # The first digest reaches back to the start of yesterday.
    since = previous or datetime.combine(today - timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.timezone))
    digest = queries.digest_for(session, manager.id, since, today, settings)
    if digest.is_empty or not _claim(session, manager.id, CASE_MANAGER_DIGEST, today.isoformat(), now):
        session.rollback()
        return False
    notifications.queue(
        session,
        manager.email,
        "case_manager_digest",
        recipient=manager,
        digest=digest,
        since=since,
        today=today,
    )
    session.commit()
    return True


def preferences_of(session, user: User) -> ReminderPreference:
    """``user``'s choice, or the default (an email for each reminder, every reminder) if they never made one."""
    return session.get(ReminderPreference, user.id) or _default(user.id)


def _default(user_id: int) -> ReminderPreference:
    return ReminderPreference(user_id=user_id, delivery=Delivery.IMMEDIATE, optional_reminders=True)


def set_preferences(session, user: User, delivery: str, optional_reminders: bool) -> ReminderPreference:
    """Keep how ``user`` is reminded. Reminders the law requires (queries.required_by_law) are sent either way."""
    if delivery not in set(Delivery):
        raise InvalidInput("Choose how to get your reminders.", field="delivery")
    preference = session.get(ReminderPreference, user.id) or ReminderPreference(user_id=user.id)
    preference.delivery = Delivery(delivery)
    preference.optional_reminders = optional_reminders
    session.add(preference)
    session.commit()
    return preference
