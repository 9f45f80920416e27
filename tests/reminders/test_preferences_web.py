"""Each person's reminder settings, beside their password: every role, errors beside the field with the rest kept."""

import re

import pytest

from portal.accounts.models import Role
from portal.extensions import db
from portal.reminders.models import Delivery, ReminderPreference

PATH = "/account/reminders"


def checked(page: str, name: str, value: str | None = None) -> bool:
    """Whether the input ``name`` (with ``value``, for a radio) is checked on ``page``."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and (value is None or f'value="{value}"' in tag):
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_its_reminder_settings_from_the_account_links(login_as, client, role):
    login_as(role)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert f'href="{PATH}"' in home
    page = client.get(PATH)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Reminders</h1>" in text
    # The defaults: an email for each reminder, and every reminder.
    assert checked(text, "delivery", Delivery.IMMEDIATE) and checked(text, "optional_reminders")
    assert ("digest of new items" in text) is (role == Role.CASE_MANAGER)


def test_choices_are_kept(login_as, web, db_session):
    user = login_as(Role.SUPERVISOR)
    response = web.post_form(PATH, {"delivery": "digest"})  # the box left unticked: only what the law requires
    assert response.status_code == 303 and response.headers["Location"].endswith(PATH)
    kept = db_session.get(ReminderPreference, user.id)
    assert kept.delivery == Delivery.DIGEST and kept.optional_reminders is False
    page = web.client.get(PATH).get_data(as_text=True)
    assert "Your reminder settings are saved." in page
    assert checked(page, "delivery", Delivery.DIGEST) and not checked(page, "optional_reminders")


def test_no_choice_is_refused_beside_the_field_with_the_rest_kept(login_as, web, db_session):
    user = login_as(Role.EMPLOYEE)
    db.session.add(ReminderPreference(user_id=user.id, delivery=Delivery.DIGEST, optional_reminders=True))
    db.session.commit()
    response = web.post_form(PATH, {"delivery": "hourly"})  # optional reminders unticked
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#delivery"' in page and 'id="delivery-error"' in page and "Choose how to get your reminders." in page
    assert not checked(page, "optional_reminders")  # as sent, not as saved
    db_session.expire_all()
    assert db_session.get(ReminderPreference, user.id).optional_reminders is True


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(PATH)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
