"""Treating clinicians: their authorised patients, and the work-status reports they send."""

from flask import flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal import access, settings
from portal.cases import authorisations
from portal.cases import operations as cases
from portal.core.columns import utcnow
from portal.core.errors import NotFound
from portal.documents import operations as documents
from portal.documents.forms import TextReplyForm
from portal.extensions import db
from portal.files.forms import upload_from
from portal.messages import operations as messaging
from portal.restrictions import operations as restrictions
from portal.restrictions import reports
from portal.restrictions.fields import field_names
from portal.restrictions.forms import ReportForm
from portal.web.audiences import clinician
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@clinician.get("/")
def home():
    authorisations = cases.patients_of_clinician(db.session, current_user)
    return render(
        "clinician/home.html",
        authorisations=authorisations,
        last_reports=reports.last_reports(db.session, current_user, [a.case_id for a in authorisations]),
        submissions=reports.reports_of_clinician(db.session, current_user),
        unread=messaging.unread_counts(db.session, current_user, [a.case_id for a in authorisations]),
    )


@clinician.route("/cases/<int:case_id>/report", methods=["GET", "POST"])
def new_report(case_id: int):
    try:
        case = access.get_case(db.session, current_user, case_id)
    except NotFound:
        ended = authorisations.ended_for(db.session, current_user, case_id, utcnow().date())
        if request.method != "POST" or ended is None:
            raise
        # Their authorisation ended while they wrote: say so, and give back what they typed to copy.
        return render("clinician/authorisation_ended.html", 403, ended=ended, form=ReportForm())
    draft = None if request.method == "POST" else reports.draft_for(db.session, current_user, case)
    # A saved draft fills the form in as if it had just been typed.
    form = ReportForm(formdata=MultiDict(draft.data)) if draft else ReportForm()
    if form.is_submitted() and form.action.data == "draft":
        typed = {
            key: value for key, value in request.form.items(multi=False) if key not in ("csrf_token", "action", "once")
        }
        reports.save_draft(db.session, current_user, case, typed)
        flash("Draft saved. You can finish it later from your patients list.", "success")
        return redirect_after_post(url_for("clinician.new_report", case_id=case.id))
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            submission = reports.submit(
                db.session,
                current_user,
                case,
                form.to_input(),
                upload_from(form.signed_form),
                settings.current().uploads,
                settings.current().deadlines,
            )
            sent(url_for("clinician.report", submission_id=submission.id))
            flash(f"Report {submission.reference} sent to the case manager.", "success")
            return redirect_after_post(url_for("clinician.report", submission_id=submission.id))
    return render(
        "clinician/report_form.html",
        form_status(form),
        case=case,
        form=form,
        draft=draft,
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )


def _report_view(submission, reply_form, status: int = 200):
    return render(
        "clinician/report.html",
        status,
        submission=submission,
        report=submission.restriction_report,
        reply_form=reply_form,
        open_request=documents.open_request_about(db.session, submission),
        files=documents.files_of(db.session, submission),
    )


@clinician.get("/reports/<int:submission_id>")
def report(submission_id: int):
    submission = reports.open_report(db.session, current_user, submission_id, request.remote_addr)
    return _report_view(submission, TextReplyForm(version=submission.version))


@clinician.post("/reports/<int:submission_id>/reply")
def reply(submission_id: int):
    submission = reports.get_report(db.session, current_user, submission_id)
    form = TextReplyForm()
    if form.validate_on_submit():
        with refusals(form):
            documents.provide_information(
                db.session,
                current_user,
                submission,
                form.message.data,
                [],
                settings.current().uploads,
                settings.current().deadlines,
                form.version.data,
            )
            flash("Your reply has gone to the case manager.", "success")
            return redirect_after_post(url_for("clinician.report", submission_id=submission.id))
    return _report_view(submission, form, form_status(form))
