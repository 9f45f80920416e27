"""Whatever is typed or sent into the forms of tasks, notices, reminders, notes and messages (empty, enormous, a
date that does not exist, digits of another script, a null byte, markup, text where a file goes), the answer is
the form again with what is wrong beside its field, or the change made: never an error page."""

import re

import pytest

from portal.accounts.models import Role
from portal.core.columns import utcnow
from portal.tasks.models import Task
from tests import factories

ODD = [
    "",
    " ",
    "x" * 5000,
    "2026-02-30",
    "-1",
    "\u0663\u0660",
    "\x00",
    "<script>alert(1)</script>",
    "99999999999999999999",
]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"[^>]*>', re.S)


def names_on(page: str) -> set[str]:
    return {name for name in FIELD.findall(page) if name not in ("csrf_token", "once")}


@pytest.fixture
def setting(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    case = factories.case(db_session, case_manager=manager, eligibility_notice_due=utcnow().date())
    factories.roster_person(db_session, case.employee)
    task = Task(case_id=case.id, owner_id=manager.id, title="Call", due_on=utcnow().date(), created_by_id=manager.id)
    db_session.add(task)
    db_session.commit()
    return {"manager": web_as(manager), "employee": web_as(case.employee), "case": case, "task": task}


def forms(setting) -> list[tuple[str, str, str]]:
    """(who, the page showing the form, where it is sent)."""
    case, task = setting["case"], setting["task"]
    return [
        ("manager", "/inbox/tasks/new", "/inbox/tasks/new"),
        ("manager", f"/inbox/tasks/{task.id}", f"/inbox/tasks/{task.id}/put-off"),
        ("manager", f"/inbox/tasks/{task.id}", f"/inbox/tasks/{task.id}/done"),  # last: done, its forms are gone
        (
            "manager",
            f"/inbox/cases/{case.id}/notices/eligibility/new",
            f"/inbox/cases/{case.id}/notices/eligibility/new",
        ),
        (
            "manager",
            f"/inbox/cases/{case.id}/notices/designation/new",
            f"/inbox/cases/{case.id}/notices/designation/new",
        ),
        ("manager", "/account/reminders", "/account/reminders"),
        ("employee", "/account/reminders", "/account/reminders"),
        # Forms from before: a NUL once reached PostgreSQL from any of them (portal.web.security.WithoutNul).
        ("manager", f"/inbox/cases/{case.id}/notes", f"/inbox/cases/{case.id}/notes"),
        ("employee", f"/employee/cases/{case.id}/messages", f"/employee/cases/{case.id}/messages"),
    ]


@pytest.mark.parametrize("odd", ODD)
def test_odd_input_in_every_field_is_a_form_problem_never_an_error_page(setting, odd):
    for who, page, action in forms(setting):
        web = setting[who]
        shown = web.client.get(page)
        assert shown.status_code == 200, (page, shown.status_code)
        fields = names_on(shown.get_data(as_text=True))
        assert fields, page
        answer = web.post_form(action, {name: odd for name in fields}, token_from=page)
        assert answer.status_code in (303, 409, 422), (action, repr(odd)[:40], answer.status_code)
