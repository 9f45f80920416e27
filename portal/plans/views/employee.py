"""The employee reads their return-to-work plan and acknowledges it."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access
from portal.cases.operations import read_only_reason
from portal.core.errors import NotFound
from portal.extensions import db
from portal.plans import operations as plans
from portal.plans.forms import AcknowledgeForm
from portal.web.audiences import employee
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@employee.route("/cases/<int:case_id>/plan", methods=["GET", "POST"])
def plan(case_id: int):
    """The plan in plain words: the goal, each step's dates, hours and duties, the milestones; and a button
    to acknowledge it, once for each version the case manager makes."""
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.plan_of(db.session, case)
    if record is None and request.method == "POST":
        raise NotFound()
    form = AcknowledgeForm()
    if record is not None and form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.acknowledge(db.session, current_user, record, form.version.data, ip_address=request.remote_addr)
            address = url_for("employee.plan", case_id=case.id)
            sent(address)
            flash(
                "Thank you: you have acknowledged your return-to-work plan. Your case manager can see that.", "success"
            )
            return redirect_after_post(address)
        record = plans.plan_of(db.session, case)  # refused: shown as it stands now
    if record is not None:
        form.version.data = record.version  # what the employee is about to read is what they acknowledge
    return render(
        "employee/plan.html",
        form_status(form),
        case=case,
        plan=record,
        form=form,
        closed=read_only_reason(case),
    )
