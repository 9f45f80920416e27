"""Markup drawn once for the same words (portal/web/drawn.py): the same as drawing it, and drawn again whenever what
it shows changes."""

from dataclasses import replace

from portal.inbox.rows import Row
from portal.items.deadlines import DueNote, DueState, Priority
from portal.web.drawn import drawn

ROW = Row(
    id=41,
    reference="D-ABCD-2345",
    summary="Medical certificate",
    kind_label="Document",
    received="3 Nov 2026, 09:15 CST",
    fit_changed=False,
    unverified_clinician=False,
    case_number="C-2026-00012",
    employee_name="Robin O'Neil",
    status="New",
    due_state=DueState.OVERDUE,
    due=DueNote("overdue", "Overdue: was due 4 Nov 2026"),
    priority=Priority.HIGH,
    priority_reason="Overdue",
    assignee_name=None,
    claimable=True,
)


def macro_drawn(app, row: Row) -> str:
    return str(app.jinja_env.get_template("inbox/_rows.html").module.inbox_row(row))


def test_a_row_drawn_once_is_the_row_the_macro_draws(app):
    with app.test_request_context("/inbox/"):
        first, again = drawn("inbox/_rows.html", "inbox_row", ROW), drawn("inbox/_rows.html", "inbox_row", ROW)
        assert first == again == macro_drawn(app, ROW)
        assert "Robin O&#39;Neil" in first and 'href="/inbox/submissions/41"' in first


def test_a_row_whose_words_changed_is_drawn_again(app):
    with app.test_request_context("/inbox/"):
        drawn("inbox/_rows.html", "inbox_row", ROW)
        claimed = replace(ROW, assignee_name="Alex Morgan", claimable=False, status="In review")
        markup = drawn("inbox/_rows.html", "inbox_row", claimed)
    assert "With </span>Alex Morgan" in markup and "In review" in markup and "data-claim" not in markup


def test_links_follow_where_the_portal_is_served(app):
    with app.test_request_context("/inbox/"):
        at_root = drawn("inbox/_rows.html", "inbox_row", ROW)
    with app.test_request_context("/inbox/", base_url="http://localhost/portal"):
        under_a_path = drawn("inbox/_rows.html", "inbox_row", ROW)
    assert 'href="/inbox/submissions/41"' in at_root
    assert 'href="/portal/inbox/submissions/41"' in under_a_path


def test_while_templates_reload_as_they_change_nothing_is_kept(app, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "auto_reload", True)
    with app.test_request_context("/inbox/"):
        kept = app.jinja_env.get_template("inbox/_rows.html")
        first = drawn("inbox/_rows.html", "inbox_row", ROW)
        monkeypatch.setattr(kept.module, "inbox_row", lambda row: f"<tr>changed {row.id}</tr>")
        assert drawn("inbox/_rows.html", "inbox_row", ROW) == "<tr>changed 41</tr>" != first
