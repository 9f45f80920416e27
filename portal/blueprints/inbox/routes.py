"""The case manager's inbox: the list, the review screen and its actions, and the case page."""
from flask import current_app, flash, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.blueprints import audience_blueprint, form_error, htmx_redirect, render_fragment, render_page
from portal.blueprints.employee.forms import ClinicianForm
from portal.blueprints.inbox.forms import (AccommodationDecisionForm, ActionForm, AssignForm, DeclineForm,
                                           DocumentRequestForm, FeasibilityForm, LogEntryForm, RequestInformationForm)
from portal.extensions import db
from portal.models.base import utcnow
from portal.services import (access, accommodations, audit, authorisations, cases, documents, offers, restrictions,
                             submissions)
from portal.services.accounts import AccountSettings
from portal.services.deadlines import DeadlineSettings, document_request_due_date
from portal.services.errors import Conflict, InvalidInput

bp = audience_blueprint("inbox", "/inbox")
# What accepting did, by kind of item.
ACCEPTED_MESSAGES = {
    "document": "Accepted and filed to the case. The employee has been emailed.",
    "restriction_report": "Accepted: these are now the case's current restrictions. The clinician has been emailed.",
    "duty_offer": "Accepted and forwarded to the employee, who has been emailed.",
}


def _settings() -> DeadlineSettings:
    return DeadlineSettings.from_config(current_app.config)


def _version(form) -> int | None:
    return int(form.version.data) if (form.version.data or "").isdigit() else None


@bp.get("/")
def home():
    page = cases.inbox_page(db.session, current_user, request.args.get("page", 1, type=int),
                            current_app.config["PAGE_SIZE"])
    return render_page("inbox/home.html", page=page, now=utcnow(), settings=_settings())


def _review_forms(item, **replacing) -> dict:
    """Fresh forms for the item's current version; ``formdata=None`` so a post's values do not leak in."""
    assign = AssignForm(formdata=None, version=item.version, assignee=item.assignee_id)
    assign.assignee.choices = _case_manager_choices()
    forms = {"action_form": ActionForm(formdata=None, version=item.version), "assign_form": assign,
             "information_form": RequestInformationForm(formdata=None, version=item.version),
             "decline_form": DeclineForm(formdata=None, version=item.version),
             "log_form": LogEntryForm(formdata=None, occurred_on=utcnow().date()),
             "feasibility_form": FeasibilityForm(formdata=None),
             "decision_form": AccommodationDecisionForm(formdata=None, version=item.version)}
    forms.update(replacing)
    return forms


def _case_manager_choices() -> list[SelectChoice]:
    return [SelectChoice(m.id, m.name) for m in cases.case_managers(db.session)]


def _review(item, status: int = 200, notice=None, **replacing):
    """The review screen: the whole page, or for htmx the pane, the item's row and the notice."""
    now = utcnow()
    context = {"submission": item, "files": documents.files_of(db.session, item), "now": now,
               "settings": _settings(), "actions": submissions.allowed_actions(item, current_user), "notice": notice,
               **_review_forms(item, **replacing)}
    if item.restriction_report is not None:
        current = restrictions.current_report(db.session, item.case_id, now.date(), excluding=item.id)
        context["changes"] = restrictions.compare(current, item.restriction_report)
    if item.duty_offer is not None:
        context["fit"] = offers.offer_fit(db.session, item, now.date())
    if item.accommodation is not None:
        context["log"] = accommodations.log_of(db.session, item)
        context["questions"] = [q for q in accommodations.questions_for_request(db.session, item)]
    if request.headers.get("HX-Request") and request.method == "POST":
        return render_fragment("inbox/review.html", ["review_pane", "oob_updates"], status, **context)
    return render_page("inbox/review.html", status, **context)


