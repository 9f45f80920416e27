"""The supervisor reads the schedule of their report's return-to-work plan: dates, hours and duties only."""

from flask_login import current_user

from portal import access
from portal.extensions import db
from portal.plans import operations as plans
from portal.web.audiences import supervisor
from portal.web.responses import render


@supervisor.get("/cases/<int:case_id>/plan")
def plan(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)  # direct reports' open cases only
    record = plans.plan_of(db.session, case)
    return render("supervisor/plan.html", case=case, schedule=plans.schedule(record) if record else None)
