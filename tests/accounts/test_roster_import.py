"""Loading the employer's roster: every row checked, a preview of what would change, and all of it or none."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.accounts import roster_import
from portal.accounts.models import Role, RosterChange, RosterPerson, User
from portal.core.errors import Conflict, InvalidInput
from portal.mail.models import OutboundEmail
from portal.settings import AccountSettings
from tests import factories

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
HEADER = "employee_number,name,work_email,job_title,department,location,supervisor,hire_date,hours_last_12_months"
ROSTER = f"""{HEADER}
1001,Dana Director,dana@example.test,Operations director,Operations,Chicago,,2015-04-01,2080
1002,Sam Supervisor,sam@example.test,Warehouse supervisor,Warehouse,Joliet,1001,2019-06-15,2100
1003,Alex Employee,alex@example.test,Warehouse associate,Warehouse,Joliet,sam@example.test,3/1/2024,1650.5
1004,Riley Rivera,riley@example.test,Warehouse associate,Warehouse,Joliet,1002,2025-12-01,900
"""


def load(db_session, text: str, admin=None, name: str = "people.csv"):
    staged = roster_import.stage(db_session, admin, name, text.encode())
    plan = roster_import.preview(db_session, staged.content, TODAY)
    return staged, plan


def apply(db_session, text: str, admin=None):
    staged, plan = load(db_session, text, admin)
    return roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)


def people(db_session) -> dict[str, RosterPerson]:
    return {person.employee_number: person for person in db_session.scalars(select(RosterPerson))}


def problems_of(plan) -> dict[int, str]:
    return {problem.line: " ".join(problem.messages) for problem in plan.problems}


def test_a_roster_is_previewed_and_nothing_is_written_until_it_is_confirmed(db_session, admin):
    _, plan = load(db_session, ROSTER, admin)
    assert plan.can_apply and [row.employee_number for row in plan.added] == ["1001", "1002", "1003", "1004"]
    assert people(db_session) == {}
    roster_import.apply(db_session, admin, *_staged_and_digest(db_session, admin), AccountSettings(), now=NOW)
    found = people(db_session)
    assert found["1003"].supervisor.employee_number == "1002"  # named by email
    assert found["1003"].hire_date == date(2024, 3, 1) and found["1003"].hours_last_12_months == Decimal("1650.50")
    assert found["1002"].supervisor.employee_number == "1001"
    assert found["1001"].supervisor is None


def _staged_and_digest(db_session, admin):
    staged, plan = load(db_session, ROSTER, admin)
    return staged, plan.digest


def test_loading_the_same_file_again_changes_nothing(db_session, admin):
    apply(db_session, ROSTER, admin)
    history = db_session.scalar(select(func.count()).select_from(RosterChange))
    _, plan = load(db_session, ROSTER, admin)
    assert not plan.changes_anything and plan.unchanged == 4
    apply(db_session, ROSTER, admin)
    assert db_session.scalar(select(func.count()).select_from(RosterChange)) == history


def test_a_change_shows_old_and_new_and_is_kept_in_the_persons_history(db_session, admin):
    apply(db_session, ROSTER, admin)
    moved = ROSTER.replace(
        "1004,Riley Rivera,riley@example.test,Warehouse associate,Warehouse,Joliet,1002",
        "1004,Riley Rivera,riley@example.test,Forklift operator,Warehouse,Aurora,1001",
    )
    _, plan = load(db_session, moved, admin)
    [change] = plan.changed
    assert {(item.label, item.old, item.new) for item in change.changes} == {
        ("Job title", "Warehouse associate", "Forklift operator"),
        ("Location", "Joliet", "Aurora"),
        ("Supervisor", "1002", "1001"),
    }
    apply(db_session, moved, admin)
    riley = people(db_session)["1004"]
    assert riley.job_title == "Forklift operator" and riley.supervisor.employee_number == "1001"
    history = db_session.scalars(select(RosterChange).where(RosterChange.person_id == riley.id)).all()
    assert {(item.field, item.old_value, item.new_value) for item in history} >= {
        ("job_title", "Warehouse associate", "Forklift operator")
    }
    assert all(item.source == "Roster import of people.csv" and item.changed_by_id == admin.id for item in history)


def test_someone_left_out_of_a_new_roster_is_marked_never_deleted_and_may_come_back(db_session, admin):
    apply(db_session, ROSTER, admin)
    without_riley = "\n".join(line for line in ROSTER.splitlines() if not line.startswith("1004"))
    _, plan = load(db_session, without_riley, admin)
    assert [person.employee_number for person in plan.left_out] == ["1004"]
    apply(db_session, without_riley, admin)
    assert people(db_session)["1004"].in_latest_roster is False
    _, plan = load(db_session, ROSTER, admin)
    assert [change.row.employee_number for change in plan.changed] == ["1004"]
    apply(db_session, ROSTER, admin)
    assert people(db_session)["1004"].in_latest_roster is True


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty"),
        (b"PK\x03\x04" + b"\x00" * 40, "spreadsheet workbook, not a CSV"),
        (b"\x00\x01\x02binary" * 10, "not a CSV file"),
        (
            HEADER.encode() + "\n1001,Zo\u00eb Z,zoe@example.test,X,,,,2020-01-01,10\n".encode("latin-1"),
            "not in UTF-8 (the first character it cannot read is on line 2)",
        ),
    ],
)
def test_a_file_that_is_not_a_utf8_csv_is_refused_with_what_to_do(db_session, admin, content, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        roster_import.stage(db_session, admin, "people.csv", content)


def test_excel_csv_with_a_byte_order_mark_and_loose_headers_is_read(db_session, admin):
    loose = ROSTER.replace(
        HEADER,
        "Employee Number,Name,Work Email,Job title,Department,Location,Supervisor,Hire Date,"
        "Hours worked in the last 12 months",
    )
    staged = roster_import.stage(
        db_session, admin, "people.csv", b"\xef\xbb\xbf" + loose.replace("\n", "\r\n").encode()
    )
    plan = roster_import.preview(db_session, staged.content, TODAY)
    assert plan.can_apply and len(plan.added) == 4


def test_missing_and_unknown_columns_are_named(db_session):
    plan = roster_import.preview(db_session, "employee_number,name,email,diagnosis\n1,A,a@x.test,flu\n", TODAY)
    assert not plan.can_apply
    [unknown, missing] = plan.file_problems
    assert "Unknown columns: “email”, “diagnosis”" in unknown
    assert missing == (
        "Missing columns: Work email, Job title, Department, Location, Supervisor, Hire date, "
        "Hours worked in the last 12 months."
    )


def test_a_header_without_people_says_so(db_session):
    assert roster_import.preview(db_session, HEADER + "\n", TODAY).file_problems == [
        "The file has a header row but no people."
    ]


def test_each_bad_row_is_named_by_its_line_with_what_to_fix(db_session):
    text = f"""{HEADER}
