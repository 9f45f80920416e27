"""``flask portal ...`` commands: check-deploy, seed-demo, seed-scale, create-user, import-roster, deliver-mail,
remind, generate-tasks, count-days-lost, expire-drafts, sweep-uploads."""

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import deployment, settings
from portal.accommodations import operations as accommodations
from portal.accounts import operations as accounts
from portal.accounts import roster_import
from portal.accounts.models import Role, User
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.devtools import demo, scale
from portal.extensions import db, mail
from portal.files import storage
from portal.items.deadlines import DueState, program_today
from portal.items.models import OPEN_STATUSES, SubmissionKind, SubmissionStatus
from portal.mail import delivery as mailer
from portal.metrics import periods as days_lost_periods
from portal.reminders import operations as reminding
from portal.tasks import generation
from portal.tasks import rules as task_rules
from portal.web import once

portal_cli = AppGroup("portal", help="Portal administration commands.")


@portal_cli.command("check-deploy")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1), help="Web workers to run.")
def check_deploy(workers: int) -> None:
    """Refuse a configuration unsafe for production, saying what to fix (gunicorn's start runs the same)."""
    found = deployment.problems(current_app.config, os.environ, workers)
    for problem in found:
        click.echo(f"- {problem}", err=True)
    if found:
        raise click.ClickException(f"Not safe to deploy: {len(found)} problem{'s' if len(found) != 1 else ''} above.")
    click.echo("Ready to deploy: debug off, a strong secret key, HTTPS, Secure cookies, the database, mail.")


@portal_cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even a database that is not SQLite.")
def seed_demo(force: bool) -> None:
    """Create the demo accounts and a demo case (safe to run again)."""
    if db.engine.dialect.name != "sqlite" and not force:
        raise click.ClickException(
            "This database is not the embedded SQLite one. Demo accounts have a published "
            "password; add --force if you really mean to seed it."
        )
    demo.seed(db.session, settings.current())
    click.echo(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}, for demonstration only):")
    for email, _name, role in demo.DEMO_ACCOUNTS:
        click.echo(f"  {Role(role).label:<13} {email}")
    click.echo(f"Sign in at {current_app.config['PORTAL_BASE_URL']}/login")


