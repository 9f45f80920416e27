"""Inbox, caseload and figures benchmark: how fast each inbox view, the caseload, a case's page and the program's
figures answer as the program grows.

For each size (1,000, 10,000 and 100,000 submissions by default), and a program of the largest size with a
large backlog (35% of its items open, against about 2%), on each database (SQLite in
a temporary file; PostgreSQL in a database created here and dropped after, when a server
answers), builds the schema with the migrations, seeds a scale program (portal/devtools/scale.py),
times the day's reminder run over it (portal/reminders), signs in as its first case manager and requests
every inbox view through the WSGI app, in process: the time is the server's, without a network. The sizes of
one database are timed together, round by round with every view of every size in a shuffled order, so that a slower
minute of the machine or a pause of the process does not fall on one size or one view only. Prints p50
and p95 per view, the SQL statements each request runs, and at the end p95 at the largest size against the smallest,
with the targets. Beside them, the floor: a bare Flask app (no database, no sign-in) rendering a 25-row table of
the same columns from a list in memory, timed in the same rounds, and the inbox page and its htmx list fragment as
multiples of it. Exits non-zero if any view answers other than 200.

    make bench
    .venv/bin/python scripts/bench.py --sizes 1000,10000 --requests 50 --no-postgres --output bench.md

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server as postgres.
"""

import argparse
import gc
import html
import http.client
import io
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager, redirect_stderr
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urljoin

# Before the portal is imported: its instance folder and secret key must be the bench's own.
WORK = Path(tempfile.mkdtemp(prefix="portal-bench-"))
os.environ["PORTAL_INSTANCE_PATH"] = str(WORK / "instance")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

from flask_migrate import upgrade  # noqa: E402
from floor import floor_app  # noqa: E402
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from portal import create_app, settings  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.cases.models import Case  # noqa: E402
from portal.devtools import scale  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.items.deadlines import program_today  # noqa: E402
from portal.items.models import Submission  # noqa: E402
from portal.metrics import periods  # noqa: E402
from portal.reminders import operations as reminders  # noqa: E402
from portal.settings import DeadlineSettings  # noqa: E402
from portal.tasks import generation  # noqa: E402
from portal.tasks import rules as task_rules  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS = 30.0
TARGET_GROWTH = 1.5
# The program's figures aggregate the period's data, so they grow with it; their target is a ceiling alone.
FIGURES_TARGET_P95_MS = 100.0
BACKLOG_OPEN_SHARE = 0.35
# The inbox against the floor (issue 17): the page, and the list fragment an htmx change of view swaps in.
TARGET_PAGE_FLOOR = 4.0
TARGET_FRAGMENT_FLOOR = 3.0
PAGE_VIEW = "open, sort=due"
FRAGMENT_VIEW = "open, rows and pager (htmx)"
LIST_VIEW = "open, whole list (htmx)"
DEEP_PAGES = 20
NEXT_LINK = re.compile(r'<a\b[^>]*\brel="next"[^>]*>')
HREF = re.compile(r'\bhref="([^"]*)"')


