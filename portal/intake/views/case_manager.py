"""The case manager opens a case for anyone on the roster, and triages every report into cases."""

from flask import flash, url_for
from flask_login import current_user

from portal import access, settings
from portal.cases.models import CaseType
from portal.cases.views.case_manager import case_screen
from portal.extensions import db
from portal.inbox.views import refused, triage_form_for
from portal.intake import operations as intake
from portal.intake.forms import NoticeGivenForm, OpenCaseForm
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@inbox.route("/open-case", methods=["GET", "POST"])
def open_case():
    form = OpenCaseForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            submission = intake.open_for(
                db.session,
                current_user,
                form.person.data or "",
                form.need.data or "",
                form.first_day_away.data,
                settings.current().deadlines,
            )
            sent(url_for("inbox.review", submission_id=submission.id))
            flash(f"Report {submission.reference} is yours to triage: choose the tracks and open the case.", "success")
            return redirect_after_post(url_for("inbox.review", submission_id=submission.id))
    return render("inbox/open_case.html", form_status(form), form=form)


@inbox.post("/submissions/<int:submission_id>/triage")
def triage(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = triage_form_for(item, sent=True)
    if form.validate_on_submit():
        with refusals(form):
            tracks = [
                intake.Track(
                    CaseType(value), intake.open_case_to_join(db.session, form.join_field(CaseType(value)).data)
                )
                for value in form.tracks.data or []
            ]
            triaged = intake.triage(
                db.session,
                current_user,
                item,
                tracks,
                form.case_manager.data,
                form.leave_start.data,
                form.expected_rtw.data,
                form.version.data,
                settings.current().deadlines,
                settings.current().accounts,
            )
            # To the case it led to: the report may have moved to a case already open, which the review's
            # header would no longer name.
            flash(f"Triaged. {triaged.summary}.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=triaged.cases[0].id))
    return refused(item, "triage_form", form)


@inbox.post("/cases/<int:case_id>/eligibility-notice")
def record_eligibility_notice(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = NoticeGivenForm()
    if form.validate_on_submit():
        with refusals(form):
            intake.record_notice_given(db.session, current_user, record, form.given_on.data)
            flash("Recorded: the eligibility and rights notice was given.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=record.id))
    return case_screen(record, form_status(form), notice_form=form)