1001,Dana Director,dana@example.test,Director,Ops,Chicago,,2015-04-01,2080
1001,Dee Double,dee@example.test,Clerk,Ops,Chicago,1001,2015-04-01,2080
1003,,not-an-email,,Ops,Chicago,9999,2030-01-01,lots
1004,Eve Echo,dana@example.test,Clerk,Ops,Chicago,1004,01.02.2020,9000
"""
    plan = roster_import.preview(db_session, text, TODAY)
    found = problems_of(plan)
    assert "Employee number 1001 is on more than one row (first on line 2)" in found[3]
    assert "Employee number 1001 is on more than one row" in found[2]
    assert "Enter the name." in found[4] and "“not-an-email” is not an email address." in found[4]
    assert "Enter the job title." in found[4]
    assert "The supervisor “9999” is not in this roster" in found[4]
    assert "The hire date is in the future." in found[4] and "“lots” is not a number of hours." in found[4]
    assert "The work email dana@example.test is on more than one row." in found[5]
    assert "A person cannot be their own supervisor." in found[5]
    assert "“01.02.2020” is not a date" in found[5] and "between 0 and 8,784" in found[5]
    assert not plan.can_apply


def test_a_reporting_line_that_loops_is_refused_on_every_row_in_the_loop(db_session):
    text = f"""{HEADER}
