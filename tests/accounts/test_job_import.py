"""Loading jobs from a CSV file: every row checked by the rules a job's record meets, a preview of what would
change, and all of it or none."""

import csv
import io

import pytest
from sqlalchemy import func, select

from portal.accounts import job_import, jobs
from portal.accounts.models import Job, Role
from portal.audit.models import AuditEvent
from portal.core.errors import Conflict, InvalidInput
from portal.duty.models import Demand
from portal.restrictions.operations import Limit
from tests import factories
from tests.accounts.test_roster_import import ROSTER, apply

ASSOCIATE = {
    "Job title": "Warehouse associate",
    "Essential functions": "Pick and pack orders",
    "Lift: pounds the job needs": "50",
    "Lift: how often": "frequently",
    "Stand: hours a day the job needs": "7.5",
    "Drive: does the job need it?": "yes",
}


def jobs_file(*rows: dict[str, str]) -> str:
    file = io.StringIO()
    writer = csv.DictWriter(file, fieldnames=list(job_import.COLUMNS.values()), restval="")
    writer.writeheader()
    writer.writerows(rows)
    return file.getvalue()


@pytest.fixture
def admin(db_session):
    user = factories.user(db_session, Role.ADMIN, name="Ada Admin")
    db_session.commit()
    apply(db_session, ROSTER, user)  # its titles are jobs, none recorded
    return user


def load(db_session, admin, text: str):
    staged = job_import.stage(db_session, admin, "jobs.csv", text.encode())
    return staged, job_import.preview(db_session, staged.content)


def confirm(db_session, admin, text: str):
    staged, plan = load(db_session, admin, text)
    return job_import.apply(db_session, admin, staged, plan.digest)


def job_titled(db_session, title: str) -> Job:
    return db_session.scalar(select(Job).where(Job.title == title))


def test_a_jobs_file_is_previewed_and_written_only_once_confirmed(db_session, admin):
    jobs.record_job(db_session, admin, job_titled(db_session, "Operations director"), jobs.JobInput("Run it", {}))
    jobs.record_job(
        db_session, admin, job_titled(db_session, "Warehouse supervisor"), jobs.JobInput("Lead the shift", {})
    )
    text = jobs_file(
        ASSOCIATE,
        {"Job title": "Forklift driver", "Essential functions": "Move pallets", "Drive: does the job need it?": "no"},
        {"Job title": "Operations director", "Essential functions": "Run it"},
        {
            "Job title": "Warehouse supervisor",
            "Essential functions": "Lead the shift",
            "Sit: hours a day the job needs": "2",
        },
    )
    _, plan = load(db_session, admin, text)
    assert plan.can_apply and plan.rows == 4 and plan.unchanged == 1
    assert [(change.row.title, change.described) for change in plan.changes] == [
        ("Warehouse associate", "Recorded for the first time"),
        ("Forklift driver", "A new job"),
        ("Warehouse supervisor", "Changes: Sit"),
    ]
    assert (
        job_titled(db_session, "Forklift driver") is None and not job_titled(db_session, "Warehouse associate").recorded
    )
    confirm(db_session, admin, text)
    associate = job_titled(db_session, "Warehouse associate")
    assert associate.recorded and associate.essential_functions == "Pick and pack orders"
    assert jobs.demands_of(db_session, associate) == {
        "lift": Limit(pounds=50, frequency="frequently"),
        "stand": Limit(hours=7.5),
        "drive": Limit(allowed=True),
    }
    assert jobs.demands_of(db_session, job_titled(db_session, "Forklift driver")) == {"drive": Limit(allowed=False)}
    assert db_session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "jobs_imported")) == "3 jobs recorded"
    _, again = load(db_session, admin, text)  # the same file again changes nothing
    assert again.changes == [] and again.unchanged == 4


def test_cells_are_read_loosely_as_a_spreadsheet_may_write_them(db_session, admin):
    text = jobs_file(
        {
            **ASSOCIATE,
            "Lift: how often": "Frequently (1/3 to 2/3 of the day)",
            "Carry: how often": "Not needed",
            "Drive: does the job need it?": "YES",
        }
    ).replace("Lift: pounds the job needs", "lift_pounds")
    confirm(db_session, admin, text)
    assert jobs.demands_of(db_session, job_titled(db_session, "Warehouse associate"))["lift"] == Limit(50, "frequently")


def test_every_problem_is_shown_by_its_line_and_nothing_is_written(db_session, admin):
    text = jobs_file(
        {**ASSOCIATE, "Lift: pounds the job needs": "fifty"},
        {"Job title": "Packer", "Essential functions": "", "Bend or stoop: how often": "sometimes"},
        {"Job title": "Loader", "Essential functions": "Load", "Stand: hours a day the job needs": "30"},
        {"Job title": "Loader", "Essential functions": "Load", "Drive: does the job need it?": "maybe"},
        {"Job title": "Sorter", "Essential functions": "Sort", "Carry: pounds the job needs": "20"},
    )
    staged, plan = load(db_session, admin, text)
    problems = {problem.line: " ".join(problem.messages) for problem in plan.problems}
    assert problems == {
        2: "Lift: pounds the job needs: “fifty” is not a whole number of pounds, like 20.",
        3: "Bend or stoop: how often: “sometimes” is not how often: never, occasionally, frequently or constantly. "
        "Describe the job's essential functions.",
        4: "Stand: enter hours a day from 0 to 24.",
        5: "Drive: does the job need it?: “maybe” is not yes or no. "
        "The job title Loader is on more than one row (first on line 4).",
        6: "Carry: give both the pounds and how often, or neither.",
    }
    with pytest.raises(InvalidInput):
        job_import.apply(db_session, admin, staged, plan.digest)
    assert db_session.scalar(select(func.count()).select_from(Demand)) == 0
    assert not job_titled(db_session, "Warehouse associate").recorded


def test_a_file_without_the_columns_of_a_jobs_file_is_refused_whole(db_session, admin):
    _, plan = load(db_session, admin, ROSTER)
    assert not plan.can_apply
    assert plan.file_problems[0].startswith("Unknown columns: “employee_number”")
    assert "Missing columns: Essential functions, Lift: pounds the job needs, Lift: how often" in plan.file_problems[1]
    _, empty = load(db_session, admin, jobs_file())
    assert empty.file_problems == ["The file has a header row but no jobs."]
    with pytest.raises(InvalidInput, match="Choose the jobs CSV file"):
        job_import.stage(db_session, admin, "jobs.csv", b"  ")


def test_a_plan_that_changed_since_its_preview_or_was_loaded_already_is_refused(db_session, admin):
    text = jobs_file(ASSOCIATE)
    staged, plan = load(db_session, admin, text)
    jobs.record_job(db_session, admin, job_titled(db_session, "Warehouse associate"), jobs.JobInput("Pick", {}))
    with pytest.raises(Conflict, match="The jobs changed since this preview"):
        job_import.apply(db_session, admin, staged, plan.digest)
    assert job_titled(db_session, "Warehouse associate").essential_functions == "Pick"
    fresh = job_import.preview(db_session, staged.content)
    job_import.apply(db_session, admin, staged, fresh.digest)
    with pytest.raises(Conflict, match="loaded already"):
        job_import.apply(db_session, admin, staged, fresh.digest)


def test_the_template_is_a_header_row_the_file_reads_back(db_session, admin):
    _, plan = load(db_session, admin, job_import.template() + "Packer,Pack boxes\n")
    assert plan.can_apply and [change.row.title for change in plan.changes] == ["Packer"]
