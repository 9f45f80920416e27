"""Clinicians, employees' authorisations and the effect of reports, through the test client."""

import io
import re

import pytest

from portal.accounts.models import Role
from portal.cases.models import CaseParticipant
from portal.core.columns import utcnow
from portal.files.models import StoredFile
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.items.models import InformationRequest, Submission, SubmissionStatus
from portal.mail.models import OutboundEmail
from portal.restrictions.operations import Limit
from portal.settings import DeadlineSettings
from tests import factories

DIAGNOSIS_CODE, DIAGNOSIS_TEXT = "S83.511A", "Sprain of anterior cruciate ligament of right knee"


def report_fields(**changes) -> dict:
    today = utcnow().date().isoformat()
    fields = {
        "visit_date": today,
        "work_status": "modified_duty",
        "effective_from": today,
        "lift_pounds": "15",
        "lift_frequency": "occasionally",
        "stand_hours": "2",
        "squat_kneel_frequency": "never",
        "drive_allowed": "no",
        "other_restrictions": "Seated work only",
        "diagnosis_code_1": DIAGNOSIS_CODE,
        "diagnosis_description_1": DIAGNOSIS_TEXT,
        "attested_name": "Dr Casey Lee",
        "licence_number": "MD-12345",
        "action": "send",
    }
    fields.update(changes)
    return fields


@pytest.fixture
def people(web_as, db_session):
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    admin = factories.user(db_session, Role.ADMIN, name="Ada Admin")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    db_session.commit()
    clients = {
        name: web_as(user)
        for name, user in (
            ("supervisor", supervisor),
            ("employee", employee),
            ("manager", manager),
            ("clinician", clinician),
            ("admin", admin),
        )
    }
    people = {"case": case, "clinician": clinician, "manager": manager, "supervisor": supervisor}
    return {**people, **{f"{k}_web": v for k, v in clients.items()}}


def send_report(web, case, **changes):
    path = f"/clinician/cases/{case.id}/report"
    return web.post_form(path, report_fields(**changes), content_type="multipart/form-data")


def test_the_clinician_home_lists_authorised_patients_with_a_link_to_report(people):
    page = people["clinician_web"].client.get("/clinician/").get_data(as_text=True)
    assert "Alex Employee" in page and people["case"].number in page and "Write a work-status report" in page


@pytest.mark.security(
    threat="A clinician sees another clinician's report on the same patient",
    control="The patient list shows only the clinician's own reports",
)
def test_the_patient_list_shows_only_the_clinicians_own_last_report(people, db_session):
    factories.accepted_report(db_session, people["case"], lift=Limit(pounds=10, frequency="occasionally"))
    page = people["clinician_web"].client.get("/clinician/").get_data(as_text=True)
    row = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "Alex Employee" in row and "None yet" in row  # another clinician's report is not theirs to see
    assert "accepted" not in row


def test_the_report_form_is_grouped_and_labelled(people):
    page = people["clinician_web"].client.get(f"/clinician/cases/{people['case'].id}/report").get_data(as_text=True)
    for legend in ("Visit and work status", "Functional restrictions", "Diagnosis (confidential)", "Attestation"):
        assert f"<legend>{legend}</legend>" in page
    assert '<label class="field__label" for="lift_pounds">Lift: up to (pounds)</label>' in page


def test_sending_a_report_puts_it_in_the_inbox(people, db_session):
    response = send_report(people["clinician_web"], people["case"])
    assert response.status_code == 303
    item = db_session.query(Submission).one()
    assert item.kind == "restriction_report" and item.submitted_by_id == people["clinician"].id
    page = people["clinician_web"].client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Report " + item.reference + " sent" in page and "Up to 15 lb" in page


