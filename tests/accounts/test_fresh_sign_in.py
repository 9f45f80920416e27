"""A fresh sign-in before changing who may see medical content: a session left open, or taken over, is not
enough to confirm a clinician, approve case-manager access or authorise a clinician."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import grants, two_step
from portal.accounts import operations as accounts
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases.models import CaseParticipant
from portal.restrictions import clinicians
from portal.settings import AccountSettings
from tests import factories


@pytest.fixture
def people(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager", email="morgan@example.test")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee")
    named = factories.user(db_session, Role.CLINICIAN, name="Dr Alex Alias", verified=False)
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, named)
    db_session.commit()
    return {"manager": manager, "employee": employee, "named": named, "case": case, "web_as": web_as}


def gone_stale(web) -> None:
    """The sign-in was long enough ago that it is no longer fresh: the session itself is still alive."""
    with web.client.session_transaction() as cookie_session:
        cookie_session["fresh_at"] -= timedelta(minutes=11).total_seconds()


def confirm_token(page: str) -> str:
    return re.search(r'name="fresh-csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def carried(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


@pytest.mark.security(
    threat="Someone at an unattended screen, or holding a taken-over session, confirms a clinician",
    control="Confirming a clinician asks for the password again unless given in the last ten minutes; what was "
    "typed is carried through, and nothing changes until it is given",
)
def test_confirming_a_clinician_after_a_while_asks_for_the_password_and_keeps_what_was_typed(db_session, people):
    manager = people["web_as"](people["manager"])
    gone_stale(manager)
    case_page = f"/inbox/cases/{people['case'].id}"
    confirm = f"{case_page}/clinicians/{people['named'].id}/confirm"
    npi = f"confirm-{people['named'].id}-npi"
    asked = manager.post_form(confirm, {npi: "1234567893"}, token_from=case_page)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 401 and "Confirm it is you" in page
    assert carried(page)[npi] == "1234567893" and "csrf_token" in carried(page)
    assert clinicians.credential_of(db_session, people["named"]) is None

    wrong = manager.client.post(
        confirm, data={**carried(page), "fresh-csrf_token": confirm_token(page), "fresh-password": "not it"}
    )
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="fresh-password-error"' in page and "password is not right" in page
    assert carried(page)[npi] == "1234567893"
    assert clinicians.credential_of(db_session, people["named"]) is None

    done = manager.client.post(
        confirm, data={**carried(page), "fresh-csrf_token": confirm_token(page), "fresh-password": factories.PASSWORD}
    )
    assert done.status_code == 303 and done.headers["Location"] == case_page
    assert clinicians.credential_of(db_session, people["named"]).npi == "1234567893"
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == people["manager"].id)).all()
    assert "sign_in_confirmed" in actions and "clinician_confirmed" in actions


def test_a_fresh_sign_in_goes_straight_through_and_lasts_ten_minutes(db_session, people):
    manager = people["web_as"](people["manager"])
    case_page = f"/inbox/cases/{people['case'].id}"
    confirm = f"{case_page}/clinicians/{people['named'].id}/confirm"
    done = manager.post_form(confirm, {f"confirm-{people['named'].id}-npi": "1234567893"}, token_from=case_page)
    assert done.status_code == 303


def test_with_two_steps_the_code_is_asked_for_too(db_session, people):
    manager = people["web_as"](people["manager"])
    secret = two_step.begin(db_session, people["manager"]).secret
    two_step.enable(db_session, people["manager"], pyotp.TOTP(secret).now())
    with pytest.raises(Exception, match="Enter the code"):
        accounts.confirm_identity(db_session, people["manager"], factories.PASSWORD, "", "10.0.0.1", AccountSettings())
    with pytest.raises(Exception, match="code is not right"):
        accounts.confirm_identity(
            db_session, people["manager"], factories.PASSWORD, "000000", "10.0.0.1", AccountSettings()
        )
    page = manager.client.get("/account/confirm").get_data(as_text=True)
    assert 'name="fresh-code"' in page and 'autocomplete="one-time-code"' in page


def test_guesses_at_the_confirmation_are_throttled_as_sign_ins_are(db_session, people):
    settings = AccountSettings(max_failures_per_account=2)
    for _ in range(2):
        with pytest.raises(Exception, match="password is not right"):
            accounts.confirm_identity(db_session, people["manager"], "guess", "", "10.0.0.1", settings)
    with pytest.raises(Exception, match="Too many"):
        accounts.confirm_identity(db_session, people["manager"], factories.PASSWORD, "", "10.0.0.1", settings)


@pytest.mark.security(
    threat="An unattended case manager's screen is used to approve case-manager access for someone",
    control="Approving or refusing access asks for the password again unless given in the last ten minutes",
)
def test_approving_case_manager_access_needs_a_fresh_sign_in(db_session, people):
    admin = factories.user(db_session, Role.ADMIN, name="Ada Admin")
    factories.user(db_session, Role.CASE_MANAGER, name="Casey Colleague")
    db_session.commit()
    accounts.invite(db_session, admin, "new@example.test", "Nia New", Role.CASE_MANAGER, AccountSettings())
    [grant] = grants.waiting(db_session)
    manager = people["web_as"](people["manager"])
    gone_stale(manager)
    asked = manager.post_form(f"/inbox/access/{grant.id}", {"decision": "approve"}, token_from="/inbox/access")
    assert asked.status_code == 401 and carried(asked.get_data(as_text=True))["decision"] == "approve"
    db_session.expire_all()
    assert grants.waiting(db_session) == [grant]


@pytest.mark.security(
    threat="Someone at an employee's unattended screen authorises a clinician to see their medical content",
    control="Authorising a clinician asks for the password again unless given in the last ten minutes",
)
def test_authorising_a_clinician_needs_a_fresh_sign_in_but_seeing_them_does_not(db_session, people):
    employee = people["web_as"](people["employee"])
    gone_stale(employee)
    path = f"/employee/cases/{people['case'].id}/clinicians"
    assert employee.client.get(path).status_code == 200
    asked = employee.post_form(path, {"name": "Dr New", "email": "new@clinic.example", "scope": "work_status"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 401 and carried(page)["email"] == "new@clinic.example"
    assert db_session.query(CaseParticipant).filter_by(named_email="new@clinic.example").count() == 0
    done = employee.client.post(
        path, data={**carried(page), "fresh-csrf_token": confirm_token(page), "fresh-password": factories.PASSWORD}
    )
    assert done.status_code == 303
    assert db_session.query(CaseParticipant).filter_by(named_email="new@clinic.example").count() == 1


def test_the_confirmation_page_goes_back_only_to_this_site(db_session, people):
    manager = people["web_as"](people["manager"])
    page = manager.client.get("/account/confirm?next=//evil.example/x").get_data(as_text=True)
    done = manager.client.post(
        "/account/confirm?next=//evil.example/x",
        data={"fresh-csrf_token": confirm_token(page), "fresh-password": factories.PASSWORD},
    )
    assert done.status_code == 303 and done.headers["Location"] == "/inbox/"


@pytest.mark.security(
    threat="Someone at an unattended case manager's screen takes a whole case, every medical file in it, away",
    control="Downloading the whole case asks for the password again unless given in the last ten minutes, "
    "then goes on to the download",
)
def test_downloading_a_whole_case_needs_a_fresh_sign_in_then_goes_on(db_session, people):
    manager = people["web_as"](people["manager"])
    gone_stale(manager)
    download = f"/inbox/cases/{people['case'].id}/case-file"
    asked = manager.client.get(download)
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/confirm?next=")
    page = manager.client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Confirm it is you" in page and downloads(db_session) == 0
    done = manager.client.post(
        asked.headers["Location"],
        data={"fresh-csrf_token": confirm_token(page), "fresh-password": factories.PASSWORD},
    )
    assert done.status_code == 303 and done.headers["Location"] == download
    got = manager.client.get(download)
    got.close()  # the ZIP is a temporary file, removed once the response is done with
    assert got.status_code == 200 and got.mimetype == "application/zip" and downloads(db_session) == 1


def downloads(db_session) -> int:
    return len(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "case_file_downloaded")).all())