@bp.get("/submissions/<int:submission_id>")
def review(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    audit.record(db.session, actor=current_user, action="submission_viewed", object_type="submission",
                 object_id=item.id, case_id=item.case_id, ip_address=request.remote_addr)
    db.session.commit()
    return _review(item)


def _act(submission_id: int, form, form_name: str, perform, done):
    """Run one review action; answer with the updated screen, or the form with its errors.

    ``done`` is the message on success, or a function of the item that gives it.
    """
    item = access.get_submission(db.session, current_user, submission_id)
    if not form.validate_on_submit():
        return _review(item, 422, **{form_name: form})
    try:
        perform(item, form)
    except Conflict as error:
        return _review(item, 409, notice=("error", str(error)))
    except InvalidInput as error:
        form_error(form, error)
        return _review(item, 422, **{form_name: form})
    done = done(item) if callable(done) else done
    if request.headers.get("HX-Request"):
        return _review(item, notice=("success", done))
    flash(done, "success")
    return htmx_redirect(url_for("inbox.review", submission_id=item.id))


@bp.post("/submissions/<int:submission_id>/claim")
def claim(submission_id: int):
    return _act(submission_id, ActionForm(), "action_form",
                lambda item, form: submissions.claim(db.session, item, current_user, _version(form)),
                "You have claimed this item.")


@bp.post("/submissions/<int:submission_id>/assign")
def assign(submission_id: int):
    def perform(item, form):
        assignee = cases.case_manager(db.session, form.assignee.data)
        submissions.assign(db.session, item, current_user, assignee, _version(form))

    form = AssignForm()
    form.assignee.choices = _case_manager_choices()
    return _act(submission_id, form, "assign_form", perform, "Assigned.")


@bp.post("/submissions/<int:submission_id>/request-information")
def request_information(submission_id: int):
    return _act(submission_id, RequestInformationForm(), "information_form",
                lambda item, form: submissions.request_information(
                    db.session, item, current_user, form.message.data, form.due_date.data, _version(form),
                    _settings(), incomplete_certification=form.incomplete_certification.data),
                "Request sent. The employee has been emailed.")


@bp.post("/submissions/<int:submission_id>/accept")
def accept(submission_id: int):
    return _act(submission_id, ActionForm(), "action_form",
                lambda item, form: submissions.decide(db.session, item, current_user, True, _version(form)),
                lambda item: ACCEPTED_MESSAGES.get(item.kind, "Accepted. The sender has been emailed."))


@bp.post("/submissions/<int:submission_id>/decline")
def decline(submission_id: int):
    return _act(submission_id, DeclineForm(), "decline_form",
                lambda item, form: submissions.decide(db.session, item, current_user, False, _version(form),
                                                      reason=form.reason.data),
                "Declined. The employee has been emailed the reason.")


def _case_screen(case, status=200, form=None, clinician_form=None):
    now = utcnow()
    return render_page(
        "inbox/case.html", status, case=case, now=now, settings=_settings(),
        form=form or DocumentRequestForm(formdata=None, due_date=document_request_due_date(now, _settings())),
        clinician_form=clinician_form or ClinicianForm(formdata=None),
        authorisations=authorisations.for_case(db.session, case), is_live=authorisations.is_live,
        current=restrictions.current_report(db.session, case.id, now.date()),
        availability=offers.matching_availability(db.session, case, now.date()),
        reviews=accommodations.reviews_due(db.session, case), **cases.case_overview(db.session, case))


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    return _case_screen(access.get_case(db.session, current_user, case_id))


@bp.post("/cases/<int:case_id>/clinicians")
def invite_clinician(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = ClinicianForm()
    if form.validate_on_submit():
        try:
            participant = authorisations.authorise(db.session, current_user, record,
                                                   settings=AccountSettings.from_config(current_app.config),
                                                   **form.authorisation())
        except InvalidInput as error:
            form_error(form, error)
        else:
            flash(f"{participant.clinician.name} is authorised for this case and has been emailed.", "success")
            return htmx_redirect(url_for("inbox.case", case_id=record.id))
    return _case_screen(record, 422, clinician_form=form)


@bp.post("/cases/<int:case_id>/request-document")
def request_document(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = DocumentRequestForm()
    if form.validate_on_submit():
        try:
            documents.request_document(db.session, current_user, record, form.document_type.data, form.message.data,
                                       form.due_date.data, _settings())
        except InvalidInput as error:
            form_error(form, error)
        else:
            flash("Request sent. It is on the employee's list, and they have been emailed.", "success")
            return htmx_redirect(url_for("inbox.case", case_id=record.id))
    return _case_screen(record, 422, form=form)


@bp.post("/submissions/<int:submission_id>/log")
def add_log_entry(submission_id: int):
    """Append to the interactive-process log; over htmx the log section alone comes back, the entry in place."""
    item = access.get_submission(db.session, current_user, submission_id)
    form = LogEntryForm()
    status = 422
    if form.validate_on_submit():
        try:
            accommodations.log(db.session, current_user, item, form.occurred_on.data, form.kind.data,
                               form.summary.data, form.method.data, form.with_whom.data, form.considered.data,
                               {"yes": True, "no": False}.get(form.effective.data))
        except InvalidInput as error:
            form_error(form, error)
        else:
            if not request.headers.get("HX-Request"):
                flash("Added to the log.", "success")
                return htmx_redirect(url_for("inbox.review", submission_id=item.id))
            form, status = LogEntryForm(formdata=None, occurred_on=utcnow().date()), 200
    if request.headers.get("HX-Request"):
        return render_fragment("inbox/review.html", "process_log", status, submission=item, log_form=form,
                               log=accommodations.log_of(db.session, item))
    return _review(item, status, log_form=form)


@bp.post("/submissions/<int:submission_id>/ask-supervisor")
def ask_supervisor(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = FeasibilityForm()
    if form.validate_on_submit():
        try:
            accommodations.ask_supervisor(db.session, current_user, item, form.accommodation.data or "",
                                          form.question.data or "")
        except InvalidInput as error:
            form_error(form, error)
        else:
            flash("Question sent to the supervisor.", "success")
            return htmx_redirect(url_for("inbox.review", submission_id=item.id))
    return _review(item, 422, feasibility_form=form)


@bp.post("/submissions/<int:submission_id>/decide")
def decide_accommodation(submission_id: int):
    def perform(item, form):
        accommodations.decide(db.session, current_user, item, form.decision.data, _version(form),
                              what=form.what.data, why=form.why.data, denial_reason=form.denial_reason.data or None,
                              granted_from=form.granted_from.data, granted_until=form.granted_until.data,
                              review_date=form.review_date.data)

    return _act(submission_id, AccommodationDecisionForm(), "decision_form", perform,
                "Decision recorded. The employee has been emailed.")