@dataclass
class Timing:
    view: str
    url: str
    status: int = 200
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    rows: int = 0  # items on the page: a small program fills fewer, and each row costs rendering

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def query_count(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


@dataclass
class Run:
    database: str
    size: int
    seed_seconds: float
    timings: list[Timing]
    reminded: str
    open_share: float | None = None
    open_items: int = 0
    served: list[Timing] = field(default_factory=list)

    @property
    def label(self) -> str:
        return program_label(self.size, self.open_share, self.open_items)

    def timing(self, view: str) -> Timing | None:
        return next((t for t in self.timings if t.view == view and t.status == 200), None)


def program_label(size: int, open_share: float | None, open_items: int) -> str:
    return f"{size:,} submissions" + (f", {open_items:,} open (a backlog)" if open_share else "")


class StatementCounter:
    """Counts the SQL statements the engine sends, as a request's cost in round trips."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


# --- databases -----------------------------------------------------------------------------------


@contextmanager
def sqlite_database(name: str):
    path = WORK / f"bench-{name}.sqlite3"
    try:
        yield f"sqlite:///{path}"
    finally:
        path.unlink(missing_ok=True)


def postgres_reachable(url: str) -> str | None:
    """None if the server answers, else why not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return str(error).strip().partition("\n")[0]
    finally:
        engine.dispose()
    return None


def postgres_database(server_url: str):
    @contextmanager
    def fresh(program: str):
        name = f"portal_bench_{program}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server_url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    return fresh


# --- one database at one size ------------------------------------------------------------------------


@dataclass
class Program:
    """One size of program in its own database, seeded, with a signed-in client ready to time."""

    size: int
    seed_seconds: float
    client: object
    counter: StatementCounter | None  # None for the floor, which has no database
    timings: list[Timing]
    reminded: str  # what the task generation made and the reminder run sent, and how long each took
    open_share: float | None = None
    open_items: int = 0
    database_url: str = ""
    served: list[Timing] = field(default_factory=list)  # the floor, the page and the fragment under gunicorn


def prepare(database: str, fresh_database, size: int, stack: ExitStack, open_share: float | None = None) -> Program:
    url = stack.enter_context(fresh_database(f"{size}_backlog" if open_share else str(size)))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(uploads_of(size, open_share)),
            "PORTAL_BASE_URL": "http://bench.test",
            # The bench signs in with a password alone: it times the inbox, not the second step.
            "TWO_STEP_REQUIRED_ROLES": frozenset(),
        }
    )
    with app.app_context():
        with redirect_stderr(io.StringIO()):  # Alembic logs each migration there; a failure still raises
            upgrade()  # the schema comes from the migrations, as in production
        print(f"  seeding {size:,} submissions{' with a backlog' if open_share else ''} on {database} ...", flush=True)
        started = time.perf_counter()
        built = scale.seed_scale(
            db.session,
            size,
            DeadlineSettings.from_config(app.config),
            app.config["UPLOAD_FOLDER"],
            app.config["MAX_CONTENT_LENGTH"],
            open_share=open_share,
        )
        seed_seconds = time.perf_counter() - started
        generated = f"{generate_tasks()}; {count_days_lost()}"
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load (PostgreSQL 13+ vacuums after
            # inserts too), the tasks made from it included: fresh statistics, and the visibility
            # map that lets the tab counts read the index alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        reminded = f"{generated}; {remind()}"
        views = inbox_views(db.session)
        engine = db.engine
    counter = StatementCounter(engine)
    stack.callback(engine.dispose)  # before the database is dropped: callbacks run last in, first out
    stack.callback(counter.close)
    client = app.test_client()
    sign_in(client)
    timings = [Timing(name, url) for name, url in deep_pages(client, views)]
    return Program(size, seed_seconds, client, counter, timings, reminded, open_share, built.open_items, url)


def uploads_of(size: int, open_share: float | None) -> Path:
    return WORK / f"uploads-{size}{'-backlog' if open_share else ''}"


def generate_tasks() -> str:
    """What ``flask portal remind`` does first, the first morning after the bulk load: every case's tasks from the
    rules (all made), then again (nothing new: what each later run costs)."""
    deadlines = settings.current().deadlines
    started = time.perf_counter()
    first = generation.refresh(db.session, task_rules.current(), deadlines)
    db.session.commit()
    made = time.perf_counter() - started
    started = time.perf_counter()
    generation.refresh(db.session, task_rules.current(), deadlines)
    db.session.commit()
    return (
        f"task generation made {first.created:,} tasks in {made:.1f} s "
        f"and ran again in {time.perf_counter() - started:.1f} s (nothing new)"
    )


def count_days_lost() -> str:
    """What ``flask portal count-days-lost`` does after a bulk load: every case's days lost as periods, for the
    program's figures."""
    started = time.perf_counter()
    written = periods.refresh_every_case(db.session)
    db.session.commit()
    return f"counting days lost wrote {written:,} periods in {time.perf_counter() - started:.1f} s"


def remind() -> str:
    """Then the reminder run: everything owed that day, each case manager's digest with their tasks, every email
    rendered and queued."""
    deadlines = settings.current().deadlines
    started = time.perf_counter()
    summary = reminders.remind(db.session, deadlines, program_today(deadlines))
    return f"the reminder run took {time.perf_counter() - started:.1f} s ({summary})"


def bench_database(
    database: str, fresh_database, sizes: list[int], backlog: int | None, warmup: int, requests: int
) -> list[Run]:
    """Every size of program on one database, and the floor, all prepared first and then timed together."""
    with ExitStack() as stack:
        programs = [prepare(database, fresh_database, size, stack) for size in sizes]
        if backlog:
            programs.append(prepare(database, fresh_database, backlog, stack, open_share=BACKLOG_OPEN_SHARE))
        programs.append(floor_program())
        gc.collect()
        gc.freeze()  # as wsgi.py does once the app is built
        print(
            f"  timing {len(programs[0].timings)} views of {len(programs) - 1} programs, and the floor, together ...",
            flush=True,
        )
        measure(programs, warmup, requests)
        largest = max(
            (program for program in programs if program.size and not program.open_share), key=lambda p: p.size
        )
        print(f"  timing the inbox beside the floor under gunicorn, at {largest.size:,} submissions ...", flush=True)
        largest.served = side_by_side(largest, warmup, requests)
    return [
        Run(
            database,
            program.size,
            program.seed_seconds,
            program.timings,
            program.reminded,
            program.open_share,
            program.open_items,
            program.served,
        )
        for program in programs
    ]


# --- the floor -------------------------------------------------------------------------------------

# --- side by side under gunicorn ------------------------------------------------------------------------
# As the issue measured it: the portal and the floor each served by gunicorn (one sync worker), asked over HTTP on a
# new connection each time, as gunicorn's sync workers close every connection; the time is the client's.


@contextmanager
def served(target: str, chdir: Path, environment: dict[str, str]):
    """``target`` served by one gunicorn sync worker on a free loopback port, until the block ends; its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = WORK / "gunicorn-bench.conf.py"  # none of the portal's own: its start checks a deployment
    config.write_text("# The bench's gunicorn: the defaults.\n")
    log = (WORK / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", str(config), "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), target],
        env=os.environ | environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        started = time.monotonic()
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() - started > 60:
                    raise SystemExit(f"gunicorn could not serve {target}: see {log.name}") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def http_get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def http_sign_in(port: int) -> str:
    """Sign in as the first case manager over HTTP; the session cookie to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").partition(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urlencode({"csrf_token": token, "email": scale.FIRST_MANAGER_EMAIL, "password": scale.SCALE_PASSWORD})
    connection.request(
        "POST", "/login", body=form, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 303:
        raise SystemExit(f"Could not sign in over HTTP as {scale.FIRST_MANAGER_EMAIL}: {response.status}")
    return response.getheader("Set-Cookie", "").partition(";")[0]


def side_by_side(program: Program, warmup: int, requests: int) -> list[Timing]:
    """The floor, the inbox page and its fragment, each served by gunicorn, timed in the same rounds."""
    page_url = next(t.url for t in program.timings if t.view == PAGE_VIEW)
    fragment_url = next(t.url for t in program.timings if t.view == FRAGMENT_VIEW)
    portal_environment = {
        "DATABASE_URL": program.database_url,
        "UPLOAD_FOLDER": str(uploads_of(program.size, program.open_share)),
        "PORTAL_BASE_URL": "http://bench.test",
        "TWO_STEP_REQUIRED_ROLES": "none",
    }
    scripts = Path(__file__).resolve().parent
    with (
        served("floor:floor_app()", scripts, {}) as floor_port,
        served("wsgi:app", scripts.parent, portal_environment) as portal_port,
    ):
        cookie = http_sign_in(portal_port)
        timings = [Timing("floor", "/"), Timing(PAGE_VIEW, page_url), Timing(FRAGMENT_VIEW, fragment_url)]
        ports = {"floor": floor_port, PAGE_VIEW: portal_port, FRAGMENT_VIEW: portal_port}
        order = random.Random(0)
        for round_number in range(warmup + requests):
            order.shuffle(timings)
            for timing in timings:
                headers = htmx_headers(timing.url) | ({"Cookie": cookie} if timing.view != "floor" else {})
                began = time.perf_counter()
                response = http_get(ports[timing.view], timing.url, headers)
                elapsed = time.perf_counter() - began
                if response.status != 200:
                    timing.status = response.status
                    raise SystemExit(f"Under gunicorn, {timing.url} answered {response.status}")
                if round_number >= warmup:
                    timing.times_ms.append(elapsed * 1000)
    return sorted(timings, key=lambda timing: ["floor", PAGE_VIEW, FRAGMENT_VIEW].index(timing.view))


def floor_program() -> Program:
    return Program(0, 0.0, floor_app().test_client(), None, [Timing("floor", "/")], "")


def inbox_views(session) -> list[tuple[str, str]]:
    """Every view the bench times, named, with real values to filter and search by."""
    second_manager = session.scalar(select(User.id).where(User.email == scale.manager_email(2)))
    number, reference, employee = session.execute(
        select(Case.number, Submission.reference, User.name)
        .join(Case, Submission.case_id == Case.id)
        .join(User, Case.employee_id == User.id)
        .where(Submission.is_open)
        .order_by(Submission.id)
        .limit(1)
    ).one()
    newest = session.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1))

    def inbox(**params) -> str:
        return "/inbox/?" + urlencode(params)

    views = [(f"tab={tab}", inbox(tab=tab)) for tab in ("mine", "unassigned", "needs_info", "overdue", "closed")]
    views += [(f"open, sort={sort}", inbox(tab="open", sort=sort)) for sort in ("due", "received", "priority")]
    filters = [
        ("kind", "restriction_report"),
        ("status", "new"),
        ("assignee", second_manager),
        ("assignee", "none"),
        ("due", "overdue"),
        ("due", "today"),
        ("due", "week"),
        ("case_type", "workers_compensation"),
    ]
    views += [
        (f"open, {name}={'manager2' if value == second_manager else value}", inbox(tab="open", **{name: value}))
        for name, value in filters
    ]
    views += [
        (f"open, search {what}", inbox(tab="open", q=term))
        for what, term in (("last name", employee.split()[-1]), ("case number", number), ("reference", reference))
    ]
    views += [
        ("DEEP open, sort=received", inbox(tab="open", sort="received")),
        ("DEEP tab=closed", inbox(tab="closed")),
    ]
    views.append((LIST_VIEW, "/inbox/list?" + urlencode({"tab": "open"})))
    views.append((FRAGMENT_VIEW, "/inbox/results?" + urlencode({"tab": "open"})))
    views.append(("new-items poll", "/inbox/new?" + urlencode({"since": newest})))
    return views + case_views(session) + figures_views()


