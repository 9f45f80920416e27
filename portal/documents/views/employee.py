"""The employee sends documents, answers requests, withdraws, and reads their history."""

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.accommodations.forms import DecisionAnswerForm
from portal.accommodations.models import HelpCategory
from portal.core.errors import Conflict
from portal.documents import operations as documents
from portal.documents.forms import DocumentForm, ReplyForm, WithdrawForm
from portal.extensions import db
from portal.files.forms import uploads_from
from portal.items import lifecycle as submissions
from portal.web.audiences import employee
from portal.web.responses import post_form, render_fragment, render_page


@employee.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
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
    done = post_form(
        form,
        lambda: documents.send_document(
            db.session,
            current_user,
            case,
            form.document_type.data,
            form.description.data,
            form.note.data,
            uploads_from(form.files),
            settings.current().uploads,
            settings.current().deadlines,
            answering=answering,
        ),
        lambda submission: (
            f"Received: {submission.reference}. It is waiting for review.",
            url_for("employee.submission", submission_id=submission.id),
        ),
    )
    if done is not None:
        return done
    context = {"case": case, "form": form, "answering": answering}
    status = 422 if form.is_submitted() else 200
    if request.headers.get("HX-Request") and form.is_submitted():
        return render_fragment("employee/send_document.html", "document_form", status, **context)
    return render_page("employee/send_document.html", status, **context)


def _submission_screen(submission, reply_form, status=200, reconsider_form=None):
    return render_page(
        "employee/submission.html",
        status,
        submission=submission,
        actions=submissions.allowed_actions(submission, current_user),
        files=documents.files_of(db.session, submission),
        reply_form=reply_form,
        withdraw_form=WithdrawForm(formdata=None, version=submission.version),
        reconsider_form=reconsider_form or DecisionAnswerForm(formdata=None, version=submission.version),
        help_labels={c.value: c.label for c in HelpCategory},
        open_request=next(
            (r for r in documents.open_requests(db.session, current_user) if r.submission_id == submission.id), None
        ),
    )


@employee.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    return _submission_screen(item, ReplyForm(version=item.version))


@employee.post("/submissions/<int:submission_id>/reply")
def reply(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ReplyForm()
    done = post_form(
        form,
        lambda: documents.provide_information(
            db.session,
            current_user,
            item,
            form.message.data,
            uploads_from(form.files),
            settings.current().uploads,
            settings.current().deadlines,
            expected_version=int(form.version.data or 0) or None,
        ),
        lambda _: (
            "Thank you. Your reply has gone to your case manager.",
            url_for("employee.submission", submission_id=item.id),
        ),
    )
    if done is not None:
        return done
    return _submission_screen(item, form, 422)


@employee.post("/submissions/<int:submission_id>/withdraw")
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


@employee.get("/history")
def history():
    page = documents.history_page(
        db.session, current_user, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    return render_page("employee/history.html", page=page)
