"""A supervisor reports an injury at work, or an absence that may be medical, for someone on their team."""

from flask import flash, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, settings
from portal.core.errors import NotFound
from portal.extensions import db
from portal.intake import operations as intake
from portal.intake.forms import TeamReportForm
from portal.items.models import SubmissionKind
from portal.web.audiences import supervisor
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@supervisor.route("/report", methods=["GET", "POST"])
def report_for_team():
    team = intake.team(db.session, current_user)
    form = TeamReportForm()
    form.person.choices = [SelectChoice(0, "Choose someone")] + [
        SelectChoice(person.id, f"{person.name} ({person.job_title})") for person in team
    ]
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            submission = intake.report_for_team(
                db.session,
                current_user,
                form.person.data,
                form.need.data or "",
                form.what_happened.data or "",
                form.happened_at.data,
                form.witnesses.data or "",
                form.first_day_away.data,
                settings.current().deadlines,
            )
            sent(url_for("supervisor.report", submission_id=submission.id))
            flash(f"Sent: {submission.reference}. A case manager will look at it and contact them.", "success")
            return redirect_after_post(url_for("supervisor.report", submission_id=submission.id))
    return render("supervisor/report_form.html", form_status(form), form=form, team=team)


@supervisor.get("/reports/<int:submission_id>")
def report(submission_id: int):
    """A report the supervisor sent, and what became of it: nothing medical, only where it stands."""
    item = access.get_submission(db.session, current_user, submission_id)
    if item.kind != SubmissionKind.INTAKE_REPORT or item.submitted_by_id != current_user.id:
        raise NotFound()
    return render("supervisor/report.html", item=item)
