"""The case manager's side of an accommodation request: the interactive-process log, a feasibility
question to the supervisor, and the decision. Each answers with the inbox's review of the item."""

from flask import flash, url_for
from flask_login import current_user

from portal import access
from portal.accommodations import operations as accommodations
from portal.core.columns import utcnow
from portal.extensions import db, htmx
from portal.inbox import kinds
from portal.inbox.forms import AccommodationDecisionForm, FeasibilityForm, LogEntryForm
from portal.inbox.views import acted, refused, review_screen
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@inbox.post("/submissions/<int:submission_id>/log")
def add_log_entry(submission_id: int):
    """Append to the interactive-process log; over htmx the log section alone comes back, the entry in place."""
    item = access.get_submission(db.session, current_user, submission_id)
    form = LogEntryForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            accommodations.log(
                db.session,
                current_user,
                item,
                form.occurred_on.data,
                form.kind.data,
                form.summary.data,
                form.method.data,
                form.with_whom.data,
                form.considered.data,
                {"yes": True, "no": False}.get(form.effective.data),
            )
            sent(url_for("inbox.review", submission_id=item.id))
            if not htmx:
                flash("Added to the log.", "success")
                return redirect_after_post(url_for("inbox.review", submission_id=item.id))
            form = LogEntryForm(formdata=None, occurred_on=utcnow().date())
    status = form_status(form) if form.errors or form.form_errors else 200
    if htmx:
        return render(
            "inbox/review.html",
            status,
            block="process_log",
            submission=item,
            log_form=form,
            log=accommodations.log_of(db.session, item),
        )
    return review_screen(item, status, log_form=form)


@inbox.post("/submissions/<int:submission_id>/ask-supervisor")
def ask_supervisor(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = FeasibilityForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            accommodations.ask_supervisor(
                db.session, current_user, item, form.accommodation.data or "", form.question.data or ""
            )
            sent(url_for("inbox.review", submission_id=item.id))
            flash("Question sent to the supervisor.", "success")
            return redirect_after_post(url_for("inbox.review", submission_id=item.id))
    return review_screen(item, form_status(form), feasibility_form=form)


@inbox.post("/submissions/<int:submission_id>/decide")
def decide_accommodation(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = AccommodationDecisionForm()
    if form.validate_on_submit():
        with refusals(form):
            accommodations.decide(
                db.session,
                current_user,
                item,
                form.decision.data,
                form.version.data,
                what=form.what.data,
                why=form.why.data,
                denial_reason=form.denial_reason.data or None,
                granted_from=form.granted_from.data,
                granted_until=form.granted_until.data,
                review_date=form.review_date.data,
            )
            return acted(item, kinds.of(item).accepted_message)
    return refused(item, "decision_form", form)
