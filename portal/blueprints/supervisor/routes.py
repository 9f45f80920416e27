"""Supervisors: their direct reports' work status and restrictions (never medical content),
transitional-duty offers, and standing light-duty availability."""
from flask import current_app, url_for
from flask_login import current_user

from portal.blueprints import audience_blueprint, post_form, render_fragment, render_page
from portal.blueprints.dimension_fields import field_names, limits_from
from portal.blueprints.supervisor.forms import AvailabilityForm, FeasibilityAnswerForm, OfferForm
from portal.extensions import db
from portal.models.base import utcnow
from portal.services import access, accommodations, cases, offers, restrictions
from portal.services.deadlines import DeadlineSettings

bp = audience_blueprint("supervisor", "/supervisor")


@bp.get("/")
def home():
    team = cases.open_cases_of_reports(db.session, current_user)
    return render_page("supervisor/home.html", cases=team,
                       restrictions=restrictions.current_reports(db.session, [c.id for c in team], utcnow().date()),
                       offers=offers.offers_by(db.session, current_user),
                       questions=accommodations.questions_for(db.session, current_user),
                       granted=accommodations.granted_for_team(db.session, current_user))


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def question(question_id: int):
    """A case manager's feasibility question about one accommodation: nothing medical is shown here."""
    asked = accommodations.question_for(db.session, current_user, question_id)
    form = FeasibilityAnswerForm()
    done = post_form(form, lambda: accommodations.answer_question(
        db.session, current_user, question_id, form.feasible.data or "", form.answer.data),
        lambda _: ("Thank you. Your answer has gone to the case manager.", url_for("supervisor.home")))
    if done is not None:
        return done
    return render_page("supervisor/question.html", 422 if form.is_submitted() else 200, question=asked, form=form)


def _offer_screen(case, form, status=200):
    today = utcnow().date()
    context = {"case": case, "form": form, "dimensions": restrictions.DIMENSIONS, "field_names": field_names,
               "fit": offers.fit(db.session, case, limits_from(form), today),
               "max_days": current_app.config["DUTY_MAX_DAYS"]}
    return render_page("supervisor/offer_form.html", status, **context)


@bp.route("/cases/<int:case_id>/offer", methods=["GET", "POST"])
def new_offer(case_id: int):
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    done = post_form(form, lambda: offers.make_offer(
        db.session, current_user, case, form.to_input(), DeadlineSettings.from_config(current_app.config),
        current_app.config["DUTY_MAX_DAYS"]), lambda submission: (
        f"Offer {submission.reference} sent to the case manager, who forwards it to {case.employee.name}.",
        url_for("supervisor.offer", submission_id=submission.id)))
    if done is not None:
        return done
    return _offer_screen(case, form, 422 if form.is_submitted() else 200)


@bp.post("/cases/<int:case_id>/offer/fit")
def offer_fit(case_id: int):
    """The fit of the demands as typed so far (htmx); the same block the full form shows."""
    case = access.get_case(db.session, current_user, case_id)  # direct reports only
    form = OfferForm()
    form.validate()  # parse what is there; errors are shown when the offer is sent
    return render_fragment("supervisor/offer_form.html", "fit", case=case,
                           fit=offers.fit(db.session, case, limits_from(form), utcnow().date()))


@bp.get("/offers/<int:submission_id>")
def offer(submission_id: int):
    submission = offers.get_offer(db.session, current_user, submission_id)
    return render_page("supervisor/offer.html", submission=submission, offer=submission.duty_offer,
                       fit=offers.offer_fit(db.session, submission, utcnow().date()))


@bp.route("/availability", methods=["GET", "POST"])
def availability():
    form = AvailabilityForm()
    done = post_form(form, lambda: offers.post_availability(
        db.session, current_user, form.title.data or "", form.tasks.data or "", form.places.data,
        form.hours_per_day.data, form.start_date.data, form.end_date.data, limits_from(form)),
        lambda _: ("Posted. Case managers can now match it to employees of your department.",
                   url_for("supervisor.availability")))
    if done is not None:
        return done
    return render_page("supervisor/availability.html", 422 if form.is_submitted() else 200, form=form,
                       posted=offers.availability_of(db.session, current_user), dimensions=restrictions.DIMENSIONS,
                       field_names=field_names)
