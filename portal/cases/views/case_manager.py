"""A case as its case manager sees it: its people, restrictions, requests and what fits it (the employee's own
job too), and the actions taken from it: taking the case, inviting a clinician, asking for a document,
downloading the whole case."""

from typing import Any

from flask import flash, request, send_file, url_for
from flask_login import current_user

from portal import access, settings
from portal.accommodations import operations as accommodations
from portal.accounts import jobs
from portal.cases import authorisations, case_file, course, days_lost
from portal.cases import caseload as caseload_queries
from portal.cases import operations as cases
from portal.cases.caseload import CaseloadView
from portal.cases.forms import (
    ClinicianConfirmForm,
    ClinicianForm,
    CloseCaseForm,
    DocumentRequestForm,
    ExpectedReturnForm,
    ReopenForm,
    ReturnForm,
    TakeCaseForm,
)
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.duty import operations as offers
from portal.extensions import db
from portal.intake import operations as intake
from portal.intake.forms import NoticeGivenForm
from portal.items.deadlines import document_request_due_date, local_date
from portal.messages import operations as messaging
from portal.notices import operations as notices
from portal.plans import operations as plans
from portal.restrictions import clinicians
from portal.restrictions import operations as restrictions
from portal.tasks import operations as tasks
from portal.web.audiences import inbox
from portal.web.fresh import fresh_sign_in_required
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


def case_screen(case, status: int = 200, confirm_forms=None, **forms):
    """The case page, with any form given in ``forms`` (as it was sent, with its errors) in place of a blank one."""
    now = utcnow()
    today = now.date()
    deadlines = settings.current().deadlines
    participants = authorisations.for_case(db.session, case)
    clinician_ids = {item.clinician_id for item in participants if item.clinician_id is not None}
    credentials = clinicians.credentials_for(db.session, clinician_ids)
    confirm_forms = confirm_forms or {}
    for item in participants:
        if item.gives_access and item.clinician_id not in credentials and item.clinician_id not in confirm_forms:
            confirm_forms[item.clinician_id] = ClinicianConfirmForm(
                formdata=None, prefix=f"confirm-{item.clinician_id}"
            )
    current = restrictions.current_report(db.session, case.id, today)
    person = intake.person_of(db.session, case.employee)
    reported = course.pending_return_report(db.session, case)
    blank = {
        "form": lambda: DocumentRequestForm(formdata=None, due_date=document_request_due_date(now, deadlines)),
        "clinician_form": lambda: ClinicianForm(formdata=None),
        "take_form": TakeCaseForm,
        "notice_form": lambda: NoticeGivenForm(formdata=None, given_on=today),
        "expected_form": lambda: ExpectedReturnForm(formdata=None, expected_rtw=case.expected_rtw),
        # A return the employee or supervisor reported is confirmed by sending it as it was reported.
        "return_form": lambda: ReturnForm(
            formdata=None,
            returned_on=reported.effective_on if reported else today,
            duty=reported.after if reported else None,
        ),
        "reopen_form": lambda: ReopenForm(formdata=None),
    }
    shown: dict[str, Any] = {name: forms.get(name) or make() for name, make in blank.items()}
    return render(
        "inbox/case.html",
        status,
        case=case,
        now=now,
        settings=deadlines,
        read_only=cases.read_only_reason(case),
        authorisations=participants,
        credentials=credentials,
        confirm_forms=confirm_forms,
        is_live=authorisations.is_live,
        current=current,
        own_job=jobs.own_job(db.session, person, current),
        availability=offers.matching_availability(db.session, case, today),
        plan=plans.summary(db.session, current_user, case, today),
        notices=notices.board(db.session, current_user, case),
        reviews=accommodations.reviews_due(db.session, case),
        accommodations_in_force=accommodations.in_force(db.session, case, today),
        duty_in_force=offers.duty_of_employee(db.session, case.employee, today).get(case.id),
        days_lost=days_lost.for_cases(db.session, [case], today)[case.id],
        reported_return=reported,
        expected_history=course.expected_return_history(db.session, case),
        eligibility=intake.fmla_eligibility(person, case.leave_start or today),
        conversations=messaging.conversations(db.session, current_user, case, today),
        tasks=tasks.open_on_case(db.session, case),
        today=local_date(now, deadlines),
        **shown,
        **cases.case_overview(db.session, case),
    )


@inbox.get("/cases")
def caseload():
    """The open cases: the case manager's own by default, or anyone's; filtered, counted, paged."""
    view = CaseloadView.parse(request.args)
    now = utcnow()
    found = caseload_queries.page(
        db.session, current_user, view, now, local_date(now, settings.current().deadlines), per_page=CASELOAD_PAGE
    )
    return render(
        "inbox/caseload.html",
        view=view,
        page=found,
        now=now,
        settings=settings.current().deadlines,
        case_managers=cases.case_managers(db.session),
        sorts=caseload_queries.SORTS,
        statuses=caseload_queries.WORKED,
        case_types=list(CaseType),
    )


CASELOAD_PAGE = 25


