"""The employee's own view: their cases, what we need from them, and the documents they send."""
from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from portal.blueprints import audience_blueprint, form_error, htmx_redirect, post_form, render_fragment, render_page
from portal.blueprints.employee.accommodation_forms import STEP_FORMS, STEP_TITLES, DecisionAnswerForm
from portal.blueprints.employee.forms import (ClinicianForm, DocumentForm, OfferAnswerForm, ReplyForm, ConfirmForm,
                                              WithdrawForm)
from portal.extensions import db
from portal.models import HelpCategory
from portal.models.base import utcnow
from portal.services import (access, accommodations, authorisations, cases, documents, offers, restrictions,
                             submissions)
from portal.services.accounts import AccountSettings
from portal.services.deadlines import DeadlineSettings
from portal.services.errors import Conflict, InvalidInput, NotFound

bp = audience_blueprint("employee", "/employee")


def _settings() -> DeadlineSettings:
    return DeadlineSettings.from_config(current_app.config)


def _uploads(field) -> list[documents.Upload]:
    # A browser sends one empty part when no file was chosen.
    return [documents.Upload(f.stream, f.filename) for f in field.data or [] if f and f.filename]


@bp.get("/")
def home():
    own_cases = cases.cases_for_employee(db.session, current_user)
    now = utcnow()
    return render_page("employee/home.html", cases=own_cases,
                       restrictions=restrictions.current_reports(db.session, [c.id for c in own_cases], now.date()),
                       requests=documents.open_requests(db.session, current_user),
                       offers=offers.waiting_for_answer(db.session, current_user),
                       activity=documents.recent_activity(db.session, current_user), now=now, settings=_settings())


def _clinicians_screen(case, form, status=200):
    return render_page("employee/clinicians.html", status, case=case, form=form, revoke_form=ConfirmForm(formdata=None),
                       authorisations=authorisations.for_case(db.session, case), today=utcnow().date(),
                       is_live=authorisations.is_live)


@bp.route("/cases/<int:case_id>/clinicians", methods=["GET", "POST"])
def clinicians(case_id: int):
    """Name and authorise a treating clinician, or see and revoke the authorisations given."""
    case = access.get_case(db.session, current_user, case_id)
    form = ClinicianForm()
    done = post_form(form, lambda: authorisations.authorise(
        db.session, current_user, case, settings=AccountSettings.from_config(current_app.config),
        **form.authorisation()), lambda participant: (
        f"{participant.clinician.name} is authorised until {participant.valid_until:%-d %B %Y}. We have emailed them.",
        url_for("employee.clinicians", case_id=case.id)))
    if done is not None:
        return done
    return _clinicians_screen(case, form, 422 if form.is_submitted() else 200)


@bp.post("/cases/<int:case_id>/clinicians/<int:participant_id>/revoke")
def revoke_clinician(case_id: int, participant_id: int):
    case = access.get_case(db.session, current_user, case_id)
    if ConfirmForm().validate_on_submit():
        participant = authorisations.revoke(db.session, current_user, case, participant_id)
        flash(f"{participant.clinician.name} can no longer see this case or send reports for it.", "success")
    return redirect(url_for("employee.clinicians", case_id=case.id), code=303)


