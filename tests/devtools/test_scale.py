"""The scale program (flask portal seed-scale): realistic, consistent with the services' rules, and quick."""

import pytest
from sqlalchemy import func, select

from portal.accommodations.models import AccommodationRequest
from portal.accounts.models import Role, User
from portal.cases.models import Case
from portal.devtools import scale
from portal.documents.models import DocumentSubmission
from portal.duty.models import DutyOffer
from portal.extensions import db
from portal.files import storage
from portal.files.models import StoredFile
from portal.items import deadlines
from portal.items.models import OPEN_STATUSES, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.restrictions.models import RestrictionReport
from portal.settings import DeadlineSettings
from tests import factories

DETAILS = {
    SubmissionKind.DOCUMENT: DocumentSubmission,
    SubmissionKind.RESTRICTION_REPORT: RestrictionReport,
    SubmissionKind.DUTY_OFFER: DutyOffer,
    SubmissionKind.ACCOMMODATION_REQUEST: AccommodationRequest,
}
PREFIXES = {
    SubmissionKind.DOCUMENT: "D-",
    SubmissionKind.RESTRICTION_REPORT: "R-",
    SubmissionKind.DUTY_OFFER: "T-",
    SubmissionKind.ACCOMMODATION_REQUEST: "A-",
}


@pytest.fixture
def settings(app):
    return DeadlineSettings.from_config(app.config)


@pytest.fixture
def program(app, db_session, settings):
    return scale.seed_scale(db_session, 2000, settings, app.config["UPLOAD_FOLDER"], app.config["MAX_CONTENT_LENGTH"])


def test_every_kind_and_status_is_there_with_a_case_for_about_every_five_items(program, db_session):
    items = db_session.scalars(select(Submission)).all()
    assert len(items) == 2000 == program.submissions
    assert {item.kind for item in items} == set(SubmissionKind)
    assert {item.status for item in items} == set(SubmissionStatus)
    assert db_session.scalar(select(func.count(Case.id))) == 400 == program.cases
    managers = db_session.scalars(select(User.email).where(User.role == Role.CASE_MANAGER)).all()
    assert len(managers) >= 3 and scale.FIRST_MANAGER_EMAIL in managers
    assert len({item.reference for item in items}) == len(items)
    assert all(item.reference.startswith(PREFIXES[item.kind]) for item in items)


def test_open_items_are_due_and_assigned_as_the_services_would_have_left_them(program, db_session):
    items = db_session.scalars(select(Submission)).all()
    opened = [item for item in items if item.status in OPEN_STATUSES]
    assert 0 < len(opened) < len(items) / 10 and len(opened) == program.open_items
    for item in items:
        assert item.is_open == (item.status in OPEN_STATUSES), item.reference
        assert item.priority_at == deadlines.priority_at(item.kind, item.priority, item.due_at), item.reference
        assert (item.due_at is not None) == item.is_open, item.reference
        if item.status == SubmissionStatus.NEW or item.status == SubmissionStatus.WITHDRAWN:
            assert item.assignee_id is None, item.reference
        else:
            assert item.assignee_id is not None, item.reference
    reports = [item for item in items if item.kind == SubmissionKind.RESTRICTION_REPORT]
    assert {item.priority for item in reports} == {1, 2, 3}
    offers = [item for item in items if item.kind == SubmissionKind.DUTY_OFFER]
    assert {item.priority for item in offers} == {0, 1}  # an offer that conflicts is worked sooner
    assert all(
        item.priority == 0
        for item in items
        if item.kind not in (SubmissionKind.RESTRICTION_REPORT, SubmissionKind.DUTY_OFFER)
    )


def test_each_item_has_its_details_its_submit_event_and_documents_their_file(app, program, db_session):
    for kind, detail in DETAILS.items():
        missing = db_session.scalar(
            select(func.count(Submission.id))
            .where(Submission.kind == kind)
            .outerjoin(detail, detail.submission_id == Submission.id)
            .where(detail.submission_id.is_(None))
        )
        assert missing == 0, kind
    submits = db_session.execute(
        select(SubmissionEvent.submission_id, func.count())
        .where(SubmissionEvent.action == "submit")
        .group_by(SubmissionEvent.submission_id)
    ).all()
    assert len(submits) == 2000 and all(count == 1 for _, count in submits)
    documents = db_session.scalar(select(func.count(func.distinct(StoredFile.submission_id))))
    assert documents == db_session.scalar(select(func.count(DocumentSubmission.submission_id)))
    keys = db_session.scalars(select(StoredFile.storage_key).distinct()).all()
    assert len(keys) == 1 and storage.path_for(keys[0], app.config["UPLOAD_FOLDER"]).read_bytes().startswith(b"%PDF-")


def test_the_portal_adds_rows_after_the_seeded_ids(program, db_session):
    # On PostgreSQL the seeded ids must have moved the sequences on, or the insert collides with one.
    seeded = db_session.scalar(select(func.max(Case.id)))
    added = factories.case(db_session)
    db_session.commit()
    assert added.id > seeded


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_seed_scale_prints_what_it_built_and_refuses_to_run_twice(cli):
    args = ["portal", "seed-scale", "--submissions", "200"]
    if db.engine.dialect.name != "sqlite":
        refused = cli.invoke(args=args)
        assert refused.exit_code != 0 and "--force" in refused.output
        args.append("--force")
    result = cli.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "200 submissions" in result.output and "Cases: 40 " in result.output
    assert scale.FIRST_MANAGER_EMAIL in result.output and scale.SCALE_PASSWORD in result.output
    again = cli.invoke(args=args)
    assert again.exit_code != 0 and "already holds a scale program" in again.output