def figures_views() -> list[tuple[str, str]]:
    """The program's figures as a case manager sees them: the default period (the last three months), the last
    twelve, one case type, and a table as CSV."""
    today = program_today(settings.current().deadlines)
    year_ago = (today.replace(day=1) - timedelta(days=334)).replace(day=1)
    twelve_months = urlencode({"since": year_ago.isoformat(), "until": today.isoformat()})
    return [
        ("figures: last 3 months", "/figures/"),
        ("figures: last 12 months", f"/figures/?{twelve_months}"),
        ("figures: leave cases", "/figures/?case_type=leave"),
        ("figures: days lost CSV", "/figures/days_lost_by_month.csv"),
    ]


def case_views(session) -> list[tuple[str, str]]:
    """The caseload in its views, and the busiest case's page and timeline (the case with the most items)."""
    department = session.scalar(  # an employee's with a case, the same on every database
        select(User.department)
        .join(Case, Case.employee_id == User.id)
        .where(User.department.is_not(None))
        .order_by(Case.id)
        .limit(1)
    )
    busiest = session.scalar(
        select(Submission.case_id).group_by(Submission.case_id).order_by(func.count().desc()).limit(1)
    )

    def cases(**params) -> str:
        return "/inbox/cases?" + urlencode(params)

    return [
        ("cases: mine", cases()),
        ("cases: everyone's", cases(manager="all")),
        ("cases: everyone's, no contact 14 days", cases(manager="all", quiet_days=14)),
        ("cases: everyone's, a department", cases(manager="all", department=department or "")),
        ("cases: everyone's, longest without contact", cases(manager="all", sort="contact")),
        ("DEEP cases: everyone's", cases(manager="all")),
        ("case page, busiest case", f"/inbox/cases/{busiest}"),
        ("case timeline, busiest case", f"/inbox/cases/{busiest}/timeline"),
        ("tasks: mine", "/inbox/tasks"),
        ("tasks: everyone's, overdue", "/inbox/tasks?whose=everyone&window=overdue"),
        ("DEEP tasks: everyone's", "/inbox/tasks?whose=everyone"),
    ]


