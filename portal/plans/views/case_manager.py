"""The case manager writes a case's return-to-work plan: its goal, its graduated steps, its milestones, with
each step checked against the restrictions in force on its dates."""

from flask import flash, url_for
from flask_login import current_user

from portal import access
from portal.cases.operations import read_only_reason
from portal.core.columns import utcnow
from portal.core.dates import written_date
from portal.extensions import db
from portal.plans import operations as plans
from portal.plans.forms import GoalForm, MilestoneForm, PlanActionForm, StepForm
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


def _address(case) -> str:
    return url_for("inbox.plan", case_id=case.id)


@inbox.get("/cases/<int:case_id>/plan")
def plan(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    return _plan_screen(case)


@inbox.post("/cases/<int:case_id>/plan")
def start_plan(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    form = GoalForm(prefix="goal")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.start_plan(db.session, current_user, case, form.goal.data or "")
            sent(_address(case))
            flash("Plan started. Add its steps, then its milestones.", "success")
            return redirect_after_post(_address(case))
    return _plan_screen(case, form_status(form), goal_form=form)


@inbox.post("/cases/<int:case_id>/plan/goal")
def change_plan_goal(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = GoalForm(prefix="goal")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.change_goal(db.session, current_user, record, form.goal.data or "", form.version.data)
            sent(_address(case))
            flash("Goal changed. The employee is asked to acknowledge the plan again.", "success")
            return redirect_after_post(_address(case))
    return _plan_screen(case, form_status(form), goal_form=form)


@inbox.post("/cases/<int:case_id>/plan/steps")
def add_plan_step(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = StepForm(prefix="step").offering(plans.accepted_duty(db.session, case))
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            step = plans.add_step(db.session, current_user, record, form.to_input(), form.version.data)
            sent(_address(case))
            flash(
                f"Step added: {written_date(step.starts_on)} to {written_date(step.ends_on)}. "
                f"{case.employee.name} is asked to acknowledge the plan as it is now.",
                "success",
            )
            return redirect_after_post(_address(case))
    return _plan_screen(case, form_status(form), step_form=form)


@inbox.post("/cases/<int:case_id>/plan/milestones")
def add_plan_milestone(case_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = MilestoneForm(prefix="milestone")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.add_milestone(db.session, current_user, record, form.to_input(), form.version.data)
            sent(_address(case))
            flash("Milestone added.", "success")
            return redirect_after_post(_address(case))
    return _plan_screen(case, form_status(form), milestone_form=form)


@inbox.post("/cases/<int:case_id>/plan/steps/<int:step_id>/remove")
def remove_plan_step(case_id: int, step_id: int):
    """Remove a step. A button on the step's card: a refusal is said at the top of the plan, as it stands."""
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = PlanActionForm(prefix=f"step-{step_id}")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.remove_step(db.session, current_user, record, step_id, form.version.data)
            sent(_address(case))
            flash("Step removed.", "success")
    return _after_action(case, form)


@inbox.post("/cases/<int:case_id>/plan/milestones/<int:milestone_id>/met")
def plan_milestone_met(case_id: int, milestone_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = PlanActionForm(prefix=f"milestone-{milestone_id}")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.mark_met(db.session, current_user, record, milestone_id)
            sent(_address(case))
            flash("Milestone marked met today.", "success")
    return _after_action(case, form)


@inbox.post("/cases/<int:case_id>/plan/milestones/<int:milestone_id>/remove")
def remove_plan_milestone(case_id: int, milestone_id: int):
    case = access.get_plan_case(db.session, current_user, case_id)
    record = plans.existing_plan(db.session, case)
    form = PlanActionForm(prefix=f"milestone-{milestone_id}")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plans.remove_milestone(db.session, current_user, record, milestone_id, form.version.data)
            sent(_address(case))
            flash("Milestone removed.", "success")
    return _after_action(case, form)


def _after_action(case, form: PlanActionForm):
    for message in form.form_errors + [message for field in form for message in field.errors]:
        flash(message, "error")
    return redirect_after_post(_address(case))


def _plan_screen(case, status: int = 200, goal_form=None, step_form=None, milestone_form=None):
    record = plans.plan_of(db.session, case)
    today = utcnow().date()
    version = record.version if record else None
    goal_form = goal_form or GoalForm(formdata=None, prefix="goal", goal=record.goal if record else "")
    step_form = step_form or StepForm(formdata=None, prefix="step", **_next_step(record))
    step_form.offering(plans.accepted_duty(db.session, case))
    milestone_form = milestone_form or MilestoneForm(formdata=None, prefix="milestone")
    for form in (goal_form, step_form, milestone_form):
        form.version.data = version  # shown again after a refusal, the forms are about the plan as it is now
    steps = record.steps if record else []
    return render(
        "inbox/plan.html",
        status,
        case=case,
        plan=record,
        check=plans.checks(db.session, current_user, record, today) if record else None,
        closed=read_only_reason(case),
        goal_form=goal_form,
        step_form=step_form,
        milestone_form=milestone_form,
        step_forms={
            step.id: PlanActionForm(formdata=None, prefix=f"step-{step.id}", version=version) for step in steps
        },
        milestone_forms={
            item.id: PlanActionForm(formdata=None, prefix=f"milestone-{item.id}", version=version)
            for item in (record.milestones if record else [])
        },
    )


def _next_step(record) -> dict:
    """The new step's form, starting the day after the last step ends, with its hours a day."""
    if record is None or not record.steps:
        return {}
    last = record.steps[-1]
    return {"starts_on": last.ends_on + plans.ONE_DAY, "days_per_week": last.days_per_week}