@inbox.get("/cases/<int:case_id>")
def case(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    cases.record_view(db.session, current_user, record, request.remote_addr)
    return case_screen(record)


@inbox.get("/cases/<int:case_id>/case-file")
@fresh_sign_in_required
def download_case_file(case_id: int):
    """The whole case as a ZIP: its summary and every file on its items, each file audited as a download."""
    record = access.get_case(db.session, current_user, case_id)
    built = case_file.build(
        db.session,
        current_user,
        record,
        settings.current().uploads.upload_folder,
        settings.current().deadlines.timezone,
        request.remote_addr,
    )
    # Sent as it is read, then closed, which removes it; one whole response, so no ranges.
    response = send_file(
        built.archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=built.name,
        conditional=False,
        etag=False,
    )
    response.content_length = built.size
    response.headers["Cache-Control"] = "no-store"
    return response


@inbox.post("/cases/<int:case_id>/take")
def take_case(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = TakeCaseForm()
    if form.validate_on_submit():
        with refusals(form):
            cases.take_case(db.session, record, current_user)
            flash("You are this case's case manager now. Its emails come to you.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, 409, take_form=form)


@inbox.post("/cases/<int:case_id>/clinicians/<int:clinician_id>/confirm")
@fresh_sign_in_required
def confirm_clinician(case_id: int, clinician_id: int):
    """Record the licence or NPI the case manager checked: the clinician's reports may then take effect."""
    record = access.get_case(db.session, current_user, case_id)
    clinician = authorisations.clinician_on(db.session, record, clinician_id)
    form = ClinicianConfirmForm(prefix=f"confirm-{clinician.id}")
    if form.validate_on_submit():
        with refusals(form):
            credential = clinicians.confirm(
                db.session,
                current_user,
                clinician,
                form.licence_number.data or "",
                form.licence_state.data or "",
                form.npi.data or "",
            )
            flash(
                f"{clinician.name} is confirmed ({credential.described}). Their reports may now be accepted.", "success"
            )
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, form_status(form), confirm_forms={clinician.id: form})


@inbox.post("/cases/<int:case_id>/clinicians")
@fresh_sign_in_required
def invite_clinician(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = ClinicianForm()
    if form.validate_on_submit():
        with refusals(form):
            participant = authorisations.authorise(
                db.session, current_user, record, settings=settings.current().accounts, **form.authorisation()
            )
            flash(
                f"{participant.shown_name} is authorised for this case and has been emailed."
                if participant.gives_access
                else f"{participant.named_email} belongs to a portal account that is not a clinician's, so it gives "
                "no access. Ask for the clinician's practice email.",
                "success" if participant.gives_access else "error",
            )
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, form_status(form), clinician_form=form)


@inbox.post("/cases/<int:case_id>/request-document")
def request_document(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = DocumentRequestForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            documents.request_document(
                db.session,
                current_user,
                record,
                form.document_type.data,
                form.message.data,
                form.due_date.data,
                settings.current().deadlines,
            )
            sent(url_for("inbox.case", case_id=record.id))
            flash("Request sent. It is on the employee's list, and they have been emailed.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, form_status(form), form=form)


@inbox.post("/cases/<int:case_id>/expected-return")
def change_expected_return(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = ExpectedReturnForm()
    if form.validate_on_submit():
        with refusals(form):
            course.change_expected_return(db.session, current_user, record, form.expected_rtw.data, form.reason.data)
            flash("The expected return date is changed. The old one stays in its history.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id) + "#return-title")
    return case_screen(record, form_status(form), expected_form=form)


@inbox.post("/cases/<int:case_id>/return")
def record_return(case_id: int):
    """Record the actual return, or confirm the one the employee or supervisor reported."""
    record = access.get_case(db.session, current_user, case_id)
    form = ReturnForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            course.record_return(db.session, current_user, record, form.returned_on.data, form.duty.data)
            sent(url_for("inbox.case", case_id=record.id))
            flash("The return to work is recorded.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id) + "#return-title")
    return case_screen(record, form_status(form), return_form=form)


@inbox.route("/cases/<int:case_id>/close", methods=["GET", "POST"])
def close_case(case_id: int):
    """Close the case with its outcome, date and summary, on a screen of its own: it makes the case read only."""
    record = access.get_case(db.session, current_user, case_id)
    form = CloseCaseForm() if request.method == "POST" else CloseCaseForm(formdata=None, closed_on=utcnow().date())
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            course.close_case(
                db.session, current_user, record, form.outcome.data, form.closed_on.data, form.summary.data
            )
            sent(url_for("inbox.case", case_id=record.id))
            flash(f"Case {record.number} is closed. It can be reopened from its page.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return render(
        "inbox/close_case.html",
        form_status(form) if request.method == "POST" else 200,
        case=record,
        form=form,
        read_only=cases.read_only_reason(record),
        open_items=course.open_items(db.session, record),
        days_lost=days_lost.for_cases(db.session, [record], utcnow().date())[record.id],
    )


@inbox.post("/cases/<int:case_id>/reopen")
def reopen_case(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = ReopenForm()
    if form.validate_on_submit():
        with refusals(form):
            course.reopen_case(db.session, current_user, record, form.reason.data)
            flash(f"Case {record.number} is open again. The reason is on its timeline.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, form_status(form), reopen_form=form)