def test_a_report_with_errors_keeps_what_was_typed_and_shows_each_error_by_its_field(people, db_session):
    response = send_report(
        people["clinician_web"],
        people["case"],
        lift_pounds="300",
        diagnosis_code_1="knee",
        attested_name="",
        expected_until="2000-01-01",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="lift_pounds-error"' in page and 'id="diagnosis_code_1-error"' in page
    assert 'id="attested_name-error"' in page and 'id="expected_until-error"' in page
    assert 'value="Seated work only"' in page or "Seated work only" in page
    assert 'value="' + DIAGNOSIS_TEXT + '"' in page and '<option selected value="never">' in page
    assert db_session.query(Submission).count() == 0


def test_number_errors_name_their_field_and_the_summary_lists_problems_in_page_order(people):
    response = send_report(
        people["clinician_web"],
        people["case"],
        visit_date="",
        lift_pounds="lots",
        carry_pounds="",  # left empty, as a browser sends it: no restriction, no error
        stand_hours="twenty",
        diagnosis_code_1="knee",
        attested_name="",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Lift: enter pounds as a whole number from 0 to 200." in page
    assert "Stand: enter hours a day from 0 to 24." in page and "Not a valid" not in page
    summary = page[page.index('class="error-summary"') : page.index("</ul>", page.index('class="error-summary"'))]
    links = re.findall(r'<a href="#([a-z_0-9]+)">', summary)
    assert links == ["visit_date", "lift_pounds", "stand_hours", "diagnosis_code_1", "attested_name"]


def test_modified_duty_without_any_restriction_is_refused(people):
    fields = {key: "" for key in report_fields() if key.endswith(("_pounds", "_frequency", "_hours", "_allowed"))}
    response = send_report(people["clinician_web"], people["case"], other_restrictions="", **fields)
    assert response.status_code == 422 and "Enter at least one restriction" in response.get_data(as_text=True)


def test_a_draft_is_saved_without_checks_and_comes_back(people, db_session):
    web = people["clinician_web"]
    response = send_report(web, people["case"], action="draft", lift_pounds="999", attested_name="")
    assert response.status_code == 303 and db_session.query(Submission).count() == 0
    page = web.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This is your draft" in page and 'value="999"' in page


def test_another_case_answers_404_to_the_clinician(people, db_session):
    other = factories.case(db_session)
    db_session.commit()
    assert people["clinician_web"].client.get(f"/clinician/cases/{other.id}/report").status_code == 404


def _accepted_report(people, db_session):
    send_report(people["clinician_web"], people["case"])
    item = db_session.query(Submission).one()
    submissions.claim(db_session, item, people["manager"], item.version)
    return item


def test_the_case_manager_sees_the_report_the_changes_and_the_diagnosis(people, db_session):
    item = _accepted_report(people, db_session)
    page = people["manager_web"].client.get(f"/inbox/submissions/{item.id}").get_data(as_text=True)
    assert DIAGNOSIS_CODE in page and DIAGNOSIS_TEXT in page
    assert "Restrictions: this report against the current ones" in page and "Changed" in page
    assert "Up to 15 lb, occasionally" in page and "No report yet" in page


def test_accepted_restrictions_show_to_the_employee_and_supervisor_in_plain_language(people, db_session):
    item = _accepted_report(people, db_session)
    web = people["manager_web"]
    assert (
        web.post_form(
            f"/inbox/submissions/{item.id}/accept",
            {"version": str(item.version)},
            token_from=f"/inbox/submissions/{item.id}",
        ).status_code
        == 303
    )
    for viewer, path in (("employee_web", "/employee/"), ("supervisor_web", "/supervisor/")):
        page = people[viewer].client.get(path).get_data(as_text=True)
        assert "May return to work with restrictions" in page, viewer
        assert "Up to 15 lb, occasionally" in page and "No more than 2 hours a day" in page, viewer
        assert "Seated work only" in page, viewer


def test_a_question_on_a_report_is_answered_by_the_clinician(people, db_session):
    item = _accepted_report(people, db_session)
    kinds.request_information(
        db_session, item, people["manager"], "How long will this last?", None, item.version, DeadlineSettings()
    )
    web = people["clinician_web"]
    page = web.client.get(f"/clinician/reports/{item.id}").get_data(as_text=True)
    assert "The case manager needs more information" in page
    response = web.post_form(
        f"/clinician/reports/{item.id}/reply",
        {"message": "Six weeks.", "version": str(item.version)},
        token_from=f"/clinician/reports/{item.id}",
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Submission, item.id).status == SubmissionStatus.IN_REVIEW


@pytest.mark.security(
    threat="An employee answers, and closes, a question put to their clinician",
    control=(
        "Only the person asked may answer: the one reply service refuses anyone but the item's sender, as not found"
    ),
)
def test_the_employee_cannot_answer_a_question_put_to_their_clinician(people, db_session):
    item = _accepted_report(people, db_session)
    kinds.request_information(
        db_session, item, people["manager"], "How long will this last?", None, item.version, DeadlineSettings()
    )
    employee = people["employee_web"]
    attack = employee.post_form(
        f"/employee/submissions/{item.id}/reply",
        {"message": "Forever.", "version": str(item.version), "files": [(io.BytesIO(factories.pdf_bytes()), "x.pdf")]},
        token_from="/employee/",
        content_type="multipart/form-data",
    )
    assert attack.status_code == 404
    db_session.expire_all()
    assert db_session.get(Submission, item.id).status == SubmissionStatus.NEEDS_INFO
    assert db_session.query(InformationRequest).filter_by(submission_id=item.id, closed_at=None).count() == 1
    assert not db_session.query(StoredFile).filter_by(submission_id=item.id).count()
    answered = people["clinician_web"].post_form(
        f"/clinician/reports/{item.id}/reply",
        {"message": "Six weeks.", "version": str(item.version)},
        token_from=f"/clinician/reports/{item.id}",
    )
    assert answered.status_code == 303  # the person asked still can


def test_the_employee_authorises_and_revokes_a_clinician(people, db_session):
    web, case = people["employee_web"], people["case"]
    path = f"/employee/cases/{case.id}/clinicians"
    bad = web.post_form(path, {"name": "Dr New", "email": "not-an-email", "scope": "work_status"})
    assert bad.status_code == 422 and "Enter an email address like" in bad.get_data(as_text=True)
    assert 'value="Dr New"' in bad.get_data(as_text=True)
    done = web.post_form(
        path, {"name": "Dr New", "practice": "Hill Clinic", "email": "new@clinic.example", "scope": "work_status"}
    )
    assert done.status_code == 303
    assert db_session.query(OutboundEmail).filter_by(to_address="new@clinic.example").count() == 1
    participant = (
        db_session.query(CaseParticipant).filter(CaseParticipant.clinician.has(email="new@clinic.example")).one()
    )
    page = web.client.get(path).get_data(as_text=True)
    assert "Dr New" in page and "Stop authorising Dr New" in page
    asked = web.client.get(f"{path}/{participant.id}/revoke").get_data(as_text=True)
    assert "Stop authorising Dr New?" in asked and "Keep the authorisation" in asked  # one press only asks
    db_session.expire_all()
    assert db_session.get(CaseParticipant, participant.id).revoked_at is None
    web.post_form(f"{path}/{participant.id}/revoke", {})
    db_session.expire_all()
    assert db_session.get(CaseParticipant, participant.id).revoked_at is not None


@pytest.mark.security(
    threat="Naming a clinician tells the employee whether an address has an account, of what kind, and its name",
    control="The employee's screens answer the same for another kind of account's address as for a new one",
)
def test_the_employee_cannot_tell_a_new_address_from_another_kind_of_account(people, db_session):
    web, case = people["employee_web"], people["case"]
    path = f"/employee/cases/{case.id}/clinicians"
    answers = []
    for name, email in (("Dr New", "new@clinic.example"), ("Dr Boss", people["supervisor"].email)):
        done = web.post_form(path, {"name": name, "email": email, "scope": "work_status"})
        assert done.status_code == 303
        page = web.client.get(done.headers["Location"]).get_data(as_text=True)
        answers.append(
            re.sub(r"/clinicians/\d+/", "/clinicians/ID/", page.replace(name, "NAME").replace(email, "EMAIL"))
        )
    first, second = (re.search(r"<li>\s*<strong>NAME</strong>.*?</li>", answer, re.S).group(0) for answer in answers)
    assert first == second
    assert re.search(r"NAME is authorised until [^.]*\. We have emailed them\.", answers[1])
    manager_page = people["manager_web"].client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "<strong>gives no access</strong>" in manager_page


def test_a_case_manager_invites_a_clinician_from_the_case_page(people, db_session):
    web, case = people["manager_web"], people["case"]
    response = web.post_form(
        f"/inbox/cases/{case.id}/clinicians",
        {"name": "Dr Third", "email": "third@clinic.example", "scope": "work_status"},
        token_from=f"/inbox/cases/{case.id}",
    )
    assert response.status_code == 303
    assert "Dr Third" in web.client.get(f"/inbox/cases/{case.id}").get_data(as_text=True)


def test_the_employee_cannot_manage_another_employees_clinicians(people, db_session):
    other = factories.case(db_session)
    db_session.commit()
    assert people["employee_web"].client.get(f"/employee/cases/{other.id}/clinicians").status_code == 404


@pytest.mark.parametrize("viewer", ["supervisor_web", "admin_web"])
def test_no_page_a_supervisor_or_admin_can_reach_shows_the_diagnosis(people, db_session, viewer):
    item = _accepted_report(people, db_session)
    kinds.accept(db_session, item, people["manager"], item.version)
    pages = people[viewer].reachable_pages("/")
    assert len(pages) >= 2
    for path, html in pages.items():
        assert DIAGNOSIS_CODE not in html and DIAGNOSIS_TEXT not in html, f"diagnosis on {path}"
        assert "Ligament" not in html and "ligament" not in html, path
    if viewer == "supervisor_web":
        assert "Up to 15 lb" in pages["/supervisor/"]  # the restrictions are there, the diagnosis is not
    for path in (f"/inbox/submissions/{item.id}", f"/clinician/reports/{item.id}", f"/employee/submissions/{item.id}"):
        assert people[viewer].client.get(path).status_code == 404


def test_a_report_sent_after_the_authorisation_ended_says_why_and_gives_back_what_was_typed(people, db_session):
    web = people["clinician_web"]
    path = f"/clinician/cases/{people['case'].id}/report"
    web.csrf_token(path)  # the form is open in the clinician's browser
    participant = db_session.query(CaseParticipant).one()
    participant.revoked_at = utcnow()
    db_session.commit()

    response = send_report(web, people["case"], other_restrictions="No ladders until the next visit.")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Your authorisation for Alex Employee has ended" in page and "cannot be sent" in page
    assert "No ladders until the next visit." in page and "May return to work with restrictions" in page
    assert db_session.query(Submission).count() == 0
    assert web.client.get(path).status_code == 404  # nothing more to read or write there


def test_a_clinician_never_authorised_for_a_case_gets_not_found_when_sending(db_session, web_as):
    stranger = factories.user(db_session, Role.CLINICIAN)
    case = factories.case(db_session)
    db_session.commit()
    assert send_report(web_as(stranger), case).status_code == 404
