"""The case manager's screens of a case's course: the caseload, the current picture, the return, notes, closing
and reopening; and the return the employee or the supervisor reports."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.models import CaseEvent, CaseEventKind, CaseStatus, CaseType
from portal.core.columns import utcnow
from portal.files.models import StoredFile
from portal.notes.models import CaseNote
from tests import factories
from tests.queries import counting_queries


@pytest.fixture
def people(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    colleague = factories.user(db_session, Role.CASE_MANAGER, name="Casey Colleague")
    boss = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    alex = factories.user(
        db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=boss.id, department="Warehouse"
    )
    today = utcnow().date()
    case = factories.case(
        db_session,
        employee=alex,
        case_manager=manager,
        leave_start=today - timedelta(days=12),
        expected_rtw=today + timedelta(days=20),
        opened_at=utcnow() - timedelta(days=11),
    )
    db_session.commit()
    return {
        "manager": web_as(manager),
        "colleague": web_as(colleague),
        "boss": web_as(boss),
        "alex": web_as(alex),
        "case": case,
        "manager_user": manager,
        "colleague_user": colleague,
    }


def test_my_cases_lists_the_case_managers_open_cases_with_counts_and_filters(db_session, people):
    manager, colleague = people["manager_user"], people["colleague_user"]
    for _ in range(3):
        factories.case(db_session, case_manager=colleague, case_type=CaseType.ACCOMMODATION)
    closed = factories.case(db_session, case_manager=manager, status=CaseStatus.CLOSED)
    db_session.commit()
    mine = people["manager"].client.get("/inbox/cases").get_data(as_text=True)
    assert "My cases" in mine and people["case"].number in mine and "Alex Employee" in mine
    assert "12" in mine  # days away: from the day after the leave began
    assert closed.number not in mine
    everyone = people["manager"].client.get("/inbox/cases?manager=all&case_type=accommodation").get_data(as_text=True)
    assert everyone.count("Casey Colleague") >= 3 and people["case"].number not in everyone
    warehouse = people["manager"].client.get("/inbox/cases?manager=all&department=Warehouse").get_data(as_text=True)
    assert people["case"].number in warehouse and "Casey Colleague</td>" not in warehouse
    quiet = people["manager"].client.get("/inbox/cases?quiet_days=30").get_data(as_text=True)
    assert people["case"].number not in quiet  # opened 11 days ago
    # Nonsense in the address is left out, not a 500.
    assert (
        people["manager"].client.get("/inbox/cases?manager=x&status=y&quiet_days=-1&after=zz&sort=q").status_code == 200
    )


def test_the_caseload_pages_by_keyset_in_a_fixed_number_of_queries(db_session, people, app):
    manager = people["manager_user"]
    for _ in range(30):
        factories.case(db_session, case_manager=manager)
    db_session.commit()
    client = people["manager"].client
    client.get("/inbox/cases")
    with counting_queries() as few:
        first = client.get("/inbox/cases").get_data(as_text=True)
    for _ in range(30):
        factories.case(db_session, case_manager=manager)
    db_session.commit()
    with counting_queries() as more:
        client.get("/inbox/cases")
    assert len(more) == len(few)
    assert 'rel="next"' in first
    second = client.get(first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&"))
    assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True)


@pytest.mark.security(
    threat="Another role lists the cases", control="The caseload answers 404 to every role but the case manager"
)
def test_nobody_else_opens_the_caseload(people):
    for role in ("alex", "boss"):
        assert people[role].client.get("/inbox/cases").status_code == 404


def test_the_case_page_shows_where_the_case_stands(people):
    page = people["manager"].client.get(f"/inbox/cases/{people['case'].id}").get_data(as_text=True)
    assert "Where the case stands" in page and "12 days away from work" in page
    assert "No work-status report accepted yet" in page and "Not yet" in page


def test_the_case_manager_changes_the_expected_return_with_a_reason_kept_in_its_history(people):
    case, manager = people["case"], people["manager"]
    path = f"/inbox/cases/{case.id}"
    new = (utcnow().date() + timedelta(days=40)).isoformat()
    refused = manager.post_form(f"{path}/expected-return", {"expected_rtw": new, "reason": ""}, token_from=path)
    assert refused.status_code == 422 and f'value="{new}"' in refused.get_data(as_text=True)
    assert (
        manager.post_form(
            f"{path}/expected-return", {"expected_rtw": new, "reason": "Clinician's estimate"}, token_from=path
        ).status_code
        == 303
    )
    assert "Clinician&#39;s estimate" in manager.client.get(path).get_data(as_text=True)


def test_the_employee_reports_a_return_and_the_case_manager_confirms_it(db_session, people):
    case = people["case"]
    today = utcnow().date().isoformat()
    alex = people["alex"]
    own = alex.client.get(f"/employee/cases/{case.id}/return")
    assert own.status_code == 200
    assert (
        alex.post_form(f"/employee/cases/{case.id}/return", {"returned_on": today, "duty": "full_duty"}).status_code
        == 303
    )
    path = f"/inbox/cases/{case.id}"
    page = people["manager"].client.get(path).get_data(as_text=True)
    assert "Alex Employee reported a return to full duty" in page and "Confirm the return" in page
    confirmed = people["manager"].post_form(
        f"{path}/return", {"returned_on": today, "duty": "full_duty"}, token_from=path
    )
    assert confirmed.status_code == 303
    db_session.expire_all()
    assert case.status == CaseStatus.RETURNED_TO_WORK and case.actual_rtw.isoformat() == today


def test_a_supervisor_reports_a_return_for_their_report_only(db_session, people):
    case = people["case"]
    boss = people["boss"]
    assert boss.client.get(f"/supervisor/cases/{case.id}/return").status_code == 200
    sent = boss.post_form(
        f"/supervisor/cases/{case.id}/return", {"returned_on": utcnow().date().isoformat(), "duty": "modified_duty"}
    )
    assert sent.status_code == 303
    other = factories.case(db_session)
    db_session.commit()
    assert boss.client.get(f"/supervisor/cases/{other.id}/return").status_code == 404


def test_notes_are_written_amended_and_seen_by_case_managers_only(db_session, people):
    case = people["case"]
    path = f"/inbox/cases/{case.id}/notes"
    manager = people["manager"]
    refused = manager.post_form(path, {"kind": "call", "happened_at": "", "with_whom": "", "text": "Called about pain"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Called about pain" in page and 'id="happened_at-error"' in page
    moment = utcnow().strftime("%Y-%m-%dT%H:%M")
    sent = manager.post_form(
        path,
        {"kind": "call", "happened_at": moment, "with_whom": "Alex", "with_employee": "y", "text": "Called about pain"},
    )
    assert sent.status_code == 303
    note = db_session.scalars(select(CaseNote)).one()
    amended = manager.post_form(
        f"{path}/{note.id}/amend", {f"amend-{note.id}-text": "It was a voicemail."}, token_from=path
    )
    assert amended.status_code == 303
    listed = manager.client.get(path).get_data(as_text=True)
    assert "Called about pain" in listed and "Amended by Morgan Manager" in listed and "It was a voicemail." in listed
    for role in ("alex", "boss"):
        assert people[role].client.get(path).status_code == 404
        assert "Called about pain" not in people[role].client.get("/", follow_redirects=True).get_data(as_text=True)


def test_closing_a_case_on_its_screen_and_reopening_it(db_session, people):
    case = people["case"]
    path = f"/inbox/cases/{case.id}"
    manager = people["manager"]
    form = manager.client.get(f"{path}/close").get_data(as_text=True)
    assert "Outcome" in form and "Closing summary" in form
    refused = manager.post_form(
        f"{path}/close", {"outcome": "", "closed_on": "", "summary": "Back at work"}, token_from=f"{path}/close"
    )
    assert refused.status_code == 422 and "Back at work" in refused.get_data(as_text=True)
    closed = manager.post_form(
        f"{path}/close",
        {"outcome": "returned_full_duty", "closed_on": utcnow().date().isoformat(), "summary": "Back at work"},
        token_from=f"{path}/close",
    )
    assert closed.status_code == 303
    page = manager.client.get(path).get_data(as_text=True)
    assert "so nothing new can be asked of or sent to it" in page and "/request-document" not in page
    assert "Reopen the case" in page
    late = people["alex"].post_form(
        f"/employee/cases/{case.id}/return", {"returned_on": utcnow().date().isoformat(), "duty": "full_duty"}
    )
    assert late.status_code == 409 and "was closed" in late.get_data(as_text=True)
    assert manager.post_form(f"{path}/reopen", {"reason": "Off again"}, token_from=path).status_code == 303
    db_session.expire_all()
    assert case.status == CaseStatus.OPEN
    assert (
        db_session.scalars(select(CaseEvent).where(CaseEvent.kind == CaseEventKind.REOPENED)).one().reason
        == "Off again"
    )


def test_each_audience_reads_the_timeline_in_its_own_words_and_others_get_404(db_session, people, web_as):
    case = people["case"]
    manager = people["manager"]
    path = f"/inbox/cases/{case.id}/notes"
    moment = utcnow().strftime("%Y-%m-%dT%H:%M")
    manager.post_form(path, {"kind": "internal", "happened_at": moment, "text": "Considering a transfer"})
    manager_page = manager.client.get(f"/inbox/cases/{case.id}/timeline").get_data(as_text=True)
    assert "Considering a transfer" in manager_page and "You wrote a note" in manager_page
    employee_page = people["alex"].client.get(f"/employee/cases/{case.id}/timeline")
    supervisor_page = people["boss"].client.get(f"/supervisor/cases/{case.id}/timeline")
    for response in (employee_page, supervisor_page):
        assert response.status_code == 200 and "Considering a transfer" not in response.get_data(as_text=True)
    assert "Your case " in employee_page.get_data(as_text=True)
    # The kind filter is in the address; an unknown one shows everything.
    assert "Considering a transfer" not in manager.client.get(f"/inbox/cases/{case.id}/timeline?kind=case").get_data(
        as_text=True
    )
    assert manager.client.get(f"/inbox/cases/{case.id}/timeline?kind=zz&after=1.2").status_code == 200
    stranger, other_boss = factories.user(db_session, Role.EMPLOYEE), factories.user(db_session, Role.SUPERVISOR)
    db_session.commit()
    stranger, other_boss = web_as(stranger), web_as(other_boss)
    assert stranger.client.get(f"/employee/cases/{case.id}/timeline").status_code == 404
    assert other_boss.client.get(f"/supervisor/cases/{case.id}/timeline").status_code == 404
    assert people["alex"].client.get(f"/inbox/cases/{case.id}/timeline").status_code == 404


def test_the_timeline_runs_the_same_queries_however_much_happened(db_session, people):
    case, manager = people["case"], people["manager"]
    path = f"/inbox/cases/{case.id}"
    manager.client.get(f"{path}/timeline")
    with counting_queries() as few:
        manager.client.get(f"{path}/timeline")
    moment = utcnow().strftime("%Y-%m-%dT%H:%M")
    for number in range(5):
        manager.post_form(f"{path}/notes", {"kind": "internal", "happened_at": moment, "text": f"Note {number}"})
        factories.inbox_item(db_session, case=case)
    db_session.commit()
    with counting_queries() as more:
        manager.client.get(f"{path}/timeline")
    assert len(more) == len(few)


@pytest.mark.security(
    threat="Something is sent to a closed case and waits there unseen",
    control="Every way to send to or ask on a case refuses a closed one with the reason (409), storing nothing",
)
def test_a_document_sent_to_a_closed_case_is_refused_with_the_reason_and_nothing_is_stored(db_session, people):
    case = people["case"]
    case.status, case.closed_on = CaseStatus.CLOSED, utcnow().date()
    db_session.commit()
    path = f"/employee/cases/{case.id}/documents/new"
    sent = people["alex"].post_form(
        path,
        {"document_type": "work_status_note", "files": [(io.BytesIO(factories.pdf_bytes()), "note.pdf")]},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 409 and "was closed on" in sent.get_data(as_text=True)
    assert not db_session.scalars(select(StoredFile)).all()
