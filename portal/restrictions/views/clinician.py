"""Treating clinicians: their authorised patients, and the work-status reports they send."""

from flask import flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal import access, settings
from portal.cases import operations as cases
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput
from portal.documents import operations as documents
from portal.extensions import db
from portal.restrictions import operations as restrictions
from portal.restrictions import reports
from portal.restrictions.fields import field_names
from portal.restrictions.forms import ReplyForm, ReportForm
from portal.web.audiences import clinician
from portal.web.responses import form_error, htmx_redirect, post_form, render_page


@clinician.get("/")
def home():
    authorisations = cases.patients_of_clinician(db.session, current_user)
    return render_page(
        "clinician/home.html",
        authorisations=authorisations,
        last_reports=reports.last_reports(db.session, [a.case_id for a in authorisations]),
        submissions=reports.reports_of_clinician(db.session, current_user),
    )


def _report_screen(case, form, status=200, draft=None):
    return render_page(
        "clinician/report_form.html",
        status,
        case=case,
        form=form,
        draft=draft,
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )


@clinician.route("/cases/<int:case_id>/report", methods=["GET", "POST"])
def new_report(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    if request.method == "GET":
        draft = reports.draft_for(db.session, current_user, case)
        form = ReportForm(formdata=MultiDict(draft.data) if draft else None)
        return _report_screen(case, form, draft=draft)
    form = ReportForm()
    if form.action.data == "draft":
        typed = {key: value for key, value in request.form.items(multi=False) if key not in ("csrf_token", "action")}
        reports.save_draft(db.session, current_user, case, typed)
        flash("Draft saved. You can finish it later from your patients list.", "success")
        return htmx_redirect(url_for("clinician.new_report", case_id=case.id))
    if form.check(utcnow().date()):
        upload = request.files.get("signed_form")
        try:
            submission = reports.submit(
                db.session,
                current_user,
                case,
                form.to_input(),
                documents.Upload(upload.stream, upload.filename) if upload and upload.filename else None,
                settings.current().uploads,
                settings.current().deadlines,
            )
        except InvalidInput as error:
            form_error(form, error)
        else:
            flash(f"Report {submission.reference} sent to the case manager.", "success")
            return htmx_redirect(url_for("clinician.report", submission_id=submission.id))
    return _report_screen(case, form, 422)


def _report_view(submission, reply_form, status=200):
    return render_page(
        "clinician/report.html",
        status,
        submission=submission,
        report=submission.restriction_report,
        reply_form=reply_form,
        files=documents.files_of(db.session, submission),
    )


@clinician.get("/reports/<int:submission_id>")
def report(submission_id: int):
    submission = reports.get_report(db.session, current_user, submission_id)
    return _report_view(submission, ReplyForm(version=submission.version))


@clinician.post("/reports/<int:submission_id>/reply")
def reply(submission_id: int):
    submission = reports.get_report(db.session, current_user, submission_id)
    form = ReplyForm()
    done = post_form(
        form,
        lambda: documents.provide_information(
            db.session,
            current_user,
            submission,
            form.message.data,
            [],
            settings.current().uploads,
            settings.current().deadlines,
            int(form.version.data or 0) or None,
        ),
        lambda _: (
            "Your reply has gone to the case manager.",
            url_for("clinician.report", submission_id=submission.id),
        ),
    )
    if done is not None:
        return done
    return _report_view(submission, form, 422)
