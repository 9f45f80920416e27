"""The employee answers a transitional-duty offer."""

from flask import request, url_for
from flask_login import current_user

from portal.duty import operations as offers
from portal.duty.forms import OfferAnswerForm
from portal.extensions import db
from portal.web.audiences import employee
from portal.web.responses import post_form, render_page


@employee.route("/offers/<int:submission_id>", methods=["GET", "POST"])
def offer(submission_id: int):
    """A transitional-duty offer forwarded to the employee: read it, accept it, or decline it with a reason."""
    submission = offers.get_offer(db.session, current_user, submission_id)
    form = OfferAnswerForm()
    accepted = request.form.get("answer") == "accept"
    done = post_form(
        form,
        lambda: offers.answer(db.session, current_user, submission, accepted, form.reason.data),
        lambda _: (
            "Thank you. You accepted the offer; your supervisor and case manager have been told."
            if accepted
            else "You declined the offer. Your case manager will be in touch.",
            url_for("employee.offer", submission_id=submission.id),
        ),
    )
    if done is not None:
        return done
    return render_page(
        "employee/offer.html",
        422 if form.is_submitted() else 200,
        submission=submission,
        offer=submission.duty_offer,
        form=form,
    )
