"""Opening a case through the screens: the employee's report page by page, a supervisor's report, a case
manager's, and triage in the inbox's review."""

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.models import Case, CaseStatus
from portal.items.models import Submission, SubmissionKind
from tests import factories


@pytest.fixture
def people(db_session, web_as):
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    boss = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    alex = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=boss.id)
    boss_person = factories.roster_person(db_session, boss)
    factories.roster_person(db_session, alex, supervisor=boss_person)
    riley = factories.roster_person(db_session, supervisor=boss_person, name="Riley Rivera")
    db_session.commit()
    return {
        "manager": web_as(manager),
        "boss": web_as(boss),
        "alex": web_as(alex),
        "riley": riley,
    }


def the_report(db_session) -> Submission:
    db_session.expire_all()
    return db_session.scalars(select(Submission).where(Submission.kind == SubmissionKind.INTAKE_REPORT)).one()


def test_the_employee_reports_a_need_page_by_page_and_checks_it_before_sending(db_session, people):
    alex = people["alex"]
    first = alex.client.get("/employee/report/need").get_data(as_text=True)
    assert "Report a need, question 1 of 4" in first and "diagnosis" in first  # says none is needed
    unanswered = alex.post_form("/employee/report/need", {})
    assert unanswered.status_code == 422 and 'id="need-error"' in unanswered.get_data(as_text=True)
    assert alex.post_form("/employee/report/need", {"need": "own_health"}).headers["Location"].endswith("/dates")
    assert alex.post_form("/employee/report/dates", {"first_day_away": "2026-11-23"}).status_code == 303
    assert alex.post_form("/employee/report/work", {"at_work": "no"}).status_code == 303
    missing = alex.post_form("/employee/report/contact", {"contact_note": "Mornings"})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 422 and 'value="Mornings"' in page and 'id="contact_phone-error"' in page
    done = alex.post_form("/employee/report/contact", {"contact_phone": "555-0100", "contact_note": "Mornings"})
    assert done.headers["Location"].endswith("/employee/report/check")
    check = alex.client.get("/employee/report/check").get_data(as_text=True)
    assert "Time off for your own health condition" in check and "555-0100, Mornings" in check
    changed = alex.post_form("/employee/report/dates?back=check", {"first_day_away": "2026-11-24"})
    assert changed.headers["Location"].endswith("/employee/report/check")
    sent = alex.post_form("/employee/report/check", {})
    assert sent.status_code == 303
    mine = alex.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "New report" in mine and "Sent: N-" in mine
    item = the_report(db_session)
    assert item.case.status == CaseStatus.INTAKE and item.intake.first_day_away.isoformat() == "2026-11-24"
    home = alex.client.get("/employee/").get_data(as_text=True)
    assert item.case.number in home and "Reported, waiting for a case manager to open it" in home


def test_a_page_answered_with_rubbish_is_refused_next_to_its_field(people):
    alex = people["alex"]
    bad = alex.post_form("/employee/report/dates", {"first_day_away": "31/31/2026"})
    assert bad.status_code == 422 and 'id="first_day_away-error"' in bad.get_data(as_text=True)
    assert alex.client.get("/employee/report/nonsense").status_code == 404