def deep_pages(client, views: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Replace each DEEP view by the page reached after following its rel=next link DEEP_PAGES times."""
    resolved = []
    for name, url in views:
        if name.startswith("DEEP "):
            url, page = follow_next(client, url)
            name = f"{name.removeprefix('DEEP ')}, page {page}"
        resolved.append((name, url))
    return resolved


def follow_next(client, url: str) -> tuple[str, int]:
    page = 1
    while page <= DEEP_PAGES:
        response = client.get(url)
        link = NEXT_LINK.search(response.get_data(as_text=True)) if response.status_code == 200 else None
        href = HREF.search(link.group(0)) if link else None
        if href is None:
            break  # no further page (a small program), or the page failed: measured and reported as it is
        url = urljoin(url, html.unescape(href.group(1)))
        page += 1
    return url, page


def htmx_headers(url: str) -> dict[str, str]:
    """The new-items poll and the list's fragments are htmx's own requests (without htmx the portal sends the browser
    to the page); a fragment is asked for from the inbox page, as a click on a tab (the whole list) or on Show them
    (its rows and pager) does."""
    for fragment, target in (("/inbox/list", "inbox-list"), ("/inbox/results", "inbox-results")):
        if url.startswith(fragment):
            return {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": "http://localhost/inbox/"}
    return {"HX-Request": "true"} if url.startswith("/inbox/new") else {}


def sign_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": scale.FIRST_MANAGER_EMAIL, "password": scale.SCALE_PASSWORD}
    )
    if response.status_code != 303:
        raise SystemExit(f"Could not sign in as {scale.FIRST_MANAGER_EMAIL}: {response.status_code}")


def measure(programs: list["Program"], warmup: int, requests: int) -> None:
    """Request every view of every size once a round, round after round, in a shuffled order.

    Rounds spread whatever else the machine does (a neighbour, a slower minute) over the small
    and the large program alike; the shuffle spreads the process's own periodic pauses (the
    garbage collector's passes) over every view, instead of letting them fall on whichever
    view keeps step with them.
    """
    requests_of_a_round = [(program, timing) for program in programs for timing in program.timings]
    order = random.Random(0)
    for round_number in range(warmup + requests):
        order.shuffle(requests_of_a_round)
        for program, timing in requests_of_a_round:
            if timing.status != 200:
                continue
            before = program.counter.count if program.counter else 0
            started = time.perf_counter()
            response = program.client.get(timing.url, headers=htmx_headers(timing.url))
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                timing.status = response.status_code
                print(
                    f"  !!! FAILED {program.size:,} {timing.view}: {timing.url} answered {response.status_code}",
                    flush=True,
                )
            elif round_number >= warmup:
                timing.times_ms.append(elapsed * 1000)
                timing.queries.append(program.counter.count - before if program.counter else 0)
                timing.rows = response.get_data(as_text=True).count('<tr id="submission-row-')


# --- the report ----------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, padded so that it also reads as plain text."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells) -> str:
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(headers), line(["-" * width for width in widths]), *map(line, rows)])


def run_report(run: Run, warmup: int, requests: int) -> str:
    rows = [
        [t.view, "FAILED", str(t.status), "", "", t.url]
        if t.status != 200
        else [t.view, f"{t.percentile(0.5):.1f}", f"{t.percentile(0.95):.1f}", t.query_count, str(t.rows), t.url]
        for t in run.timings
    ]
    heading = (
        f"### {run.database}, {run.label}\n\nSeeded in {run.seed_seconds:.1f} s; {run.reminded}; "
        f"{requests} requests per view after {warmup} to warm up.\n"
    )
    return heading + "\n" + table(["view", "p50 ms", "p95 ms", "SQL per request", "rows", "URL"], rows) + "\n"


def comparison_report(runs: list[Run]) -> str:
    """p95 at the largest size against the smallest, per database, against the targets."""
    parts = []
    for database in dict.fromkeys(run.database for run in runs):
        mine = sorted(
            (run for run in runs if run.database == database and run.size and not run.open_share),
            key=lambda run: run.size,
        )
        small, large = mine[0], mine[-1]
        if small is large:
            continue
        rows = []
        for before, after in zip(small.timings, large.timings, strict=True):
            if before.status != 200 or after.status != 200:
                rows.append([after.view, "", "", "", "", "FAILED"])
                continue
            p95_small, p95_large = before.percentile(0.95), after.percentile(0.95)
            ratio = p95_large / p95_small
            if after.view.startswith("figures"):
                verdict = "ok" if p95_large <= FIGURES_TARGET_P95_MS else "MISSED"
            else:
                verdict = "ok" if p95_large <= TARGET_P95_MS and ratio <= TARGET_GROWTH else "MISSED"
            rows.append(
                [
                    after.view,
                    f"{p95_small:.1f}",
                    f"{p95_large:.1f}",
                    f"{ratio:.2f}",
                    f"{before.rows} / {after.rows}",
                    verdict,
                ]
            )
        parts.append(
            f"### {database}: p95 at {large.size:,} against {small.size:,}\n\n"
            f"Targets: p95 ≤ {TARGET_P95_MS:g} ms at {large.size:,}, and ≤ {TARGET_GROWTH:g} × p95 at "
            f"{small.size:,}; the program's figures (views named figures), p95 ≤ {FIGURES_TARGET_P95_MS:g} ms.\n\n"
            + table(
                [
                    "view",
                    f"p95 ms at {small.size:,}",
                    f"p95 ms at {large.size:,}",
                    "ratio",
                    "rows on the page",
                    "targets",
                ],
                rows,
            )
            + "\n"
        )
    return "\n".join(parts) or "One size only: no growth to compare.\n"


def backlog_report(runs: list[Run]) -> str:
    """p95 with the backlog against the program of the same size without, per database: the page should not grow
    with the open items."""
    parts = []
    for backlog in (run for run in runs if run.open_share):
        normal = next(
            (r for r in runs if r.database == backlog.database and r.size == backlog.size and not r.open_share), None
        )
        if normal is None:
            continue
        rows = []
        for before, after in zip(normal.timings, backlog.timings, strict=True):
            if before.status != 200 or after.status != 200:
                rows.append([after.view, "", "", "", "FAILED"])
                continue
            p95_normal, p95_backlog = before.percentile(0.95), after.percentile(0.95)
            rows.append(
                [
                    after.view,
                    f"{p95_normal:.1f}",
                    f"{p95_backlog:.1f}",
                    f"{p95_backlog / p95_normal:.2f}",
                    f"{before.rows} / {after.rows}",
                ]
            )
        parts.append(
            f"### {backlog.database}: the backlog ({backlog.open_items:,} open) against {normal.open_items:,} open, "
            f"at {backlog.size:,} submissions\n\n"
            + table(
                [
                    "view",
                    f"p95 ms, {normal.open_items:,} open",
                    f"p95 ms, {backlog.open_items:,} open",
                    "ratio",
                    "rows",
                ],
                rows,
            )
            + "\n"
        )
    return "\n".join(parts)


def floor_report(runs: list[Run]) -> str:
    """The inbox page and its list fragment as multiples of the bare page, per program; judged on the median."""
    parts = []
    for database in dict.fromkeys(run.database for run in runs):
        floor_run = next((run for run in runs if run.database == database and not run.size), None)
        floor = floor_run.timing("floor") if floor_run else None
        if floor is None:
            continue
        rows = []
        for run in (r for r in runs if r.database == database and r.size):
            page, fragment = run.timing(PAGE_VIEW), run.timing(FRAGMENT_VIEW)
            if page is None or fragment is None:
                continue
            page_times = page.percentile(0.5) / floor.percentile(0.5), page.percentile(0.95) / floor.percentile(0.95)
            fragment_times = (
                fragment.percentile(0.5) / floor.percentile(0.5),
                fragment.percentile(0.95) / floor.percentile(0.95),
            )
            met = page_times[0] <= TARGET_PAGE_FLOOR and fragment_times[0] <= TARGET_FRAGMENT_FLOOR
            rows.append(
                [
                    run.label,
                    f"{page.percentile(0.5):.1f} / {page.percentile(0.95):.1f}",
                    f"{page_times[0]:.1f} × / {page_times[1]:.1f} ×",
                    f"{fragment.percentile(0.5):.1f} / {fragment.percentile(0.95):.1f}",
                    f"{fragment_times[0]:.1f} × / {fragment_times[1]:.1f} ×",
                    "ok" if met else "MISSED",
                ]
            )
        served_rows = []
        for run in (r for r in runs if r.database == database and r.served):
            served_floor, served_page, served_fragment = run.served
            served_rows.append(
                [
                    run.label,
                    f"{served_floor.percentile(0.5):.2f} / {served_floor.percentile(0.95):.2f}",
                    *[
                        f"{timing.percentile(0.5):.1f} / {timing.percentile(0.95):.1f} ms: "
                        f"{timing.percentile(0.5) / served_floor.percentile(0.5):.1f} × / "
                        f"{timing.percentile(0.95) / served_floor.percentile(0.95):.1f} ×"
                        for timing in (served_page, served_fragment)
                    ],
                    "ok"
                    if served_page.percentile(0.5) <= TARGET_PAGE_FLOOR * served_floor.percentile(0.5)
                    and served_fragment.percentile(0.5) <= TARGET_FRAGMENT_FLOOR * served_floor.percentile(0.5)
                    else "MISSED",
                ]
            )
        under_gunicorn = (
            "\nSide by side under gunicorn (one sync worker each, a new connection for every request, timed by the "
            "client), as the issue measured it:\n\n"
            + table(["program", "floor p50 / p95 ms", "page p50 / p95", "fragment p50 / p95", "targets"], served_rows)
            + "\n"
            if served_rows
            else ""
        )
        parts.append(
            f"### {database}: the inbox against the floor\n\n"
            f"The floor, a bare Flask page rendering 25 rows from memory: p50 {floor.percentile(0.5):.2f} ms, "
            f"p95 {floor.percentile(0.95):.2f} ms. Targets, on the median: the page ({PAGE_VIEW}) at most "
            f"{TARGET_PAGE_FLOOR:g} × the floor, its list fragment at most {TARGET_FRAGMENT_FLOOR:g} ×.\n\n"
            + table(
                [
                    "program",
                    "page p50 / p95 ms",
                    "× floor",
                    "fragment p50 / p95 ms",
                    "× floor",
                    "targets",
                ],
                rows,
            )
            + "\n"
            + under_gunicorn
        )
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="submissions per program, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per view")
    parser.add_argument("--warmup", type=int, default=20, help="requests per view before measuring")
    parser.add_argument(
        "--backlog",
        type=int,
        default=100_000,
        help=f"submissions in the program with a backlog ({BACKLOG_OPEN_SHARE:.0%} open); 0 for none",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--output", type=Path, help="also write the report here, as Markdown")
    options = parser.parse_args()
    sizes = sorted(int(size.replace("_", "")) for size in options.sizes.split(","))

    databases = [("SQLite", sqlite_database)]
    if options.no_postgres:
        print("== PostgreSQL skipped (--no-postgres)")
    else:
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
        why_not = postgres_reachable(server)
        if why_not:
            print(
                f"== SKIPPED PostgreSQL: no server answered at {server.rsplit('@', 1)[-1]} ({why_not}); "
                "set BENCH_DATABASE_URL to use another"
            )
        else:
            databases.append(("PostgreSQL", postgres_database(server)))

    started = time.perf_counter()
    runs, sections = [], []
    try:
        for database, fresh_database in databases:
            for run in bench_database(
                database, fresh_database, sizes, options.backlog, options.warmup, options.requests
            ):
                runs.append(run)
                if run.size:
                    sections.append(run_report(run, options.warmup, options.requests))
                    print("\n" + sections[-1], flush=True)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    for report in (comparison_report(runs), backlog_report(runs), floor_report(runs)):
        if report:
            sections.append(report)
            print("\n" + report)
    failures = [(run, timing) for run in runs for timing in run.timings if timing.status != 200]
    print(f"Whole bench: {time.perf_counter() - started:.0f} s.")
    if options.output:
        options.output.write_text("# Inbox benchmark\n\n" + "\n".join(sections))
        print(f"Report written to {options.output}.")
    if failures:
        print(f"\n!!! {len(failures)} view(s) did not answer 200:", file=sys.stderr)
        for run, timing in failures:
            print(
                f"!!!   {run.database} {run.size:,}: {timing.view} -> {timing.status} ({timing.url})", file=sys.stderr
            )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
