"""The admin most accounts tests act as, and their browser-like client."""

import pytest

from portal.accounts.models import Role
from tests import factories


@pytest.fixture
def admin(db_session):
    user = factories.user(db_session, Role.ADMIN, name="Ada Admin")
    db_session.commit()
    return user


@pytest.fixture
def admin_web(web_as, admin):
    return web_as(admin)
