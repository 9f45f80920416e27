"""Supervisors offer transitional duty and post standing light-duty availability."""

from flask import current_app, flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.documents.forms import TextReplyForm
from portal.duty import operations as offers
from portal.duty.forms import AvailabilityForm, AvailabilityStatusForm, OfferForm
from portal.duty.models import AvailabilityClosed
from portal.extensions import db
from portal.restrictions import operations as restrictions
from portal.restrictions.fields import field_names
from portal.web.audiences import supervisor
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@supervisor.route("/cases/<int:case_id>/offer", methods=["GET", "POST"])
def new_offer(case_id: int):
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            submission = offers.make_offer(
                db.session,
                current_user,
                case,
                form.to_input(),
                settings.current().deadlines,
                current_app.config["DUTY_MAX_DAYS"],
            )
            sent(url_for("supervisor.offer", submission_id=submission.id))
            flash(
                f"Offer {submission.reference} sent to the case manager, who forwards it to {case.employee.name}.",
                "success",
            )
            return redirect_after_post(url_for("supervisor.offer", submission_id=submission.id))
    return _offer_screen(case, form, form_status(form))


@supervisor.post("/cases/<int:case_id>/offer/fit")
def offer_fit(case_id: int):
    """The fit of the demands as typed so far, for the form's live check: its fit block, or without
    htmx the whole form. Problems are shown when the offer is sent, not while it is being typed."""
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    form.validate()
    for field in form:
        field.errors = []
    form.form_errors.clear()
    return _offer_screen(case, form, block=["fit", "fit_status"], oob=True)


def _offer_screen(case, form: OfferForm, status: int = 200, block: list[str] | None = None, oob: bool = False):
    return render(
        "supervisor/offer_form.html",
        status,
        block=block,
        oob=oob,
        case=case,
        form=form,
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
        fit=offers.fit(db.session, case, form.to_input().all_demands, utcnow().date()),
        max_days=current_app.config["DUTY_MAX_DAYS"],
    )


@supervisor.get("/offers/<int:submission_id>")
def offer(submission_id: int):
    submission = offers.get_offer(db.session, current_user, submission_id)
    return _offer_page(submission, TextReplyForm(version=submission.version))


@supervisor.post("/offers/<int:submission_id>/reply")
def reply(submission_id: int):
    """The supervisor's answer when the case manager asks for more about their offer."""
    submission = offers.get_offer(db.session, current_user, submission_id)
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
            return redirect_after_post(url_for("supervisor.offer", submission_id=submission.id))
    return _offer_page(submission, form, form_status(form))


def _offer_page(submission, reply_form: TextReplyForm, status: int = 200):
    return render(
        "supervisor/offer.html",
        status,
        submission=submission,
        offer=submission.duty_offer,
        fit=offers.offer_fit(db.session, submission, utcnow().date()),
        reply_form=reply_form,
        open_request=documents.open_request_about(db.session, submission),
    )


@supervisor.route("/availability", methods=["GET", "POST"])
def availability():
    form = AvailabilityForm()
    if form.validate_on_submit():
        with refusals(form):
            offers.post_availability(db.session, current_user, form.to_input())
            flash("Posted. Case managers can now match it to employees of your department.", "success")
            return redirect_after_post(url_for("supervisor.availability"))
    return render(
        "supervisor/availability.html",
        form_status(form),
        form=form,
        posted=offers.availability_of(db.session, current_user),
        status_form=AvailabilityStatusForm(),
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )


@supervisor.route("/availability/<int:availability_id>", methods=["GET", "POST"])
def change_availability(availability_id: int):
    posted = access.get_availability(db.session, current_user, availability_id)
    form = AvailabilityForm.of(posted) if request.method == "GET" else AvailabilityForm()
    if form.validate_on_submit():
        with refusals(form):
            offers.change_availability(db.session, posted, form.to_input())
            flash(f"{posted.title}: changed.", "success")
            return redirect_after_post(url_for("supervisor.availability"))
    return render(
        "supervisor/availability_change.html",
        form_status(form),
        form=form,
        posted=posted,
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )


@supervisor.post("/availability/<int:availability_id>/status")
def availability_status(availability_id: int):
    """Mark availability filled or withdrawn, or undo that: case managers match only open availability."""
    posted = access.get_availability(db.session, current_user, availability_id)
    form = AvailabilityStatusForm()
    if form.validate_on_submit():
        with refusals(form):
            if form.action.data == "reopen":
                offers.reopen_availability(db.session, posted)
                flash(f"{posted.title}: open again. Case managers can match it.", "success")
            else:
                offers.close_availability(db.session, posted, AvailabilityClosed(form.action.data))
                flash(f"{posted.title}: marked {form.action.data}. Case managers no longer see it.", "success")
    for message in form.form_errors + form.action.errors:
        flash(message, "error")
    return redirect_after_post(url_for("supervisor.availability"))
