"""A case manager's feasibility question, answered by the supervisor: nothing medical here."""

from flask import flash, url_for
from flask_login import current_user

from portal.accommodations import operations as accommodations
from portal.accommodations.forms import FeasibilityAnswerForm
from portal.extensions import db
from portal.web.audiences import supervisor
from portal.web.responses import form_status, redirect_after_post, refusals, render


@supervisor.route("/questions/<int:question_id>", methods=["GET", "POST"])
def question(question_id: int):
    """A case manager's feasibility question about one accommodation: nothing medical is shown here."""
    asked = accommodations.question_for(db.session, current_user, question_id)
    form = FeasibilityAnswerForm()
    if form.validate_on_submit():
        with refusals(form):
            accommodations.answer_question(
                db.session, current_user, question_id, form.feasible.data or "", form.answer.data
            )
            flash("Thank you. Your answer has gone to the case manager.", "success")
            return redirect_after_post(url_for("supervisor.home"))
    return render("supervisor/question.html", form_status(form), question=asked, form=form)