1,Ann,ann@example.test,Clerk,,,2,2020-01-01,100
2,Ben,ben@example.test,Clerk,,,3,2020-01-01,100
3,Cai,cai@example.test,Clerk,,,1,2020-01-01,100
4,Dev,dev@example.test,Clerk,,,1,2020-01-01,100
"""
    plan = roster_import.preview(db_session, text, TODAY)
    found = problems_of(plan)
    assert set(found) == {2, 3, 4}
    assert "The reporting line loops: 1 reports to 2 reports to 3 reports to 1." in found[2]
    assert [row.employee_number for row in plan.added] == ["4"]


def test_nothing_is_written_when_any_row_has_a_problem(db_session, admin):
    staged = roster_import.stage(db_session, admin, "people.csv", (ROSTER + "1005,,x,,,,,,\n").encode())
    plan = roster_import.preview(db_session, staged.content, TODAY)
    with pytest.raises(InvalidInput, match="nothing was changed"):
        roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)
    assert people(db_session) == {}


def test_a_failure_half_way_leaves_the_roster_as_it_was(db_session, admin, monkeypatch):
    staged, plan = load(db_session, ROSTER, admin)

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(roster_import, "_link_accounts", broken)
    with pytest.raises(RuntimeError):
        roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)
    assert people(db_session) == {} and db_session.scalar(select(func.count()).select_from(RosterChange)) == 0


def test_confirming_a_preview_that_no_longer_holds_is_refused(db_session, admin):
    staged, plan = load(db_session, ROSTER, admin)
    apply(db_session, ROSTER.replace("Operations director", "Chief operating officer"), admin)
    with pytest.raises(Conflict, match="changed since this preview"):
        roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)
    staged, plan = load(db_session, ROSTER, admin)
    roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)
    with pytest.raises(Conflict, match="loaded already"):
        roster_import.apply(db_session, admin, staged, plan.digest, AccountSettings(), now=NOW)


def test_supervisors_are_invited_and_accounts_follow_the_roster(db_session, admin):
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex@example.test")
    db_session.commit()
    apply(db_session, ROSTER, admin)
    found = people(db_session)
    invited = {
        email.to_address
        for email in db_session.scalars(select(OutboundEmail).where(OutboundEmail.template == "invitation"))
    }
    assert invited == {"dana@example.test", "sam@example.test"}  # those with someone to report for
    sam = db_session.scalar(select(User).where(User.email == "sam@example.test"))
    assert sam.role == Role.SUPERVISOR and sam.password_hash is None and found["1002"].user_id == sam.id
    assert found["1003"].user_id == alex.id  # the account they already had
    db_session.refresh(alex)
    assert alex.supervisor_id == sam.id and alex.department == "Warehouse"
    assert found["1004"].user_id is None  # no account until they need one


def test_an_email_may_move_from_one_person_to_another_within_a_file(db_session, admin):
    apply(db_session, ROSTER, admin)
    swapped = (
        ROSTER.replace("riley@example.test", "TMP")
        .replace("alex@example.test", "riley@example.test")
        .replace("TMP", "alex@example.test")
    )
    _, plan = load(db_session, swapped, admin)
    assert plan.can_apply and len(plan.changed) == 2


def test_the_import_roster_command_previews_asks_and_loads(app, db_session, admin, tmp_path):
    roster_file = tmp_path / "people.csv"
    roster_file.write_text(ROSTER)
    cli = app.test_cli_runner()
    declined = cli.invoke(args=["portal", "import-roster", str(roster_file)], input="n\n")
    assert "4 people in the file: 4 to add" in declined.output and declined.exit_code == 1
    assert people(db_session) == {}
    done = cli.invoke(args=["portal", "import-roster", str(roster_file), "--as", admin.email], input="y\n")
    assert done.exit_code == 0 and "Roster loaded." in done.output
    assert len(people(db_session)) == 4
    again = cli.invoke(args=["portal", "import-roster", str(roster_file), "--yes"])
    assert again.exit_code == 0 and "Nothing to change." in again.output


def test_the_import_roster_command_says_each_problem_and_writes_nothing(app, db_session, tmp_path):
    roster_file = tmp_path / "people.csv"
    roster_file.write_text(ROSTER + "1005,Eve,eve@example.test,Clerk,,,1001,someday,10\n")
    result = app.test_cli_runner().invoke(args=["portal", "import-roster", str(roster_file), "--yes"])
    assert result.exit_code == 1
    assert "line 6: “someday” is not a date" in result.output and "Nothing was changed" in result.output
    assert people(db_session) == {}


def test_someone_left_out_reports_to_nobody_so_their_former_supervisor_no_longer_sees_them(db_session, admin):
    riley = factories.user(db_session, Role.EMPLOYEE, name="Riley Rivera", email="riley@example.test")
    db_session.commit()
    apply(db_session, ROSTER, admin)
    db_session.refresh(riley)
    assert riley.supervisor_id is not None
    apply(db_session, "\n".join(line for line in ROSTER.splitlines() if not line.startswith("1004")), admin)
    db_session.refresh(riley)
    assert riley.supervisor_id is None