@portal_cli.command("seed-scale")
@click.option(
    "--submissions",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=100),
    help="How many inbox items; there is one case for every five.",
)
@click.option("--seed", default=1, show_default=True, help="The same seed builds the same program.")
@click.option(
    "--open-share",
    type=click.FloatRange(min=0, max=1),
    help="A program with a backlog: this share of the items still open (0.35 for 35,000 of 100,000).",
)
@click.option("--force", is_flag=True, help="Seed even a database that is not SQLite.")
def seed_scale(submissions: int, seed: int, open_share: float | None, force: bool) -> None:
    """Build a large, realistic program for load tests: cases, people and years of inbox items."""
    if db.engine.dialect.name != "sqlite" and not force:
        raise click.ClickException(
            "This database is not the embedded SQLite one. Scale accounts have a published "
            "password; add --force if you really mean to seed it."
        )
    limits = settings.current().uploads
    started = time.perf_counter()
    try:
        built = scale.seed_scale(
            db.session,
            submissions,
            settings.current().deadlines,
            limits.upload_folder,
            limits.max_bytes,
            seed=seed,
            open_share=open_share,
        )
    except Conflict as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Built a program of {built.submissions:,} submissions in {time.perf_counter() - started:.1f} s.")
    click.echo(
        f"  Cases: {built.cases:,} ("
        + ", ".join(f"{CaseType(t).label.lower()} {n:,}" for t, n in sorted(built.case_types.items()))
        + ")"
    )
    click.echo("  People: " + ", ".join(f"{n:,} {Role(role).label.lower()}s" for role, n in built.people.items()))
    click.echo(f"  Roster: {built.roster:,} people, every employee and supervisor and the managers above them")
    click.echo(
        "  Submissions by kind: "
        + ", ".join(f"{SubmissionKind(kind).label.lower()} {n:,}" for kind, n in sorted(built.kinds.items()))
    )
    click.echo(
        "  Submissions by status: "
        + ", ".join(f"{status.label.lower()} {built.statuses[status]:,}" for status in SubmissionStatus)
    )
    open_statuses = ", ".join(f"{status.label.lower()} {built.statuses[status]:,}" for status in OPEN_STATUSES)
    click.echo(
        f"  Open items: {built.open_items:,} ({open_statuses}); overdue {built.due[DueState.OVERDUE]:,}, "
        f"due today {built.due[DueState.DUE_TODAY]:,}, due in the next two days {built.due[DueState.DUE_SOON]:,}, "
        f"later {built.due[DueState.LATER]:,}"
    )
    click.echo(
        f"Case managers ({len(built.case_managers)}; password for every scale account: {scale.SCALE_PASSWORD}, "
        "for testing only):"
    )
    for email, name in built.case_managers:
        click.echo(f"  {email:<24} {name}")
    click.echo(f"Sign in at {current_app.config['PORTAL_BASE_URL']}/login")


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.password_option(help="At least 12 characters; asked for if not given.")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an active account (for the first admin, say)."""
    try:
        user = accounts.create_user(db.session, email, name, Role(role), password)
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role_enum.label.lower()} {user.email}.")


@portal_cli.command("import-roster")
@click.argument("roster_file", type=click.File("rb"))
@click.option("--yes", is_flag=True, help="Write the changes without asking (for a scheduled load).")
@click.option("--as", "admin_email", help="The admin the changes are recorded as made by, and invitations come from.")
def import_roster(roster_file, yes: bool, admin_email: str | None) -> None:
    """Load the roster from a CSV file: shows what would change, then writes all of it, or none, once confirmed."""
    admin = None
    if admin_email:
        admin = db.session.scalar(select(User).where(User.email == accounts.normalise_email(admin_email)))
        if admin is None or admin.role != Role.ADMIN:
            raise click.ClickException(f"No admin account has the email {admin_email}.")
    try:
        staged = roster_import.stage(db.session, admin, os.path.basename(roster_file.name), roster_file.read())
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    plan = roster_import.preview(db.session, staged.content, utcnow().date())
    for problem in plan.file_problems:
        click.echo(f"- {problem}", err=True)
    for row_problem in plan.problems[: roster_import.SHOWN]:
        click.echo(f"- line {row_problem.line}: {' '.join(row_problem.messages)}", err=True)
    if not plan.can_apply:
        more = len(plan.problems) - roster_import.SHOWN
        raise click.ClickException(
            (f"and {more:,} more rows with problems. " if more > 0 else "")
            + "Nothing was changed: fix the file and load it again."
        )
    click.echo(
        f"{plan.rows:,} people in the file: {len(plan.added):,} to add, {len(plan.changed):,} to change, "
        f"{plan.unchanged:,} unchanged, {len(plan.left_out):,} no longer in the roster."
    )
    for change in plan.changed[: roster_import.SHOWN]:
        described = "; ".join(
            f"{item.label}: {item.old or '(none)'} -> {item.new or '(none)'}" for item in change.changes
        )
        click.echo(f"  ~ {change.row.employee_number} {change.row.name}: {described or 'back in the roster'}")
    for person in plan.left_out[: roster_import.SHOWN]:
        click.echo(f"  - {person.employee_number} {person.name}: not in the latest roster")
    if not plan.changes_anything:
        click.echo("Nothing to change.")
        return
    if not yes:
        click.confirm("Write these changes?", abort=True)
    try:
        roster_import.apply(db.session, admin, staged, plan.digest, settings.current().accounts)
    except (InvalidInput, Conflict) as error:
        raise click.ClickException(str(error)) from None
    click.echo("Roster loaded.")


@portal_cli.command("deliver-mail")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (Ctrl-C or SIGTERM).")
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between looks at the outbox, with --loop.",
)
def deliver_mail(loop: bool, interval: float) -> None:
    """Send the queued email that is due: once, or with --loop until stopped."""
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    if not loop:
        try:
            report = mailer.deliver_due(db.session, mail, worker_id)
        except SQLAlchemyError as error:
            raise click.ClickException(f"The database is not available: {_first_line(error)}") from None
        click.echo(f"Mail delivery: {report}.")
        return

    def deliver_once() -> None:
        try:
            report = mailer.deliver_due(db.session, mail, worker_id)
        except SQLAlchemyError as error:
            # The database may be restarting: what is claimed waits for its lease; try again later.
            db.session.rollback()
            current_app.logger.error(
                "Mail delivery: database not available, retrying in %gs: %s", interval, _first_line(error)
            )
        else:
            if report.sent or report.retried or report.failed:
                click.echo(f"Mail delivery: {report}.")

    click.echo(f"Delivering mail as {worker_id} every {interval:g}s; Ctrl-C or SIGTERM stops.")
    _until_stopped(deliver_once, interval)
    click.echo("Mail delivery stopped.")


@portal_cli.command("remind")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day to remind for, YYYY-MM-DD (default: today, in the program's time zone).",
)
@click.option("--loop", is_flag=True, help="Keep reminding until stopped (Ctrl-C or SIGTERM), beside the mail worker.")
@click.option(
    "--interval",
    default=900.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds between runs, with --loop: a day's reminders go at the first run of the day.",
)
def remind(today, loop: bool, interval: float) -> None:
    """Bring every case's tasks in line with the rules, then email reminders to whoever owes something, and each
    case manager's daily digest (with the tasks due); nothing twice."""
    deadlines = settings.current().deadlines
    if today is not None and loop:
        raise click.UsageError("--today names one day; a loop reminds for each day as it comes.")

    def tasks_then_reminders(day) -> tuple[generation.Refreshed, reminding.RunSummary]:
        refreshed = generation.refresh(db.session, task_rules.current(), deadlines)
        db.session.commit()
        return refreshed, reminding.remind(db.session, deadlines, day)

    if not loop:
        day = today.date() if today else program_today(deadlines)
        try:
            refreshed, summary = tasks_then_reminders(day)
        except SQLAlchemyError as error:
            raise click.ClickException(f"The database is not available: {_first_line(error)}") from None
        click.echo(f"Tasks: {refreshed}.")
        click.echo(f"Reminders: {summary}.")
        return

    def remind_once() -> None:
        try:
            refreshed, summary = tasks_then_reminders(program_today(deadlines))
        except SQLAlchemyError as error:
            # What was sent is committed person by person; the rest is sent at the next run.
            db.session.rollback()
            current_app.logger.error(
                "Reminders: database not available, retrying in %gs: %s", interval, _first_line(error)
            )
        else:
            if refreshed.created or refreshed.closed or refreshed.reassigned:
                click.echo(f"Tasks: {refreshed}.")
            if summary.sent:
                click.echo(f"Reminders: {summary}.")

    click.echo(f"Reminding every {interval:g}s; Ctrl-C or SIGTERM stops.")
    _until_stopped(remind_once, interval)
    click.echo("Reminders stopped.")


