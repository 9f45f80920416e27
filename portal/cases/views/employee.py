"""The employee names and authorises their treating clinician, or revokes it."""

from flask import flash, url_for
from flask_login import current_user

from portal import access, settings
from portal.cases import authorisations
from portal.cases.forms import ClinicianForm, ConfirmForm
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.extensions import db
from portal.web.audiences import employee
from portal.web.fresh import fresh_sign_in_required
from portal.web.responses import form_status, redirect_after_post, refusals, render


@employee.get("/cases/<int:case_id>/clinicians")
def clinicians(case_id: int):
    """See the authorisations given, revoke one, or name and authorise a treating clinician."""
    case = access.get_case(db.session, current_user, case_id)
    return _clinicians_screen(case, ClinicianForm(formdata=None))


@employee.post("/cases/<int:case_id>/clinicians")
@fresh_sign_in_required
def authorise_clinician(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    form = ClinicianForm()
    if form.validate_on_submit():
        with refusals(form):
            participant = authorisations.authorise(
                db.session, current_user, case, settings=settings.current().accounts, **form.authorisation()
            )
            flash(
                f"{participant.shown_name} is authorised until {written_date(participant.valid_until)}. "
                "We have emailed them.",
                "success",
            )
            return redirect_after_post(url_for("employee.clinicians", case_id=case.id))
    return _clinicians_screen(case, form, form_status(form))


def _clinicians_screen(case, form: ClinicianForm, status: int = 200):
    return render(
        "employee/clinicians.html",
        status,
        case=case,
        form=form,
        authorisations=authorisations.for_case(db.session, case),
        today=utcnow().date(),
        is_live=authorisations.is_live,
    )


@employee.route("/cases/<int:case_id>/clinicians/<int:participant_id>/revoke", methods=["GET", "POST"])
def revoke_clinician(case_id: int, participant_id: int):
    """Stop an authorisation, once the employee has read what that does: a press on the list only asks."""
    case = access.get_case(db.session, current_user, case_id)
    participant = authorisations.authorisation(db.session, current_user, case, participant_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        authorisations.revoke(db.session, current_user, case, participant_id)
        flash(f"{participant.shown_name} can no longer see this case or send reports for it.", "success")
        return redirect_after_post(url_for("employee.clinicians", case_id=case.id))
    return render("employee/stop_authorisation.html", case=case, participant=participant, form=form)
