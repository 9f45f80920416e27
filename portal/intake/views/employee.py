"""The employee reports a new need, one question a page, saved between pages; then checks and sends it."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import settings
from portal.cases.forms import ConfirmForm
from portal.core.errors import NotFound
from portal.extensions import db
from portal.intake import operations as intake
from portal.intake.forms import STEP_FORMS, STEP_TITLES
from portal.intake.models import Need
from portal.web.audiences import employee
from portal.web.responses import form_status, redirect_after_post, refuse, render


@employee.route("/report/<step>", methods=["GET", "POST"])
def report_step(step: str):
    """One page of the report; what is typed is kept even when it has a problem."""
    if step not in intake.STEPS:
        raise NotFound()
    form = STEP_FORMS[step]()
    draft = intake.draft_for(db.session, current_user)
    if not form.is_submitted():
        form.load(draft.answers)
    elif form.validate():
        problems = intake.save_step(db.session, current_user, step, form.values())
        if not problems:
            return redirect_after_post(_after(step))
        refuse(form, problems)
    index = intake.STEPS.index(step)
    return render(
        "employee/report_step.html",
        form_status(form),
        form=form,
        step=step,
        title=STEP_TITLES[step],
        number=index + 1,
        steps=len(intake.STEPS),
        previous=intake.STEPS[index - 1] if index else None,
        need=draft.answers.get("need"),
        accommodation=Need.ACCOMMODATION.value,
    )


def _after(step: str) -> str:
    """The next page, or the check page after the last one or when the employee came from there to change it."""
    following = intake.STEPS.index(step) + 1
    if request.args.get("back") == "check" or following == len(intake.STEPS):
        return url_for("employee.report_check")
    return url_for("employee.report_step", step=intake.STEPS[following])


@employee.route("/report/check", methods=["GET", "POST"])
def report_check():
    """Check your answers, then send."""
    draft = intake.draft_for(db.session, current_user)
    form = ConfirmForm()
    incomplete = intake.first_incomplete_step(draft.answers)
    if form.validate_on_submit() and incomplete is None:
        submission = intake.send_report(db.session, current_user, settings.current().deadlines)
        flash(
            f"Sent: {submission.reference}. A case manager will look at it within "
            f"{settings.current().deadlines.triage_business_days} working days and contact you.",
            "success",
        )
        return redirect_after_post(url_for("employee.submission", submission_id=submission.id))
    return render(
        "employee/report_check.html",
        form_status(form),
        answers=draft.answers,
        form=form,
        incomplete=incomplete,
        titles=STEP_TITLES,
        need_label=Need(draft.answers["need"]).asked_of_employee if draft.answers.get("need") in set(Need) else None,
    )
