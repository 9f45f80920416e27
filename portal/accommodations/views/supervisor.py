"""A case manager's feasibility question, answered by the supervisor: nothing medical here."""

from flask import url_for
from flask_login import current_user

from portal.accommodations import operations as accommodations
from portal.accommodations.forms import FeasibilityAnswerForm
from portal.extensions import db
from portal.web.audiences import supervisor
from portal.web.responses import post_form, render_page


@supervisor.route("/questions/<int:question_id>", methods=["GET", "POST"])
def question(question_id: int):
    """A case manager's feasibility question about one accommodation: nothing medical is shown here."""
    asked = accommodations.question_for(db.session, current_user, question_id)
    form = FeasibilityAnswerForm()
    done = post_form(
        form,
        lambda: accommodations.answer_question(
            db.session, current_user, question_id, form.feasible.data or "", form.answer.data
        ),
        lambda _: ("Thank you. Your answer has gone to the case manager.", url_for("supervisor.home")),
    )
    if done is not None:
        return done
    return render_page("supervisor/question.html", 422 if form.is_submitted() else 200, question=asked, form=form)
