"""The outbox worker: delivery over real SMTP, retries, leases, concurrent workers, the CLI."""

import os
import signal
import socket
import threading
from datetime import timedelta

import flask_mail
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.columns import utcnow
from portal.extensions import db, mail
from portal.mail import delivery as mailer
from portal.mail import notifications
from portal.mail.models import EmailStatus, OutboundEmail
from tests.smtp import free_port

WORKER = "test-host:1"


def queue_email(session, to_address="someone@example.test", **attributes) -> OutboundEmail:
    values = {
        "to_address": to_address,
        "subject": "Hello",
        "body_text": f"Text for {to_address}",
        "body_html": f"<p>HTML for {to_address}</p>",
        "template": "test",
    }
    values.update(attributes)
    email = OutboundEmail(**values)
    session.add(email)
    session.commit()
    return email


def reload(session, email: OutboundEmail) -> OutboundEmail:
    session.expire_all()
    return session.get(OutboundEmail, email.id)


def test_delivers_a_queued_email_over_smtp(app, db_session, smtp_server):
    user = User(email="ann@example.test", name="Ann Example", role="employee", active=True)
    notifications.queue(
        db_session, user.email, "password_reset", user=user, token="t0ken", expires_at=utcnow() + timedelta(hours=2)
    )
    db_session.commit()

    report = mailer.deliver_due(db_session, mail, WORKER)

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["to"] == ["ann@example.test"]
    assert received["message"]["Subject"] == "Reset your password"
    assert received["message"]["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "http://portal.test/" in smtp_server.body_of() and "t0ken" in smtp_server.body_of()
    assert received["message"].get_body(preferencelist=("html",)) is not None
    email = db_session.scalars(select(OutboundEmail)).one()
    assert email.status == EmailStatus.SENT and email.sent_at is not None
    assert email.attempts == 0 and email.claimed_by == WORKER and email.claimed_until is None


@pytest.mark.security(
    threat="Live reset and invitation links readable in the outbox table",
    control="Once sent, an email's one-time link is taken out of the stored text",
)
@pytest.mark.parametrize("console", [False, True])
def test_a_sent_email_keeps_no_usable_one_time_link(app, db_session, smtp_server, monkeypatch, console):
    if console:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    user = User(email="ann@example.test", name="Ann Example", role="employee", active=True)
    token = "Zq8-secret_token-0123456789abcdefghijklmnopq"
    notifications.queue(db_session, user.email, "password_reset", user=user, token=token, expires_at=utcnow())
    notifications.queue(db_session, user.email, "invitation", user=user, token=token, expires_at=utcnow(), inviter=user)
    db_session.commit()
    assert mailer.deliver_due(db_session, mail, WORKER).sent == 2
    for email in db_session.scalars(select(OutboundEmail)):
        assert token not in email.body_text and token not in (email.body_html or ""), email.template
        assert "(link removed once sent)" in email.body_text
    if not console:
        assert smtp_server.body_of().count(token) >= 1  # the person still got it


def test_nothing_due_does_nothing(app, db_session, smtp_server):
    queue_email(db_session, next_attempt_at=utcnow() + timedelta(minutes=5))

    report = mailer.deliver_due(db_session, mail, WORKER)

    assert (report.sent, report.retried, report.failed) == (0, 0, 0)
    assert smtp_server.messages == []


def test_server_down_keeps_the_email_queued_and_a_later_run_delivers_it(app, db_session, smtp_server, monkeypatch):
    email = queue_email(db_session)
    now = utcnow()
    with monkeypatch.context() as patch:
        patch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
        report = mailer.deliver_due(db_session, mail, WORKER, now=now)

    assert (report.sent, report.retried) == (0, 1)
    email = reload(db_session, email)
    assert email.status == EmailStatus.QUEUED and email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at == now + timedelta(minutes=1)
    assert email.claimed_until is None

    assert mailer.deliver_due(db_session, mail, WORKER, now=now + timedelta(seconds=30)).sent == 0
    report = mailer.deliver_due(db_session, mail, WORKER, now=now + timedelta(minutes=1))

    assert report.sent == 1
    assert reload(db_session, email).status == EmailStatus.SENT
    assert [received["to"] for received in smtp_server.messages] == [["someone@example.test"]]


def test_a_server_that_does_not_answer_times_out(app, db_session, monkeypatch):
    email = queue_email(db_session)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never greets
        monkeypatch.setitem(app.config, "MAIL_PORT", silent.getsockname()[1])
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
        report = mailer.deliver_due(db_session, mail, WORKER)

    assert report.retried == 1
    email = reload(db_session, email)
    assert email.status == EmailStatus.QUEUED and "timed out" in email.last_error


@pytest.mark.security(
    threat="An email reaches the mail server twice when the server acknowledges slower than the timeout",
    control="The acknowledgement is waited for longer than a command (MAIL_DATA_TIMEOUT); one Message-ID a message",
)
def test_a_server_slow_to_acknowledge_gets_the_message_once(app, db_session, smtp_server, monkeypatch):
    email = queue_email(db_session)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    monkeypatch.setitem(app.config, "MAIL_DATA_TIMEOUT", 10)
    smtp_server.slowness["ack_seconds"] = 1.5  # slower than a command may take, not than an acknowledgement
    assert mailer.deliver_due(db_session, mail, WORKER).sent == 1
    assert reload(db_session, email).status == EmailStatus.SENT
    assert mailer.deliver_due(db_session, mail, WORKER, now=utcnow() + timedelta(hours=1)).sent == 0
    assert len(smtp_server.messages) == 1


def test_retries_back_off_and_give_up_after_the_last_attempt(app, db_session, smtp_server, monkeypatch):
    email = queue_email(db_session)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    now = utcnow()
    reports = []
    for _ in range(3):
        reports.append(mailer.deliver_due(db_session, mail, WORKER, now=now))
        now = reload(db_session, email).next_attempt_at

    assert [(report.retried, report.failed) for report in reports] == [(1, 0), (1, 0), (0, 1)]
    email = reload(db_session, email)
    assert email.status == EmailStatus.FAILED and email.attempts == 3 and email.last_error
    assert mailer.deliver_due(db_session, mail, WORKER, now=now + timedelta(days=1)).failed == 0
    assert [mailer.retry_delay(n) for n in (1, 2, 3, 7, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_a_mailbox_refused_for_good_fails_at_once_and_a_busy_one_is_tried_again(app, db_session, smtp_server):
    smtp_server.refusals["left.the.company@example.test"] = "550 5.1.1 No such mailbox here"
    smtp_server.refusals["busy@example.test"] = "450 4.2.1 Mailbox busy, try again later"
    gone = queue_email(db_session, "left.the.company@example.test")
    busy = queue_email(db_session, "busy@example.test")
    fine = queue_email(db_session, "fine@example.test")

    report = mailer.deliver_due(db_session, mail, WORKER)

    assert (report.sent, report.retried, report.failed) == (1, 1, 1)
    assert [received["to"] for received in smtp_server.messages] == [["fine@example.test"]]
    gone = reload(db_session, gone)
    assert gone.status == EmailStatus.FAILED and gone.attempts == 1 and "No such mailbox" in gone.last_error
    busy = reload(db_session, busy)
    assert busy.status == EmailStatus.QUEUED and busy.attempts == 1 and "Mailbox busy" in busy.last_error
    assert reload(db_session, fine).status == EmailStatus.SENT


def test_undelivered_emails_are_listed_most_recent_first_and_only_failed_ones(app, db_session):
    now = utcnow()
    older = queue_email(db_session, "older@example.test", status=EmailStatus.FAILED, created_at=now - timedelta(days=2))
    newer = queue_email(db_session, "newer@example.test", status=EmailStatus.FAILED, created_at=now - timedelta(days=1))
    queue_email(db_session, "queued@example.test")
    queue_email(db_session, "sent@example.test", status=EmailStatus.SENT)

    page = mailer.undelivered_page(db_session, 1, 10)

    assert [email.id for email in page.items] == [newer.id, older.id]
    assert mailer.undelivered_count(db_session) == 2


def test_an_email_sent_again_starts_its_attempts_afresh_and_is_delivered(app, db_session, smtp_server):
    smtp_server.refusals["new.starter@example.test"] = "550 5.1.1 No such mailbox here"
    email = queue_email(db_session, "new.starter@example.test")
    other = queue_email(db_session, "other@example.test", status=EmailStatus.FAILED, attempts=8)
    assert mailer.deliver_due(db_session, mail, WORKER).failed == 1
    del smtp_server.refusals["new.starter@example.test"]  # the mailbox now exists

    assert mailer.send_again(db_session, email.id) == 1
    assert mailer.send_again(db_session, email.id) == 0  # a second click changes nothing

    assert reload(db_session, email).attempts == 0
    assert reload(db_session, other).status == EmailStatus.FAILED
    assert mailer.deliver_due(db_session, mail, WORKER).sent == 1
    assert reload(db_session, email).status == EmailStatus.SENT
    assert [received["to"] for received in smtp_server.messages] == [["new.starter@example.test"]]


def test_sending_every_failed_email_again_leaves_the_others_alone(app, db_session):
    failed = [queue_email(db_session, f"f{n}@example.test", status=EmailStatus.FAILED, attempts=8) for n in range(3)]
    sent = queue_email(db_session, "sent@example.test", status=EmailStatus.SENT)

    assert mailer.send_again(db_session) == 3

    assert {reload(db_session, email).status for email in failed} == {EmailStatus.QUEUED}
    assert reload(db_session, sent).status == EmailStatus.SENT
    assert mailer.undelivered_count(db_session) == 0


@pytest.mark.parametrize("template", sorted(notifications.ONE_TIME_LINK_TEMPLATES))
def test_an_email_with_a_one_time_link_is_never_sent_again_late(app, db_session, template):
    email = queue_email(db_session, template=template, status=EmailStatus.FAILED, attempts=8)

    assert mailer.send_again(db_session, email.id) == 0
    assert mailer.send_again(db_session) == 0
    assert reload(db_session, email).status == EmailStatus.FAILED


def test_a_claimed_email_is_not_claimed_again_while_its_lease_holds(app, db_session):
    queue_email(db_session)
    now = utcnow()

    first = mailer.claim_batch(db_session, "worker-a", now, limit=10, lease=timedelta(minutes=5))
    second = mailer.claim_batch(
        db_session, "worker-b", now + timedelta(minutes=4), limit=10, lease=timedelta(minutes=5)
    )

    assert len(first) == 1 and second == []


def test_an_expired_lease_of_a_crashed_worker_is_reclaimed(app, db_session, smtp_server):
    now = utcnow()
    abandoned = queue_email(
        db_session,
        "abandoned@example.test",
        status=EmailStatus.SENDING,
        claimed_by="crashed:99",
        claimed_until=now - timedelta(seconds=1),
    )
    held = queue_email(
        db_session,
        "held@example.test",
        status=EmailStatus.SENDING,
        claimed_by="alive:42",
        claimed_until=now + timedelta(minutes=1),
    )

    report = mailer.deliver_due(db_session, mail, WORKER, now=now)

    assert report.sent == 1
    assert [received["to"] for received in smtp_server.messages] == [["abandoned@example.test"]]
    abandoned, held = reload(db_session, abandoned), reload(db_session, held)
    assert (abandoned.status, abandoned.claimed_by) == (EmailStatus.SENT, WORKER)
    assert (held.status, held.claimed_by) == (EmailStatus.SENDING, "alive:42")


def test_a_worker_whose_lease_was_taken_over_does_not_record_its_outcome(app, db_session, smtp_server, monkeypatch):
    email = queue_email(db_session)
    now = utcnow()
    send = flask_mail.Connection.send

    def stall_until_reclaimed(connection, message, *args):
        # While worker A stalls in its send, its lease runs out and worker B takes the message.
        monkeypatch.setattr(flask_mail.Connection, "send", send)
        with Session(db.engine) as other:
            assert mailer.deliver_due(other, mail, "worker-b", now=now + timedelta(minutes=2)).sent == 1
        send(connection, message, *args)

    monkeypatch.setattr(flask_mail.Connection, "send", stall_until_reclaimed)
    report = mailer.deliver_due(db_session, mail, "worker-a", now=now, lease=timedelta(minutes=1))

    assert report.sent == 0
    email = reload(db_session, email)
    assert (email.status, email.claimed_by) == (EmailStatus.SENT, "worker-b")
    # The documented at-least-once case: two copies, recognisable as one message.
    first, second = (received["message"]["Message-ID"] for received in smtp_server.messages)
    assert first == second


def test_a_slow_worker_hands_back_what_it_has_no_time_left_to_send(app, db_session, smtp_server, monkeypatch):
    first, second = queue_email(db_session, "first@example.test"), queue_email(db_session, "second@example.test")
    send = flask_mail.Connection.send

    def slow_send(connection, message, *args):
        threading.Event().wait(0.3)
        send(connection, message, *args)

    monkeypatch.setattr(flask_mail.Connection, "send", slow_send)
    report = mailer.deliver_due(db_session, mail, WORKER, lease=timedelta(seconds=0.4))

    assert report.sent == 1
    first, second = reload(db_session, first), reload(db_session, second)
    assert first.status == EmailStatus.SENT
    assert (second.status, second.attempts, second.claimed_until) == (EmailStatus.QUEUED, 0, None)


def test_console_delivery_prints_and_marks_sent(app, db_session, smtp_server, monkeypatch, capsys):
    email = queue_email(db_session, "dev@example.test", subject="Your invitation", body_text="Open this link")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")

    report = mailer.deliver_due(db_session, mail, WORKER)

    assert report.sent == 1
    printed = capsys.readouterr().out
    assert "dev@example.test" in printed and "Your invitation" in printed and "Open this link" in printed
    assert reload(db_session, email).status == EmailStatus.SENT
    assert smtp_server.messages == []


@pytest.mark.postgres_only
def test_two_workers_at_once_deliver_each_email_exactly_once(app, db_session, smtp_server):
    addresses = [f"person{n}@example.test" for n in range(40)]
    for address in addresses:
        queue_email(db_session, address)
    start = threading.Barrier(2)
    errors = []

    def work(worker_id):
        try:
            with app.app_context(), Session(db.engine) as session:
                start.wait()
                while mailer.deliver_due(session, mail, worker_id, limit=5).sent:
                    pass
        except Exception as error:  # surfaced by the assertion below, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    received = sorted(address for message in smtp_server.messages for address in message["to"])
    assert received == sorted(addresses)
    db_session.expire_all()
    assert set(db_session.scalars(select(OutboundEmail.status))) == {EmailStatus.SENT}


def test_cli_delivers_once(app, db_session, smtp_server):
    queue_email(db_session, "cli@example.test")

    result = app.test_cli_runner().invoke(args=["portal", "deliver-mail"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed" in result.output
    assert [received["to"] for received in smtp_server.messages] == [["cli@example.test"]]


def test_cli_loop_survives_a_database_outage_and_stops_on_sigterm(app, db_session, smtp_server, monkeypatch, caplog):
    queue_email(db_session, "loop@example.test")
    deliver_due = mailer.deliver_due
    calls = []

    def database_down_at_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))
        return deliver_due(*args, **kwargs)

    def stop_once_delivered():
        for _ in range(100):
            if smtp_server.messages:
                break
            threading.Event().wait(0.1)
        if signal.getsignal(signal.SIGTERM) is not default_handler:  # never kill the test run itself
            os.kill(os.getpid(), signal.SIGTERM)

    default_handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(mailer, "deliver_due", database_down_at_first)
    stopper = threading.Thread(target=stop_once_delivered)
    stopper.start()
    result = app.test_cli_runner().invoke(args=["portal", "deliver-mail", "--loop", "--interval", "0.1"])
    stopper.join()

    assert result.exit_code == 0, result.output
    assert "database not available" in caplog.text
    assert "1 sent" in result.output and "Mail delivery stopped." in result.output
    assert [received["to"] for received in smtp_server.messages] == [["loop@example.test"]]
    assert signal.getsignal(signal.SIGTERM) is default_handler