@portal_cli.command("generate-tasks")
def generate_tasks() -> None:
    """Bring every case's tasks in line with the rules file now (after changing it, say); remind does it too."""
    started = time.perf_counter()
    try:
        refreshed = generation.refresh(db.session, task_rules.current(), settings.current().deadlines)
        db.session.commit()
    except SQLAlchemyError as error:
        raise click.ClickException(f"The database is not available: {_first_line(error)}") from None
    click.echo(f"Tasks: {refreshed}, in {time.perf_counter() - started:.1f} s.")


@portal_cli.command("count-days-lost")
def count_days_lost() -> None:
    """Write every case's days lost as periods for the program's figures (after an upgrade or a bulk load; every
    later change keeps them current)."""
    started = time.perf_counter()
    try:
        written = days_lost_periods.refresh_every_case(db.session())
        db.session.commit()
    except SQLAlchemyError as error:
        raise click.ClickException(f"The database is not available: {_first_line(error)}") from None
    click.echo(f"Days lost: {written:,} periods written, in {time.perf_counter() - started:.1f} s.")


def _until_stopped(run_once: Callable[[], None], interval: float) -> None:
    """Call ``run_once`` every ``interval`` seconds until Ctrl-C or SIGTERM. A signal only asks the loop to stop,
    so the run in hand finishes and is recorded first; a second Ctrl-C interrupts at once."""
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {number: signal.signal(number, request_stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.is_set():
            run_once()
            stop.wait(interval)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@portal_cli.command("expire-drafts")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Untouched for this many days (default: ACCOMMODATION_DRAFT_DAYS).",
)
def expire_drafts(days: int | None) -> None:
    """Delete accommodation requests never sent and long untouched, with their documents' rows; and forget
    the one-time keys of forms sent more than a day ago."""
    days = days or current_app.config["ACCOMMODATION_DRAFT_DAYS"]
    deleted = accommodations.expire_drafts(db.session, utcnow() - timedelta(days=days))
    click.echo(
        f"{deleted} unsent accommodation request{'s' if deleted != 1 else ''} untouched for {days} days "
        "deleted. Run sweep-uploads next to remove their files."
    )
    forgotten = once.forget_old_keys(db.session)
    click.echo(f"{forgotten} one-time form key{'s' if forgotten != 1 else ''} older than a day forgotten.")


@portal_cli.command("sweep-uploads")
@click.option(
    "--grace-hours",
    default=6,
    show_default=True,
    type=click.IntRange(min=1),
    help="Leave files written more recently than this: an upload may still be in progress.",
)
def sweep_uploads(grace_hours: int) -> None:
    """Remove partial uploads and unreferenced files left by a crash; fail if a row's file is missing."""
    report = storage.sweep(db.session, current_app.config["UPLOAD_FOLDER"], grace=timedelta(hours=grace_hours))
    click.echo(f"Upload sweep: {report}.")
    if report.missing:  # a failure, so that cron mails it
        raise click.ClickException(
            "Documents are missing from the upload folder (the warning lists their keys); restore them from a backup."
        )


def _first_line(error: Exception) -> str:
    return str(error).strip().partition("\n")[0]
