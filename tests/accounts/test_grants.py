"""Case-manager access, which sees medical content, takes two people: the attack of an admin inviting a
case-manager account at an address they control, and the approval that now stands in its way."""

import pytest
from sqlalchemy import select

from portal.accounts import grants, roster
from portal.accounts import operations as accounts
from portal.accounts.models import AccessGrant, Role, User
from portal.audit.models import AuditEvent
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.mail.models import OutboundEmail
from portal.settings import AccountSettings
from tests import factories

SETTINGS = AccountSettings()


@pytest.fixture
def program(db_session):
    admin = factories.user(db_session, Role.ADMIN, name="Ada Admin", email="ada@example.test")
    managers = [
        factories.user(db_session, Role.CASE_MANAGER, name=name, email=f"{name.split()[0].lower()}@example.test")
        for name in ("Morgan Manager", "Casey Colleague")
    ]
    db_session.commit()
    return {"admin": admin, "managers": managers}


def emails(db_session, template: str) -> dict[str, str]:
    rows = db_session.scalars(select(OutboundEmail).where(OutboundEmail.template == template))
    return {row.to_address: row.body_text for row in rows}


def actions(db_session) -> list[str]:
    return list(db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.security(
    threat="An admin gives themselves medical access by inviting a case-manager account at an address they control",
    control=(
        "Case-manager access waits, signed out, for another case manager's approval; every case manager is "
        "told; audited"
    ),
)
def test_an_admin_inviting_a_case_manager_only_asks_every_case_manager_and_nothing_reaches_the_invitee(
    db_session, program
):
    invited = accounts.invite(
        db_session, program["admin"], "ada.alias@example.test", "Ada Alias", Role.CASE_MANAGER, SETTINGS
    )
    assert not invited.active and invited.password_hash is None
    assert emails(db_session, "invitation") == {}  # no link to set a password: nothing to sign in with
    asked = emails(db_session, "access_requested")
    assert set(asked) == {"morgan@example.test", "casey@example.test"}
    assert (
        "Ada Admin asked to give Ada Alias (ada.alias@example.test) case-manager access" in asked["morgan@example.test"]
    )
    assert "access_requested" in actions(db_session)
    with pytest.raises(InvalidInput, match="waits for a case manager's approval"):
        roster.reactivate(db_session, program["admin"], invited)
    with pytest.raises(InvalidInput):
        roster.invite_again(db_session, program["admin"], invited, SETTINGS)
    accounts.request_password_reset(db_session, "ada.alias@example.test", SETTINGS)
    assert emails(db_session, "password_reset") == {}


def test_another_case_manager_approves_and_only_then_the_invitation_goes_and_everyone_is_told(db_session, program):
    invited = accounts.invite(db_session, program["admin"], "new@example.test", "Nia New", Role.CASE_MANAGER, SETTINGS)
    [grant] = grants.waiting(db_session)
    grants.decide(db_session, program["managers"][0], grant.id, True, SETTINGS)
    assert invited.active and grant.approved and grant.decided_by_id == program["managers"][0].id
    assert set(emails(db_session, "invitation")) == {"new@example.test"}
    told = emails(db_session, "access_decided")
    assert set(told) == {"ada@example.test", "morgan@example.test", "casey@example.test"}
    assert "Morgan Manager approved case-manager access for Nia New" in told["casey@example.test"]
    assert "/admin/" in told["ada@example.test"] and "/inbox/access" in told["casey@example.test"]
    assert actions(db_session)[-1] == "access_granted"
    with pytest.raises(Conflict, match="already decided"):
        grants.decide(db_session, program["managers"][1], grant.id, False, SETTINGS)


def test_a_refused_request_leaves_the_account_without_access(db_session, program):
    invited = accounts.invite(db_session, program["admin"], "new@example.test", "Nia New", Role.CASE_MANAGER, SETTINGS)
    [grant] = grants.waiting(db_session)
    grants.decide(db_session, program["managers"][1], grant.id, False, SETTINGS)
    assert not invited.active and grant.approved is False and emails(db_session, "invitation") == {}
    assert actions(db_session)[-1] == "access_refused"


@pytest.mark.security(
    threat="A case manager approves their own return, or an admin approves their own request",
    control="Nobody decides a request about themselves or that they made; only case managers decide",
)
def test_nobody_decides_a_request_about_themselves_or_that_they_made_and_only_case_managers_decide(db_session, program):
    manager = program["managers"][0]
    roster.deactivate(db_session, program["admin"], manager)
    assert roster.reactivate(db_session, program["admin"], manager) is False  # a case manager's access is asked for
    assert not manager.active
    [grant] = grants.waiting(db_session)
    manager.active = True  # even were they somehow active, they could not approve their own return
    with pytest.raises(Conflict, match="Another case manager must decide"):
        grants.decide(db_session, manager, grant.id, True, SETTINGS)
    manager.active = False
    for someone in (program["admin"], factories.user(db_session, Role.EMPLOYEE)):
        with pytest.raises(NotFound):
            grants.decide(db_session, someone, grant.id, True, SETTINGS)
    grants.decide(db_session, program["managers"][1], grant.id, True, SETTINGS)
    assert manager.active and emails(db_session, "invitation") == {}  # they had a password: no new link


def test_without_any_case_manager_to_approve_the_first_is_made_on_the_server(db_session):
    admin = factories.user(db_session, Role.ADMIN)
    with pytest.raises(InvalidInput, match="flask portal create-user"):
        accounts.invite(db_session, admin, "first@example.test", "First One", Role.CASE_MANAGER, SETTINGS)
    assert db_session.scalar(select(User).where(User.email == "first@example.test")) is None
    assert not db_session.scalars(select(AccessGrant)).all()


def test_other_roles_are_invited_at_once_as_before(db_session, program):
    invited = accounts.invite(db_session, program["admin"], "sup@example.test", "Sam Sup", Role.SUPERVISOR, SETTINGS)
    assert invited.active and set(emails(db_session, "invitation")) == {"sup@example.test"}


def test_the_access_requests_screen_approves_and_admins_cannot_reach_it(db_session, program, web_as):
    accounts.invite(db_session, program["admin"], "new@example.test", "Nia New", Role.CASE_MANAGER, SETTINGS)
    [grant] = grants.waiting(db_session)
    manager = web_as(program["managers"][0])
    page = manager.client.get("/inbox/access").get_data(as_text=True)
    assert "Nia New" in page and "asked for by Ada Admin" in page and ">Approve<" in page
    approved = manager.post_form(f"/inbox/access/{grant.id}", {"decision": "approve"}, token_from="/inbox/access")
    assert approved.status_code == 303
    page = manager.client.get("/inbox/access").get_data(as_text=True)
    assert "Nia New (new@example.test): approved by Morgan Manager" in page
    admin = web_as(program["admin"])
    assert admin.client.get("/inbox/access").status_code == 404
    refused = manager.post_form(f"/inbox/access/{grant.id}", {"decision": "refuse"}, token_from="/inbox/access")
    assert refused.status_code == 409 and "already decided" in refused.get_data(as_text=True)


def test_the_invite_screen_says_a_case_manager_waits_for_approval(db_session, program, web_as):
    admin = web_as(program["admin"])
    response = admin.post_form(
        "/invite", {"email": "nia@example.test", "name": "Nia New", "role": "case_manager"}, token_from="/invite"
    )
    page = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "access waits for another case manager&#39;s approval" in page and "Invitation sent" not in page
    listing = admin.client.get("/admin/?q=nia").get_data(as_text=True)
    assert "Waiting for a case manager's approval" in listing and "Send a new invitation" not in listing
