"""The employee answers a transitional-duty offer."""

from flask import flash, request, url_for
from flask_login import current_user

from portal.duty import operations as offers
from portal.duty.forms import OfferAnswerForm
from portal.extensions import db
from portal.web.audiences import employee
from portal.web.responses import form_status, redirect_after_post, refusals, render


@employee.route("/offers/<int:submission_id>", methods=["GET", "POST"])
def offer(submission_id: int):
    """A transitional-duty offer forwarded to the employee: read it, accept it, or decline it with a reason."""
    submission = offers.get_offer(db.session, current_user, submission_id)
    form = OfferAnswerForm()
    if form.validate_on_submit():
        accepted = request.form.get("answer") == "accept"
        with refusals(form):
            offers.answer(db.session, current_user, submission, accepted, form.reason.data)
            flash(
                "Thank you. You accepted the offer; your supervisor and case manager have been told."
                if accepted
                else "You declined the offer. Your case manager will be in touch.",
                "success",
            )
            return redirect_after_post(url_for("employee.offer", submission_id=submission.id))
    return render(
        "employee/offer.html", form_status(form), submission=submission, offer=submission.duty_offer, form=form
    )
