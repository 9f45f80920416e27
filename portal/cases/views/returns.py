"""The employee, or their supervisor, tells the case manager the employee is back at work; the case manager
confirms it on the case."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access
from portal.cases import course
from portal.cases import operations as cases
from portal.cases.forms import ReturnForm
from portal.core.columns import utcnow
from portal.extensions import db
from portal.web.audiences import employee, supervisor
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@employee.route("/cases/<int:case_id>/return", methods=["GET", "POST"])
def report_return(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    return _report_return(case, "employee.home", "employee/_navigation.html", own=True)


@supervisor.route("/cases/<int:case_id>/return", methods=["GET", "POST"])
def report_team_return(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    return _report_return(case, "supervisor.home", "supervisor/_navigation.html", own=False)


def _report_return(case, home: str, navigation: str, own: bool):
    """The employee or their supervisor says the employee is back: the case manager confirms it."""
    form = ReturnForm() if request.method == "POST" else ReturnForm(formdata=None, returned_on=utcnow().date())
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            course.report_return(db.session, current_user, case, form.returned_on.data, form.duty.data)
            sent(url_for(home))
            flash("Thank you. The case manager is told, and will confirm the return.", "success")
            return redirect_after_post(url_for(home))
    return render(
        "cases/report_return.html",
        form_status(form) if request.method == "POST" else 200,
        case=case,
        form=form,
        own=own,
        home=home,
        navigation=navigation,
        read_only=cases.read_only_reason(case),
        reported=course.pending_return_report(db.session, case),
    )
