"""Supervisors offer transitional duty and post standing light-duty availability."""

from flask import current_app, url_for
from flask_login import current_user

from portal import access, settings
from portal.core.columns import utcnow
from portal.duty import operations as offers
from portal.duty.forms import AvailabilityForm, OfferForm
from portal.extensions import db
from portal.restrictions import operations as restrictions
from portal.restrictions.fields import field_names, limits_from
from portal.web.audiences import supervisor
from portal.web.responses import post_form, render_fragment, render_page


def _offer_screen(case, form, status=200):
    today = utcnow().date()
    context = {
        "case": case,
        "form": form,
        "dimensions": restrictions.DIMENSIONS,
        "field_names": field_names,
        "fit": offers.fit(db.session, case, limits_from(form), today),
        "max_days": current_app.config["DUTY_MAX_DAYS"],
    }
    return render_page("supervisor/offer_form.html", status, **context)


@supervisor.route("/cases/<int:case_id>/offer", methods=["GET", "POST"])
def new_offer(case_id: int):
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    done = post_form(
        form,
        lambda: offers.make_offer(
            db.session,
            current_user,
            case,
            form.to_input(),
            settings.current().deadlines,
            current_app.config["DUTY_MAX_DAYS"],
        ),
        lambda submission: (
            f"Offer {submission.reference} sent to the case manager, who forwards it to {case.employee.name}.",
            url_for("supervisor.offer", submission_id=submission.id),
        ),
    )
    if done is not None:
        return done
    return _offer_screen(case, form, 422 if form.is_submitted() else 200)


@supervisor.post("/cases/<int:case_id>/offer/fit")
def offer_fit(case_id: int):
    """The fit of the demands as typed so far (htmx); the same block the full form shows."""
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    form.validate()  # parse what is there; errors are shown when the offer is sent
    return render_fragment(
        "supervisor/offer_form.html",
        "fit",
        case=case,
        fit=offers.fit(db.session, case, limits_from(form), utcnow().date()),
    )


@supervisor.get("/offers/<int:submission_id>")
def offer(submission_id: int):
    submission = offers.get_offer(db.session, current_user, submission_id)
    return render_page(
        "supervisor/offer.html",
        submission=submission,
        offer=submission.duty_offer,
        fit=offers.offer_fit(db.session, submission, utcnow().date()),
    )


@supervisor.route("/availability", methods=["GET", "POST"])
def availability():
    form = AvailabilityForm()
    done = post_form(
        form,
        lambda: offers.post_availability(
            db.session,
            current_user,
            form.title.data or "",
            form.tasks.data or "",
            form.places.data,
            form.hours_per_day.data,
            form.start_date.data,
            form.end_date.data,
            limits_from(form),
        ),
        lambda _: (
            "Posted. Case managers can now match it to employees of your department.",
            url_for("supervisor.availability"),
        ),
    )
    if done is not None:
        return done
    return render_page(
        "supervisor/availability.html",
        422 if form.is_submitted() else 200,
        form=form,
        posted=offers.availability_of(db.session, current_user),
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )
