"""Roster import benchmark: how long loading a roster of 20,000 people takes, from the file to the database.

For each database (SQLite in a temporary file; PostgreSQL in a database created here and dropped after, when
a server answers), builds the schema with the migrations and times, through the same operations as the admin's
screen and ``flask portal import-roster``: reading and checking the file with its preview, the first load
(every person added, every supervisor invited), the same file again (nothing to change), and a file in which
one person in twenty moved job or supervisor and one in a hundred left. Then the admin's people list on that
roster (accounts.people): the first and the last page, each kind of search, and those left out.

    make bench
    .venv/bin/python scripts/bench_roster.py --people 20000 --no-postgres
"""

import argparse
import io
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stderr
from datetime import date, timedelta
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="portal-bench-roster-"))
os.environ["PORTAL_INSTANCE_PATH"] = str(WORK / "instance")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts import roster_import  # noqa: E402
from portal.accounts.models import Role  # noqa: E402
from portal.accounts.people import people_page  # noqa: E402
from portal.core.columns import utcnow  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.settings import AccountSettings  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from bench import DEFAULT_POSTGRES, postgres_database, postgres_reachable, sqlite_database  # noqa: E402

HEADER = ",".join(roster_import.COLUMNS)
JOBS = ["Warehouse associate", "Forklift operator", "Picker", "Driver", "Clerk", "Nurse aide", "Technician"]
DEPARTMENTS = ["Warehouse", "Transport", "Operations", "Care", "Maintenance", "Finance"]
LOCATIONS = ["Chicago", "Joliet", "Aurora", "Naperville", "Elgin"]
PAGE_SIZE = 25
# The people list as an admin asks for it: (what, search, only those left out, page).
PEOPLE_VIEWS = [
    ("everyone, page 1", "", False, 1),
    ("everyone, the last page", "", False, 10**6),
    ("a word of a name (“person 123”)", "person 123", False, 1),
    ("an employee number's start (“E1012”)", "E1012", False, 1),
    ("a work email's start (“person.12345@”)", "person.12345@", False, 1),
    ("those not in the latest roster", "", True, 1),
]


def roster(people: int, seed: int = 7) -> list[list[str]]:
    """A program's roster: one in ten people supervises about nine others, up to a director."""
    rng = random.Random(seed)
    rows = []
    for index in range(people):
        number = f"E{100000 + index}"
        supervisor = "" if index == 0 else f"E{100000 + rng.randrange(0, max(1, index)) // 10 * 10}"
        hired = date(2026, 11, 1) - timedelta(days=rng.randrange(0, 20 * 365))
        rows.append(
            [
                number,
                f"Person {index}",
                f"person.{index}@example.test",
                rng.choice(JOBS),
                rng.choice(DEPARTMENTS),
                rng.choice(LOCATIONS),
                supervisor if supervisor != number else "E100000",
                hired.isoformat() if index % 2 else hired.strftime("%m/%d/%Y"),
                str(rng.randrange(0, 2400)),
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    return ("\n".join([HEADER] + [",".join(row) for row in rows]) + "\n").encode()


def changed(rows: list[list[str]], seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    supervisors = {row[6] for row in rows}
    kept = [list(row) for row in rows if row[0] in supervisors or rng.random() > 0.01]
    numbers = [row[0] for row in kept]
    for row in kept[1:]:
        if rng.random() < 0.05:
            row[3] = rng.choice(JOBS)
            row[6] = numbers[0]
    return kept


def timed(what: str, action):
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"  {what:<48} {seconds:6.2f} s", flush=True)
    return result, seconds


def timed_quietly(action, *arguments) -> float:
    started = time.perf_counter()
    action(*arguments)
    return time.perf_counter() - started


def bench(database: str, fresh_database, people: int) -> list[tuple[str, float]]:
    figures = []
    with fresh_database(people) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PORTAL_BASE_URL": "http://bench.test"})
        with app.app_context():
            with redirect_stderr(io.StringIO()):
                upgrade()
            from portal.accounts import operations as accounts

            admin = accounts.create_user(
                db.session, "admin@bench.test", "Bench Admin", Role.ADMIN, secrets.token_hex(16)
            )
            db.session.commit()
            rows = roster(people)
            files = [
                ("first load", as_csv(rows)),
                ("the same file again", as_csv(rows)),
                ("5% moved, 1% left", as_csv(changed(rows))),
            ]
            print(f"== {database}, {people:,} people")
            for name, content in files:

                def check(content=content, name=name):
                    staged = roster_import.stage(db.session, admin, f"{name}.csv", content)
                    return staged, roster_import.preview(db.session, staged.content, utcnow().date())

                (staged, plan), check_seconds = timed(f"{name}: read, check and preview", check)
                assert plan.can_apply, plan.problems[:3] or plan.file_problems

                def load(staged=staged, plan=plan):
                    return roster_import.apply(db.session, admin, staged, plan.digest, AccountSettings())

                _, apply_seconds = timed(
                    f"{name}: write ({len(plan.added):,} added, {len(plan.changed):,} changed, "
                    f"{len(plan.left_out):,} left)",
                    load,
                )
                figures.append((name, check_seconds, apply_seconds))
            for view, term, left_out, page in PEOPLE_VIEWS:
                best = min(timed_quietly(people_page, db.session, page, PAGE_SIZE, term, left_out) for _ in range(5))
                print(f"  people list: {view:<41} {best * 1000:6.1f} ms", flush=True)
                figures.append((f"people list: {view}", best, None))
            db.session.remove()
            db.engine.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    options = parser.parse_args()
    databases = [("SQLite", sqlite_database)]
    if not options.no_postgres:
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
        why_not = postgres_reachable(server)
        if why_not:
            print(f"== SKIPPED PostgreSQL: no server answered ({why_not})")
        else:
            databases.append(("PostgreSQL", postgres_database(server)))
    try:
        results = [(database, bench(database, fresh, options.people)) for database, fresh in databases]
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"\n| Database | {options.people:,} people | Read, check, preview | Write |")
    print("|---|---|---:|---:|")
    for database, figures in results:
        for name, check_seconds, apply_seconds in figures:
            if apply_seconds is not None:
                print(f"| {database} | {name} | {check_seconds:.2f} s | {apply_seconds:.2f} s |")
    print(f"\n| Database | People list, {options.people:,} people | Best of 5 |")
    print("|---|---|---:|")
    for database, figures in results:
        for name, seconds, apply_seconds in figures:
            if apply_seconds is None:
                print(f"| {database} | {name.removeprefix('people list: ')} | {seconds * 1000:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
