"""The outbox worker: claim due emails, send them over SMTP, record what happened.

Several workers may run side by side, on several hosts. A worker claims messages with a
lease before sending them, and writes an outcome only while it still holds the claim.
"""

import logging
import re
import smtplib
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask_mail import Connection, Mail, Message
from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.orm import load_only

from portal.core.columns import utcnow
from portal.core.pagination import Page, paginate
from portal.mail.models import EmailStatus, OutboundEmail
from portal.mail.notifications import ONE_TIME_LINK_TEMPLATES

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
_ERROR_LENGTH = 500


@dataclass
class DeliveryReport:
    """What one run did to the messages it claimed."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


def claim_batch(session, worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[Row]:
    """Claim up to ``limit`` due messages for ``worker_id`` until ``now + lease``, and commit.

    Due means queued with ``next_attempt_at`` reached, or sending under a lease that has run
    out (its worker crashed). Returns rows with what is needed to send: id, to_address,
    subject, body_text, body_html, attempts, created_at.

    Exactly one worker gets each message. On PostgreSQL the candidates are locked with
    ``FOR UPDATE SKIP LOCKED``, so concurrent workers take different rows instead of queueing
    behind each other. SQLite has no row locks (SQLAlchemy leaves the clause out) but
    serialises writers, and the UPDATE checks again that each row is still due, so a row
    another worker claimed in the meantime is not claimed twice.
    """
    due = or_(
        and_(OutboundEmail.status == EmailStatus.QUEUED, OutboundEmail.next_attempt_at <= now),
        and_(OutboundEmail.status == EmailStatus.SENDING, OutboundEmail.claimed_until < now),
    )
    ids = session.scalars(
        select(OutboundEmail.id)
        .where(due)
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    if ids:
        claimed = session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.id.in_(ids), due)
            .values(status=EmailStatus.SENDING, claimed_by=worker_id, claimed_until=now + lease)
            .returning(
                OutboundEmail.id,
                OutboundEmail.to_address,
                OutboundEmail.subject,
                OutboundEmail.body_text,
                OutboundEmail.body_html,
                OutboundEmail.attempts,
                OutboundEmail.created_at,
            )
            .execution_options(synchronize_session=False)
        ).all()
    session.commit()
    return sorted(claimed, key=lambda row: row.id)


# The one-time links accounts send (auth.reset_password, auth.accept_invitation): once the email has gone,
# the outbox keeps its text without the token, so that no usable link is left at rest.
ONE_TIME_LINK = re.compile(r"(/(?:reset-password|invitation)/)[A-Za-z0-9_-]+")
SPENT = r"\1(link removed once sent)"


def _sent(email, now: datetime) -> dict:
    """What is written when ``email`` has gone: sent, and its bodies without their one-time links."""
    return {
        "status": EmailStatus.SENT,
        "sent_at": now,
        "body_text": ONE_TIME_LINK.sub(SPENT, email.body_text),
        "body_html": ONE_TIME_LINK.sub(SPENT, email.body_html) if email.body_html else email.body_html,
    }


def deliver_due(
    session, mail: Mail, worker_id: str, now: datetime | None = None, limit: int = 50, lease: timedelta = DEFAULT_LEASE
) -> DeliveryReport:
    """Claim the messages that are due and send them, over one SMTP connection.

    Needs an app context: the MAIL_* settings are read from the app's config on each run.

    A message sent is marked sent. A message whose send fails (connection refused, SMTP
    error, timeout) counts an attempt, keeps the error in ``last_error`` and is queued again
    after 1, 2, 4 ... minutes (at most an hour); after MAIL_MAX_ATTEMPTS it is marked failed,
    for a person to look at. A message the server refuses for good (a 5xx reply to its
    recipient or its content, such as a mailbox that does not exist) is marked failed at
    once: asking again for hours changes nothing and only delays the person who must fix
    the address. When the server cannot be reached, every claimed message counts a failed
    attempt.

    Send first, record after: a database error after sending leaves the row claimed, and
    once the lease runs out another worker sends it again. The other order would lose a
    message whenever the send failed after it was marked sent, and a lost invitation or
    password reset is worse than a second copy. So delivery is exactly once while workers
    live, and at least once when a worker dies between sending and committing; the resent
    copy keeps its Message-ID, so a receiving system can recognise it. Each outcome is
    committed at once, so a crash costs at most the message in hand; and a worker stops
    starting sends when half its lease has gone, handing the rest back, so that a slow but
    live worker is not still sending what another worker has reclaimed.

    With MAIL_SERVER empty (the development default) each message is printed to stdout and
    marked sent ("console delivery"): a developer can follow an invitation or reset link
    without a mail server, and mail that has nowhere to go is not retried for hours. Never
    run production this way: the printed messages carry one-time links.
    """
    now = now or utcnow()
    config = current_app.config
    batch = claim_batch(session, worker_id, now, limit, lease)
    report = DeliveryReport()
    if not batch:
        return report
    if not config["MAIL_SERVER"]:
        for email in batch:
            click.echo(f"--- Email to {email.to_address}: {email.subject}\n{email.body_text}\n---")
            if _finish(session, email.id, worker_id, **_sent(email, now)):
                report.sent += 1
        return report

    max_attempts = config["MAIL_MAX_ATTEMPTS"]
    deadline = time.monotonic() + lease.total_seconds() / 2
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(_smtp_connection(mail, config))
        except OSError as error:  # smtplib's errors, refusals and timeouts are all OSErrors
            for email in batch:
                _record_failure(session, email, worker_id, now, error, max_attempts, report)
            return report
        for position, email in enumerate(batch):
            if time.monotonic() > deadline:
                for unsent in batch[position:]:
                    _finish(session, unsent.id, worker_id, status=EmailStatus.QUEUED)
                break
            try:
                connection.send(_message(email, config["MAIL_DEFAULT_SENDER"]))
            except Exception as error:  # whatever stops this message counts against it alone
                _record_failure(session, email, worker_id, now, error, max_attempts, report)
            else:
                if _finish(session, email.id, worker_id, **_sent(email, now)):
                    report.sent += 1
    return report


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: doubling from a minute, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _refused_for_good(error: Exception) -> bool:
    """Whether the server refused this message with a permanent (5xx) reply.

    Only refusals of the message itself count: its recipient (every one, when several) or its
    content. A 5xx when connecting or signing in, or for the sender address, is the portal's
    setup, which someone will fix, so those are retried like any other failure.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _record_failure(
    session, email: Row, worker_id: str, now: datetime, error: Exception, max_attempts: int, report: DeliveryReport
) -> None:
    attempts = email.attempts + 1
    refused = _refused_for_good(error)
    gave_up = refused or attempts >= max_attempts
    values = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]}
    if gave_up:
        values["status"] = EmailStatus.FAILED
    else:
        values.update(status=EmailStatus.QUEUED, next_attempt_at=now + retry_delay(attempts))
    if _finish(session, email.id, worker_id, **values):
        if gave_up:
            report.failed += 1
        else:
            report.retried += 1
    log.warning(
        "Outbox message %s not delivered (attempt %s of %s%s): %s",
        email.id,
        attempts,
        max_attempts,
        ", refused for good" if refused else "",
        values["last_error"],
    )


