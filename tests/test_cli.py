"""The flask portal commands: seed-demo, create-user, expire-drafts and sweep-uploads."""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accommodations.models import AccommodationDraft
from portal.accounts.models import Role, RosterImport, RosterPerson, User
from portal.cases.models import Case, CaseParticipant, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.devtools.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_ROSTER, INJURED_EMAIL
from portal.extensions import db
from portal.files import storage
from portal.intake.models import Need
from portal.items.models import InformationRequest, Submission, SubmissionKind, SubmissionStatus
from tests import factories

HOMES = {
    Role.EMPLOYEE: "/employee/",
    Role.CLINICIAN: "/clinician/",
    Role.SUPERVISOR: "/supervisor/",
    Role.CASE_MANAGER: "/inbox/",
    Role.ADMIN: "/admin/",
}


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_seed_demo_runs_without_force_only_on_the_embedded_sqlite_database(cli):
    result = cli.invoke(args=["portal", "seed-demo"])
    if db.engine.dialect.name == "sqlite":
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0 and "--force" in result.output
        assert db.session.query(User).count() == 0


def test_seed_demo_loads_the_roster_opens_the_demo_case_from_a_report_and_can_run_again(cli, db_session):
    for _ in range(2):
        result = cli.invoke(args=["portal", "seed-demo", "--force"])
        assert result.exit_code == 0, result.output
    for email, _name, _role in DEMO_ACCOUNTS:
        assert email in result.output
    assert f"password for all: {DEMO_PASSWORD}" in result.output
    # The demo accounts, the director the roster invited (they supervise someone), and the colleague whose injury
    # their supervisor reported.
    users = {user.email: user for user in db_session.scalars(select(User))}
    assert set(users) == {email for email, _name, _role in DEMO_ACCOUNTS} | {"robin.director@demo.test", INJURED_EMAIL}
    assert db_session.query(RosterImport).count() == 1 and db_session.query(RosterPerson).count() == len(DEMO_ROSTER)
    employee, supervisor = users["employee@demo.test"], users["supervisor@demo.test"]
    assert employee.supervisor_id == supervisor.id and supervisor.supervisor_id == users["robin.director@demo.test"].id

    case = db_session.scalar(select(Case).where(Case.employee_id == employee.id))
    today = utcnow().date()
    assert case.case_type == CaseType.LEAVE and case.status == CaseStatus.OPEN
    assert case.case_manager == users["manager@demo.test"]
    assert case.leave_start == today - timedelta(days=10) and case.eligibility_notice_due > today
    report, note = db_session.scalars(select(Submission).where(Submission.case == case).order_by(Submission.id))
    assert (report.kind, report.status, report.submitted_by) == (
        SubmissionKind.INTAKE_REPORT,
        SubmissionStatus.ACCEPTED,
        employee,
    )
    assert report.events[-1].message == f"Leave: opened {case.number}"
    assert note.kind == SubmissionKind.DOCUMENT and note.status == SubmissionStatus.NEW
    assert db_session.query(CaseParticipant).count() == 1 and db_session.query(InformationRequest).count() == 1

    (waiting,) = db_session.scalars(select(Submission).where(Submission.case != case))
    assert (waiting.kind, waiting.status, waiting.submitted_by) == (
        SubmissionKind.INTAKE_REPORT,
        SubmissionStatus.NEW,
        supervisor,
    )
    assert waiting.intake.need == Need.WORK_INJURY and waiting.case.status == CaseStatus.INTAKE
    assert waiting.case.employee == users[INJURED_EMAIL]


@pytest.mark.parametrize("email, role", [(email, role) for email, _name, role in DEMO_ACCOUNTS])
def test_each_demo_account_signs_in_and_sees_the_demo_case(cli, web, email, role):
    cli.invoke(args=["portal", "seed-demo", "--force"])
    response = web.login(email, DEMO_PASSWORD)
    assert response.headers["Location"] == HOMES[role]
    page = web.client.get(HOMES[role]).get_data(as_text=True)
    if role in (Role.EMPLOYEE, Role.CLINICIAN, Role.SUPERVISOR):
        assert "C-" in page, f"{role} sees no demo case"
    if role == Role.EMPLOYEE:
        assert "FMLA certification of a health condition" in page  # asked of them, with its due date
    if role == Role.CASE_MANAGER:
        assert "Work status or return-to-work note (1 file)" in page  # waiting in the inbox
        assert "New report: an injury or illness from work" in page  # waiting for triage


def test_create_user_makes_an_account_that_can_sign_in(cli, web):
    result = cli.invoke(
        args=[
            "portal",
            "create-user",
            "--email",
            "First.Admin@Example.test",
            "--name",
            "First Admin",
            "--role",
            "admin",
            "--password",
            "a long admin passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    assert web.login("first.admin@example.test", "a long admin passphrase").headers["Location"] == "/admin/"


def test_create_user_refuses_a_short_password_and_a_taken_email(cli):
    short = cli.invoke(
        args=[
            "portal",
            "create-user",
            "--email",
            "a@example.test",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0 and "at least 12" in short.output
    args = [
        "portal",
        "create-user",
        "--email",
        "a@example.test",
        "--name",
        "A",
        "--role",
        "employee",
        "--password",
        "long enough passphrase",
    ]
    assert cli.invoke(args=args).exit_code == 0
    taken = cli.invoke(args=args)
    assert taken.exit_code != 0 and "already has an account" in taken.output


def test_sweep_uploads_removes_a_crashed_upload_and_fails_when_a_row_has_lost_its_file(
    cli, app, db_session, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    stored = factories.stored_file(db_session, factories.case(db_session), tmp_path)
    crashed = tmp_path / storage.INCOMING / "tmpcrashed.part"
    crashed.write_bytes(b"%PDF-1.7 half a")
    os.utime(crashed, (0, 0))  # 1970

    swept = cli.invoke(args=["portal", "sweep-uploads"])
    assert swept.exit_code == 0, swept.output
    assert "Upload sweep: 1 partial and 0 unreferenced files removed, 0 missing." in swept.output
    assert not crashed.exists()

    storage.path_for(stored.storage_key, tmp_path).unlink()
    lost = cli.invoke(args=["portal", "sweep-uploads", "--grace-hours", "1"])
    assert lost.exit_code == 1
    assert "0 partial and 0 unreferenced files removed, 1 missing." in lost.output
    assert "restore them from a backup" in lost.output


def test_expire_drafts_then_sweep_uploads_remove_an_abandoned_request_and_its_document(
    cli, app, db_session, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    case = factories.case(db_session, case_type="accommodation")
    letter = factories.stored_file(db_session, case, tmp_path, name="letter.pdf")
    db_session.add(
        AccommodationDraft(
            employee_id=case.employee_id,
            case_id=case.id,
            data={"difficulty": "Stairs.", "file_ids": [letter.id]},
            updated_at=utcnow() - timedelta(days=31),
        )
    )
    db_session.commit()
    file = storage.path_for(letter.storage_key, tmp_path)
    os.utime(file, (0, 0))  # written long ago, with the draft

    expired = cli.invoke(args=["portal", "expire-drafts"])
    assert expired.exit_code == 0, expired.output
    assert "1 unsent accommodation request untouched for 30 days deleted." in expired.output
    swept = cli.invoke(args=["portal", "sweep-uploads"])
    assert "0 partial and 1 unreferenced files removed, 0 missing." in swept.output
    assert not file.exists() and db_session.query(AccommodationDraft).count() == 0
