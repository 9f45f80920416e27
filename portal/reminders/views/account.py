"""Each person's own reminder settings, beside their password: every role has them."""

from flask import Blueprint, flash, url_for
from flask_login import current_user, login_required

from portal.accounts.models import Role
from portal.extensions import db
from portal.reminders import operations as reminders
from portal.reminders.forms import ReminderPreferencesForm
from portal.web.responses import form_status, redirect_after_post, refusals, render

bp = Blueprint("reminders", __name__)


@bp.route("/account/reminders", methods=["GET", "POST"], endpoint="preferences")
@login_required
def preferences():
    form = ReminderPreferencesForm()
    if form.validate_on_submit():
        with refusals(form):
            reminders.set_preferences(db.session, current_user, form.delivery.data or "", form.optional_reminders.data)
            flash("Your reminder settings are saved.", "success")
            return redirect_after_post(url_for("reminders.preferences"))
    elif not form.is_submitted():
        chosen = reminders.preferences_of(db.session, current_user)
        form = ReminderPreferencesForm(
            formdata=None, delivery=chosen.delivery, optional_reminders=chosen.optional_reminders
        )
    return render(
        "auth/reminder_preferences.html",
        form_status(form),
        form=form,
        gets_digest=current_user.role == Role.CASE_MANAGER,
    )
