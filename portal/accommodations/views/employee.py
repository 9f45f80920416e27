"""The employee asks for an accommodation, step by step, and answers its decision."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.accommodations import operations as accommodations
from portal.accommodations.forms import STEP_FORMS, STEP_TITLES, DecisionAnswerForm
from portal.accommodations.models import HelpCategory
from portal.cases.forms import ConfirmForm
from portal.core.dates import written_date
from portal.core.errors import NotFound
from portal.documents.forms import ReplyForm
from portal.documents.views.employee import submission_screen
from portal.extensions import db
from portal.files.forms import uploads_from
from portal.web.audiences import employee
from portal.web.responses import form_status, redirect_after_post, refusals, refuse, render


@employee.route("/cases/<int:case_id>/accommodation/<step>", methods=["GET", "POST"])
def accommodation_step(case_id: int, step: str):
    """One step of the guided accommodation request; what is typed is kept even when it has a problem."""
    case = access.get_case(db.session, current_user, case_id)
    if step not in accommodations.STEPS:
        raise NotFound()
    form = STEP_FORMS[step]()
    draft = accommodations.draft_for(db.session, current_user, case)
    if not form.is_submitted():
        form.load(draft.data)
    elif form.validate() and (chosen := uploads_from(form.documents) if step == "documents" else []):
        # Files chosen are uploaded whether Upload or Continue was pressed: never dropped.
        with refusals(form):
            for upload in chosen:
                accommodations.add_document(db.session, current_user, case, upload, settings.current().uploads)
            if request.form.get("action") == "upload":
                return redirect_after_post(url_for("employee.accommodation_step", case_id=case.id, step=step))
            return redirect_after_post(_after(case.id, step))
    elif step == "documents" and request.form.get("action") == "upload" and not form.errors:
        form.documents.errors = ["Choose the files to upload first."]
    elif not form.errors:
        # What the step holds is kept even when it has problems, so that nothing typed is lost.
        problems = accommodations.save_step(db.session, current_user, case, step, form.values())
        if not problems:
            return redirect_after_post(_after(case.id, step))
        refuse(form, problems)
    index = accommodations.STEPS.index(step)
    return render(
        "employee/accommodation_step.html",
        form_status(form),
        case=case,
        form=form,
        step=step,
        title=STEP_TITLES[step],
        number=index + 1,
        steps=len(accommodations.STEPS),
        previous=accommodations.STEPS[index - 1] if index else None,
        files=accommodations.draft_files(db.session, current_user, case, draft.data),
    )


def _after(case_id: int, step: str) -> str:
    """The next step, or the check page after the last one or when the employee came from there to change it."""
    following = accommodations.STEPS.index(step) + 1
    if request.args.get("back") == "check" or following == len(accommodations.STEPS):
        return url_for("employee.accommodation_check", case_id=case_id)
    return url_for("employee.accommodation_step", case_id=case_id, step=accommodations.STEPS[following])


@employee.route("/cases/<int:case_id>/accommodation/check", methods=["GET", "POST"])
def accommodation_check(case_id: int):
    """Check your answers, then send."""
    case = access.get_case(db.session, current_user, case_id)
    draft = accommodations.draft_for(db.session, current_user, case)
    form = ConfirmForm()
    incomplete = accommodations.first_incomplete_step(draft.data)
    if form.validate_on_submit() and incomplete is None:
        submission = accommodations.send(db.session, current_user, case, settings.current().deadlines)
        assert submission.accommodation is not None  # sending creates the request with its item
        flash(
            f"Sent: {submission.reference}. Your case manager will contact you to talk it through. A decision is "
            f"due by {written_date(submission.accommodation.decision_due)}.",
            "success",
        )
        return redirect_after_post(url_for("employee.submission", submission_id=submission.id))
    return render(
        "employee/accommodation_check.html",
        form_status(form),
        case=case,
        data=draft.data,
        form=form,
        incomplete=incomplete,
        titles=STEP_TITLES,
        files=accommodations.draft_files(db.session, current_user, case, draft.data),
        help_labels={c.value: c.label for c in HelpCategory},
        contact_labels=accommodations.CONTACT_PREFERENCES,
    )


@employee.post("/submissions/<int:submission_id>/accept-alternative")
def accept_alternative(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusals(form):
            accommodations.accept_alternative(db.session, current_user, item)
            flash("You accepted the alternative. Your supervisor has been told what to put in place.", "success")
    for message in form.form_errors:
        flash(message, "error")
    return redirect_after_post(url_for("employee.submission", submission_id=item.id))


@employee.post("/submissions/<int:submission_id>/reconsider")
def reconsider(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = DecisionAnswerForm()
    if form.validate_on_submit():
        with refusals(form):
            accommodations.request_reconsideration(
                db.session,
                current_user,
                item,
                form.reason.data,
                uploads_from(form.files),
                settings.current().uploads,
                form.version.data,
                settings.current().deadlines,
            )
            flash("Your request for reconsideration has gone to your case manager.", "success")
            return redirect_after_post(url_for("employee.submission", submission_id=item.id))
    return submission_screen(item, ReplyForm(formdata=None, version=item.version), form_status(form), form)
