"""The employee asks for an accommodation, step by step, and answers its decision."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.accommodations import operations as accommodations
from portal.accommodations.forms import STEP_FORMS, STEP_TITLES, DecisionAnswerForm
from portal.accommodations.models import HelpCategory
from portal.cases.forms import ConfirmForm
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.documents.forms import ReplyForm
from portal.documents.views.employee import _submission_screen
from portal.extensions import db
from portal.files.forms import uploads_from
from portal.web.audiences import employee
from portal.web.responses import form_error, htmx_redirect, post_form, render_page


@employee.route("/cases/<int:case_id>/accommodation/<step>", methods=["GET", "POST"])
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
                for upload in uploads_from(form.documents):
                    accommodations.add_document(db.session, current_user, case, upload, settings.current().uploads)
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
                return htmx_redirect(
                    url_for("employee.accommodation_step", case_id=case.id, step=accommodations.STEPS[following])
                )
            for name, message in problems.items():
                form_error(form, InvalidInput(message, field=name if name in form else None))
            status = 422
    else:
        status = 422
    index = accommodations.STEPS.index(step)
    return render_page(
        "employee/accommodation_step.html",
        status,
        case=case,
        form=form,
        step=step,
        title=STEP_TITLES[step],
        number=index + 1,
        steps=len(accommodations.STEPS),
        previous=accommodations.STEPS[index - 1] if index else None,
        files=accommodations.draft_files(db.session, current_user, case, draft.data),
    )


@employee.route("/cases/<int:case_id>/accommodation/check", methods=["GET", "POST"])
def accommodation_check(case_id: int):
    """Check your answers, then send."""
    case = access.get_case(db.session, current_user, case_id)
    draft = accommodations.draft_for(db.session, current_user, case)
    form = ConfirmForm()
    incomplete = accommodations.first_incomplete_step(draft.data)
    if form.validate_on_submit() and incomplete is None:
        submission = accommodations.send(db.session, current_user, case, settings.current().deadlines)
        flash(
            f"Sent: {submission.reference}. Your case manager will contact you to talk it through. A decision is "
            f"due by {submission.accommodation.decision_due:%-d %B %Y}.",
            "success",
        )
        return htmx_redirect(url_for("employee.submission", submission_id=submission.id))
    return render_page(
        "employee/accommodation_check.html",
        422 if form.is_submitted() else 200,
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
    if ConfirmForm().validate_on_submit():
        try:
            accommodations.accept_alternative(db.session, current_user, item)
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash("You accepted the alternative. Your supervisor has been told what to put in place.", "success")
    return redirect(url_for("employee.submission", submission_id=item.id), code=303)


@employee.post("/submissions/<int:submission_id>/reconsider")
def reconsider(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = DecisionAnswerForm()
    done = post_form(
        form,
        lambda: accommodations.request_reconsideration(
            db.session,
            current_user,
            item,
            form.reason.data,
            int(form.version.data or 0) or None,
            settings.current().deadlines,
        ),
        lambda _: (
            "Your request for reconsideration has gone to your case manager.",
            url_for("employee.submission", submission_id=item.id),
        ),
    )
    if done is not None:
        return done
    return _submission_screen(item, ReplyForm(formdata=None, version=item.version), 422, reconsider_form=form)
