"""The employee sends documents, answers requests, withdraws, and reads their history."""

from flask import current_app, flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.accommodations.forms import DecisionAnswerForm
from portal.accommodations.models import HelpCategory
from portal.core.numbers import whole_number
from portal.documents import operations as documents
from portal.documents.forms import DocumentForm, ReplyForm, WithdrawForm
from portal.extensions import db
from portal.files.forms import uploads_from
from portal.inbox import kinds
from portal.items import lifecycle as submissions
from portal.web.audiences import employee
from portal.web.responses import form_status, redirect_after_post, refusals, render


@employee.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
def send_document(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    form = DocumentForm()
    answering = None
    request_id = whole_number(request.args.get("request")) or form.request_id.data
    if request_id:
        answering = documents.open_request_for(db.session, current_user, request_id)
        if answering is not None and not form.is_submitted():
            form.document_type.data = answering.document_type
            form.request_id.data = answering.id
    if form.validate_on_submit():
        with refusals(form):
            submission = documents.send_document(
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
            )
            flash(f"Received: {submission.reference}. It is waiting for review.", "success")
            return redirect_after_post(url_for("employee.submission", submission_id=submission.id))
    return render(
        "employee/send_document.html",
        form_status(form),
        block="document_form" if form.is_submitted() else None,
        case=case,
        form=form,
        answering=answering,
    )


def submission_screen(submission, reply_form, status: int = 200, reconsider_form=None):
    """The employee's page for something they sent, whatever its kind; each of its forms posts elsewhere."""
    return render(
        "employee/submission.html",
        status,
        submission=submission,
        actions=submissions.allowed_actions(submission, current_user),
        files=documents.files_of(db.session, submission),
        reply_form=reply_form,
        reconsider_form=reconsider_form or DecisionAnswerForm(formdata=None, version=submission.version),
        help_labels={c.value: c.label for c in HelpCategory},
        open_request=documents.open_request_about(db.session, submission),
    )


@employee.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    return submission_screen(item, ReplyForm(version=item.version))


@employee.post("/submissions/<int:submission_id>/reply")
def reply(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ReplyForm()
    if form.validate_on_submit():
        with refusals(form):
            documents.provide_information(
                db.session,
                current_user,
                item,
                form.message.data,
                uploads_from(form.files),
                settings.current().uploads,
                settings.current().deadlines,
                expected_version=form.version.data,
            )
            flash("Thank you. Your reply has gone to your case manager.", "success")
            return redirect_after_post(url_for("employee.submission", submission_id=item.id))
    return submission_screen(item, form, form_status(form))


@employee.route("/submissions/<int:submission_id>/withdraw", methods=["GET", "POST"])
def withdraw(submission_id: int):
    """Withdraw an item before review, once the employee has read what that does: a press on the item's
    page only asks."""
    item = access.get_submission(db.session, current_user, submission_id)
    form = WithdrawForm(version=item.version)
    if form.validate_on_submit():
        with refusals(form):
            kinds.withdraw(db.session, item, current_user, form.version.data)
            flash(f"{item.reference} is withdrawn.", "success")
            return redirect_after_post(url_for("employee.submission", submission_id=item.id))
    return render("employee/withdraw.html", form_status(form), submission=item, form=form)


@employee.get("/history")
def history():
    page = documents.history_page(
        db.session, current_user, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    return render("employee/history.html", page=page)
