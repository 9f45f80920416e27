"""A treating clinician is unverified until a case manager confirms a licence or NPI: the attack of an
employee naming a second address of their own as their clinician, and the confirmation."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.inbox import kinds
from portal.items import lifecycle
from portal.restrictions import clinicians, reports
from portal.restrictions import operations as restrictions
from portal.restrictions.operations import ReportInput
from portal.settings import DeadlineSettings, UploadLimits
from tests import factories

DEADLINES = DeadlineSettings()


@pytest.fixture
def people(db_session):
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    # The employee's own second address, named as their "clinician": nobody has checked it.
    named = factories.user(db_session, Role.CLINICIAN, name="Dr Alex Alias", verified=False)
    factories.authorisation(db_session, case, named)
    db_session.commit()
    return {"employee": employee, "manager": manager, "case": case, "named": named}


def may_not_work(db_session, people, tmp_path):
    today = utcnow().date()
    report = ReportInput(
        visit_date=today,
        work_status="off_work",
        effective_from=today,
        diagnoses=[("M54.50", "Low back pain")],
        attested_name="Dr Alex Alias",
        licence_number="MD-00000",
    )
    uploads = UploadLimits(str(tmp_path), 10**6, 3)
    return reports.submit(db_session, people["named"], people["case"], report, None, uploads, DEADLINES)


@pytest.mark.parametrize(
    ("npi", "valid"), [("1234567893", True), ("1234567890", False), ("123456789", False), ("12345678９3", False)]
)
def test_an_npi_is_ten_digits_with_its_luhn_check_digit(npi, valid):
    assert clinicians.npi_is_valid(npi) is valid


@pytest.mark.security(
    threat="Anyone named as a treating clinician (an employee's second address) files 'may not work' at top priority",
    control=(
        "A clinician is unverified until a case manager confirms a licence or NPI: their reports come in "
        "routine and cannot be accepted"
    ),
)
def test_an_unverified_clinicians_may_not_work_report_comes_in_routine_and_cannot_be_accepted(
    db_session, people, tmp_path
):
    item = may_not_work(db_session, people, tmp_path)
    assert item.priority == 0  # not the top priority a "may not work" report from a real clinician gets
    lifecycle.claim(db_session, item, people["manager"], item.version)
    with pytest.raises(Conflict, match="Dr Alex Alias is not a verified clinician yet"):
        kinds.accept(db_session, item, people["manager"], item.version)
    assert item.status == "in_review"
    assert restrictions.current_report(db_session, people["case"].id, utcnow().date()) is None


@pytest.mark.security(
    threat="A clinician confirmed with nothing recorded of who checked what",
    control="The licence or NPI checked, by whom and when, is kept and audited",
)
def test_confirming_the_clinician_is_audited_raises_their_reports_priority_and_lets_them_take_effect(
    db_session, people, tmp_path
):
    item = may_not_work(db_session, people, tmp_path)
    credential = clinicians.confirm(db_session, people["manager"], people["named"], "MD-00000", "il", "")
    assert credential.described == "licence MD-00000 (IL)" and credential.verified_by_id == people["manager"].id
    db_session.refresh(item)
    assert item.priority == restrictions.priority("off_work") and item.priority_at < item.due_at
    audit = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "clinician_confirmed")).one()
    assert (audit.actor_id, audit.object_id) == (people["manager"].id, people["named"].id)
    lifecycle.claim(db_session, item, people["manager"], item.version)
    kinds.accept(db_session, item, people["manager"], item.version)
    assert restrictions.current_report(db_session, people["case"].id, utcnow().date()).submission_id == item.id


@pytest.mark.parametrize(
    ("licence", "state", "npi", "field"),
    [
        ("", "", "", "licence_number"),
        ("MD-1", "", "", "licence_state"),
        ("MD-1", "XX", "", "licence_state"),
        ("", "", "1234567890", "npi"),
    ],
)
def test_a_confirmation_says_what_was_checked(db_session, people, licence, state, npi, field):
    with pytest.raises(InvalidInput) as refused:
        clinicians.confirm(db_session, people["manager"], people["named"], licence, state, npi)
    assert field in refused.value.problems
    assert clinicians.credential_of(db_session, people["named"]) is None


def test_the_case_page_and_the_inbox_say_who_is_unverified_and_the_case_manager_confirms_there(
    db_session, people, tmp_path, web_as
):
    item = may_not_work(db_session, people, tmp_path)
    manager = web_as(people["manager"])
    case_page = f"/inbox/cases/{people['case'].id}"
    page = manager.client.get(case_page).get_data(as_text=True)
    assert "<strong>Not verified</strong>" in page and "Confirm Dr Alex Alias" in page
    assert "Clinician not verified" in manager.client.get("/inbox/").get_data(as_text=True)
    review = manager.client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)
    assert "Dr Alex Alias is not a verified clinician yet" in review
    assert f"#confirm-clinician-{people['named'].id}" in review

    confirm = f"{case_page}/clinicians/{people['named'].id}/confirm"
    prefix = f"confirm-{people['named'].id}-"
    refused = manager.post_form(confirm, {prefix + "npi": "1234567890"}, token_from=case_page)
    assert refused.status_code == 422 and f'id="{prefix}npi-error"' in refused.get_data(as_text=True)
    assert 'value="1234567890"' in refused.get_data(as_text=True)
    confirmed = manager.post_form(confirm, {prefix + "npi": "1234567893"}, token_from=case_page)
    assert confirmed.status_code == 303
    page = manager.client.get(case_page).get_data(as_text=True)
    assert "Verified: NPI 1234567893, by Morgan Manager" in page
    assert "Clinician not verified" not in manager.client.get("/inbox/").get_data(as_text=True)


def test_only_a_clinician_on_the_case_can_be_confirmed_from_it(db_session, people, web_as):
    stranger = factories.user(db_session, Role.CLINICIAN, verified=False)
    db_session.commit()
    manager = web_as(people["manager"])
    case_page = f"/inbox/cases/{people['case'].id}"
    response = manager.post_form(
        f"{case_page}/clinicians/{stranger.id}/confirm",
        {f"confirm-{stranger.id}-npi": "1234567893"},
        token_from=case_page,
    )
    assert response.status_code == 404 and clinicians.credential_of(db_session, stranger) is None
