"""The employer's roster as its HR system exports it, and an admin loading it on the Roster screen.

A roster file is the whole roster: the demo company's people (portal.devtools.demo) and the new hires
a test adds. Each new hire is new to the portal on every run (their own employee number and work
email), so a test can run again against the same portal; someone an earlier run added is simply
no longer in the latest roster once the next file is loaded.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import expect

from portal.accounts.roster_import import COLUMNS
from portal.core.columns import utcnow
from portal.devtools.demo import roster_csv
from tests.browser.checks import follow, status_message

SAM_SUPERVISOR = "1002"  # the demo supervisor's employee number


@dataclass(frozen=True)
class NewHire:
    """Someone the roster adds, with no portal account yet."""

    first_name: str
    last_name: str
    job_title: str
    hired_days_ago: int
    hours_last_12_months: str
    supervisor: str = SAM_SUPERVISOR
    tag: str = ""

    @classmethod
    def called(cls, first_name: str, last_name: str, **details) -> "NewHire":
        return cls(first_name, last_name, tag=uuid.uuid4().hex[:8], **details)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def employee_number(self) -> str:
        return f"T{self.tag}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}.{self.tag}@demo.test".lower()

    @property
    def hire_date(self) -> date:
        return utcnow().date() - timedelta(days=self.hired_days_ago)

    def row(self, hire_date: str | None = None) -> dict[str, str]:
        """The person's row in the file, by column; ``hire_date`` as written there, if not in ISO form."""
        return {
            "employee_number": self.employee_number,
            "name": self.name,
            "work_email": self.email,
            "job_title": self.job_title,
            "department": "Assembly",
            "location": "Main plant",
            "supervisor": self.supervisor,
            "hire_date": hire_date or self.hire_date.isoformat(),
            "hours_last_12_months": self.hours_last_12_months,
        }


def roster_file(*rows: dict[str, str], name: str = "roster.csv") -> dict:
    """The demo company's roster with these rows after it, as a file to choose in the browser."""
    text = io.StringIO(roster_csv(utcnow().date()), newline="")
    text.seek(0, io.SEEK_END)
    csv.writer(text).writerows([row.get(column, "") for column in COLUMNS] for row in rows)
    return {"name": name, "mimeType": "text/csv", "buffer": text.getvalue().encode()}


def line_of(file: dict, employee_number: str) -> int:
    """The line of the file that holds this employee number, as the preview numbers it (the header is line 1)."""
    lines = file["buffer"].decode().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(f"{employee_number},"))


def choose_and_check(admin, file: dict) -> None:
    """Choose the file in the form on the page (the Roster screen, or a preview with problems) and check it."""
    admin.get_by_label("Roster file (CSV)").set_input_files(files=[file])
    with admin.expect_navigation():
        admin.get_by_role("button", name="Check the file").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Check the roster before loading it")


def load(admin, file: dict) -> None:
    """From anywhere the admin is: to Roster, check the file, and load it; the file must have no problem."""
    follow(admin.get_by_role("navigation", name="Main").get_by_role("link", name="Roster", exact=True))
    choose_and_check(admin, file)
    with admin.expect_navigation():
        admin.get_by_role("button", name=re.compile(r"^Load the roster: ")).click()
    expect(status_message(admin)).to_contain_text("Roster loaded: ")