def _finish(session, email_id: int, worker_id: str, **values) -> bool:
    """Write an outcome and commit, only if this worker still holds the claim; say whether it did."""
    result = session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == email_id,
            OutboundEmail.status == EmailStatus.SENDING,
            OutboundEmail.claimed_by == worker_id,
        )
        .values(claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:
        log.warning("Outbox message %s was reclaimed by another worker; its outcome is theirs to record.", email_id)
    return result.rowcount == 1


def undelivered_count(session) -> int:
    return session.scalar(select(func.count()).where(OutboundEmail.status == EmailStatus.FAILED))


def undelivered_page(session, page: int, per_page: int) -> Page:
    """Emails marked failed, the most recently queued first: to whom, what, and why it failed.

    Never the body: it may hold a one-time link meant for that person alone.
    """
    query = (
        select(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.FAILED)
        .options(
            load_only(
                OutboundEmail.to_address,
                OutboundEmail.subject,
                OutboundEmail.template,
                OutboundEmail.created_at,
                OutboundEmail.attempts,
                OutboundEmail.last_error,
            )
        )
        .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
    )
    return paginate(session, query, page, per_page)


def may_send_again(email: OutboundEmail) -> bool:
    """An email with a one-time link is never sent again: by now its link has expired or been replaced."""
    return email.template not in ONE_TIME_LINK_TEMPLATES


def instead_of_sending_again(email: OutboundEmail) -> str | None:
    """What gets the person a working link when an email may not be sent again: "reset_link" (they ask
    for a new one from the sign-in page) or "invitation" (an admin sends a new one); None when it may."""
    if may_send_again(email):
        return None
    return "reset_link" if email.template == "password_reset" else "invitation"


def send_again(session, email_id: int | None = None, now: datetime | None = None) -> int:
    """Queue a failed email again (every failed one when ``email_id`` is None), with its attempts
    counted from zero; returns how many.

    For when the cause is gone: a mail server down for longer than the retries last, or a
    mailbox that now exists. Only failed emails change, so a second click does nothing; and
    only those that ``may_send_again``: the others need a new invitation or reset link.
    """
    query = (
        update(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.FAILED, OutboundEmail.template.not_in(ONE_TIME_LINK_TEMPLATES))
        .values(
            status=EmailStatus.QUEUED, attempts=0, next_attempt_at=now or utcnow(), claimed_by=None, claimed_until=None
        )
    )
    if email_id is not None:
        query = query.where(OutboundEmail.id == email_id)
    queued = session.execute(query, execution_options={"synchronize_session": False}).rowcount
    session.commit()
    return queued


def _message(email: Row, sender: str) -> Message:
    message = Message(
        subject=email.subject, recipients=[email.to_address], body=email.body_text, html=email.body_html, sender=sender
    )
    # One Message-ID for every attempt, so that a copy resent after a crash reads as the same message.
    # Flask-Mail makes a (name, address) sender one string; its annotation still allows the pair.
    address = message.sender if isinstance(message.sender, str) else message.sender[1]
    domain = address.rstrip(">").rpartition("@")[2] or "localhost"
    message.msgId = f"<outbox.{email.id}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"
    return message


def _smtp_connection(mail: Mail, config) -> "_SMTPConnection":
    # Settings are read now, not when the app was built. Sending is never suppressed (Flask-Mail
    # does so under TESTING): a worker that sent into nothing would mark unsent mail sent.
    state = mail.init_mail({**config, "MAIL_SUPPRESS_SEND": False})
    return _SMTPConnection(state, timeout=config["MAIL_TIMEOUT"], data_timeout=config["MAIL_DATA_TIMEOUT"])


class _SMTPConnection(Connection):
    """Flask-Mail's connection with a timeout, which Flask-Mail has no setting for: without
    one, a server that stops answering would hold the worker and its lease indefinitely."""

    def __init__(self, state, timeout: float, data_timeout: float) -> None:
        super().__init__(state)
        self.timeout = timeout
        self.data_timeout = data_timeout

    def configure_host(self) -> smtplib.SMTP:
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=self.timeout)
        try:
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            host.close()
            raise
        # Once connected, a message's acknowledgement is waited for longer: a server that accepts it slowly
        # (RFC 5321 allows minutes) must not be taken to have refused it, and be sent the message again.
        if host.sock is not None:
            host.sock.settimeout(self.data_timeout)
        return host

    def __exit__(self, *exc_info) -> None:
        try:
            super().__exit__(*exc_info)
        except OSError:
            # Every outcome is recorded by now; a QUIT the server does not answer changes none of them.
            if self.host is not None:
                self.host.close()
