"""Case managers approve or refuse requests to give someone case-manager access (grants)."""

from flask import flash, url_for
from flask_login import current_user

from portal import settings
from portal.accounts import grants
from portal.accounts.forms import AccessDecisionForm
from portal.extensions import db
from portal.web.audiences import inbox
from portal.web.fresh import fresh_sign_in_required
from portal.web.responses import form_status, redirect_after_post, refusals, render


@inbox.get("/access")
def access_requests():
    return _requests_screen(AccessDecisionForm())


@inbox.post("/access/<int:grant_id>")
@fresh_sign_in_required
def decide_access(grant_id: int):
    form = AccessDecisionForm()
    if form.validate_on_submit():
        with refusals(form):
            grant = grants.decide(
                db.session, current_user, grant_id, form.decision.data == "approve", settings.current().accounts
            )
            flash(
                f"Approved: {grant.user.name} is a case manager now"
                + (", and has been sent an invitation." if grant.user.password_hash is None else ".")
                if grant.approved
                else f"Refused: {grant.user.name} has no case-manager access.",
                "success",
            )
            return redirect_after_post(url_for("inbox.access_requests"))
    return _requests_screen(form, form_status(form))


def _requests_screen(form: AccessDecisionForm, status: int = 200):
    return render(
        "inbox/access.html",
        status,
        form=form,
        waiting=grants.waiting(db.session),
        decided=grants.recently_decided(db.session),
    )