@bp.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
def send_document(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    form = DocumentForm()
    answering = None
    request_id = request.args.get("request", type=int) or (form.request_id.data and int(form.request_id.data))
    if request_id:
        answering = documents.open_request_for(db.session, current_user, request_id)
        if answering is not None and not form.is_submitted():
            form.document_type.data = answering.document_type
            form.request_id.data = str(answering.id)
    done = post_form(form, lambda: documents.send_document(
        db.session, current_user, case, form.document_type.data, form.description.data, form.note.data,
        _uploads(form.files), documents.UploadLimits.from_config(current_app.config), _settings(),
        answering=answering), lambda submission: (
        f"Received: {submission.reference}. It is waiting for review.",
        url_for("employee.submission", submission_id=submission.id)))
    if done is not None:
        return done
    context = {"case": case, "form": form, "answering": answering}
    status = 422 if form.is_submitted() else 200
    if request.headers.get("HX-Request") and form.is_submitted():
        return render_fragment("employee/send_document.html", "document_form", status, **context)
    return render_page("employee/send_document.html", status, **context)


def _submission_screen(submission, reply_form, status=200, reconsider_form=None):
    return render_page("employee/submission.html", status, submission=submission,
                       actions=submissions.allowed_actions(submission, current_user),
                       files=documents.files_of(db.session, submission), reply_form=reply_form,
                       withdraw_form=WithdrawForm(formdata=None, version=submission.version),
                       reconsider_form=reconsider_form or DecisionAnswerForm(formdata=None, version=submission.version),
                       help_labels={c.value: c.label for c in HelpCategory},
                       open_request=next((r for r in documents.open_requests(db.session, current_user)
                                          if r.submission_id == submission.id), None))


@bp.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    return _submission_screen(item, ReplyForm(version=item.version))


@bp.post("/submissions/<int:submission_id>/reply")
def reply(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ReplyForm()
    done = post_form(form, lambda: documents.provide_information(
        db.session, current_user, item, form.message.data, _uploads(form.files),
        documents.UploadLimits.from_config(current_app.config), _settings(),
        expected_version=int(form.version.data or 0) or None), lambda _: (
        "Thank you. Your reply has gone to your case manager.", url_for("employee.submission", submission_id=item.id)))
    if done is not None:
        return done
    return _submission_screen(item, form, 422)


@bp.post("/submissions/<int:submission_id>/withdraw")
def withdraw(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            submissions.withdraw(db.session, item, current_user, int(form.version.data or 0) or None)
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash(f"{item.reference} is withdrawn.", "success")
    return redirect(url_for("employee.submission", submission_id=item.id), code=303)


@bp.get("/history")
def history():
    page = documents.history_page(db.session, current_user, request.args.get("page", 1, type=int),
                                  current_app.config["PAGE_SIZE"])
    return render_page("employee/history.html", page=page)


@bp.route("/offers/<int:submission_id>", methods=["GET", "POST"])
def offer(submission_id: int):
    """A transitional-duty offer forwarded to the employee: read it, accept it, or decline it with a reason."""
    submission = offers.get_offer(db.session, current_user, submission_id)
    form = OfferAnswerForm()
    accepted = request.form.get("answer") == "accept"
    done = post_form(form, lambda: offers.answer(db.session, current_user, submission, accepted, form.reason.data),
                     lambda _: ("Thank you. You accepted the offer; your supervisor and case manager have been told."
                                if accepted else "You declined the offer. Your case manager will be in touch.",
                                url_for("employee.offer", submission_id=submission.id)))
    if done is not None:
        return done
    return render_page("employee/offer.html", 422 if form.is_submitted() else 200, submission=submission,
                       offer=submission.duty_offer, form=form)


@bp.route("/cases/<int:case_id>/accommodation/<step>", methods=["GET", "POST"])
def accommodation_step(case_id: int, step: str):
    """One step of the guided accommodation request; what is typed is kept even when it has a problem."""
    case = access.get_case(db.session, current_user, case_id)
    if step not in accommodations.STEPS:
        raise NotFound()
    form = STEP_FORMS[step]()
    draft = accommodations.draft_for(db.session, current_user, case)
    status = 200
    if not form.is_submitted():
        form.load(draft.data)
    elif form.validate():
        if step == "documents" and request.form.get("action") == "upload":
            try:
                for upload in _uploads(form.documents):
                    accommodations.add_document(db.session, current_user, case, upload,
                                                documents.UploadLimits.from_config(current_app.config))
            except InvalidInput as error:
                form.documents.errors = [str(error)]
                status = 422
            else:
                return htmx_redirect(url_for("employee.accommodation_step", case_id=case.id, step=step))
        else:
            problems = accommodations.save_step(db.session, current_user, case, step, form.values())
            if not problems:
                following = accommodations.STEPS.index(step) + 1
                if request.args.get("back") == "check" or following == len(accommodations.STEPS):
                    return htmx_redirect(url_for("employee.accommodation_check", case_id=case.id))
                return htmx_redirect(url_for("employee.accommodation_step", case_id=case.id,
                                             step=accommodations.STEPS[following]))
            for name, message in problems.items():
                form_error(form, InvalidInput(message, field=name if name in form else None))
            status = 422
    else:
        status = 422
    index = accommodations.STEPS.index(step)
    return render_page("employee/accommodation_step.html", status, case=case, form=form, step=step,
                       title=STEP_TITLES[step], number=index + 1, steps=len(accommodations.STEPS),
                       previous=accommodations.STEPS[index - 1] if index else None,
                       files=accommodations.draft_files(db.session, current_user, case, draft.data))


@bp.route("/cases/<int:case_id>/accommodation/check", methods=["GET", "POST"])
def accommodation_check(case_id: int):
    """Check your answers, then send."""
    case = access.get_case(db.session, current_user, case_id)
    draft = accommodations.draft_for(db.session, current_user, case)
    form = ConfirmForm()
    incomplete = accommodations.first_incomplete_step(draft.data)
    if form.validate_on_submit() and incomplete is None:
        submission = accommodations.send(db.session, current_user, case, _settings())
        flash(f"Sent: {submission.reference}. Your case manager will contact you to talk it through. A decision is "
              f"due by {submission.accommodation.decision_due:%-d %B %Y}.", "success")
        return htmx_redirect(url_for("employee.submission", submission_id=submission.id))
    return render_page("employee/accommodation_check.html", 422 if form.is_submitted() else 200, case=case,
                       data=draft.data, form=form, incomplete=incomplete, titles=STEP_TITLES,
                       files=accommodations.draft_files(db.session, current_user, case, draft.data),
                       help_labels={c.value: c.label for c in HelpCategory},
                       contact_labels=accommodations.CONTACT_PREFERENCES)


@bp.post("/submissions/<int:submission_id>/accept-alternative")
def accept_alternative(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    if ConfirmForm().validate_on_submit():
        try:
            accommodations.accept_alternative(db.session, current_user, item)
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash("You accepted the alternative. Your supervisor has been told what to put in place.", "success")
    return redirect(url_for("employee.submission", submission_id=item.id), code=303)


@bp.post("/submissions/<int:submission_id>/reconsider")
def reconsider(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = DecisionAnswerForm()
    done = post_form(form, lambda: accommodations.request_reconsideration(
        db.session, current_user, item, form.reason.data, int(form.version.data or 0) or None, _settings()),
        lambda _: ("Your request for reconsideration has gone to your case manager.",
                   url_for("employee.submission", submission_id=item.id)))
    if done is not None:
        return done
    return _submission_screen(item, ReplyForm(formdata=None, version=item.version), 422, reconsider_form=form)