def test_a_supervisor_reports_an_injury_for_someone_on_their_team(db_session, people):
    boss = people["boss"]
    page = boss.client.get("/supervisor/report").get_data(as_text=True)
    assert "Riley Rivera" in page and "Nothing about their health" in page
    refused = boss.post_form("/supervisor/report", {"person": "0", "what_happened": "Slipped at dock 4"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="person-error"' in page and "Slipped at dock 4" in page
    sent = boss.post_form(
        "/supervisor/report",
        {
            "person": str(people["riley"].id),
            "need": "work_injury",
            "happened_at": "2026-11-24T14:30",
            "what_happened": "Slipped at dock 4",
            "witnesses": "Jo Lee",
        },
    )
    assert sent.status_code == 303
    report = boss.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Slipped at dock 4" in report and "Waiting for a case manager" in report
    home = boss.client.get("/supervisor/").get_data(as_text=True)
    assert "an injury or illness from work for Riley Rivera" in home and "waiting for a case manager" in home
    stranger = factories.roster_person(db_session)
    db_session.commit()
    other = boss.post_form(
        "/supervisor/report", {"person": str(stranger.id), "need": "absence", "what_happened": "Away"}
    )
    assert other.status_code == 404


def test_a_case_manager_opens_a_case_and_triages_it_in_the_review(db_session, people):
    manager = people["manager"]
    unknown = manager.post_form("/inbox/open-case", {"person": "E99999", "need": "own_health"})
    assert unknown.status_code == 422 and "Nobody on the roster" in unknown.get_data(as_text=True)
    opened = manager.post_form("/inbox/open-case", {"person": people["riley"].employee_number, "need": "own_health"})
    assert opened.status_code == 303
    review = manager.client.get(opened.headers["Location"]).get_data(as_text=True)
    inbox = manager.client.get("/inbox/").get_data(as_text=True)
    assert "New report: time off for a health condition" in inbox
    assert "Triage: open the case" in review and "FMLA eligibility" in review and "Eligible, by the roster" in review
    item = the_report(db_session)
    version = re.search(r'id="triage-version" name="version" type="hidden" value="(\d+)"', review).group(1)
    nothing = manager.post_form(
        f"/inbox/submissions/{item.id}/triage",
        {"version": version, "case_manager": "0"},
        token_from=opened.headers["Location"],
    )
    assert nothing.status_code == 422 and 'id="tracks-error"' in nothing.get_data(as_text=True)
    done = manager.post_form(
        f"/inbox/submissions/{item.id}/triage",
        {
            "version": version,
            "tracks": ["leave"],
            "join_leave": "",
            "case_manager": str(item.assignee_id),
            "expected_rtw": "2027-01-04",
        },
    )
    assert done.status_code == 303
    case = db_session.get(Case, item.case_id)
    assert case.status == CaseStatus.OPEN and case.eligibility_notice_due is not None
    after = manager.client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Triaged. Leave: opened " + case.number in after
    assert manager.client.get(f"/inbox/cases/{case.id}").status_code == 200


@pytest.mark.parametrize("who", ["alex", "boss"])
def test_only_case_managers_open_or_triage(people, who):
    assert people[who].client.get("/inbox/open-case").status_code == 404


def test_the_case_page_shows_eligibility_and_the_notice_due_which_the_inbox_lists(db_session, people):
    manager = people["manager"]
    opened = manager.post_form("/inbox/open-case", {"person": people["riley"].employee_number, "need": "own_health"})
    review = manager.client.get(opened.headers["Location"]).get_data(as_text=True)
    item = the_report(db_session)
    version = re.search(r'id="triage-version" name="version" type="hidden" value="(\d+)"', review).group(1)
    manager.post_form(
        f"/inbox/submissions/{item.id}/triage",
        {"version": version, "tracks": ["leave"], "case_manager": str(item.assignee_id)},
    )
    case = db_session.get(Case, item.case_id)
    inbox = manager.client.get("/inbox/").get_data(as_text=True)
    assert "FMLA eligibility notices to give: 1" in inbox and case.number in inbox
    assert re.search(rf"{case.number}, [^<]*</a>: <(strong|span) class=\"due[^>]*>(Due|Overdue)[^<]*</", inbox)
    page = manager.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Eligible, by the roster" in page and "1,800 hours in the last 12 months" in page
    assert "The eligibility and rights notice is due by" in page
    future = manager.post_form(f"/inbox/cases/{case.id}/eligibility-notice", {"given_on": "2999-01-01"})
    assert future.status_code == 422 and 'id="given_on-error"' in future.get_data(as_text=True)
    given = manager.post_form(f"/inbox/cases/{case.id}/eligibility-notice", {"given_on": ""})
    assert given.status_code == 303
    assert "FMLA eligibility notices to give" not in manager.client.get("/inbox/").get_data(as_text=True)
