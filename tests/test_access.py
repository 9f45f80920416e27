"""The access policy, rule by rule: who may see which case, submission and file."""

from datetime import timedelta

import pytest

from portal import access
from portal.accounts.models import Role
from portal.cases.models import AuthorisationScope
from portal.core.columns import utcnow
from portal.core.errors import NotFound
from portal.files.models import StoredFile
from portal.items.models import Submission, SubmissionKind
from tests import factories


@pytest.fixture
def world(db_session):
    """Two employees with a case each; one supervisor over the first; a clinician authorised on the first."""
    supervisor = factories.user(db_session, Role.SUPERVISOR)
    employee = factories.user(db_session, Role.EMPLOYEE, supervisor_id=supervisor.id)
    other_employee = factories.user(db_session, Role.EMPLOYEE)
    manager = factories.user(db_session, Role.CASE_MANAGER)
    clinician = factories.user(db_session, Role.CLINICIAN)
    case = factories.case(db_session, employee=employee, case_manager=manager)
    other_case = factories.case(db_session, employee=other_employee)
    authorisation = factories.authorisation(db_session, case, clinician)
    db_session.commit()
    return {
        "supervisor": supervisor,
        "employee": employee,
        "other_employee": other_employee,
        "manager": manager,
        "clinician": clinician,
        "admin": factories.user(db_session, Role.ADMIN),
        "case": case,
        "other_case": other_case,
        "authorisation": authorisation,
    }


def _sees(db_session, user, case) -> bool:
    try:
        access.get_case(db_session, user, case.id)
    except NotFound:
        return False
    return True


def test_a_case_manager_sees_every_case(db_session, world):
    assert _sees(db_session, world["manager"], world["case"]) and _sees(
        db_session, world["manager"], world["other_case"]
    )


def test_an_employee_sees_only_their_own_case(db_session, world):
    assert _sees(db_session, world["employee"], world["case"])
    assert not _sees(db_session, world["employee"], world["other_case"])


def test_a_supervisor_sees_a_direct_reports_case_but_nothing_medical(db_session, world):
    assert _sees(db_session, world["supervisor"], world["case"])
    assert not _sees(db_session, world["supervisor"], world["other_case"])
    assert not access.can_see_medical(world["supervisor"], world["case"], db_session)


def test_an_admin_sees_no_case(db_session, world):
    assert not _sees(db_session, world["admin"], world["case"])


def test_a_clinician_sees_only_authorised_cases_within_the_dates(db_session, world):
    clinician, case, authorisation = world["clinician"], world["case"], world["authorisation"]
    assert _sees(db_session, clinician, case)
    assert not _sees(db_session, clinician, world["other_case"])
    assert access.get_case(db_session, clinician, case.id, today=authorisation.valid_until) == case
    with pytest.raises(NotFound):
        access.get_case(db_session, clinician, case.id, today=authorisation.valid_until + timedelta(days=1))
    with pytest.raises(NotFound):
        access.get_case(db_session, clinician, case.id, today=authorisation.valid_from - timedelta(days=1))


def test_revoking_an_authorisation_takes_effect_at_once(db_session, world):
    world["authorisation"].revoked_at = utcnow()
    db_session.commit()
    assert not _sees(db_session, world["clinician"], world["case"])


def test_a_deactivated_account_sees_nothing(db_session, world):
    world["manager"].active = False
    db_session.commit()
    assert not _sees(db_session, world["manager"], world["case"])


def test_medical_content_needs_the_medical_documents_scope_for_a_clinician(db_session, world):
    assert not access.can_see_medical(world["clinician"], world["case"], db_session)
    world["authorisation"].scope = AuthorisationScope.WORK_STATUS_AND_MEDICAL_DOCUMENTS
    db_session.commit()
    assert access.can_see_medical(world["clinician"], world["case"], db_session)
    assert access.can_see_medical(world["employee"], world["case"], db_session)
    assert access.can_see_medical(world["manager"], world["case"], db_session)
    assert not access.can_see_medical(world["admin"], world["case"], db_session)


def _submission(db_session, case, by) -> Submission:
    submission = Submission(
        reference=f"S-{case.id}-{by.id}",
        kind=SubmissionKind.DOCUMENT,
        case=case,
        submitted_by=by,
        summary="Work status note",
    )
    db_session.add(submission)
    db_session.commit()
    return submission


def test_submissions_are_seen_by_case_managers_the_employee_and_their_sender_only(db_session, world):
    by_employee = _submission(db_session, world["case"], world["employee"])
    by_clinician = _submission(db_session, world["case"], world["clinician"])
    for user in (world["manager"], world["employee"]):
        assert access.get_submission(db_session, user, by_employee.id) == by_employee
        assert access.get_submission(db_session, user, by_clinician.id) == by_clinician
    assert access.get_submission(db_session, world["clinician"], by_clinician.id) == by_clinician
    for user, submission in (
        (world["clinician"], by_employee),
        (world["supervisor"], by_employee),
        (world["other_employee"], by_employee),
        (world["admin"], by_clinician),
    ):
        with pytest.raises(NotFound):
            access.get_submission(db_session, user, submission.id)


def test_a_clinician_loses_their_own_submissions_when_the_authorisation_is_revoked(db_session, world):
    by_clinician = _submission(db_session, world["case"], world["clinician"])
    world["authorisation"].revoked_at = utcnow()
    db_session.commit()
    with pytest.raises(NotFound):
        access.get_submission(db_session, world["clinician"], by_clinician.id)


def _stored_file(db_session, case, uploaded_by, is_medical=True) -> StoredFile:
    stored = StoredFile(
        storage_key="ab/" + "ab" * 32,
        original_name="note.pdf",
        size=10,
        sha256="ab" * 32,
        content_type="application/pdf",
        case=case,
        uploaded_by=uploaded_by,
        is_medical=is_medical,
    )
    db_session.add(stored)
    db_session.commit()
    return stored


def test_a_medical_file_is_never_served_to_a_supervisor_or_admin(db_session, world):
    stored = _stored_file(db_session, world["case"], world["employee"])
    assert access.get_file(db_session, world["employee"], stored.id) == stored
    assert access.get_file(db_session, world["manager"], stored.id) == stored
    for user in (world["supervisor"], world["admin"], world["other_employee"], world["clinician"]):
        with pytest.raises(NotFound):
            access.get_file(db_session, user, stored.id)


def test_a_non_medical_file_follows_the_case(db_session, world):
    stored = _stored_file(db_session, world["case"], world["supervisor"], is_medical=False)
    assert access.get_file(db_session, world["supervisor"], stored.id) == stored
    assert access.get_file(db_session, world["clinician"], stored.id) == stored
    with pytest.raises(NotFound):
        access.get_file(db_session, world["admin"], stored.id)


@pytest.mark.parametrize("role, area", [(role, area) for role in Role for area in access.AREA_ROLES])
def test_each_role_enters_only_its_own_area(db_session, role, area):
    user = factories.user(db_session, role)
    assert access.may_enter_area(user, area) == (role in access.AREA_ROLES[area])
