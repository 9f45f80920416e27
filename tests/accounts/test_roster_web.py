"""The admin's roster screens: load a file, read the preview, fix what it says, confirm."""

import io
import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, RosterPerson
from tests import factories
from tests.accounts.test_roster_import import ROSTER


def upload(web, content: bytes, name: str = "people.csv"):
    return web.post_form(
        "/admin/roster",
        {"file": (io.BytesIO(content), name)},
        token_from="/admin/roster",
        content_type="multipart/form-data",
    )


def everyone(db_session) -> list[str]:
    db_session.expire_all()
    return sorted(db_session.scalars(select(RosterPerson.employee_number)))


def test_an_admin_loads_a_roster_after_reading_its_preview(db_session, admin_web):
    checked = upload(admin_web, ROSTER.encode())
    assert checked.status_code == 303
    preview = admin_web.client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "Check the roster before loading it" in preview and "people.csv" in preview
    assert "<strong>4</strong> to add" in preview and "Riley Rivera" in preview
    assert everyone(db_session) == []
    plan = re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]+)"', preview).group(1)
    done = admin_web.post_form(checked.headers["Location"], {"plan": plan, "once": once})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/roster"
    page = admin_web.client.get("/admin/roster").get_data(as_text=True)
    assert "Roster loaded: 4 added, 0 changed, 0 no longer in the roster." in page
    assert everyone(db_session) == ["1001", "1002", "1003", "1004"]
    back = admin_web.client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "people.csv was loaded" in back and "by Ada Admin: 4 added, 0 changed" in back
    again = admin_web.post_form(checked.headers["Location"], {"plan": plan, "once": once})
    assert again.status_code == 303  # a second press of the same button: received once
    assert everyone(db_session) == ["1001", "1002", "1003", "1004"]


def test_a_row_with_a_problem_is_shown_by_its_line_and_the_fixed_file_loads(db_session, admin_web):
    broken = ROSTER.replace("2025-12-01", "yesterday")
    preview = admin_web.client.get(upload(admin_web, broken.encode()).headers["Location"]).get_data(as_text=True)
    assert re.search(r"<th scope=\"row\">5</th><td>1004</td><td>“yesterday” is not a date", preview)
    assert "Load the roster" not in preview and "Load the corrected file" in preview
    fixed = admin_web.client.get(upload(admin_web, ROSTER.encode()).headers["Location"]).get_data(as_text=True)
    assert "Load the roster: 4 added" in fixed


def test_a_file_that_is_not_a_csv_is_refused_next_to_the_field(db_session, admin_web):
    refused = upload(admin_web, b"PK\x03\x04" + b"\x00" * 100, "people.xlsx")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="file-error"' in page and "spreadsheet workbook" in page
    missing = admin_web.post_form("/admin/roster", {}, token_from="/admin/roster")
    assert missing.status_code == 422 and "Choose the roster&#39;s CSV file." in missing.get_data(as_text=True)


def test_a_preview_confirmed_after_the_roster_changed_is_shown_again_not_written(db_session, admin_web):
    first = upload(admin_web, ROSTER.encode()).headers["Location"]
    page = admin_web.client.get(first).get_data(as_text=True)
    stale = admin_web.post_form(first, {"plan": "0" * 64, "once": "a" * 32})
    assert stale.status_code == 409 and "changed since this preview" in stale.get_data(as_text=True)
    assert everyone(db_session) == [] and "Load the roster" in page


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.EMPLOYEE])
def test_only_admins_reach_the_roster(db_session, web_as, role):
    user = factories.user(db_session, role)
    db_session.commit()
    web = web_as(user)
    assert web.client.get("/admin/roster").status_code == 404
